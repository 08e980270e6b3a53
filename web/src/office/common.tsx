import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { RecordCategory, RetentionCategory } from '../../../src/domain/records';
import { ApiError } from '../api';
import { t, useT, type MessageId } from '../i18n';

/**
 * What the office's pages share: the library they work on, the words for the API's codes (instruments,
 * record categories, request states), and a few form pieces the shared components do not have.
 */

/** The library the office works on: the staff member's own, or (the system administrator) the one chosen. */
export interface OfficeLibrary {
  id: string;
  name: string;
  timeZone: string;
  /** Its branches, to name a branch by its name rather than its id or code. */
  branches?: readonly { id: string; code: string; name: string }[];
}

/** A branch of the office's library by its name (an unknown one as it was given). */
export function branchName(library: OfficeLibrary, idOrCode: string | null | undefined): string {
  if (!idOrCode) return '—';
  return library.branches?.find((b) => b.id === idOrCode || b.code === idOrCode)?.name ?? idOrCode;
}

export const LibraryContext = createContext<OfficeLibrary | undefined>(undefined);

export function useLibrary(): OfficeLibrary {
  const library = useContext(LibraryContext);
  if (!library) throw new Error('useLibrary outside the office');
  return library;
}

/**
 * A list of choices whose labels are messages: each label is read in the page's language when it is
 * shown (a getter over the module's `t`), so the list itself can be a module-level constant.
 */
function choices<V extends string>(table: readonly (readonly [V, MessageId])[]): { value: V; label: string }[] {
  return table.map(([value, id]) => ({
    value,
    get label() {
      return t(id);
    },
  }));
}

/** A table of codes whose words are messages, read in the page's language when looked up. */
function inWords(table: Readonly<Record<string, MessageId>>): Record<string, string> {
  const words: Record<string, string> = {};
  for (const [code, id] of Object.entries(table)) Object.defineProperty(words, code, { get: () => t(id), enumerable: true });
  return words;
}

/** The instruments Carrel knows, as the published policy names them. */
const INSTRUMENT_WORDS: readonly (readonly [string, MessageId])[] = [
  ['court-order', 'office.instrument.courtOrder'],
  ['subpoena', 'office.instrument.subpoena'],
  ['search-warrant', 'office.instrument.searchWarrant'],
  ['fisa-or-nsl', 'office.instrument.fisaOrNsl'],
  ['emergency-claim', 'office.instrument.emergencyClaim'],
  ['written-request', 'office.instrument.writtenRequest'],
  ['informal-request', 'office.instrument.informalRequest'],
  ['patron-consent', 'office.instrument.patronConsent'],
  ['public-records-request', 'office.instrument.publicRecordsRequest'],
  ['materials-recovery', 'office.instrument.materialsRecovery'],
];
export const INSTRUMENTS: { value: string; label: string }[] = choices(INSTRUMENT_WORDS);

export function instrumentName(code: string): string {
  const id = INSTRUMENT_WORDS.find(([value]) => value === code)?.[1];
  return id ? t(id) : code;
}

/**
 * Record categories of the data inventory a request or a legal hold may name (statistics hold no one):
 * the category's name, and (where it needs one) the longer label a checkbox shows.
 */
const CATEGORY_WORDS: readonly (readonly [RecordCategory, MessageId, MessageId])[] = [
  ['registration', 'office.category.registration', 'office.category.registration.option'],
  ['guardianship', 'office.category.guardianship', 'office.category.guardianship'],
  ['circulation', 'office.category.circulation', 'office.category.circulation'],
  ['reading-history', 'office.category.readingHistory', 'office.category.readingHistory.option'],
  ['holds', 'office.category.holds', 'office.category.holds'],
  ['fines', 'office.category.fines', 'office.category.fines'],
  ['computer-sessions', 'office.category.computerSessions', 'office.category.computerSessions'],
  ['program-signups', 'office.category.programSignups', 'office.category.programSignups'],
  ['room-bookings', 'office.category.roomBookings', 'office.category.roomBookings'],
  ['ill-requests', 'office.category.illRequests', 'office.category.illRequests'],
  ['reference-requests', 'office.category.referenceRequests', 'office.category.referenceRequests'],
  ['complaints', 'office.category.complaints', 'office.category.complaints'],
  ['access-log', 'office.category.accessLog', 'office.category.accessLog.option'],
];
export const CATEGORIES: { value: RecordCategory; label: string }[] = choices(CATEGORY_WORDS.map(([value, , option]) => [value, option] as const));

