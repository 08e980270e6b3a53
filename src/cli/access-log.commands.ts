import type { Command } from 'commander';
import { DomainError, ErrorCode } from '../domain/errors.js';
import { SYSTEM } from '../policy/actors.js';
import { verifyAccessLog, type BrokenLink, type VerificationReport } from '../usecases/access-log.usecases.js';
import { run, type Caller } from '../usecases/context.js';
import { emit, tr } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** What main.ts lends the access-log commands. */
export type AccessLogCommandHelpers = Pick<CommandHelpers, 'withRuntime' | 'globals' | 'asOf'>;

const OPERATOR: Caller = { actor: SYSTEM, purpose: 'administration', channel: 'cli' };

/** A broken link in one line: where, what, and what that means. */
export function describeLink(link: BrokenLink): string {
  const where = link.chain === null ? 'outside every chain' : `chain ${link.chain}${link.chainSeq !== null ? `, entry ${link.chainSeq}` : ''}`;
  return `${where}${link.seq !== null ? ` (row ${link.seq})` : ''}: ${link.problem}. ${link.detail}`;
}

/** The report as an operator reads it: per chain, entries checked, intact or not, and the head to anchor. */
export function describeVerification(report: VerificationReport): string {
  const summary = { entries: report.entries, chains: report.chains.length, at: report.verifiedAt };
  const lines = [report.ok ? tr.t('cli.verifyLog.intact', summary) : tr.t('cli.verifyLog.broken', summary)];
  if (report.incremental) lines.push(`  ${tr.t('cli.verifyLog.incremental')}`);
  const line = (indent: string, name: string, chain: { ok: boolean; brokenLinks: number; entries: number; head: { seq: number; hash: string } | null }) => {
    const state = chain.ok ? tr.t('cli.verifyLog.chainOk') : tr.t('cli.verifyLog.chainBroken', { count: chain.brokenLinks });
    const head = chain.head ? `${chain.head.seq} ${chain.head.hash}` : tr.t('cli.verifyLog.noHead');
    return `${indent}${name.padEnd(22 - indent.length)} ${tr.t('cli.verifyLog.chain', { entries: String(chain.entries).padStart(8), state: state.padEnd(24), head })}`;
  };
  for (const chain of report.chains) {
    lines.push(line('  ', chain.chain, chain));
    // A library with several lanes: each lane's own line, with the head to anchor.
    if (chain.lanes.length > 1) for (const lane of chain.lanes) lines.push(line('    ', lane.chain, lane));
  }
  if (report.unchained > 0) lines.push(`  ${tr.t('cli.verifyLog.unchained', { count: report.unchained })}`);
  return lines.join('\n');
}

/** `carrel verify-log`. */
export function registerAccessLogCommands(program: Command, helpers: AccessLogCommandHelpers): void {
  const { withRuntime, globals } = helpers;
  program
    .command('verify-log')
    .description(tr.t('cli.verifyLog.help'))
    .option('--library <id>', 'only this library’s chain')
    .option('--incremental', 'check each chain only from where the last check found it intact (a daily check; the default checks everything)')
    .action(async (o: { library?: string; incremental?: boolean }, command: Command) => {
      const opts = globals(command);
      const input = { ...(o.library !== undefined ? { libraryId: o.library } : {}), ...(o.incremental ? { incremental: true } : {}) };
      const report = await withRuntime(opts, false, (runtime) => run(runtime, OPERATOR, verifyAccessLog, input, { snapshot: true }));
      if (report.ok) {
        emit(opts.json, report, () => describeVerification(report));
        return;
      }
      // Broken: the summary on stdout (people), then a refusal naming the first broken link of each chain,
      // which exits 1 (with --json, that refusal is the one document printed).
      if (!opts.json) emit(false, report, () => describeVerification(report));
      throw new DomainError(
        report.broken.map((link) => ({ code: ErrorCode.ACCESS_LOG_BROKEN, message: `The access log is broken at ${describeLink(link)}`, ...(link.chain !== null ? { field: link.chain } : {}) })),
      );
    });
}
