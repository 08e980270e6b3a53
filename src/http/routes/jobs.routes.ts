import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { jobsOverview } from '../../jobs/scheduler.js';
import type { Runtime } from '../../usecases/context.js';
import { ListJobsRoute } from '../schemas/jobs.js';

/** The scheduler's jobs and their latest runs, for administrators (`jobs.manage`). */
export function jobsRoutes(runtime: Runtime, retentionSchedule?: string): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/jobs', { schema: ListJobsRoute }, async (request) => ({
      jobs: await jobsOverview(runtime, { actor: request.actor, purpose: 'administration', channel: 'http' }, {
        ...(retentionSchedule !== undefined ? { retentionSchedule } : {}),
        ...(request.query.libraryId !== undefined ? { libraryId: request.query.libraryId } : {}),
      }),
    }));
  };
}
