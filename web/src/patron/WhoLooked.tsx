import { useState } from 'react';
import { api } from '../api';
import { Checkbox, day, ErrorMessage, Page, useLoad } from '../ui/components';
import type { AccessSeen } from './types';
import { actionWords, categoryName, purposeWords, roleWords } from './words';

/**
 * `/me/who-looked`: every access to the patron's record they are told of (GET /me/access-log): the day,
 * who by role (never a name), their library, why, what they did and which records. Newest first.
 */
export function WhoLooked() {
  const log = useLoad(() => api<AccessSeen[]>('GET', '/me/access-log'), []);
  const [othersOnly, setOthersOnly] = useState(false);
  const all = log.data ? [...log.data].reverse() : [];
  const entries = othersOnly ? all.filter((e) => e.role !== 'you') : all;
  return (
    <Page title="Who looked at my record">
      <p>
        Every time someone opens or changes your record, Carrel writes it down: the day, who it was by their role (never their name), their library, why, and which
        records they touched. Opening this page is written down too.
      </p>
      <p className="hint">
        Entries about a legal request (such as a court order or subpoena for your records) may be left out while a court forbids the library to tell you about it. They
        appear here once that order ends.
      </p>
      {log.loading && !log.data && <p className="loading">Loading…</p>}
      <ErrorMessage error={log.error} />
      {log.data && entries.length === 0 && <p className="portal-empty">Nobody has looked at your record yet.</p>}
      {all.length > 0 && (
        <Checkbox label="Show only what others did (leave out your own log-ins and visits)" checked={othersOnly} onChange={setOthersOnly} />
      )}
      {log.data && all.length > 0 && entries.length === 0 && <p className="portal-empty">Nobody but you has looked at your record.</p>}
      {entries.length > 0 && (
        <>
          <h2>
            {entries.length === 1 ? '1 entry' : `${entries.length} entries`}, newest first
          </h2>
          <ul className="portal-log">
            {entries.map((e, i) => (
              <li key={i}>
                <p className="portal-who">
                  {roleWords(e.role)}
                  {e.library ? `, ${e.library}` : ''}
                </p>
                <dl className="portal-facts">
                  <dt>Day</dt>
                  <dd>{day(e.date)}</dd>
                  <dt>Why</dt>
                  <dd>{purposeWords(e.purpose)}</dd>
                  <dt>What</dt>
                  <dd>{actionWords(e.action)}</dd>
                  <dt>Records</dt>
                  <dd>{e.categories.length > 0 ? e.categories.map(categoryName).join(', ') : '—'}</dd>
                </dl>
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}
