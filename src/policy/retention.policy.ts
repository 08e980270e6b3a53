/**
 * Retention checkers: one pure function per rule, each deciding keep or dispose for one record with a
 * reason code, at an instant the caller supplies (the injected clock, or `--as-of`). The retention job
 * asks the database only for candidates and applies what these decide; nothing else decides.
 */
import { DateTime } from 'luxon';
import type { EndedRecords, RetentionCategory } from '../domain/records.js';
import { noticeRetention } from './notice.policy.js';
import type { LoanStatus } from '../domain/types.js';
import type { DaysRule, Profile } from './profile.schema.js';

export type Decision<Reason extends string> = { dispose: boolean; reason: Reason };

const keep = <R extends string>(reason: R): Decision<R> => ({ dispose: false, reason });
const dispose = <R extends string>(reason: R): Decision<R> => ({ dispose: true, reason });

const DAY_MS = 86_400_000;

/** The instant `days` days before `now`: a record that ended at or before it has served its period. */
export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** The instant `months` calendar months before `now` (UTC calendar). */
export function monthsBefore(now: Date, months: number): Date {
  return DateTime.fromJSDate(now, { zone: 'utc' }).minus({ months }).toJSDate();
}

/**
 * A record a live legal hold covers is kept, whatever its rule says, until the hold is released (the
 * hold's scope is decided by policy/legal-hold.policy.ts). Only a record the rule would dispose of is
 * kept for this reason, so a receipt's `legal-hold` count is what the hold alone kept.
 */
export function unlessHeld<R extends string>(decision: Decision<R>, held: boolean | undefined): Decision<R | 'legal-hold'> {
  return decision.dispose && held === true ? keep('legal-hold') : decision;
}

function atOrBefore(iso: string | null, cutoff: Date): boolean {
  return iso !== null && Date.parse(iso) <= cutoff.getTime();
}

// ── Loans ────────────────────────────────────────────────────────────────────────────────────────

export interface LoanFacts {
  status: LoanStatus;
  endedAt: string | null;
  /** Open fines on this loan (overdue or lost charges not yet paid or waived). */
  openFines: number;
  /** The borrower opted in to keeping reading history (JC-IIIc). */
  readingHistory: boolean;
  /** A live legal hold covers this loan. */
  held?: boolean;
}

export type LoanReason = 'item-unreturned' | 'fines-owed' | 'reading-history-opt-in' | 'within-retention' | 'loan-complete' | 'retention-ended' | 'legal-hold';

/**
 * Whether a loan's patron–item link goes now. Never while the item is out (CB-F3) or fines on it are
 * owed (IF-3); kept for a patron who opted in to reading history where the profile offers it
 * (JC-IIIc); otherwise broken on return (IF-3) or after the profile's months (CB-F3: 12).
 */
export function loanRetention(loan: LoanFacts, profile: Pick<Profile, 'retention'>, now: Date): Decision<LoanReason> {
  return unlessHeld(loanRule(loan, profile, now), loan.held);
}

function loanRule(loan: LoanFacts, profile: Pick<Profile, 'retention'>, now: Date): Decision<LoanReason> {
  if (loan.status === 'active' || loan.endedAt === null) return keep('item-unreturned');
  if (loan.openFines > 0) return keep('fines-owed');
  if (loan.readingHistory && profile.retention.readingHistory.offered) return keep('reading-history-opt-in');
  const rule = profile.retention.loans;
  if (rule.afterReturn === 'anonymise') return atOrBefore(loan.endedAt, now) ? dispose('loan-complete') : keep('within-retention');
  return atOrBefore(loan.endedAt, monthsBefore(now, rule.months)) ? dispose('retention-ended') : keep('within-retention');
}

/**
 * A loan a library made to a patron of another member of the consortium (RF-4) follows the stricter of
 * the two libraries' profiles: it is disposed of as soon as either profile would dispose of it (a legal
 * hold, a fine still owed or an item still out keeps it under both).
 */
