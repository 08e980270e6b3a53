import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { ErrorCode, refuse } from '../../domain/errors.js';
import { SYSTEM } from '../../policy/actors.js';
import type { Runtime } from '../../usecases/context.js';
import { patronLogin } from '../../usecases/patron-auth.usecases.js';
import { changeMyPin, correctMyDetails, deleteMyRecordWithPin, exportMyRecord, myAccessLog, myNotices, myPrivacy, myRecord, reportMyCardLost, setMyPrivacyWithPin } from '../../usecases/self-service.usecases.js';
import { ChangeMyPinRoute, CorrectMyDetailsRoute, DeleteMyRecordRoute, ExportMyRecordRoute, MyAccessLogRoute, MyPrivacyRoute, MyRecordRoute, PatronLoginRoute, ReportMyCardLostRoute, SetMyPrivacyRoute } from '../schemas/self.js';
import { MyNoticesRoute } from '../schemas/notices.js';
import { clearSessionCookie, requireSession, SESSION_COOKIE, setSessionCookie } from '../session.js';
import { AttemptThrottle, throttleKey } from '../../usecases/attempt-throttle.js';
import { runFor } from './context.js';

/**
 * The patron's side: log-in with card and PIN, and their own account under /me (a patron session, sent
 * with the X-CSRF-Token header on every change). Card numbers and PINs travel in bodies only.
 */
export function selfRoutes(runtime: Runtime, cookieSecure: boolean, throttle: AttemptThrottle): FastifyPluginAsyncTypebox {
  return async (app) => {
    // `throttle`: one per server, the per-address lock on failed card log-ins (the per-card lockout is in
    // the database).

    app.post(
      '/auth/patron-login',
      { schema: PatronLoginRoute },
      async (request, reply) => {
        const address = throttleKey(request.ip);
        const slot = throttle.take(address);
        if (slot === undefined) throw refuse(ErrorCode.TOO_MANY_ATTEMPTS, 'Too many failed log-ins from this address; wait a few minutes and try again.');
        const previousToken = request.cookies[SESSION_COOKIE];
        const session = await patronLogin(runtime, { actor: SYSTEM, purpose: 'self-service', channel: 'http' }, {
          cardNumber: request.body.cardNumber,
          pin: request.body.pin,
          previousToken,
        });
        throttle.forgive(address, slot);
        setSessionCookie(request, reply, session.token, session.expiresAt, cookieSecure);
        return { patron: session.patron, expiresAt: session.expiresAt, csrfToken: session.csrfToken };
      },
    );

    const meRoutes: FastifyPluginAsyncTypebox = async (me) => {
      me.addHook('onRequest', requireSession(runtime, 'patron'));
      const self = (request: FastifyRequest) => runFor(runtime, request, 'self-service');

      me.get(
        '/me',
        { schema: MyRecordRoute },
        async (request) => self(request)(myRecord, {}),
      );

      me.get(
        '/me/export',
        { schema: ExportMyRecordRoute },
        async (request, reply) => {
          const document = await self(request)(exportMyRecord, {});
          void reply.header('content-disposition', 'attachment; filename="carrel-record.json"');
          return document;
        },
      );

      me.get(
        '/me/access-log',
        { schema: MyAccessLogRoute },
        async (request) => self(request)(myAccessLog, {}),
      );

      me.get(
        '/me/notices',
        { schema: MyNoticesRoute },
        async (request) => self(request)(myNotices, {}),
      );

      me.patch(
        '/me',
        { schema: CorrectMyDetailsRoute },
        async (request) => self(request)(correctMyDetails, request.body),
      );

      me.put(
        '/me/pin',
        { schema: ChangeMyPinRoute },
        async (request, reply) => {
          const session = await changeMyPin(runtime, { actor: request.actor, purpose: 'self-service', channel: 'http' }, request.body);
          setSessionCookie(request, reply, session.token, session.expiresAt, cookieSecure);
          return { expiresAt: session.expiresAt, csrfToken: session.csrfToken };
        },
      );

      me.get(
        '/me/privacy',
        { schema: MyPrivacyRoute },
        async (request) => self(request)(myPrivacy, {}),
      );

      me.put(
        '/me/privacy',
        { schema: SetMyPrivacyRoute },
        async (request) => setMyPrivacyWithPin(runtime, { actor: request.actor, purpose: 'self-service', channel: 'http' }, request.body),
      );

      me.post(
        '/me/card-lost',
        { schema: ReportMyCardLostRoute },
        async (request, reply) => {
          const result = await self(request)(reportMyCardLost, {});
          clearSessionCookie(request, reply, cookieSecure);
          return result;
        },
      );

      me.delete(
        '/me',
        { schema: DeleteMyRecordRoute },
        async (request, reply) => {
          const receipt = await deleteMyRecordWithPin(runtime, { actor: request.actor, purpose: 'self-service', channel: 'http' }, { pin: request.body?.pin });
          clearSessionCookie(request, reply, cookieSecure);
          return receipt;
        },
      );
    };
    await app.register(meRoutes);
  };
}
