/**
 * Notices (issue 17): the queue staff watch (failures to retry, letters to post), the library's notice
 * settings and templates, the breach register (RR-6), the one-click unsubscribe (RR-3, RF-8) and the
 * patron's own notices. The routes' JSON Schemas (shown in /openapi.json); the web app reads their
 * static types. Imports only typebox and src/domain.
 *
 * What a template may name, what a setting may be and what a breach must say are checked by the use
 * cases (TEMPLATE_FIELD_NOT_ALLOWED with the clause, VALIDATION_FAILED naming the field), over every
 * transport: the bodies here say only what type each field is.
 */
import { Type, type Static } from 'typebox';
import { DELIVERY_CHANNELS, NOTICE_KINDS, NOTICE_LANGUAGES, NOTICE_STATUSES } from '../../domain/notices.js';
import { errorResponses, forbiddableResponses, Id, Instant, LibraryId, Nullable } from './common.js';
import { NoticeLanguage } from './self.js';

const TAG = ['notices'];

/** A comma-separated list of words from `words` (a query string carries text). */
const listOf = (words: readonly string[], description: string) => Type.String({ pattern: `^(${words.join('|')})(,(${words.join('|')}))*$`, maxLength: 400, description });

export const NoticeView = Type.Object({
  id: Id,
  patronId: Id,
  recipient: Type.Union([Type.Literal('patron'), Type.Literal('guardian')]),
  kind: Type.String({ description: NOTICE_KINDS.join(', ') }),
  channel: Type.String({ description: DELIVERY_CHANNELS.join(', ') }),
  language: Type.String({ description: NOTICE_LANGUAGES.join(', ') }),
  status: Type.String({ description: NOTICE_STATUSES.join(', ') }),
  attempts: Type.Integer(),
  errorCode: Nullable(Type.String({ description: 'A short stable word of the last failure (an SMTP reply code, an HTTP status, NO_EMAIL_ADDRESS); never the address or the text.' })),
  createdAt: Instant,
  sentAt: Nullable(Instant),
  nextAttemptAt: Nullable(Instant),
  breachId: Nullable(Id),
});
export type NoticeView = Static<typeof NoticeView>;

export const NoticeCount = Type.Object({ kind: Type.String(), channel: Type.String(), status: Type.String(), count: Type.Integer() });
export type NoticeCount = Static<typeof NoticeCount>;

export const Letter = Type.Object({
  noticeId: Id,
  kind: Type.String(),
  name: Type.String(),
  address: Nullable(Type.String()),
  subject: Type.String(),
  body: Type.String(),
  createdAt: Instant,
});
export type Letter = Static<typeof Letter>;

export const NoticeSettingsView = Type.Object({
  dueSoonDays: Type.Integer({ description: 'Due-soon notices this many days before the due date (0: none).' }),
  overdueDays: Type.Array(Type.Integer(), { description: 'Overdue notices at these days past the due date (up to three, each later).' }),
  cardExpiringDays: Type.Integer({ description: 'Card-expiring notices this many days before the card expires (0: none; CB-F2).' }),
  fromAddress: Nullable(Type.String({ description: 'The From address of the library’s email.' })),
  portalUrl: Nullable(Type.String({ description: 'The portal’s address, for links (null: Carrel’s own /app/).' })),
  defaultLanguage: Type.String({ description: `The language of a patron who chose none: ${NOTICE_LANGUAGES.join(', ')}.` }),
});
export type NoticeSettingsView = Static<typeof NoticeSettingsView>;

export const TemplateView = Type.Object({
  kind: Type.String(),
  language: Type.String(),
  subject: Type.String(),
  body: Type.String(),
  custom: Type.Boolean({ description: 'The library wrote it (false: the shipped template).' }),
  fields: Type.Array(Type.String(), { description: 'The fields this kind offers, less those the library’s profile forbids.' }),
  updatedAt: Nullable(Instant),
});
export type TemplateView = Static<typeof TemplateView>;

export const TemplatePreview = Type.Object({
  subject: Type.String(),
  body: Type.String(),
  problems: Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), { description: 'What saving this template would refuse (empty: it may be saved).' }),
});
export type TemplatePreview = Static<typeof TemplatePreview>;

const breachFields = {
  id: Id,
  libraryId: Type.String(),
  occurredOn: Type.String(),
  discoveredOn: Type.String(),
  categories: Type.Array(Type.String()),
  scope: Type.Union([Type.Literal('all'), Type.Literal('listed')]),
  description: Type.String(),
  actions: Type.String(),
  recordedBy: Type.String(),
  recordedAt: Instant,
  patronsAffected: Type.Integer(),
  noticesQueued: Type.Integer(),
  letters: Type.Integer(),
};
export const BreachRow = Type.Object(breachFields);
export const BreachView = Type.Object({
  ...breachFields,
  sent: Type.Integer(),
  failed: Type.Integer(),
  waiting: Type.Integer({ description: 'Queued, or letters not yet posted.' }),
  posted: Type.Integer(),
});
export type BreachView = Static<typeof BreachView>;
export const BreachRecorded = Type.Object({ breach: BreachRow, patrons: Type.Integer(), queued: Type.Integer(), letters: Type.Integer() });
export type BreachRecorded = Static<typeof BreachRecorded>;

