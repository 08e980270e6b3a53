/**
 * Shared pieces of the API's JSON Schemas (TypeBox), reused by the route schemas of this folder and shown
 * in /openapi.json. Every file here imports only typebox and src/domain, so the web app type-checks
 * against them without Node.
 */
import { Type, type TSchema, type Static } from 'typebox';
import { LOOKUP_PURPOSES } from '../../domain/purposes.js';
import { INTEGER_MAX, INTEGER_MIN, MAX_YEAR, MIN_YEAR, STORABLE_DATE_PATTERN, STORABLE_INSTANT_PATTERN } from '../../domain/storable.js';

export const Id = Type.String({ format: 'uuid', description: 'An opaque identifier.' });
export const LibraryId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,39}$', description: 'A library’s short id, such as `rio-rancho`.' });
export const CardNumber = Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9-]+$', description: 'A library card number (sent in bodies only, never in URLs).' });
export const Barcode = Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9-]+$', description: 'An item barcode.' });
// What either engine can store (domain/storable, issue 22 defect 6): dates in years MIN_YEAR–MAX_YEAR,
// integers within PostgreSQL's `integer`. Every request is also checked for U+0000 and overlong text.
export const Instant = Type.String({ format: 'date-time', pattern: STORABLE_INSTANT_PATTERN, description: `An ISO-8601 instant with an offset, in the years ${MIN_YEAR}–${MAX_YEAR}.` });
export const CalendarDate = Type.String({ pattern: STORABLE_DATE_PATTERN, description: `YYYY-MM-DD, in the years ${MIN_YEAR}–${MAX_YEAR}` });
export const Cents = Type.Integer({ minimum: INTEGER_MIN, maximum: INTEGER_MAX, description: 'An amount of money in cents.' });
/** The language a document is written in (`?lang=es`); one Carrel has no catalogue for gets English. */
export const LanguageParam = Type.String({ pattern: '^[a-z]{2,3}$', description: 'A language code such as `en` or `es`: the words of a document meant to be read (its numbers and codes do not change).' });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Free text a body may leave out or send as null, up to `max` characters. */
export const OptionalText = (max: number) => Type.Optional(Nullable(Type.String({ maxLength: max })));

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'A stable code; see docs/ERRORS.md.' }),
      message: Type.String(),
      problems: Type.Array(Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) })),
    }),
  },
  { description: 'Every error answer has this shape.' },
);

export const PatronView = Type.Object({
  id: Id,
  libraryId: Type.String(),
  cardNumber: Type.String(),
  categoryCode: Type.String(),
  /** The patron's home branch (null: none given). */
  homeBranchId: Type.Optional(Nullable(Type.String())),
  status: Type.String(),
  name: Type.String(),
  birthDate: Type.String(),
  address: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  expiresAt: Instant,
  createdAt: Instant,
  updatedAt: Instant,
});

export const LoanView = Type.Object({
  id: Id,
  itemId: Id,
  itemBarcode: Type.String(),
  title: Type.String(),
  branchId: Type.String(),
  checkedOutAt: Instant,
  dueAt: Instant,
  renewals: Type.Integer(),
  status: Type.String(),
  endedAt: Nullable(Instant),
});

export const HoldView = Type.Object({
  id: Id,
  itemId: Nullable(Id),
  recordId: Type.Optional(Nullable(Id)),
  itemBarcode: Type.Optional(Nullable(Type.String())),
  title: Type.Optional(Type.String()),
  pickupBranchId: Type.String(),
  status: Type.String(),
  placedAt: Instant,
  readyAt: Nullable(Instant),
  pickupBy: Nullable(Instant),
  endedAt: Nullable(Instant),
  suspendedUntil: Type.Optional(Nullable(Type.String({ description: 'YYYY-MM-DD: passed over until this day' }))),
  expiresAt: Type.Optional(Nullable(Instant)),
  queuePosition: Type.Optional(Nullable(Type.Integer({ description: '1: next; null unless the hold is pending' }))),
});

export const FineView = Type.Object({
  id: Id,
  kind: Type.String(),
  itemBarcode: Type.Optional(Nullable(Type.String())),
  title: Type.Optional(Nullable(Type.String())),
  amountCents: Cents,
  balanceCents: Cents,
  status: Type.String(),
  note: Nullable(Type.String()),
  createdAt: Instant,
  settledAt: Nullable(Instant),
});

export const AccountView = Type.Object({
  patron: PatronView,
  loans: Type.Array(LoanView),
  holds: Type.Array(HoldView),
  fines: Type.Array(FineView),
  balanceCents: Cents,
  /** Current guardian links: the guardian who signed a minor's application, or the minors an adult signed for (RR-8, CB-B3). */
  guardianLinks: Type.Array(Type.Object({ role: Type.Union([Type.Literal('guardian'), Type.Literal('minor')]), patronId: Id, name: Type.String(), startedAt: Instant })),
  /** What the desk shows at the top before the first scan (issue 15): what is overdue, waiting, owed, the card's expiry and the blocks. */
  summary: Type.Optional(
    Type.Object({
      cardLockedUntil: Type.Union([Instant, Type.Null()], {
        description: 'the card is locked after failed PINs (portal, self-check, vendors) until then; a new PIN at the desk unlocks it at once',
      }),
      overdueItems: Type.Integer(),
      holdsWaiting: Type.Integer({ description: 'holds ready on the shelf for the patron' }),
      balanceCents: Cents,
      cardExpiresAt: Instant,
      cardExpired: Type.Boolean(),
      cardExpiresSoon: Type.Boolean({ description: 'the card expires within 30 days: offer to renew it after re-verifying the patron (CB-F2)' }),
      deskFlags: Type.Array(Type.String(), { description: 'what the desk must settle with the patron: `guardian-needed` (a minor imported without a guardian: link one)' }),
      blocks: Type.Array(
        Type.Object({
          code: Type.String(),
          message: Type.String(),
          overridable: Type.Boolean({ description: 'staff with circulation.override may lend past it for one check-out, with a reason' }),
        }),
      ),
    }),
  ),
});

export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
};

/** The error answers of a route whose permission check can refuse with 403. */
export const forbiddableResponses = { ...errorResponses, 403: ErrorResponse };

/** The error answers of a route that counts attempts per address and refuses past the limit with 429 TOO_MANY_ATTEMPTS. */
export const throttledResponses = { ...errorResponses, 429: ErrorResponse };

/** The purpose a staff look-up names, from the fixed list (CB-A3, RF-10). */
export const LookupPurposeParam = Type.Union(
  LOOKUP_PURPOSES.map((p) => Type.Literal(p)),
  { description: 'why the record is looked at; the access log records it' },
);

/** The answers' static types, for the web app. */
export type PatronView = Static<typeof PatronView>;
export type LoanView = Static<typeof LoanView>;
export type HoldView = Static<typeof HoldView>;
export type FineView = Static<typeof FineView>;
export type AccountView = Static<typeof AccountView>;
