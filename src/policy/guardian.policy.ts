/**
 * Guardians of minors: what the adult who signed a minor's application sees of the child's record, as the
 * library's profile allows (RR-8, CB-B3, CB-A7, JC-IVc, IF-7). Pure: the use case loads the link, the
 * minor's birth date and status and what it presented, and these functions decide and cut.
 *
 * The link ends by itself on the minor's birthday at the profile's age of majority, on the library's
 * calendar, whatever the stored row says; a refused view is answered exactly as a patron who does not
 * exist, so the answer never tells whether a link exists.
 */
import { ageOn } from '../domain/circulation.rules.js';
import type { FineKind, FineStatus, HoldStatus, LoanStatus, PatronStatus } from '../domain/types.js';
import type { RecordCategory } from './inventory.js';
import { SERVICE_CATEGORY } from './inventory.js';
import type { GuardianViewLevel, Profile } from './profile.schema.js';

export type GuardianRule = Profile['access']['guardians'];

/** What the guardian presented of the child's card: nothing, the child's (live) card, or another number. */
export type CardPresented = 'absent' | 'matches' | 'other';

/** A level that shows something. */
export type ShownLevel = Exclude<GuardianViewLevel, 'none'>;

export type GuardianDecision =
  | { allowed: true; level: ShownLevel; clause: string; reason: 'with-child-card' | 'without-child-card' }
  | { allowed: false; level: 'none'; clause: string; reason: 'no-link' | 'link-ended' | 'of-age' | 'not-given' };

/** Patron standings whose card no longer opens anything (JC-IVa, IF-6: a card reported lost stops working). */
const CARD_STOPPED: ReadonlySet<PatronStatus> = new Set(['card-lost', 'deceased']);

export interface GuardianAccessInput {
  rule: GuardianRule;
  /** The guardian's link to this minor, or undefined when there is none. */
  link: { endedAt: string | null } | undefined;
  minor: { birthDate: string; status: PatronStatus };
  /** The library's time zone: the link ends at the start of the birthday there. */
  timeZone: string;
  now: Date;
  card: CardPresented;
}

/** Whether a link is live at `now`: not ended on record, and the minor still under the age of majority. */
export function linkIsLive(rule: Pick<GuardianRule, 'ageOfMajority'>, link: { endedAt: string | null }, birthDate: string, timeZone: string, now: Date): boolean {
  if (link.endedAt !== null && link.endedAt <= now.toISOString()) return false;
  return ageOn(birthDate, now, timeZone) < rule.ageOfMajority;
}

/**
 * What a guardian sees of a minor's record: the profile's level with the child's card when the card
 * presented is the child's and still works, its level without the card otherwise (a wrong number is no
 * card), and nothing when there is no live link. The clause is the profile's guardian rule.
 */
export function guardianAccess(input: GuardianAccessInput): GuardianDecision {
  const { rule } = input;
  const refused = (reason: 'no-link' | 'link-ended' | 'of-age' | 'not-given'): GuardianDecision => ({ allowed: false, level: 'none', clause: rule.clause, reason });
  if (!input.link) return refused('no-link');
  if (input.link.endedAt !== null && input.link.endedAt <= input.now.toISOString()) return refused('link-ended');
  if (ageOn(input.minor.birthDate, input.now, input.timeZone) >= rule.ageOfMajority) return refused('of-age');
  const withCard = input.card === 'matches' && !CARD_STOPPED.has(input.minor.status);
  const level = withCard ? rule.withChildCard : rule.withoutChildCard;
  if (level === 'none') return refused('not-given');
  return { allowed: true, level, clause: rule.clause, reason: withCard ? 'with-child-card' : 'without-child-card' };
}

/** Whether a profile gives a guardian anything at all (with or without the card). */
export function guardiansSeeAnything(rule: GuardianRule): boolean {
  return rule.withChildCard !== 'none' || rule.withoutChildCard !== 'none';
}

// ── Cutting a record down to a level ────────────────────────────────────────────────────────────────

/** The sections of a minor's record, and the ones each level shows. */
export type RecordSection = 'registration' | 'loans' | 'history' | 'holds' | 'fines' | 'payments' | 'services';

const SECTIONS: Record<ShownLevel, readonly RecordSection[]> = {
  full: ['registration', 'loans', 'history', 'holds', 'fines', 'payments', 'services'],
  'current-circulation': ['loans', 'holds', 'fines'],
  'overdue-and-fines': ['loans', 'fines'],
};

/** The sections a level shows: the use case loads only these. */
export function sectionsOf(level: ShownLevel): readonly RecordSection[] {
  return SECTIONS[level];
}

