import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../usecases/context.js';
import { completeItemTask, expiredHoldsList, inTransitList, overdueList, pullList } from '../../usecases/staff-lists.usecases.js';
import { CompleteListRowRoute, ExpiredHoldsListRoute, InTransitListRoute, OverdueListRoute, PullListRoute } from '../schemas/staff-lists.js';
import { runFor } from './context.js';

function scope(libraryId: string, branch: string | undefined) {
  return { libraryId, ...(branch !== undefined ? { branch } : {}) };
}

/** Staff lists for staff on duty: overdue items, holds to pull, expired holds to reshelve, in transit. */
export function staffListRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/libraries/:libraryId/lists/overdue', { schema: OverdueListRoute }, async (request) => {
      const { branch, minDaysOverdue, purpose } = request.query;
      return runFor(runtime, request, purpose ?? 'circulation')(overdueList, { ...scope(request.params.libraryId, branch), ...(minDaysOverdue !== undefined ? { minDaysOverdue: Number(minDaysOverdue) } : {}) });
    });
    app.get('/libraries/:libraryId/lists/pull', { schema: PullListRoute }, async (request) =>
      runFor(runtime, request, 'circulation')(pullList, scope(request.params.libraryId, request.query.branch)),
    );
    app.get('/libraries/:libraryId/lists/expired-holds', { schema: ExpiredHoldsListRoute }, async (request) =>
      runFor(runtime, request, 'circulation')(expiredHoldsList, scope(request.params.libraryId, request.query.branch)),
    );
    app.get('/libraries/:libraryId/lists/in-transit', { schema: InTransitListRoute }, async (request) =>
      runFor(runtime, request, 'circulation')(inTransitList, scope(request.params.libraryId, request.query.branch)),
    );
    app.post('/libraries/:libraryId/lists/done', { schema: CompleteListRowRoute }, async (request) =>
      runFor(runtime, request, 'circulation')(completeItemTask, { libraryId: request.params.libraryId, itemBarcode: request.body.itemBarcode }),
    );
  };
}
