/**
 * The patron's own circulation under /me (issue 18): loans and renewals, holds and their queue.
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { Barcode, CalendarDate, errorResponses, Id, Instant, Nullable } from './common.js';

/** A reason in words, with its stable error code (docs/ERRORS.md). */
export const Reason = Type.Object({ code: Type.String(), message: Type.String() });

export const MyLoan = Type.Object({
  loanId: Id,
  itemBarcode: Type.String(),
  title: Type.String(),
  checkedOutAt: Instant,
  dueAt: Instant,
  renewals: Type.Integer(),
  overdue: Type.Boolean(),
  renewable: Type.Boolean({ description: 'Whether renewing now would be done (the desk’s renewal rules).' }),
  reasons: Type.Array(Reason, { description: 'Every reason it cannot be renewed now; empty when it can.' }),
});
export type MyLoan = Static<typeof MyLoan>;

export const MyHoldStatus = Type.Union([Type.Literal('waiting'), Type.Literal('suspended'), Type.Literal('in-transit'), Type.Literal('ready')]);
export const MyHold = Type.Object({
  holdId: Id,
  title: Type.String(),
  recordId: Nullable(Type.String()),
  itemBarcode: Nullable(Type.String()),
  status: MyHoldStatus,
  queuePosition: Nullable(Type.Integer({ description: 'Place among the holds waiting on the same title or copy (1: next); null once a copy is trapped.' })),
  pickupBranch: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() }),
  placedAt: Instant,
  suspendedUntil: Nullable(CalendarDate),
  pickupBy: Nullable(Instant),
  expiresAt: Nullable(Instant),
});
export type MyHold = Static<typeof MyHold>;

export const Renewed = Type.Object({
  loanId: Id,
  itemBarcode: Type.String(),
  dueAt: Instant,
  renewals: Type.Integer(),
  renewalsLeft: Type.Integer(),
  fine: Nullable(Type.Object({ id: Type.String(), amountCents: Type.Integer() })),
});

export const RenewAllOutcome = Type.Object({
  loanId: Id,
  itemBarcode: Type.String(),
  title: Type.String(),
  renewed: Type.Boolean(),
  dueAt: Instant,
  reasons: Type.Array(Reason),
});
export type RenewAllOutcome = Static<typeof RenewAllOutcome>;

const LoanParams = Type.Object({ loanId: Id });
const HoldParams = Type.Object({ holdId: Id });

/** GET /api/v1/me/loans */
export const MyLoansRoute = {
  tags: ['self-service'],
  summary: 'My current loans, each with whether it can be renewed',
  response: { 200: Type.Object({ loans: Type.Array(MyLoan) }), ...errorResponses },
};

/** POST /api/v1/me/loans/:loanId/renew */
export const RenewMyLoanRoute = {
  tags: ['self-service'],
  summary: 'Renew one of my loans',
  description: 'Refused with every reason (422, as at the desk). Another patron’s loan: 404 LOAN_NOT_FOUND.',
  params: LoanParams,
  response: { 200: Renewed, ...errorResponses },
};

/** POST /api/v1/me/loans/renew-all */
export const RenewAllMineRoute = {
  tags: ['self-service'],
  summary: 'Renew all my loans',
  description: 'Each loan’s outcome: renewed with its new due date, or refused with its reasons; one refused does not stop the others.',
  response: { 200: Type.Object({ outcomes: Type.Array(RenewAllOutcome) }), ...errorResponses },
};

/** GET /api/v1/me/holds */
export const MyHoldsRoute = {
  tags: ['self-service'],
  summary: 'My open holds, with their place in the queue',
  response: { 200: Type.Object({ holds: Type.Array(MyHold) }), ...errorResponses },
};

/** POST /api/v1/me/holds */
export const PlaceMyHoldRoute = {
  tags: ['self-service'],
  summary: 'Place a hold for myself on a title or a copy',
  description: 'Either `recordId` (any copy) or `itemBarcode`; `pickupBranch` is a branch id or code of the lending library.',
  body: Type.Object(
    {
      recordId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      itemBarcode: Type.Optional(Barcode),
      pickupBranch: Type.String({ minLength: 1, maxLength: 64 }),
    },
    { additionalProperties: false },
  ),
  response: { 201: MyHold, ...errorResponses },
};

/** POST /api/v1/me/holds/:holdId/suspend */
export const SuspendMyHoldRoute = {
  tags: ['self-service'],
  summary: 'Suspend one of my holds until a day, or resume it (`until` null)',
  params: HoldParams,
  body: Type.Object({ until: Nullable(CalendarDate) }, { additionalProperties: false }),
  response: { 200: MyHold, ...errorResponses },
};

/** POST /api/v1/me/holds/:holdId/cancel */
export const CancelMyHoldRoute = {
  tags: ['self-service'],
  summary: 'Cancel one of my holds',
  params: HoldParams,
  response: { 200: Type.Object({ holdId: Id, status: Type.Literal('cancelled') }), ...errorResponses },
};
