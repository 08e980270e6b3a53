/**
 * The legal-request register (RR-7, CB-E1..E3, JC-II, JC-IVd-le, RF-2, IF-8, IF-9).
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { CardNumber, forbiddableResponses, Id, Instant, LibraryId, Nullable, OptionalText } from './common.js';

// INSTRUMENTS and the record categories spelled out (a union mapped from a list types as never); the
// use case checks the values again.
export const InstrumentParam = Type.Union(
  [
    Type.Literal('informal-request'),
    Type.Literal('written-request'),
    Type.Literal('subpoena'),
    Type.Literal('search-warrant'),
    Type.Literal('court-order'),
    Type.Literal('fisa-or-nsl'),
    Type.Literal('emergency-claim'),
    Type.Literal('patron-consent'),
    Type.Literal('public-records-request'),
    Type.Literal('materials-recovery'),
  ],
  { description: 'The instrument presented (the library’s profile says what each permits).' },
);
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
export const RequestParams = Type.Object({ requestId: Id });
export const Receipt = Type.Object(
  { id: Id, libraryId: Type.String(), instrument: Type.String(), status: Type.String(), receivedAt: Instant },
  { description: 'That the request is in the register; nothing of its scope (the director reads it).' },
);
export const Manifest = Type.Object({
  records: Type.Array(Type.Object({ category: Type.String(), id: Type.String() })),
  categories: Type.Array(Type.String()),
  sha256: Type.String({ description: 'SHA-256 (hex) of the export’s canonical JSON: keys sorted at every level, no whitespace.' }),
  generatedAt: Instant,
});
export const RequestView = Type.Object({
  id: Id,
  libraryId: Type.String(),
  receivedAt: Instant,
  receivedBy: Type.String(),
  agency: Type.String(),
  officerName: Type.String(),
  officerId: Type.String(),
  instrument: Type.String(),
  caseNumber: Nullable(Type.String()),
  scopeCategories: Type.Array(Type.String()),
  scopeFrom: Nullable(Instant),
  scopeTo: Nullable(Instant),
  status: Type.String({ description: 'received, referred, approved, refused, released or withdrawn' }),
  referredAt: Nullable(Instant),
  referredBy: Nullable(Type.String()),
  reviewProperForm: Nullable(Type.Boolean()),
  reviewGoodCause: Nullable(Type.Boolean()),
  reviewNotes: Nullable(Type.String()),
  reviewedBy: Nullable(Type.String()),
  reviewedAt: Nullable(Instant),
  decision: Nullable(Type.String()),
  decisionReason: Nullable(Type.String({ description: 'The reason code: APPROVED, IDENTITY_ONLY, INSTRUMENT_NOT_ACCEPTED, REFUSED_BY_DIRECTOR…' })),
  decisionNotes: Nullable(Type.String()),
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(Instant),
  gagUntil: Nullable(Instant),
  releasedAt: Nullable(Instant),
  releasedBy: Nullable(Type.String()),
  manifest: Nullable(Manifest),
  createdAt: Instant,
  withdrawnAt: Type.Union([Instant, Type.Null()], { description: 'When the agency’s withdrawal was recorded (null until withdrawn, and on requests withdrawn before Carrel recorded it).' }),
  withdrawnBy: Nullable(Type.String()),
  withdrawalNotes: Nullable(Type.String({ description: 'The withdrawal’s own notes; `decisionNotes` keeps the decision’s.' })),
  patronIds: Type.Array(Id),
  gagged: Type.Boolean(),
  rule: Type.Object({ permits: Type.String(), clause: Type.String(), counselReviewRequired: Type.Boolean(), notifyPatron: Type.String(), note: Type.Optional(Type.String()) }),
});
const TAG = ['lawful disclosure'];

/** POST /api/v1/legal-requests */
export const ReceiveRequestRoute = {
  tags: TAG,
  summary: 'Record a legal request handed to the library (any desk)',
  description:
    'Records who presented which instrument, for which patrons (by card number or id, in the body), which record categories and which period, and any gag order (JC-II). Each patron named is logged as an access with purpose legal-disclosure. The answer says only that the request is in the register.',
  body: Type.Object(
    {
      libraryId: LibraryId,
      agency: Text(200),
      officerName: Text(200),
      officerId: Text(200),
      instrument: InstrumentParam,
      caseNumber: OptionalText(200),
      patrons: Type.Array(Type.Union([Type.Object({ cardNumber: CardNumber }, { additionalProperties: false }), Type.Object({ patronId: Id }, { additionalProperties: false })]), {
        maxItems: 500,
        description: 'The patrons the instrument names; empty for a public-records request (every overdue adult account, CB-E3).',
      }),
      categories: Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 20, description: 'Record categories of the data inventory.' }),
      from: OptionalText(40),
      to: OptionalText(40),
      gagUntil: OptionalText(40),
    },
    { additionalProperties: false },
  ),
  response: { 201: Receipt, ...forbiddableResponses },
};

