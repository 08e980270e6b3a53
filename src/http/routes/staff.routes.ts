import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../usecases/context.js';
import { createStaff, disableStaff, enableStaff, listStaff, resetStaffPassword, updateStaff } from '../../usecases/staff.usecases.js';
import { CreateStaffRoute, DisableStaffRoute, EnableStaffRoute, ListStaffRoute, ResetStaffPasswordRoute, UpdateStaffRoute } from '../schemas/staff.js';
import { runFor } from './context.js';

/**
 * Staff accounts (administrators): list, add, disable (ends their sessions at once), re-enable, change
 * roles and home library, reset a password.
 */
export function staffRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/staff', { schema: ListStaffRoute }, async (request) => runFor(runtime, request, 'administration')(listStaff, { libraryId: request.query.libraryId }));

    app.post('/staff', { schema: CreateStaffRoute }, async (request, reply) =>
      reply.status(201).send(await runFor(runtime, request, 'administration')(createStaff, request.body)),
    );

    app.patch('/staff/:id', { schema: UpdateStaffRoute }, async (request) =>
      runFor(runtime, request, 'administration')(updateStaff, { id: request.params.id, ...request.body }),
    );

    app.post('/staff/:id/disable', { schema: DisableStaffRoute }, async (request) => runFor(runtime, request, 'administration')(disableStaff, { id: request.params.id }));

    app.post('/staff/:id/enable', { schema: EnableStaffRoute }, async (request) => runFor(runtime, request, 'administration')(enableStaff, { id: request.params.id }));

    app.post('/staff/:id/reset-password', { schema: ResetStaffPasswordRoute }, async (request) =>
      runFor(runtime, request, 'administration')(resetStaffPassword, { id: request.params.id }),
    );
  };
}