export const OwnNotice = Type.Object({
  kind: Type.String(),
  channel: Type.String(),
  language: Type.String(),
  status: Type.String(),
  createdAt: Instant,
  sentAt: Nullable(Instant),
});
export type OwnNotice = Static<typeof OwnNotice>;

const LibraryParams = Type.Object({ libraryId: LibraryId });
const NoticeParams = Type.Object({ noticeId: Id });
const TemplateParams = Type.Object({ libraryId: LibraryId, kind: Type.String({ maxLength: 32 }), language: Type.String({ maxLength: 8 }) });

/** GET /api/v1/libraries/:libraryId/notices */
export const ListNoticesRoute = {
  tags: TAG,
  summary: 'The library’s notices, newest first: whom each is for, its kind, channel and how it went (never what it says)',
  params: LibraryParams,
  querystring: Type.Object(
    {
      status: Type.Optional(listOf(NOTICE_STATUSES, `Only these statuses, comma-separated: ${NOTICE_STATUSES.join(', ')}.`)),
      kind: Type.Optional(listOf(NOTICE_KINDS, `Only these kinds, comma-separated: ${NOTICE_KINDS.join(', ')}.`)),
      limit: Type.Optional(Type.String({ pattern: '^(1000|[1-9][0-9]{0,2})$', description: 'How many, 1 to 1000 (default 100).' })),
    },
    { additionalProperties: false },
  ),
  response: { 200: Type.Array(NoticeView), ...forbiddableResponses },
};

/** GET /api/v1/libraries/:libraryId/notices/counts */
export const NoticeCountsRoute = {
  tags: TAG,
  summary: 'How the library’s notices went, counted by kind, channel and status',
  params: LibraryParams,
  response: { 200: Type.Array(NoticeCount), ...forbiddableResponses },
};

/** POST /api/v1/notices/:noticeId/retry */
export const RetryNoticeRoute = {
  tags: TAG,
  summary: 'Put a failed notice back in the queue',
  description: 'Only a failed notice whose text is still kept can be retried (NOTICE_NOT_RETRYABLE otherwise).',
  params: NoticeParams,
  response: { 200: NoticeView, ...forbiddableResponses },
};

/** POST /api/v1/libraries/:libraryId/notices/retry-failed */
export const RetryFailedNoticesRoute = {
  tags: TAG,
  summary: 'Put every failed notice of the library back in the queue (after the mail server came back)',
  params: LibraryParams,
  response: { 200: Type.Object({ retried: Type.Integer() }), ...forbiddableResponses },
};

/** GET /api/v1/libraries/:libraryId/notices/letters */
export const LettersToPostRoute = {
  tags: TAG,
  summary: 'The letters waiting to be printed and posted (a breach notice to a patron who chose no channel, RR-6)',
  description: 'Each letter is a read of the patron’s name and address, in the access log.',
  params: LibraryParams,
  response: { 200: Type.Array(Letter), ...forbiddableResponses },
};

/** POST /api/v1/notices/:noticeId/posted */
export const MarkLetterPostedRoute = {
  tags: TAG,
  summary: 'Staff posted a letter: it counts as sent, and what it said is forgotten',
  params: NoticeParams,
  response: { 200: NoticeView, ...forbiddableResponses },
};

/** GET /api/v1/libraries/:libraryId/notice-settings */
export const ReadNoticeSettingsRoute = {
  tags: TAG,
  summary: 'The library’s notice settings',
  params: LibraryParams,
  response: { 200: NoticeSettingsView, ...forbiddableResponses },
};

/** PATCH /api/v1/libraries/:libraryId/notice-settings */
export const UpdateNoticeSettingsRoute = {
  tags: TAG,
  summary: 'Change some of the library’s notice settings; what is left out stays, a bad value changes nothing',
  params: LibraryParams,
  body: Type.Object(
    {
      dueSoonDays: Type.Optional(Type.Integer()),
      overdueDays: Type.Optional(Type.Array(Type.Integer(), { maxItems: 10 })),
      cardExpiringDays: Type.Optional(Type.Integer()),
      fromAddress: Type.Optional(Nullable(Type.String({ maxLength: 320 }))),
      portalUrl: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
      defaultLanguage: Type.Optional(NoticeLanguage),
    },
    { additionalProperties: false },
  ),
  response: { 200: NoticeSettingsView, ...forbiddableResponses },
};

