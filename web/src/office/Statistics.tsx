import { useState, type FormEvent } from 'react';
import { api, download, query } from '../api';
import { t, useT, type MessageId } from '../i18n';
import { aboutField, BarChart, count, day, ErrorMessage, Field, Page, Select, useAction, useLoad } from '../ui/components';
import { lastEndedMonth, shiftMonth, useLibrary } from './common';
import type { Cell, Statistics, StatsTable } from './types';

const KINDS: { value: string; label: MessageId }[] = [
  { value: 'circulation', label: 'reportpages.statistics.kind.circulation' },
  { value: 'registrations', label: 'reportpages.statistics.kind.registrations' },
  { value: 'programs', label: 'reportpages.statistics.kind.programs' },
  { value: 'computer-use', label: 'reportpages.statistics.kind.computerUse' },
  { value: 'vendor-sign-ins', label: 'reportpages.statistics.kind.vendorSignIns' },
];

const DIMENSIONS: { value: string; label: MessageId }[] = [
  { value: 'period', label: 'reportpages.statistics.dimension.period' },
  { value: 'branch', label: 'reportpages.statistics.dimension.branch' },
  { value: 'item-type', label: 'reportpages.statistics.dimension.itemType' },
  { value: 'patron-category', label: 'reportpages.statistics.dimension.patronCategory' },
  { value: 'age-band', label: 'reportpages.statistics.dimension.ageBand' },
  { value: 'vendor', label: 'reportpages.statistics.dimension.vendor' },
];

const PERIODS: { value: string; label: MessageId }[] = [
  { value: 'month', label: 'reportpages.statistics.period.month' },
  { value: 'year', label: 'reportpages.statistics.period.year' },
];

/** A dimension's name in a heading or a table's corner ("Item type", without the form's "(loans only)"). */
const DIMENSION_NAMES: Record<string, MessageId> = {
  branch: 'reportpages.statistics.dimension.branch',
  'item-type': 'reportpages.statistics.dimensionName.itemType',
  'patron-category': 'reportpages.statistics.dimension.patronCategory',
  'age-band': 'reportpages.statistics.dimension.ageBand',
  vendor: 'reportpages.statistics.dimensionName.vendor',
};

function dimensionName(dimension: string, period: string): string {
  if (dimension === 'period') return period === 'year' ? t('reportpages.statistics.period.year') : t('reportpages.statistics.period.month');
  return dimension in DIMENSION_NAMES ? t(DIMENSION_NAMES[dimension] as MessageId) : dimension;
}

/** What a count counts, by the kind of statistics ("loans"); the server's words for a kind not known here. */
const MEASURES: Record<string, MessageId> = {
  circulation: 'reportpages.statistics.measure.circulation',
  registrations: 'reportpages.statistics.measure.registrations',
  programs: 'reportpages.statistics.measure.programs',
  'computer-use': 'reportpages.statistics.measure.computerUse',
  'vendor-sign-ins': 'reportpages.statistics.measure.vendorSignIns',
};
const measureOf = (s: Statistics) => (s.kind in MEASURES ? t(MEASURES[s.kind] as MessageId) : s.measure);

/** A row's or column's label: the server's, but for the row of no branch, which has words. */
const labelWords = (label: string) => (label === '(none)' ? t('reportpages.statistics.noBranch') : label);

/** Options of a select, in words. */
const inWords = (options: { value: string; label: MessageId }[]) => options.map((o) => ({ value: o.value, label: t(o.label) }));

const capital = (text: string) => `${text.slice(0, 1).toUpperCase()}${text.slice(1)}`;

/** The first day of a month (YYYY-MM-DD), and of the month after another: the query's [from, to). */
function monthRange(first: string, last: string): { from: string; to: string } {
  if (!/^\d{4}-\d{2}$/.test(first) || !/^\d{4}-\d{2}$/.test(last)) return { from: first ? `${first}-01` : '', to: last ? `${last}-01` : '' };
  return { from: `${first}-01`, to: `${shiftMonth(last, 1)}-01` };
}

/** The first day of a year, and of the year after another: a query by year starts and ends on 1 January. */
function yearRange(first: string, last: string): { from: string; to: string } {
  return { from: `${first}-01-01`, to: `${Number(last) + 1}-01-01` };
}

/** How many ended years the year pickers offer, back from the last one. */
const YEARS_OFFERED = 15;

interface Query {
  kind: string;
  rows: string;
  columns: string;
  from: string;
  to: string;
  period: string;
}

