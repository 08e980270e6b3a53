/**
 * The circulation desk's API: items, check-out, check-in, renewal, holds, fines and payments.
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { ITEM_STATUSES } from '../../domain/types.js';
import { Barcode, CalendarDate, CardNumber, Cents, errorResponses, FineView, HoldView, Id, Instant, LibraryId, Nullable } from './common.js';

export const ItemView = Type.Object({
  id: Id,
  libraryId: Type.String(),
  branchId: Type.String(),
  barcode: Type.String(),
  title: Type.String(),
  author: Nullable(Type.String()),
  isbn: Nullable(Type.String()),
  itemType: Type.String(),
  status: Type.String(),
  replacementCostCents: Nullable(Cents),
  createdAt: Instant,
  recordId: Type.Optional(Nullable(Type.String({ description: 'the catalogue record the item is a copy of' }))),
  callNumber: Type.Optional(Nullable(Type.String())),
  damaged: Type.Optional(Type.Boolean()),
});
export const ItemRef = Type.Object({ itemBarcode: Barcode, libraryId: Type.Optional(LibraryId) }, { additionalProperties: false });
export const Money = Type.Object({ id: Id, amountCents: Cents });

/** POST /api/v1/libraries */
export const CreateLibraryRoute = {
  tags: ['libraries'],
  summary: 'Add a library to the installation (an administrator of the whole installation)',
  body: Type.Object(
    {
      id: Type.String({ minLength: 1, maxLength: 40 }),
      name: Type.String({ minLength: 1, maxLength: 200 }),
      profileId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      branches: Type.Optional(
        Type.Array(Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }), name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }), {
          minItems: 1,
          maxItems: 200,
        }),
      ),
    },
    { additionalProperties: false },
  ),
  response: {
    201: Type.Object({
      id: Type.String(),
      name: Type.String(),
      profileId: Type.String(),
      timeZone: Type.String(),
      branches: Type.Array(Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() })),
    }),
    ...errorResponses,
  },
};

/** GET /api/v1/libraries */
export const ListLibrariesRoute = {
  tags: ['libraries'],
  summary: 'Libraries and branches the caller can reach',
  response: {
    200: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        profileId: Type.String(),
        timeZone: Type.String(),
        branches: Type.Array(Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() })),
      }),
    ),
    ...errorResponses,
  },
};

/** POST /api/v1/items */
export const AddItemRoute = {
  tags: ['items'],
  summary: 'Add an item to the catalogue',
  body: Type.Object(
    {
      libraryId: LibraryId,
      barcode: Barcode,
      title: Type.String({ minLength: 1, maxLength: 500 }),
      author: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
      isbn: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
      itemType: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,32}$' })),
      branch: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      status: Type.Optional(Type.Union(ITEM_STATUSES.map((s) => Type.Literal(s)))),
      replacementCostCents: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    },
    { additionalProperties: false },
  ),
  response: { 201: ItemView, ...errorResponses },
};

/** GET /api/v1/items/:barcode */
export const FindItemRoute = {
  tags: ['items'],
  summary: 'An item by barcode',
  params: Type.Object({ barcode: Barcode }),
  querystring: Type.Object({ library: Type.Optional(LibraryId) }, { additionalProperties: false }),
  response: { 200: ItemView, ...errorResponses },
};

/** POST /api/v1/checkouts */
export const CheckoutRoute = {
  tags: ['circulation'],
  summary: 'Check an item out to a patron',
  description:
    'Every reason the item cannot go out is answered together. Staff with `circulation.override` may lend past money owed, overdue items or the loan limit for this check-out only, with `override.reason` (kept sealed with the loan; the override is in the access log). An expired card, a card reported lost, a patron blocked by staff and the item’s own state are never overridden (BLOCK_NOT_OVERRIDABLE).',
  body: Type.Object(
    {
      cardNumber: CardNumber,
      itemBarcode: Barcode,
      override: Type.Optional(Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false })),
    },
    { additionalProperties: false },
  ),
  response: {
    201: Type.Object({
      loanId: Id,
      patronId: Id,
      itemBarcode: Type.String(),
      title: Type.String(),
      dueAt: Instant,
      fulfilledHoldId: Nullable(Id),
      overriddenBlocks: Type.Optional(Type.Array(Type.String(), { description: 'the blocks an override lent past' })),
    }),
    ...errorResponses,
  },
};

/** POST /api/v1/checkins */
export const CheckinRoute = {
  tags: ['circulation'],
  summary: 'Check an item in',
  description: 'Ends the loan, charges any overdue fine, and says where the item goes (hold shelf or back to the shelves). The borrower is not named.',
  body: ItemRef,
  response: {
    200: Type.Object({
      itemBarcode: Type.String(),
      title: Type.String(),
      loanId: Nullable(Id),
      returnedAt: Instant,
      daysLate: Type.Integer(),
      fine: Nullable(Money),
      lostChargeCancelled: Type.Boolean(),
      routing: Type.Object({ to: Type.String(), holdId: Type.Optional(Id), pickupBranchId: Type.Optional(Type.String()), pickupBy: Type.Optional(Instant) }),
    }),
    ...errorResponses,
  },
};

