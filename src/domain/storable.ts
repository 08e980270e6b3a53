/**
 * What either storage engine can keep, as one rule for every way in (HTTP, CLI, SIP2, file imports).
 * SQLite stores almost anything; PostgreSQL refuses some of it with an error the caller cannot fix by
 * retrying. Input outside this rule is refused as bad input, identically on both engines, before it
 * reaches a use case's writes (issue 22, defect 6).
 *
 * - Text never holds U+0000: PostgreSQL's `text` cannot store it (SQLite would cut the value there).
 * - Text is at most TEXT_MAX_LENGTH characters unless a field says less: the longest field Carrel takes
 *   (a notice template's body); request bodies are capped well below anything an engine refuses.
 * - Integers fit PostgreSQL's `integer` (32 bits), the type of every counted or priced column that
 *   input reaches: amounts in cents, days, limits, ages. SQLite would take 1e21 cents and create a
 *   fine no payment can settle.
 * - Dates and instants fall in years MIN_YEAR–MAX_YEAR. PostgreSQL has no year 0; JavaScript writes
 *   years past 9999 as `+010000-…`, which neither engine reads back as a date; and the thousand years
 *   left above MAX_YEAR keep the arithmetic Carrel does on a date (due dates, a card's validity,
 *   retention periods, the day after a closed period) inside four-digit years.
 */
import { ErrorCode, type Problem } from './errors.js';

/** The longest text any field takes. */
export const TEXT_MAX_LENGTH = 20_000;
/** PostgreSQL's `integer`. */
export const INTEGER_MIN = -2_147_483_648;
export const INTEGER_MAX = 2_147_483_647;
/** The first and last years of a date Carrel stores. */
export const MIN_YEAR = 1000;
export const MAX_YEAR = 8999;
/** The first and last calendar days Carrel stores, as YYYY-MM-DD (strings compare in date order). */
export const MIN_DATE = `${MIN_YEAR}-01-01`;
export const MAX_DATE = `${MAX_YEAR}-12-31`;
/** A JSON Schema pattern for a YYYY-MM-DD date in the range (the day and month are checked by the use case). */
export const STORABLE_DATE_PATTERN = '^[1-8][0-9]{3}-[0-9]{2}-[0-9]{2}$';
/** A JSON Schema pattern for the year of an ISO-8601 instant in the range. */
export const STORABLE_INSTANT_PATTERN = '^[1-8][0-9]{3}-';

/** Whether text can be stored: no U+0000, and no longer than `max`. */
export function isStorableText(text: string, max: number = TEXT_MAX_LENGTH): boolean {
  return text.length <= max && !text.includes('\u0000');
}

/** Whether a number can be stored in an integer column. */
export function isStorableInteger(value: number): boolean {
  return Number.isInteger(value) && value >= INTEGER_MIN && value <= INTEGER_MAX;
}

/** Whether a number (integer or not) lies within the range of an integer column. */
export function isStorableNumber(value: number): boolean {
  return Number.isFinite(value) && value >= INTEGER_MIN && value <= INTEGER_MAX;
}

/** Whether a YYYY-MM-DD date (already known to be one) falls within the years Carrel stores. */
export function isStorableDate(date: string): boolean {
  return date >= MIN_DATE && date <= MAX_DATE && date.length === 10;
}

/** Whether an instant falls within the years Carrel stores. */
export function isStorableInstant(at: Date): boolean {
  const year = at.getUTCFullYear();
  return !Number.isNaN(at.getTime()) && year >= MIN_YEAR && year <= MAX_YEAR;
}

/**
 * The problems of a value about to be stored, wherever it sits in a JSON document (every string,
 * object key and number in it), each naming its place under `where` (`body/name`). Never the value.
 */
export function storableProblems(value: unknown, where: string, problems: Problem[] = [], depth = 0): Problem[] {
  if (problems.length >= 20) return problems;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'Text may not contain the character U+0000.', field: where });
    else if (value.length > TEXT_MAX_LENGTH) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `Text is at most ${TEXT_MAX_LENGTH} characters.`, field: where });
  } else if (typeof value === 'number') {
    if (!isStorableNumber(value)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `A number lies between ${INTEGER_MIN} and ${INTEGER_MAX}.`, field: where });
  } else if (Array.isArray(value)) {
    if (depth > 32) return problems;
    value.forEach((v, i) => storableProblems(v, `${where}/${i}`, problems, depth + 1));
  } else if (value !== null && typeof value === 'object') {
    if (depth > 32) return problems;
    for (const [key, v] of Object.entries(value)) {
      if (!isStorableText(key, 200)) {
        problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A field name may not contain U+0000 or be longer than 200 characters.', field: where });
        continue;
      }
      storableProblems(v, `${where}/${key}`, problems, depth + 1);
    }
  }
  return problems;
}
