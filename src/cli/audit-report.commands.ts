import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { SYSTEM } from '../policy/actors.js';
import type { AuditReport } from '../report/audit-report.js';
import { auditReport, DEFAULT_GRACE_HOURS } from '../jobs/audit-report.job.js';
import { auditReportHtml } from '../report/audit-report.html.js';
import { auditReportMarkdown } from '../report/audit-report.md.js';
import { listLibraries } from '../usecases/library.usecases.js';
import type { Caller, Runtime } from '../usecases/context.js';
import { emit, tr } from './output.js';
import { type CommandHelpers, systemRun } from './command-helpers.js';
import type { Translator } from '../domain/translator.js';
import { cliLanguage, translator } from '../i18n/messages.js';

/** What main.ts lends the audit-report command. */
export type AuditReportCommandHelpers = Pick<CommandHelpers, 'withRuntime' | 'globals' | 'asOf'>;

const OPERATOR: Caller = { actor: SYSTEM, purpose: 'administration', channel: 'cli' };

type Format = 'md' | 'html' | 'json';

function render(report: AuditReport, format: Format, tr: Translator): string {
  if (format === 'html') return auditReportHtml(report, tr);
  if (format === 'md') return auditReportMarkdown(report, tr);
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The one library of an installation, when `--library` is left out; refused when there are several. */
async function onlyLibrary(runtime: Runtime): Promise<string> {
  const libraries = await systemRun(runtime, 'administration')(listLibraries, undefined);
  if (libraries.length === 1) return (libraries[0] as { id: string }).id;
  throw refuse(
    libraries.length === 0 ? ErrorCode.LIBRARY_NOT_FOUND : ErrorCode.VALIDATION_FAILED,
    libraries.length === 0 ? 'There is no library yet.' : 'This installation holds several libraries: name one with --library.',
    'library',
  );
}

/**
 * `carrel audit-report [--library ID] [--format md|html|json] [--out FILE] [--from] [--to]`: the privacy
 * audit report (CB-I), generated from the live system, as the operator.
 */
export function registerAuditReportCommands(program: Command, helpers: AuditReportCommandHelpers): void {
  const { withRuntime, globals, asOf } = helpers;
  program
    .command('audit-report')
    .description(tr.t('cli.auditReport.help'))
    .option('--library <id>', 'the library (default: the only one)')
    .addOption(new Option('--format <format>', 'md, html (one self-contained page to publish) or json').choices(['md', 'html', 'json']).default('md'))
    .option('--out <file>', 'write the report to this file instead of standard output')
    .option('--from <YYYY-MM-DD>', 'the first day of the access-log period (default: three years before --to)')
    .option('--to <YYYY-MM-DD>', 'the day after the period’s last day (default: tomorrow)')
    .option('--grace-hours <n>', `hours a record may wait for the scheduled retention run before it is reported overdue (default ${DEFAULT_GRACE_HOURS})`)
    .option('--lang <language>', 'the language of the report’s words (default: the command line’s, CARREL_LANG or LANG)')
    .addOption(asOf())
    .action(async (o: { library?: string; format: Format; out?: string; from?: string; to?: string; graceHours?: string; lang?: string }, command: Command) => {
      const opts = globals(command);
      const tr = translator(o.lang ?? cliLanguage());
      const graceHours = o.graceHours === undefined ? undefined : Number(o.graceHours);
      if (graceHours !== undefined && (!Number.isInteger(graceHours) || graceHours < 0 || graceHours > 24 * 366))
        throw refuse(ErrorCode.VALIDATION_FAILED, '--grace-hours takes a whole number of hours, 0 or more.', 'grace-hours');
      const report = await withRuntime(opts, false, async (runtime) =>
        auditReport(runtime, OPERATOR, {
          libraryId: o.library ?? (await onlyLibrary(runtime)),
          language: tr.language,
          ...(o.from !== undefined ? { from: o.from } : {}),
          ...(o.to !== undefined ? { to: o.to } : {}),
          ...(graceHours !== undefined ? { graceHours } : {}),
        }),
      );
      // --json asks for the JSON document, as with every command.
      const format: Format = opts.json === true ? 'json' : o.format;
      const text = render(report, format, tr);
      if (o.out === undefined) {
        process.stdout.write(text);
        return;
      }
      const file = resolve(o.out);
      writeFileSync(file, text, { encoding: 'utf8' });
      emit(opts.json, { file, format, findings: report.findings.length }, () => tr.t('cli.auditReport.written', { file, format, findings: report.findings.length }));
    });
}
