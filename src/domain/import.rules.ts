/**
 * What an import from another library system (issue 21) accepts, pure: the rows every file shape (Koha,
 * Evergreen, a generic CSV) is read into, how their dates are read, and the problems that reject a row
 * or leave a field out. A reason names the column, never the value: the report is printed and kept.
 */
import { DateTime } from 'luxon';
import { ErrorCode, type Problem } from './errors.js';
import type { ImportedPin } from './pin-schemes.js';
import { isCalendarDate, personalProblems } from './patron.rules.js';
import type { FineKind, PatronPersonal } from './types.js';

/** What can be imported: patrons first, then what they have out, wait for and owe. */
export const IMPORT_KINDS = ['patrons', 'loans', 'holds', 'fines'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** The file shapes an import reads. */
export const IMPORT_FORMATS = ['koha', 'evergreen', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** A PIN as a row brings it: a hash in a known scheme, a PIN in the clear (hashed at once), none, or a hash Carrel cannot read. */
export type RowPin = ImportedPin | { scheme: 'plain'; pin: string } | { scheme: 'unknown' };

/** A patron row, read from any shape. Dates are as the file wrote them; `category` and `branch` are the old system's codes. */
export interface PatronImportRow {
  line: number;
  cardNumber: string;
  name: string;
  birthDate: string;
  email: string;
  phone: string;
  address: string;
  category: string;
  branch: string;
  expiresAt: string;
  pin: RowPin;
  /** The patron asked the old system to keep their reading history (Koha privacy 0, Evergreen's retention start). */
  readingHistory: boolean;
  readingHistorySince: string;
  guardianCard: string;
  /** The card's standing in the old system, as its flags say (see `importedStatus`). */
  standing: StandingFlags;
}

/** What an old system says of a card's standing: each a cell as the file wrote it (empty: not said). */
export interface StandingFlags {
  lost?: string;
  debarredUntil?: string;
  barred?: string;
  inactive?: string;
  status?: string;
}

/** The standings an import carries over; any other is active. */
export type ImportedStatus = 'active' | 'blocked' | 'card-lost';

/**
 * The standing a row's old-system flags give (Koha's `lost` and `debarred`, Evergreen's `barred` and
 * `active`, a CSV's `status`): a lost card stays lost (JC-IVa, IF-6), a barred or inactive account
 * blocked, a suspension that has not ended blocked.
 */
export function importedStatus(flags: StandingFlags, today: string): ImportedStatus {
  const yes = (text: string | undefined) => /^(1|t|true|y|yes)$/i.test((text ?? '').trim());
  const status = (flags.status ?? '').trim().toLowerCase();
  if (yes(flags.lost) || status === 'card-lost' || status === 'lost') return 'card-lost';
  const until = (flags.debarredUntil ?? '').trim().slice(0, 10);
  if (yes(flags.barred) || yes(flags.inactive) || status === 'blocked' || (/^\d{4}-\d{2}-\d{2}$/.test(until) && until !== '0000-00-00' && until >= today)) return 'blocked';
  return 'active';
}

export interface LoanImportRow {
  line: number;
  cardNumber: string;
  itemBarcode: string;
  checkedOutAt: string;
  dueAt: string;
  /** Empty for a loan still out; the return of a past loan otherwise. */
  returnedAt: string;
  renewals: string;
  branch: string;
  readingHistory: boolean;
}

export interface HoldImportRow {
  line: number;
  cardNumber: string;
  /** The record's control number (001: Koha's biblionumber, Evergreen's record id), for a title-level hold. */
  record: string;
  itemBarcode: string;
  placedAt: string;
  /** 'waiting' (trapped, on the hold shelf) or 'queued'. */
  status: 'waiting' | 'queued';
  pickupBranch: string;
  /** A queued hold ends unfilled after this; a waiting one must be picked up by it. */
  expiresAt: string;
}

export interface FineImportRow {
  line: number;
  cardNumber: string;
  amount: string;
  /** What was charged at first (Koha's amount, Evergreen's total owed); empty when the file does not say. */
  originalAmount: string;
  /** The old system's code for what the charge is for (OVERDUE, LOST, MANUAL…), mapped to a kind. */
  kind: string;
  createdAt: string;
  itemBarcode: string;
}

/** Koha writes a missing date as 0000-00-00; an empty cell is missing too. */
function blank(text: string): boolean {
  const value = text.trim();
  return value === '' || value.startsWith('0000-00-00') || value.toUpperCase() === 'NULL';
}

/**
 * A date as a file writes it: ISO (2026-03-01), a SQL timestamp with or without an offset
 * ('2027-06-30 23:59:59-07'), an ISO instant, or the mapping's `dateFormat` (a Luxon format such as
 * MM/dd/yyyy). null: missing; undefined: not a date.
 */
export function readDate(text: string, timeZone: string, format?: string): { day: string; instant: DateTime } | null | undefined {
  if (blank(text)) return null;
  const value = text.trim();
  const attempts = [
    () => (format ? DateTime.fromFormat(value, format, { zone: timeZone }) : DateTime.invalid('no format')),
    () => DateTime.fromISO(value, { zone: timeZone, setZone: true }),
    () => DateTime.fromSQL(value, { zone: timeZone, setZone: true }),
    () => DateTime.fromISO(value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'), { zone: timeZone, setZone: true }),
  ];
  for (const attempt of attempts) {
    const parsed = attempt();
    if (!parsed.isValid) continue;
    const day = parsed.toISODate();
    if (day === null || !isCalendarDate(day)) continue;
    return { day, instant: parsed };
  }
  return undefined;
}

/** A problem with a row's column, worded without its value. */
function columnProblem(code: ErrorCode, column: string, message: string): Problem {
  return { code, message, field: column };
}

/** What a patron row becomes once read: the registration's fields, and what else the row says. */
export interface CheckedPatronRow {
  personal: PatronPersonal;
  cardNumber: string;
  /** The end of the card's validity, or null: the category's or library's months from today. */
  expiresAt: string | null;
  readingHistorySince: string | null;
  /** Fields the row had that were not well formed and are left out (the patron corrects them at the desk). */
  leftOut: Problem[];
}

/**
 * Checks a patron row as registration would (RR-1, CB-A4): a card, a name, a real birth date not in
 * the future. A malformed email, phone or expiry date does not reject the patron: the field is left out
 * and reported. The card number is kept as the old system wrote it (patrons keep their cards).
 */
export function checkPatronRow(row: PatronImportRow, today: string, timeZone: string, dateFormat?: string): { ok: CheckedPatronRow } | { problems: Problem[] } {
  const problems: Problem[] = [];
  const card = row.cardNumber.trim();
  if (card === '') problems.push(columnProblem(ErrorCode.IMPORT_ROW_INVALID, 'card', 'The row has no card number.'));
  else if (card.length > 64 || /[\u0000-\u001f]/.test(card)) problems.push(columnProblem(ErrorCode.IMPORT_ROW_INVALID, 'card', 'The card number is longer than 64 characters or holds control characters.'));
  const name = row.name.replace(/\s+/g, ' ').trim();
  if (name === '') problems.push(columnProblem(ErrorCode.IMPORT_ROW_INVALID, 'name', 'The row has no name.'));
  const born = readDate(row.birthDate, timeZone, dateFormat);
  if (born === null) problems.push(columnProblem(ErrorCode.IMPORT_ROW_INVALID, 'birthDate', 'The row has no birth date; registration needs one (to apply the guardian rules).'));
  else if (born === undefined) problems.push(columnProblem(ErrorCode.INVALID_DATE, 'birthDate', 'The birth date is not a real date.'));
  if (problems.length > 0) return { problems };
  const leftOut: Problem[] = [];
  const personal: PatronPersonal = { name, birthDate: born!.day, address: optional(row.address), email: optional(row.email), phone: optional(row.phone) };
  // Registration's own checks; what fails in an optional field is left out rather than rejecting the patron.
  for (const problem of personalProblems(personal, today)) {
    if (problem.field === 'email' || problem.field === 'phone' || problem.field === 'address') {
      leftOut.push({ ...problem, message: `${problem.message} Left out.` });
      personal[problem.field] = null;
    } else problems.push(problem);
  }
  if (problems.length > 0) return { problems };
  let expiresAt: string | null = null;
  const expiry = readDate(row.expiresAt, timeZone, dateFormat);
  if (expiry === undefined) leftOut.push(columnProblem(ErrorCode.INVALID_DATE, 'expiresAt', 'The card’s expiry is not a real date; the card gets the category’s validity.'));
  else if (expiry !== null) expiresAt = (expiry.instant.hour === 0 && expiry.instant.minute === 0 ? expiry.instant.endOf('day') : expiry.instant).toUTC().toISO();
  let readingHistorySince: string | null = null;
  if (row.readingHistory) {
    const since = readDate(row.readingHistorySince, timeZone, dateFormat);
    readingHistorySince = since ? since.instant.startOf('day').toUTC().toISO() : null;
  }
  return { ok: { personal, cardNumber: card, expiresAt, readingHistorySince, leftOut } };
}

function optional(text: string): string | null {
  const value = text.trim();
  return blank(value) ? null : value;
}

/**
 * The key an import compares people by: name words, birth date and email (a person under two cards).
 * Only for a row with all three; the vault turns it into a keyed hash before anything keeps it.
 */
export function identityKey(personal: PatronPersonal, nameWords: (name: string) => string[]): string | null {
  if (personal.email === null) return null;
  return `${nameWords(personal.name).join(' ')}|${personal.birthDate}|${personal.email.trim().toLowerCase()}`;
}

/** An amount such as "2.50" or "2,50" in cents; undefined when it is not one. */
export function readAmount(text: string): number | undefined {
  const value = text.trim().replace(',', '.');
  if (!/^-?\d{1,9}(\.\d{1,6})?$/.test(value)) return undefined;
  return Math.round(Number(value) * 100);
}

/** A renewal count; empty is none. */
export function readCount(text: string): number | undefined {
  const value = text.trim();
  if (value === '') return 0;
  return /^\d{1,4}$/.test(value) ? Number(value) : undefined;
}

/** The fine kinds Carrel keeps. */
export const IMPORT_FINE_KINDS: readonly FineKind[] = ['overdue', 'lost', 'fee'];

/** What a mapping template proposes for an old system's fine code. */
export function guessFineKind(code: string): FineKind {
  const value = code.trim().toUpperCase();
  if (/OVERDUE|FINE|LATE|^FU$|^O$/.test(value)) return 'overdue';
  if (/LOST|^L$|REPLACE/.test(value)) return 'lost';
  return 'fee';
}
