/**
 * Time, injected. Nothing in Carrel reads the system time except `systemClock`; use cases, jobs and
 * the CLI's `--as-of` receive a Clock, so retention and due dates are testable at any instant.
 */
import { isStorableInstant } from './storable.js';

export interface Clock {
  now(): Date;
}

/** The wall clock. The only place in Carrel that reads the system time. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock stopped at one instant (tests, `--as-of`). */
export function fixedClock(at: Date | string): Clock {
  const instant = new Date(typeof at === 'string' ? at : at.getTime());
  if (Number.isNaN(instant.getTime())) throw new RangeError('fixedClock needs a valid instant');
  return { now: () => new Date(instant.getTime()) };
}

/** A clock tests can move forward. */
export class ManualClock implements Clock {
  #at: number;
  constructor(at: Date | string) {
    this.#at = new Date(at).getTime();
  }
  now(): Date {
    return new Date(this.#at);
  }
  set(at: Date | string): void {
    this.#at = new Date(at).getTime();
  }
  advanceDays(days: number): void {
    this.#at += days * 86_400_000;
  }
  advanceMinutes(minutes: number): void {
    this.#at += minutes * 60_000;
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an `--as-of` value: a date (taken as noon UTC, so it is that day in every library's
 * time zone) or a full ISO-8601 instant with an offset. Returns undefined when it is not one.
 */
export function parseInstant(text: string): Date | undefined {
  let candidate: Date;
  if (ISO_DATE.test(text)) candidate = new Date(`${text}T12:00:00Z`);
  else if (ISO_DATE_TIME.test(text)) candidate = new Date(text);
  else return undefined;
  if (Number.isNaN(candidate.getTime()) || !isStorableInstant(candidate)) return undefined;
  if (ISO_DATE.test(text) && candidate.toISOString().slice(0, 10) !== text) return undefined; // 2026-02-30
  return candidate;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
const dayCache = new Map<string, string>();

/**
 * The calendar day (`YYYY-MM-DD`) of an instant in a time zone: the day statistics count an event
 * under. Time-zone offsets are whole quarter hours, so the day is cached per quarter hour: counting a
 * million loans formats a few thousand dates, not a million.
 */
export function localDay(iso: string, timeZone: string): string {
  const quarter = Math.floor(Date.parse(iso) / 900_000);
  const key = `${timeZone}|${quarter}`;
  const cached = dayCache.get(key);
  if (cached !== undefined) return cached;
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  const day = format.format(new Date(quarter * 900_000));
  if (dayCache.size > 200_000) dayCache.clear();
  dayCache.set(key, day);
  return day;
}
