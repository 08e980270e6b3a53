/**
 * The privacy audit report (CB-I).
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type } from 'typebox';
import { CalendarDate, ErrorResponse, LanguageParam, LibraryId, errorResponses } from './common.js';


/** GET /api/v1/libraries/:libraryId/audit-report */
export const AuditReportRoute = {
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
      lang: Type.Optional(LanguageParam),
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
};
