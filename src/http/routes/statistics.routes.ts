import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Runtime } from '../../usecases/context.js';
import { DIMENSIONS, PERIODS, statistics, statisticsCsv, STATISTICS_KINDS } from '../../usecases/statistics.usecases.js';
import { CalendarDate, ErrorResponse, errorResponses, LibraryId, Nullable } from '../schemas.js';
import { runFor } from './context.js';

const Cell = Type.Object({
  value: Nullable(Type.Integer({ minimum: 0 })),
  suppressed: Type.Boolean({ description: 'True when the count is below the threshold, or hidden so that a small one cannot be worked out from the totals; `value` is then null.' }),
});
const Table = Type.Object({
  rowLabels: Type.Array(Type.String()),
  columnLabels: Type.Array(Type.String()),
  cells: Type.Array(Type.Array(Cell), { description: 'cells[i][j]: row i, column j.' }),
  rowTotals: Type.Array(Cell),
  columnTotals: Type.Array(Cell),
  total: Cell,
});
const StatisticsView = Type.Object({
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
  suppressed: Type.Object({ total: Type.Integer(), complementary: Type.Integer() }),
  minutes: Type.Optional(Table),
});

/** Statistics from the aggregate tables, with small-cell suppression (any staff member, the system administrator). */
export function statisticsRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/libraries/:libraryId/statistics',
      {
        schema: {
          tags: ['statistics'],
          summary: 'Circulation, registration, program or computer-use statistics: a table of counts by two dimensions, small cells suppressed',
          description:
            'Built from aggregate tables only (no patron data). Days are the library’s; [from, to): `to` is the day after the last day. Counts below the profile’s threshold are suppressed, and more cells with them so that none can be recovered from a row or column total. `format=csv` answers the counts table as CSV (text/csv) with `<k` for a suppressed entry. `item-type` is a dimension of circulation only.',
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
        },
      },
      async (request, reply) => {
        const { format, period, ...query } = request.query;
        const result = await runFor(runtime, request, 'statistics')(statistics, { libraryId: request.params.libraryId, ...query, ...(period ? { period } : {}) });
        if (format !== 'csv') return result;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${result.libraryId}-${result.kind}-${result.from}-${result.to}.csv"`)
          .serializer((payload) => String(payload))
          .send(statisticsCsv(result));
      },
    );
  };
}
