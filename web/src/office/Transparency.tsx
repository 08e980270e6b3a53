import { useState, type FormEvent } from 'react';
import { api, download, query } from '../api';
import { pageLanguage, tRich, useT } from '../i18n';
import { aboutField, BarChart, count, day, ErrorMessage, Field, Page, useAction, useLoad } from '../ui/components';
import { instrumentName, libraryToday, useLibrary, when } from './common';
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
  const t = useT();
  const library = useLibrary();
  const [initial] = useState(() => thisYear(library.timeZone));
  const [from, setFrom] = useState(initial.from);
  const [last, setLast] = useState(initial.last);
  const [period, setPeriod] = useState({ from: initial.from, to: dayAfter(initial.last) });
  // The Markdown is written by the server, in the page's language.
  const path = (format?: 'md') => `/transparency-report${query({ from: period.from, to: period.to, library: library.id, format, lang: format ? pageLanguage() : undefined })}`;
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
      title={t('reportpages.transparency.title')}
      actions={
        <button type="button" className="secondary" disabled={saving.busy} onClick={() => void saving.run(() => download(path('md'), `transparency-${library.id}-${period.from}-${period.to}.md`))}>
          {t('reportpages.transparency.downloadMarkdown')}
        </button>
      }
    >
      <p>{t('reportpages.transparency.intro')}</p>
      <ErrorMessage error={saving.error} />
      <form className="office-period" onSubmit={apply} aria-label={t('reportpages.transparency.periodForm')}>
        <Field
          label={t('reportpages.transparency.from')}
          type="date"
          required
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          error={aboutField(report.error, 'from', 'querystring/from')}
        />
        <Field
          label={t('reportpages.transparency.to')}
          type="date"
          required
          value={last}
          onChange={(e) => setLast(e.target.value)}
          error={aboutField(report.error, 'to', 'querystring/to')}
        />
        <button type="submit" className="secondary">
          {t('reportpages.transparency.showPeriod')}
        </button>
      </form>
      <ErrorMessage error={report.error} />
      {report.loading && <p className="loading">{t('common.loading')}</p>}
      {r && !report.loading && (
        <>
          <p>{t('reportpages.transparency.period', { from: day(r.period.from), to: day(r.period.to), generatedAt: when(r.generatedAt) })}</p>
          <section aria-labelledby="tr-requests">
            <h2 id="tr-requests">{t('reportpages.transparency.requests')}</h2>
            <p>
              {tRich('reportpages.transparency.requestCounts', {
                strong: (chunks) => <strong>{chunks}</strong>,
                ungagged: r.requests.ungaggedTotal,
                band: r.requests.gagged.band,
                width: r.requests.gagged.bandWidth,
              })}
            </p>
            <div className="table-scroll" tabIndex={0}>
              <table>
                <caption>{t('reportpages.transparency.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('reportpages.transparency.col.instrument')}</th>
                    <th scope="col" className="num">
                      {t('reportpages.transparency.col.released')}
                    </th>
                    <th scope="col" className="num">
                      {t('reportpages.transparency.col.refused')}
                    </th>
                    <th scope="col" className="num">
                      {t('reportpages.transparency.col.pending')}
                    </th>
                    <th scope="col" className="num">
                      {t('reportpages.transparency.col.withdrawn')}
                    </th>
                    <th scope="col" className="num">
                      {t('reportpages.transparency.col.total')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {r.requests.byInstrument.map((i) => (
                    <tr key={i.instrument}>
                      <th scope="row">{instrumentName(i.instrument)}</th>
                      <td className="num">{count(i.released)}</td>
                      <td className="num">{count(i.refused)}</td>
                      <td className="num">{count(i.pending)}</td>
                      <td className="num">{count(i.withdrawn)}</td>
                      <td className="num">{count(i.total)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {asked.length > 0 && <BarChart title={t('reportpages.transparency.chart')} data={asked.map((i) => ({ label: instrumentName(i.instrument), value: i.total }))} />}
          </section>
          <section aria-labelledby="tr-holds">
            <h2 id="tr-holds">{t('reportpages.transparency.holds')}</h2>
            <dl className="facts">
              <dt>{t('reportpages.transparency.holdsPlaced')}</dt>
              <dd>{count(r.legalHolds.placed)}</dd>
              <dt>{t('reportpages.transparency.holdsReleased')}</dt>
              <dd>{count(r.legalHolds.released)}</dd>
              <dt>{t('reportpages.transparency.holdsLive')}</dt>
              <dd>{count(r.legalHolds.liveAtEnd)}</dd>
            </dl>
          </section>
          <section aria-labelledby="tr-complaints">
            <h2 id="tr-complaints">{t('reportpages.transparency.complaints')}</h2>
            <dl className="facts">
              <dt>{t('reportpages.transparency.complaintsReceived')}</dt>
              <dd>{count(r.complaints.received)}</dd>
              <dt>{t('reportpages.transparency.complaintsAnswered')}</dt>
              <dd>{count(r.complaints.answered)}</dd>
              <dt>{t('reportpages.transparency.complaintsOverdue')}</dt>
              <dd className={r.complaints.overdue > 0 ? 'finding' : undefined}>
                {count(r.complaints.overdue)}
                {r.complaints.overdue > 0 ? ` ${t('reportpages.transparency.overdueExplained')}` : ''}
              </dd>
            </dl>
          </section>
        </>
      )}
    </Page>
  );
}
