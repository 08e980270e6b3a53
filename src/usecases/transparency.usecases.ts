/**
 * The transparency report: legal requests by instrument and outcome for a period, gagged requests only
 * in a band (JC-II), legal holds and complaints (JC-VIII). Counts only: no patron, agency or case.
 */
import { DateTime } from 'luxon';
import { ErrorCode, refuse } from '../domain/errors.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import { aggregateRequests, reportMarkdown, type TransparencyReport } from '../policy/transparency.policy.js';
import { complaintCounts } from '../storage/complaint.repository.js';
import { holdCounts } from '../storage/legal-hold.repository.js';
import { findLibrary } from '../storage/library.repository.js';
import { requestsReceived } from '../storage/transparency.repository.js';
import { requirePermission } from './authorization.js';
import type { Context } from './context.js';
import { translator } from '../i18n/messages.js';

export { reportMarkdown, type TransparencyReport } from '../policy/transparency.policy.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface TransparencyInput {
  /** YYYY-MM-DD: the first day of the period, and the day after its last (not included). */
  from: string;
  to: string;
  /** One library; absent: the caller's own library, or every library for the system and consortium staff. */
  libraryId?: string;
}

/**
 * The transparency report for [from, to) (the director, the system administrator). Days are read in
 * the library's time zone (UTC for every library at once).
 */
export async function transparencyReport(ctx: Context, input: TransparencyInput): Promise<TransparencyReport> {
  requirePermission(ctx, 'transparency.read');
  const own = ctx.actor.kind === 'staff' ? ctx.actor.libraryId : null;
  const libraryId = input.libraryId ?? own;
  let zone = 'UTC';
  if (libraryId !== null) {
    const library = await findLibrary(ctx.trx, libraryId);
    if (!library || !canReachLibrary(ctx.actor, library.id).allowed) throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'libraryId');
    zone = library.timeZone;
  }
  const day = (text: string, field: string) => {
    const parsed = ISO_DATE.test(text) ? DateTime.fromISO(text, { zone }) : undefined;
    if (!parsed?.isValid) throw refuse(ErrorCode.INVALID_DATE, `${field} is a date written YYYY-MM-DD.`, field);
    return parsed.startOf('day').toJSDate();
  };
  const from = day(input.from, 'from');
  const to = day(input.to, 'to');
  if (to.getTime() <= from.getTime()) throw refuse(ErrorCode.INVALID_DATE, 'The period must end after it starts (`to` is the day after its last day).', 'to');
  const now = ctx.now;
  const period = { libraryId, from: from.toISOString(), to: to.toISOString() };
  const requests = aggregateRequests(await requestsReceived(ctx.trx, period), now);
  const holds = await holdCounts(ctx.trx, { ...period, gaggedAt: now.toISOString() });
  // A complaint is overdue once its due date passed unanswered: not before the report is generated.
  const overdueBy = new Date(Math.min(to.getTime(), now.getTime())).toISOString();
  const complaints = await complaintCounts(ctx.trx, { ...period, overdueBy });
  return {
    libraryId,
    period: { from: input.from, to: input.to },
    generatedAt: now.toISOString(),
    requests,
    legalHolds: { placed: holds.placed, released: holds.released, liveAtEnd: holds.live },
    complaints,
  };
}

/** The report as Markdown (the same numbers as the JSON document). */
export async function transparencyReportMarkdown(ctx: Context, input: TransparencyInput & { language?: string }): Promise<string> {
  const { language, ...period } = input;
  return reportMarkdown(await transparencyReport(ctx, period), translator(language));
}
