import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../usecases/context.js';
import {
  createSip2Account,
  disableSip2Account,
  enableSip2Account,
  listSip2AccountsWithBounds,
  resetSip2Password,
  updateSip2Account,
} from '../../usecases/sip2-account.usecases.js';
import {
  CreateSip2AccountRoute,
  DisableSip2AccountRoute,
  EnableSip2AccountRoute,
  ListSip2AccountsRoute,
  ResetSip2PasswordRoute,
  UpdateSip2AccountRoute,
} from '../schemas/sip2.js';
import { runFor } from './context.js';

/**
 * SIP2 accounts (issue 16), administrators only: list them with each kind's bounds, add one (its
 * password answered once), change its addresses, patron fields or branch, disable, re-enable, reset its
 * password. Each change enters the library's chain of the access log.
 */
export function sip2AccountRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    const as = (request: Parameters<typeof runFor>[1]) => runFor(runtime, request, 'administration');
    const base = '/libraries/:libraryId/sip2-accounts';

    app.get(base, { schema: ListSip2AccountsRoute }, async (request) => as(request)(listSip2AccountsWithBounds, { libraryId: request.params.libraryId }));

    app.post(base, { schema: CreateSip2AccountRoute }, async (request, reply) =>
      reply.status(201).send(await as(request)(createSip2Account, { libraryId: request.params.libraryId, ...request.body })),
    );

    app.patch(`${base}/:accountId`, { schema: UpdateSip2AccountRoute }, async (request) =>
      as(request)(updateSip2Account, { libraryId: request.params.libraryId, id: request.params.accountId, ...request.body }),
    );

    app.post(`${base}/:accountId/disable`, { schema: DisableSip2AccountRoute }, async (request) =>
      as(request)(disableSip2Account, { libraryId: request.params.libraryId, id: request.params.accountId }),
    );

    app.post(`${base}/:accountId/enable`, { schema: EnableSip2AccountRoute }, async (request) =>
      as(request)(enableSip2Account, { libraryId: request.params.libraryId, id: request.params.accountId }),
    );

    app.post(`${base}/:accountId/reset-password`, { schema: ResetSip2PasswordRoute }, async (request) =>
      as(request)(resetSip2Password, { libraryId: request.params.libraryId, id: request.params.accountId }),
    );
  };
}
