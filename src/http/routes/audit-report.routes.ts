import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { auditReport } from '../../jobs/audit-report.job.js';
import { AUDIT_REPORT_CSP, auditReportHtml } from '../../report/audit-report.html.js';
import { auditReportMarkdown } from '../../report/audit-report.md.js';
import type { Runtime } from '../../usecases/context.js';
import { CalendarDate, ErrorResponse, errorResponses, LibraryId } from '../schemas.js';

/** The privacy audit report (CB-I): the director and the system administrator. */
export function auditReportRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/libraries/:libraryId/audit-report',
      {
        schema: {
          tags: ['retention'],
          summary: 'The privacy audit report (CB-I), generated from the live system (the director, the system administrator)',
          description:
            'Answers CB-I’s five questions — (a) what is collected, (b) why and how it is used, (c) who collects it and who can access it, (d) where it is kept and how it is secured, ' +
            '(e) how long it is kept and how it is disposed of — from the data inventory, the library’s profile, the role table, counts of the records held, the access log for [from, to) ' +
            '(`to` is the day after the last day; default: the three years up to today) and the retention receipts. Anything the retention engine, run dry, would have disposed of by a day ago is a finding. ' +
            'Counts and rules only: no patron is named. `format=md` answers Markdown (text/markdown); `format=html` one self-contained page to publish (text/html, no external reference).',
          params: Type.Object({ libraryId: LibraryId }),
          querystring: Type.Object(
            {
              format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('md'), Type.Literal('html')])),
              from: Type.Optional(CalendarDate),
              to: Type.Optional(CalendarDate),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Union([
              Type.Object({}, { additionalProperties: true, description: 'The report as one JSON document (format `carrel-audit-report-1`).' }),
              Type.String({ description: 'With format=md or format=html: the report as Markdown or as an HTML page.' }),
            ]),
            ...errorResponses,
            403: ErrorResponse,
          },
        },
      },
      async (request, reply) => {
        const { format, from, to } = request.query;
        const report = await auditReport(
          runtime,
          { actor: request.actor, purpose: 'administration', channel: 'http' },
          { libraryId: request.params.libraryId, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) },
        );
        if (format === 'md') return reply.type('text/markdown; charset=utf-8').serializer((payload) => String(payload)).send(auditReportMarkdown(report));
        // The page carries its own style and nothing else: the CSP allows exactly that style sheet.
        if (format === 'html')
          return reply.type('text/html; charset=utf-8').header('content-security-policy', AUDIT_REPORT_CSP).serializer((payload) => String(payload)).send(auditReportHtml(report));
        return report;
      },
    );
  };
}
