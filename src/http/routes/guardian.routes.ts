import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../usecases/context.js';
import { dependentRecord, myDependents } from '../../usecases/guardian.usecases.js';
import { DependentRecordRoute, MyDependentsRoute } from '../schemas/guardian.js';
import { runFor } from './context.js';

/**
 * A guardian's view of the minors they signed for (RR-8, CB-B3, JC-IVc, IF-7), for a patron logged in
 * with their own card and PIN. The child's card number travels in the body, never in the URL; every
 * refusal is PATRON_NOT_FOUND, whether there is no link, it has ended, or the profile gives nothing.
 */
export function guardianRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/me/dependents',
      { schema: MyDependentsRoute },
      async (request) => runFor(runtime, request, 'guardian-access')(myDependents, undefined),
    );

    app.post(
      '/me/dependents/:minorId/record',
      {
        schema: DependentRecordRoute,
        // A guardian without the child's card may send no body at all: that is an empty one.
        preValidation: async (request) => {
          (request as { body: unknown }).body ??= {};
        },
      },
      async (request) =>
        runFor(runtime, request, 'guardian-access')(dependentRecord, { minorId: request.params.minorId, childCardNumber: request.body.childCardNumber ?? null }),
    );
  };
}
