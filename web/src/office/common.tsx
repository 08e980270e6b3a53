import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { RecordCategory, RetentionCategory } from '../../../src/domain/records';
import { ApiError } from '../api';

/**
 * What the office's pages share: the library they work on, the words for the API's codes (instruments,
 * record categories, request states), and a few form pieces the shared components do not have.
 */

/** The library the office works on: the staff member's own, or (the system administrator) the one chosen. */
export interface OfficeLibrary {
  id: string;
  name: string;
  timeZone: string;
}

export const LibraryContext = createContext<OfficeLibrary | undefined>(undefined);

export function useLibrary(): OfficeLibrary {
  const library = useContext(LibraryContext);
  if (!library) throw new Error('useLibrary outside the office');
  return library;
}

/** The instruments Carrel knows, as the published policy names them. */
export const INSTRUMENTS: { value: string; label: string }[] = [
  { value: 'court-order', label: 'Court order' },
  { value: 'subpoena', label: 'Subpoena' },
  { value: 'search-warrant', label: 'Search warrant' },
  { value: 'fisa-or-nsl', label: 'FISA court order or national security letter' },
  { value: 'emergency-claim', label: 'Emergency claim (no court order)' },
  { value: 'written-request', label: 'Formal written request' },
  { value: 'informal-request', label: 'Informal request (no paperwork)' },
  { value: 'patron-consent', label: 'Patron’s written consent' },
  { value: 'public-records-request', label: 'Public-records request' },
  { value: 'materials-recovery', label: 'Materials recovery (the library’s own)' },
];

export function instrumentName(code: string): string {
  return INSTRUMENTS.find((i) => i.value === code)?.label ?? code;
}

/** Record categories of the data inventory a request or a legal hold may name (statistics hold no one). */
export const CATEGORIES: { value: RecordCategory; label: string }[] = [
  { value: 'registration', label: 'Registration (name, contact details, card)' },
  { value: 'guardianship', label: 'Guardian links' },
  { value: 'circulation', label: 'Current loans' },
  { value: 'reading-history', label: 'Reading history (patrons who opted in)' },
  { value: 'holds', label: 'Holds' },
  { value: 'fines', label: 'Fines, fees and payments' },
  { value: 'computer-sessions', label: 'Public-computer sessions' },
  { value: 'program-signups', label: 'Program sign-ups' },
  { value: 'room-bookings', label: 'Room bookings' },
  { value: 'ill-requests', label: 'Interlibrary-loan requests' },
  { value: 'reference-requests', label: 'Reference requests' },
  { value: 'complaints', label: 'Complaints' },
  { value: 'access-log', label: 'Access log (who looked at the record)' },
];

/** Categories a request cannot name but retention receipts and statistics do (src/domain/records.ts). */
const OTHER_CATEGORIES: Partial<Record<RecordCategory | RetentionCategory, string>> = {
  'circulation-statistics': 'Circulation statistics',
  'inactive-patrons': 'Inactive patrons’ records',
  'deceased-patrons': 'Deceased patrons’ records',
};

export function categoryName(code: string): string {
  return CATEGORIES.find((c) => c.value === code)?.label.replace(/ \(.*\)$/, '') ?? OTHER_CATEGORIES[code as RecordCategory] ?? code;
}

/** A request's state in words. */
export const REQUEST_STATUS: Record<string, string> = {
  received: 'Received',
  referred: 'Referred to the director',
  approved: 'Approved, not yet released',
  refused: 'Refused',
  released: 'Released',
  withdrawn: 'Withdrawn by the agency',
};

/** What an instrument permits under the profile, in words. */
export const PERMITS: Record<string, string> = {
  release: 'the records the request names, for the period it names, and nothing else',
  'identity-only': 'the identity of the patrons named only (name, address, phone, email)',
  'overdue-accounts': 'names, addresses and amounts owed of overdue adult accounts only',
  recovery: 'what recovering materials needs: contact details, items overdue or lost, the amount owed',
  'director-decides': 'what the director decides, after the request is referred to them',
  refuse: 'nothing: the library’s policy does not accept this instrument',
};

/** The decision's reason codes, in words. */
export const REASONS: Record<string, string> = {
  APPROVED: 'Approved under the library’s policy',
  IDENTITY_ONLY: 'Approved for identity only',
  OVERDUE_ACCOUNTS_ONLY: 'Approved for overdue accounts only',
  RECOVERY_ONLY: 'Approved for materials recovery only',
  DIRECTOR_APPROVED: 'Approved by the director',
  INSTRUMENT_NOT_ACCEPTED: 'The library’s policy does not accept this instrument',
  REFERRAL_MISSING: 'Not referred to the director',
  COUNSEL_REVIEW_MISSING: 'No counsel’s review finding proper form and good cause',
  NOT_IN_PROPER_FORM: 'Counsel found it not in proper form',
  NO_GOOD_CAUSE: 'Counsel found it shows no good cause',
  NOTHING_RELEASABLE: 'Nothing asked for may be released on this instrument',
  SUBPOENA_REQUIRED: 'Refused: a subpoena is required',
  COURT_ORDER_REQUIRED: 'Refused: a court order is required',
  REFUSED_BY_DIRECTOR: 'Refused by the director',
};

/** An instant with its time, in the page's language. */
export { moment as when } from '../i18n/format';

/**
 * Today as YYYY-MM-DD in the library's time zone (not the browser's: a report's days and a statistics
 * month are the library's, wherever the director reads them).
 */
export function libraryToday(timeZone: string, at = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** A month (YYYY-MM) moved by `months`. */
export function shiftMonth(month: string, months: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 7);
}

