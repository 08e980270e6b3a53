import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OpeningHours } from '../../domain/types.js';
import type { Runtime } from '../../usecases/context.js';
import {
  addBranch,
  addCategory,
  addItemType,
  closeDays,
  editBranch,
  editCategory,
  editItemType,
  explainLoanRuleFor,
  listBranches,
  listCategories,
  listClosedDays,
  listItemTypes,
  listLoanRules,
  openDays,
  readLibrarySettings,
  removeLoanRule,
  setLoanRule,
  updateLibrarySettings,
} from '../../usecases/library-config.usecases.js';
import {
  AddBranchRoute,
  AddCategoryRoute,
  AddItemTypeRoute,
  CloseDaysRoute,
  EditBranchRoute,
  EditCategoryRoute,
  EditItemTypeRoute,
  ExplainLoanRuleRoute,
  ListBranchesRoute,
  ListCategoriesRoute,
  ListClosedDaysRoute,
  ListItemTypesRoute,
  ListLoanRulesRoute,
  OpenDaysRoute,
  ReadSettingsRoute,
  RemoveLoanRuleRoute,
  SetLoanRuleRoute,
  UpdateSettingsRoute,
} from '../schemas/library-config.js';
import { runFor } from './context.js';

/**
 * The library's configuration (issue 15): settings, branches, closed days, patron categories, item
 * types and the circulation matrix. Reading is for the staff who lend by it; changing, administrators.
 */
export function libraryConfigRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    const as = (request: Parameters<typeof runFor>[1]) => runFor(runtime, request, 'administration');
    // The schema leaves opening hours loose so the use case answers INVALID_OPENING_HOURS; it checks their shape.
    const hours = (value: unknown) => value as OpeningHours | undefined;

    app.get('/libraries/:libraryId/settings', { schema: ReadSettingsRoute }, async (request) => as(request)(readLibrarySettings, { libraryId: request.params.libraryId }));
    app.patch('/libraries/:libraryId/settings', { schema: UpdateSettingsRoute }, async (request) =>
      as(request)(updateLibrarySettings, { libraryId: request.params.libraryId, ...request.body }),
    );

    app.get('/libraries/:libraryId/branches', { schema: ListBranchesRoute }, async (request) => as(request)(listBranches, { libraryId: request.params.libraryId }));
    app.post('/libraries/:libraryId/branches', { schema: AddBranchRoute }, async (request, reply) => {
      const { openingHours, ...body } = request.body;
      const added = await as(request)(addBranch, { libraryId: request.params.libraryId, ...body, ...(openingHours !== undefined ? { openingHours: hours(openingHours) } : {}) });
      return reply.status(201).send(added);
    });
    app.patch('/libraries/:libraryId/branches/:code', { schema: EditBranchRoute }, async (request) => {
      const { openingHours, ...body } = request.body;
      return as(request)(editBranch, { ...request.params, ...body, ...(openingHours !== undefined ? { openingHours: hours(openingHours) } : {}) });
    });

    app.get('/libraries/:libraryId/closed-days', { schema: ListClosedDaysRoute }, async (request) =>
      as(request)(listClosedDays, { libraryId: request.params.libraryId, ...(request.query.from !== undefined ? { from: request.query.from } : {}) }),
    );
    app.post('/libraries/:libraryId/closed-days', { schema: CloseDaysRoute }, async (request, reply) =>
      reply.status(201).send(await as(request)(closeDays, { libraryId: request.params.libraryId, ...request.body })),
    );
    app.delete('/libraries/:libraryId/closed-days/:id', { schema: OpenDaysRoute }, async (request) => as(request)(openDays, request.params));

    app.get('/libraries/:libraryId/categories', { schema: ListCategoriesRoute }, async (request) => as(request)(listCategories, { libraryId: request.params.libraryId }));
    app.post('/libraries/:libraryId/categories', { schema: AddCategoryRoute }, async (request, reply) =>
      reply.status(201).send(await as(request)(addCategory, { libraryId: request.params.libraryId, ...request.body })),
    );
    app.patch('/libraries/:libraryId/categories/:code', { schema: EditCategoryRoute }, async (request) => as(request)(editCategory, { ...request.params, ...request.body }));

    app.get('/libraries/:libraryId/item-types', { schema: ListItemTypesRoute }, async (request) => as(request)(listItemTypes, { libraryId: request.params.libraryId }));
    app.post('/libraries/:libraryId/item-types', { schema: AddItemTypeRoute }, async (request, reply) =>
      reply.status(201).send(await as(request)(addItemType, { libraryId: request.params.libraryId, ...request.body })),
    );
    app.patch('/libraries/:libraryId/item-types/:code', { schema: EditItemTypeRoute }, async (request) => as(request)(editItemType, { ...request.params, ...request.body }));

    app.get('/libraries/:libraryId/loan-rules', { schema: ListLoanRulesRoute }, async (request) => as(request)(listLoanRules, { libraryId: request.params.libraryId }));
    app.put('/libraries/:libraryId/loan-rules', { schema: SetLoanRuleRoute }, async (request) => as(request)(setLoanRule, { libraryId: request.params.libraryId, ...request.body }));
    app.delete('/libraries/:libraryId/loan-rules', { schema: RemoveLoanRuleRoute }, async (request) =>
      as(request)(removeLoanRule, {
        libraryId: request.params.libraryId,
        patronCategory: request.query.category,
        itemType: request.query.type,
        ...(request.query.branch !== undefined ? { branch: request.query.branch } : {}),
      }),
    );
    app.get('/libraries/:libraryId/loan-rules/explain', { schema: ExplainLoanRuleRoute }, async (request) =>
      as(request)(explainLoanRuleFor, { libraryId: request.params.libraryId, branch: request.query.branch, patronCategory: request.query.category, itemType: request.query.type }),
    );
  };
}
