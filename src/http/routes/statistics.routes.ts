import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../usecases/context.js';
import { statistics, statisticsCsv } from '../../usecases/statistics.usecases.js';
import { StatisticsRoute } from '../schemas/statistics.js';
import { runFor } from './context.js';

/** Statistics from the aggregate tables, with small-cell suppression (librarians, branch managers, the director, the system administrator). */
export function statisticsRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/libraries/:libraryId/statistics',
      { schema: StatisticsRoute },
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