export function sharedLoanRetention(loan: LoanFacts, lender: Pick<Profile, 'retention'>, borrower: Pick<Profile, 'retention'>, now: Date): Decision<LoanReason> {
  const own = loanRetention(loan, lender, now);
  if (own.dispose) return own;
  const theirs = loanRetention(loan, borrower, now);
  return theirs.dispose ? theirs : own;
}

/** The latest end of a loan the loan rule could dispose of now (the candidate query's bound). */
export function loanCutoff(profile: Pick<Profile, 'retention'>, now: Date): Date {
  const rule = profile.retention.loans;
  return rule.afterReturn === 'anonymise' ? now : monthsBefore(now, rule.months);
}

// ── Fines, holds, services: a period after the record ends ────────────────────────────────────────

export type EndedReason = 'not-ended' | 'within-retention' | 'retention-ended' | 'legal-hold';

/**
 * A record kept `rule.days` after it ended (settled, fulfilled, cancelled, expired, closed, over), and
 * while a live legal hold covers it (`held`).
 */
export function afterEndRetention(endedAt: string | null, rule: Pick<DaysRule, 'days'>, now: Date, held = false): Decision<EndedReason> {
  if (endedAt === null || Date.parse(endedAt) > now.getTime()) return keep('not-ended');
  return unlessHeld(atOrBefore(endedAt, daysBefore(now, rule.days)) ? dispose('retention-ended') : keep('within-retention'), held);
}

export interface FineFacts {
  status: 'open' | 'paid' | 'waived';
  settledAt: string | null;
  /** A live legal hold covers this fine. */
  held?: boolean;
}

export type FineReason = 'money-owed' | EndedReason;

/** Fines, fees and payments: kept while owed, then for the profile's period after settlement. */
export function fineRetention(fine: FineFacts, profile: Pick<Profile, 'retention'>, now: Date): Decision<FineReason> {
  if (fine.status === 'open') return keep('money-owed');
  return afterEndRetention(fine.settledAt, profile.retention.fines, now, fine.held);
}

export interface HoldFacts {
  status: 'pending' | 'ready' | 'fulfilled' | 'cancelled' | 'expired';
  endedAt: string | null;
  /** A live legal hold covers this hold request. */
  held?: boolean;
}

export type HoldReason = 'hold-open' | EndedReason;

/** Holds: kept while waiting, then for the profile's days after fulfilment, cancellation or expiry. */
export function holdRetention(hold: HoldFacts, profile: Pick<Profile, 'retention'>, now: Date): Decision<HoldReason> {
  if (hold.status === 'pending' || hold.status === 'ready') return keep('hold-open');
  return afterEndRetention(hold.endedAt, profile.retention.holds, now, hold.held);
}

export const SERVICE_KINDS = ['computer-session', 'program-signup', 'room-booking', 'ill-request', 'reference-request'] as const;
export type ServiceKindId = (typeof SERVICE_KINDS)[number];

/** The profile rule for each kind of service record. */
export function serviceRule(kind: ServiceKindId, profile: Pick<Profile, 'retention'>): DaysRule {
  const r = profile.retention;
  switch (kind) {
    case 'computer-session':
      return r.computerSessions;
    case 'program-signup':
      return r.programSignups;
    case 'room-booking':
      return r.roomBookings;
    case 'ill-request':
      return r.illRequests;
    case 'reference-request':
      return r.referenceRequests;
  }
}

/**
 * The categories whose records are kept a period after they end, one row each, keyed by the category
 * their receipt names (which is also the record category a legal hold names): the rows it pages over,
 * the values of their status (fines, holds) or kind (service records) it pages over, one walk each in
 * this order, and the profile's rule. A run walks them in this order, after the loans.
 */
