/**
 * The facts of the privacy audit report (CB-I) for one library: counts of what it holds now, the access
 * log's counts by role and purpose for a period, the engine and the key ring, the latest retention runs
 * and the record-series register. Counts and rules only: nothing here reads a personal field, so no
 * access-log entry is written. What is overdue comes from the retention engine's dry run, which runs in
 * transactions of its own (jobs/audit-report.job.ts puts the two together).
 */
import { DateTime } from 'luxon';
import { ErrorCode, refuse } from '../domain/errors.js';
import type { AuditFacts } from '../report/audit-report.js';
import { profiles } from '../profile/profiles.js';
import { RETENTION_CATEGORIES } from '../policy/retention.policy.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import { accessLogGroups, engineSettings, heldCounts, lastLoggedAction, oldestAccessEntry } from '../storage/audit-report.repository.js';
import { findLibrary } from '../storage/library.repository.js';
import { latestRuns, receiptsOfRun } from '../storage/retention.repository.js';
import { requirePermission } from './authorization.js';
import type { Context } from './context.js';
import { listSeries } from './record-series.usecases.js';

export type { AuditReport, DisposalCheck } from '../report/audit-report.js';

const ORDER: readonly string[] = RETENTION_CATEGORIES;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** CB-I: an audit every three years; the period defaults to the three years up to today. */
export const DEFAULT_PERIOD_YEARS = 3;

export interface AuditReportInput {
  libraryId: string;
  /** YYYY-MM-DD, the first day of the access-log period (default: three years before `to`). */
  from?: string;
  /** YYYY-MM-DD, the day after the period's last day (default: tomorrow, so today is included). */
  to?: string;
  /** How many of the latest retention runs to show (default 5). */
  runs?: number;
}

function day(text: string, field: string, zone: string): DateTime {
  const parsed = ISO_DATE.test(text) ? DateTime.fromISO(text, { zone }) : undefined;
  if (!parsed?.isValid) throw refuse(ErrorCode.INVALID_DATE, `${field} is a date written YYYY-MM-DD.`, field);
  return parsed.startOf('day');
}

/** The access-log period in the library's time zone: [from, to), `to` the day after the last day. */
function periodOf(input: AuditReportInput, zone: string, now: Date): { from: DateTime; to: DateTime } {
  const to = input.to !== undefined ? day(input.to, 'to', zone) : DateTime.fromJSDate(now, { zone }).startOf('day').plus({ days: 1 });
  const from = input.from !== undefined ? day(input.from, 'from', zone) : to.minus({ years: DEFAULT_PERIOD_YEARS });
  if (to.toMillis() <= from.toMillis()) throw refuse(ErrorCode.INVALID_DATE, 'The period must end after it starts (`to` is the day after its last day).', 'to');
  return { from, to };
}

/**
 * Everything the audit report states about a library except what the retention engine would dispose of
 * (the director, the system administrator; a library out of the caller's reach is not found).
 */
export async function auditFacts(ctx: Context, input: AuditReportInput): Promise<AuditFacts> {
  requirePermission(ctx, 'audit.read');
  const library = await findLibrary(ctx.trx, input.libraryId);
  if (!library || !canReachLibrary(ctx.actor, library.id).allowed) throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'libraryId');
  const profile = profiles().get(library.profileId);
  const period = periodOf(input, library.timeZone, ctx.now);

  const runs = await latestRuns(ctx.trx, library.id, Math.min(Math.max(input.runs ?? 5, 1), 50));
  const keyring = ctx.vault.keyring;
  const keys = await ctx.vault.keyCounts();
  return {
    generatedAt: ctx.now.toISOString(),
    library: { id: library.id, name: library.name, timeZone: library.timeZone },
    profile,
    period: { from: period.from.toISODate() as string, to: period.to.toISODate() as string },
    held: await heldCounts(ctx.trx, library.id),
    accessLog: {
      groups: await accessLogGroups(ctx.trx, { libraryId: library.id, from: period.from.toUTC().toISO() as string, to: period.to.toUTC().toISO() as string }),
      oldestEntryAt: await oldestAccessEntry(ctx.trx, library.id),
    },
    storage: {
      engine: await engineSettings(ctx.trx),
      // Where the key is, never its path: the report is published as is.
      keyEncryptionKey: keyring.source.kind === 'file' ? { kind: 'file' } : { kind: 'env' },
      keyEncryptionKeys: keyring.ids.length,
      dataKeys: { total: keys.total, notUnderCurrent: keys.notUnderCurrent },
      shreddedKeyRetentionDays: ctx.vault.retentionDays,
      lastBackupAt: await lastLoggedAction(ctx.trx, 'backup'),
      lastRestoreAt: await lastLoggedAction(ctx.trx, 'restore'),
    },
    runs: await Promise.all(
      runs.map(async (r) => ({
        status: r.status,
        asOf: r.asOf,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
        profileVersion: r.profileVersion,
        receipts: (await receiptsOfRun(ctx.trx, r.id))
          .sort((a, b) => ORDER.indexOf(a.category) - ORDER.indexOf(b.category))
          .map(({ category, rule, clause, disposed, kept, held }) => ({ category, rule, clause, disposed, kept, held })),
      })),
    ),
    series: (await listSeries(ctx, { libraryId: library.id })).map((s) => ({
      code: s.code,
      name: s.name,
      medium: s.medium,
      location: s.location,
      retentionDays: s.retentionDays,
      clause: s.clause,
      // Who confirmed a disposal (a staff account id) is left out: the report names no one.
      lastDisposal: s.lastDisposal ? { disposedThrough: s.lastDisposal.disposedThrough, method: s.lastDisposal.method, confirmedAt: s.lastDisposal.confirmedAt } : null,
      due: { status: s.due.status, dueThrough: s.due.dueThrough, overdueSince: s.due.overdueSince },
    })),
  };
}

