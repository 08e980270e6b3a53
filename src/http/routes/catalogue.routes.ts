import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SearchField } from '../../domain/catalogue.js';
import type { Runtime } from '../../usecases/context.js';
import { changeItem, editRecord, saveRecords, searchCatalogue, showRecord, type SearchInput } from '../../usecases/catalogue.usecases.js';
import { ChangeItemRoute, CreateRecordRoute, EditRecordRoute, PublicRecordRoute, PublicSearchRoute } from '../schemas/catalogue.js';
import { optionalSession } from '../session.js';
import { runFor } from './context.js';

/** A search's query string as the use case takes it. */
export function searchInputOf(query: { q: string; field?: SearchField; library?: string; format?: string; language?: string; branch?: string; available?: 'true' | 'false'; limit?: string; offset?: string }): SearchInput {
  return {
    q: query.q,
    ...(query.field !== undefined ? { field: query.field } : {}),
    ...(query.library !== undefined ? { library: query.library } : {}),
    ...(query.format !== undefined ? { format: query.format } : {}),
    ...(query.language !== undefined ? { language: query.language } : {}),
    ...(query.branch !== undefined ? { branch: query.branch } : {}),
    ...(query.available === 'true' ? { available: true } : {}),
    ...(query.limit !== undefined ? { limit: Number(query.limit) } : {}),
    ...(query.offset !== undefined ? { offset: Number(query.offset) } : {}),
  };
}

/**
 * The public catalogue: search and a title's page, with no log-in. A session, when there is one, only
 * says whose library is searched. Nothing about the search is written (CB-A2): the request log names
 * the route pattern, never the query string (src/log.ts).
 */
export function publicCatalogueRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', optionalSession(runtime));
    app.get('/catalogue/search', { schema: PublicSearchRoute }, async (request) => runFor(runtime, request, 'self-service')(searchCatalogue, searchInputOf(request.query)));
    app.get('/catalogue/records/:recordId', { schema: PublicRecordRoute }, async (request) => runFor(runtime, request, 'self-service')(showRecord, { recordId: request.params.recordId }));
  };
}

/**
 * Cataloguing for staff (a librarian's `items.manage`): a title with its copies, a record's fields, and
 * the work on one copy (withdrawn, missing, damaged, moved). Each answers the record as its library's
 * staff see it (withdrawn copies included), read after the change has been committed.
 */
export function catalogueRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/libraries/:libraryId/records', { schema: CreateRecordRoute }, async (request, reply) => {
      const act = runFor(runtime, request, 'administration');
      const saved = await act(saveRecords, { libraryId: request.params.libraryId, records: [request.body] });
      return reply.status(saved.created > 0 ? 201 : 200).send(await act(showRecord, { recordId: saved.recordIds[0]! }));
    });
    app.patch('/records/:recordId', { schema: EditRecordRoute }, async (request) => {
      const act = runFor(runtime, request, 'administration');
      await act(editRecord, { ...request.body, recordId: request.params.recordId });
      return act(showRecord, { recordId: request.params.recordId });
    });
    app.patch('/items/:barcode', { schema: ChangeItemRoute }, async (request) =>
      runFor(runtime, request, 'administration')(changeItem, { ...request.body, itemBarcode: request.params.barcode }),
    );
  };
}
