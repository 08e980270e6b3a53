import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../usecases/context.js';
import { deletePatron } from '../../usecases/patron-deletion.usecases.js';
import { exportPatron, findPatrons, patronAccount, registerPatron, setPatronStatus } from '../../usecases/patron.usecases.js';
import { DeletePatronRoute, ExportPatronRoute, FindPatronsRoute, LookupPatronRoute, PatronAccountRoute, RegisterPatronRoute, SetPatronStatusRoute } from '../schemas/patrons.js';
import { lookupPurpose, runFor } from './context.js';

/** Patron registration, look-up and export. Card numbers travel in bodies, never in URLs. */
export function patronRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/patrons',
      { schema: RegisterPatronRoute },
      async (request, reply) => {
        const { category, guardianCardNumber, ...rest } = request.body;
        const registered = await runFor(runtime, request, 'account-service')(registerPatron, {
          ...rest,
          ...(category ? { categoryCode: category } : {}),
          guardianCard: guardianCardNumber ?? null,
        });
        return reply.status(201).send(registered);
      },
    );

    app.post(
      '/patrons/lookup',
      { schema: LookupPatronRoute },
      async (request) => runFor(runtime, request, lookupPurpose(request.body.purpose))(patronAccount, { cardNumber: request.body.cardNumber }),
    );

    app.post(
      '/patrons/search',
      { schema: FindPatronsRoute },
      async (request) => {
        const { purpose, ...search } = request.body;
        return runFor(runtime, request, lookupPurpose(purpose))(findPatrons, search);
      },
    );

    app.delete(
      '/patrons/:patronId',
      { schema: DeletePatronRoute },
      async (request) => runFor(runtime, request, 'account-service')(deletePatron, { patronId: request.params.patronId }),
    );

    app.get(
      '/patrons/:patronId',
      { schema: PatronAccountRoute },
      async (request) => runFor(runtime, request, lookupPurpose(request.query.purpose))(patronAccount, { patronId: request.params.patronId }),
    );

    app.get(
      '/patrons/:patronId/export',
      { schema: ExportPatronRoute },
      async (request) => runFor(runtime, request, lookupPurpose(request.query.purpose))(exportPatron, { patronId: request.params.patronId }),
    );

    app.put(
      '/patrons/:patronId/status',
      { schema: SetPatronStatusRoute },
      async (request) => runFor(runtime, request, 'account-service')(setPatronStatus, { patronId: request.params.patronId, status: request.body.status }),
    );
  };
}
