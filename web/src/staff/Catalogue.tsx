import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, query } from '../api';
import { useSession } from '../session';
import { aboutField, ErrorMessage, Field, Notice, Page, Select, useAction } from '../ui/components';
import { useDesk } from './desk-context';
import { DeskNav } from './DeskNav';
import type { CatalogueHit, CatalogueResult, ChangedCopy, CopiesAt, DeskHoldView, RecordView } from './types';
import { FORMAT_LABELS, SEARCH_FIELD_OPTIONS } from './words';

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

  return (
    <Page title="Catalogue">
      <DeskNav />
      <p className="hint">
        Find a title and where its copies are. What you search for is not kept anywhere.
        {session.can('items.manage') && (
          <>
            {' '}
            New copies are added in the office’s <Link to="/office/catalogue">catalogue</Link>.
          </>
        )}
      </p>
      <form className="catalogue-search" role="search" onSubmit={submit} noValidate>
        <Select label="Search in" name="field" value={field} onChange={(e) => setField(e.target.value)} options={SEARCH_FIELD_OPTIONS} />
        <Field label="Search for" name="q" type="search" autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} error={aboutField(search.error, 'q')} />
        <button type="submit" disabled={search.busy}>
          {search.busy ? 'Searching…' : 'Search'}
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
  if (availability.length === 0) return <span>No copies</span>;
  return (
    <ul className="availability">
      {availability.map((a) => (
        <li key={a.branchId}>
          {a.branchName}: {a.available} of {a.copies} on the shelf
        </li>
      ))}
    </ul>
  );
}