/** The fines a guardian without the card is told of: overdue, lost, and fees (a damaged item is charged as a fee). */
const OWED_KINDS: ReadonlySet<FineKind> = new Set(['overdue', 'lost', 'fee']);

interface LoanLike {
  status: LoanStatus;
  dueAt: string;
}
interface HoldLike {
  status: HoldStatus;
}
interface FineLike {
  kind: FineKind;
  status: FineStatus;
  balanceCents: number;
}

/** A minor's record as loaded: the sections a level needs (others may be left out). */
export interface MinorRecord<R, L extends LoanLike, H extends HoldLike, F extends FineLike, P, S extends { kind: keyof typeof SERVICE_CATEGORY }> {
  minorId: string;
  /** Whether the child keeps their reading history (JC-IIIc: the child's own choice). */
  keepsReadingHistory: boolean;
  registration?: R;
  /** Every loan still linked to the child: out, declared lost, and returned ones the profile or the child keeps. */
  loans?: readonly L[];
  holds?: readonly H[];
  fines?: readonly F[];
  payments?: readonly P[];
  services?: readonly S[];
}

/** What a guardian is shown: only the sections of the level are present (absent keys, not empty lists). */
export interface GuardianView<R, L, H, F, P, S> {
  minorId: string;
  level: ShownLevel;
  clause: string;
  registration?: R;
  /** Loans out now (full, current-circulation), or overdue now or declared lost (overdue-and-fines). */
  loans: L[];
  /** Returned loans still linked to the child (full only). */
  history?: L[];
  holds?: H[];
  fines: F[];
  payments?: P[];
  /** What the child owes now, in cents: the open fines shown. */
  balanceCents: number;
  services?: S[];
}

/**
 * Cuts a minor's record down to what a level shows:
 * - `full`: registration, every loan (out, lost, and returned ones still kept, with the child's reading
 *   history when they chose to keep it), holds, fines, payments and service records (IF-7, JC-IVc, CB-B3);
 * - `current-circulation`: what is out, waiting and owed (IF-5);
 * - `overdue-and-fines`: loans overdue at `now` or declared lost, and the fines owed (overdue, lost, and
 *   the fees a damaged item is charged as), with the balance (RR-8, IF-7).
 * Returns the view and the record categories it shows (every category of a section shown, even when
 * empty: an empty list is also an answer), for the access log.
 */
export function cutRecord<R, L extends LoanLike, H extends HoldLike, F extends FineLike, P, S extends { kind: keyof typeof SERVICE_CATEGORY }>(
  record: MinorRecord<R, L, H, F, P, S>,
  decision: { level: ShownLevel; clause: string },
  now: Date,
): { view: GuardianView<R, L, H, F, P, S>; categories: RecordCategory[] } {
  const nowIso = now.toISOString();
  const loans = record.loans ?? [];
  const allFines = record.fines ?? [];
  const openFines = allFines.filter((f) => f.status === 'open');
  const balanceCents = openFines.reduce((sum, f) => sum + f.balanceCents, 0);
  const base = { minorId: record.minorId, level: decision.level, clause: decision.clause };
  switch (decision.level) {
    case 'full': {
      const history = loans.filter((l) => l.status === 'returned');
      const categories: RecordCategory[] = ['registration', 'circulation'];
      if (record.keepsReadingHistory) categories.push('reading-history');
      categories.push('holds', 'fines', ...Object.values(SERVICE_CATEGORY));
      return {
        view: {
          ...base,
          ...(record.registration !== undefined ? { registration: record.registration } : {}),
          loans: loans.filter((l) => l.status !== 'returned'),
          history,
          holds: [...(record.holds ?? [])],
          fines: [...allFines],
          payments: [...(record.payments ?? [])],
          balanceCents,
          services: [...(record.services ?? [])],
        },
        categories,
      };
    }
    case 'current-circulation':
      return {
        view: {
          ...base,
          loans: loans.filter((l) => l.status === 'active'),
          holds: (record.holds ?? []).filter((h) => h.status === 'pending' || h.status === 'ready'),
          fines: openFines,
          balanceCents,
        },
        categories: ['circulation', 'holds', 'fines'],
      };
    case 'overdue-and-fines': {
      const owed = openFines.filter((f) => OWED_KINDS.has(f.kind));
      return {
        view: {
          ...base,
          loans: loans.filter((l) => l.status === 'lost' || (l.status === 'active' && l.dueAt < nowIso)),
          fines: owed,
          balanceCents: owed.reduce((sum, f) => sum + f.balanceCents, 0),
        },
        categories: ['circulation', 'fines'],
      };
    }
  }
}
