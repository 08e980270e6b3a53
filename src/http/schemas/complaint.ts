/**
 * Written complaints (JC-VIII).
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { COMPLAINT_CHANNELS } from '../../domain/complaints.js';
import { CardNumber, forbiddableResponses, Id, Instant, LibraryId, Nullable } from './common.js';

export const ComplaintView = Type.Object({
  id: Id,
  libraryId: Type.String(),
  patronId: Nullable(Id),
  receivedAt: Instant,
  receivedBy: Type.String(),
  channel: Type.String(),
  topic: Type.String(),
  summary: Nullable(Type.String({ description: 'The named patron’s summary, opened; always null in the list (see `hasSummary`).' })),
  dueAt: Instant,
  answeredAt: Nullable(Instant),
  answeredBy: Nullable(Type.String()),
  answerSummary: Nullable(Type.String({ description: 'The answer’s summary, opened; always null in the list (see `hasAnswerSummary`).' })),
  overdue: Type.Boolean({ description: 'Not answered by its due date.' }),
  hasSummary: Type.Boolean({ description: 'A named patron’s complaint with a summary: GET /complaints/{id} opens it (logged as a read of their record).' }),
  hasAnswerSummary: Type.Boolean({ description: 'The answer has a summary: GET /complaints/{id} opens it.' }),
});
export const Summary = Type.String({ maxLength: 4000 });

/** POST /api/v1/complaints */
export const RecordComplaintRoute = {
  tags: ['complaints'],
  summary: 'Record a written complaint (clerk and up); due for the director’s answer in 30 days',
  description: 'Name the complainant by card number or patron id to keep a summary (sealed under their key); an anonymous complaint is recorded by its topic code only.',
  body: Type.Object(
    {
      libraryId: Type.Optional(LibraryId),
      cardNumber: Type.Optional(CardNumber),
      patronId: Type.Optional(Id),
      channel: Type.String({ enum: [...COMPLAINT_CHANNELS] }),
      topic: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,39}$', description: 'A short code such as `privacy` or `staff-conduct`.' }),
      summary: Type.Optional(Nullable(Summary)),
    },
    { additionalProperties: false },
  ),
  response: { 201: ComplaintView, ...forbiddableResponses },
};

/** POST /api/v1/complaints/:complaintId/answer */
export const AnswerComplaintRoute = {
  tags: ['complaints'],
  summary: 'Record the director’s answer to a complaint',
  params: Type.Object({ complaintId: Id }),
  body: Type.Object({ summary: Type.Optional(Nullable(Summary)) }, { additionalProperties: false }),
  response: { 200: ComplaintView, ...forbiddableResponses },
};

/** GET /api/v1/complaints/:complaintId */
export const GetComplaintRoute = {
  tags: ['complaints'],
  summary: 'One complaint with its summary and answer opened (the director)',
  description: 'Opening a named patron’s summary or answer is a read of their record: it is logged on it (`complaint-read`).',
  params: Type.Object({ complaintId: Id }),
  response: { 200: ComplaintView, ...forbiddableResponses },
};

/** GET /api/v1/libraries/:libraryId/complaints */
export const ListComplaintsRoute = {
  tags: ['complaints'],
  summary: 'A library’s complaints, newest first, overdue ones flagged (the director)',
  description:
    'Opens no sealed text: `summary` and `answerSummary` are null in this list (they were opened here before, each load logging a read of every named complainant’s record), and `hasSummary` / `hasAnswerSummary` say whether there is one. Read one complaint with GET /complaints/{complaintId}.',
  params: Type.Object({ libraryId: LibraryId }),
  querystring: Type.Object(
    { open: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])), limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })) },
    { additionalProperties: false },
  ),
  response: { 200: Type.Array(ComplaintView), ...forbiddableResponses },
};

/** The answers' static types, for the web app. */
export type Complaint = Static<typeof ComplaintView>;
