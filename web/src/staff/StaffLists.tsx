import { useId, useState, type ReactNode } from 'react';
import { Navigate, NavLink, useParams } from 'react-router';
import { api, query } from '../api';
import { useT, type MessageId } from '../i18n';
import { useSession } from '../session';
import { day, ErrorMessage, Field, Page, count, useAction, useLoad } from '../ui/components';
import { useDesk } from './desk-context';
import { LibraryBranchPicker } from './LibraryBranchPicker';
import { DeskNav, NotForRole } from './DeskNav';
import type { OverdueRow, PullRow, ReshelveRow, TransitRow } from './types';

/** The lists, in the order the sub-navigation shows them. */
const LISTS = [
  { slug: 'overdue', label: 'deskpages.lists.overdue.tab', title: 'deskpages.lists.overdue.title' },
  { slug: 'pull', label: 'deskpages.lists.pull.tab', title: 'deskpages.lists.pull.title' },
  { slug: 'expired-holds', label: 'deskpages.lists.reshelve.tab', title: 'deskpages.lists.reshelve.title' },
  { slug: 'in-transit', label: 'deskpages.lists.transit.tab', title: 'deskpages.lists.transit.title' },
] as const satisfies readonly { slug: string; label: MessageId; title: MessageId }[];
type Slug = (typeof LISTS)[number]['slug'];

/**
 * `/desk/lists/:list`: the lists staff on duty work from — items overdue, holds to pull, expired holds to
 * reshelve, items in transit — as plain tables that print. The pull, reshelving and transit lists never
 * name a patron; the overdue list names none here either (contacting a patron about an overdue item is
 * materials recovery, done from the patron's record).
 */
