import type { Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { SYSTEM } from '../policy/actors.js';
import { listLibraries } from '../usecases/library.usecases.js';
import { listProfiles } from '../usecases/profile.usecases.js';
import { createFirstAdmin } from '../usecases/setup.usecases.js';
import { emit } from './output.js';
import { clockFor, type CommandHelpers, systemRun } from './command-helpers.js';
import { checkRetentionSchedule, describeTarget, loadDemo, openRuntime, serve, type DemoSummary } from './runtime.js';

/** `carrel init`, `carrel start` and `carrel demo`: a new installation, serving it, the demo library. */
export function registerSetupCommands(program: Command, helpers: CommandHelpers): void {
  const { withRuntime, globals, config, version } = helpers;

  program
    .command('init')
    .description('create the database, the key file (mode 0600) and the first administrator (password printed once)')
    .action(async (_o, command: Command) => {
      const opts = globals(command);
      const opened = await openRuntime(opts.db ?? config.database, clockFor(opts.asOf), { create: true, keyFile: config.keyFile });
      let admin: Awaited<ReturnType<typeof createFirstAdmin>>;
      try {
        admin = await systemRun(opened.runtime, 'administration')(createFirstAdmin, undefined);
      } finally {
        await opened.close();
      }
      const keyFile = process.env.CARREL_KEY !== undefined ? '(CARREL_KEY)' : config.keyFile;
      emit(opts.json, { database: describeTarget(opts.db ?? config.database), keyFile, keyFileCreated: opened.keyFileCreated, admin }, () =>
        [
          `Database ready: ${describeTarget(opts.db ?? config.database)}`,
          `Key file: ${keyFile}${opened.keyFileCreated ? ' (created, mode 0600)' : ''}`,
          admin
            ? `Administrator account created.\n  username: ${admin.username}\n  password: ${admin.password}\nThis password is shown once; store it now.`
            : 'An administrator already exists; no account was created.',
        ].join('\n'),
      );
    });

  program
    .command('start')
    .description('serve the API (initialises an empty database and loads the demo library on first run)')
    .option('--port <n>', 'port to listen on', String(config.port))
    .option('--host <address>', 'address to listen on', config.host)
    .option('--no-demo', 'do not load the demo library into an empty database')
    .option('--no-scheduler', 'run no scheduled jobs in this process (CARREL_SCHEDULER=off does the same)')
    .option('--sip2-port <n>', 'also serve SIP2 on this port (CARREL_SIP2_PORT)', config.sip2Port === null ? undefined : String(config.sip2Port))
    .option('--sip2-host <address>', 'address the SIP2 server listens on (CARREL_SIP2_HOST)', config.sip2Host)
    .option('--sip2-cert <file>', 'PEM certificate: SIP2 over TLS (CARREL_SIP2_CERT)', config.sip2Cert ?? undefined)
    .option('--sip2-key <file>', 'PEM private key of the certificate (CARREL_SIP2_KEY)', config.sip2Key ?? undefined)
    .action(async (o: { port: string; host: string; demo: boolean; scheduler: boolean; sip2Port?: string; sip2Host: string; sip2Cert?: string; sip2Key?: string }, command: Command) => {
      const opts = globals(command);
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw refuse(ErrorCode.VALIDATION_FAILED, '--port takes a number from 0 to 65535.', 'port');
      const sip2Port = o.sip2Port === undefined ? null : Number(o.sip2Port);
      if (sip2Port !== null && (!Number.isInteger(sip2Port) || sip2Port < 0 || sip2Port > 65535)) throw refuse(ErrorCode.VALIDATION_FAILED, '--sip2-port takes a number from 0 to 65535.', 'sip2Port');
      if ((o.sip2Cert === undefined) !== (o.sip2Key === undefined)) throw refuse(ErrorCode.VALIDATION_FAILED, 'SIP2 over TLS needs both --sip2-cert and --sip2-key.', 'sip2Cert');
      // Every profile file is validated before anything is served: a broken one stops Carrel here.
      listProfiles({ actor: SYSTEM });
      checkRetentionSchedule(config.retentionSchedule);
      const opened = await openRuntime(opts.db ?? config.database, clockFor(undefined), { create: true, keyFile: config.keyFile });
      if (opened.keyFileCreated) process.stdout.write(`Created the key file ${config.keyFile} (mode 0600).\n`);
      const runtime = opened.runtime;
      const admin = await systemRun(runtime, 'administration')(createFirstAdmin, undefined);
      if (admin)
        process.stdout.write(`\nAdministrator account created.\n  username: ${admin.username}\n  password: ${admin.password}\nThis password is shown once; store it now.\n\n`);
      if (o.demo && config.demo && (await systemRun(runtime, 'administration')(listLibraries, undefined)).length === 0) {
        process.stdout.write('The database is empty: loading the demo library…\n');
        const demo = await loadDemo(runtime);
        process.stdout.write(`${describeDemo(demo)}\n`);
      }
      const sip2 = sip2Port === null ? null : { port: sip2Port, host: o.sip2Host, cert: o.sip2Cert ?? null, key: o.sip2Key ?? null };
      const served = await serve(opened, { port, host: o.host, config, version, scheduler: o.scheduler, sip2 });
      process.stdout.write(`Carrel is serving on ${served.url}: the web app at ${served.url}/app/, API docs at ${served.url}/docs\n`);
      if (served.retention) process.stdout.write(`Retention runs on the schedule "${config.retentionSchedule}"; next at ${served.retention.nextRun?.toISOString() ?? 'never'}.\n`);
      if (served.sip2) process.stdout.write(`SIP2 is served on ${o.sip2Host}:${served.sip2.port}${served.sip2.tls ? ' over TLS' : ''} (carrel sip2 account list).\n`);
      process.stdout.write(served.scheduler ? `Scheduled jobs run in this process as ${served.scheduler.runner} (carrel jobs list).\n` : 'Scheduled jobs are off in this process (carrel jobs run NAME runs one).\n');
    });

  program
    .command('demo')
    .description('load the demo library (2 branches, 200 items, 50 fictional patrons, circulation history)')
    .action(async (_o, command: Command) => {
      const opts = globals(command);
      const demo = await withRuntime(opts, true, async (runtime) => {
        if ((await systemRun(runtime, 'administration')(listLibraries, undefined)).some((l) => l.id === 'demo')) throw refuse(ErrorCode.LIBRARY_EXISTS, 'The demo library is already loaded.');
        return loadDemo(runtime);
      });
      emit(opts.json, demo, () => describeDemo(demo));
    });
}

/** The demo library as an operator reads it: what was made, and what to try first. */
function describeDemo(demo: DemoSummary): string {
  return [
    `Demo library "${demo.libraryId}": ${demo.branches} branches, ${demo.items} items, ${demo.patrons} patrons (${demo.minors} minors with guardians),`,
    `  ${demo.activeLoans} loans out, ${demo.holds} holds, ${demo.openFines} open fines. All people in it are fictional.`,
    `  ${demo.retentionRuns} retention runs replayed: npx carrel retention history --library ${demo.libraryId}`,
    `  Try: npx carrel checkout --card ${demo.sample.cardNumber} --item ${demo.sample.itemBarcode}`,
    `       npx carrel checkin --item ${demo.sample.itemBarcode}`,
    `  The sample patron logs in with card ${demo.sample.cardNumber} and PIN ${demo.sample.pin} (POST /api/v1/auth/patron-login).`,
    '  Demo staff accounts (passwords shown once):',
    ...demo.staff.map((s) => `    ${s.username.padEnd(16)} ${s.role.padEnd(15)} ${s.password}`),
  ].join('\n');
}
