/**
 * The catalogue (issue 18): searching it and a record with its copies. The routes' JSON Schemas (shown in
 * /openapi.json); the web app reads their static types. Imports only typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { RECORD_FORMATS, SEARCH_FIELDS } from '../../domain/catalogue.js';
import { ITEM_STATUSES } from '../../domain/types.js';
import { Barcode, errorResponses, Id, Instant, LibraryId, Nullable, OptionalText } from './common.js';

export const RecordFormatValue = Type.String({ description: `the record’s format: ${RECORD_FORMATS.join(', ')}` });
export const ItemStatusValue = Type.String({ description: `where the copy is: ${ITEM_STATUSES.join(', ')}` });
export const SearchFieldValue = Type.Union(SEARCH_FIELDS.map((v) => Type.Literal(v)), { description: 'where the words must be: anywhere (keyword), title, author, subject or ISBN' });

/** Copies of a title at one branch, and how many are on the shelf now. */
export const CopiesAt = Type.Object({
  libraryId: LibraryId,
  branchId: Id,
  branchCode: Type.String(),
  branchName: Type.String(),
  copies: Type.Integer({ minimum: 0 }),
  available: Type.Integer({ minimum: 0 }),
});

export const SearchHit = Type.Object({
  id: Id,
  libraryId: LibraryId,
  title: Type.String(),
  subtitle: Nullable(Type.String()),
  authors: Type.Array(Type.String()),
  format: RecordFormatValue,
  language: Nullable(Type.String()),
  year: Nullable(Type.Integer()),
  isbn: Nullable(Type.String()),
  availability: Type.Array(CopiesAt),
});

const Facet = Type.Object({ value: Type.String(), count: Type.Integer({ minimum: 0 }) });

export const SearchResult = Type.Object({
  total: Type.Integer({ minimum: 0 }),
  offset: Type.Integer({ minimum: 0 }),
  hits: Type.Array(SearchHit),
  facets: Type.Object({
    format: Type.Array(Facet),
    language: Type.Array(Facet),
    branch: Type.Array(Type.Object({ value: Type.String(), code: Type.String(), name: Type.String(), count: Type.Integer({ minimum: 0 }) })),
    available: Type.Integer({ minimum: 0, description: 'records with a copy on the shelf now' }),
    approximate: Type.Optional(Type.Boolean({ description: 'the branch and availability counts are taken over the best matches only (very common words)' })),
  }),
});

export const CopyView = Type.Object({
  barcode: Type.String(),
  branchId: Id,
  branchCode: Type.String(),
  callNumber: Nullable(Type.String()),
  status: ItemStatusValue,
  damaged: Type.Boolean(),
});

export const RecordView = Type.Object({
  id: Id,
  libraryId: LibraryId,
  controlNumber: Nullable(Type.String()),
  title: Type.String(),
  subtitle: Nullable(Type.String()),
  authors: Type.Array(Type.String()),
  subjects: Type.Array(Type.String()),
  isbns: Type.Array(Type.String()),
  isbn: Nullable(Type.String()),
  issn: Nullable(Type.String()),
  publisher: Nullable(Type.String()),
  year: Nullable(Type.Integer()),
  format: RecordFormatValue,
  language: Nullable(Type.String()),
  summary: Nullable(Type.String()),
  createdAt: Instant,
  updatedAt: Instant,
  copies: Type.Array(CopyView),
  availability: Type.Array(CopiesAt),
  holdsWaiting: Type.Integer({ minimum: 0, description: 'holds waiting for this title (no one named)' }),
});

/**
 * A search's words and filters. Any text is accepted (operators, quotes and control characters are
 * words or nothing, never query syntax); up to 1,000 characters are read.
 */
export const SearchQuery = Type.Object(
  {
    q: Type.String({ maxLength: 10_000, description: 'the words to search for; every word must match' }),
    field: Type.Optional(SearchFieldValue),
    library: Type.Optional(LibraryId),
    format: Type.Optional(Type.Union(RECORD_FORMATS.map((v) => Type.Literal(v)), { description: 'only titles of this format' })),
    language: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2,3}$', description: 'only titles in this language (eng, spa…)' })),
    branch: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'a branch’s code or id: only titles with a copy there' })),
    available: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')], { description: 'true: only titles with a copy on the shelf now' })),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]?$', description: '1 to 50 hits (default 20)' })),
    offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$', description: 'hits to skip' })),
  },
  { additionalProperties: false },
);

/** GET /api/v1/catalogue/search */
export const PublicSearchRoute = {
  tags: ['catalogue'],
  summary: 'Search the catalogue',
  description:
    'Keyword, title, author, subject or ISBN search, best first, accents folded, with facets (format, language, branch, on the shelf) and each title’s copies per branch. No log-in needed. Nothing is recorded about the search or who made it: no query log, no access-log entry (CB-A2). A logged-in patron or staff member searches their own library and the consortium members that lend to it.',
  querystring: SearchQuery,
  response: { 200: SearchResult, ...errorResponses },
};

