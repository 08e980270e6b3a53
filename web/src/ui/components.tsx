import { useCallback, useEffect, useId, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { ApiError } from '../api';
import { errorWords, pageLanguage, t, useT } from '../i18n';
import { useSession } from '../session';

import { count } from '../i18n/format';

export { day, money, moment, time, count, list } from '../i18n/format';

/**
 * The frame every labelled control shares: the label, an optional hint and the problem beside it, all
 * tied to the control by id so a screen reader reads them with it. `control` gets the id and ARIA props.
 */
function Labelled({
  label,
  hint,
  error,
  control,
}: {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  control: (aria: { id: string; 'aria-invalid': true | undefined; 'aria-describedby': string | undefined }) => ReactNode;
}) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {control({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described || undefined })}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A labelled input; its problem (from an ApiError) shows beside it and is announced with it. */
export function Field({ label, hint, error, ...input }: { label: string; hint?: string; error?: string | undefined } & InputHTMLAttributes<HTMLInputElement>) {
  return <Labelled label={label} hint={hint} error={error} control={(aria) => <input {...aria} {...input} />} />;
}

/** A labelled multi-line text box, its problem shown beside it. */
export function TextArea({ label, hint, error, ...area }: { label: string; hint?: string; error?: string | undefined } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <Labelled label={label} hint={hint} error={error} control={(aria) => <textarea rows={3} {...aria} {...area} />} />;
}

/** A labelled select, with an optional hint; its problem shows beside it and is announced with it. */
export function Select({
  label,
  options,
  hint,
  error,
  ...select
}: { label: string; options: { value: string; label: string }[]; hint?: string; error?: string | undefined } & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Labelled
      label={label}
      hint={hint}
      error={error}
      control={(aria) => (
        <select {...aria} {...select}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

/** A labelled checkbox, with an optional hint and problem read out with it. */
export function Checkbox({
  label,
  hint,
  error,
  checked,
  onChange,
  name,
  disabled,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  checked: boolean;
  onChange: (checked: boolean) => void;
  name?: string;
  disabled?: boolean;
}) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="check">
      <input
        type="checkbox"
        id={id}
        name={name}
        disabled={disabled}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
      />
      <div>
        <label htmlFor={id}>{label}</label>
        {hint && (
          <div className="hint" id={`${id}-hint`}>
            {hint}
          </div>
        )}
        {error && (
          <p className="field-error" id={`${id}-error`}>
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

/** The message of Carrel's problem about a field (the first of `fields` it names), for showing beside it. */
export function aboutField(error: unknown, ...fields: string[]): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  for (const field of fields) {
    const problem = error.about(field);
    if (problem) return problemWords(problem);
  }
  return undefined;
}

/**
 * How long a message waits in its freshly inserted, still empty live region. Screen readers announce a
 * change to a live region they already know, and are unreliable about one inserted with its text.
 */
const ANNOUNCE_AFTER_MS = 100;

/** Whether the component has been on the page for ANNOUNCE_AFTER_MS. */
function useSettled(): boolean {
  const [settled, setSettled] = useState(false);
  useEffect(() => {
    const wait = setTimeout(() => setSettled(true), ANNOUNCE_AFTER_MS);
    return () => clearTimeout(wait);
  }, []);
  return settled;
}

/**
 * An error from Carrel, with its stable code, announced to screen readers: the alert region goes in
 * empty and the message follows it, so it is read out (see ANNOUNCE_AFTER_MS). `words` gives a page's
 * own words for a code where the general ones would be vague there (the staff log-in page says
 * "username or password" for INVALID_CREDENTIALS, not "card number or PIN").
 */
export function ErrorMessage({ error, words }: { error: unknown; words?: Readonly<Partial<Record<string, string>>> }) {
  if (!error) return null;
  // A new answer from Carrel is a new region, so even the same words as the last one are read out again.
  return <ErrorBox key={keyOf(error)} error={error} words={words} />;
}

const errorKeys = new WeakMap<object, number>();
let lastErrorKey = 0;

/** An ApiError by identity (each is one answer); anything else by its words (a page may make one per render). */
function keyOf(error: unknown): string {
  if (!(error instanceof ApiError)) return `m:${error instanceof Error ? error.message : String(error)}`;
  let key = errorKeys.get(error);
  if (key === undefined) {
    key = ++lastErrorKey;
    errorKeys.set(error, key);
  }
  return `e${key}`;
}

function ErrorBox({ error, words }: { error: unknown; words?: Readonly<Partial<Record<string, string>>> }) {
  useT();
  const settled = useSettled();
  const session = useSession();
  const message = (error instanceof ApiError ? words?.[error.code] : undefined) ?? errorMessage(error);
  const code = error instanceof ApiError ? error.code : undefined;
  const others = error instanceof ApiError ? error.problems.filter((p) => p.code !== code || p.message !== error.message).map((p) => (p.code === code ? problemWords(p) : (errorWords(p.code) ?? p.message))).filter((m) => m !== message) : [];
  return (
    <div className={settled ? 'error' : 'live-pending'} role="alert">
      {settled && (
        <>
          <p>{message}</p>
          {others.length > 0 && (
            <ul>
              {[...new Set(others)].map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
          {/* Staff can read the code out to support; a patron never sees it. */}
          {code && session.status === 'staff' && (
            <details className="error-code">
              <summary>{t('common.error.forSupport')}</summary>
              {t('common.error.code', { code })}
            </details>
          )}
        </>
      )}
    </div>
  );
}

/**
 * Words for one problem beside its field. The server words a field's problem precisely, in English; on a
 * page in another language the catalogue's words for the problem's code stand in for them.
 */
function problemWords(problem: { code?: string; message: string }): string {
  if (pageLanguage() === 'en' || !problem.code) return problem.message;
  return errorWords(problem.code) ?? problem.message;
}

/** Words for an error: Carrel's words for its code in the page's language, else what it said. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return errorWords(error.code) ?? error.message;
  if (error instanceof Error) return error.message || t('common.error.unexpected');
  return String(error);
}

/** A confirmation, announced politely: the status region goes in empty and the text follows it. */
export function Notice({ children }: { children: ReactNode }) {
  if (!children) return null;
  return <NoticeBox>{children}</NoticeBox>;
}

function NoticeBox({ children }: { children: ReactNode }) {
  const settled = useSettled();
  return (
    <div className={settled ? 'notice' : 'live-pending'} role="status">
      {settled && children}
    </div>
  );
}

/** A page's heading and body; the heading takes focus when the page changes, for screen readers. */
export function Page({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const t = useT();
  const pageTitle = t('common.pageTitle', { title });
  useEffect(() => {
    document.title = pageTitle;
  }, [pageTitle]);
  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** Loads something from the API: `{ data, error, loading, reload }`. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Runs an action from a form: `{ run, busy, error, clear }`; `run` answers undefined when it failed. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await action();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, busy, error, clear: () => setError(undefined) };
}

/** A column heading of a Table: its words, or `{ label, num: true }` for a column of numbers; false leaves it out. */
export type Column = string | { label: string; num: true } | false;

/** A table in its scrolling box, with an optional caption and a row of column headings; `children` are the body's rows. */
export function Table({ caption, columns, children }: { caption?: string; columns: Column[]; children: ReactNode }) {
  return (
    <div className="table-scroll" tabIndex={0}>
      <table>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column) =>
              column === false ? null : typeof column === 'string' ? (
                <th key={column} scope="col">
                  {column}
                </th>
              ) : (
                <th key={column.label} scope="col" className="num">
                  {column.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/**
 * A bar chart as plain SVG (no chart library, nothing loaded): one bar per label, the value written on the
 * bar, and the same data as a table for screen readers. A null value (a suppressed count) draws no bar
 * and is labelled as hidden.
 */
export function BarChart({ title, data, hiddenLabel }: { title: string; data: { label: string; value: number | null }[]; hiddenLabel?: string }) {
  const t = useT();
  const id = useId();
  const max = Math.max(1, ...data.map((d) => d.value ?? 0));
  const barHeight = 22;
  const gap = 6;
  const labelWidth = 120;
  const width = 520;
  const height = data.length * (barHeight + gap) + gap;
  return (
    <figure className="chart">
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title`} width="100%" preserveAspectRatio="xMinYMin meet">
        {data.map((d, i) => {
          const y = gap + i * (barHeight + gap);
          const w = d.value === null ? 0 : Math.max(2, ((width - labelWidth - 60) * d.value) / max);
          return (
            <g key={d.label}>
              <text x={labelWidth - 8} y={y + barHeight * 0.7} textAnchor="end" className="chart-label">
                {d.label}
              </text>
              <rect x={labelWidth} y={y} width={w} height={barHeight} className="chart-bar" />
              <text x={labelWidth + w + 6} y={y + barHeight * 0.7} className="chart-value">
                {d.value === null ? (hiddenLabel ?? t('start.chart.hidden')) : count(d.value)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
