import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Runtime } from '../../usecases/context.js';
import {
  bookRoom,
  cancelRoomBooking,
  cancelSignup,
  closeInterlibraryLoan,
  closeReferenceRequest,
  endComputerSession,
  patronServiceRecords,
  recordReferenceRequest,
  requestInterlibraryLoan,
  signUpForProgram,
  startComputerSession,
} from '../../usecases/service-record.usecases.js';
import { CardNumber, errorResponses, Id, Instant, LibraryId, Nullable } from '../schemas.js';
import { lookupPurpose, LookupPurposeParam, runFor } from './context.js';

// A station, program, room or topic code, or a guest pass (never free text, never personal data).
const Code = (description: string) => Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description });
const Branch = Type.String({ minLength: 1, maxLength: 64, description: 'A branch id or code.' });
// Event times are taken as strings and checked by the use case (INVALID_DATE, ENDS_BEFORE_STARTS).
const EventTime = Type.String({ minLength: 1, maxLength: 40, description: 'An ISO-8601 instant with an offset, such as 2026-03-02T17:00:00Z.' });

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
const ServiceReceipt = Type.Object(receiptFields);

const Booking = {
  cardNumber: CardNumber,
  branch: Branch,
  startsAt: EventTime,
  endsAt: EventTime,
};

/**
 * Services recorded outside circulation (JC-IIId-f, CB-A2): public-computer sessions, program sign-ups,
 * room bookings, interlibrary-loan and reference requests. Card numbers travel in bodies, never in URLs;
 * answers carry no personal data and no free text.
 */
export function serviceRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    const service = (request: Parameters<typeof runFor>[1]) => runFor(runtime, request, 'account-service');

    app.get(
      '/patrons/:patronId/service-records',
      {
        schema: {
          tags: ['services'],
          summary: 'A patron’s service records, opened (computer sessions, sign-ups, bookings, ILL and reference requests)',
          description: 'Reviewed only for a named purpose: public-computer logs only when a violation is suspected (JC-VII, `violation-review`), by the director.',
          params: Type.Object({ patronId: Id }),
          querystring: Type.Object({ purpose: Type.Optional(LookupPurposeParam) }, { additionalProperties: false }),
          response: { 200: Type.Array(Type.Object({ id: Id, kind: Type.String(), status: Type.String() }, { additionalProperties: true })), ...errorResponses },
        },
      },
      async (request) => runFor(runtime, request, lookupPurpose(request.query.purpose))(patronServiceRecords, { patronId: request.params.patronId }),
    );

    app.post(
      '/computer-sessions',
      {
        schema: {
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
        },
      },
      async (request, reply) => reply.status(201).send(await service(request)(startComputerSession, request.body)),
    );

    app.post(
      '/computer-sessions/:id/end',
      { schema: { tags: ['services'], summary: 'Log a session off', params: Type.Object({ id: Id }), response: { 200: ServiceReceipt, ...errorResponses } } },
      async (request) => service(request)(endComputerSession, { sessionId: request.params.id }),
    );

    app.post(
      '/program-signups',
      {
        schema: {
          tags: ['services'],
          summary: 'Sign a patron up for a program',
          description: 'The record is kept until the event ends, then for as long as the library’s profile says.',
          body: Type.Object({ ...Booking, program: Code('The program’s code.') }, { additionalProperties: false }),
          response: { 201: ServiceReceipt, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await service(request)(signUpForProgram, request.body)),
    );

    app.post(
      '/program-signups/:id/cancel',
      { schema: { tags: ['services'], summary: 'Cancel a program sign-up', params: Type.Object({ id: Id }), response: { 200: ServiceReceipt, ...errorResponses } } },
      async (request) => service(request)(cancelSignup, { signupId: request.params.id }),
    );

    app.post(
      '/room-bookings',
      {
        schema: {
          tags: ['services'],
          summary: 'Book a room for a patron',
          description: 'Refused with ROOM_ALREADY_BOOKED when the room is taken for part of the time.',
          body: Type.Object({ ...Booking, room: Code('The room’s code.') }, { additionalProperties: false }),
          response: { 201: ServiceReceipt, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await service(request)(bookRoom, request.body)),
    );

    app.post(
      '/room-bookings/:id/cancel',
      { schema: { tags: ['services'], summary: 'Cancel a room booking', params: Type.Object({ id: Id }), response: { 200: ServiceReceipt, ...errorResponses } } },
      async (request) => service(request)(cancelRoomBooking, { bookingId: request.params.id }),
    );

    app.post(
      '/ill-requests',
      {
        schema: {
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
        },
      },
      async (request, reply) => reply.status(201).send(await service(request)(requestInterlibraryLoan, request.body)),
    );

    app.post(
      '/ill-requests/:id/close',
      {
        schema: {
          tags: ['services'],
          summary: 'Close an interlibrary-loan request',
          params: Type.Object({ id: Id }),
          body: Type.Object({ outcome: Type.Union([Type.Literal('fulfilled'), Type.Literal('cancelled')]) }, { additionalProperties: false }),
          response: { 200: ServiceReceipt, ...errorResponses },
        },
      },
      async (request) => service(request)(closeInterlibraryLoan, { requestId: request.params.id, outcome: request.body.outcome }),
    );

    app.post(
      '/reference-requests',
      {
        schema: {
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
        },
      },
      async (request, reply) => reply.status(201).send(await service(request)(recordReferenceRequest, request.body)),
    );

    app.post(
      '/reference-requests/:id/close',
      {
        schema: {
          tags: ['services'],
          summary: 'Close a reference request',
          params: Type.Object({ id: Id }),
          body: Type.Object({ outcome: Type.Union([Type.Literal('answered'), Type.Literal('cancelled')]) }, { additionalProperties: false }),
          response: { 200: ServiceReceipt, ...errorResponses },
        },
      },
      async (request) => service(request)(closeReferenceRequest, { requestId: request.params.id, outcome: request.body.outcome }),
    );
  };
}
