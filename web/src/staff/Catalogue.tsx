import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, query } from '../api';
import { t, tRich, useT, wordFor, type MessageId } from '../i18n';
import { formatLocale } from '../i18n/format';
import { useSession } from '../session';
import { aboutField, count, ErrorMessage, Field, Notice, Page, Select, useAction } from '../ui/components';
import { useDesk } from './desk-context';
import { DeskNav } from './DeskNav';
import type { CatalogueHit, CatalogueResult, ChangedCopy, CopiesAt, DeskHoldView, RecordView } from './types';

/** The catalogue's formats in words (src/domain/catalogue.ts RECORD_FORMATS). */
const FORMATS: Record<string, MessageId> = {
  book: 'deskpages.format.book',
  'large-print': 'deskpages.format.largePrint',
  audiobook: 'deskpages.format.audiobook',
  ebook: 'deskpages.format.ebook',
  dvd: 'deskpages.format.dvd',
  music: 'deskpages.format.music',
  magazine: 'deskpages.format.magazine',
  map: 'deskpages.format.map',
  other: 'deskpages.format.other',
};

function formatName(format: string): string {
  return wordFor(FORMATS, format);
}

/** Where the search looks for the words (src/domain/catalogue.ts SEARCH_FIELDS). */
const SEARCH_FIELDS: { value: string; label: MessageId }[] = [
  { value: 'keyword', label: 'deskpages.catalogue.in.keyword' },
  { value: 'title', label: 'deskpages.catalogue.in.title' },
  { value: 'author', label: 'deskpages.catalogue.in.author' },
  { value: 'isbn', label: 'deskpages.catalogue.in.isbn' },
  { value: 'subject', label: 'deskpages.catalogue.in.subject' },
];

