import { useState } from 'react';
import { api, query } from '../api';
import { t, useT, wordFor, type MessageId } from '../i18n';
import { ErrorMessage, Field, Page, Select, useAction } from '../ui/components';
import type { MyHold, RecordView, SearchResult } from './types';

const FIELDS: { value: string; label: MessageId }[] = [
  { value: 'any', label: 'portal.search.in.any' },
  { value: 'title', label: 'portal.search.in.title' },
  { value: 'author', label: 'portal.search.in.author' },
  { value: 'subject', label: 'portal.search.in.subject' },
  { value: 'isbn', label: 'portal.search.in.isbn' },
];

/** The catalogue's formats in words (src/domain/catalogue.ts RECORD_FORMATS); an unknown one as it is. */
const FORMATS: Record<string, MessageId> = {
  book: 'portal.search.format.book',
  'large-print': 'portal.search.format.largePrint',
  audiobook: 'portal.search.format.audiobook',
  ebook: 'portal.search.format.ebook',
  dvd: 'portal.search.format.dvd',
  music: 'portal.search.format.music',
  magazine: 'portal.search.format.magazine',
  map: 'portal.search.format.map',
  other: 'portal.search.format.other',
};

function formatName(format: string): string {
  return wordFor(FORMATS, format);
}

/** Copies on the shelf over all copies, in words. */
function availabilityWords(availability: SearchResult['hits'][number]['availability']): string {
  const copies = availability.reduce((n, a) => n + a.copies, 0);
  const available = availability.reduce((n, a) => n + a.available, 0);
  if (copies === 0) return t('portal.search.noCopies');
  return t('portal.search.onShelf', { available, copies });
}

/**
 * `/me/search`: the catalogue for the patron (their library and consortium members that lend to it).
 * What they search for stays in this page's state only: never in the address bar, the history or a
 * stored setting (a search is confidential, CB-A2). A title opens below, with "Place hold" and the
 * pick-up branch.
 */
export function Search() {
  const t = useT();
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
          ? t('portal.search.holdReady', { title: hold.title, branch: hold.pickupBranch.name })
          : t('portal.search.holdQueued', { title: hold.title, position: hold.queuePosition ?? 1 }),
      );
  };

  return (
    <Page title={t('portal.search.title')}>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (words.trim() !== '') void search();
        }}
      >
        <Field label={t('portal.search.searchFor')} value={words} onChange={(e) => setWords(e.target.value)} autoComplete="off" />
        <Select label={t('portal.search.searchIn')} options={FIELDS.map((f) => ({ value: f.value, label: t(f.label) }))} value={field} onChange={(e) => setField(e.target.value)} />
        <button type="submit" disabled={searching.busy}>
          {t('portal.search.search')}
        </button>
      </form>
      <p className="hint">{t('portal.search.notKept')}</p>
      <ErrorMessage error={searching.error} />
      {result && (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading" aria-live="polite">
            {t('portal.search.found', { count: result.total })}
          </h2>
          <ul className="portal-list" aria-label={t('portal.search.results')}>
            {result.hits.map((hit) => (
              <li key={hit.id}>
                <button type="button" className="portal-title-link" onClick={() => void open(hit.id)}>
                  {hit.title}
                </button>
                {hit.authors.length > 0 && <p>{hit.authors.join('; ')}</p>}
                <p>
                  {hit.year !== null
                    ? t('portal.search.hitWithYear', { format: formatName(hit.format), year: String(hit.year), availability: availabilityWords(hit.availability) })
                    : t('portal.search.hit', { format: formatName(hit.format), availability: availabilityWords(hit.availability) })}
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
          {record.holdsWaiting > 0 && <p>{t('portal.search.holdsWaiting', { count: record.holdsWaiting })}</p>}
          {record.availability.length > 0 && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void placeHold();
              }}
            >
              <Select
                label={t('portal.search.pickUpAt')}
                options={record.availability.map((a) => ({ value: a.branchCode, label: a.branchName }))}
                value={pickup}
                onChange={(e) => setPickup(e.target.value)}
              />
              <button type="submit" disabled={holding.busy}>
                {t('portal.search.placeHold')}
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