/** GET /api/v1/libraries/:libraryId/notice-templates */
export const ListNoticeTemplatesRoute = {
  tags: TAG,
  summary: 'Every kind’s template in every language: the library’s own where it wrote one, else the shipped one',
  params: LibraryParams,
  response: { 200: Type.Array(TemplateView), ...forbiddableResponses },
};

const TemplateText = { subject: Type.String({ maxLength: 1000 }), body: Type.String({ maxLength: 20_000 }) };

/** PUT /api/v1/libraries/:libraryId/notice-templates/:kind/:language */
export const SaveNoticeTemplateRoute = {
  tags: TAG,
  summary: 'Save the library’s own template for a kind and language',
  description: 'A field the kind does not offer, or the library’s profile forbids (`{{titles}}` without `notices.titles`, JC-VI), is refused with TEMPLATE_FIELD_NOT_ALLOWED and nothing is saved.',
  params: TemplateParams,
  body: Type.Object(TemplateText, { additionalProperties: false }),
  response: { 200: TemplateView, ...forbiddableResponses },
};

/** DELETE /api/v1/libraries/:libraryId/notice-templates/:kind/:language */
export const ResetNoticeTemplateRoute = {
  tags: TAG,
  summary: 'Go back to the shipped template for a kind and language',
  params: TemplateParams,
  response: { 200: TemplateView, ...forbiddableResponses },
};

/** POST /api/v1/libraries/:libraryId/notice-templates/:kind/:language/preview */
export const PreviewNoticeRoute = {
  tags: TAG,
  summary: 'What a notice would say to a fictional patron: the template in use, or a draft; with what saving would refuse',
  params: TemplateParams,
  body: Type.Object({ subject: Type.Optional(TemplateText.subject), body: Type.Optional(TemplateText.body) }, { additionalProperties: false }),
  response: { 200: TemplatePreview, ...forbiddableResponses },
};

/** GET /api/v1/libraries/:libraryId/breaches */
export const ListBreachesRoute = {
  tags: TAG,
  summary: 'The library’s breach register (RR-6), each breach with how its notices went',
  params: LibraryParams,
  response: { 200: Type.Array(BreachView), ...forbiddableResponses },
};

/** POST /api/v1/libraries/:libraryId/breaches */
export const RecordBreachRoute = {
  tags: TAG,
  summary: 'Record a breach and tell the patrons affected (RR-6)',
  description:
    'Every patron affected is queued a notice on the channel they chose, or listed for a letter when they chose none. `description` stays in the register; `actions` is what patrons are told the library is doing.',
  params: LibraryParams,
  body: Type.Object(
    {
      occurredOn: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
      discoveredOn: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
      categories: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50, description: 'The record categories of the data inventory it exposed.' }),
      scope: Type.Union([Type.Literal('all'), Type.Literal('listed')]),
      cardNumbers: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 100_000, description: 'With scope `listed`: the cards of the patrons affected.' })),
      description: Type.String({ maxLength: 5000 }),
      actions: Type.String({ maxLength: 2000 }),
    },
    { additionalProperties: false },
  ),
  response: { 201: BreachRecorded, ...forbiddableResponses },
};

const Unsubscribed = Type.Object({ unsubscribed: Type.Literal(true) });
const unsubscribeDescription =
  'No log-in: the token in the message is the proof. It unsubscribes its patron from mailings (policy changes, RR-3, RF-8) and does nothing else; a token that does not open answers UNSUBSCRIBE_TOKEN_INVALID and changes nothing. The token never appears in the server’s logs.';

/** POST /api/v1/unsubscribe/:token */
export const OneClickUnsubscribeRoute = {
  tags: TAG,
  summary: 'One-click unsubscribe (RFC 8058), as the List-Unsubscribe header of a mailing names it',
  description: `${unsubscribeDescription} The body is \`List-Unsubscribe=One-Click\` (form-encoded) or empty.`,
  security: [],
  params: Type.Object({ token: Type.String({ minLength: 1, maxLength: 512 }) }),
  response: { 200: Unsubscribed, ...errorResponses },
};

/** POST /api/v1/unsubscribe */
export const UnsubscribeRoute = {
  tags: TAG,
  summary: 'Unsubscribe with the token of a mailing’s link (what the page /app/unsubscribe sends)',
  description: unsubscribeDescription,
  security: [],
  body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false }),
  response: { 200: Unsubscribed, ...errorResponses },
};

/** GET /api/v1/me/notices */
export const MyNoticesRoute = {
  tags: ['self-service', ...TAG],
  summary: 'The notices the library sent me (or owes me), newest first: kind, channel, time and status',
  response: { 200: Type.Array(OwnNotice), ...errorResponses },
};
