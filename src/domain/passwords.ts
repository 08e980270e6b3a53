import { COMMON_PASSWORDS, COMMON_STEMS } from './common-passwords.js';
import { ErrorCode, type Problem } from './errors.js';

/**
 * What makes a staff password acceptable (OWASP ASVS 5.0, level 2, chapter 6): at least 12 characters,
 * up to 128, counted as Unicode code points (a password may be a phrase in any script, with spaces); not
 * a common password or a common word with digits or symbols added; not the account's username. No
 * composition rules (no "one digit, one capital"): length is what makes a password strong.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

const COMMON = new Set(COMMON_PASSWORDS);
const STEMS = new Set(COMMON_STEMS);

/** The length a person sees: code points, after NFC (an accented letter typed two ways counts once). */
export function passwordLength(password: string): number {
  return [...password.normalize('NFC')].length;
}

/** One character repeated ("aaaaaaaaaaaa"), or a run counting up or down ("3456789012…", "zyxwv…"). */
function isPattern(password: string): boolean {
  const points = [...password].map((c) => c.codePointAt(0) as number);
  if (points.every((p) => p === points[0])) return true;
  const step = (points[1] as number) - (points[0] as number);
  if (step !== 1 && step !== -1) return false;
  return points.every((p, i) => i === 0 || p - (points[i - 1] as number) === step || (/\d/.test(password[i] ?? '') && /\d/.test(password[i - 1] ?? '') && Math.abs(p - (points[i - 1] as number)) === 9));
}

/** Whether a password is one guessing tries first: a listed one, a pattern, or a common word padded. */
export function isCommonPassword(password: string): boolean {
  const lower = password.normalize('NFC').toLowerCase();
  const squeezed = lower.replace(/\s+/g, '');
  if (COMMON.has(lower) || COMMON.has(squeezed) || isPattern(squeezed)) return true;
  // A common word, repeated or followed by digits and symbols: "welcome12345", "Library2026!", "adminadmin123".
  const stem = squeezed.replace(/[^\p{L}]+$/u, '').replace(/^[^\p{L}]+/u, '');
  if (STEMS.has(stem)) return true;
  for (const word of STEMS) if (stem.length > 0 && stem.length % word.length === 0 && word.repeat(stem.length / word.length) === stem) return true;
  return false;
}

/**
 * Every reason a new password is refused (none: it is acceptable). The messages say what the rule is,
 * never what the password was.
 */
export function passwordProblems(password: string, username: string): Problem[] {
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_LENGTH)
    return [{ code: ErrorCode.PASSWORD_TOO_SHORT, message: `A password is at least ${PASSWORD_MIN_LENGTH} characters; a few words make a good one.`, field: 'newPassword' }];
  if (length > PASSWORD_MAX_LENGTH)
    return [{ code: ErrorCode.PASSWORD_TOO_LONG, message: `A password is at most ${PASSWORD_MAX_LENGTH} characters.`, field: 'newPassword' }];
  const problems: Problem[] = [];
  const lower = password.normalize('NFC').toLowerCase();
  if (lower === username.toLowerCase() || lower.replace(/\s+/g, '') === username.toLowerCase())
    problems.push({ code: ErrorCode.PASSWORD_IS_USERNAME, message: 'A password cannot be the account’s username.', field: 'newPassword' });
  else if (isCommonPassword(password))
    problems.push({ code: ErrorCode.PASSWORD_TOO_COMMON, message: 'That password is one of the first an attacker tries; choose another, such as a few unrelated words.', field: 'newPassword' });
  return problems;
}
