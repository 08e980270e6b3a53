import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { notifyBreach } from '../../jobs/notices.job.js';
import { SYSTEM } from '../../policy/actors.js';
import { run, type Runtime } from '../../usecases/context.js';
import {
  lettersToPost,
  listBreaches,
  listNotices,
  listNoticeTemplates,
  markLetterPosted,
  noticeCounts,
  previewNotice,
  readNoticeSettings,
  resetNoticeTemplate,
  retryFailedNotices,
  retryNotice,
  saveNoticeTemplate,
  unsubscribe,
  updateNoticeSettings,
} from '../../usecases/notice.usecases.js';
import {
  LettersToPostRoute,
  ListBreachesRoute,
  ListNoticesRoute,
  ListNoticeTemplatesRoute,
  MarkLetterPostedRoute,
  NoticeCountsRoute,
  OneClickUnsubscribeRoute,
  PreviewNoticeRoute,
  ReadNoticeSettingsRoute,
  RecordBreachRoute,
  ResetNoticeTemplateRoute,
  RetryFailedNoticesRoute,
  RetryNoticeRoute,
  SaveNoticeTemplateRoute,
  UnsubscribeRoute,
  UpdateNoticeSettingsRoute,
} from '../schemas/notices.js';
import { runFor } from './context.js';

/** Carrel's public address for links in letters: the configured one, else the address the request came to. */
function publicUrlOf(request: FastifyRequest, configured: string | undefined): string {
  return configured ?? `${request.protocol}://${request.host}`;
}

/**
 * Notices (issue 17), staff side: the queue (failed notices to retry, letters to post), the library's
 * notice settings and templates, and the breach register (RR-6). Permissions are the use cases': desk
 * staff read and retry, administrators and the director edit settings and templates, only the director
 * records a breach.
 */
export function noticeRoutes(runtime: Runtime, publicUrl?: string): FastifyPluginAsyncTypebox {
  return async (app) => {
    const as = (request: FastifyRequest) => runFor(runtime, request, 'notices');
    const admin = (request: FastifyRequest) => runFor(runtime, request, 'administration');
    const notices = '/libraries/:libraryId/notices';
    const templates = '/libraries/:libraryId/notice-templates/:kind/:language';

    app.get(notices, { schema: ListNoticesRoute }, async (request) => {
      const { status, kind, limit } = request.query;
      return as(request)(listNotices, {
        libraryId: request.params.libraryId,
        ...(status ? { status: status.split(',') } : {}),
        ...(kind ? { kind: kind.split(',') } : {}),
        ...(limit ? { limit: Number(limit) } : {}),
      });
    });

    app.get(`${notices}/counts`, { schema: NoticeCountsRoute }, async (request) => as(request)(noticeCounts, { libraryId: request.params.libraryId }));

    app.post('/notices/:noticeId/retry', { schema: RetryNoticeRoute }, async (request) => as(request)(retryNotice, { noticeId: request.params.noticeId }));

    app.post(`${notices}/retry-failed`, { schema: RetryFailedNoticesRoute }, async (request) => as(request)(retryFailedNotices, { libraryId: request.params.libraryId }));

    app.get(`${notices}/letters`, { schema: LettersToPostRoute }, async (request) =>
      as(request)(lettersToPost, { libraryId: request.params.libraryId, publicUrl: publicUrlOf(request, publicUrl) }),
    );

    app.post('/notices/:noticeId/posted', { schema: MarkLetterPostedRoute }, async (request) => as(request)(markLetterPosted, { noticeId: request.params.noticeId }));

    app.get('/libraries/:libraryId/notice-settings', { schema: ReadNoticeSettingsRoute }, async (request) => admin(request)(readNoticeSettings, { libraryId: request.params.libraryId }));

    app.patch('/libraries/:libraryId/notice-settings', { schema: UpdateNoticeSettingsRoute }, async (request) =>
      admin(request)(updateNoticeSettings, { ...request.body, libraryId: request.params.libraryId }),
    );

    app.get('/libraries/:libraryId/notice-templates', { schema: ListNoticeTemplatesRoute }, async (request) =>
      admin(request)(listNoticeTemplates, { libraryId: request.params.libraryId }),
    );

    app.put(templates, { schema: SaveNoticeTemplateRoute }, async (request) => admin(request)(saveNoticeTemplate, { ...request.params, ...request.body }));

    app.delete(templates, { schema: ResetNoticeTemplateRoute }, async (request) => admin(request)(resetNoticeTemplate, request.params));

    app.post(`${templates}/preview`, { schema: PreviewNoticeRoute }, async (request) => admin(request)(previewNotice, { ...request.params, ...request.body }));

    app.get('/libraries/:libraryId/breaches', { schema: ListBreachesRoute }, async (request) => admin(request)(listBreaches, { libraryId: request.params.libraryId }));

    // Recording a breach queues its notices a page at a time (jobs/notices.job.ts): a transport may start a job.
    app.post('/libraries/:libraryId/breaches', { schema: RecordBreachRoute }, async (request, reply) =>
      reply.status(201).send(await notifyBreach(runtime, { actor: request.actor, purpose: 'administration', channel: 'http' }, { ...request.body, libraryId: request.params.libraryId })),
    );
  };
}

/**
 * Unsubscribing (RR-3, RF-8), public: no session and no CSRF token, so it works from a mail client.
 * The token is the proof, and opens nothing but this; the use case runs as the system, for the patron's
 * own request. One-click (RFC 8058) posts `List-Unsubscribe=One-Click` form-encoded (or multipart, or
 * nothing) to the address in the List-Unsubscribe header; the page /app/unsubscribe posts JSON. The
 * token in the path is never logged: requests are logged by route pattern (src/log.ts), which also
 * blanks any `/unsubscribe/<token>` that reaches a log line another way.
 */
export function unsubscribeRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    const caller = { actor: SYSTEM, purpose: 'self-service', channel: 'http' } as const;
    // What a one-click body says is fixed and carries nothing: read it (within the body limit) and drop it.
    // Scoped to this plugin: every other route still takes JSON only.
    app.addContentTypeParser(['application/x-www-form-urlencoded', 'multipart/form-data'], { parseAs: 'string' }, (_request, _body, done) => done(null, undefined));

    app.post('/unsubscribe/:token', { schema: OneClickUnsubscribeRoute }, async (request) => run(runtime, caller, unsubscribe, { token: request.params.token }));

    app.post('/unsubscribe', { schema: UnsubscribeRoute }, async (request) => run(runtime, caller, unsubscribe, { token: request.body.token }));
  };
}