/** The last month that has ended in the library's time zone (statistics answer only whole, ended months). */
export function lastEndedMonth(timeZone: string, at = new Date()): string {
  return shiftMonth(libraryToday(timeZone, at).slice(0, 7), -1);
}

/**
 * Where focus goes after an action changes the page (a form or a button that unmounts, a row that goes):
 * put `ref` on a heading or a notice with tabIndex={-1}, and call `focus()`; focus moves there once the
 * change is drawn, instead of falling to the page's body.
 */
export function useFocusTarget<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (tick > 0) ref.current?.focus();
  }, [tick]);
  const focus = useCallback(() => setTick((t) => t + 1), []);
  return { ref, focus };
}

/** Card numbers typed one per line (or separated by commas or spaces), without blanks or repeats. */
export function cardNumbers(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean))];
}

/** The office's text boxes are the app's own (ui/components.tsx). */
export { TextArea } from '../ui/components';

/** A group of checkboxes with a legend; none is ticked until the user ticks it. */
export function CheckboxGroup({
  legend,
  hint,
  options,
  value,
  onChange,
  error,
}: {
  legend: string;
  hint?: string;
  options: { value: string; label: string }[];
  value: string[];
  onChange: (value: string[]) => void;
  error?: string | undefined;
}) {
  const id = useId();
  return (
    <fieldset className="office-fieldset" aria-describedby={[hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined}>
      <legend>{legend}</legend>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="office-checks">
        {options.map((o) => (
          <label key={o.value} className="check">
            <input
              type="checkbox"
              checked={value.includes(o.value)}
              onChange={(e) => onChange(e.target.checked ? [...value, o.value] : value.filter((v) => v !== o.value))}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** A yes/no question as two radio buttons, neither chosen until the user chooses. */
export function YesNo({ legend, name, value, onChange }: { legend: string; name: string; value: boolean | undefined; onChange: (value: boolean) => void }) {
  return (
    <fieldset className="office-fieldset">
      <legend>{legend}</legend>
      <div className="office-inline">
        <label className="check">
          <input type="radio" name={name} required checked={value === true} onChange={() => onChange(true)} />
          <span>Yes</span>
        </label>
        <label className="check">
          <input type="radio" name={name} required checked={value === false} onChange={() => onChange(false)} />
          <span>No</span>
        </label>
      </div>
    </fieldset>
  );
}

/**
 * A button that asks before it acts: the first press shows what will happen and a second button that
 * does it (and one that does not). Focus follows: to the button that acts when the question opens, back
 * to the first button on Cancel or when the action failed. After a success the caller moves focus (to its
 * notice or its section's heading, useFocusTarget): what this button was part of has usually gone.
 */
export function Confirm({
  label,
  question,
  confirmLabel,
  onConfirm,
  busy,
  danger,
}: {
  label: string;
  question: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown> | void;
  busy?: boolean;
  danger?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const act = useRef<HTMLButtonElement>(null);
  // What to focus after the next render: the button that acts, or (closing) the first button again.
  const next = useRef<'act' | 'trigger' | undefined>(undefined);
  useEffect(() => {
    const where = next.current;
    next.current = undefined;
    if (where === 'act') act.current?.focus();
    // Only where focus was lost with the buttons that went: a caller that moved it on keeps it there.
    else if (where === 'trigger' && (document.activeElement === null || document.activeElement === document.body)) trigger.current?.focus();
  }, [asking]);
  const open = () => {
    next.current = 'act';
    setAsking(true);
  };
  const close = () => {
    next.current = 'trigger';
    setAsking(false);
  };
  if (!asking)
    return (
      <button ref={trigger} type="button" className={danger ? 'danger' : undefined} onClick={open} disabled={busy}>
        {label}
      </button>
    );
  return (
    <div className="office-confirm" role="group" aria-label={label}>
      <div>{question}</div>
      <div className="actions">
        <button
          ref={act}
          type="button"
          className={danger ? 'danger' : undefined}
          disabled={busy}
          onClick={() => {
            void Promise.resolve(onConfirm()).finally(close);
          }}
        >
          {confirmLabel}
        </button>
        <button type="button" className="secondary" onClick={close} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** Shown where the role does not include a page's duty. */
export function NotYours({ what }: { what: string }) {
  return (
    <div className="error" role="alert">
      <p>
        Your role does not include {what}. If you need it for your duties, ask the library’s director or system administrator.
      </p>
    </div>
  );
}

/** A count with its noun. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * The problem an error names about one field, for showing it beside the field: a use case names the
 * field (`agency`), the schema check names where it is in the body (`body/agency`, `body/patrons/0/…`).
 */
export function problemAbout(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const found = error.problems.find((p) => p.field === field || p.field === `body/${field}` || p.field?.startsWith(`body/${field}/`) || p.field === `querystring/${field}`);
  return found?.message;
}

/** How far a time zone is ahead of UTC at an instant, in milliseconds. */
function zoneOffset(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(
    new Date(at),
  );
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - (at - (at % 1000));
}

/**
 * A day (YYYY-MM-DD) as an instant in the library's time zone: its first moment, or (`end`) its last, so
 * that "to 3 March" includes the whole of 3 March wherever the browser is.
 */
export function dayBound(date: string, timeZone: string, edge: 'start' | 'end'): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, edge === 'start' ? d : d + 1);
  let at = wall - zoneOffset(wall, timeZone);
  at = wall - zoneOffset(at, timeZone);
  return new Date(edge === 'start' ? at : at - 1).toISOString();
}
