import type { Command } from 'commander';
import { accessLanesFrom } from '../config.js';
import { ErrorCode, refuse } from '../domain/errors.js';
import { SYSTEM } from '../policy/actors.js';
import { listLibraries } from '../usecases/library.usecases.js';
import { listProfiles } from '../usecases/profile.usecases.js';
import { createFirstAdmin } from '../usecases/setup.usecases.js';
import { emit, tr } from './output.js';
import { clockFor, type CommandHelpers, systemRun } from './command-helpers.js';
import { checkAddressesFree, checkRetentionSchedule, describeTarget, loadDemo, openRuntime, serve, type DemoSummary } from './runtime.js';

/** `carrel init`, `carrel start` and `carrel demo`: a new installation, serving it, the demo library. */
export function registerSetupCommands(program: Command, helpers: CommandHelpers): void {
  const { withRuntime, globals, config, version } = helpers;

  program
    .command('init')
    .description(tr.t('cli.init.help'))
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
          tr.t('cli.init.database', { database: describeTarget(opts.db ?? config.database) }),
          opened.keyFileCreated ? tr.t('cli.init.keyFileCreated', { keyFile }) : tr.t('cli.init.keyFile', { keyFile }),
          admin ? tr.t('cli.setup.adminCreated', { username: admin.username, password: admin.password }) : tr.t('cli.init.adminExists'),
        ].join('\n'),
      );
    });

  program
    .command('start')
    .description(tr.t('cli.start.help'))
    .option('--port <n>', 'port to listen on', String(config.port))
    .option('--host <address>', 'address to listen on', config.host)
    .option('--no-demo', 'do not load the demo library into an empty database')
    .option('--no-scheduler', 'run no scheduled jobs in this process (CARREL_SCHEDULER=off does the same)')
    .option('--sip2-port <n>', 'also serve SIP2 on this port (CARREL_SIP2_PORT)', config.sip2Port === null ? undefined : String(config.sip2Port))
    .option('--sip2-host <address>', 'address the SIP2 server listens on (CARREL_SIP2_HOST)', config.sip2Host)
    .option('--sip2-cert <file>', 'PEM certificate: SIP2 over TLS (CARREL_SIP2_CERT)', config.sip2Cert ?? undefined)
    .option('--sip2-key <file>', 'PEM private key of the certificate (CARREL_SIP2_KEY)', config.sip2Key ?? undefined)
    .option('--access-lanes <n>', 'chains each library’s access log appends to on PostgreSQL, 1 to 64 (CARREL_ACCESS_LANES; default 8)', config.accessLanes === null ? undefined : String(config.accessLanes))
    .action(async (o: { port: string; host: string; demo: boolean; scheduler: boolean; sip2Port?: string; sip2Host: string; sip2Cert?: string; sip2Key?: string; accessLanes?: string }, command: Command) => {
      const opts = globals(command);
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw refuse(ErrorCode.VALIDATION_FAILED, '--port takes a number from 0 to 65535.', 'port');
      const sip2Port = o.sip2Port === undefined ? null : Number(o.sip2Port);
      if (sip2Port !== null && (!Number.isInteger(sip2Port) || sip2Port < 0 || sip2Port > 65535)) throw refuse(ErrorCode.VALIDATION_FAILED, '--sip2-port takes a number from 0 to 65535.', 'sip2Port');
      if ((o.sip2Cert === undefined) !== (o.sip2Key === undefined)) throw refuse(ErrorCode.VALIDATION_FAILED, 'SIP2 over TLS needs both --sip2-cert and --sip2-key.', 'sip2Cert');
      let accessLanes: number | null;
      try {
        accessLanes = accessLanesFrom(o.accessLanes, '--access-lanes');
      } catch (error) {
        throw refuse(ErrorCode.VALIDATION_FAILED, error instanceof Error ? error.message : String(error), 'accessLanes');
      }
      // Every profile file is validated before anything is served: a broken one stops Carrel here.
      listProfiles({ actor: SYSTEM });
      checkRetentionSchedule(config.retentionSchedule);
      // A port that is taken stops Carrel here, before a database, a key file or a password is made.
      await checkAddressesFree([
        { host: o.host, port, what: 'the address' },
        ...(sip2Port === null ? [] : [{ host: o.sip2Host, port: sip2Port, what: 'the SIP2 address' }]),
      ]);
      const opened = await openRuntime(opts.db ?? config.database, clockFor(undefined), { create: true, keyFile: config.keyFile, accessLanes });
      if (opened.keyFileCreated) process.stdout.write(`${tr.t('cli.start.keyFileCreated', { keyFile: config.keyFile })}\n`);
      const runtime = opened.runtime;
      const admin = await systemRun(runtime, 'administration')(createFirstAdmin, undefined);
      if (admin)
        process.stdout.write(`\n${tr.t('cli.setup.adminCreated', { username: admin.username, password: admin.password })}\n\n`);
      if (o.demo && config.demo && (await systemRun(runtime, 'administration')(listLibraries, undefined)).length === 0) {
        process.stdout.write(`${tr.t('cli.start.loadingDemo')}\n`);
        const demo = await loadDemo(runtime);
        process.stdout.write(`${describeDemo(demo)}\n`);
      }
      const sip2 = sip2Port === null ? null : { port: sip2Port, host: o.sip2Host, cert: o.sip2Cert ?? null, key: o.sip2Key ?? null };
      const served = await serve(opened, { port, host: o.host, config, version, scheduler: o.scheduler, sip2 });
      process.stdout.write(`${tr.t('cli.start.serving', { url: served.url })}\n`);
      if (served.retention) {
        const next = served.retention.nextRun;
        const line = next ? tr.t('cli.start.retention', { schedule: config.retentionSchedule, next: next.toISOString() }) : tr.t('cli.start.retentionNever', { schedule: config.retentionSchedule });
        process.stdout.write(`${line}\n`);
      }
      if (served.sip2) {
        const address = `${o.sip2Host}:${served.sip2.port}`;
        process.stdout.write(`${served.sip2.tls ? tr.t('cli.start.sip2Tls', { address }) : tr.t('cli.start.sip2', { address })}\n`);
      }
      process.stdout.write(`${served.scheduler ? tr.t('cli.start.jobs', { runner: served.scheduler.runner }) : tr.t('cli.start.jobsOff')}\n`);
    });

  program
    .command('demo')
    .description(tr.t('cli.demo.help'))
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
    tr.t('cli.demo.library', { library: demo.libraryId, branches: demo.branches, items: demo.items, patrons: demo.patrons, minors: demo.minors }),
    `  ${tr.t('cli.demo.circulation', { loans: demo.activeLoans, holds: demo.holds, fines: demo.openFines })}`,
    `  ${tr.t('cli.demo.retention', { runs: demo.retentionRuns, library: demo.libraryId })}`,
    `  ${tr.t('cli.demo.try', { card: demo.sample.cardNumber, item: demo.sample.itemBarcode })}`,
    `       npx carrel checkin --item ${demo.sample.itemBarcode}`,
    `  ${tr.t('cli.demo.samplePatron', { card: demo.sample.cardNumber, pin: demo.sample.pin })}`,
    `  ${tr.t('cli.demo.staff')}`,
    ...demo.staff.map((s) => `    ${s.username.padEnd(16)} ${s.role.padEnd(15)} ${s.password}`),
  ].join('\n');
}
