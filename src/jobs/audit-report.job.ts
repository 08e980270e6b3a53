/**
 * The privacy audit report (CB-I), put together: the facts the audit use case gathers (the caller's
 * permission is checked there), and what the retention engine, run dry for that library, would dispose
 * of. Anything it would dispose of is overdue — the schedule has not caught up — and becomes a finding.
 * The dry run changes nothing and leaves no receipt. Like `runRetentionFor`, this lives beside the
 * engine because the engine runs its pages in transactions of its own.
 */
import { fixedClock } from '../domain/clock.js';
import { buildAuditReport } from '../report/audit-report.js';
import { auditFacts, type AuditReport, type AuditReportInput, type DisposalCheck } from '../usecases/audit-report.usecases.js';
import { run, type Caller, type Runtime } from '../usecases/context.js';
import { runRetention } from './retention.job.js';
import { translator } from '../i18n/messages.js';

/**
 * How long a record past its retention may wait for the scheduled run before the report calls it
 * overdue: one day, the period of the default nightly schedule. Without it a loan returned this morning
 * under a break-the-link-on-return profile would be reported as overdue until tonight's run.
 */
export const DEFAULT_GRACE_HOURS = 24;

export interface AuditReportOptions extends AuditReportInput {
  /** Hours a record may wait for the scheduled retention run (default 24; 0: overdue the moment it is due). */
  graceHours?: number;
  /** The language the report's words are in (default English; its numbers and codes are the same in every language). */
  language?: string;
}

/** The audit report of one library at the runtime clock's instant (`--as-of` moves it). */
export async function auditReport(runtime: Runtime, caller: Caller, options: AuditReportOptions): Promise<AuditReport> {
  const { graceHours = DEFAULT_GRACE_HOURS, language, ...input } = options;
  // One snapshot for every count (PostgreSQL: repeatable read); it reads and writes nothing personal.
  const facts = await run(runtime, caller, auditFacts, input, { snapshot: true });
  const asOf = new Date(Date.parse(facts.generatedAt) - graceHours * 3_600_000);
  const dry = await runRetention({ ...runtime, clock: fixedClock(asOf) }, { libraryId: facts.library.id, dryRun: true });
  const library = dry.libraries[0];
  const check: DisposalCheck = {
    asOf: dry.asOf,
    graceHours,
    categories: (library?.categories ?? []).map((c) => ({
      category: c.category,
      rule: c.rule,
      clause: c.clause,
      disposed: c.disposed,
      kept: c.kept,
      held: c.held,
      ...(c.skipped ? { skipped: { nextSweepAfter: c.skipped.nextSweepAfter } } : {}),
    })),
  };
  // The report itself is pure (report/audit-report.ts): the facts and the dry run, each read in transactions of their own, joined here.
  return buildAuditReport(facts, check, translator(language));
}
