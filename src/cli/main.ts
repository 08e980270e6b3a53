import { Command, CommanderError, Option } from 'commander';
import { registerAccessLogCommands } from './access-log.commands.js';
import { registerAdministrationCommands } from './administration.commands.js';
import { registerAuditReportCommands } from './audit-report.commands.js'; // privacy audit report (CB-I)
import { registerBackupCommands } from './backup.commands.js';
import { registerCatalogueCommands } from './catalogue.commands.js'; // the catalogue and MARC import (issue 18)
import { registerCirculationCommands } from './circulation.commands.js';
import { registerDisclosureCommands } from './disclosure.commands.js';
import { registerImportCommands } from './import.commands.js'; // moving a library onto Carrel (issue 21)
import { registerItemCommands } from './item.commands.js';
import { registerJobsCommands } from './jobs.commands.js'; // scheduled jobs (issue 15, jobs)
import { registerSip2Commands } from './sip2.commands.js'; // SIP2 accounts and ping (issue 16)
import { registerNoticesCommands } from './notices.commands.js'; // notices and the breach register (issue 17)
import { registerVendorCommands } from './vendor.commands.js'; // e-content vendors, EZproxy, the OpenID keys (issue 19)
import { registerKeysCommands } from './keys.commands.js';
import { registerLibraryConfigCommands } from './library-config.commands.js'; // the library's configuration (issue 15)
import { libraryTimes } from './local-times.js';
import { EXIT, report, tr } from './output.js';
import { registerExportPatronCommand, registerPatronCommands } from './patron.commands.js';
import { registerPrivacyPolicyCommands } from './privacy-policy.commands.js';
import { registerRecordSeriesCommands } from './record-series.commands.js';
import { registerRetentionCommands } from './retention.commands.js';
import { systemRun, type CommandHelpers, type GlobalOptions } from './command-helpers.js';
import { cliConfig, runtimeOpener, setupFault } from './runtime.js';
import { registerServiceCommands } from './services.commands.js';
import { registerSetupCommands } from './setup.commands.js';
import { registerStatisticsCommands } from './statistics.commands.js';
// Staff lists (issue 15)
import { registerStaffListCommands } from './staff-lists.commands.js';
import { registerTransparencyCommands } from './transparency.commands.js';

const VERSION = '0.1.0';
// Everything Carrel creates (database, WAL, key file, backups) is readable by its own user only.
process.umask(0o077);
const config = cliConfig();

/** commander's headings, in the session's language (its own words for the rest of a usage error stay English). */
const HELP_TITLES: Record<string, string> = {
  'Usage:': tr.t('cli.help.usage'),
  'Options:': tr.t('cli.help.options'),
  'Global Options:': tr.t('cli.help.globalOptions'),
  'Commands:': tr.t('cli.help.commands'),
  'Arguments:': tr.t('cli.help.arguments'),
};

// The help settings set here (words, headings) are inherited by every command the areas add below.
const program = new Command('carrel')
  .description(tr.t('cli.main.description'))
  .version(VERSION, undefined, tr.t('cli.main.version'))
  .addOption(new Option('--db <path|url>', tr.t('cli.main.db')))
  .option('--json', tr.t('cli.main.json'))
  .helpOption('-h, --help', tr.t('cli.help.option'))
  .helpCommand('help [command]', tr.t('cli.help.command'))
  .configureHelp({ styleTitle: (title) => HELP_TITLES[title] ?? title })
  .showHelpAfterError()
  .exitOverride();

const withRuntime = runtimeOpener(config);
const helpers: CommandHelpers = {
  withRuntime,
  runAs: (opts, purpose) => (useCase, input) => withRuntime(opts, false, (runtime) => systemRun(runtime, purpose)(useCase, input)),
  runWithTimes: (opts, purpose) => (useCase, input) =>
    withRuntime(opts, false, async (runtime) => ({ result: await systemRun(runtime, purpose)(useCase, input), times: await libraryTimes(runtime) })),
  globals: (command: Command): GlobalOptions => command.optsWithGlobals<GlobalOptions>(),
  asOf: () => new Option('--as-of <iso-date>', tr.t('cli.main.asOf')),
  config,
  version: VERSION,
};

