/**
 * The desk's card and account actions (issue 15, CB-F2): renew a card after re-verifying the patron,
 * reset a forgotten PIN, change a patron's category or home branch, renew everything a patron has out.
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { errorResponses, Id, Instant, Nullable, PatronView } from './common.js';
import { RenewedLoan } from './circulation.js';

const Problem = Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) });

/** POST /api/v1/patrons/:patronId/renew-card */
export const RenewCardRoute = {
  tags: ['patrons'],
  summary: 'Renew a patron’s card after re-verifying them (CB-F2)',
  description:
    'Staff confirm with `verified: true` that they re-verified the patron today. The category’s card validity (else the library’s) is added to the current expiry while the card is valid, else to today. An expired card is active again.',
  params: Type.Object({ patronId: Id }),
  body: Type.Object({ verified: Type.Boolean() }, { additionalProperties: false }),
  response: { 200: Type.Object({ patronId: Id, previousExpiresAt: Instant, expiresAt: Instant, status: Type.String() }), ...errorResponses },
};

/** POST /api/v1/patrons/:patronId/reset-pin */
export const ResetPinRoute = {
  tags: ['patrons'],
  summary: 'Reset a forgotten PIN',
  description: 'A new PIN, in this answer only (Carrel keeps its argon2id hash); the card number stays. The patron’s sessions end.',
  params: Type.Object({ patronId: Id }),
  response: { 200: Type.Object({ patronId: Id, pin: Type.String() }), ...errorResponses },
};

/** PATCH /api/v1/patrons/:patronId/membership */
export const ChangeMembershipRoute = {
  tags: ['patrons'],
  summary: 'Change a patron’s category or home branch',
  description: 'The category must fit the patron’s age (CATEGORY_AGE_MISMATCH); the branch is named by id or code; `homeBranch: null` clears it.',
  params: Type.Object({ patronId: Id }),
  body: Type.Object(
    {
      category: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,32}$' })),
      homeBranch: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    },
    { additionalProperties: false },
  ),
  response: { 200: PatronView, ...errorResponses },
};

/** POST /api/v1/patrons/:patronId/renew-all */
export const RenewAllRoute = {
  tags: ['circulation'],
  summary: 'Renew everything a patron has out',
  description:
    'Each loan, in the order they fall due, is renewed or says why not (a same-day renewal is RENEWAL_NOT_DUE and spends nothing); one refusal does not stop the others.',
  params: Type.Object({ patronId: Id }),
  response: {
    200: Type.Object({
      patronId: Id,
      renewed: Type.Array(RenewedLoan),
      refused: Type.Array(Type.Object({ loanId: Id, itemBarcode: Type.String(), dueAt: Instant, problems: Type.Array(Problem) })),
    }),
    ...errorResponses,
  },
};

/** The answers' static types, for the web app. */
export type RenewedCard = Static<(typeof RenewCardRoute.response)[200]>;
export type PinReset = Static<(typeof ResetPinRoute.response)[200]>;
export type RenewAllResult = Static<(typeof RenewAllRoute.response)[200]>;

/** POST /api/v1/patrons/:patronId/guardians */
export const LinkGuardianRoute = {
  tags: ['patrons'],
  summary: 'Link a minor to the adult who signs for them (RR-8, CB-B3)',
  description:
    'The guardian presents their card; they must be an adult patron of the same library. Settles a minor imported without a guardian (`summary.deskFlags` holds `guardian-needed`), or adds a second guardian. Logged on both records.',
  params: Type.Object({ patronId: Id }),
  body: Type.Object({ guardianCardNumber: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  response: { 200: Type.Object({ minorPatronId: Id, guardianPatronId: Id, startedAt: Instant }), ...errorResponses },
};
