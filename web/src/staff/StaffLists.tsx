import { useId, useState, type ReactNode } from 'react';
import { Navigate, NavLink, useParams } from 'react-router';
import { api, query } from '../api';
import { useSession } from '../session';
import { day, ErrorMessage, Field, Page, useAction, useLoad } from '../ui/components';
import { useDesk } from './desk-context';
import { LibraryBranchPicker } from './LibraryBranchPicker';
import { DeskNav, NotForRole } from './DeskNav';
import type { OverdueRow, PullRow, ReshelveRow, TransitRow } from './types';

/** The lists, in the order the sub-navigation shows them. */
const LISTS = [
  { slug: 'overdue', label: 'Overdue', title: 'Items overdue' },
  { slug: 'pull', label: 'Holds to pull', title: 'Holds to pull' },
  { slug: 'expired-holds', label: 'Expired holds', title: 'Expired holds to reshelve' },
  { slug: 'in-transit', label: 'In transit', title: 'Items in transit' },
] as const;
type Slug = (typeof LISTS)[number]['slug'];

/**
 * `/desk/lists/:list`: the lists staff on duty work from — items overdue, holds to pull, expired holds to
 * reshelve, items in transit — as plain tables that print. The pull, reshelving and transit lists never
 * name a patron; the overdue list names none here either (contacting a patron about an overdue item is
 * materials recovery, done from the patron's record).
 */
