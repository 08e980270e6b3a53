/**
 * Policy profiles, retention runs and their receipts, and reading-history consent (JC-IIIc).
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { RETENTION_CATEGORIES } from '../../domain/records.js';
import { errorResponses, Id, Instant, LanguageParam, LibraryId, Nullable } from './common.js';

export const ProfileId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
export const CategoryResult = Type.Object({
  category: Type.String({ enum: [...RETENTION_CATEGORIES] }),
  rule: Type.String(),
  clause: Type.String(),
  disposal: Type.String(),
  disposed: Type.Integer(),
  kept: Type.Integer({ description: 'Records past their period but kept for a reason (item unreturned, fines owed, reading history opted in…).' }),
  held: Type.Integer({ description: 'Of `kept`, the records a live legal hold alone kept.' }),
  skipped: Type.Optional(Type.Object({ reason: Type.Literal('sweep-not-due'), nextSweepAfter: Instant })),
});
export const Receipt = Type.Object({
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

/** GET /api/v1/profiles */
export const ListProfilesRoute = { tags: ['retention'], summary: 'The policy profiles this installation can use', response: { 200: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), jurisdiction: Type.String(), version: Type.Integer(), effective: Type.String() })), ...errorResponses } };

/** GET /api/v1/profiles/:profileId */
export const GetProfileRoute = {
  tags: ['retention'],
  summary: 'One policy profile, as validated (every rule with its clause)',
  params: Type.Object({ profileId: ProfileId }),
  response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses },
};

/** POST /api/v1/retention/runs */
export const RunRetentionRoute = {
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
      walCheckpoint: Nullable(
        Type.Union([Type.Literal('truncated'), Type.Literal('busy')], {
          description:
            'SQLite: whether the deleted rows left the write-ahead log at the end of the run (`truncated`), or another process’s open read kept them there for now (`busy`: the next deletion or run tries again). Null on PostgreSQL and for a dry run.',
        }),
      ),
    }),
    ...errorResponses,
  },
};

/** GET /api/v1/libraries/:libraryId/retention/runs */
export const RetentionHistoryRoute = {
  tags: ['retention'],
  summary: 'A library’s latest retention runs and their receipts (administrators)',
  params: Type.Object({ libraryId: LibraryId }),
  // A query string carries text: `limit` is digits, 1 to 100 (the server does not coerce types).
  querystring: Type.Object(
    {
      limit: Type.Optional(Type.String({ pattern: '^(100|[1-9][0-9]?)$', description: 'How many runs, newest first: 1 to 100.' })),
      lang: Type.Optional(LanguageParam),
    },
    { additionalProperties: false },
  ),
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
};

/** PUT /api/v1/patrons/:patronId/reading-history */
export const SetReadingHistoryRoute = {
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
};

/** The answers' static types, for the web app. */
export type RetentionReceipt = Static<typeof Receipt>;
export type RetentionRuns = Static<(typeof RetentionHistoryRoute.response)[200]>;
export type RetentionRunAnswer = Static<(typeof RunRetentionRoute.response)[200]>;
