import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Runtime } from '../../usecases/context.js';
import { cancelMyHold, myHolds, myLoans, placeMyHold, renewAllMine, renewMyLoan, suspendMyHold } from '../../usecases/my-circulation.usecases.js';
import { CancelMyHoldRoute, MyHoldsRoute, MyLoansRoute, PlaceMyHoldRoute, RenewAllMineRoute, RenewMyLoanRoute, SuspendMyHoldRoute } from '../schemas/my-circulation.js';
import { requireSession } from '../session.js';
import { runFor } from './context.js';

/**
 * The patron's own loans and holds under /me (a patron session, the X-CSRF-Token header on every
 * change). Ids of loans and holds only in the path; a loan or hold of anyone else is not found.
 */
export function myCirculationRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (me) => {
    me.addHook('onRequest', requireSession(runtime, 'patron'));
    const self = (request: FastifyRequest) => runFor(runtime, request, 'self-service');

    me.get('/me/loans', { schema: MyLoansRoute }, async (request) => self(request)(myLoans, {}));
    me.post('/me/loans/renew-all', { schema: RenewAllMineRoute }, async (request) => self(request)(renewAllMine, {}));
    me.post('/me/loans/:loanId/renew', { schema: RenewMyLoanRoute }, async (request) => self(request)(renewMyLoan, { loanId: request.params.loanId }));
    me.get('/me/holds', { schema: MyHoldsRoute }, async (request) => self(request)(myHolds, {}));
    me.post('/me/holds', { schema: PlaceMyHoldRoute }, async (request, reply) => {
      const hold = await self(request)(placeMyHold, request.body);
      return reply.code(201).send(hold);
    });
    me.post('/me/holds/:holdId/suspend', { schema: SuspendMyHoldRoute }, async (request) =>
      self(request)(suspendMyHold, { holdId: request.params.holdId, until: request.body.until }),
    );
    me.post('/me/holds/:holdId/cancel', { schema: CancelMyHoldRoute }, async (request) => self(request)(cancelMyHold, { holdId: request.params.holdId }));
  };
}
