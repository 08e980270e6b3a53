/**
 * Legal holds and the transparency report.
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { INSTRUMENTS } from '../../domain/disclosure.js';
import { RECORD_CATEGORIES } from '../../domain/records.js';
import { CalendarDate, CardNumber, forbiddableResponses, Id, Instant, LanguageParam, LibraryId, Nullable } from './common.js';

export const Category = Type.String({ enum: [...RECORD_CATEGORIES] });
export const Bound = Type.String({ minLength: 10, maxLength: 40, description: 'YYYY-MM-DD (library time; `to` includes that day) or an ISO-8601 instant with an offset.' });
export const HoldView = Type.Object({
  id: Id,
  libraryId: Type.String(),
  requestId: Nullable(Type.String()),
  placedAt: Instant,
  placedBy: Type.String(),
  reason: Type.String(),
  categories: Type.Array(Type.String()),
  from: Nullable(Instant),
  to: Nullable(Instant),
  releasedAt: Nullable(Instant),
  releasedBy: Nullable(Type.String()),
  patronIds: Type.Array(Id),
});
const count = Type.Integer({ minimum: 0 });
export const ReportView = Type.Object({
  libraryId: Nullable(Type.String()),
  period: Type.Object({ from: CalendarDate, to: CalendarDate }),
  generatedAt: Instant,
  requests: Type.Object({
    byInstrument: Type.Array(
      Type.Object({ instrument: Type.String({ enum: [...INSTRUMENTS] }), released: count, refused: count, pending: count, withdrawn: count, total: count }),
    ),
    ungaggedTotal: Type.Integer({ description: 'Requests not under a gag order only.' }),
    gagged: Type.Object({ band: Type.String({ description: 'Requests under a gag order at generation time, all instruments: a band such as 0–249, never an exact count.' }), bandWidth: count }),
  }),
  legalHolds: Type.Object({ placed: count, released: count, liveAtEnd: count }),
  complaints: Type.Object({ received: count, answered: count, overdue: count }),
});

/** POST /api/v1/legal-holds */
export const PlaceLegalHoldRoute = {
  tags: ['lawful disclosure'],
  summary: 'Place a legal hold: retention keeps the records in scope until its release (the director)',
  description:
    'The scope is the patrons named (by card number or id), the record categories and a period (either bound may be left out: unbounded). Every placement is logged once per patron, for legal disclosure. `reason` carries no patron data.',
  body: Type.Object(
    {
      libraryId: Type.Optional(LibraryId),
      patrons: Type.Array(
        Type.Union([Type.Object({ cardNumber: CardNumber }, { additionalProperties: false }), Type.Object({ patronId: Id }, { additionalProperties: false })]),
        { minItems: 1, maxItems: 500 },
      ),
      categories: Type.Array(Category, { minItems: 1, maxItems: RECORD_CATEGORIES.length }),
      from: Type.Optional(Nullable(Bound)),
      to: Type.Optional(Nullable(Bound)),
      reason: Type.String({ minLength: 1, maxLength: 500 }),
      requestId: Type.Optional(Nullable(Id)),
    },
    { additionalProperties: false },
  ),
  response: { 201: HoldView, ...forbiddableResponses },
};

/** POST /api/v1/legal-holds/:holdId/release */
export const ReleaseLegalHoldRoute = {
  tags: ['lawful disclosure'],
  summary: 'Release a legal hold: the next retention run disposes of what it kept (the director)',
  params: Type.Object({ holdId: Id }),
  response: { 200: HoldView, ...forbiddableResponses },
};

/** GET /api/v1/libraries/:libraryId/legal-holds */
export const ListLegalHoldsRoute = {
  tags: ['lawful disclosure'],
  summary: 'A library’s legal holds, newest first (the director)',
  description: '`requestId` answers only the holds that legal request placed (its preservation hold).',
  params: Type.Object({ libraryId: LibraryId }),
  querystring: Type.Object(
    { includeReleased: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])), requestId: Type.Optional(Id) },
    { additionalProperties: false },
  ),
  response: { 200: Type.Array(HoldView), ...forbiddableResponses },
};

/** GET /api/v1/transparency-report */
export const TransparencyReportRoute = {
  tags: ['lawful disclosure'],
  summary: 'The transparency report: legal requests by instrument and outcome, gagged ones only in a band; holds; complaints',
  description:
    'For [from, to): `to` is the day after the last day. `format=md` answers the same numbers as Markdown (text/markdown), in the language `lang` names (English by default). Requests under a gag order at generation time are counted in no number but the band.',
  querystring: Type.Object(
    { from: CalendarDate, to: CalendarDate, library: Type.Optional(LibraryId), format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('md')])), lang: Type.Optional(LanguageParam) },
    { additionalProperties: false },
  ),
  response: { 200: Type.Union([ReportView, Type.String({ description: 'With format=md: the report as Markdown (text/markdown).' })]), ...forbiddableResponses },
};

/** The answers' static types, for the web app. */
export type LegalHold = Static<typeof HoldView>;
export type TransparencyReport = Static<typeof ReportView>;
