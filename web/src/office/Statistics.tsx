import { useState, type FormEvent } from 'react';
import { api, download, query } from '../api';
import { BarChart, ErrorMessage, Field, Page, Select, useAction, useLoad } from '../ui/components';
import { lastEndedMonth, plural, problemAbout, shiftMonth, useLibrary } from './common';
import type { Cell, Statistics, StatsTable } from './types';

const KINDS = [
  { value: 'circulation', label: 'Loans (circulation)' },
  { value: 'registrations', label: 'Registrations' },
  { value: 'programs', label: 'Program sign-ups' },
  { value: 'computer-use', label: 'Public-computer sessions' },
  { value: 'vendor-sign-ins', label: 'Sign-ins to vendors' },
];

const DIMENSIONS = [
  { value: 'period', label: 'Month or year' },
  { value: 'branch', label: 'Branch' },
  { value: 'item-type', label: 'Item type (loans only)' },
  { value: 'patron-category', label: 'Patron category' },
  { value: 'age-band', label: 'Age band' },
  { value: 'vendor', label: 'Vendor (sign-ins only)' },
];

const PERIODS = [
  { value: 'month', label: 'Month' },
  { value: 'year', label: 'Year' },
];

function dimensionName(dimension: string, period: string): string {
  if (dimension === 'period') return period === 'year' ? 'Year' : 'Month';
  return DIMENSIONS.find((d) => d.value === dimension)?.label.replace(/ \(.*\)$/, '') ?? dimension;
}

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
    <Page title="Statistics">
      <p>
        Counts from the aggregate tables only: no patron data, never linked to anyone. Whole months that have ended. A count below the library’s threshold is hidden, and so are as
        many others as it takes that no hidden count can be worked out from the totals.
      </p>
      <form className="office-form" onSubmit={submit}>
        <div className="grid-2">
          <Select label="What to count" name="kind" value={kind} onChange={(e) => chooseKind(e.target.value)} options={KINDS} error={problemAbout(result.error, 'kind')} />
          <Select label="Period length" name="period" value={period} onChange={(e) => setPeriod(e.target.value)} options={PERIODS} error={problemAbout(result.error, 'period')} />
          <Select label="Rows" name="rows" value={rows} onChange={(e) => setRows(e.target.value)} options={DIMENSIONS} error={problemAbout(result.error, 'rows')} />
          <Select label="Columns" name="columns" value={columns} onChange={(e) => setColumns(e.target.value)} options={DIMENSIONS} error={problemAbout(result.error, 'columns')} />
          {period === 'year' ? (
            <>
              <Select
                label="First year"
                name="fromYear"
                value={firstYear}
                onChange={(e) => setFirstYear(e.target.value)}
                options={years.map((y) => ({ value: y, label: y }))}
                error={problemAbout(result.error, 'from')}
              />
              <Select
                label="Last year (included)"
                name="toYear"
                value={lastYear}
                onChange={(e) => setLastYear(e.target.value)}
                options={years.map((y) => ({ value: y, label: y }))}
                error={problemAbout(result.error, 'to')}
              />
            </>
          ) : (
            <>
              <Field
                label="First month"
                type="month"
                name="fromMonth"
                required
                max={ended.month}
                value={firstMonth}
                onChange={(e) => setFirstMonth(e.target.value)}
                error={problemAbout(result.error, 'from')}
              />
              <Field
                label="Last month (included)"
                type="month"
                name="toMonth"
                required
                max={ended.month}
                value={lastMonth}
                onChange={(e) => setLastMonth(e.target.value)}
                error={problemAbout(result.error, 'to')}
              />
            </>
          )}
        </div>
        <div className="actions">
          <button type="submit">Show the table</button>
          <button
            type="button"
            className="secondary"
            disabled={saving.busy || !s}
            onClick={() => void saving.run(() => download(path('csv'), `${library.id}-${asked.kind}-${asked.from}-${asked.to}.csv`))}
          >
            Download as CSV
          </button>
        </div>
      </form>
      <ErrorMessage error={saving.error} />
      <ErrorMessage error={result.error} />
      {/* Always there, so that a screen reader hears each new table announced. */}
      <p role="status" className="hint">
        {result.loading ? 'Counting…' : s ? `Table updated: ${plural(s.table.rowLabels.length, 'row')}.` : ''}
      </p>
      {s && !result.loading && <Result s={s} />}
    </Page>
  );
}

