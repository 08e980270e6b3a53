/**
 * The patron's side: card log-in and their own account under /me.
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { CardNumber, errorResponses, Instant, Nullable, PatronView, OptionalText, throttledResponses } from './common.js';

/** The whole record, as one document: every category of the inventory that concerns the patron. */
export const RecordDocument = Type.Object({ format: Type.String() }, { additionalProperties: true });
// NOTICE_CHANNELS spelled out (a union mapped from it types as never); the routes below pass it to and
// from the use cases, so the compiler checks the two agree.
export const NoticeChannel = Type.Union([Type.Literal('none'), Type.Literal('email'), Type.Literal('text'), Type.Literal('both')]);
// NOTICE_LANGUAGES (src/domain/notices.ts) spelled out, for the same reason.
export const NoticeLanguage = Type.Union([Type.Literal('en'), Type.Literal('es')]);
export const PrivacyView = Type.Object({
  readingHistory: Type.Boolean(),
  readingHistorySince: Nullable(Instant),
  readingHistoryOffered: Type.Boolean({ description: 'Whether the library’s profile offers keeping reading history at all (JC-IIIc).' }),
  noticeChannel: NoticeChannel,
  mailingLists: Type.Boolean(),
  mailingListsSince: Nullable(Instant),
  photoConsent: Type.Boolean(),
  photoConsentSince: Nullable(Instant),
  noticeLanguage: Nullable(NoticeLanguage),
  policyMailings: Type.Boolean({ description: 'Whether policy-change mailings reach the patron (RR-10); false: unsubscribed (RR-3, RF-8).' }),
});

/** POST /api/v1/auth/patron-login */
export const PatronLoginRoute = {
  tags: ['auth', 'self-service'],
  summary: 'Log in as a patron with card number and PIN',
  description:
    'Sets the session cookie. Send `csrfToken` back in the `X-CSRF-Token` header of every change. An unknown card, a wrong or empty PIN, a locked, lost or stopped card all get the same 401 INVALID_CREDENTIALS; too many failures from one address get 429 TOO_MANY_ATTEMPTS.',
  security: [],
  body: Type.Object({ cardNumber: CardNumber, pin: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
  response: {
    200: Type.Object({ patron: Type.Object({ id: Type.String(), libraryId: Type.String() }), expiresAt: Instant, csrfToken: Type.String() }),
    ...throttledResponses,
  },
};

/** GET /api/v1/me */
export const MyRecordRoute = { tags: ['self-service'], summary: 'Everything held about me', description: 'Every record category of the inventory that concerns the patron, with their privacy settings; `contents` says where each category is.', response: { 200: RecordDocument, ...errorResponses } };

/** GET /api/v1/me/export */
export const ExportMyRecordRoute = { tags: ['self-service'], summary: 'Everything held about me, as a file to keep (CB-A8, JC-IVb)', response: { 200: RecordDocument, ...errorResponses } };

/** GET /api/v1/me/access-log */
export const MyAccessLogRoute = {
  tags: ['self-service'],
  summary: 'Who has accessed my record',
  description: 'Oldest first: the day, who in words (you, a guardian, a staff role, the system), their library, the purpose, the action and the record categories touched.',
  response: {
    200: Type.Array(
      Type.Object({
        date: Type.String(),
        role: Type.String(),
        library: Nullable(Type.String()),
        purpose: Type.String(),
        action: Type.String(),
        categories: Type.Array(Type.String()),
      }),
    ),
    ...errorResponses,
  },
};

/** PATCH /api/v1/me */
export const CorrectMyDetailsRoute = {
  tags: ['self-service'],
  summary: 'Correct my name and contact details',
  description: 'Checked as at registration; `null` removes an optional field. The birth date is corrected at the desk, against a photo ID.',
  body: Type.Object(
    { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), address: OptionalText(500), email: OptionalText(320), phone: OptionalText(32) },
    { additionalProperties: false },
  ),
  response: { 200: PatronView, ...errorResponses },
};

/** PUT /api/v1/me/pin */
export const ChangeMyPinRoute = {
  tags: ['self-service'],
  summary: 'Change my PIN',
  description: 'The new PIN is 4 to 12 digits. Every session of the patron ends; this browser gets a new session cookie and CSRF token.',
  body: Type.Object({ currentPin: Type.String({ maxLength: 64 }), newPin: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
  response: { 200: Type.Object({ expiresAt: Instant, csrfToken: Type.String() }), ...errorResponses },
};

/** GET /api/v1/me/privacy */
export const MyPrivacyRoute = { tags: ['self-service'], summary: 'My privacy settings', response: { 200: PrivacyView, ...errorResponses } };

/** PUT /api/v1/me/privacy */
export const SetMyPrivacyRoute = {
  tags: ['self-service'],
  summary: 'Change my privacy settings',
  description:
    'Each setting is off until chosen. `readingHistory` (JC-IIIc; false deletes it at once), `noticeChannel` (needs the email or phone on file), `mailingLists` (RR-3; false unsubscribes, RF-8), `photoConsent` (RR-9), `noticeLanguage` (null: the library’s), `policyMailings` (RR-10; false unsubscribes from policy-change mailings, RR-3, RF-8).',
  body: Type.Object(
    {
      readingHistory: Type.Optional(Type.Boolean()),
      noticeChannel: Type.Optional(NoticeChannel),
      mailingLists: Type.Optional(Type.Boolean()),
      photoConsent: Type.Optional(Type.Boolean()),
      noticeLanguage: Type.Optional(Nullable(NoticeLanguage)),
      policyMailings: Type.Optional(Type.Boolean()),
      pin: Type.Optional(Type.String({ maxLength: 64, description: 'The PIN, typed again: required with `readingHistory: false` (it deletes the history), else 403 PIN_REQUIRED; a wrong PIN is 401 INVALID_CREDENTIALS and counts towards the card’s lockout.' })),
    },
    { additionalProperties: false },
  ),
  response: { 200: PrivacyView, ...errorResponses },
};

/** POST /api/v1/me/card-lost */
export const ReportMyCardLostRoute = {
  tags: ['self-service'],
  summary: 'Report my card lost or stolen (JC-IVa, IF-6)',
  description: 'The card stops working at once and every session ends (this one too). Staff issue a new card.',
  response: { 200: Type.Object({ status: Type.Literal('card-lost') }), ...errorResponses },
};

/** DELETE /api/v1/me */
export const DeleteMyRecordRoute = {
  tags: ['self-service'],
  summary: 'Delete my record (CB-A8)',
  description:
    'Refused, with every reason, while items are out or money is owed. Otherwise the record is crypto-shredded and deleted, every session ends, and the answer is the deletion receipt. The PIN is typed again (`pin`): without it 403 PIN_REQUIRED; a wrong one is 401 INVALID_CREDENTIALS, counted towards the card’s lockout; either way nothing is deleted.',
  body: Type.Object({ pin: Type.Optional(Type.String({ maxLength: 64, description: 'The PIN, typed again to confirm.' })) }, { additionalProperties: false }),
  response: { 200: Type.Object({ receiptId: Type.String(), deletedAt: Instant, keyDestroyedAfter: Instant }), ...errorResponses },
};

/** The answers' static types, for the web app. */
export type PrivacyView = Static<typeof PrivacyView>;
export type NoticeChannel = Static<typeof NoticeChannel>;
export type NoticeLanguage = Static<typeof NoticeLanguage>;
export type AccessSeen = Static<(typeof MyAccessLogRoute.response)[200]['items']>;
