/**
 * The register of records kept outside Carrel (CB-H, RF-9) and their disposals.
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { forbiddableResponses, Id, Instant, LanguageParam, LibraryId, Nullable } from './common.js';

export const SeriesCode = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'A series code, unique in the library (`security-camera`).' });
export const SeriesView = Type.Object({
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
export const LibraryParams = Type.Object({ libraryId: LibraryId });

/** GET /api/v1/libraries/:libraryId/record-series */
export const ListSeriesRoute = {
  tags: ['records kept outside Carrel'],
  summary: 'The register of record series kept outside Carrel, each with whether it is due for disposal',
  params: LibraryParams,
  querystring: Type.Object({ lang: Type.Optional(LanguageParam) }, { additionalProperties: false }),
  response: { 200: Type.Array(SeriesView), ...forbiddableResponses },
};

/** POST /api/v1/libraries/:libraryId/record-series */
export const AddSeriesRoute = {
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
  response: { 201: SeriesView, ...forbiddableResponses },
};

/** GET /api/v1/libraries/:libraryId/record-series/due */
export const DueForDisposalRoute = {
  tags: ['records kept outside Carrel'],
  summary: 'The series due for disposal now',
  params: LibraryParams,
  querystring: Type.Object({ lang: Type.Optional(LanguageParam) }, { additionalProperties: false }),
  response: { 200: Type.Array(SeriesView), ...forbiddableResponses },
};

/** POST /api/v1/libraries/:libraryId/record-series/:code/disposals */
export const ConfirmDisposalRoute = {
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
    ...forbiddableResponses,
  },
};

/** The answers' static types, for the web app. */
export type RecordSeries = Static<typeof SeriesView>;