/** Statistics from the aggregate tables: a table with totals, small counts hidden, a chart, a CSV. */
export function StatisticsPage() {
  const t = useT();
  const library = useLibrary();
  // Months and years that have ended in the library's time zone: the only ones statistics answer.
  const [ended] = useState(() => {
    const month = lastEndedMonth(library.timeZone);
    const thisYear = Number(shiftMonth(month, 1).slice(0, 4));
    return { month, year: String(thisYear - 1) };
  });
  const years = Array.from({ length: YEARS_OFFERED }, (_, i) => String(Number(ended.year) - i));
  // By default the three whole months before this one, by month: counts that have stopped changing.
  const [kind, setKind] = useState('circulation');
  const [rows, setRows] = useState('period');
  const [columns, setColumns] = useState('branch');
  const [firstMonth, setFirstMonth] = useState(shiftMonth(ended.month, -2));
  const [lastMonth, setLastMonth] = useState(ended.month);
  const [firstYear, setFirstYear] = useState(String(Number(ended.year) - 2));
  const [lastYear, setLastYear] = useState(ended.year);
  const [period, setPeriod] = useState('month');
  const range = () => (period === 'year' ? yearRange(firstYear, lastYear) : monthRange(firstMonth, lastMonth));
  const [asked, setAsked] = useState<Query>({ kind, rows, columns, period, ...monthRange(firstMonth, lastMonth) });
  const path = (format?: 'csv') => `/libraries/${encodeURIComponent(library.id)}/statistics${query({ ...asked, format })}`;
  const result = useLoad(() => api<Statistics>('GET', path()), [library.id, asked]);
  const saving = useAction();

  // Sign-ins to vendors are counted by month and vendor only: offer the one table they make.
  const chooseKind = (next: string) => {
    setKind(next);
    if (next === 'vendor-sign-ins') {
      setRows('period');
      setColumns('vendor');
    } else if (rows === 'vendor' || columns === 'vendor') {
      setRows('period');
      setColumns('branch');
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAsked({ kind, rows, columns, period, ...range() });
  };

  const s = result.data;
  return (
    <Page title={t('reportpages.statistics.title')}>
      <p>{t('reportpages.statistics.intro')}</p>
      <form className="office-form" onSubmit={submit}>
        <div className="grid-2">
          <Select
            label={t('reportpages.statistics.whatToCount')}
            name="kind"
            value={kind}
            onChange={(e) => chooseKind(e.target.value)}
            options={inWords(KINDS)}
            error={aboutField(result.error, 'kind', 'querystring/kind')}
          />
          <Select
            label={t('reportpages.statistics.periodLength')}
            name="period"
            value={period}
            onChange={(e) => setPeriod(e.target.value)}
            options={inWords(PERIODS)}
            error={aboutField(result.error, 'period', 'querystring/period')}
          />
          <Select
            label={t('reportpages.statistics.rows')}
            name="rows"
            value={rows}
            onChange={(e) => setRows(e.target.value)}
            options={inWords(DIMENSIONS)}
            error={aboutField(result.error, 'rows', 'querystring/rows')}
          />
          <Select
            label={t('reportpages.statistics.columns')}
            name="columns"
            value={columns}
            onChange={(e) => setColumns(e.target.value)}
            options={inWords(DIMENSIONS)}
            error={aboutField(result.error, 'columns', 'querystring/columns')}
          />
          {period === 'year' ? (
            <>
              <Select
                label={t('reportpages.statistics.firstYear')}
                name="fromYear"
                value={firstYear}
                onChange={(e) => setFirstYear(e.target.value)}
                options={years.map((y) => ({ value: y, label: y }))}
                error={aboutField(result.error, 'from', 'querystring/from')}
              />
              <Select
                label={t('reportpages.statistics.lastYear')}
                name="toYear"
                value={lastYear}
                onChange={(e) => setLastYear(e.target.value)}
                options={years.map((y) => ({ value: y, label: y }))}
                error={aboutField(result.error, 'to', 'querystring/to')}
              />
            </>
          ) : (
            <>
              <Field
                label={t('reportpages.statistics.firstMonth')}
                type="month"
                name="fromMonth"
                required
                max={ended.month}
                value={firstMonth}
                onChange={(e) => setFirstMonth(e.target.value)}
                error={aboutField(result.error, 'from', 'querystring/from')}
              />
              <Field
                label={t('reportpages.statistics.lastMonth')}
                type="month"
                name="toMonth"
                required
                max={ended.month}
                value={lastMonth}
                onChange={(e) => setLastMonth(e.target.value)}
                error={aboutField(result.error, 'to', 'querystring/to')}
              />
            </>
          )}
        </div>
        <div className="actions">
          <button type="submit">{t('reportpages.statistics.show')}</button>
          <button
            type="button"
            className="secondary"
            disabled={saving.busy || !s}
            onClick={() => void saving.run(() => download(path('csv'), `${library.id}-${asked.kind}-${asked.from}-${asked.to}.csv`))}
          >
            {t('reportpages.statistics.downloadCsv')}
          </button>
        </div>
      </form>
      <ErrorMessage error={saving.error} />
      <ErrorMessage error={result.error} />
      {/* Always there, so that a screen reader hears each new table announced. */}
      <p role="status" className="hint">
        {result.loading ? t('reportpages.statistics.counting') : s ? t('reportpages.statistics.updated', { rows: s.table.rowLabels.length }) : ''}
      </p>
      {s && !result.loading && <Result s={s} />}
    </Page>
  );
}

function Result({ s }: { s: Statistics }) {
  const t = useT();
  const table = s.table;
  const rowName = dimensionName(s.rows, s.period);
  const columnName = dimensionName(s.columns, s.period);
  const measure = measureOf(s);
  // The names as the headings and captions use them: "Loans by age band and branch".
  const named = { measure: capital(measure), rows: rowName.toLowerCase(), columns: columnName.toLowerCase() };
  if (table.rowLabels.length === 0)
    return <p className="office-empty">{t('reportpages.statistics.noData', { measure, from: day(s.from), to: day(s.to) })}</p>;
  return (
    <section aria-labelledby="stats-result">
      <h2 id="stats-result">{t('reportpages.statistics.heading', named)}</h2>
      <p>{t('reportpages.statistics.period', { from: day(s.from), to: day(s.to) })}</p>
      <CountTable table={table} threshold={s.threshold} caption={t('reportpages.statistics.caption', named)} corner={`${rowName} \\ ${columnName}`} />
      <p className="office-explain" id="stats-suppressed">
        {s.suppressed.total > 0
          ? t('reportpages.statistics.explainHidden', { threshold: s.threshold, clause: s.clause, hidden: s.suppressed.total })
          : t('reportpages.statistics.explainNone', { threshold: s.threshold, clause: s.clause })}
      </p>
      {s.minutes && (
        <>
          <h3>{t('reportpages.statistics.minutesHeading')}</h3>
          <CountTable table={s.minutes} threshold={s.threshold} caption={t('reportpages.statistics.minutesCaption')} corner={`${rowName} \\ ${columnName}`} />
        </>
      )}
      <div className="grid-2">
        <BarChart
          title={t('reportpages.statistics.rowChart', named)}
          data={table.rowLabels.map((label, i) => ({ label: labelWords(label), value: value(table.rowTotals[i]) }))}
          hiddenLabel={t('reportpages.statistics.hiddenLabel', { threshold: s.threshold })}
        />
        {table.columnLabels.length > 1 && (
          <BarChart
            title={t('reportpages.statistics.columnChart', named)}
            data={table.columnLabels.map((label, i) => ({ label: labelWords(label), value: value(table.columnTotals[i]) }))}
            hiddenLabel={t('reportpages.statistics.hiddenLabel', { threshold: s.threshold })}
          />
        )}
      </div>
    </section>
  );
}

/** A cell's value for a chart: a hidden count is null (drawn as hidden), never zero. */
function value(cell: Cell | undefined): number | null {
  return !cell || cell.suppressed ? null : cell.value;
}

function Shown({ cell, threshold }: { cell: Cell | undefined; threshold: number }) {
  const t = useT();
  if (!cell) return <>—</>;
  if (cell.suppressed)
    return (
      <span className="office-hidden-count">
        <span aria-hidden="true">&lt;{threshold}</span>
        <span className="office-sr">{t('reportpages.statistics.fewerThan', { threshold })}</span>
      </span>
    );
  return <>{cell.value === null ? '—' : count(cell.value)}</>;
}

function CountTable({ table: counts, threshold, caption, corner }: { table: StatsTable; threshold: number; caption: string; corner: string }) {
  const t = useT();
  return (
    <div className="table-scroll" tabIndex={0}>
      <table aria-describedby="stats-suppressed">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{corner}</th>
            {counts.columnLabels.map((c) => (
              <th key={c} scope="col" className="num">
                {labelWords(c)}
              </th>
            ))}
            <th scope="col" className="num">
              {t('reportpages.statistics.total')}
            </th>
          </tr>
        </thead>
        <tbody>
          {counts.rowLabels.map((label, i) => (
            <tr key={label}>
              <th scope="row">{labelWords(label)}</th>
              {counts.columnLabels.map((c, j) => (
                <td key={c} className="num">
                  <Shown cell={counts.cells[i]?.[j]} threshold={threshold} />
                </td>
              ))}
              <td className="num office-total">
                <Shown cell={counts.rowTotals[i]} threshold={threshold} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('reportpages.statistics.total')}</th>
            {counts.columnTotals.map((cell, j) => (
              <td key={j} className="num office-total">
                <Shown cell={cell} threshold={threshold} />
              </td>
            ))}
            <td className="num office-total">
              <Shown cell={counts.total} threshold={threshold} />
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
