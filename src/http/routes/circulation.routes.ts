import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { checkin, checkout, declareLost, renew } from '../../usecases/circulation.usecases.js';
import type { Runtime } from '../../usecases/context.js';
import { pay, waiveFine } from '../../usecases/fine.usecases.js';
import { cancelHold, holdShelfOf, placeHold, suspendHold } from '../../usecases/hold.usecases.js';
import { addItem, findItem } from '../../usecases/item.usecases.js';
import { createLibrary, listLibraries } from '../../usecases/library.usecases.js';
import { AddItemRoute, CancelHoldRoute, CreateLibraryRoute, CheckinRoute, CheckoutRoute, DeclareLostRoute, FindItemRoute, HoldShelfRoute, ListLibrariesRoute, PayRoute, PlaceHoldRoute, RenewRoute, SuspendHoldRoute, WaiveFineRoute } from '../schemas/circulation.js';
import { runFor } from './context.js';

/** Items, check-out, check-in, renewal, holds, fines and payments: the circulation desk's API. */
export function circulationRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/libraries',
      { schema: ListLibrariesRoute },
      async (request) => runFor(runtime, request, 'administration')(listLibraries, undefined),
    );

    app.post(
      '/libraries',
      { schema: CreateLibraryRoute },
      async (request, reply) => {
        const created = await runFor(runtime, request, 'administration')(createLibrary, request.body);
        return reply.status(201).send({ ...created.library, branches: created.branches });
      },
    );

    app.post(
      '/items',
      { schema: AddItemRoute },
      async (request, reply) => {
        return reply.status(201).send(await runFor(runtime, request, 'administration')(addItem, request.body));
      },
    );

    app.get(
      '/items/:barcode',
      { schema: FindItemRoute },
      async (request) =>
        runFor(runtime, request, 'circulation')(findItem, { barcode: request.params.barcode, ...(request.query.library ? { libraryId: request.query.library } : {}) }),
    );

    app.post(
      '/checkouts',
      { schema: CheckoutRoute },
      async (request, reply) => reply.status(201).send(await runFor(runtime, request, 'circulation')(checkout, request.body)),
    );

    app.post(
      '/checkins',
      { schema: CheckinRoute },
      async (request) => runFor(runtime, request, 'circulation')(checkin, request.body),
    );

    app.post(
      '/renewals',
      { schema: RenewRoute },
      async (request) => runFor(runtime, request, 'circulation')(renew, request.body),
    );

    app.post(
      '/lost-items',
      { schema: DeclareLostRoute },
      async (request) => runFor(runtime, request, 'materials-recovery')(declareLost, request.body),
    );

    app.post(
      '/holds',
      { schema: PlaceHoldRoute },
      async (request, reply) => reply.status(201).send(await runFor(runtime, request, 'circulation')(placeHold, request.body)),
    );

    app.get(
      '/libraries/:libraryId/hold-shelf',
      { schema: HoldShelfRoute },
      async (request) =>
        runFor(runtime, request, 'circulation')(holdShelfOf, { libraryId: request.params.libraryId, ...(request.query.branch ? { branch: request.query.branch } : {}) }),
    );

    app.post(
      '/holds/:holdId/cancel',
      { schema: CancelHoldRoute },
      async (request) => runFor(runtime, request, 'circulation')(cancelHold, { holdId: request.params.holdId }),
    );

    app.post(
      '/holds/:holdId/suspend',
      { schema: SuspendHoldRoute },
      async (request) => runFor(runtime, request, 'circulation')(suspendHold, { holdId: request.params.holdId, until: request.body.until }),
    );

    app.post(
      '/payments',
      { schema: PayRoute },
      async (request, reply) => reply.status(201).send(await runFor(runtime, request, 'fines-collection')(pay, request.body)),
    );

    app.post(
      '/fines/:fineId/waive',
      { schema: WaiveFineRoute },
      async (request) => runFor(runtime, request, 'fines-collection')(waiveFine, { fineId: request.params.fineId, reason: request.body.reason }),
    );
  };
}
