/**
 * The schema of a policy profile: one library's privacy policy as data (YAML on disk, validated at
 * load). Every rule cites the clause of the library's policy it comes from (CLAUSES.md); where a policy
 * is silent, the rule cites the clause that makes the shortest choice right (minimisation: RR-1, CB-A4,
 * JC-III, RF-1, IF-2) and says so in its `note`.
 */
import { Type, type Static } from 'typebox';
import { INSTRUMENTS, type Instrument } from '../domain/disclosure.js';

/** A clause ID as CLAUSES.md writes them (RR-7, CB-F3, JC-IIIc, IF-3…), or an operator's own (XX-…). */
const Clause = Type.String({ pattern: '^[A-Z]{2,6}-[A-Za-z0-9][A-Za-z0-9-]*$', description: 'the clause of the policy this rule implements' });
const Note = Type.Optional(Type.String({ minLength: 1, description: 'why the rule reads as it does, where the policy is silent' }));
const Days = Type.Integer({ minimum: 0, maximum: 36_500 });
const Months = Type.Integer({ minimum: 1, maximum: 1_200 });
const Sweep = Type.Union([Type.Literal('every-run'), Type.Literal('annually')], { description: 'every-run: at each run; annually: one sweep a year' });

/**
 * What a guardian sees of a minor's record: `full` (registration, loans, holds, fines, reading history
 * kept at the child's choice, services), `current-circulation` (what is out, waiting and owed; IF-5),
 * `overdue-and-fines` (overdue, lost or damaged items and what is owed; RR-8, IF-7) or `none`.
 */
const GuardianView = Type.Union([Type.Literal('full'), Type.Literal('current-circulation'), Type.Literal('overdue-and-fines'), Type.Literal('none')]);

const NotifyPatron = Type.Union([Type.Literal('at-release'), Type.Literal('never')]);

/** A record kept for a number of days after it ends (a session, an event, a closed request). */
const DaysAfterEnd = Type.Object({ days_after_end: Days, clause: Clause, note: Note }, { additionalProperties: false });

/** Notices' proofs of sending, kept a number of days after the notice ended. */
const DaysAfterSent = Type.Object({ days_after_sent: Days, clause: Clause, note: Note }, { additionalProperties: false });

/** What one instrument permits (see domain/disclosure.ts PERMITS), the clause, and its own checks. */
const InstrumentRule = Type.Object(
  {
    // PERMITS spelled out (a union mapped from it types as never); toProfile checks the two agree.
    permits: Type.Union([
      Type.Literal('release'),
      Type.Literal('identity-only'),
      Type.Literal('overdue-accounts'),
      Type.Literal('recovery'),
      Type.Literal('director-decides'),
      Type.Literal('refuse'),
    ]),
    clause: Clause,
    /** Counsel records whether the instrument is in proper form and shows good cause before approval (CB-E1, JC-IVd-le). */
    counsel_review_required: Type.Optional(Type.Boolean()),
    /** Overrides the section's `notify_patron` for this instrument. */
    notify_patron: Type.Optional(NotifyPatron),
    note: Note,
  },
  { additionalProperties: false },
);