/** Categories a request cannot name but retention receipts and statistics do (src/domain/records.ts). */
const OTHER_CATEGORIES: Partial<Record<RecordCategory | RetentionCategory, MessageId>> = {
  'circulation-statistics': 'office.category.circulationStatistics',
  'inactive-patrons': 'office.category.inactivePatrons',
  'deceased-patrons': 'office.category.deceasedPatrons',
  notices: 'office.category.notices',
  'vendor-authorisations': 'office.category.vendorAuthorisations',
  'vendor-statistics': 'office.category.vendorStatistics',
};

export function categoryName(code: string): string {
  const id = CATEGORY_WORDS.find(([value]) => value === code)?.[1] ?? OTHER_CATEGORIES[code as RecordCategory];
  return id ? t(id) : code;
}

/** A request's state in words. */
export const REQUEST_STATUS: Record<string, string> = inWords({
  received: 'office.requestStatus.received',
  referred: 'office.requestStatus.referred',
  approved: 'office.requestStatus.approved',
  refused: 'office.requestStatus.refused',
  released: 'office.requestStatus.released',
  withdrawn: 'office.requestStatus.withdrawn',
});

/** What an instrument permits under the profile, in words. */
export const PERMITS: Record<string, string> = inWords({
  release: 'office.permits.release',
  'identity-only': 'office.permits.identityOnly',
  'overdue-accounts': 'office.permits.overdueAccounts',
  recovery: 'office.permits.recovery',
  'director-decides': 'office.permits.directorDecides',
  refuse: 'office.permits.refuse',
});

/** The decision's reason codes, in words. */
export const REASONS: Record<string, string> = inWords({
  APPROVED: 'office.reason.approved',
  IDENTITY_ONLY: 'office.reason.identityOnly',
  OVERDUE_ACCOUNTS_ONLY: 'office.reason.overdueAccountsOnly',
  RECOVERY_ONLY: 'office.reason.recoveryOnly',
  DIRECTOR_APPROVED: 'office.reason.directorApproved',
  INSTRUMENT_NOT_ACCEPTED: 'office.reason.instrumentNotAccepted',
  REFERRAL_MISSING: 'office.reason.referralMissing',
  COUNSEL_REVIEW_MISSING: 'office.reason.counselReviewMissing',
  NOT_IN_PROPER_FORM: 'office.reason.notInProperForm',
  NO_GOOD_CAUSE: 'office.reason.noGoodCause',
  NOTHING_RELEASABLE: 'office.reason.nothingReleasable',
  SUBPOENA_REQUIRED: 'office.reason.subpoenaRequired',
  COURT_ORDER_REQUIRED: 'office.reason.courtOrderRequired',
  REFUSED_BY_DIRECTOR: 'office.reason.refusedByDirector',
});

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
  const t = useT();
  return (
    <fieldset className="office-fieldset">
      <legend>{legend}</legend>
      <div className="office-inline">
        <label className="check">
          <input type="radio" name={name} required checked={value === true} onChange={() => onChange(true)} />
          <span>{t('office.yesNo.yes')}</span>
        </label>
        <label className="check">
          <input type="radio" name={name} required checked={value === false} onChange={() => onChange(false)} />
          <span>{t('office.yesNo.no')}</span>
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
  const t = useT();
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
          {t('office.confirm.cancel')}
        </button>
      </div>
    </div>
  );
}

/** Shown where the role does not include a page's duty. */
export function NotYours({ what }: { what: string }) {
  const t = useT();
  return (
    <div className="error" role="alert">
      <p>{t('office.notYours', { what })}</p>
    </div>
  );
}

/**
 * A count with its English noun. English only: a page in the app's languages writes its count into its
 * message instead (`{count, plural, one {# patron} other {# patrons}}`).
 */
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
