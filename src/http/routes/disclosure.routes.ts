import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../usecases/context.js';
import { decideRequest, getRequest, listRequests, receiveRequest, recordCounselReview, referToDirector, releaseRequest, withdrawRequest } from '../../usecases/disclosure.usecases.js';
import { DecideRequestRoute, GetRequestRoute, ListRequestsRoute, ReceiveRequestRoute, RecordCounselReviewRoute, ReferToDirectorRoute, ReleaseRequestRoute, WithdrawRequestRoute } from '../schemas/disclosure.js';
import { runFor } from './context.js';

/**
 * The legal-request register (RR-7, CB-E1..E3, JC-II, JC-IVd-le, RF-2, IF-8, IF-9): any desk records a
 * request it is handed and refers it to the director; the director records counsel's review, decides
 * under the profile and releases the export. Patrons are named by card number or id in bodies only.
 */
export function disclosureRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    const legal = (request: Parameters<typeof runFor>[1]) => runFor(runtime, request, 'legal-disclosure');

    app.post(
      '/legal-requests',
      { schema: ReceiveRequestRoute },
      async (request, reply) => reply.status(201).send(await legal(request)(receiveRequest, request.body)),
    );

    app.get(
      '/libraries/:libraryId/legal-requests',
      { schema: ListRequestsRoute },
      async (request) => legal(request)(listRequests, { libraryId: request.params.libraryId }),
    );

    app.get(
      '/legal-requests/:requestId',
      { schema: GetRequestRoute },
      async (request) => legal(request)(getRequest, { requestId: request.params.requestId }),
    );

    app.post(
      '/legal-requests/:requestId/referral',
      { schema: ReferToDirectorRoute },
      async (request) => legal(request)(referToDirector, { requestId: request.params.requestId }),
    );

    app.post(
      '/legal-requests/:requestId/review',
      { schema: RecordCounselReviewRoute },
      async (request) => legal(request)(recordCounselReview, { requestId: request.params.requestId, ...request.body }),
    );

    app.post(
      '/legal-requests/:requestId/decision',
      { schema: DecideRequestRoute },
      async (request) => {
        const { approve, notes, requires, gagUntil } = request.body;
        return legal(request)(decideRequest, {
          requestId: request.params.requestId,
          approve,
          ...(notes !== undefined ? { notes } : {}),
          ...(requires !== undefined ? { requires } : {}),
          ...(gagUntil !== undefined ? { gagUntil } : {}),
        });
      },
    );

    app.post(
      '/legal-requests/:requestId/release',
      { schema: ReleaseRequestRoute },
      async (request, reply) => {
        const released = await legal(request)(releaseRequest, { requestId: request.params.requestId });
        void reply.header('content-disposition', `attachment; filename="legal-disclosure-${released.requestId}.json"`);
        return released;
      },
    );

    app.post(
      '/legal-requests/:requestId/withdrawal',
      { schema: WithdrawRequestRoute },
      async (request) => legal(request)(withdrawRequest, { requestId: request.params.requestId, notes: request.body.notes ?? null }),
    );
  };
}