export const ENDED_RECORD_CATEGORIES = {
  // IF-3, CB-F3: settled fines, fees and payments; an open fine is owed money and never a candidate.
  fines: {
    records: 'fines',
    values: ['paid', 'waived'],
    rule: (p) => p.retention.fines,
    decide: (r, p, now) => fineRetention({ status: r.value as FineFacts['status'], settledAt: r.endedAt, held: r.held }, p, now),
  },
  // Holds once fulfilled, cancelled or expired; a pending or ready hold is never a candidate.
  holds: {
    records: 'holds',
    values: ['fulfilled', 'cancelled', 'expired'],
    rule: (p) => p.retention.holds,
    decide: (r, p, now) => holdRetention({ status: r.value as HoldFacts['status'], endedAt: r.endedAt, held: r.held }, p, now),
  },
  // JC-IIId and the profiles' service clauses: each kind of service record by its own rule.
  'computer-sessions': serviceCategory('computer-session'),
  'program-signups': serviceCategory('program-signup'),
  'room-bookings': serviceCategory('room-booking'),
  'ill-requests': serviceCategory('ill-request'),
  'reference-requests': serviceCategory('reference-request'),
  // Issue 17: the proof that a notice went (kind, channel, time, status), the profile's days after it
  // ended; a queued notice or a letter not yet posted is never a candidate.
  notices: {
    records: 'notices',
    values: ['sent', 'failed', 'posted', 'cancelled'],
    rule: (p) => noticeRetention(p),
    decide: (r, p, now) => afterEndRetention(r.endedAt, noticeRetention(p), now, r.held),
  },
} as const satisfies Record<string, EndedRecordCategory>;

/** The row of one kind of service record: its own rule, decided by `serviceRetention`. */
function serviceCategory(kind: ServiceKindId): EndedRecordCategory {
  return {
    records: 'service-records',
    values: [kind],
    rule: (p) => serviceRule(kind, p),
    decide: (r, p, now) => serviceRetention({ kind, endsAt: r.endedAt, held: r.held }, p, now),
  };
}

/** A candidate of an ended-records category, as its checker reads it. */
export interface EndedCandidate {
  /** Its status (fines, holds) or kind (service records): one of the category's `values`. */
  value: string;
  endedAt: string | null;
  /** A live legal hold covers it. */
  held: boolean;
}

/** One row of `ENDED_RECORD_CATEGORIES`. */
export interface EndedRecordCategory {
  /** The rows the category pages over. */
  records: EndedRecords;
  /** The status (fines, holds) or kind (service records) values of its candidates, one walk each. */
  values: readonly string[];
  /** The profile's rule: a record goes `days` after it ended (what the candidates' query cuts at). */
  rule: (profile: Pick<Profile, 'retention'>) => DaysRule;
  /** The category's checker, with its reason code: the one `fineRetention`, `holdRetention` or `serviceRetention`. */
  decide: (candidate: EndedCandidate, profile: Pick<Profile, 'retention'>, now: Date) => Decision<string>;
}

/** A category of records kept a period after they end (fines, holds, each kind of service record). */
export type EndedCategory = keyof typeof ENDED_RECORD_CATEGORIES;

/** The categories of `ENDED_RECORD_CATEGORIES`, in the order a run walks them. */
export const ENDED_CATEGORIES = Object.keys(ENDED_RECORD_CATEGORIES) as EndedCategory[];

/** Computer sessions, sign-ups, bookings and requests: the profile's days after they end or close. */
export function serviceRetention(record: { kind: ServiceKindId; endsAt: string | null; held?: boolean }, profile: Pick<Profile, 'retention'>, now: Date): Decision<EndedReason> {
  return afterEndRetention(record.endsAt, serviceRule(record.kind, profile), now, record.held);
}

// ── Vendors a patron signed in to (issue 19) ─────────────────────────────────────────────────────

/** A rule in months, as the profile states it (the access log's, a vendor authorisation's). */
export interface MonthsRule {
  months: number;
  clause: string;
  note?: string;
}

/**
 * When a profile is silent on vendor authorisations: thirteen months after the last sign-in, so a vendor
 * a patron uses once a year is remembered, with what they consented it may receive, from one year to the
 * next; then their use of it is forgotten, as a revocation would forget it (JC-IVd: purged when no
 * longer needed).
 */