export function StaffLists() {
  const session = useSession();
  const { list } = useParams();
  const current = LISTS.find((l) => l.slug === list);
  if (!current) return <Navigate to="/desk/lists/overdue" replace />;
  return (
    <Page
      title={current.title}
      actions={
        <button type="button" className="secondary" onClick={() => window.print()}>
          Print
        </button>
      }
    >
      <DeskNav />
      {session.can('circulation.lists') ? (
        <>
          <nav aria-label="Lists">
            <ul className="tabs">
              {LISTS.map((l) => (
                <li key={l.slug}>
                  <NavLink to={`/desk/lists/${l.slug}`}>{l.label}</NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <ListOf slug={current.slug} key={current.slug} />
        </>
      ) : (
        <NotForRole what="Working from the staff lists" />
      )}
    </Page>
  );
}

type Rows = OverdueRow[] | PullRow[] | ReshelveRow[] | TransitRow[];

function ListOf({ slug }: { slug: Slug }) {
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
  if (desk.librariesError) return <ErrorMessage error={desk.librariesError} />;
  if (!library) return <p className="loading">Loading…</p>;
  const branchName = (code: string) => desk.branchName(code);
  const markDone = async (itemBarcode: string) => {
    if (await done.run(() => api('POST', `/libraries/${encodeURIComponent(library.id)}/lists/done`, { itemBarcode }))) rows.reload();
  };
  const doneButton = (itemBarcode: string, label: string) => (
    <td className="actions">
      <button type="button" className="secondary" disabled={done.busy} onClick={() => void markDone(itemBarcode)} aria-label={`${label}: ${itemBarcode}`}>
        {label}
      </button>
    </td>
  );
  const data = rows.data ?? [];
  const where = branch ? ` at ${branchName(branch)}` : '';

  let table: ReactNode;
  if (slug === 'overdue') {
    const overdue = data as OverdueRow[];
    table = (
      <PlainTable caption={`${count(overdue.length, 'item')} overdue${where}`} id={id} columns={['Item barcode', 'Title', 'Branch', 'Due', 'Days overdue']}>
        {overdue.map((r) => (
          <tr key={r.itemBarcode}>
            <td className="barcode">{r.itemBarcode}</td>
            <td>{r.title}</td>
            <td>{branchName(r.branchCode)}</td>
            <td>{day(r.dueOn)}</td>
            <td className="num">{r.daysOverdue}</td>
          </tr>
        ))}
      </PlainTable>
    );
  } else if (slug === 'pull') {
    const pull = data as PullRow[];
    table = (
      <PlainTable caption={`${count(pull.length, 'item')} to pull${where}`} id={id} columns={['Item barcode', 'Title', 'Author', 'Type', 'Shelves at', 'Pick-up at', 'Since', '']}>
        {pull.map((r) => (
          <tr key={r.itemBarcode}>
            <td className="barcode">{r.itemBarcode}</td>
            <td>{r.title}</td>
            <td>{r.author ?? '—'}</td>
            <td>{r.itemType}</td>
            <td>{branchName(r.branchCode)}</td>
            <td>{branchName(r.pickupBranchCode)}</td>
            <td>{day(r.since)}</td>
            {doneButton(r.itemBarcode, 'Pulled')}
          </tr>
        ))}
      </PlainTable>
    );
  } else if (slug === 'expired-holds') {
    const reshelve = data as ReshelveRow[];
    table = (
      <PlainTable caption={`${count(reshelve.length, 'item')} to reshelve${where}`} id={id} columns={['Shelf code', 'Item barcode', 'Title', 'Hold shelf at', 'Since', '']}>
        {reshelve.map((r) => (
          <tr key={r.itemBarcode}>
            <td className="shelf-code">{r.shelfCode ?? '—'}</td>
            <td className="barcode">{r.itemBarcode}</td>
            <td>{r.title}</td>
            <td>{branchName(r.branchCode)}</td>
            <td>{day(r.since)}</td>
            {doneButton(r.itemBarcode, 'Reshelved')}
          </tr>
        ))}
      </PlainTable>
    );
  } else {
    const transit = data as TransitRow[];
    table = (
      <PlainTable caption={`${count(transit.length, 'item')} in transit${where}`} id={id} columns={['Item barcode', 'Title', 'From', 'To', 'Since', '']}>
        {transit.map((r) => (
          <tr key={r.itemBarcode}>
            <td className="barcode">{r.itemBarcode}</td>
            <td>{r.title}</td>
            <td>{branchName(r.fromBranchCode)}</td>
            <td>{branchName(r.toBranchCode)}</td>
            <td>{day(r.since)}</td>
            {doneButton(r.itemBarcode, 'Received')}
          </tr>
        ))}
      </PlainTable>
    );
  }

  return (
    <>
      <p>{INTRO[slug]}</p>
      <div className="filters">
        <LibraryBranchPicker libraries={libraries} library={library} branch={branch} onLibrary={setLibraryId} onBranch={setBranch} />
        {slug === 'overdue' && (
          <div className="narrow">
            <Field label="At least this many days overdue" name="minDays" type="number" min={1} inputMode="numeric" value={minDays} onChange={(e) => setMinDays(e.target.value)} />
          </div>
        )}
      </div>
      <ErrorMessage error={rows.error ?? done.error} />
      {rows.loading && !rows.data ? <p className="loading">Loading…</p> : data.length === 0 ? <p>{EMPTY[slug]}</p> : table}
    </>
  );
}

const INTRO: Record<Slug, string> = {
  overdue: 'Items past their due date, most overdue first. No patron is named here: reaching a patron about an overdue item is materials recovery, from the patron’s record.',
  pull: 'Items on the open shelves that a hold is waiting for. Fetch each one and mark it pulled; the patron is never shown.',
  'expired-holds': 'Items on a hold shelf whose hold expired or was cancelled, by the shelf code on their slip. Take each one off and mark it reshelved.',
  'in-transit': 'Items travelling to the branch where a hold will be picked up. Mark each one received when it arrives.',
};

const EMPTY: Record<Slug, string> = {
  overdue: 'Nothing is overdue.',
  pull: 'No holds to pull.',
  'expired-holds': 'No expired holds to reshelve.',
  'in-transit': 'Nothing is in transit.',
};

function count(n: number, noun: string): string {
  return n === 1 ? `One ${noun}` : `${n} ${noun}s`;
}

/** A plain table that prints: a caption, column headings, rows. */
function PlainTable({ caption, id, columns, children }: { caption: string; id: string; columns: string[]; children: ReactNode }) {
  return (
    <div className="table-scroll print-plain">
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