/** GET /api/v1/catalogue/records/:recordId */
export const PublicRecordRoute = {
  tags: ['catalogue'],
  summary: 'A title with its copies',
  description: 'A catalogue record, its copies (withdrawn ones left out), where they are and whether they are on the shelf, and how many holds wait for it (no one named). No log-in needed; nothing recorded.',
  params: Type.Object({ recordId: Id }),
  response: { 200: RecordView, ...errorResponses },
};

// ── Cataloguing at the desk and in the office (staff) ─────────────────────────────────────────────

/** A record's fields as staff type them; the use case checks them together (every problem at once). */
const recordFields = {
  controlNumber: OptionalText(64),
  subtitle: OptionalText(500),
  authors: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 50 })),
  subjects: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 100 })),
  isbns: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { maxItems: 20 })),
  issn: OptionalText(20),
  publisher: OptionalText(300),
  year: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 9999 }))),
  format: Type.Optional(Type.Union(RECORD_FORMATS.map((v) => Type.Literal(v)), { description: `the record’s format: ${RECORD_FORMATS.join(', ')}` })),
  language: OptionalText(8),
  summary: OptionalText(4000),
};

/** A copy added below a new record. */
export const NewCopy = Type.Object(
  {
    barcode: Barcode,
    branch: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'branch id or code; the library’s first branch when absent' })),
    callNumber: OptionalText(100),
    itemType: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,32}$' })),
    replacementCostCents: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
  },
  { additionalProperties: false },
);

/** POST /api/v1/libraries/:libraryId/records */
export const CreateRecordRoute = {
  tags: ['catalogue'],
  summary: 'Catalogue a title, with its copies',
  description:
    'Creates a record and adds each copy whose barcode is new below it (a barcode the library already has is linked to the record and otherwise left as it is). A control number the library already has updates that record instead (200). All or nothing: every problem is answered together and nothing is written.',
  params: Type.Object({ libraryId: LibraryId }),
  body: Type.Object({ title: Type.String({ minLength: 1, maxLength: 500 }), ...recordFields, copies: Type.Optional(Type.Array(NewCopy, { maxItems: 200 })) }, { additionalProperties: false }),
  response: { 201: RecordView, 200: RecordView, ...errorResponses },
};

/** PATCH /api/v1/records/:recordId */
export const EditRecordRoute = {
  tags: ['catalogue'],
  summary: 'Change a record’s fields',
  description: 'Only the fields sent change; a field sent as null is emptied. Copies are changed one by one (PATCH /items/:barcode).',
  params: Type.Object({ recordId: Id }),
  body: Type.Object({ title: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })), ...recordFields }, { additionalProperties: false, minProperties: 1 }),
  response: { 200: RecordView, ...errorResponses },
};

/** PATCH /api/v1/items/:barcode */
export const ChangeItemRoute = {
  tags: ['items'],
  summary: 'Change a copy: withdraw it, mark it missing or damaged, move it',
  description:
    'A copy out on loan or waiting on the hold shelf is neither withdrawn nor marked missing (ITEM_ON_LOAN: check it in, or cancel the hold, first); a lost copy comes back by being checked in. A damaged copy is still lent but not sent to another branch to fill a hold.',
  params: Type.Object({ barcode: Barcode }),
  body: Type.Object(
    {
      libraryId: Type.Optional(LibraryId),
      status: Type.Optional(Type.Union([Type.Literal('available'), Type.Literal('missing'), Type.Literal('withdrawn')])),
      damaged: Type.Optional(Type.Boolean()),
      callNumber: OptionalText(100),
      branch: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'branch id or code' })),
      itemType: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,32}$' })),
      replacementCostCents: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
      recordId: Type.Optional(Id),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
  response: {
    200: Type.Object({
      barcode: Type.String(),
      libraryId: Type.String(),
      branchId: Type.String(),
      recordId: Nullable(Type.String()),
      title: Type.String(),
      itemType: Type.String(),
      status: ItemStatusValue,
      callNumber: Nullable(Type.String()),
      damaged: Type.Boolean(),
      replacementCostCents: Nullable(Type.Integer()),
    }),
    ...errorResponses,
  },
};

export type SearchResult = Static<typeof SearchResult>;
export type SearchHit = Static<typeof SearchHit>;
export type RecordView = Static<typeof RecordView>;
export type CopyView = Static<typeof CopyView>;
export type ChangedCopy = Static<(typeof ChangeItemRoute.response)[200]>;
