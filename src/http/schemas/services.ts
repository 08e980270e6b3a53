/**
 * Services recorded outside circulation (JC-IIId-f, CB-A2): computers, programs, rooms, ILL and reference.
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type } from 'typebox';
import { CardNumber, errorResponses, Id, Instant, LibraryId, LookupPurposeParam, Nullable } from './common.js';

// A station, program, room or topic code, or a guest pass (never free text, never personal data).
const Code = (description: string) => Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description });
export const Branch = Type.String({ minLength: 1, maxLength: 64, description: 'A branch id or code.' });
// Event times are taken as strings and checked by the use case (INVALID_DATE, ENDS_BEFORE_STARTS).
export const EventTime = Type.String({ minLength: 1, maxLength: 40, description: 'An ISO-8601 instant with an offset, such as 2026-03-02T17:00:00Z.' });
/** What the desk is told: the record's id, kind, state and times. No patron, no free text. */
const receiptFields = {
  id: Id,
  kind: Type.String(),
  status: Type.String(),
  libraryId: Type.String(),
  branchId: Nullable(Type.String()),
  resource: Nullable(Type.String()),
  startsAt: Instant,
  endsAt: Nullable(Instant),
};
export const ServiceReceipt = Type.Object(receiptFields);
export const Booking = {
  cardNumber: CardNumber,
  branch: Branch,
  startsAt: EventTime,
  endsAt: EventTime,
};

/** GET /api/v1/patrons/:patronId/service-records */
export const PatronServiceRecordsRoute = {
  tags: ['services'],
  summary: 'A patron’s service records, opened (computer sessions, sign-ups, bookings, ILL and reference requests)',
  description: 'Reviewed only for a named purpose: public-computer logs only when a violation is suspected (JC-VII, `violation-review`), by the director.',
  params: Type.Object({ patronId: Id }),
  querystring: Type.Object({ purpose: Type.Optional(LookupPurposeParam) }, { additionalProperties: false }),
  response: { 200: Type.Array(Type.Object({ id: Id, kind: Type.String(), status: Type.String() }, { additionalProperties: true })), ...errorResponses },
};

/** POST /api/v1/computer-sessions */
export const StartComputerSessionRoute = {
  tags: ['services'],
  summary: 'Log a patron or a guest on to a public computer',
  description: 'With a card number or a guest pass (exactly one). A session still open on the station is ended first (`endedSessionIds`).',
  body: Type.Object(
    {
      cardNumber: Type.Optional(CardNumber),
      guestPass: Type.Optional(Code('A guest pass code (not personal data).')),
      libraryId: Type.Optional(LibraryId),
      branch: Branch,
      station: Code('The station’s code.'),
    },
    { additionalProperties: false },
  ),
  response: { 201: Type.Object({ ...receiptFields, endedSessionIds: Type.Array(Id) }), ...errorResponses },
};

/** POST /api/v1/computer-sessions/:id/end */
export const EndComputerSessionRoute = { tags: ['services'], summary: 'Log a session off', params: Type.Object({ id: Id }), response: { 200: ServiceReceipt, ...errorResponses } };

/** POST /api/v1/program-signups */
export const SignUpForProgramRoute = {
  tags: ['services'],
  summary: 'Sign a patron up for a program',
  description: 'The record is kept until the event ends, then for as long as the library’s profile says.',
  body: Type.Object({ ...Booking, program: Code('The program’s code.') }, { additionalProperties: false }),
  response: { 201: ServiceReceipt, ...errorResponses },
};

/** POST /api/v1/program-signups/:id/cancel */
export const CancelSignupRoute = { tags: ['services'], summary: 'Cancel a program sign-up', params: Type.Object({ id: Id }), response: { 200: ServiceReceipt, ...errorResponses } };

/** POST /api/v1/room-bookings */
export const BookRoomRoute = {
  tags: ['services'],
  summary: 'Book a room for a patron',
  description: 'Refused with ROOM_ALREADY_BOOKED when the room is taken for part of the time.',
  body: Type.Object({ ...Booking, room: Code('The room’s code.') }, { additionalProperties: false }),
  response: { 201: ServiceReceipt, ...errorResponses },
};

/** POST /api/v1/room-bookings/:id/cancel */
export const CancelRoomBookingRoute = { tags: ['services'], summary: 'Cancel a room booking', params: Type.Object({ id: Id }), response: { 200: ServiceReceipt, ...errorResponses } };

/** POST /api/v1/ill-requests */
export const RequestInterlibraryLoanRoute = {
  tags: ['services'],
  summary: 'Record an interlibrary-loan request',
  description: 'What is wanted is sealed under the patron’s key (CB-A2, CB-C); the answer does not repeat it.',
  body: Type.Object(
    {
      cardNumber: CardNumber,
      title: Type.String({ minLength: 1, maxLength: 500 }),
      author: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
      isbn: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
      branch: Type.Optional(Branch),
    },
    { additionalProperties: false },
  ),
  response: { 201: ServiceReceipt, ...errorResponses },
};

/** POST /api/v1/ill-requests/:id/close */
export const CloseInterlibraryLoanRoute = {
  tags: ['services'],
  summary: 'Close an interlibrary-loan request',
  params: Type.Object({ id: Id }),
  body: Type.Object({ outcome: Type.Union([Type.Literal('fulfilled'), Type.Literal('cancelled')]) }, { additionalProperties: false }),
  response: { 200: ServiceReceipt, ...errorResponses },
};

/** POST /api/v1/reference-requests */
export const RecordReferenceRequestRoute = {
  tags: ['services'],
  summary: 'Record a reference request',
  description:
    'A known patron’s question (with `cardNumber`) is sealed under their key. An anonymous question is recorded by `topic` code only: free text without a card is refused (DETAILS_NEED_PATRON). `answered: true` records a question answered on the spot, already closed.',
  body: Type.Object(
    {
      cardNumber: Type.Optional(CardNumber),
      question: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
      topic: Type.Optional(Code('A subject or topic code.')),
      libraryId: Type.Optional(LibraryId),
      branch: Type.Optional(Branch),
      answered: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  response: { 201: ServiceReceipt, ...errorResponses },
};

/** POST /api/v1/reference-requests/:id/close */
export const CloseReferenceRequestRoute = {
  tags: ['services'],
  summary: 'Close a reference request',
  params: Type.Object({ id: Id }),
  body: Type.Object({ outcome: Type.Union([Type.Literal('answered'), Type.Literal('cancelled')]) }, { additionalProperties: false }),
  response: { 200: ServiceReceipt, ...errorResponses },
};
