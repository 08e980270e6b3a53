/**
 * Patron registration, look-up, search, export, status and deletion.
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { PATRON_STATUSES } from '../../domain/types.js';
import { AccountView, CalendarDate, CardNumber, errorResponses, Id, Instant, LibraryId, LookupPurposeParam, Nullable, PatronView, OptionalText } from './common.js';


/** POST /api/v1/patrons */
export const RegisterPatronRoute = {
  tags: ['patrons'],
  summary: 'Register a patron',
  description: 'Issues a card number (or takes a pre-printed one, `cardNumber`) and a PIN. The PIN is in this answer only; Carrel keeps its argon2id hash.',
  body: Type.Object(
    {
      libraryId: LibraryId,
      name: Type.String({ minLength: 1, maxLength: 200 }),
      birthDate: CalendarDate,
      address: OptionalText(500),
      email: OptionalText(320),
      phone: OptionalText(32),
      category: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,32}$' })),
      guardianCardNumber: Type.Optional(Nullable(CardNumber)),
      cardNumber: Type.Optional(Nullable(Type.String({ maxLength: 32, description: 'a pre-printed card handed to the patron: 14 digits with a valid check digit, not already in use' }))),
      homeBranch: Type.Optional(Nullable(Type.String({ maxLength: 64, description: 'the home branch, by id or code' }))),
    },
    { additionalProperties: false },
  ),
  response: {
    201: Type.Object({
      id: Id,
      cardNumber: Type.String(),
      pin: Type.String(),
      libraryId: Type.String(),
      categoryCode: Type.String(),
      homeBranchId: Type.Optional(Nullable(Type.String())),
      expiresAt: Instant,
    }),
    ...errorResponses,
  },
};

/** POST /api/v1/patrons/lookup */
export const LookupPatronRoute = {
  tags: ['patrons'],
  summary: 'Find a patron by card number',
  description:
    'What the desk sees when a card is scanned: the patron, current loans, open holds and fines. A card presented at the desk is a circulation transaction; a look-up by card for anything else (the office reviewing a record) names its `purpose`, which the access log records and the role must be allowed.',
  body: Type.Object({ cardNumber: CardNumber, purpose: Type.Optional(LookupPurposeParam) }, { additionalProperties: false }),
  response: { 200: AccountView, ...errorResponses },
};

/** POST /api/v1/patrons/search */
export const FindPatronsRoute = {
  tags: ['patrons'],
  summary: 'Find patrons by email, phone or exact name words',
  description:
    'Look-ups go through blind indexes (HMAC-SHA256): the database compares keyed hashes, never names, so only exact (case- and accent-folded) matches are found. Each patron returned is logged as an access to their record.',
  body: Type.Object(
    {
      libraryId: Type.Optional(LibraryId),
      purpose: Type.Optional(LookupPurposeParam),
      email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
      phone: Type.Optional(Type.String({ minLength: 3, maxLength: 32 })),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Array(Type.Object({ id: Id, libraryId: Type.String(), cardNumber: Type.String(), name: Type.String(), birthDate: Type.String(), status: Type.String() })),
    ...errorResponses,
  },
};

/** DELETE /api/v1/patrons/:patronId */
export const DeletePatronRoute = {
  tags: ['patrons'],
  summary: 'Delete a patron (crypto-shredding)',
  description:
    'Refused while items are out or money is owed. Otherwise the patron’s data key is shredded first — no copy of their sealed fields can be opened again — and their rows are deleted. The key itself is destroyed after the key-store retention (7 days).',
  params: Type.Object({ patronId: Id }),
  response: { 200: Type.Object({ patronId: Id, libraryId: Type.String(), receiptId: Id, deletedAt: Instant, keyDestroyedAfter: Instant }), ...errorResponses },
};

/** GET /api/v1/patrons/:patronId */
export const PatronAccountRoute = {
  tags: ['patrons'],
  summary: 'A patron’s account',
  description: 'A look-up outside a circulation transaction: name its `purpose` (CB-A3, RF-10); the access log records it.',
  params: Type.Object({ patronId: Id }),
  querystring: Type.Object({ purpose: Type.Optional(LookupPurposeParam) }, { additionalProperties: false }),
  response: { 200: AccountView, ...errorResponses },
};

/** GET /api/v1/patrons/:patronId/export */
export const ExportPatronRoute = {
  tags: ['patrons'],
  summary: 'Everything held about a patron, as one JSON document',
  description: 'Name the `purpose` (normally `account-service`: the patron asked for it).',
  params: Type.Object({ patronId: Id }),
  querystring: Type.Object({ purpose: Type.Optional(LookupPurposeParam) }, { additionalProperties: false }),
  response: { 200: Type.Object({ format: Type.String() }, { additionalProperties: true }), ...errorResponses },
};

/** PUT /api/v1/patrons/:patronId/status */
export const SetPatronStatusRoute = {
  tags: ['patrons'],
  summary: 'Block, unblock, expire, or record a lost card',
  params: Type.Object({ patronId: Id }),
  body: Type.Object({ status: Type.Union(PATRON_STATUSES.map((s) => Type.Literal(s))) }, { additionalProperties: false }),
  response: { 200: PatronView, ...errorResponses },
};

/** The answers' static types, for the web app. */
export type Registered = Static<(typeof RegisterPatronRoute.response)[201]>;
export type SearchHit = Static<(typeof FindPatronsRoute.response)[200]['items']>;
