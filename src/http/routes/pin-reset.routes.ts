import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorCode, refuse } from '../../domain/errors.js';
import { SYSTEM } from '../../policy/actors.js';
import { AttemptThrottle, throttleKey } from '../../usecases/attempt-throttle.js';
import { run, type Runtime } from '../../usecases/context.js';
import { requestPinReset, resetPinWithLink } from '../../usecases/pin-reset.usecases.js';
import { RequestPinResetRoute, ResetPinRoute } from '../schemas/pin-reset.js';

/**
 * A forgotten PIN (issue 18), public: no session and no CSRF token, since the patron cannot log in. Each
 * route has its own per-address throttle (one per server, like the card log-in's): a request always takes
 * a slot, since its answer cannot say whether it found a card; a reset gives its slot back when it works.
 * The card number and the token travel in bodies only, and requests are logged by route pattern (src/log.ts).
 *
 * The email goes out with the scheduler's next sending of notices (`notices-send`, every tick: a minute by
 * default), as every notice does; the request itself never waits on a mail server.
 */
export function pinResetRoutes(runtime: Runtime, throttles: { request: AttemptThrottle; reset: AttemptThrottle }): FastifyPluginAsyncTypebox {
  return async (app) => {
    const caller = { actor: SYSTEM, purpose: 'self-service', channel: 'http' } as const;

    app.post('/pin-reset/request', { schema: RequestPinResetRoute }, async (request, reply) => {
      if (throttles.request.take(throttleKey(request.ip)) === undefined) throw refuse(ErrorCode.TOO_MANY_ATTEMPTS, 'Too many requests from this address; wait a few minutes and try again.');
      await run(runtime, caller, requestPinReset, { cardNumber: request.body.cardNumber });
      return reply.status(202).send({});
    });

    app.post('/pin-reset', { schema: ResetPinRoute }, async (request, reply) => {
      const address = throttleKey(request.ip);
      const slot = throttles.reset.take(address);
      if (slot === undefined) throw refuse(ErrorCode.TOO_MANY_ATTEMPTS, 'Too many failed attempts from this address; wait a few minutes and try again.');
      await run(runtime, caller, resetPinWithLink, { token: request.body.token, pin: request.body.pin });
      throttles.reset.forgive(address, slot);
      return reply.status(204).send(null);
    });
  };
}
