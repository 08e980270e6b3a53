import { ErrorCode, type Problem } from './errors.js';
import type { PatronPersonal } from './types.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
// Deliberately loose: the desk must accept every real address; the patron confirms it by use.
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;
const PHONE = /^\+?[0-9 ().-]{7,20}$/;

/** Whether a string is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/**
 * Checks the personal fields a patron is registered with (RR-1, CB-A4: only what is needed, well
 * formed). Collects every problem; messages name the field, never the value.
 */
export function personalProblems(personal: PatronPersonal, today: string): Problem[] {
  const problems: Problem[] = [];
  if (personal.name.trim().length === 0 || personal.name.length > 200)
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A name of 1–200 characters is required.', field: 'name' });
  if (!isCalendarDate(personal.birthDate))
    problems.push({ code: ErrorCode.INVALID_DATE, message: 'The birth date must be a real date written YYYY-MM-DD.', field: 'birthDate' });
  else if (personal.birthDate > today)
    problems.push({ code: ErrorCode.BIRTH_DATE_IN_FUTURE, message: 'The birth date is in the future.', field: 'birthDate' });
  if (personal.email !== null && !EMAIL.test(personal.email))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'The email address is not well formed.', field: 'email' });
  if (personal.phone !== null && !PHONE.test(personal.phone))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'The phone number is not well formed.', field: 'phone' });
  if (personal.address !== null && personal.address.length > 500)
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'The address is longer than 500 characters.', field: 'address' });
  return problems;
}

/** Trims optional text; empty becomes null (nothing is stored that the patron did not give). */
export function optionalText(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
