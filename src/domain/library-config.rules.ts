/**
 * What makes a library's configuration well formed: codes, opening hours, figures of the circulation
 * matrix and of the library's thresholds, closed-day ranges. Pure: each check answers the problems it
 * finds (every one, not only the first), and the use cases refuse with them before anything is written.
 */
import { DateTime } from 'luxon';
import { ErrorCode, type Problem } from './errors.js';
import { isStorableDate } from './storable.js';
import { ruleSpecificity, type MatrixCell } from './circulation.rules.js';
import type { ClosedDay, LoanRule, OpeningHours } from './types.js';
import { PAYMENT_METHODS, WEEKDAYS } from './types.js';

/** A code of a branch, category or item type: lower-case letters, digits and hyphens, 1–32 long (`*` is the matrix's wildcard, never a code). */
export const CONFIG_CODE = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** The largest number of days, months or cents a setting takes: far beyond any library's need, small enough to be a mistake past it. */
const MAX_DAYS = 3650;
const MAX_MONTHS = 120;
const MAX_CENTS = 10_000_000;
const MAX_COUNT = 10_000;
/** The longest window a library may set for its identification limit (a week): refusals older than it are swept. */
export const IDENTIFY_WINDOW_MAX_MINUTES = 7 * 24 * 60;

/** A problem with a figure, naming the field (never its value). */
function figureProblem(field: string, message: string): Problem {
  return { code: ErrorCode.VALIDATION_FAILED, message, field };
}

/**
 * Problems with one whole-number figure: `min`..`max`, or null where `nullable` says null means "none".
 * Undefined (left out) is never a problem: the caller keeps the current value.
 */
export function figureProblems(field: string, value: number | null | undefined, min: number, max: number, nullable = false): Problem[] {
  if (value === undefined) return [];
  if (value === null) return nullable ? [] : [figureProblem(field, `${field} needs a value.`)];
  if (!Number.isInteger(value)) return [figureProblem(field, `${field} is a whole number.`)];
  if (value < min) return [figureProblem(field, min === 0 ? `${field} cannot be negative.` : `${field} is at least ${min}.`)];
  if (value > max) return [figureProblem(field, `${field} is at most ${max}.`)];
  return [];
}

/** Problems with a code (branch, category, item type). */
export function codeProblems(field: string, code: string): Problem[] {
  return CONFIG_CODE.test(code) ? [] : [figureProblem(field, 'A code is 1–32 lower-case letters, digits or hyphens, starting with a letter or digit.')];
}

/** Problems with a name: not blank, at most `max` characters. */
export function nameProblems(field: string, name: string | undefined, max = 200): Problem[] {
  if (name === undefined) return [];
  if (name.trim() === '') return [figureProblem(field, `${field} cannot be blank.`)];
  if (name.length > max) return [figureProblem(field, `${field} is at most ${max} characters.`)];
  return [];
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/**
 * Problems with a branch's weekly opening hours: weekdays `mon`…`sun` only, each a list of
 * `["HH:MM","HH:MM"]` periods that open before they close and do not overlap.
 */
export function openingHoursProblems(hours: unknown): Problem[] {
  const bad = (message: string): Problem[] => [{ code: ErrorCode.INVALID_OPENING_HOURS, message, field: 'openingHours' }];
  if (typeof hours !== 'object' || hours === null || Array.isArray(hours)) return bad('Opening hours are a table of weekdays.');
  for (const [day, periods] of Object.entries(hours as Record<string, unknown>)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) return bad(`Opening hours name the weekdays ${WEEKDAYS.join(', ')}.`);
    if (!Array.isArray(periods)) return bad(`The hours of ${day} are a list of [opens, closes] periods.`);
    const sorted = [...periods].sort((a, b) => String((a as unknown[])?.[0]).localeCompare(String((b as unknown[])?.[0])));
    let lastClose = '';
    for (const period of sorted) {
      if (!Array.isArray(period) || period.length !== 2 || !period.every((t) => typeof t === 'string' && HHMM.test(t)))
        return bad(`Each period of ${day} is a pair of times written HH:MM.`);
      const [opens, closes] = period as [string, string];
      if (opens >= closes) return bad(`A period of ${day} opens before it closes.`);
      if (lastClose && opens < lastClose) return bad(`The periods of ${day} overlap.`);
      lastClose = closes;
    }
  }
  return [];
}

