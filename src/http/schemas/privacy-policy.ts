/**
 * The published privacy policy and its history (CB-A9, RR-10): public, outside /api/v1.
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type } from 'typebox';
import { ErrorResponse, LibraryId } from './common.js';

export const Params = Type.Object({ libraryId: LibraryId }, { additionalProperties: false });

/** The language to say it in (en, es, …); English when absent or when Carrel has no catalogue for it. */
const Lang = Type.Optional(Type.String({ pattern: '^[a-z]{2,3}$', description: 'The language: en (the default), es, …' }));

/** GET /libraries/:libraryId/privacy-policy */
export const PublishedPolicyRoute = {
  tags: ['privacy policy'],
  summary: 'The library’s published privacy policy (public, no session)',
  description:
    'What is kept, why, for how long, who can see it, when it could be disclosed and on what basis, the patron’s rights, and the version history. HTML by default (self-contained: no script, nothing loaded from elsewhere); `format=md` answers Markdown, `format=json` the document as JSON. `lang=es` says it in Spanish (English by default).',
  security: [],
  params: Params,
  querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('md'), Type.Literal('json')])), lang: Lang }, { additionalProperties: false }),
  response: {
    200: Type.Unknown({ description: 'The page (text/html), its Markdown (text/markdown) or the document (application/json).' }),
    400: ErrorResponse,
    404: ErrorResponse,
  },
};

/** GET /libraries/:libraryId/privacy-policy/history */
export const PolicyHistoryRoute = {
  tags: ['privacy policy'],
  summary: 'The version history of the library’s privacy policy (public, no session)',
  description: 'Every version Carrel has applied, newest first, with what changed from the one before in words, and a flag where rules changed without a new version number (RR-10).',
  security: [],
  params: Params,
  querystring: Type.Object({ lang: Lang }, { additionalProperties: false }),
  response: { 200: Type.Unknown({ description: 'The library, the version in force, and every version newest first with its changes.' }), 400: ErrorResponse, 404: ErrorResponse },
};
