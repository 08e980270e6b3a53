import { useState } from 'react';
import { api, query } from '../api';
import { ErrorMessage, Field, Page, Select, useAction } from '../ui/components';
import type { MyHold, RecordView, SearchResult } from './types';

const FIELDS = [
  { value: 'any', label: 'Anywhere' },
  { value: 'title', label: 'Title' },
  { value: 'author', label: 'Author' },
  { value: 'subject', label: 'Subject' },
  { value: 'isbn', label: 'ISBN' },
];

/** Copies on the shelf over all copies, in words. */
function availabilityWords(availability: SearchResult['hits'][number]['availability']): string {
  const copies = availability.reduce((n, a) => n + a.copies, 0);
  const available = availability.reduce((n, a) => n + a.available, 0);
  if (copies === 0) return 'No copies';
  return `${available} of ${copies} ${copies === 1 ? 'copy' : 'copies'} on the shelf`;
}

/**
 * `/me/search`: the catalogue for the patron (their library and consortium members that lend to it).
 * What they search for stays in this page's state only: never in the address bar, the history or a
 * stored setting (a search is confidential, CB-A2). A title opens below, with "Place hold" and the
 * pick-up branch.
 */
export function Search() {
  const [words, setWords] = useState('');
  const [field, setField] = useState('any');
  const [result, setResult] = useState<SearchResult | null>(null);
  const [record, setRecord] = useState<RecordView | null>(null);
  const [pickup, setPickup] = useState('');
  const [said, setSaid] = useState('');
  const searching = useAction();
  const holding = useAction();

  const search = async () => {
    setRecord(null);
    setSaid('');
    const found = await searching.run(() => api<SearchResult>('GET', `/catalogue/search${query({ q: words, field: field === 'any' ? undefined : field })}`));
    if (found) setResult(found);
  };
  const open = async (id: string) => {
    const shown = await searching.run(() => api<RecordView>('GET', `/catalogue/records/${id}`));
    if (shown) {
      setRecord(shown);
      setPickup(shown.availability[0]?.branchCode ?? '');
      setSaid('');
    }
  };
  const placeHold = async () => {
    if (!record) return;
    const hold = await holding.run(() => api<MyHold>('POST', '/me/holds', { recordId: record.id, pickupBranch: pickup }));
    if (hold)
      setSaid(
        hold.status === 'ready'
          ? `Hold placed on “${hold.title}”: a copy is ready for you at ${hold.pickupBranch.name}.`
          : `Hold placed on “${hold.title}”: you are number ${hold.queuePosition ?? 1} in the queue.`,
      );
  };

  return (
    <Page title="Search the catalogue">
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (words.trim() !== '') void search();
        }}
      >
        <Field label="Search for" value={words} onChange={(e) => setWords(e.target.value)} autoComplete="off" />
        <Select label="Search in" options={FIELDS} value={field} onChange={(e) => setField(e.target.value)} />
        <button type="submit" disabled={searching.busy}>
          Search
        </button>
      </form>
      <p className="hint">What you search for is not kept: not in the address bar, not in your account, not in the library’s logs.</p>
      <ErrorMessage error={searching.error} />
      {result && (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading" aria-live="polite">
            {result.total === 1 ? '1 title found' : `${result.total} titles found`}
          </h2>
          <ul className="portal-list" aria-label="Search results">
            {result.hits.map((hit) => (
              <li key={hit.id}>
                <button type="button" className="portal-title-link" onClick={() => void open(hit.id)}>
                  {hit.title}
                </button>
                {hit.authors.length > 0 && <p>{hit.authors.join('; ')}</p>}
                <p>
                  {hit.format}
                  {hit.year !== null ? `, ${hit.year}` : ''} — {availabilityWords(hit.availability)}
                </p>
              </li>
            ))}
          </ul>
        </section>
      )}
      {record && (
        <section aria-labelledby="record-heading" className="portal-record">
          <h2 id="record-heading">{record.title}</h2>
          {record.subtitle && <p>{record.subtitle}</p>}
          {record.authors.length > 0 && <p>{record.authors.join('; ')}</p>}
          <p>{availabilityWords(record.availability)}</p>
          {record.holdsWaiting > 0 && <p>{record.holdsWaiting === 1 ? '1 hold waiting' : `${record.holdsWaiting} holds waiting`}</p>}
          {record.availability.length > 0 && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void placeHold();
              }}
            >
              <Select
                label="Pick up at"
                options={record.availability.map((a) => ({ value: a.branchCode, label: a.branchName }))}
                value={pickup}
                onChange={(e) => setPickup(e.target.value)}
              />
              <button type="submit" disabled={holding.busy}>
                Place hold
              </button>
            </form>
          )}
          <ErrorMessage error={holding.error} />
          <p aria-live="polite" className="portal-said">
            {said}
          </p>
        </section>
      )}
    </Page>
  );
}