/** The opening hours as stored: weekdays in order, periods sorted, days with no period left out. */
export function normaliseOpeningHours(hours: OpeningHours): OpeningHours {
  const out: OpeningHours = {};
  for (const day of WEEKDAYS) {
    const periods = hours[day];
    if (periods && periods.length > 0) out[day] = [...periods].sort((a, b) => a[0].localeCompare(b[0])).map(([o, c]) => [o, c]);
  }
  return out;
}

/** Whether a string is a real calendar date written YYYY-MM-DD, in the years Carrel stores (domain/storable). */
export function isCalendarDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && isStorableDate(value) && DateTime.fromISO(value, { zone: 'UTC' }).isValid;
}

/** Whether two inclusive date ranges share a day. */
export function rangesOverlap(a: Pick<ClosedDay, 'startsOn' | 'endsOn'>, b: Pick<ClosedDay, 'startsOn' | 'endsOn'>): boolean {
  return a.startsOn <= b.endsOn && b.startsOn <= a.endsOn;
}

/** Problems with the figures of a loan rule (every one at fault). */
export function loanRuleProblems(rule: Pick<LoanRule, 'loanDays' | 'renewals' | 'finePerDayCents' | 'maxFineCents' | 'holdPickupDays'>): Problem[] {
  return [
    ...figureProblems('loanDays', rule.loanDays, 0, MAX_DAYS),
    ...figureProblems('renewals', rule.renewals, 0, MAX_COUNT),
    ...figureProblems('finePerDayCents', rule.finePerDayCents, 0, MAX_CENTS),
    ...figureProblems('maxFineCents', rule.maxFineCents, 0, MAX_CENTS),
    ...figureProblems('holdPickupDays', rule.holdPickupDays, 1, MAX_DAYS, true),
  ];
}

/** The library's circulation settings as an administrator changes them (each optional: left out, kept). */
export interface SettingsChange {
  name?: string;
  holdPickupDays?: number;
  maxBalanceCents?: number;
  maxOverdueItems?: number | null;
  defaultLostChargeCents?: number;
  processingFeeCents?: number;
  longOverdueDays?: number | null;
  cardValidityMonths?: number;
  defaultLanguage?: string;
  offeredLanguages?: string[];
  paymentMethods?: string[];
  slipHeader?: string | null;
  slipFooter?: string | null;
  slipTitles?: boolean;
  legacyPinDays?: number;
  identifyPatronFailures?: number;
  identifyStaffFailures?: number;
  identifyWindowMinutes?: number;
}

/** The longest line a slip prints at its top or bottom (a few lines: the library's name, hours, telephone). */
export const MAX_SLIP_TEXT = 500;

/**
 * Problems with the library's languages, payment methods and slips once changed: each language one
 * Carrel has a catalogue for (`available`), the default among those offered, at least one way of paying
 * and none twice, slip lines of at most MAX_SLIP_TEXT characters.
 */
export function deskSettingsProblems(next: { defaultLanguage: string; offeredLanguages: readonly string[]; paymentMethods: readonly string[]; slip: { header: string | null; footer: string | null } }, available: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const unknown = next.offeredLanguages.filter((l) => !available.includes(l));
  const offeredWell = next.offeredLanguages.length > 0 && unknown.length === 0 && new Set(next.offeredLanguages).size === next.offeredLanguages.length;
  if (!offeredWell)
    problems.push({ code: ErrorCode.LANGUAGE_NOT_AVAILABLE, message: `The languages offered are some of ${available.join(', ')}, each once.`, field: 'offeredLanguages' });
  if (!available.includes(next.defaultLanguage))
    problems.push({ code: ErrorCode.LANGUAGE_NOT_AVAILABLE, message: `The default language is one of ${available.join(', ')}.`, field: 'defaultLanguage' });
  else if (offeredWell && !next.offeredLanguages.includes(next.defaultLanguage))
    problems.push({ code: ErrorCode.DEFAULT_LANGUAGE_NOT_OFFERED, message: 'The default language must be one of the languages offered.', field: 'defaultLanguage' });
  const methods = next.paymentMethods;
  if (methods.length === 0 || methods.some((m) => !(PAYMENT_METHODS as readonly string[]).includes(m)) || new Set(methods).size !== methods.length)
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `The payment methods are some of ${PAYMENT_METHODS.join(', ')}, at least one, each once.`, field: 'paymentMethods' });
  for (const [field, text] of [['slipHeader', next.slip.header], ['slipFooter', next.slip.footer]] as const)
    if (text !== null && text.length > MAX_SLIP_TEXT) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `At most ${MAX_SLIP_TEXT} characters.`, field });
  return problems;
}