function Result({ s }: { s: Statistics }) {
  const t = s.table;
  const rowName = dimensionName(s.rows, s.period);
  const columnName = dimensionName(s.columns, s.period);
  if (t.rowLabels.length === 0)
    return (
      <p className="office-empty">
        No data: no {s.measure} were counted from {s.from} up to {s.to}. Counts reach the statistics when the retention engine closes the records they come from.
      </p>
    );
  return (
    <section aria-labelledby="stats-result">
      <h2 id="stats-result">
        {capital(s.measure)} by {rowName.toLowerCase()} and {columnName.toLowerCase()}
      </h2>
      <p>
        From {s.from} up to, not including, {s.to}.
      </p>
      <CountTable table={t} threshold={s.threshold} caption={`${capital(s.measure)} by ${rowName.toLowerCase()} (rows) and ${columnName.toLowerCase()} (columns)`} corner={`${rowName} \\ ${columnName}`} />
      <p className="office-explain" id="stats-suppressed">
        “&lt;{s.threshold}” marks a count hidden under the library’s policy ({s.clause}): a count below {s.threshold} could point to a person, so it is not shown.
        {s.suppressed.total > 0
          ? ` ${s.suppressed.total} entries are hidden here: each is either below ${s.threshold}, or hidden only so that a small one cannot be worked out from the totals (which ones is not said, since that would point to the small ones).`
          : ' No entry is hidden here.'}{' '}
        A hidden entry is not shown as zero, and may be any number.
      </p>
      {s.minutes && (
        <>
          <h3>Minutes of those sessions</h3>
          <CountTable table={s.minutes} threshold={s.threshold} caption="Minutes of computer use, hidden where the session counts are" corner={`${rowName} \\ ${columnName}`} />
        </>
      )}
      <div className="grid-2">
        <BarChart
          title={`${capital(s.measure)} by ${rowName.toLowerCase()} (row totals)`}
          data={t.rowLabels.map((label, i) => ({ label, value: value(t.rowTotals[i]) }))}
          hiddenLabel={`<${s.threshold} (hidden)`}
        />
        {t.columnLabels.length > 1 && (
          <BarChart
            title={`${capital(s.measure)} by ${columnName.toLowerCase()} (column totals)`}
            data={t.columnLabels.map((label, i) => ({ label, value: value(t.columnTotals[i]) }))}
            hiddenLabel={`<${s.threshold} (hidden)`}
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
  if (!cell) return <>—</>;
  if (cell.suppressed)
    return (
      <span className="office-hidden-count">
        <span aria-hidden="true">&lt;{threshold}</span>
        <span className="office-sr">fewer than {threshold} (hidden)</span>
      </span>
    );
  return <>{cell.value}</>;
}

function CountTable({ table: t, threshold, caption, corner }: { table: StatsTable; threshold: number; caption: string; corner: string }) {
  return (
    <div className="table-scroll">
      <table aria-describedby="stats-suppressed">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{corner}</th>
            {t.columnLabels.map((c) => (
              <th key={c} scope="col" className="num">
                {c}
              </th>
            ))}
            <th scope="col" className="num">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {t.rowLabels.map((label, i) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {t.columnLabels.map((c, j) => (
                <td key={c} className="num">
                  <Shown cell={t.cells[i]?.[j]} threshold={threshold} />
                </td>
              ))}
              <td className="num office-total">
                <Shown cell={t.rowTotals[i]} threshold={threshold} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            {t.columnTotals.map((cell, j) => (
              <td key={j} className="num office-total">
                <Shown cell={cell} threshold={threshold} />
              </td>
            ))}
            <td className="num office-total">
              <Shown cell={t.total} threshold={threshold} />
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
