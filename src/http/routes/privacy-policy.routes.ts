import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Actor } from '../../policy/actors.js';
import { POLICY_PAGE_CSP, renderPolicyHtml, renderPolicyMarkdown } from '../../report/privacy-policy.render.js';
import { run, type Runtime } from '../../usecases/context.js';
import { policyHistory, publishedPolicy } from '../../usecases/privacy-policy.usecases.js';
import { ErrorResponse, LibraryId } from '../schemas.js';

/**
 * Whoever reads the published policy: no session, no role, and no library (an id no library has), so
 * any permission check refuses it and no scope check lets it reach a library's records — a null library
 * would have made it consortium-wide staff. The policy use cases need neither: the policy is public and
 * holds no personal data (CB-A9).
 */
const PUBLIC: Actor = { kind: 'staff', id: 'public', libraryId: '', roles: [] };
const caller = { actor: PUBLIC, purpose: 'administration', channel: 'http' } as const;

const Params = Type.Object({ libraryId: LibraryId }, { additionalProperties: false });

/**
 * The published privacy policy and its version history (CB-A9, RR-10), at the root beside /health:
 * public pages for patrons, outside the authenticated API. Answers stay `no-store` like every other
 * answer (the page is cheap to build and always says the version in force).
 */
export function privacyPolicyRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/libraries/:libraryId/privacy-policy',
      {
        schema: {
          tags: ['privacy policy'],
          summary: 'The library’s published privacy policy (public, no session)',
          description:
            'What is kept, why, for how long, who can see it, when it could be disclosed and on what basis, the patron’s rights, and the version history. HTML by default (self-contained: no script, nothing loaded from elsewhere); `format=md` answers Markdown, `format=json` the document as JSON.',
          security: [],
          params: Params,
          querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('md'), Type.Literal('json')])) }, { additionalProperties: false }),
          response: {
            200: Type.Unknown({ description: 'The page (text/html), its Markdown (text/markdown) or the document (application/json).' }),
            400: ErrorResponse,
            404: ErrorResponse,
          },
        },
      },
      async (request, reply) => {
        const policy = await run(runtime, caller, publishedPolicy, { libraryId: request.params.libraryId });
        const format = request.query.format ?? 'html';
        if (format === 'json') return policy;
        if (format === 'md') return reply.type('text/markdown; charset=utf-8').serializer((payload) => String(payload)).send(renderPolicyMarkdown(policy));
        return reply.type('text/html; charset=utf-8').header('content-security-policy', POLICY_PAGE_CSP).serializer((payload) => String(payload)).send(renderPolicyHtml(policy));
      },
    );

    app.get(
      '/libraries/:libraryId/privacy-policy/history',
      {
        schema: {
          tags: ['privacy policy'],
          summary: 'The version history of the library’s privacy policy (public, no session)',
          description: 'Every version Carrel has applied, newest first, with what changed from the one before in words, and a flag where rules changed without a new version number (RR-10).',
          security: [],
          params: Params,
          response: { 200: Type.Unknown({ description: 'The library, the version in force, and every version newest first with its changes.' }), 400: ErrorResponse, 404: ErrorResponse },
        },
      },
      async (request) => run(runtime, caller, policyHistory, { libraryId: request.params.libraryId }),
    );
  };
}
