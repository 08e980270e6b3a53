import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PATRON_STATUSES } from '../../domain/types.js';
import type { Runtime } from '../../usecases/context.js';
import { exportPatron, patronAccount, registerPatron, setPatronStatus } from '../../usecases/patron.usecases.js';
import { AccountView, CalendarDate, CardNumber, errorResponses, Id, Instant, LibraryId, Nullable, PatronView } from '../schemas.js';
import { runFor } from './context.js';

const OptionalText = (max: number) => Type.Optional(Nullable(Type.String({ maxLength: max })));

/** Patron registration, look-up and export. Card numbers travel in bodies, never in URLs. */
export function patronRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/patrons',
      {
        schema: {
          tags: ['patrons'],
          summary: 'Register a patron',
          description: 'Issues a card number and a PIN. The PIN is in this answer only; Carrel keeps its argon2id hash.',
          body: Type.Object(
            {
              libraryId: LibraryId,
              name: Type.String({ minLength: 1, maxLength: 200 }),
              birthDate: CalendarDate,
              address: OptionalText(500),
              email: OptionalText(320),
              phone: OptionalText(32),
              category: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,32}$' })),
              guardianCardNumber: Type.Optional(Nullable(CardNumber)),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({ id: Id, cardNumber: Type.String(), pin: Type.String(), libraryId: Type.String(), categoryCode: Type.String(), expiresAt: Instant }),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const { category, guardianCardNumber, ...rest } = request.body;
        const registered = await runFor(runtime, request, 'account-service')(registerPatron, {
          ...rest,
          ...(category ? { categoryCode: category } : {}),
          guardianCard: guardianCardNumber ?? null,
        });
        return reply.status(201).send(registered);
      },
    );

    app.post(
      '/patrons/lookup',
      {
        schema: {
          tags: ['patrons'],
          summary: 'Find a patron by card number',
          description: 'What the desk sees when a card is scanned: the patron, current loans, open holds and fines.',
          body: Type.Object({ cardNumber: CardNumber }, { additionalProperties: false }),
          response: { 200: AccountView, ...errorResponses },
        },
      },
      async (request) => runFor(runtime, request, 'circulation')(patronAccount, { cardNumber: request.body.cardNumber }),
    );

    app.get(
      '/patrons/:patronId',
      { schema: { tags: ['patrons'], summary: 'A patron’s account', params: Type.Object({ patronId: Id }), response: { 200: AccountView, ...errorResponses } } },
      async (request) => runFor(runtime, request, 'account-service')(patronAccount, { patronId: request.params.patronId }),
    );

    app.get(
      '/patrons/:patronId/export',
      {
        schema: {
          tags: ['patrons'],
          summary: 'Everything held about a patron, as one JSON document',
          params: Type.Object({ patronId: Id }),
          response: { 200: Type.Object({ format: Type.String() }, { additionalProperties: true }), ...errorResponses },
        },
      },
      async (request) => runFor(runtime, request, 'account-service')(exportPatron, { patronId: request.params.patronId }),
    );

    app.put(
      '/patrons/:patronId/status',
      {
        schema: {
          tags: ['patrons'],
          summary: 'Block, unblock, expire, or record a lost card',
          params: Type.Object({ patronId: Id }),
          body: Type.Object({ status: Type.Union(PATRON_STATUSES.map((s) => Type.Literal(s))) }, { additionalProperties: false }),
          response: { 200: PatronView, ...errorResponses },
        },
      },
      async (request) => runFor(runtime, request, 'account-service')(setPatronStatus, { patronId: request.params.patronId, status: request.body.status }),
    );
  };
}
