/**
 * Statistics with small-cell suppression (0006).
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { DIMENSIONS, PERIODS, STATISTICS_KINDS } from '../../domain/statistics.js';
import { CalendarDate, ErrorResponse, errorResponses, LibraryId, Nullable } from './common.js';

export const Cell = Type.Object({
  value: Nullable(Type.Integer({ minimum: 0 })),
  suppressed: Type.Boolean({ description: 'True when the entry is hidden: either below the threshold, or hidden so that a small one cannot be worked out (which of the two is not said); `value` is then null.' }),
});
export const Table = Type.Object({
  rowLabels: Type.Array(Type.String()),
  columnLabels: Type.Array(Type.String()),
  cells: Type.Array(Type.Array(Cell), { description: 'cells[i][j]: row i, column j.' }),
  rowTotals: Type.Array(Cell),
  columnTotals: Type.Array(Cell),
  total: Cell,
});
export const StatisticsView = Type.Object({
  libraryId: Type.String(),
  kind: Type.String({ enum: [...STATISTICS_KINDS] }),
  measure: Type.String(),
  from: CalendarDate,
  to: CalendarDate,
  period: Type.String({ enum: [...PERIODS] }),
  rows: Type.String({ enum: [...DIMENSIONS] }),
  columns: Type.String({ enum: [...DIMENSIONS] }),
  threshold: Type.Integer({ description: 'Counts below this are suppressed (the profile’s statistics.small_cell_threshold).' }),
  clause: Type.String(),
  table: Table,
  suppressed: Type.Object({
    total: Type.Integer(),
    // Nullable(Integer), with its description on the union.
    complementary: Type.Union([Type.Integer(), Type.Null()], {
      description: 'no longer published: which hidden entries are small and which protect them would tell a reader the small ones. Always null.',
    }),
    marginsOnly: Type.Boolean({ description: 'True when no cell could be published: only the totals, which every table publishes alike.' }),
  }),
  minutes: Type.Optional(Table),
});

/** GET /api/v1/libraries/:libraryId/statistics */
export const StatisticsRoute = {
  tags: ['statistics'],
  summary: 'Circulation, registration, program, computer-use or vendor sign-in statistics: a table of counts by two dimensions, small cells suppressed',
  description:
    'Built from aggregate tables only (no patron data). Whole calendar months in the library’s time zone: [from, to), both first days of months (1 January with `period=year`), and `to` at most the first day of the current month — only months that have ended are published, and a published month never changes. Counts below the profile’s threshold are suppressed, with more entries so that no reader can prove a hidden count is below it from the table’s totals; a total is hidden or published alike in every table. `format=csv` answers the counts table as CSV (text/csv) with `<k` for a suppressed entry. `item-type` is a dimension of circulation only; `vendor-sign-ins` (sign-ins per vendor per month, CB-D) is counted by `period` and `vendor` only, vendors by name. Program and computer-use statistics answer `STATISTICS_INCOMPLETE` until a retention run has counted every service that ended before `to`. A table covers at most 36 months and 2,000 cells (rows × columns), with at most 200 rows and 200 columns: a larger one is refused with `STATISTICS_TABLE_TOO_LARGE`.',
  params: Type.Object({ libraryId: LibraryId }),
  querystring: Type.Object(
    {
      kind: Type.String({ enum: [...STATISTICS_KINDS] }),
      rows: Type.String({ enum: [...DIMENSIONS] }),
      columns: Type.String({ enum: [...DIMENSIONS] }),
      from: CalendarDate,
      to: CalendarDate,
      period: Type.Optional(Type.String({ enum: [...PERIODS] })),
      format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
    },
    { additionalProperties: false },
  ),
  response: { 200: Type.Union([StatisticsView, Type.String({ description: 'With format=csv: the counts table as CSV (text/csv).' })]), ...errorResponses, 403: ErrorResponse },
};

/** The answers' static types, for the web app. */
export type Cell = Static<typeof Cell>;
export type StatsTable = Static<typeof Table>;
export type Statistics = Static<typeof StatisticsView>;
