/**
 * Whether a legal request may be approved under a library's profile, and what it may release: the pure
 * decider behind the register (DESIGN.md `disclosureAllowed`). Every answer carries a reason code and
 * the clause it rests on; the register stores both (RR-7, CB-A7, CB-B2, CB-E1..E3, JC-II, JC-IVd-le,
 * RF-2, RF-5, IF-8, IF-9).
 */
import { gagged, type Instrument, type LegalRequest, type Permit } from '../domain/disclosure.js';
import type { Actor } from './actors.js';
import { PATRON_RECORD_CATEGORIES, type RecordCategory } from './inventory.js';
import type { Profile } from './profile.schema.js';

/** Why a request may be approved: which kind of release the profile allows. */
export type ApprovalReason = 'APPROVED' | 'IDENTITY_ONLY' | 'OVERDUE_ACCOUNTS_ONLY' | 'RECOVERY_ONLY' | 'DIRECTOR_APPROVED';

/** Why it may not. */
export type RefusalReason =
  | 'INSTRUMENT_NOT_ACCEPTED'
  | 'DECIDER_NOT_AUTHORIZED'
  | 'REFERRAL_MISSING'
  | 'COUNSEL_REVIEW_MISSING'
  | 'NOT_IN_PROPER_FORM'
  | 'NO_GOOD_CAUSE'
  | 'NOTHING_RELEASABLE';

/** The personal fields of a registration an export may carry (never the card number, never the PIN). */
export type RegistrationField = 'name' | 'birthDate' | 'address' | 'phone' | 'email';

/** What an approved request may release. */
export interface Releasable {
  permits: Exclude<Permit, 'refuse'>;
  /** The record categories, in inventory order: the requested ones the instrument permits. */
  categories: RecordCategory[];
  /** The registration fields it may carry (when `registration` is among the categories). */
  registrationFields: RegistrationField[];
}

export type DisclosureDecision =
  | { allowed: true; reason: ApprovalReason; clause: string; releasable: Releasable }
  | { allowed: false; reason: RefusalReason; clause: string };

export interface DisclosureQuestion {
  instrument: Instrument;
  /** Categories the request asks for. */
  requestedCategories: readonly string[];
  /** Whether the request has been referred to the director (JC-IVd-le). */
  referred: boolean;
  /** Counsel's review, if recorded: proper form and good cause (CB-E1, JC-IVd-le); null for a question not answered. */
  review: { properForm: boolean | null; goodCause: boolean | null } | null;
  /** Who decides: the system (the operator), or a member of staff with these roles. */
  decider: { kind: 'system' } | { kind: 'staff'; roles: readonly string[] };
}

/** Categories an export can hold: everything kept about a patron (statistics hold no one). */
const PATRON_CATEGORIES: readonly RecordCategory[] = PATRON_RECORD_CATEGORIES;

/** What each kind of release may carry at most: its categories and registration fields. */
const LIMITS: Record<Exclude<Permit, 'refuse'>, { categories: readonly RecordCategory[]; fields: readonly RegistrationField[]; reason: ApprovalReason }> = {
  release: { categories: PATRON_CATEGORIES, fields: ['name', 'birthDate', 'address', 'phone', 'email'], reason: 'APPROVED' },
  'director-decides': { categories: PATRON_CATEGORIES, fields: ['name', 'birthDate', 'address', 'phone', 'email'], reason: 'DIRECTOR_APPROVED' },
  // RR-7: solely to identify a suspect, victim or witness.
  'identity-only': { categories: ['registration'], fields: ['name', 'address', 'phone', 'email'], reason: 'IDENTITY_ONLY' },
  // CB-E3: names, addresses and amounts owed; never titles (no circulation), never minors.
  'overdue-accounts': { categories: ['registration', 'fines'], fields: ['name', 'address'], reason: 'OVERDUE_ACCOUNTS_ONLY' },
  // CB-E2, IF-9: whom to contact, what is out or lost, what is owed.
  recovery: { categories: ['registration', 'circulation', 'fines'], fields: ['name', 'address', 'phone', 'email'], reason: 'RECOVERY_ONLY' },
};

/**
 * Whether a request may be approved now, by this decider, under this profile; and if so what it may
 * release. Checked in the order a director would: who decides, whether the instrument is accepted at
 * all, whether it was referred (director-decides), counsel's review, and what is left to release.
 */
export function disclosureAllowed(profile: Pick<Profile, 'disclosure'>, question: DisclosureQuestion): DisclosureDecision {
  const rules = profile.disclosure;
  const rule = rules.instruments[question.instrument];
  if (question.decider.kind !== 'system' && !question.decider.roles.includes(rules.decidedBy))
    return { allowed: false, reason: 'DECIDER_NOT_AUTHORIZED', clause: rule.clause };
  if (rule.permits === 'refuse') return { allowed: false, reason: 'INSTRUMENT_NOT_ACCEPTED', clause: rule.clause };
  if (rule.permits === 'director-decides' && !question.referred) return { allowed: false, reason: 'REFERRAL_MISSING', clause: rule.clause };
  const review = question.review;
  // A review that answered "no" blocks approval whether or not the profile requires one.
  if (review?.properForm === false) return { allowed: false, reason: 'NOT_IN_PROPER_FORM', clause: rule.clause };
  if (review?.goodCause === false) return { allowed: false, reason: 'NO_GOOD_CAUSE', clause: rule.clause };
  if (rule.counselReviewRequired && (review === null || review.properForm !== true || review.goodCause !== true))
    return { allowed: false, reason: 'COUNSEL_REVIEW_MISSING', clause: rule.clause };
  const limit = LIMITS[rule.permits];
  const categories = limit.categories.filter((c) => question.requestedCategories.includes(c));
  if (categories.length === 0) return { allowed: false, reason: 'NOTHING_RELEASABLE', clause: rule.clause };
  return {
    allowed: true,
    reason: limit.reason,
    clause: rule.clause,
    releasable: { permits: rule.permits, categories, registrationFields: categories.includes('registration') ? [...limit.fields] : [] },
  };
}

/** The same question asked of a stored request. */
export function decideStored(profile: Pick<Profile, 'disclosure'>, request: LegalRequest, decider: DisclosureQuestion['decider']): DisclosureDecision {
  return disclosureAllowed(profile, {
    instrument: request.instrument,
    requestedCategories: request.scopeCategories,
    referred: request.referredAt !== null,
    review: request.reviewedAt === null ? null : { properForm: request.reviewProperForm, goodCause: request.reviewGoodCause },
    decider,
  });
}

/**
 * Who sees a request in the register: the holders of `disclosure.read` (checked by the use case), and,
 * while a gag holds (JC-II), only the director role and the system.
 */
export function canSeeRequest(actor: Actor, request: Pick<LegalRequest, 'gagUntil'>, now: Date): boolean {
  if (!gagged(request, now)) return true;
  return actor.kind === 'system' || (actor.kind === 'staff' && actor.roles.includes('director'));
}

/** Whether the patrons are told when their records are released (after any gag), under the profile. */
export function notifiesPatron(profile: Pick<Profile, 'disclosure'>, instrument: Instrument): boolean {
  return profile.disclosure.instruments[instrument].notifyPatron === 'at-release';
}
