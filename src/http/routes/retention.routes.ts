import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorCode, refuse } from '../../domain/errors.js';
import { runRetentionFor } from '../../jobs/retention.job.js';
import { profiles } from '../../profile/profiles.js';
import type { Runtime } from '../../usecases/context.js';
import { retentionHistory, setReadingHistory } from '../../usecases/retention.usecases.js';
import { GetProfileRoute, ListProfilesRoute, RetentionHistoryRoute, RunRetentionRoute, SetReadingHistoryRoute } from '../schemas/retention.js';
import { runFor } from './context.js';

/** Policy profiles, retention runs and their receipts, and reading-history consent. */
export function retentionRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/profiles',
      { schema: ListProfilesRoute },
      async () => profiles().all().map(({ id, name, jurisdiction, version, effective }) => ({ id, name, jurisdiction, version, effective })),
    );

    app.get(
      '/profiles/:profileId',
      { schema: GetProfileRoute },
      async (request) => {
        if (!profiles().has(request.params.profileId)) throw refuse(ErrorCode.PROFILE_NOT_FOUND, 'No policy profile has that id.', 'profileId');
        const { file: _file, ...profile } = profiles().get(request.params.profileId);
        return profile;
      },
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
        runFor(runtime, request, 'retention')(retentionHistory, { libraryId: request.params.libraryId, ...(request.query.limit ? { limit: Number(request.query.limit) } : {}) }),
    );

    app.put(
      '/patrons/:patronId/reading-history',
      { schema: SetReadingHistoryRoute },
      async (request) => runFor(runtime, request, 'account-service')(setReadingHistory, { patronId: request.params.patronId, keep: request.body.keep }),
    );
  };
}
