/**
 * The scheduler's jobs and their latest runs (issue 15, jobs). The routes' JSON Schemas (shown in
 * /openapi.json); the web app reads their static types. Imports only typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { errorResponses, LibraryId, Nullable, Instant } from './common.js';

export const JobRunView = Type.Object({
  job: Type.String(),
  period: Type.String({ description: 'A library’s local date (`2026-12-05@library-id`), an hour (`2026-12-05T07:00Z`) or an occurrence of the retention schedule.' }),
  libraryId: Nullable(Type.String()),
  status: Type.String({ enum: ['running', 'done', 'failed'] }),
  runner: Type.String({ description: 'The process that ran it: host, process id and a random tag.' }),
  startedAt: Instant,
  finishedAt: Nullable(Instant),
  outcome: Nullable(Type.Record(Type.String(), Type.Union([Type.Integer(), Type.String()]), { description: 'What the run did, in counts (no personal data), or `{ "error": CODE }`.' })),
});

export const JobView = Type.Object({
  name: Type.String(),
  description: Type.String(),
  period: Type.String(),
  scheduled: Type.Boolean({ description: 'Whether `carrel start` runs it by itself.' }),
  lastRuns: Type.Array(JobRunView, { description: 'The latest run of each library’s periods (one, for a job of every library at once).' }),
});

/** GET /api/v1/jobs */
export const ListJobsRoute = {
  tags: ['jobs'],
  summary: 'The scheduler’s jobs: each one’s period, when it last ran and what it did (administrators)',
  querystring: Type.Object({ libraryId: Type.Optional(LibraryId) }, { additionalProperties: false }),
  response: { 200: Type.Object({ jobs: Type.Array(JobView) }), ...errorResponses },
};
export type JobsAnswer = Static<(typeof ListJobsRoute)['response'][200]>;
