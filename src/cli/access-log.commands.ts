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
  for (const chain of report.chains) {
    const state = chain.ok ? tr.t('cli.verifyLog.chainOk') : tr.t('cli.verifyLog.chainBroken', { count: chain.brokenLinks });
    const head = chain.head ? `${chain.head.seq} ${chain.head.hash}` : tr.t('cli.verifyLog.noHead');
    lines.push(`  ${chain.chain.padEnd(20)} ${tr.t('cli.verifyLog.chain', { entries: String(chain.entries).padStart(8), state: state.padEnd(24), head })}`);
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
    .action(async (o: { library?: string }, command: Command) => {
      const opts = globals(command);
      const report = await withRuntime(opts, false, (runtime) => run(runtime, OPERATOR, verifyAccessLog, o.library !== undefined ? { libraryId: o.library } : {}, { snapshot: true }));
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
