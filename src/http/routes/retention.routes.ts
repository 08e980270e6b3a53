import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { runRetentionFor } from '../../jobs/retention.job.js';
import type { Runtime } from '../../usecases/context.js';
import { listProfiles, profileOf } from '../../usecases/profile.usecases.js';
import { retentionHistory, setReadingHistory } from '../../usecases/retention.usecases.js';
import { GetProfileRoute, ListProfilesRoute, RetentionHistoryRoute, RunRetentionRoute, SetReadingHistoryRoute } from '../schemas/retention.js';
import { runFor } from './context.js';

/** Policy profiles, retention runs and their receipts, and reading-history consent. */
export function retentionRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/profiles',
      { schema: ListProfilesRoute },
      async (request) => listProfiles({ actor: request.actor }).map(({ id, name, jurisdiction, version, effective }) => ({ id, name, jurisdiction, version, effective })),
    );

    app.get(
      '/profiles/:profileId',
      { schema: GetProfileRoute },
      async (request) => profileOf({ actor: request.actor }, { profileId: request.params.profileId }),
    );

    app.post(
      '/retention/runs',
      { schema: RunRetentionRoute },
      async (request) =>
        runRetentionFor(runtime, { actor: request.actor, purpose: 'retention', channel: 'http' }, { libraryId: request.body.libraryId, dryRun: request.body.dryRun === true }),
    );

    app.get(
      '/libraries/:libraryId/retention/runs',
      { schema: RetentionHistoryRoute },
      async (request) =>
        runFor(runtime, request, 'retention')(retentionHistory, {
          libraryId: request.params.libraryId,
          ...(request.query.limit ? { limit: Number(request.query.limit) } : {}),
          ...(request.query.lang ? { language: request.query.lang } : {}),
        }),
    );

    app.put(
      '/patrons/:patronId/reading-history',
      { schema: SetReadingHistoryRoute },
      async (request) => runFor(runtime, request, 'account-service')(setReadingHistory, { patronId: request.params.patronId, keep: request.body.keep }),
    );
  };
}