/** A title's language (a three-letter ISO 639-2 code, such as spa) in the page's language: "Spanish", "español". */
function languageName(code: string): string {
  try {
    return new Intl.DisplayNames([formatLocale()], { type: 'language', fallback: 'code' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The filters a search is narrowed by: a facet's value, or nothing. */
interface Filters {
  format?: string;
  language?: string;
  branch?: string;
  available?: boolean;
}

/**
 * `/desk/catalogue`: "do you have this book?" — search by keyword, title, author or ISBN, narrow by
 * format, language, branch or what is on the shelf, open a title to see its copies, mark a copy missing,
 * withdrawn or damaged (a librarian), and place a hold on the title for a patron. The words searched for
 * stay in this page's state: never in the address bar, the history or a log (CB-A2).
 */
export function DeskCatalogue() {
  const session = useSession();
  const desk = useDesk();
  const [text, setText] = useState('');
  const [field, setField] = useState('keyword');
  const [asked, setAsked] = useState<{ q: string; field: string } | undefined>(undefined);
  const [filters, setFilters] = useState<Filters>({});
  const [result, setResult] = useState<CatalogueResult | undefined>(undefined);
  const [recordId, setRecordId] = useState<string | undefined>(undefined);
  const search = useAction();

  const run = async (q: string, f: string, next: Filters) => {
    const found = await search.run(() =>
      api<CatalogueResult>(
        'GET',
        `/catalogue/search${query({ q, field: f, library: desk.library?.id, format: next.format, language: next.language, branch: next.branch, available: next.available ? 'true' : undefined, limit: 50 })}`,
      ),
    );
    if (found) {
      setResult(found);
      setAsked({ q, field: f });
      setFilters(next);
      setRecordId(undefined);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(text, field, {});
  };
  const narrow = (change: Filters) => asked && void run(asked.q, asked.field, { ...filters, ...change });
  const t = useT();

  return (
    <Page title={t('deskpages.catalogue.title')}>
      <DeskNav />
      <p className="hint">
        {t('deskpages.catalogue.intro')}
        {session.can('items.manage') && (
          <>
            {' '}
            {tRich('deskpages.catalogue.addCopiesInOffice', { link: (chunks) => <Link to="/office/catalogue">{chunks}</Link> })}
          </>
        )}
      </p>
      <form className="catalogue-search" role="search" onSubmit={submit} noValidate>
        <Select
          label={t('deskpages.catalogue.searchIn')}
          name="field"
          value={field}
          onChange={(e) => setField(e.target.value)}
          options={SEARCH_FIELDS.map((f) => ({ value: f.value, label: t(f.label) }))}
        />
        <Field label={t('deskpages.catalogue.searchFor')} name="q" type="search" autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} error={aboutField(search.error, 'q')} />
        <button type="submit" disabled={search.busy}>
          {search.busy ? t('deskpages.catalogue.searching') : t('deskpages.catalogue.search')}
        </button>
      </form>
      {!aboutField(search.error, 'q') && <ErrorMessage error={search.error} />}
      {/* What changes is announced (how many found, the title opened); the tables and filters are not read out whole. */}
      <div aria-live="polite">
        {recordId ? (
          <TitlePage recordId={recordId} onBack={() => setRecordId(undefined)} />
        ) : (
          result && <Results result={result} filters={filters} onNarrow={narrow} onOpen={setRecordId} busy={search.busy} />
        )}
      </div>
    </Page>
  );
}

/** Copies on the shelf at each branch, in words ("Central: 1 of 2 on the shelf"). */
function Availability({ availability }: { availability: CopiesAt[] }) {
  if (availability.length === 0) return <span>{t('deskpages.catalogue.noCopies')}</span>;
  return (
    <ul className="availability">
      {availability.map((a) => (
        <li key={a.branchId}>
          {t('deskpages.catalogue.onShelfAt', { branch: a.branchName, available: a.available, copies: a.copies })}
        </li>
      ))}
    </ul>
  );
}

function Results({ result, filters, onNarrow, onOpen, busy }: { result: CatalogueResult; filters: Filters; onNarrow: (f: Filters) => void; onOpen: (id: string) => void; busy: boolean }) {
  const id = useId();
  const t = useT();
  const { facets } = result;
  const active = Boolean(filters.format || filters.language || filters.branch || filters.available);
  const facet = (label: string, key: 'format' | 'language' | 'branch', values: { value: string; label: string; count: number }[]) =>
    values.length > 0 && (
      <fieldset className="facet">
        <legend>{label}</legend>
        <ul>
          {values.map((v) => {
            const on = filters[key] === v.value;
            return (
              <li key={v.value}>
                <button type="button" className={on ? '' : 'secondary'} aria-pressed={on} disabled={busy} onClick={() => onNarrow({ [key]: on ? undefined : v.value })}>
                  {v.label} ({v.count})
                </button>
              </li>
            );
          })}
        </ul>
      </fieldset>
    );
  return (
    <section aria-labelledby={`${id}-heading`} className="catalogue-results">
      <h2 id={`${id}-heading`}>{t('deskpages.catalogue.found', { total: result.total })}</h2>
      <div className="facets" aria-label={t('deskpages.catalogue.narrow')} role="group" aria-live="off">
        {facet(t('deskpages.catalogue.format'), 'format', facets.format.map((f) => ({ value: f.value, label: formatName(f.value), count: f.count })))}
        {facet(t('deskpages.catalogue.language'), 'language', facets.language.map((f) => ({ value: f.value, label: languageName(f.value), count: f.count })))}
        {facet(t('deskpages.catalogue.branch'), 'branch', facets.branch.map((f) => ({ value: f.code, label: f.name, count: f.count })))}
        <fieldset className="facet">
          <legend>{t('deskpages.catalogue.availability')}</legend>
          <button type="button" className={filters.available ? '' : 'secondary'} aria-pressed={Boolean(filters.available)} disabled={busy} onClick={() => onNarrow({ available: !filters.available })}>
            {t('deskpages.catalogue.onShelfNow', { count: facets.available })}
          </button>
        </fieldset>
        {active && (
          <p>
            <button type="button" className="secondary" disabled={busy} onClick={() => onNarrow({ format: undefined, language: undefined, branch: undefined, available: false })}>
              {t('deskpages.catalogue.clearFilters')}
            </button>
          </p>
        )}
      </div>
      {result.hits.length > 0 && (
        <div className="table-scroll" aria-live="off" tabIndex={0}>
          <table>
            <caption>{result.hits.length < result.total ? t('deskpages.catalogue.bestOf', { shown: result.hits.length, total: result.total }) : t('deskpages.catalogue.bestFirst')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('deskpages.catalogue.col.title')}</th>
                <th scope="col">{t('deskpages.catalogue.col.author')}</th>
                <th scope="col">{t('deskpages.catalogue.col.year')}</th>
                <th scope="col">{t('deskpages.catalogue.format')}</th>
                <th scope="col">{t('deskpages.catalogue.col.copies')}</th>
              </tr>
            </thead>
            <tbody>
              {result.hits.map((hit: CatalogueHit) => (
                <tr key={hit.id}>
                  <td>
                    <button type="button" className="link" onClick={() => onOpen(hit.id)}>
                      {hit.subtitle ? `${hit.title}: ${hit.subtitle}` : hit.title}
                    </button>
                  </td>
                  <td>{hit.authors.join('; ')}</td>
                  <td>{hit.year ?? ''}</td>
                  <td>{formatName(hit.format)}</td>
                  <td>
                    <Availability availability={hit.availability} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A copy's status in words. */
const COPY_STATUS: Record<string, MessageId> = {
  available: 'deskpages.copy.status.available',
  'on-loan': 'deskpages.copy.status.onLoan',
  'on-hold-shelf': 'deskpages.copy.status.onHoldShelf',
  'in-transit': 'deskpages.copy.status.inTransit',
  missing: 'deskpages.copy.status.missing',
  lost: 'deskpages.copy.status.lost',
  withdrawn: 'deskpages.copy.status.withdrawn',
};

function copyStatus(status: string): string {
  return wordFor(COPY_STATUS, status);
}

/** What a change did to a copy, said after it ("CAT-1: marked damaged."). */
type CopyChange = 'backOnShelf' | 'missing' | 'withdrawn' | 'damaged' | 'notDamaged';
const CHANGED: Record<CopyChange, MessageId> = {
  backOnShelf: 'deskpages.copy.changed.backOnShelf',
  missing: 'deskpages.copy.changed.missing',
  withdrawn: 'deskpages.copy.changed.withdrawn',
  damaged: 'deskpages.copy.changed.damaged',
  notDamaged: 'deskpages.copy.changed.notDamaged',
};

/** A title with its copies; a librarian's copy actions; a hold for a patron. */
function TitlePage({ recordId, onBack }: { recordId: string; onBack: () => void }) {
  const id = useId();
  const t = useT();
  const session = useSession();
  const desk = useDesk();
  const [record, setRecord] = useState<RecordView | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const load = useAction();
  const change = useAction();
  const reload = async () => {
    const r = await load.run(() => api<RecordView>('GET', `/catalogue/records/${encodeURIComponent(recordId)}`));
    if (r) setRecord(r);
  };
  useEffect(() => {
    void reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [recordId]);
  const changeCopy = async (barcode: string, body: { status?: string; damaged?: boolean }, said: CopyChange) => {
    setNotice(undefined);
    const changed = await change.run(() => api<ChangedCopy>('PATCH', `/items/${encodeURIComponent(barcode)}`, { ...body, libraryId: record?.libraryId }));
    if (changed) {
      setNotice(t(CHANGED[said], { barcode }));
      await reload();
    }
  };
  const manage = session.can('items.manage');

  return (
    <section aria-labelledby={`${id}-title`} className="catalogue-record">
      <p>
        <button type="button" className="secondary" onClick={onBack}>
          {t('deskpages.catalogue.back')}
        </button>
      </p>
      <ErrorMessage error={load.error} />
      {!record ? (
        !load.error && <p className="loading">{t('common.loading')}</p>
      ) : (
        <>
          <h2 id={`${id}-title`}>{record.subtitle ? `${record.title}: ${record.subtitle}` : record.title}</h2>
          <dl className="record-facts">
            {record.authors.length > 0 && (
              <>
                <dt>{t('deskpages.catalogue.by')}</dt>
                <dd>{record.authors.join('; ')}</dd>
              </>
            )}
            <dt>{t('deskpages.catalogue.published')}</dt>
            <dd>{[record.publisher, record.year].filter((v) => v !== null).join(', ') || t('deskpages.catalogue.notRecorded')}</dd>
            <dt>{t('deskpages.catalogue.format')}</dt>
            <dd>
              {formatName(record.format)}
              {record.language ? ` · ${languageName(record.language)}` : ''}
            </dd>
            {record.isbns.length > 0 && (
              <>
                <dt>ISBN</dt>
                <dd>{record.isbns.join(', ')}</dd>
              </>
            )}
            {record.subjects.length > 0 && (
              <>
                <dt>{t('deskpages.catalogue.subjects')}</dt>
                <dd>{record.subjects.join('; ')}</dd>
              </>
            )}
            <dt>{t('deskpages.catalogue.holdsWaiting')}</dt>
            <dd>{count(record.holdsWaiting)}</dd>
          </dl>
          {record.summary && <p>{record.summary}</p>}
          <Notice>{notice}</Notice>
          <ErrorMessage error={change.error} />
          <div className="table-scroll" aria-live="off" tabIndex={0}>
            <table>
              <caption>{t('deskpages.catalogue.copies', { count: record.copies.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('deskpages.catalogue.col.barcode')}</th>
                  <th scope="col">{t('deskpages.catalogue.branch')}</th>
                  <th scope="col">{t('deskpages.catalogue.col.callNumber')}</th>
                  <th scope="col">{t('deskpages.catalogue.col.status')}</th>
                  {manage && <th scope="col">{t('deskpages.catalogue.col.change')}</th>}
                </tr>
              </thead>
              <tbody>
                {record.copies.map((c) => (
                  <tr key={c.barcode}>
                    <td className="barcode">{c.barcode}</td>
                    <td>{desk.branchName(c.branchCode)}</td>
                    <td>{c.callNumber ?? ''}</td>
                    <td>
                      {copyStatus(c.status)}
                      {c.damaged && <span className="badge warn">{t('deskpages.copy.damaged')}</span>}
                    </td>
                    {manage && (
                      <td className="copy-actions">
                        {c.status !== 'available' && (c.status === 'missing' || c.status === 'withdrawn') && (
                          <button type="button" className="secondary" disabled={change.busy} onClick={() => void changeCopy(c.barcode, { status: 'available' }, 'backOnShelf')} aria-label={t('deskpages.copy.backOnShelf.label', { barcode: c.barcode })}>
                            {t('deskpages.copy.backOnShelf')}
                          </button>
                        )}
                        {c.status !== 'missing' && c.status !== 'withdrawn' && (
                          <button type="button" className="secondary" disabled={change.busy} onClick={() => void changeCopy(c.barcode, { status: 'missing' }, 'missing')} aria-label={t('deskpages.copy.markMissing.label', { barcode: c.barcode })}>
                            {t('deskpages.copy.markMissing')}
                          </button>
                        )}
                        {c.status !== 'withdrawn' && (
                          <button type="button" className="secondary" disabled={change.busy} onClick={() => void changeCopy(c.barcode, { status: 'withdrawn' }, 'withdrawn')} aria-label={t('deskpages.copy.withdraw.label', { barcode: c.barcode })}>
                            {t('deskpages.copy.withdraw')}
                          </button>
                        )}
                        <button
                          type="button"
                          className="secondary"
                          disabled={change.busy}
                          onClick={() => void changeCopy(c.barcode, { damaged: !c.damaged }, c.damaged ? 'notDamaged' : 'damaged')}
                          aria-label={c.damaged ? t('deskpages.copy.notDamaged.label', { barcode: c.barcode }) : t('deskpages.copy.markDamaged.label', { barcode: c.barcode })}
                        >
                          {c.damaged ? t('deskpages.copy.notDamaged') : t('deskpages.copy.markDamaged')}
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {session.can('holds.place') && <PlaceHold record={record} onPlaced={() => void reload()} />}
        </>
      )}
    </section>
  );
}

/** A hold on the title (any copy) for a patron, by card number, for pick-up at a branch of the record's library. */
function PlaceHold({ record, onPlaced }: { record: RecordView; onPlaced: () => void }) {
  const id = useId();
  const t = useT();
  const desk = useDesk();
  const library = (desk.libraries ?? []).find((l) => l.id === record.libraryId);
  const branches = library?.branches ?? [];
  const [card, setCard] = useState('');
  const [pickup, setPickup] = useState('');
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const place = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setNotice(undefined);
    const hold = await place.run(() => api<DeskHoldView>('POST', '/holds', { cardNumber: card.trim(), recordId: record.id, ...(pickup ? { pickupBranch: pickup } : {}) }));
    if (hold) {
      setCard('');
      setNotice(hold.status === 'ready' ? t('deskpages.hold.placedReady') : t('deskpages.hold.placedQueued'));
      onPlaced();
    }
  };
  return (
    <section className="card inline-form" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{t('deskpages.hold.title')}</h3>
      <p className="hint">{t('deskpages.hold.hint')}</p>
      <Notice>{notice}</Notice>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t('deskpages.hold.card')} name="cardNumber" inputMode="numeric" autoComplete="off" value={card} onChange={(e) => setCard(e.target.value)} error={aboutField(place.error, 'cardNumber')} />
        {branches.length > 0 && (
          <Select
            label={t('deskpages.hold.pickup')}
            name="pickupBranch"
            value={pickup}
            onChange={(e) => setPickup(e.target.value)}
            options={[{ value: '', label: t('deskpages.hold.homeBranch') }, ...branches.map((b) => ({ value: b.code, label: b.name }))]}
            error={aboutField(place.error, 'pickupBranch')}
          />
        )}
        {!aboutField(place.error, 'cardNumber', 'pickupBranch') && <ErrorMessage error={place.error} />}
        <button type="submit" disabled={place.busy || card.trim() === ''}>
          {place.busy ? t('deskpages.hold.placing') : t('deskpages.hold.place')}
        </button>
        {notice && (
          <p>
            <Link to="/desk/lists/pull">{t('deskpages.hold.openPull')}</Link>
          </p>
        )}
      </form>
    </section>
  );
}
