/**
 * The access log's answers: verification of its hash chains, and one patron's entries.
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { errorResponses, Id, Instant, LibraryId, Nullable } from './common.js';

export const LinkProblem = Type.String({ enum: ['edited', 'missing', 'reordered', 'before-base', 'base-moved', 'head-mismatch', 'unchained', 'lane-missing', 'lanes-moved', 'checkpoint-moved'] });
export const BrokenLink = Type.Object({
  chain: Nullable(Type.String()),
  chainSeq: Nullable(Type.Integer()),
  seq: Nullable(Type.Integer()),
  problem: LinkProblem,
  detail: Type.String(),
});
const Position = Type.Object({ seq: Type.Integer(), hash: Type.String() });
export const LaneVerification = Type.Object({
  lane: Type.Integer({ description: 'Lane 0 is the library’s own chain; lane k is the chain `<library>/k`.' }),
  chain: Type.String(),
  entries: Type.Integer(),
  ok: Type.Boolean(),
  brokenLinks: Type.Integer(),
  head: Nullable(Type.Object({ seq: Type.Integer(), hash: Type.String() }, { description: 'Keep the hash elsewhere: a later truncation of the lane then shows.' })),
  base: Position,
  from: Nullable(Type.Object({ seq: Type.Integer(), hash: Type.String() }, { description: 'Where an incremental check started (the lane’s last checkpoint); null: from its base.' })),
  firstBroken: Nullable(BrokenLink),
});
export const Verification = Type.Object({
  ok: Type.Boolean(),
  verifiedAt: Instant,
  entries: Type.Integer(),
  chains: Type.Array(
    Type.Object({
      chain: Type.String({ description: 'The library id, or `-` for entries of no library (backups, restores).' }),
      entries: Type.Integer(),
      ok: Type.Boolean(),
      brokenLinks: Type.Integer(),
      head: Nullable(Type.Object({ seq: Type.Integer(), hash: Type.String() }, { description: 'Keep the hash elsewhere: a later truncation of the chain then shows.' })),
      base: Type.Object({ seq: Type.Integer(), hash: Type.String() }),
      firstBroken: Nullable(BrokenLink),
      lanes: Type.Array(LaneVerification, { description: 'The library’s lanes (chains its transactions append to side by side), lane 0 first.' }),
    }),
  ),
  unchained: Type.Integer(),
  broken: Type.Array(BrokenLink),
  firstBroken: Nullable(BrokenLink),
  incremental: Type.Boolean({ description: 'Whether each lane was checked from its last checkpoint only.' }),
});

/** GET /api/v1/access-log/verification */
export const VerifyAccessLogRoute = {
  tags: ['access-log'],
  summary: 'Verify the access log’s hash chains (director, administrator)',
  description:
    'Recomputes every entry’s MAC from each chain’s start to its head and names the first broken link of each chain: an entry edited, missing or reordered, a moved start, a head that does not match, a lane deleted or a lane count changed. Staff of one library verify that library’s log. Each lane found intact leaves a checkpoint; `incremental=true` checks each lane from its checkpoint only (a moved checkpoint is reported, and that lane checked in full). `carrel verify-log` does the same.',
  querystring: Type.Object(
    { library: Type.Optional(LibraryId), incremental: Type.Optional(Type.String({ enum: ['true', 'false'], description: '`true`: check only what was appended since the last check found each lane intact.' })) },
    { additionalProperties: false },
  ),
  response: { 200: Verification, ...errorResponses },
};

/** GET /api/v1/patrons/:patronId/access-log */
export const PatronAccessLogRoute = {
  tags: ['access-log'],
  summary: 'Who accessed a patron’s record (director / privacy officer)',
  description: 'Every access-log entry naming the patron: when, who (kind, id, role, library), through which channel, why, what. Reading them is logged too.',
  params: Type.Object({ patronId: Id }),
  response: {
    200: Type.Object({
      patronId: Id,
      entries: Type.Array(
        Type.Object({
          at: Instant,
          actorKind: Type.String(),
          actorId: Type.String(),
          actorName: Nullable(Type.String({ description: 'A staff member’s username (null for the patron, the system, a machine or a vendor).' })),
          actorRole: Nullable(Type.String()),
          actorLibraryId: Nullable(Type.String()),
          actorLibraryName: Nullable(Type.String()),
          action: Type.String(),
          categories: Type.Array(Type.String()),
          purpose: Type.String(),
          channel: Type.String(),
        }),
      ),
    }),
    ...errorResponses,
  },
};

/** The answers' static types, for the web app. */
export type BrokenLink = Static<typeof BrokenLink>;
export type Verification = Static<typeof Verification>;

/** GET /api/v1/alerts */
export const SecurityAlertsRoute = {
  tags: ['access-log'],
  summary: 'Alerts to the director (director / privacy officer)',
  description:
    'What tripped a limit in the library, newest first (at most 200): `identify-limit-staff` when a staff account reached the library’s limit of refused identifications by photo ID and birth date, `identify-limit-patron` when a patron did (IF-5). Each names the staff account whose attempt tripped it, never a patron (the patron’s own access log has the entry). Entries of the library’s chain of the access log.',
  querystring: Type.Object({ library: Type.Optional(LibraryId), since: Type.Optional(Instant) }, { additionalProperties: false }),
  response: {
    200: Type.Array(
      Type.Object({
        at: Instant,
        libraryId: LibraryId,
        kind: Type.String(),
        staff: Type.Union([Type.Object({ id: Type.String(), username: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
      }),
    ),
    ...errorResponses,
  },
};
