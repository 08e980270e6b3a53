import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { runRetentionFor } from '../../jobs/retention.job.js';
import { RETENTION_CATEGORIES } from '../../policy/retention.policy.js';
import type { Runtime } from '../../usecases/context.js';
import { listProfiles, profileOf } from '../../usecases/profile.usecases.js';
import { retentionHistory, setReadingHistory } from '../../usecases/retention.usecases.js';
import { errorResponses, Id, Instant, LibraryId, Nullable } from '../schemas.js';
import { runFor } from './context.js';

const ProfileId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });

const CategoryResult = Type.Object({
  category: Type.String({ enum: [...RETENTION_CATEGORIES] }),
  rule: Type.String(),
  clause: Type.String(),
  disposal: Type.String(),
  disposed: Type.Integer(),
  kept: Type.Integer({ description: 'Records past their period but kept for a reason (item unreturned, fines owed, reading history opted in…).' }),
  held: Type.Integer({ description: 'Of `kept`, the records a live legal hold alone kept.' }),
  skipped: Type.Optional(Type.Object({ reason: Type.Literal('sweep-not-due'), nextSweepAfter: Instant })),
});

const Receipt = Type.Object({
  category: Type.String(),
  rule: Type.String(),
  clause: Type.String(),
  disposal: Type.String(),
  disposed: Type.Integer(),
  kept: Type.Integer(),
  held: Type.Integer({ description: 'Of `kept`, the records a live legal hold alone kept.' }),
  firstAt: Instant,
  lastAt: Instant,
});

/** Policy profiles, retention runs and their receipts, and reading-history consent. */
export function retentionRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/profiles',
      { schema: { tags: ['retention'], summary: 'The policy profiles this installation can use', response: { 200: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), jurisdiction: Type.String(), version: Type.Integer(), effective: Type.String() })), ...errorResponses } } },
      async (request) => listProfiles({ actor: request.actor }).map(({ id, name, jurisdiction, version, effective }) => ({ id, name, jurisdiction, version, effective })),
    );

    app.get(
      '/profiles/:profileId',
      {
        schema: {
          tags: ['retention'],
          summary: 'One policy profile, as validated (every rule with its clause)',
          params: Type.Object({ profileId: ProfileId }),
          response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses },
        },
      },
      async (request) => profileOf({ actor: request.actor }, { profileId: request.params.profileId }),
    );

    app.post(
      '/retention/runs',
      {
        schema: {
          tags: ['retention'],
          summary: 'Run retention for a library now (administrators)',
          description: 'The same engine `carrel start` runs nightly. `dryRun` decides and counts without changing anything or leaving a receipt.',
          body: Type.Object({ libraryId: LibraryId, dryRun: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
          response: {
            200: Type.Object({
              asOf: Instant,
              dryRun: Type.Boolean(),
              libraries: Type.Array(
                Type.Object({
                  libraryId: Type.String(),
                  profileId: Type.String(),
                  profileVersion: Type.Integer(),
                  runId: Nullable(Id),
                  resumedFrom: Nullable(Id),
                  agesRebanded: Type.Integer(),
                  sessionsEnded: Type.Integer(),
                  servicesCounted: Type.Integer({ description: 'Services that had ended by the run’s as-of, counted in the statistics by this run.' }),
                  categories: Type.Array(CategoryResult),
                  externalRecordsDue: Type.Array(
                    Type.Object({ code: Type.String(), name: Type.String(), retentionDays: Type.Integer(), clause: Nullable(Type.String()), dueThrough: Instant, overdueSince: Nullable(Instant) }),
                  ),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) =>
        runRetentionFor(runtime, { actor: request.actor, purpose: 'retention', channel: 'http' }, { libraryId: request.body.libraryId, dryRun: request.body.dryRun === true }),
    );

    app.get(
      '/libraries/:libraryId/retention/runs',
      {
        schema: {
          tags: ['retention'],
          summary: 'A library’s latest retention runs and their receipts (administrators)',
          params: Type.Object({ libraryId: LibraryId }),
          // A query string carries text: `limit` is digits, 1 to 100 (the server does not coerce types).
          querystring: Type.Object({ limit: Type.Optional(Type.String({ pattern: '^(100|[1-9][0-9]?)$', description: 'How many runs, newest first: 1 to 100.' })) }, { additionalProperties: false }),
          response: {
            200: Type.Object({
              libraryId: Type.String(),
              profile: Type.Object({ id: Type.String(), version: Type.Integer() }),
              runs: Type.Array(
                Type.Object({
                  id: Id,
                  libraryId: Type.String(),
                  profileId: Type.String(),
                  profileVersion: Type.Integer(),
                  asOf: Instant,
                  startedAt: Instant,
                  heartbeatAt: Instant,
                  finishedAt: Nullable(Instant),
                  status: Type.String(),
                  receipts: Type.Array(Receipt),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) =>
        runFor(runtime, request, 'retention')(retentionHistory, { libraryId: request.params.libraryId, ...(request.query.limit ? { limit: Number(request.query.limit) } : {}) }),
    );

    app.put(
      '/patrons/:patronId/reading-history',
      {
        schema: {
          tags: ['patrons'],
          summary: 'Keep or stop keeping a patron’s reading history (JC-IIIc)',
          description:
            'Off unless the patron asks. Turning it off deletes the history at once: every complete loan the profile would not otherwise keep is anonymised in the same request. Refused with READING_HISTORY_NOT_OFFERED where the profile does not offer it.',
          params: Type.Object({ patronId: Id }),
          body: Type.Object({ keep: Type.Boolean() }, { additionalProperties: false }),
          response: {
            200: Type.Object({ patronId: Id, readingHistory: Type.Boolean(), since: Nullable(Instant), loansDeleted: Type.Integer() }),
            ...errorResponses,
          },
        },
      },
      async (request) => runFor(runtime, request, 'account-service')(setReadingHistory, { patronId: request.params.patronId, keep: request.body.keep }),
    );
  };
}
