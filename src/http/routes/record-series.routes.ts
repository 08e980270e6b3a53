import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Runtime } from '../../usecases/context.js';
import { addSeries, confirmDisposal, dueForDisposal, listSeries } from '../../usecases/record-series.usecases.js';
import { ErrorResponse, errorResponses, Id, Instant, LibraryId, Nullable } from '../schemas.js';
import { runFor } from './context.js';

const SeriesCode = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'A series code, unique in the library (`security-camera`).' });

const SeriesView = Type.Object({
  code: Type.String(),
  name: Type.String(),
  medium: Type.String(),
  location: Nullable(Type.String()),
  retentionDays: Type.Integer(),
  clause: Nullable(Type.String()),
  fromProfile: Type.Boolean({ description: 'Declared by the library’s policy profile (kept in step with it), rather than added by an administrator.' }),
  createdAt: Instant,
  lastDisposal: Nullable(Type.Object({ disposedThrough: Instant, method: Type.String(), confirmedBy: Type.String(), confirmedAt: Instant })),
  due: Type.Object({
    status: Type.Union([Type.Literal('due'), Type.Literal('not-due')]),
    dueThrough: Instant,
    overdueSince: Nullable(Instant),
    reason: Type.String({ description: 'never-confirmed, confirmation-behind-cutoff, confirmed-through-cutoff or within-retention-since-registered' }),
  }),
});

const LibraryParams = Type.Object({ libraryId: LibraryId });
const responses = { ...errorResponses, 403: ErrorResponse };

/**
 * The register of records kept outside Carrel (camera footage CB-H / RF-9, paper sign-up sheets): the
 * series and their retention, what is due for disposal, and disposal confirmations (administrators).
 */
export function recordSeriesRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/libraries/:libraryId/record-series',
      {
        schema: {
          tags: ['records kept outside Carrel'],
          summary: 'The register of record series kept outside Carrel, each with whether it is due for disposal',
          params: LibraryParams,
          response: { 200: Type.Array(SeriesView), ...responses },
        },
      },
      async (request) => runFor(runtime, request, 'administration')(listSeries, { libraryId: request.params.libraryId }),
    );

    app.post(
      '/libraries/:libraryId/record-series',
      {
        schema: {
          tags: ['records kept outside Carrel'],
          summary: 'Add a series the profile does not declare (administrators)',
          params: LibraryParams,
          body: Type.Object(
            {
              code: SeriesCode,
              name: Type.String({ minLength: 1, maxLength: 200 }),
              medium: Type.String({ minLength: 1, maxLength: 100, description: 'What the records are on: digital video, paper…' }),
              location: Type.Optional(Nullable(Type.String({ maxLength: 200, description: 'Where they are kept.' }))),
              retentionDays: Type.Integer({ minimum: 0, maximum: 36_500 }),
              clause: Type.Optional(Nullable(Type.String({ maxLength: 40, description: 'The policy clause the retention comes from (CB-H, RF-9…).' }))),
            },
            { additionalProperties: false },
          ),
          response: { 201: SeriesView, ...responses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await runFor(runtime, request, 'administration')(addSeries, { libraryId: request.params.libraryId, ...request.body })),
    );

    app.get(
      '/libraries/:libraryId/record-series/due',
      {
        schema: {
          tags: ['records kept outside Carrel'],
          summary: 'The series due for disposal now',
          params: LibraryParams,
          response: { 200: Type.Array(SeriesView), ...responses },
        },
      },
      async (request) => runFor(runtime, request, 'administration')(dueForDisposal, { libraryId: request.params.libraryId }),
    );

    app.post(
      '/libraries/:libraryId/record-series/:code/disposals',
      {
        schema: {
          tags: ['records kept outside Carrel'],
          summary: 'Confirm that a series was destroyed through an instant (administrators)',
          description:
            'Records that everything of the series recorded before `disposedThrough` has been destroyed, with who confirmed it and when. A date (YYYY-MM-DD) means the end of that day in the library’s time zone. Refused if it is in the future or earlier than the latest confirmation.',
          params: Type.Object({ libraryId: LibraryId, code: SeriesCode }),
          body: Type.Object(
            {
              disposedThrough: Type.String({ minLength: 1, maxLength: 40, description: 'YYYY-MM-DD, or an ISO-8601 instant with an offset.' }),
              method: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'How it was destroyed (default: destroyed).' })),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({
              disposal: Type.Object({ id: Id, seriesId: Id, disposedThrough: Instant, method: Type.String(), confirmedBy: Type.String(), confirmedAt: Instant }),
              series: SeriesView,
            }),
            ...responses,
          },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await runFor(runtime, request, 'administration')(confirmDisposal, { libraryId: request.params.libraryId, code: request.params.code, ...request.body })),
    );
  };
}