export const DEFAULT_VENDOR_AUTHORISATION_RETENTION: MonthsRule = {
  months: 13,
  clause: 'JC-IVd',
  note: 'Not stated: thirteen months after the last sign-in, so a vendor used once a year is remembered, with the consent given to it, from one year to the next; then it is forgotten, as if the patron had revoked it.',
};

/** How long a patron's authorisation of a vendor is kept after its last use (the profile's, or the default). */
export function vendorAuthorisationRule(profile: Pick<Profile, 'retention'>): MonthsRule {
  return profile.retention.vendorAuthorisations ?? DEFAULT_VENDOR_AUTHORISATION_RETENTION;
}

export interface VendorAuthorisationFacts {
  /** The last time the vendor was told the patron is valid (or the patron consented). */
  lastAt: string;
  /** A live legal hold covers this authorisation. */
  held?: boolean;
}

export type VendorAuthorisationReason = 'within-retention' | 'retention-ended' | 'legal-hold';

/**
 * Whether a patron's authorisation of a vendor is forgotten now: the profile's months after its last
 * use (RF-6, RF-7: the record of which vendors a patron uses exists to show and revoke them, not to keep
 * their habits), unless a live legal hold covers it. Forgetting it forgets their consent too: the next
 * sign-in asks again.
 */
export function vendorAuthorisationRetention(facts: VendorAuthorisationFacts, profile: Pick<Profile, 'retention'>, now: Date): Decision<VendorAuthorisationReason> {
  const rule = vendorAuthorisationRule(profile);
  return unlessHeld(atOrBefore(facts.lastAt, monthsBefore(now, rule.months)) ? dispose('retention-ended') : keep('within-retention'), facts.held);
}

// ── Patrons ──────────────────────────────────────────────────────────────────────────────────────

export interface PatronFacts {
  status: string;
  lastActiveAt: string | null;
  createdAt: string;
  activeLoans: number;
  balanceCents: number;
  openHolds: number;
  /** A live legal hold names the patron: purging them would destroy records in its scope. */
  held?: boolean;
}

export type PatronReason = 'items-out' | 'money-owed' | 'holds-open' | 'recently-active' | 'inactive' | 'deceased' | 'legal-hold';

/**
 * Whether a patron's whole record is purged: inactive for the profile's months (no check-out or remote
 * access, CB-F3), or recorded as deceased; never while they have items out or owe money.
 */
export function patronRetention(patron: PatronFacts, profile: Pick<Profile, 'retention'>, now: Date): Decision<PatronReason> {
  return unlessHeld(patronRule(patron, profile, now), patron.held);
}

function patronRule(patron: PatronFacts, profile: Pick<Profile, 'retention'>, now: Date): Decision<PatronReason> {
  if (patron.activeLoans > 0) return keep('items-out');
  if (patron.balanceCents > 0) return keep('money-owed');
  if (patron.openHolds > 0) return keep('holds-open');
  if (patron.status === 'deceased') return dispose('deceased');
  const last = patron.lastActiveAt ?? patron.createdAt;
  return atOrBefore(last, monthsBefore(now, profile.retention.inactivePatrons.months)) ? dispose('inactive') : keep('recently-active');
}

/**
 * Whether a sweep that runs `annually` is due: the first run, or a year after the last sweep.
 * `every-run` sweeps are always due.
 */
export function sweepDue(sweep: 'every-run' | 'annually', lastSweep: string | null, now: Date): boolean {
  if (sweep === 'every-run' || lastSweep === null) return true;
  return DateTime.fromISO(lastSweep, { zone: 'utc' }).plus({ years: 1 }).toMillis() <= now.getTime();
}

/** Whether an annual sweep runs now, and when not, the instant after which it next does. */
export type SweepDecision = { due: true } | { due: false; nextSweepAfter: string };

