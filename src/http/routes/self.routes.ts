import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ErrorCode, refuse } from '../../domain/errors.js';
import { SYSTEM } from '../../policy/actors.js';
import type { Runtime } from '../../usecases/context.js';
import { patronLogin } from '../../usecases/patron-auth.usecases.js';
import {
  changeMyPin,
  correctMyDetails,
  deleteMyRecord,
  exportMyRecord,
  myAccessLog,
  myPrivacy,
  myRecord,
  reportMyCardLost,
  setMyPrivacy,
} from '../../usecases/self-service.usecases.js';
import { CardNumber, errorResponses, Instant, Nullable, PatronView } from '../schemas.js';
import { clearSessionCookie, requireSession, SESSION_COOKIE, setSessionCookie } from '../session.js';
import { AttemptThrottle, throttleKey } from '../throttle.js';
import { runFor } from './context.js';

const OptionalText = (max: number) => Type.Optional(Nullable(Type.String({ maxLength: max })));

/** The whole record, as one document: every category of the inventory that concerns the patron. */
const RecordDocument = Type.Object({ format: Type.String() }, { additionalProperties: true });

// NOTICE_CHANNELS spelled out (a union mapped from it types as never); the routes below pass it to and
// from the use cases, so the compiler checks the two agree.
const NoticeChannel = Type.Union([Type.Literal('none'), Type.Literal('email'), Type.Literal('text')]);

const PrivacyView = Type.Object({
  readingHistory: Type.Boolean(),
  readingHistorySince: Nullable(Instant),
  readingHistoryOffered: Type.Boolean({ description: 'Whether the library’s profile offers keeping reading history at all (JC-IIIc).' }),
  noticeChannel: NoticeChannel,
  mailingLists: Type.Boolean(),
  mailingListsSince: Nullable(Instant),
  photoConsent: Type.Boolean(),
  photoConsentSince: Nullable(Instant),
});

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
      {
        schema: {
          tags: ['auth', 'self-service'],
          summary: 'Log in as a patron with card number and PIN',
          description:
            'Sets the session cookie. Send `csrfToken` back in the `X-CSRF-Token` header of every change. An unknown card, a wrong or empty PIN, a locked, lost or stopped card all get the same 401 INVALID_CREDENTIALS; too many failures from one address get 429 TOO_MANY_ATTEMPTS.',
          security: [],
          body: Type.Object({ cardNumber: CardNumber, pin: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
          response: {
            200: Type.Object({ patron: Type.Object({ id: Type.String(), libraryId: Type.String() }), expiresAt: Instant, csrfToken: Type.String() }),
            ...errorResponses,
          },
        },
      },
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
        { schema: { tags: ['self-service'], summary: 'Everything held about me', description: 'Every record category of the inventory that concerns the patron, with their privacy settings; `contents` says where each category is.', response: { 200: RecordDocument, ...errorResponses } } },
        async (request) => self(request)(myRecord, {}),
      );

      me.get(
        '/me/export',
        { schema: { tags: ['self-service'], summary: 'Everything held about me, as a file to keep (CB-A8, JC-IVb)', response: { 200: RecordDocument, ...errorResponses } } },
        async (request, reply) => {
          const document = await self(request)(exportMyRecord, {});
          void reply.header('content-disposition', 'attachment; filename="carrel-record.json"');
          return document;
        },
      );

      me.get(
        '/me/access-log',
        {
          schema: {
            tags: ['self-service'],
            summary: 'Who has accessed my record',
            description: 'Oldest first: the day, who in words (you, a guardian, a staff role, the system), their library, the purpose, the action and the record categories touched.',
            response: {
              200: Type.Array(
                Type.Object({
                  date: Type.String(),
                  role: Type.String(),
                  library: Nullable(Type.String()),
                  purpose: Type.String(),
                  action: Type.String(),
                  categories: Type.Array(Type.String()),
                }),
              ),
              ...errorResponses,
            },
          },
        },
        async (request) => self(request)(myAccessLog, {}),
      );

      me.patch(
        '/me',
        {
          schema: {
            tags: ['self-service'],
            summary: 'Correct my name and contact details',
            description: 'Checked as at registration; `null` removes an optional field. The birth date is corrected at the desk, against a photo ID.',
            body: Type.Object(
              { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), address: OptionalText(500), email: OptionalText(320), phone: OptionalText(32) },
              { additionalProperties: false },
            ),
            response: { 200: PatronView, ...errorResponses },
          },
        },
        async (request) => self(request)(correctMyDetails, request.body),
      );

      me.put(
        '/me/pin',
        {
          schema: {
            tags: ['self-service'],
            summary: 'Change my PIN',
            description: 'The new PIN is 4 to 12 digits. Every session of the patron ends; this browser gets a new session cookie and CSRF token.',
            body: Type.Object({ currentPin: Type.String({ maxLength: 64 }), newPin: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
            response: { 200: Type.Object({ expiresAt: Instant, csrfToken: Type.String() }), ...errorResponses },
          },
        },
        async (request, reply) => {
          const session = await changeMyPin(runtime, { actor: request.actor, purpose: 'self-service', channel: 'http' }, request.body);
          setSessionCookie(request, reply, session.token, session.expiresAt, cookieSecure);
          return { expiresAt: session.expiresAt, csrfToken: session.csrfToken };
        },
      );

      me.get(
        '/me/privacy',
        { schema: { tags: ['self-service'], summary: 'My privacy settings', response: { 200: PrivacyView, ...errorResponses } } },
        async (request) => self(request)(myPrivacy, {}),
      );

      me.put(
        '/me/privacy',
        {
          schema: {
            tags: ['self-service'],
            summary: 'Change my privacy settings',
            description:
              'Each setting is off until chosen. `readingHistory` (JC-IIIc; false deletes it at once), `noticeChannel` (needs the email or phone on file), `mailingLists` (RR-3; false unsubscribes, RF-8), `photoConsent` (RR-9).',
            body: Type.Object(
              {
                readingHistory: Type.Optional(Type.Boolean()),
                noticeChannel: Type.Optional(NoticeChannel),
                mailingLists: Type.Optional(Type.Boolean()),
                photoConsent: Type.Optional(Type.Boolean()),
              },
              { additionalProperties: false },
            ),
            response: { 200: PrivacyView, ...errorResponses },
          },
        },
        async (request) => self(request)(setMyPrivacy, request.body),
      );

      me.post(
        '/me/card-lost',
        {
          schema: {
            tags: ['self-service'],
            summary: 'Report my card lost or stolen (JC-IVa, IF-6)',
            description: 'The card stops working at once and every session ends (this one too). Staff issue a new card.',
            response: { 200: Type.Object({ status: Type.Literal('card-lost') }), ...errorResponses },
          },
        },
        async (request, reply) => {
          const result = await self(request)(reportMyCardLost, {});
          clearSessionCookie(request, reply, cookieSecure);
          return result;
        },
      );

      me.delete(
        '/me',
        {
          schema: {
            tags: ['self-service'],
            summary: 'Delete my record (CB-A8)',
            description:
              'Refused, with every reason, while items are out or money is owed. Otherwise the record is crypto-shredded and deleted, every session ends, and the answer is the deletion receipt.',
            response: { 200: Type.Object({ receiptId: Type.String(), deletedAt: Instant, keyDestroyedAfter: Instant }), ...errorResponses },
          },
        },
        async (request, reply) => {
          const receipt = await self(request)(deleteMyRecord, {});
          clearSessionCookie(request, reply, cookieSecure);
          return receipt;
        },
      );
    };
    await app.register(meRoutes);
  };
}
