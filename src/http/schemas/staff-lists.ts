/**
 * Staff lists (issue 15): overdue items, holds to pull, expired holds to reshelve, items in transit.
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { Barcode, forbiddableResponses, Instant, LibraryId, LookupPurposeParam, Nullable } from './common.js';

const Branch = Type.String({ minLength: 1, maxLength: 64, description: "a branch's id or code" });
const params = Type.Object({ libraryId: LibraryId });
const listQuery = Type.Object({ branch: Type.Optional(Branch) }, { additionalProperties: false });

export const OverdueRow = Type.Object({
  itemBarcode: Type.String(),
  title: Type.String(),
  branchCode: Type.String(),
  dueAt: Instant,
  dueOn: Type.String({ description: 'the due date in the library’s time zone (YYYY-MM-DD)' }),
  daysOverdue: Type.Integer({ minimum: 1 }),
  contact: Nullable(
    Type.Object({
      name: Type.String(),
      channel: Type.Union([Type.Literal('none'), Type.Literal('email'), Type.Literal('text')]),
      address: Nullable(Type.String()),
    }),
  ),
});
export const PullRow = Type.Object({
  itemBarcode: Type.String(),
  title: Type.String(),
  author: Nullable(Type.String()),
  itemType: Type.String(),
  branchCode: Type.String(),
  pickupBranchCode: Type.String(),
  since: Instant,
});
export const ReshelveRow = Type.Object({ shelfCode: Nullable(Type.String()), itemBarcode: Type.String(), title: Type.String(), branchCode: Type.String(), since: Instant });
export const TransitRow = Type.Object({ itemBarcode: Type.String(), title: Type.String(), fromBranchCode: Type.String(), toBranchCode: Type.String(), since: Instant });

/** GET /api/v1/libraries/:libraryId/lists/overdue */
export const OverdueListRoute = {
  tags: ['lists'],
  summary: 'Items overdue',
  description:
    'Active loans past their due date, most overdue first: item, branch, due date, days overdue. No patron field, unless `purpose=materials-recovery` is named by a role that may (librarian and up): then the patron’s name and the address of the notice channel they chose. Logged.',
  params,
  querystring: Type.Object(
    { branch: Type.Optional(Branch), minDaysOverdue: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,4}$', description: 'only items at least this many days overdue: 1 to 99999' })), purpose: Type.Optional(LookupPurposeParam) },
    { additionalProperties: false },
  ),
  response: { 200: Type.Array(OverdueRow), ...forbiddableResponses },
};

/** GET /api/v1/libraries/:libraryId/lists/pull */
export const PullListRoute = {
  tags: ['lists'],
  summary: 'Holds to pull',
  description: 'Items on the open shelves trapped for a hold: barcode, title, author, type, the branch to pull at and the pick-up branch. Never the patron.',
  params,
  querystring: listQuery,
  response: { 200: Type.Array(PullRow), ...forbiddableResponses },
};

/** GET /api/v1/libraries/:libraryId/lists/expired-holds */
export const ExpiredHoldsListRoute = {
  tags: ['lists'],
  summary: 'Expired holds to reshelve',
  description: 'Items on a hold shelf whose hold expired or was cancelled, by the slip’s shelf code. Never the patron.',
  params,
  querystring: listQuery,
  response: { 200: Type.Array(ReshelveRow), ...forbiddableResponses },
};

/** GET /api/v1/libraries/:libraryId/lists/in-transit */
export const InTransitListRoute = {
  tags: ['lists'],
  summary: 'Items in transit',
  description: 'Items travelling to a hold’s pick-up branch: barcode, from, to, since. `branch` keeps those leaving or going to it. Never the patron.',
  params,
  querystring: listQuery,
  response: { 200: Type.Array(TransitRow), ...forbiddableResponses },
};

/** POST /api/v1/libraries/:libraryId/lists/done */
export const CompleteListRowRoute = {
  tags: ['lists'],
  summary: 'Mark a list row done',
  description: 'By item barcode: pulled (onto the hold shelf, or in transit to another pick-up branch), received at the pick-up branch, or reshelved.',
  params,
  body: Type.Object({ itemBarcode: Barcode }, { additionalProperties: false }),
  response: {
    200: Type.Object({
      itemBarcode: Type.String(),
      done: Type.Union([Type.Literal('pulled'), Type.Literal('received'), Type.Literal('reshelved')]),
      next: Type.Union([Type.Literal('in-transit'), Type.Literal('hold-shelf'), Type.Literal('shelf')]),
    }),
    ...forbiddableResponses,
  },
};

export type OverdueRow = Static<typeof OverdueRow>;
export type PullRow = Static<typeof PullRow>;
export type ReshelveRow = Static<typeof ReshelveRow>;
export type TransitRow = Static<typeof TransitRow>;
export type CompletedListRow = Static<(typeof CompleteListRowRoute.response)[200]>;
