import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Runtime } from '../../usecases/context.js';
import { createVendor, listMyVendors, listVendorsWithRules, resetVendorSecret, revokeMyVendor, setVendorDisabled, updateVendor } from '../../usecases/vendor.usecases.js';
import {
  CreateVendorRoute,
  DisableVendorRoute,
  EnableVendorRoute,
  ListVendorsRoute,
  MyVendorsRoute,
  ResetVendorSecretRoute,
  RevokeMyVendorRoute,
  UpdateVendorRoute,
} from '../schemas/vendors.js';
import { requireSession } from '../session.js';
import { runFor } from './context.js';

/**
 * Vendors (issue 19), administrators only: list them with what the library's profile lets a contract
 * add (RF-6, CB-D, IF-9), register one (its secret answered once), change it, disable, re-enable, reset
 * its secret. Each change enters the library's chain of the access log. Registered inside the staff
 * session's block.
 */
export function vendorRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    const as = (request: FastifyRequest) => runFor(runtime, request, 'administration');
    const base = '/libraries/:libraryId/vendors';

    app.get(base, { schema: ListVendorsRoute }, async (request) => as(request)(listVendorsWithRules, { libraryId: request.params.libraryId }));

    app.post(base, { schema: CreateVendorRoute }, async (request, reply) =>
      reply.status(201).send(await as(request)(createVendor, { libraryId: request.params.libraryId, ...request.body })),
    );

    app.patch(`${base}/:vendorId`, { schema: UpdateVendorRoute }, async (request) => ({
      vendor: await as(request)(updateVendor, { libraryId: request.params.libraryId, id: request.params.vendorId, ...request.body }),
    }));

    app.post(`${base}/:vendorId/disable`, { schema: DisableVendorRoute }, async (request) => ({
      vendor: await as(request)(setVendorDisabled, { libraryId: request.params.libraryId, id: request.params.vendorId, disabled: true }),
    }));

    app.post(`${base}/:vendorId/enable`, { schema: EnableVendorRoute }, async (request) => ({
      vendor: await as(request)(setVendorDisabled, { libraryId: request.params.libraryId, id: request.params.vendorId, disabled: false }),
    }));

    app.post(`${base}/:vendorId/reset-secret`, { schema: ResetVendorSecretRoute }, async (request) =>
      as(request)(resetVendorSecret, { libraryId: request.params.libraryId, id: request.params.vendorId }),
    );
  };
}

/**
 * The services a patron signed in to through the library, under /me (a patron session, the
 * X-CSRF-Token header on the revocation): when, and what they agreed each may receive; revoking one
 * forgets it and ends every token it holds for them (RF-6, RF-7).
 */
export function myVendorRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (me) => {
    me.addHook('onRequest', requireSession(runtime, 'patron'));
    const self = (request: FastifyRequest) => runFor(runtime, request, 'self-service');

    me.get('/me/vendors', { schema: MyVendorsRoute }, async (request) => ({ vendors: await self(request)(listMyVendors, {}) }));

    me.delete('/me/vendors/:vendorId', { schema: RevokeMyVendorRoute }, async (request, reply) => {
      await self(request)(revokeMyVendor, { vendorId: request.params.vendorId });
      return reply.status(204).send(null);
    });
  };
}