/** POST /api/v1/renewals */
export const RenewRoute = {
  tags: ['circulation'],
  summary: 'Renew a loan',
  body: ItemRef,
  response: {
    200: Type.Object({ loanId: Id, itemBarcode: Type.String(), dueAt: Instant, renewals: Type.Integer(), renewalsLeft: Type.Integer(), fine: Nullable(Money) }),
    ...errorResponses,
  },
};

/** One loan's renewal, as `RenewRoute` answers it (shared with renew-all). */
export const RenewedLoan = RenewRoute.response[200];

/** POST /api/v1/lost-items */
export const DeclareLostRoute = {
  tags: ['circulation'],
  summary: 'Declare an item lost',
  description: 'On loan: the loan ends as lost and the borrower is charged the replacement cost. Otherwise the item is marked missing.',
  body: ItemRef,
  response: { 200: Type.Object({ itemBarcode: Type.String(), status: Type.String(), charge: Nullable(Money) }), ...errorResponses },
};

/** POST /api/v1/holds */
export const PlaceHoldRoute = {
  tags: ['holds'],
  summary: 'Place a hold',
  description:
    'On one copy (`itemBarcode`) or on a title (`recordId`: the first copy that comes free, the pick-up branch’s own copies first); exactly one of the two. A copy on the shelf is trapped at once and goes on the pull list; otherwise the hold waits in the queue.',
  body: Type.Object(
    {
      cardNumber: CardNumber,
      itemBarcode: Type.Optional(Barcode),
      recordId: Type.Optional(Id),
      pickupBranch: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      notNeededAfter: Type.Optional(CalendarDate), // after this day the hold ends unfilled
    },
    { additionalProperties: false },
  ),
  response: { 201: HoldView, ...errorResponses },
};

/** POST /api/v1/holds/:holdId/suspend */
export const SuspendHoldRoute = {
  tags: ['holds'],
  summary: 'Suspend a hold until a day, or resume it',
  description: 'A suspended hold keeps its place in the queue and is passed over until the day (YYYY-MM-DD, after today, in the library’s time zone); `until: null` resumes it. Only a hold still waiting can be suspended.',
  params: Type.Object({ holdId: Id }),
  body: Type.Object({ until: Nullable(CalendarDate) }, { additionalProperties: false }),
  response: { 200: HoldView, ...errorResponses },
};

/** GET /api/v1/libraries/:libraryId/hold-shelf */
export const HoldShelfRoute = {
  tags: ['holds'],
  summary: 'The pick-up shelf',
  description: 'Held items waiting for pick-up, with their shelf codes and deadlines; never the patron (what a volunteer shelving holds needs).',
  params: Type.Object({ libraryId: LibraryId }),
  querystring: Type.Object({ branch: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false }),
  response: {
    200: Type.Array(
      Type.Object({ shelfCode: Type.String(), itemBarcode: Type.String(), title: Type.String(), branchCode: Type.String(), readyAt: Instant, pickupBy: Instant }),
    ),
    ...errorResponses,
  },
};

/** POST /api/v1/holds/:holdId/cancel */
export const CancelHoldRoute = { tags: ['holds'], summary: 'Cancel a hold', params: Type.Object({ holdId: Id }), response: { 200: HoldView, ...errorResponses } };

/** POST /api/v1/payments */
export const PayRoute = {
  tags: ['fines'],
  summary: 'Take a payment',
  description:
    'Settles open fines oldest first. Carrel keeps no credit: paying more than is owed is refused. `method` is how the patron paid (cash, check or card: one the library takes, else 422 PAYMENT_METHOD_NOT_ACCEPTED); left out, the first the library takes. The answer is what a receipt needs.',
  body: Type.Object(
    { cardNumber: CardNumber, amountCents: Type.Integer({ minimum: 1, maximum: 10_000_000 }), method: Type.Optional(Type.String({ maxLength: 16 })) },
    { additionalProperties: false },
  ),
  response: {
    201: Type.Object({
      paymentId: Id,
      amountCents: Cents,
      method: Type.String({ description: 'cash, check or card' }),
      paidAt: Instant,
      balanceCents: Cents,
      allocations: Type.Array(Type.Object({ fineId: Id, amountCents: Cents })),
    }),
    ...errorResponses,
  },
};

/** POST /api/v1/fines/:fineId/waive */
export const WaiveFineRoute = {
  tags: ['fines'],
  summary: 'Waive a fine',
  params: Type.Object({ fineId: Id }),
  body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
  response: { 200: FineView, ...errorResponses },
};

/** The answers' static types, for the web app. */
export type ItemView = Static<typeof ItemView>;
export type Library = Static<(typeof ListLibrariesRoute.response)[200]['items']>;
export type CheckoutResult = Static<(typeof CheckoutRoute.response)[201]>;
export type CheckinResult = Static<(typeof CheckinRoute.response)[200]>;
export type RenewResult = Static<(typeof RenewRoute.response)[200]>;
export type PaymentResult = Static<(typeof PayRoute.response)[201]>;
export type ShelfEntry = Static<(typeof HoldShelfRoute.response)[200]['items']>;
