import { DateTime } from 'luxon';
import { ErrorCode, type Problem } from './errors.js';
import { isStorableDate, isStorableText } from './storable.js';
import type { PatronPersonal, PatronStatus } from './types.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
// Deliberately loose: the desk must accept every real address; the patron confirms it by use.
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;
const PHONE = /^\+?[0-9 ().-]{7,20}$/;

/** Whether a string is a real calendar date written YYYY-MM-DD, in the years Carrel stores (domain/storable). */
export function isCalendarDate(text: string): boolean {
  if (!DATE.test(text) || !isStorableDate(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/**
 * Checks the personal fields a patron is registered with (RR-1, CB-A4: only what is needed, well
 * formed). Collects every problem; messages name the field, never the value.
 */
export function personalProblems(personal: PatronPersonal, today: string): Problem[] {
  const problems: Problem[] = [];
  if (personal.name.trim().length === 0 || !isStorableText(personal.name, 200))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A name of 1–200 characters is required.', field: 'name' });
  if (!isCalendarDate(personal.birthDate))
    problems.push({ code: ErrorCode.INVALID_DATE, message: 'The birth date must be a real date written YYYY-MM-DD.', field: 'birthDate' });
  else if (personal.birthDate > today)
    problems.push({ code: ErrorCode.BIRTH_DATE_IN_FUTURE, message: 'The birth date is in the future.', field: 'birthDate' });
  if (personal.email !== null && !EMAIL.test(personal.email))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'The email address is not well formed.', field: 'email' });
  if (personal.phone !== null && !PHONE.test(personal.phone))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'The phone number is not well formed.', field: 'phone' });
  if (personal.address !== null && !isStorableText(personal.address, 500))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'The address is longer than 500 characters.', field: 'address' });
  return problems;
}

/** Trims optional text; empty becomes null (nothing is stored that the patron did not give). */
export function optionalText(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** Age bands for statistics, youngest first, with the birthday each starts at. */
export const AGE_BANDS = [
  { band: '0-12', from: 0 },
  { band: '13-17', from: 13 },
  { band: '18-64', from: 18 },
  { band: '65+', from: 65 },
] as const;

/**
 * The age band of a patron born on `birthDate` at `at`, and the instant it next changes (the start of
 * the birthday that moves them on, in the library's zone; null for the last band). Statistics use the
 * band so that nothing downstream needs the birth date, and circulation never opens a seal for it.
 */
export function ageBandOn(birthDate: string, at: Date, timeZone: string): { ageBand: string; ageBandUntil: string | null } {
  if (!isCalendarDate(birthDate)) return { ageBand: 'unknown', ageBandUntil: null };
  const born = DateTime.fromISO(birthDate, { zone: timeZone });
  const now = DateTime.fromJSDate(at, { zone: timeZone });
  const age = Math.floor(now.diff(born, 'years').years);
  let index = 0;
  for (let i = 0; i < AGE_BANDS.length; i++) if (age >= (AGE_BANDS[i] as { from: number }).from) index = i;
  const next = AGE_BANDS[index + 1];
  return {
    ageBand: (AGE_BANDS[index] as { band: string }).band,
    ageBandUntil: next ? (born.plus({ years: next.from }).startOf('day').toUTC().toISO() ?? null) : null,
  };
}

/**
 * Moves a stored band on without the birth date: the band boundaries are birthdays, so the instant a
 * band ends and the number of years to the next boundary give the next one.
 */
export function nextAgeBand(band: string, until: string, timeZone: string): { ageBand: string; ageBandUntil: string | null } {
  const index = AGE_BANDS.findIndex((b) => b.band === band);
  const current = AGE_BANDS[index + 1];
  if (index < 0 || !current) return { ageBand: band, ageBandUntil: null };
  const after = AGE_BANDS[index + 2];
  const start = DateTime.fromISO(until, { zone: timeZone });
  return { ageBand: current.band, ageBandUntil: after ? (start.plus({ years: after.from - current.from }).startOf('day').toUTC().toISO() ?? null) : null };
}

/**
 * Whether staff may move a patron from one standing to another, and whether the move is final. A card
 * reported lost comes back only as a new card (reissue: the old number must never work again, JC-IVa);
 * recording a death, or undoing one, is final (the retention sweep purges the record, CB-F3).
 */
export function statusChange(from: PatronStatus, to: PatronStatus): { problem?: Problem; final: boolean } {
  if (from === 'card-lost' && to !== 'card-lost' && to !== 'deceased')
    return { problem: { code: ErrorCode.STATUS_CHANGE_NOT_ALLOWED, message: 'A card reported lost comes back only as a new card: issue one.' }, final: false };
  return { final: (to === 'deceased') !== (from === 'deceased') };
}