// Each area registers its commands; the order is the order `carrel --help` lists them in.
// `carrel init|start|demo` (src/cli/setup.commands.ts).
registerSetupCommands(program, helpers);
// `carrel library add` and `carrel staff add|list|disable|enable|roles|reset-password` (src/cli/administration.commands.ts).
registerAdministrationCommands(program, helpers);
// `carrel library settings`, `carrel branch|calendar|category|item-type|loan-rule …`: the library's configuration (issue 15,
// src/cli/library-config.commands.ts; after the administration commands, whose `library` it extends).
registerLibraryConfigCommands(program, helpers);
// `carrel patron …`, card-lost and reissue included (src/cli/patron.commands.ts).
registerPatronCommands(program, helpers);
// `carrel item add|import` (src/cli/item.commands.ts).
registerItemCommands(program, helpers);
// `carrel catalogue search|show|import` (src/cli/catalogue.commands.ts).
registerCatalogueCommands(program, helpers);
// `carrel import patrons|loans|holds|fines|runs` (src/cli/import.commands.ts): moving a library onto Carrel (issue 21).
registerImportCommands(program, helpers);
// `carrel checkout|checkin|renew|lost|pay` and `carrel holds …` (src/cli/circulation.commands.ts).
registerCirculationCommands(program, helpers);
// `carrel keys rotate|status|purge` (src/cli/keys.commands.ts).
registerKeysCommands(program, helpers);
// `carrel export-patron` (src/cli/patron.commands.ts).
registerExportPatronCommand(program, helpers);
// `carrel backup` and `carrel restore` (src/cli/backup.commands.ts).
registerBackupCommands(program, helpers);
// `carrel records …` (src/cli/record-series.commands.ts).
registerRecordSeriesCommands(program, helpers);
// `carrel session|program|room|ill|reference` (src/cli/services.commands.ts).
registerServiceCommands(program, helpers);
// `carrel retention run` and `carrel profiles list|check` (src/cli/retention.commands.ts).
registerRetentionCommands(program, helpers);
// `carrel verify-log` (src/cli/access-log.commands.ts).
registerAccessLogCommands(program, helpers);
// `carrel transparency-report` (src/cli/transparency.commands.ts).
registerTransparencyCommands(program, helpers);
// `carrel audit-report` (src/cli/audit-report.commands.ts): the privacy audit report (CB-I).
registerAuditReportCommands(program, helpers);
// `carrel stats` (src/cli/statistics.commands.ts).
registerStatisticsCommands(program, helpers);
// `carrel legal-request …` (src/cli/disclosure.commands.ts).
registerDisclosureCommands(program, helpers);
// `carrel privacy-policy` (src/cli/privacy-policy.commands.ts).
registerPrivacyPolicyCommands(program, helpers);
// `carrel lists overdue|pull|expired-holds|in-transit|done` (src/cli/staff-lists.commands.ts).
registerStaffListCommands(program, helpers);
// `carrel jobs list|run` (src/cli/jobs.commands.ts): the scheduler's jobs (issue 15, jobs).
registerJobsCommands(program, helpers);
// `carrel sip2 account …|ping` (src/cli/sip2.commands.ts): kiosks, sorters, authentication clients (issue 16).
registerSip2Commands(program, helpers);
// `carrel notices …` and `carrel breach record|list` (src/cli/notices.commands.ts): notices to patrons (issue 17).
registerNoticesCommands(program, helpers);
// `carrel vendor add|list|disable|enable|reset-secret`, `carrel ezproxy add`, `carrel oidc keys rotate` (src/cli/vendor.commands.ts, issue 19).
registerVendorCommands(program, helpers);

/** Runs the command line and answers its exit status: scripts tell a refusal from a usage mistake from a fault. */
async function main(argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    const fault = setupFault(error);
    if (fault?.kind === 'key') {
      // The same words on every command, with a code scripts can test (docs/ERRORS.md, *Key and address faults*).
      if (program.opts<GlobalOptions>().json) process.stdout.write(`${JSON.stringify({ error: { code: fault.code, message: fault.message } }, null, 2)}\n`);
      else process.stderr.write(`carrel: ${fault.code}: ${fault.message}\n`);
      return EXIT.fault;
    }
    if (fault?.kind === 'profile') {
      // A broken profile file is a configuration mistake: name the file, the field, the problem.
      process.stderr.write(`carrel: ${tr.t('cli.main.invalidProfile', { problem: fault.message })}\n`);
      return EXIT.usage;
    }
    return report(program.opts<GlobalOptions>().json, error);
  }
}

// `start` keeps the process alive while it serves; every other command ends with its status.
process.exitCode = await main(process.argv);
