import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Actor } from '../../policy/actors.js';
import { POLICY_PAGE_CSP, renderPolicyHtml, renderPolicyMarkdown } from '../../report/privacy-policy.render.js';
import { translator } from '../../i18n/messages.js';
import { run, type Runtime } from '../../usecases/context.js';
import { policyHistory, publishedPolicy } from '../../usecases/privacy-policy.usecases.js';
import { PolicyHistoryRoute, PublishedPolicyRoute } from '../schemas/privacy-policy.js';

/**
 * Whoever reads the published policy: no session, no role, and no library (an id no library has), so
 * any permission check refuses it and no scope check lets it reach a library's records — a null library
 * would have made it consortium-wide staff. The policy use cases need neither: the policy is public and
 * holds no personal data (CB-A9).
 */
const PUBLIC: Actor = { kind: 'staff', id: 'public', libraryId: '', roles: [] };
const caller = { actor: PUBLIC, purpose: 'administration', channel: 'http' } as const;

/**
 * The published privacy policy and its version history (CB-A9, RR-10), at the root beside /health:
 * public pages for patrons, outside the authenticated API. Answers stay `no-store` like every other
 * answer (the page is cheap to build and always says the version in force). `?lang=es` asks for Spanish.
 */
export function privacyPolicyRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/libraries/:libraryId/privacy-policy',
      { schema: PublishedPolicyRoute },
      async (request, reply) => {
        const language = request.query.lang;
        const policy = await run(runtime, caller, publishedPolicy, { libraryId: request.params.libraryId, ...(language ? { language } : {}) });
        const format = request.query.format ?? 'html';
        if (format === 'json') return policy;
        // The document says which language it is in (English when the one asked for has no catalogue).
        const tr = translator(policy.language);
        const contentLanguage = { 'content-language': policy.language };
        if (format === 'md') return reply.type('text/markdown; charset=utf-8').headers(contentLanguage).serializer((payload) => String(payload)).send(renderPolicyMarkdown(tr, policy));
        return reply
          .type('text/html; charset=utf-8')
          .headers({ ...contentLanguage, 'content-security-policy': POLICY_PAGE_CSP })
          .serializer((payload) => String(payload))
          .send(renderPolicyHtml(tr, policy));
      },
    );

    app.get(
      '/libraries/:libraryId/privacy-policy/history',
      { schema: PolicyHistoryRoute },
      async (request) => run(runtime, caller, policyHistory, { libraryId: request.params.libraryId, ...(request.query.lang ? { language: request.query.lang } : {}) }),
    );
  };
}
