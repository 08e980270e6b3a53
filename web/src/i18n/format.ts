/**
 * Dates, times, numbers and money in the page's language, one format per kind:
 *  - `day`: a date (a due date, a birth date, the day something happened): "Dec 6, 2026" / "6 dic 2026";
 *  - `moment`: an instant with its time (when someone looked, when a request came in);
 *  - `time`: a time of day (when a session ends);
 *  - `money`: cents in the library's currency; `count`: a number.
 * A date without a time (YYYY-MM-DD) is that calendar day everywhere: it is never shifted by a time zone.
 */
let locale = 'en-US';
let formats = makeFormats(locale);

function makeFormats(tag: string) {
  return {
    day: new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'short', day: 'numeric' }),
    calendarDay: new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }),
    moment: new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }),
    time: new Intl.DateTimeFormat(tag, { hour: 'numeric', minute: '2-digit' }),
    count: new Intl.NumberFormat(tag),
  };
}

/** Called by the I18nProvider when the page's language changes. */
export function setFormatLocale(tag: string): void {
  if (tag === locale) return;
  locale = tag;
  formats = makeFormats(tag);
}

/** The locale `Intl` formats in now (for a component that needs its own `Intl` object). */
export function formatLocale(): string {
  return locale;
}

const isCalendarDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

/** A date, or an instant's date. */
export function day(value: string | null | undefined): string {
  if (!value) return '—';
  if (isCalendarDay(value)) {
    const d = new Date(`${value}T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? value : formats.calendarDay.format(d);
  }
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : formats.day.format(d);
}

/** An instant with its time of day. */
export function moment(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : formats.moment.format(d);
}

/** A time of day. */
export function time(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : formats.time.format(d);
}

/** Cents as money. */
export function money(cents: number | null | undefined, currency = 'USD'): string {
  if (cents === null || cents === undefined) return '—';
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
}

/** A count, grouped as the language groups digits. */
export function count(n: number): string {
  return formats.count.format(n);
}

/** Items joined as the language joins a list ("a, b and c" / "a, b y c"). */
export function list(items: readonly string[]): string {
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(items);
}
