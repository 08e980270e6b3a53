import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditReport } from '../../jobs/audit-report.job.js';
import { AUDIT_REPORT_CSP, auditReportHtml } from '../../report/audit-report.html.js';
import { auditReportMarkdown } from '../../report/audit-report.md.js';
import type { Runtime } from '../../usecases/context.js';
import { translator } from '../../i18n/messages.js';
import { AuditReportRoute } from '../schemas/audit-report.js';

/** The privacy audit report (CB-I): the director and the system administrator. */
export function auditReportRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/libraries/:libraryId/audit-report',
      { schema: AuditReportRoute },
      async (request, reply) => {
        const { format, from, to, lang } = request.query;
        const tr = translator(lang);
        const report = await auditReport(
          runtime,
          { actor: request.actor, purpose: 'administration', channel: 'http' },
          { libraryId: request.params.libraryId, language: tr.language, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) },
        );
        if (format === 'md') return reply.type('text/markdown; charset=utf-8').serializer((payload) => String(payload)).send(auditReportMarkdown(report, tr));
        // The page carries its own style and nothing else: the CSP allows exactly that style sheet.
        if (format === 'html')
          return reply.type('text/html; charset=utf-8').header('content-security-policy', AUDIT_REPORT_CSP).serializer((payload) => String(payload)).send(auditReportHtml(report, tr));
        return report;
      },
    );
  };
}
