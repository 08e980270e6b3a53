import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../usecases/context.js';
import { listLegalHolds, placeLegalHold, releaseLegalHold } from '../../usecases/legal-hold.usecases.js';
import { reportMarkdown, transparencyReport } from '../../usecases/transparency.usecases.js';
import { ListLegalHoldsRoute, PlaceLegalHoldRoute, ReleaseLegalHoldRoute, TransparencyReportRoute } from '../schemas/legal-hold.js';
import { runFor } from './context.js';
import { translator } from '../../i18n/messages.js';

/** Legal holds (the director) and the transparency report (the director, the system administrator). */
export function legalHoldRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/legal-holds',
      { schema: PlaceLegalHoldRoute },
      async (request, reply) => reply.status(201).send(await runFor(runtime, request, 'legal-disclosure')(placeLegalHold, request.body)),
    );

    app.post(
      '/legal-holds/:holdId/release',
      { schema: ReleaseLegalHoldRoute },
      async (request) => runFor(runtime, request, 'legal-disclosure')(releaseLegalHold, { holdId: request.params.holdId }),
    );

    app.get(
      '/libraries/:libraryId/legal-holds',
      { schema: ListLegalHoldsRoute },
      async (request) =>
        runFor(runtime, request, 'legal-disclosure')(listLegalHolds, {
          libraryId: request.params.libraryId,
          includeReleased: request.query.includeReleased === 'true',
          ...(request.query.requestId ? { requestId: request.query.requestId } : {}),
        }),
    );

    app.get(
      '/transparency-report',
      { schema: TransparencyReportRoute },
      async (request, reply) => {
        const { from, to, library, format, lang } = request.query;
        const report = await runFor(runtime, request, 'statistics')(transparencyReport, { from, to, ...(library ? { libraryId: library } : {}) });
        if (format !== 'md') return report;
        return reply.type('text/markdown; charset=utf-8').serializer((payload) => String(payload)).send(reportMarkdown(report, translator(lang)));
      },
    );
  };
}
