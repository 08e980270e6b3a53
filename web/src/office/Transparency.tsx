import { useState, type FormEvent } from 'react';
import { api, download, query } from '../api';
import { BarChart, ErrorMessage, Field, Page, useAction, useLoad } from '../ui/components';
import { instrumentName, libraryToday, problemAbout, useLibrary, when } from './common';
import type { TransparencyReport } from './types';

/** This year so far in the library's time zone: its first day and today (the last day shown, included). */
function thisYear(timeZone: string): { from: string; last: string } {
  const today = libraryToday(timeZone);
  return { from: `${today.slice(0, 4)}-01-01`, last: today };
}

/** The day after a YYYY-MM-DD day. */
function dayAfter(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The transparency report: legal requests by instrument and outcome, gagged ones only in a band; holds; complaints. */
export function TransparencyPage() {
  const library = useLibrary();
  const [initial] = useState(() => thisYear(library.timeZone));
  const [from, setFrom] = useState(initial.from);
  const [last, setLast] = useState(initial.last);
  const [period, setPeriod] = useState({ from: initial.from, to: dayAfter(initial.last) });
  const path = (format?: 'md') => `/transparency-report${query({ from: period.from, to: period.to, library: library.id, format })}`;
  const report = useLoad(() => api<TransparencyReport>('GET', path()), [library.id, period.from, period.to]);
  const saving = useAction();

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setPeriod({ from, to: last ? dayAfter(last) : '' });
  };

  const r = report.data;
  const asked = r?.requests.byInstrument.filter((i) => i.total > 0) ?? [];
  return (
    <Page
      title="Transparency report"
      actions={
        <button type="button" className="secondary" disabled={saving.busy} onClick={() => void saving.run(() => download(path('md'), `transparency-${library.id}-${period.from}-${period.to}.md`))}>
          Download as Markdown
        </button>
      }
    >
      <p>
        What the library can publish about the requests it received for patron records: counts only, with no patron, agency or case. Requests still under a gag order are counted in
        no number but a band.
      </p>
      <ErrorMessage error={saving.error} />
      <form className="office-period" onSubmit={apply} aria-label="Report period">
        <Field label="From" type="date" required value={from} onChange={(e) => setFrom(e.target.value)} error={problemAbout(report.error, 'from')} />
        <Field label="To (included)" type="date" required value={last} onChange={(e) => setLast(e.target.value)} error={problemAbout(report.error, 'to')} />
        <button type="submit" className="secondary">
          Show this period
        </button>
      </form>
      <ErrorMessage error={report.error} />
      {report.loading && <p className="loading">Loading…</p>}
      {r && !report.loading && (
        <>
          <p>
            {r.period.from} up to, not including, {r.period.to}; generated {when(r.generatedAt)}.
          </p>
          <section aria-labelledby="tr-requests">
            <h2 id="tr-requests">Legal requests</h2>
            <p>
              <strong>{r.requests.ungaggedTotal}</strong> requests not under a gag order. Requests under a gag order now: <strong>{r.requests.gagged.band}</strong> (a band{' '}
              {r.requests.gagged.bandWidth} wide, never an exact count).
            </p>
            <div className="table-scroll">
              <table>
                <caption>Requests by instrument and outcome (not gagged)</caption>
                <thead>
                  <tr>
                    <th scope="col">Instrument</th>
                    <th scope="col" className="num">
                      Released
                    </th>
                    <th scope="col" className="num">
                      Refused
                    </th>
                    <th scope="col" className="num">
                      Pending
                    </th>
                    <th scope="col" className="num">
                      Withdrawn
                    </th>
                    <th scope="col" className="num">
                      Total
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {r.requests.byInstrument.map((i) => (
                    <tr key={i.instrument}>
                      <th scope="row">{instrumentName(i.instrument)}</th>
                      <td className="num">{i.released}</td>
                      <td className="num">{i.refused}</td>
                      <td className="num">{i.pending}</td>
                      <td className="num">{i.withdrawn}</td>
                      <td className="num">{i.total}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {asked.length > 0 && <BarChart title="Requests by instrument" data={asked.map((i) => ({ label: instrumentName(i.instrument), value: i.total }))} />}
          </section>
          <section aria-labelledby="tr-holds">
            <h2 id="tr-holds">Legal holds</h2>
            <dl className="facts">
              <dt>Placed in the period</dt>
              <dd>{r.legalHolds.placed}</dd>
              <dt>Released in the period</dt>
              <dd>{r.legalHolds.released}</dd>
              <dt>Live at the end</dt>
              <dd>{r.legalHolds.liveAtEnd}</dd>
            </dl>
          </section>
          <section aria-labelledby="tr-complaints">
            <h2 id="tr-complaints">Complaints</h2>
            <dl className="facts">
              <dt>Received</dt>
              <dd>{r.complaints.received}</dd>
              <dt>Answered</dt>
              <dd>{r.complaints.answered}</dd>
              <dt>Overdue</dt>
              <dd className={r.complaints.overdue > 0 ? 'finding' : undefined}>
                {r.complaints.overdue}
                {r.complaints.overdue > 0 ? ' (overdue: not answered by their due date)' : ''}
              </dd>
            </dl>
          </section>
        </>
      )}
    </Page>
  );
}
