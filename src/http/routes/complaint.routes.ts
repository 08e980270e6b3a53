import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../usecases/context.js';
import { answerComplaint, getComplaint, listComplaints, recordComplaint } from '../../usecases/complaint.usecases.js';
import { AnswerComplaintRoute, GetComplaintRoute, ListComplaintsRoute, RecordComplaintRoute } from '../schemas/complaint.js';
import { runFor } from './context.js';

/** Written complaints (JC-VIII): any desk records one; the director answers by the due date. */
export function complaintRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/complaints',
      { schema: RecordComplaintRoute },
      async (request, reply) => reply.status(201).send(await runFor(runtime, request, 'account-service')(recordComplaint, request.body)),
    );

    app.post(
      '/complaints/:complaintId/answer',
      { schema: AnswerComplaintRoute },
      async (request) => runFor(runtime, request, 'account-service')(answerComplaint, { complaintId: request.params.complaintId, ...request.body }),
    );

    app.get(
      '/complaints/:complaintId',
      { schema: GetComplaintRoute },
      async (request) => runFor(runtime, request, 'account-service')(getComplaint, { complaintId: request.params.complaintId }),
    );

    app.get(
      '/libraries/:libraryId/complaints',
      { schema: ListComplaintsRoute },
      async (request) =>
        runFor(runtime, request, 'account-service')(listComplaints, {
          libraryId: request.params.libraryId,
          open: request.query.open === 'true',
          ...(request.query.limit ? { limit: Number(request.query.limit) } : {}),
        }),
    );
  };
}