/**
 * Whether a patron sweep runs now (CB-F3: inactive patrons purged annually), and when it does not, when
 * it next does: a year after the last finished sweep, on the same UTC day and time.
 */
export function sweepDecision(sweep: 'every-run' | 'annually', lastSweep: string | null, now: Date): SweepDecision {
  if (sweepDue(sweep, lastSweep, now)) return { due: true };
  return { due: false, nextSweepAfter: nextSweepAfter(lastSweep as string) };
}

/**
 * The instant a year after an annual sweep's as-of (UTC calendar year): the next sweep runs from it. The
 * same arithmetic as `sweepDue`, so a sweep on 29 February is next due on 28 February, as reported.
 */
export function nextSweepAfter(lastSweep: string): string {
  return DateTime.fromISO(lastSweep, { zone: 'utc' }).plus({ years: 1 }).toJSDate().toISOString();
}

// ── What a receipt says ──────────────────────────────────────────────────────────────────────────

export { RETENTION_CATEGORIES, type RetentionCategory } from '../domain/records.js';

/** What a receipt says of a category under a profile: the rule in words, its clause, the disposal. */
export function describeRule(profile: Profile, category: RetentionCategory): { rule: string; clause: string; disposal: string } {
  const r = profile.retention;
  const service = (kind: ServiceKindId, label: string) => {
    const rule = serviceRule(kind, profile);
    return { rule: `${label}: ${rule.days} days after the end`, clause: rule.clause, disposal: 'deleted (sealed details with them)' };
  };
  const swept = (sweep: 'every-run' | 'annually') => (sweep === 'annually' ? 'purged annually' : 'purged at each run');
  switch (category) {
    case 'circulation':
      return {
        rule: r.loans.afterReturn === 'anonymise' ? 'loans: patron–item link broken on return' : `loans: patron–item link kept ${r.loans.months} months after return`,
        clause: r.loans.clause,
        disposal: 'added to statistics, then deleted',
      };
    case 'fines':
      return { rule: `fines, fees and payments: ${r.fines.days} days after settlement`, clause: r.fines.clause, disposal: 'deleted' };
    case 'holds':
      return { rule: `holds: ${r.holds.days} days after fulfilment, cancellation or expiry`, clause: r.holds.clause, disposal: 'deleted' };
    case 'computer-sessions':
      return service('computer-session', 'public-computer sessions');
    case 'program-signups':
      return service('program-signup', 'program sign-ups');
    case 'room-bookings':
      return service('room-booking', 'room bookings');
    case 'ill-requests':
      return service('ill-request', 'interlibrary-loan requests');
    case 'reference-requests':
      return service('reference-request', 'reference requests');
    case 'inactive-patrons':
      return {
        rule: `inactive patrons: ${r.inactivePatrons.months} months without a check-out or remote access, ${swept(r.inactivePatrons.sweep)}`,
        clause: r.inactivePatrons.clause,
        disposal: 'data key shredded, rows deleted',
      };
    case 'deceased-patrons':
      return { rule: `deceased patrons: ${swept(r.deceasedPatrons.sweep)}`, clause: r.deceasedPatrons.clause, disposal: 'data key shredded, rows deleted' };
    case 'notices': {
      const rule = noticeRetention(profile);
      return { rule: `notices sent: kind, channel, time and status kept ${rule.days} days (what they said is forgotten at delivery)`, clause: rule.clause, disposal: 'deleted' };
    }
    case 'vendor-authorisations': {
      const rule = vendorAuthorisationRule(profile);
      return {
        rule: `vendors a patron signed in to: forgotten ${rule.months} months after the last sign-in, with the consent given to each`,
        clause: rule.clause,
        disposal: 'deleted, with the sign-in provider’s grants of that vendor for that patron',
      };
    }
    case 'access-log':
      return {
        rule: `access log: ${r.accessLog.months} months after the entry`,
        clause: r.accessLog.clause,
        disposal: 'oldest entries deleted in chain order; the chain’s start moves past them, so it still verifies',
      };
  }
}