function Results({ result, filters, onNarrow, onOpen, busy }: { result: CatalogueResult; filters: Filters; onNarrow: (f: Filters) => void; onOpen: (id: string) => void; busy: boolean }) {
  const id = useId();
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
      <h2 id={`${id}-heading`}>{result.total === 0 ? 'No titles found' : result.total === 1 ? 'One title found' : `${result.total} titles found`}</h2>
      <div className="facets" aria-label="Narrow the results" role="group" aria-live="off">
        {facet('Format', 'format', facets.format.map((f) => ({ value: f.value, label: FORMAT_LABELS[f.value] ?? f.value, count: f.count })))}
        {facet('Language', 'language', facets.language.map((f) => ({ value: f.value, label: f.value, count: f.count })))}
        {facet('Branch', 'branch', facets.branch.map((f) => ({ value: f.code, label: f.name, count: f.count })))}
        <fieldset className="facet">
          <legend>Availability</legend>
          <button type="button" className={filters.available ? '' : 'secondary'} aria-pressed={Boolean(filters.available)} disabled={busy} onClick={() => onNarrow({ available: !filters.available })}>
            On the shelf now ({facets.available})
          </button>
        </fieldset>
        {active && (
          <p>
            <button type="button" className="secondary" disabled={busy} onClick={() => onNarrow({ format: undefined, language: undefined, branch: undefined, available: false })}>
              Clear the filters
            </button>
          </p>
        )}
      </div>
      {result.hits.length > 0 && (
        <div className="table-scroll" aria-live="off">
          <table>
            <caption>{result.hits.length < result.total ? `The best ${result.hits.length} of ${result.total}` : 'Best match first'}</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Author</th>
                <th scope="col">Year</th>
                <th scope="col">Format</th>
                <th scope="col">Copies</th>
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
                  <td>{FORMAT_LABELS[hit.format] ?? hit.format}</td>
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

const STATUS_WORDS: Record<string, string> = {
  available: 'On the shelf',
  'on-loan': 'On loan',
  'on-hold-shelf': 'On the hold shelf',
  'in-transit': 'In transit',
  missing: 'Missing',
  lost: 'Lost',
  withdrawn: 'Withdrawn',
};

/** A title with its copies; a librarian's copy actions; a hold for a patron. */
function TitlePage({ recordId, onBack }: { recordId: string; onBack: () => void }) {
  const id = useId();
  const session = useSession();
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
  const changeCopy = async (barcode: string, body: { status?: string; damaged?: boolean }, said: string) => {
    setNotice(undefined);
    const changed = await change.run(() => api<ChangedCopy>('PATCH', `/items/${encodeURIComponent(barcode)}`, { ...body, libraryId: record?.libraryId }));
    if (changed) {
      setNotice(`${barcode}: ${said}.`);
      await reload();
    }
  };
  const manage = session.can('items.manage');

  return (
    <section aria-labelledby={`${id}-title`} className="catalogue-record">
      <p>
        <button type="button" className="secondary" onClick={onBack}>
          Back to the results
        </button>
      </p>
      <ErrorMessage error={load.error} />
      {!record ? (
        !load.error && <p className="loading">Loading…</p>
      ) : (
        <>
          <h2 id={`${id}-title`}>{record.subtitle ? `${record.title}: ${record.subtitle}` : record.title}</h2>
          <dl className="record-facts">
            {record.authors.length > 0 && (
              <>
                <dt>By</dt>
                <dd>{record.authors.join('; ')}</dd>
              </>
            )}
            <dt>Published</dt>
            <dd>{[record.publisher, record.year].filter((v) => v !== null).join(', ') || 'Not recorded'}</dd>
            <dt>Format</dt>
            <dd>
              {FORMAT_LABELS[record.format] ?? record.format}
              {record.language ? ` · ${record.language}` : ''}
            </dd>
            {record.isbns.length > 0 && (
              <>
                <dt>ISBN</dt>
                <dd>{record.isbns.join(', ')}</dd>
              </>
            )}
            {record.subjects.length > 0 && (
              <>
                <dt>Subjects</dt>
                <dd>{record.subjects.join('; ')}</dd>
              </>
            )}
            <dt>Holds waiting</dt>
            <dd>{record.holdsWaiting}</dd>
          </dl>
          {record.summary && <p>{record.summary}</p>}
          <Notice>{notice}</Notice>
          <ErrorMessage error={change.error} />
          <div className="table-scroll" aria-live="off">
            <table>
              <caption>{record.copies.length === 1 ? 'One copy' : `${record.copies.length} copies`}</caption>
              <thead>
                <tr>
                  <th scope="col">Barcode</th>
                  <th scope="col">Branch</th>
                  <th scope="col">Call number</th>
                  <th scope="col">Status</th>
                  {manage && <th scope="col">Change</th>}
                </tr>
              </thead>
              <tbody>
                {record.copies.map((c) => (
                  <tr key={c.barcode}>
                    <td className="barcode">{c.barcode}</td>
                    <td>{c.branchCode}</td>
                    <td>{c.callNumber ?? ''}</td>
                    <td>
                      {STATUS_WORDS[c.status] ?? c.status}
                      {c.damaged && <span className="badge warn">Damaged</span>}
                    </td>
                    {manage && (
                      <td className="copy-actions">
                        {c.status !== 'available' && (c.status === 'missing' || c.status === 'withdrawn') && (
                          <button type="button" className="secondary" disabled={change.busy} onClick={() => void changeCopy(c.barcode, { status: 'available' }, 'back on the shelf')} aria-label={`Put ${c.barcode} back on the shelf`}>
                            Back on the shelf
                          </button>
                        )}
                        {c.status !== 'missing' && c.status !== 'withdrawn' && (
                          <button type="button" className="secondary" disabled={change.busy} onClick={() => void changeCopy(c.barcode, { status: 'missing' }, 'marked missing')} aria-label={`Mark ${c.barcode} missing`}>
                            Mark missing
                          </button>
                        )}
                        {c.status !== 'withdrawn' && (
                          <button type="button" className="secondary" disabled={change.busy} onClick={() => void changeCopy(c.barcode, { status: 'withdrawn' }, 'withdrawn')} aria-label={`Withdraw ${c.barcode}`}>
                            Withdraw
                          </button>
                        )}
                        <button
                          type="button"
                          className="secondary"
                          disabled={change.busy}
                          onClick={() => void changeCopy(c.barcode, { damaged: !c.damaged }, c.damaged ? 'no longer damaged' : 'marked damaged')}
                          aria-label={c.damaged ? `Mark ${c.barcode} not damaged` : `Mark ${c.barcode} damaged`}
                        >
                          {c.damaged ? 'Not damaged' : 'Mark damaged'}
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
      setNotice(
        hold.status === 'ready'
          ? 'Hold placed. A copy on the shelf is set aside for the patron: it is on the list of holds to pull.'
          : 'Hold placed. No copy is on the shelf for it now: the patron waits in the queue, and a copy checked in goes to the first hold it can fill.',
      );
      onPlaced();
    }
  };
  return (
    <section className="card inline-form" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Place a hold on this title</h3>
      <p className="hint">The first copy that comes free goes to the patron, the pick-up branch’s own copies first.</p>
      <Notice>{notice}</Notice>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label="Patron’s card number" name="cardNumber" inputMode="numeric" autoComplete="off" value={card} onChange={(e) => setCard(e.target.value)} error={aboutField(place.error, 'cardNumber')} />
        {branches.length > 0 && (
          <Select
            label="Pick-up branch"
            name="pickupBranch"
            value={pickup}
            onChange={(e) => setPickup(e.target.value)}
            options={[{ value: '', label: 'The patron’s home branch' }, ...branches.map((b) => ({ value: b.code, label: b.name }))]}
            error={aboutField(place.error, 'pickupBranch')}
          />
        )}
        {!aboutField(place.error, 'cardNumber', 'pickupBranch') && <ErrorMessage error={place.error} />}
        <button type="submit" disabled={place.busy || card.trim() === ''}>
          {place.busy ? 'Placing…' : 'Place hold'}
        </button>
        {notice && (
          <p>
            <Link to="/desk/lists/pull">Open the holds to pull</Link>
          </p>
        )}
      </form>
    </section>
  );
}