export function StaffLists() {
  const session = useSession();
  const t = useT();
  const { list } = useParams();
  const current = LISTS.find((l) => l.slug === list);
  if (!current) return <Navigate to="/desk/lists/overdue" replace />;
  return (
    <Page
      title={t(current.title)}
      actions={
        <button type="button" className="secondary" onClick={() => window.print()}>
          {t('deskpages.lists.print')}
        </button>
      }
    >
      <DeskNav />
      {session.can('circulation.lists') ? (
        <>
          <nav className="no-print" aria-label={t('deskpages.lists.nav')}>
            <ul className="tabs">
              {LISTS.map((l) => (
                <li key={l.slug}>
                  <NavLink to={`/desk/lists/${l.slug}`}>{t(l.label)}</NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <ListOf slug={current.slug} key={current.slug} />
        </>
      ) : (
        <NotForRole what={t('deskpages.lists.notForRole')} />
      )}
    </Page>
  );
}

type Rows = OverdueRow[] | PullRow[] | ReshelveRow[] | TransitRow[];

function ListOf({ slug }: { slug: Slug }) {
  const t = useT();
  const desk = useDesk();
  const id = useId();
  const [libraryId, setLibraryId] = useState('');
  const [branch, setBranch] = useState('');
  const [minDays, setMinDays] = useState('');
  const done = useAction();
  const libraries = desk.libraries ?? [];
  const library = libraries.find((l) => l.id === libraryId) ?? desk.library;
  const min = /^\d+$/.test(minDays) && Number(minDays) >= 1 ? Number(minDays) : undefined;
  const rows = useLoad(
    () =>
      library
        ? api<Rows>('GET', `/libraries/${encodeURIComponent(library.id)}/lists/${slug}${query({ branch: branch || undefined, minDaysOverdue: slug === 'overdue' ? min : undefined })}`)
        : Promise.resolve(undefined),
    [library?.id, slug, branch, min],
  );
  // The pull list names each item's type by the library's word for it, not its code.
  const itemTypes = useLoad(
    () => (library && slug === 'pull' ? api<{ code: string; name: string }[]>('GET', `/libraries/${encodeURIComponent(library.id)}/item-types`) : Promise.resolve(undefined)),
    [library?.id, slug],
  );
  const typeName = (code: string) => itemTypes.data?.find((type) => type.code === code)?.name ?? code;
  if (desk.librariesError) return <ErrorMessage error={desk.librariesError} />;
  if (!library) return <p className="loading">{t('common.loading')}</p>;
  const branchName = (code: string) => desk.branchName(code);
  const markDone = async (itemBarcode: string) => {
    if (await done.run(() => api('POST', `/libraries/${encodeURIComponent(library.id)}/lists/done`, { itemBarcode }))) rows.reload();
  };
  const doneButton = (itemBarcode: string, label: string) => (
    <td className="actions">
      <button type="button" className="secondary" disabled={done.busy} onClick={() => void markDone(itemBarcode)} aria-label={t('deskpages.lists.doneLabel', { action: label, barcode: itemBarcode })}>
        {label}
      </button>
    </td>
  );
  const data = rows.data ?? [];
  // The caption: how many, and where when one branch is chosen ("3 items overdue at Eastside Branch").
  const at = branch ? branchName(branch) : '';
  const n = data.length;
  const itemCol = t('deskpages.lists.col.item');
  const titleCol = t('deskpages.lists.col.title');
  const sinceCol = t('deskpages.lists.col.since');

  let table: ReactNode;
  if (slug === 'overdue') {
    const overdue = data as OverdueRow[];
    table = (
      <PlainTable
        caption={at ? t('deskpages.lists.overdue.captionAt', { count: n, branch: at }) : t('deskpages.lists.overdue.caption', { count: n })}
        id={id}
        columns={[itemCol, titleCol, t('deskpages.lists.col.branch'), t('deskpages.lists.col.due'), t('deskpages.lists.col.daysOverdue')]}
      >
        {overdue.map((r) => (
          <tr key={r.itemBarcode}>
            <td className="barcode">{r.itemBarcode}</td>
            <td>{r.title}</td>
            <td>{branchName(r.branchCode)}</td>
            <td>{day(r.dueOn)}</td>
            <td className="num">{count(r.daysOverdue)}</td>
          </tr>
        ))}
      </PlainTable>
    );
  } else if (slug === 'pull') {
    const pull = data as PullRow[];
    table = (
      <PlainTable
        caption={at ? t('deskpages.lists.pull.captionAt', { count: n, branch: at }) : t('deskpages.lists.pull.caption', { count: n })}
        id={id}
        columns={[itemCol, titleCol, t('deskpages.lists.col.author'), t('deskpages.lists.col.type'), t('deskpages.lists.col.shelvesAt'), t('deskpages.lists.col.pickupAt'), sinceCol, '']}
      >
        {pull.map((r) => (
          <tr key={r.itemBarcode}>
            <td className="barcode">{r.itemBarcode}</td>
            <td>{r.title}</td>
            <td>{r.author ?? '—'}</td>
            <td>{typeName(r.itemType)}</td>
            <td>{branchName(r.branchCode)}</td>
            <td>{branchName(r.pickupBranchCode)}</td>
            <td>{day(r.since)}</td>
            {doneButton(r.itemBarcode, t('deskpages.lists.pulled'))}
          </tr>
        ))}
      </PlainTable>
    );
  } else if (slug === 'expired-holds') {
    const reshelve = data as ReshelveRow[];
    table = (
      <PlainTable
        caption={at ? t('deskpages.lists.reshelve.captionAt', { count: n, branch: at }) : t('deskpages.lists.reshelve.caption', { count: n })}
        id={id}
        columns={[t('deskpages.lists.col.shelfCode'), itemCol, titleCol, t('deskpages.lists.col.holdShelfAt'), sinceCol, '']}
      >
        {reshelve.map((r) => (
          <tr key={r.itemBarcode}>
            <td className="shelf-code">{r.shelfCode ?? '—'}</td>
            <td className="barcode">{r.itemBarcode}</td>
            <td>{r.title}</td>
            <td>{branchName(r.branchCode)}</td>
            <td>{day(r.since)}</td>
            {doneButton(r.itemBarcode, t('deskpages.lists.reshelved'))}
          </tr>
        ))}
      </PlainTable>
    );
  } else {
    const transit = data as TransitRow[];
    table = (
      <PlainTable
        caption={at ? t('deskpages.lists.transit.captionAt', { count: n, branch: at }) : t('deskpages.lists.transit.caption', { count: n })}
        id={id}
        columns={[itemCol, titleCol, t('deskpages.lists.col.from'), t('deskpages.lists.col.to'), sinceCol, '']}
      >
        {transit.map((r) => (
          <tr key={r.itemBarcode}>
            <td className="barcode">{r.itemBarcode}</td>
            <td>{r.title}</td>
            <td>{branchName(r.fromBranchCode)}</td>
            <td>{branchName(r.toBranchCode)}</td>
            <td>{day(r.since)}</td>
            {doneButton(r.itemBarcode, t('deskpages.lists.received'))}
          </tr>
        ))}
      </PlainTable>
    );
  }

  return (
    <>
      <p>{t(INTRO[slug])}</p>
      <div className="filters">
        <LibraryBranchPicker libraries={libraries} library={library} branch={branch} onLibrary={setLibraryId} onBranch={setBranch} />
        {slug === 'overdue' && (
          <div className="narrow">
            <Field label={t('deskpages.lists.minDays')} name="minDays" type="number" min={1} inputMode="numeric" value={minDays} onChange={(e) => setMinDays(e.target.value)} />
          </div>
        )}
      </div>
      <ErrorMessage error={rows.error ?? done.error} />
      {rows.loading && !rows.data ? <p className="loading">{t('common.loading')}</p> : data.length === 0 ? <p>{t(EMPTY[slug])}</p> : table}
    </>
  );
}

const INTRO: Record<Slug, MessageId> = {
  overdue: 'deskpages.lists.overdue.intro',
  pull: 'deskpages.lists.pull.intro',
  'expired-holds': 'deskpages.lists.reshelve.intro',
  'in-transit': 'deskpages.lists.transit.intro',
};

const EMPTY: Record<Slug, MessageId> = {
  overdue: 'deskpages.lists.overdue.empty',
  pull: 'deskpages.lists.pull.empty',
  'expired-holds': 'deskpages.lists.reshelve.empty',
  'in-transit': 'deskpages.lists.transit.empty',
};

/** A plain table that prints: a caption, column headings, rows. */
function PlainTable({ caption, id, columns, children }: { caption: string; id: string; columns: string[]; children: ReactNode }) {
  return (
    <div className="table-scroll print-plain" tabIndex={0}>
      <table aria-describedby={`${id}-caption`}>
        <caption id={`${id}-caption`}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c, i) =>
              c ? (
                <th key={c} scope="col">
                  {c}
                </th>
              ) : (
                <td key={`blank-${i}`} className="actions" />
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
