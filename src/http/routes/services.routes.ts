import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../usecases/context.js';
import { bookRoom, cancelRoomBooking, cancelSignup, closeInterlibraryLoan, closeReferenceRequest, endComputerSession, patronServiceRecords, recordReferenceRequest, requestInterlibraryLoan, signUpForProgram, startComputerSession } from '../../usecases/service-record.usecases.js';
import { BookRoomRoute, CancelRoomBookingRoute, CancelSignupRoute, CloseInterlibraryLoanRoute, CloseReferenceRequestRoute, EndComputerSessionRoute, PatronServiceRecordsRoute, RecordReferenceRequestRoute, RequestInterlibraryLoanRoute, SignUpForProgramRoute, StartComputerSessionRoute } from '../schemas/services.js';
import { lookupPurpose, runFor } from './context.js';

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
      { schema: PatronServiceRecordsRoute },
      async (request) => runFor(runtime, request, lookupPurpose(request.query.purpose))(patronServiceRecords, { patronId: request.params.patronId }),
    );

    app.post(
      '/computer-sessions',
      { schema: StartComputerSessionRoute },
      async (request, reply) => reply.status(201).send(await service(request)(startComputerSession, request.body)),
    );

    app.post(
      '/computer-sessions/:id/end',
      { schema: EndComputerSessionRoute },
      async (request) => service(request)(endComputerSession, { sessionId: request.params.id }),
    );

    app.post(
      '/program-signups',
      { schema: SignUpForProgramRoute },
      async (request, reply) => reply.status(201).send(await service(request)(signUpForProgram, request.body)),
    );

    app.post(
      '/program-signups/:id/cancel',
      { schema: CancelSignupRoute },
      async (request) => service(request)(cancelSignup, { signupId: request.params.id }),
    );

    app.post(
      '/room-bookings',
      { schema: BookRoomRoute },
      async (request, reply) => reply.status(201).send(await service(request)(bookRoom, request.body)),
    );

    app.post(
      '/room-bookings/:id/cancel',
      { schema: CancelRoomBookingRoute },
      async (request) => service(request)(cancelRoomBooking, { bookingId: request.params.id }),
    );

    app.post(
      '/ill-requests',
      { schema: RequestInterlibraryLoanRoute },
      async (request, reply) => reply.status(201).send(await service(request)(requestInterlibraryLoan, request.body)),
    );

    app.post(
      '/ill-requests/:id/close',
      { schema: CloseInterlibraryLoanRoute },
      async (request) => service(request)(closeInterlibraryLoan, { requestId: request.params.id, outcome: request.body.outcome }),
    );

    app.post(
      '/reference-requests',
      { schema: RecordReferenceRequestRoute },
      async (request, reply) => reply.status(201).send(await service(request)(recordReferenceRequest, request.body)),
    );

    app.post(
      '/reference-requests/:id/close',
      { schema: CloseReferenceRequestRoute },
      async (request) => service(request)(closeReferenceRequest, { requestId: request.params.id, outcome: request.body.outcome }),
    );
  };
}
