import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { renewAll } from '../../usecases/circulation.usecases.js';
import type { Runtime } from '../../usecases/context.js';
import { changeMembership, linkGuardian, renewCard, resetPin } from '../../usecases/patron-card.usecases.js';
import { ChangeMembershipRoute, LinkGuardianRoute, RenewAllRoute, RenewCardRoute, ResetPinRoute } from '../schemas/patron-card.js';
import { runFor } from './context.js';

/** The desk's card and account actions (issue 15, CB-F2). A PIN travels only in the answer that sets it. */
export function patronCardRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/patrons/:patronId/renew-card',
      { schema: RenewCardRoute },
      async (request) => runFor(runtime, request, 'account-service')(renewCard, { patronId: request.params.patronId, verified: request.body.verified }),
    );

    app.post(
      '/patrons/:patronId/reset-pin',
      { schema: ResetPinRoute },
      async (request) => runFor(runtime, request, 'account-service')(resetPin, { patronId: request.params.patronId }),
    );

    app.patch(
      '/patrons/:patronId/membership',
      { schema: ChangeMembershipRoute },
      async (request) =>
        runFor(runtime, request, 'account-service')(changeMembership, {
          patronId: request.params.patronId,
          ...(request.body.category !== undefined ? { categoryCode: request.body.category } : {}),
          ...(request.body.homeBranch !== undefined ? { homeBranch: request.body.homeBranch } : {}),
        }),
    );

    app.post(
      '/patrons/:patronId/guardians',
      { schema: LinkGuardianRoute },
      async (request) => runFor(runtime, request, 'account-service')(linkGuardian, { patronId: request.params.patronId, guardianCardNumber: request.body.guardianCardNumber }),
    );

    app.post(
      '/patrons/:patronId/renew-all',
      { schema: RenewAllRoute },
      async (request) => runFor(runtime, request, 'circulation')(renewAll, { patronId: request.params.patronId }),
    );
  };
}
