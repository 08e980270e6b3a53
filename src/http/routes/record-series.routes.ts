import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../usecases/context.js';
import { addSeries, confirmDisposal, dueForDisposal, listSeries } from '../../usecases/record-series.usecases.js';
import { AddSeriesRoute, ConfirmDisposalRoute, DueForDisposalRoute, ListSeriesRoute } from '../schemas/record-series.js';
import { runFor } from './context.js';

/**
 * The register of records kept outside Carrel (camera footage CB-H / RF-9, paper sign-up sheets): the
 * series and their retention, what is due for disposal, and disposal confirmations (administrators).
 */
/** The reader's language (`lang`), when given. */
const languageOf = (query: { lang?: string | undefined }) => (query.lang ? { language: query.lang } : {});

export function recordSeriesRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/libraries/:libraryId/record-series',
      { schema: ListSeriesRoute },
      async (request) => runFor(runtime, request, 'administration')(listSeries, { libraryId: request.params.libraryId, ...languageOf(request.query) }),
    );

    app.post(
      '/libraries/:libraryId/record-series',
      { schema: AddSeriesRoute },
      async (request, reply) =>
        reply.status(201).send(await runFor(runtime, request, 'administration')(addSeries, { libraryId: request.params.libraryId, ...request.body })),
    );

    app.get(
      '/libraries/:libraryId/record-series/due',
      { schema: DueForDisposalRoute },
      async (request) => runFor(runtime, request, 'administration')(dueForDisposal, { libraryId: request.params.libraryId, ...languageOf(request.query) }),
    );

    app.post(
      '/libraries/:libraryId/record-series/:code/disposals',
      { schema: ConfirmDisposalRoute },
      async (request, reply) =>
        reply
          .status(201)
          .send(await runFor(runtime, request, 'administration')(confirmDisposal, { libraryId: request.params.libraryId, code: request.params.code, ...request.body })),
    );
  };
}
