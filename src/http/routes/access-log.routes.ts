import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { patronAccessLog, securityAlerts, verifyAccessLog } from '../../usecases/access-log.usecases.js';
import { run, type Runtime } from '../../usecases/context.js';
import { PatronAccessLogRoute, SecurityAlertsRoute, VerifyAccessLogRoute } from '../schemas/access-log.js';
import { runFor } from './context.js';

/** The access log: verification of its hash chains, one patron's entries and the library's alerts for the privacy officer. */
export function accessLogRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/access-log/verification',
      { schema: VerifyAccessLogRoute },
      async (request) =>
        run(runtime, { actor: request.actor, purpose: 'administration', channel: 'http' }, verifyAccessLog,
          { ...(request.query.library ? { libraryId: request.query.library } : {}), ...(request.query.incremental === 'true' ? { incremental: true } : {}) },
          { snapshot: true },
        ),
    );

    app.get(
      '/patrons/:patronId/access-log',
      { schema: PatronAccessLogRoute },
      async (request) => runFor(runtime, request, 'administration')(patronAccessLog, { patronId: request.params.patronId }),
    );

    app.get(
      '/alerts',
      { schema: SecurityAlertsRoute },
      async (request) =>
        runFor(runtime, request, 'administration')(securityAlerts, {
          ...(request.query.library !== undefined ? { libraryId: request.query.library } : {}),
          ...(request.query.since !== undefined ? { since: request.query.since } : {}),
        }),
    );
  };
}