/** Problems with a change of the library's settings (every one at fault). */
export function settingsProblems(change: SettingsChange): Problem[] {
  return [
    ...nameProblems('name', change.name),
    ...figureProblems('holdPickupDays', change.holdPickupDays, 1, MAX_DAYS),
    ...figureProblems('maxBalanceCents', change.maxBalanceCents, 0, MAX_CENTS),
    ...figureProblems('maxOverdueItems', change.maxOverdueItems, 1, MAX_COUNT, true),
    ...figureProblems('defaultLostChargeCents', change.defaultLostChargeCents, 0, MAX_CENTS),
    ...figureProblems('processingFeeCents', change.processingFeeCents, 0, MAX_CENTS),
    ...figureProblems('longOverdueDays', change.longOverdueDays, 1, MAX_DAYS, true),
    ...figureProblems('cardValidityMonths', change.cardValidityMonths, 1, MAX_MONTHS),
    ...figureProblems('legacyPinDays', change.legacyPinDays, 1, MAX_DAYS),
    // At least one refusal before the limit (a typo must not lock anyone out), at most a week's window.
    ...figureProblems('identifyPatronFailures', change.identifyPatronFailures, 1, 100),
    ...figureProblems('identifyStaffFailures', change.identifyStaffFailures, 1, 1000),
    ...figureProblems('identifyWindowMinutes', change.identifyWindowMinutes, 1, IDENTIFY_WINDOW_MAX_MINUTES),
  ];
}

/** Problems with a patron category's figures: ages 0–150 with the minimum not above the maximum, a card valid a month or more. */
export function categoryProblems(category: { minAge?: number | null; maxAge?: number | null; cardValidityMonths?: number | null; maxLoans?: number | null }): Problem[] {
  const problems = [
    ...figureProblems('minAge', category.minAge, 0, 150, true),
    ...figureProblems('maxAge', category.maxAge, 0, 150, true),
    ...figureProblems('cardValidityMonths', category.cardValidityMonths, 1, MAX_MONTHS, true),
    ...figureProblems('maxLoans', category.maxLoans, 0, MAX_COUNT, true),
  ];
  if (problems.length === 0 && category.minAge != null && category.maxAge != null && category.minAge > category.maxAge)
    problems.push(figureProblem('maxAge', 'The age range ends before it starts.'));
  return problems;
}

/** How one matching rule meets a cell, part by part: the exact value, or the `*` wildcard. */
export interface RuleMatch {
  rule: LoanRule;
  specificity: number;
  branch: 'exact' | 'any';
  patronCategory: 'exact' | 'any';
  itemType: 'exact' | 'any';
}

/** Why a cell of the matrix gets the rule it gets: the rule applied (if any), every rule that matched, most specific first, and a sentence. */
export interface LoanRuleExplanation {
  cell: MatrixCell;
  applied: LoanRule | null;
  matches: RuleMatch[];
  reason: string;
}

function describeRule(rule: Pick<LoanRule, 'branch' | 'patronCategory' | 'itemType'>): string {
  return `branch ${rule.branch} × category ${rule.patronCategory} × type ${rule.itemType}`;
}

/**
 * Explains `resolveLoanRule` for a cell: the same choice (the most specific match; the branch weighs
 * most, then the category, then the type; among equals the first listed), with each match and the reason.
 */
export function explainLoanRule(rules: readonly LoanRule[], cell: MatrixCell): LoanRuleExplanation {
  const matches: RuleMatch[] = [];
  for (const rule of rules) {
    const specificity = ruleSpecificity(rule, cell);
    if (specificity < 0) continue;
    matches.push({
      rule,
      specificity,
      branch: rule.branch === '*' ? 'any' : 'exact',
      patronCategory: rule.patronCategory === '*' ? 'any' : 'exact',
      itemType: rule.itemType === '*' ? 'any' : 'exact',
    });
  }
  // A stable sort keeps the first of equals first, as resolveLoanRule picks it.
  matches.sort((a, b) => b.specificity - a.specificity);
  const applied = matches[0]?.rule ?? null;
  const reason = !applied
    ? `No rule matches ${describeRule(cell)}: the item cannot be lent (add a rule, or the fallback * × * × *).`
    : matches.length === 1
      ? `The rule for ${describeRule(applied)} applies: it is the only rule that matches.`
      : `The rule for ${describeRule(applied)} applies: it is the most specific of ${matches.length} matching rules (a branch of its own weighs most, then the patron category, then the item type; * matches anything).`;
  return { cell, applied, matches, reason };
}