/** GET /api/v1/libraries/:libraryId/legal-requests */
export const ListRequestsRoute = {
  tags: TAG,
  summary: 'The library’s legal-request register (the director)',
  description: 'A request under a gag order (JC-II) is listed for the director role only until the gag ends.',
  params: Type.Object({ libraryId: LibraryId }),
  response: { 200: Type.Array(RequestView), ...forbiddableResponses },
};

/** GET /api/v1/legal-requests/:requestId */
export const GetRequestRoute = { tags: TAG, summary: 'One legal request of the register (the director)', params: RequestParams, response: { 200: RequestView, ...forbiddableResponses } };

/** POST /api/v1/legal-requests/:requestId/referral */
export const ReferToDirectorRoute = {
  tags: TAG,
  summary: 'Refer a request to the director (JC-IVd-le)',
  params: RequestParams,
  response: { 200: Receipt, ...forbiddableResponses },
};

/** POST /api/v1/legal-requests/:requestId/review */
export const RecordCounselReviewRoute = {
  tags: TAG,
  summary: 'Record counsel’s review: proper form, good cause (CB-E1, JC-IVd-le)',
  params: RequestParams,
  body: Type.Object({ properForm: Type.Boolean(), goodCause: Type.Boolean(), notes: OptionalText(2000) }, { additionalProperties: false }),
  response: { 200: RequestView, ...forbiddableResponses },
};

/** POST /api/v1/legal-requests/:requestId/decision */
export const DecideRequestRoute = {
  tags: TAG,
  summary: 'Approve or refuse a request under the library’s profile (the director)',
  description:
    'An approval the profile does not allow is refused with its code (INSTRUMENT_NOT_ACCEPTED, COUNSEL_REVIEW_MISSING, NOT_IN_PROPER_FORM, REFERRAL_REQUIRED, NOTHING_RELEASABLE) and changes nothing. A refusal stores the policy’s reason, or `requires` (JC-IVd-le: a subpoena or a court order).',
  params: RequestParams,
  body: Type.Object(
    {
      approve: Type.Boolean(),
      notes: OptionalText(2000),
      requires: Type.Optional(Type.Union([Type.Literal('subpoena'), Type.Literal('court-order')])),
      gagUntil: OptionalText(40),
    },
    { additionalProperties: false },
  ),
  response: { 200: RequestView, ...forbiddableResponses },
};

/** POST /api/v1/legal-requests/:requestId/release */
export const ReleaseRequestRoute = {
  tags: TAG,
  summary: 'Produce the export of an approved request, once (the director)',
  description:
    'Answers the export document as a file (`Content-Disposition: attachment`); it is not stored. The register keeps the manifest (record ids, categories, SHA-256 of the canonical JSON of `export`).',
  params: RequestParams,
  response: { 200: Type.Object({ requestId: Id, manifest: Manifest, export: Type.Object({ format: Type.String() }, { additionalProperties: true }) }), ...forbiddableResponses },
};

/** POST /api/v1/legal-requests/:requestId/withdrawal */
export const WithdrawRequestRoute = {
  tags: TAG,
  summary: 'Record that the agency withdrew its request (the director)',
  params: RequestParams,
  body: Type.Object({ notes: OptionalText(2000) }, { additionalProperties: false }),
  response: { 200: RequestView, ...forbiddableResponses },
};

/** The answers' static types, for the web app. */
export type Manifest = Static<typeof Manifest>;
export type LegalRequestView = Static<typeof RequestView>;
export type RequestReceipt = Static<typeof Receipt>;
export type Release = Static<(typeof ReleaseRequestRoute.response)[200]>;
