import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../usecases/context.js';
import { correctPatron, identifyPatron, reissueCard } from '../../usecases/patron-service.usecases.js';
import { runAttempt } from '../../usecases/patron-auth.usecases.js';
import { CorrectPatronRoute, IdentifyPatronRoute, ReissueCardRoute } from '../schemas/patron-service.js';
import { runFor } from './context.js';

/**
 * The desk's service of an account: a new card after a lost one (IF-6), corrections, and identifying a
 * patron without their card by photo ID and date of birth (IF-5).
 */
export function patronServiceRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/patrons/:patronId/card',
      { schema: ReissueCardRoute },
      async (request) => runFor(runtime, request, 'account-service')(reissueCard, { patronId: request.params.patronId }),
    );

    app.patch(
      '/patrons/:patronId',
      { schema: CorrectPatronRoute },
      async (request) => runFor(runtime, request, 'account-service')(correctPatron, { patronId: request.params.patronId, ...request.body }),
    );

    app.post(
      '/patrons/identify',
      { schema: IdentifyPatronRoute },
      async (request) => runAttempt(runtime, { actor: request.actor, purpose: 'account-service', channel: 'http' }, identifyPatron, request.body),
    );
  };
}