const DisclosureSection = Type.Object(
  {
    /**
     * The role that approves or refuses a request (IF-8: presented to an administrator; JC-IVd-le: the
     * director). Only the director holds `disclosure.decide` (policy/permissions.ts).
     */
    decided_by: Type.Literal('director'),
    /** Whether the patrons whose records were released are told, at release (after any gag, JC-II). */
    notify_patron: NotifyPatron,
    clause: Clause,
    note: Note,
    /** Every instrument, each with what it permits. */
    instruments: Type.Object(
      Object.fromEntries(INSTRUMENTS.map((i) => [i, InstrumentRule])) as Record<Instrument, typeof InstrumentRule>,
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const ProfileDocument = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }),
    name: Type.String({ minLength: 1 }),
    jurisdiction: Type.String({ minLength: 1 }),
    /** Raised on every change to the rules; the published policy shows the history (RR-10). */
    version: Type.Integer({ minimum: 1 }),
    /** The day this version took effect (YYYY-MM-DD). */
    effective: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    /** Where the library's policy text lives, for the published page. */
    source: Type.Optional(Type.String({ minLength: 1 })),
    retention: Type.Object(
      {
        loans: Type.Object(
          {
            /** What happens to the patron–item link once a loan is complete. */
            after_return: Type.Union([Type.Literal('anonymise'), Type.Literal('keep-months')]),
            months: Type.Optional(Months),
            clause: Clause,
            note: Note,
          },
          { additionalProperties: false },
        ),
        reading_history: Type.Object(
          {
            /** Whether a patron may opt in to keeping past check-outs (JC-IIIc). */
            offered: Type.Boolean(),
            clause: Clause,
            note: Note,
          },
          { additionalProperties: false },
        ),
        fines: Type.Object({ days_after_settlement: Days, clause: Clause, note: Note }, { additionalProperties: false }),
        holds: Type.Object({ days_after_end: Days, clause: Clause, note: Note }, { additionalProperties: false }),
        inactive_patrons: Type.Object({ months: Months, sweep: Sweep, clause: Clause, note: Note }, { additionalProperties: false }),
        deceased_patrons: Type.Object({ sweep: Sweep, clause: Clause, note: Note }, { additionalProperties: false }),
        computer_sessions: DaysAfterEnd,
        program_signups: DaysAfterEnd,
        room_bookings: DaysAfterEnd,
        ill_requests: DaysAfterEnd,
        reference_requests: DaysAfterEnd,
        /** The access log itself (CB-F1): entries older than this many months are removed, oldest first. */
        access_log: Type.Optional(Type.Object({ months: Months, clause: Clause, note: Note }, { additionalProperties: false })),
        /** Proof that a notice was sent (kind, channel, time, status): kept this many days after it ended (issue 17). */
        notices: Type.Optional(DaysAfterSent),
        /**
         * A patron's authorisation of a vendor (issue 19: that they signed in to it, when, and the claims
         * they consented to): kept this many months after its last use, then forgotten, as a revocation
         * would (RF-6, RF-7). Silent: policy/vendor.policy.ts's default.
         */
        vendor_authorisations: Type.Optional(Type.Object({ months_after_last_use: Months, clause: Clause, note: Note }, { additionalProperties: false })),
      },
      { additionalProperties: false },
    ),
    /** Who may see a patron's record beyond the patron and the staff of their library. */
    access: Type.Optional(
      Type.Object(
        {
          /**
           * Whether this library shares its patrons with the other libraries of the consortium (RF-4). Staff
           * of one library read another's patrons only when both libraries' profiles say so.
           */
          shared_patrons: Type.Optional(Type.Object({ allowed: Type.Boolean(), clause: Clause, note: Note }, { additionalProperties: false })),
          /** What a guardian of a minor sees (RR-8, CB-B3, JC-IVc, IF-7). */
          guardians: Type.Optional(
            Type.Object(
              {
                /** The link ends by itself when the minor reaches this age. */
                age_of_majority: Type.Integer({ minimum: 14, maximum: 21 }),
                /** What a guardian who presents the child's card or card number sees. */
                with_child_card: GuardianView,
                /** What a guardian listed on the account sees without the child's card. */
                without_child_card: Type.Union([Type.Literal('overdue-and-fines'), Type.Literal('none')]),
                clause: Clause,
                note: Note,
              },
              { additionalProperties: false },
            ),
          ),
          /**
           * What an authentication client over SIP2 (EZproxy, an e-content vendor) may learn beyond the fact
           * of a valid patron (RF-6, CB-D, IF-9): nothing ('none', the reading when a profile is silent), or
           * the patron's category or age band when the account asks for it ('category-or-age-band').
           */
          vendors: Type.Optional(
            Type.Object(
              {
                attributes: Type.Union([Type.Literal('none'), Type.Literal('category-or-age-band')]),
                /**
                 * The claims an OpenID Connect vendor may receive beyond its pseudonym and the library, when
                 * its contract names them and the patron consents (issue 19); silent: none (RF-6).
                 */
                consented_claims: Type.Optional(Type.Array(Type.Union([Type.Literal('category'), Type.Literal('age_band'), Type.Literal('name'), Type.Literal('email')]), { uniqueItems: true })),
                clause: Clause,
                note: Note,
              },
              { additionalProperties: false },
            ),
          ),
          /** Card-and-PIN log-in: the lockout after repeated failures (JC-IVa: the PIN protects the account). */
          patron_login: Type.Optional(
            Type.Object(
              { max_failures: Type.Integer({ minimum: 1, maximum: 100 }), window_minutes: Type.Integer({ minimum: 1, maximum: 1_440 }), clause: Clause, note: Note },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    /**
     * What a notice may say (issue 17, JC-VI): by default the library, the kind, a count, a date and a
     * link; `titles: true` lets templates name the titles (an email crosses other people's servers).
     */
    notices: Type.Optional(Type.Object({ titles: Type.Boolean(), clause: Clause, note: Note }, { additionalProperties: false })),
    /**
     * Lawful disclosure (RR-5, RR-7, CB-A7, CB-B2, CB-E1..E3, JC-II, JC-IVd-le, RF-2, RF-5, IF-8, IF-9):
     * what each legal instrument permits, who decides, whether counsel reviews it first, and whether the
     * patron is told. A profile that leaves it out gets the strictest reading (DEFAULT_DISCLOSURE).
     */
    disclosure: Type.Optional(DisclosureSection),
    /** Record series kept outside Carrel, with their retention (camera footage CB-H, RF-9). */
    external_records: Type.Array(
      Type.Object(
        {
          code: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }),
          name: Type.String({ minLength: 1 }),
          medium: Type.String({ minLength: 1 }),
          days: Days,
          clause: Clause,
          note: Note,
        },
        { additionalProperties: false },
      ),
    ),
    statistics: Type.Object(
      {
        /** Published counts below this are suppressed (RR-4, CB-A6, RF-3, IF-4). */
        small_cell_threshold: Type.Integer({ minimum: 1, maximum: 1_000 }),
        clause: Clause,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type ProfileDocument = Static<typeof ProfileDocument>;

export type { DaysRule, GuardianViewLevel, InstrumentRule, Profile } from '../domain/profile.js';
