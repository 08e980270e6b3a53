import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Cron } from 'croner';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { loadDemoLibrary, type DemoSummary } from '../demo/demo-library.js';
import type { Clock } from '../domain/clock.js';
import { DeskLoad } from '../domain/desk-load.js';
import { ErrorCode, refuse } from '../domain/errors.js';
import type { NoticeChannels } from '../domain/notices.js';
import { Scheduler } from '../jobs/scheduler.js';
import { closeChannels, noticeChannelsFromEnv } from '../notices/channels.js';
import { createLogger } from '../log.js';
import { ProfileError } from '../profile/profiles.js';
import { isPostgresUrl, openDatabase, redactUrl, type Database } from '../storage/database.js';
import { isInitialized, migrateToLatest } from '../storage/migrate.js';
import { VaultError } from '../vault/cipher.js';
import { KeyFileError } from '../vault/key-file.js';
import { openVaultFor } from '../vault/open-vault.js';
import { rotateKeyFile, type RotationReport } from '../vault/rotation.js';
import { attestAccessLanes, chainLegacyAccessLog } from '../usecases/access-log.usecases.js';
import type { Runtime } from '../usecases/context.js';
import { databaseHoldsPatrons } from '../usecases/setup.usecases.js';
import { clockFor, type CommandHelpers } from './command-helpers.js';

/**
 * The command line's composition root: the one file of src/cli that opens the database, migrates it,
 * opens the vault and builds the Runtime, and wires `carrel start`'s server and schedules, the demo
 * library and the key-file rotation. Every other command file reaches Carrel through use cases.
 */

export type { Config, DemoSummary, RotationReport };

/**
 * Opens the database a command works on. `create` commands (init, start, demo) bring the schema up to
 * date; the others refuse a database that was never initialised rather than silently creating one at
 * a mistyped path.
 */
export async function openForCommand(target: string, options: { create: boolean }): Promise<Database & { migrated: string[] }> {
  if (!options.create && !isPostgresUrl(target) && !existsSync(target))
    throw refuse(ErrorCode.NOT_INITIALIZED, 'There is no Carrel database there; run `carrel init` first (or pass --db).');
  const database = openDatabase(target);
  let migrated: string[];
  try {
    if (!options.create && !(await isInitialized(database.db))) throw refuse(ErrorCode.NOT_INITIALIZED, 'The database has no Carrel schema; run `carrel init` first.');
    migrated = await migrateToLatest(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  return Object.assign(database, { migrated });
}

export interface OpenedRuntime {
  runtime: Runtime;
  location: string;
  /** Whether this opening created the key file (`create` commands on a new installation). */
  keyFileCreated: boolean;
  close(): Promise<void>;
}

/**
 * Opens a database and its vault for a command. The vault refuses a wrong key, and a missing key store
 * when the database holds patrons.
 */
export async function openRuntime(target: string, clock: Clock, options: { create: boolean; keyFile: string; accessLanes?: number | null }): Promise<OpenedRuntime> {
  const database = await openForCommand(target, options);
  try {
    const opened = await openVaultFor(target, {
      keyFile: options.keyFile,
      now: clock.now(),
      databaseHasPatrons: () => databaseHoldsPatrons(database.db),
      createKeyFile: options.create,
    });
    // Entries written before the access log was chained are chained once: by the opening that upgrades the
    // database past migration 0003, before any use case, and never again. Were it done whenever no chain
    // exists, someone with write access to the database could unchain an edited log (null the chain
    // columns, empty the heads) and have the next start sign it; now such entries stay unchained, and
    // `verify-log` reports them.
    if (database.migrated.includes('0003-access'))
      await chainLegacyAccessLog({ db: database.db, clock, vault: opened.vault }).catch(async (error: unknown) => {
        await opened.close();
        throw error;
      });
    // Likewise the lane counts of the heads a database had before lanes (migration 0028), by the opening
    // that upgrades it only.
    if (database.migrated.includes('0028-access-lanes'))
      await attestAccessLanes({ db: database.db, clock, vault: opened.vault }).catch(async (error: unknown) => {
        await opened.close();
        throw error;
      });
    return {
      runtime: { db: database.db, clock, vault: opened.vault, deskLoad: new DeskLoad(), ...(options.accessLanes != null ? { accessLanes: options.accessLanes } : {}) },
      location: database.location,
      keyFileCreated: opened.keyFileCreated,
      close: async () => {
        await opened.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** The notice channels the environment configures, what each reaches (safe to print), and how to close them. */
export interface EnvironmentChannels {
  channels: NoticeChannels;
  describe: { email: string | null; text: string | null };
  close(): Promise<void>;
}

/**
 * The notice channels of CARREL_SMTP_URL, CARREL_TEXT_WEBHOOK_URL and the rest (src/notices/channels.ts),
 * for a command that sends notices. A variable that is set but unusable is refused with its name, never
 * its value (it may hold a password).
 */
export function noticeChannelsFromEnvironment(env: NodeJS.ProcessEnv = process.env): EnvironmentChannels {
  let configured: ReturnType<typeof noticeChannelsFromEnv>;
  try {
    configured = noticeChannelsFromEnv(env);
  } catch (error) {
    throw refuse(ErrorCode.VALIDATION_FAILED, error instanceof Error ? error.message : String(error), 'environment');
  }
  return { ...configured, close: () => closeChannels(configured.channels) };
}

/**
 * Carrel's configuration from the environment, read once per process. A setting it cannot use stops the
 * command with the setting's message and its code (exit 2, as a usage error), never a stack trace.
 */
export function cliConfig(): Config {
  try {
    loadedConfig ??= loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`carrel: ${error.code}: ${error.message}\n`);
    process.exit(2);
  }
  return loadedConfig;
}
let loadedConfig: Config | undefined;

/** `withRuntime` for commands: the database named by `--db`, or the configured one. */
export function runtimeOpener(config: Config): CommandHelpers['withRuntime'] {
  return async (opts, create, body) => {
    const opened = await openRuntime(opts.db ?? config.database, clockFor(opts.asOf), { create, keyFile: config.keyFile, accessLanes: config.accessLanes });
    try {
      return await body(opened.runtime);
    } finally {
      await opened.close();
    }
  };
}

/** Where the database is, fit to print: a PostgreSQL URL loses its password. */
export function describeTarget(target: string): string {
  return isPostgresUrl(target) ? redactUrl(target) : target;
}

/**
 * How main.ts reports an installation's set-up fault: `key` for the key file or the vault refusing its
 * key, or an address `start` cannot listen on (a fault, with its stable code: KEY_FILE_MISSING,
 * KEY_FILE_UNSAFE, KEY_FILE_INVALID, KEY_FAULT, VAULT_REFUSED for a key that does not open this
 * installation's key store, PORT_IN_USE, PORT_UNAVAILABLE), `profile` for a broken policy
 * profile file (a configuration mistake); undefined for anything else.
 */
export function setupFault(error: unknown): { kind: 'key'; code: string; message: string } | { kind: 'profile'; message: string } | undefined {
  if (error instanceof KeyFileError) return { kind: 'key', code: error.code, message: error.message };
  if (error instanceof VaultError) return { kind: 'key', code: 'VAULT_REFUSED', message: error.message };
  if (error instanceof AddressUnavailableError) return { kind: 'key', code: error.code, message: error.message };
  if (error instanceof ProfileError) return { kind: 'profile', message: error.message };
  return undefined;
}

/** An address `carrel start` cannot listen on: taken by another process (PORT_IN_USE), or not allowed (PORT_UNAVAILABLE). */
export class AddressUnavailableError extends Error {
  override name = 'AddressUnavailableError';
  constructor(
    message: string,
    readonly code: 'PORT_IN_USE' | 'PORT_UNAVAILABLE',
  ) {
    super(message);
  }
}

/**
 * Makes sure `carrel start` can listen on each address before it creates or changes anything: a port
 * that is taken must not leave a new database, key file and printed administrator password behind. Each
 * address is bound and released at once (port 0, any free port, is not checked); a process that takes
 * the port in the instant between is still refused by the listen itself.
 */
export async function checkAddressesFree(addresses: readonly { host: string; port: number; what: string }[]): Promise<void> {
  for (const { host, port, what } of addresses) {
    if (port === 0) continue;
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', (error: NodeJS.ErrnoException) => {
        const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
        if (error.code === 'EADDRINUSE') reject(new AddressUnavailableError(`${what} ${where} is already in use by another process; stop it, or give another port. Nothing was created or changed.`, 'PORT_IN_USE'));
        else reject(new AddressUnavailableError(`Carrel cannot listen on ${what} ${where} (${error.code ?? error.message}); give another address or port. Nothing was created or changed.`, 'PORT_UNAVAILABLE'));
      });
      probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
    });
  }
}

/** Loads the demo library through the real use cases. */
export function loadDemo(runtime: Runtime): Promise<DemoSummary> {
  return loadDemoLibrary(runtime);
}

/** How many data keys `carrel keys rotate` rewraps per transaction unless `--batch-size` says. */
export { REWRAP_BATCH } from '../vault/rotation.js';

/**
 * Rotates the key-encryption key in the key file and rewraps every key of the database's vault (resumes
 * an interrupted rotation).
 */
export async function rotateKeys(target: string, keyFile: string, onProgress: (done: number, total: number) => void, batchSize?: number): Promise<RotationReport> {
  let opened: OpenedRuntime | undefined;
  try {
    return await rotateKeyFile(
      keyFile,
      async () => {
        opened = await openRuntime(target, clockFor(undefined), { create: false, keyFile });
        return opened.runtime.vault;
      },
      { onProgress, batchSize },
    );
  } finally {
    await opened?.close();
  }
}

/** Refuses a CARREL_RETENTION_SCHEDULE that is neither a cron expression nor "off", before anything is served. */
export function checkRetentionSchedule(schedule: string): void {
  if (schedule === 'off') return;
  try {
    new Cron(schedule, { paused: true }).stop();
  } catch {
    throw refuse(ErrorCode.VALIDATION_FAILED, 'CARREL_RETENTION_SCHEDULE is not a cron expression (for example "30 2 * * *"), nor "off".', 'retentionSchedule');
  }
}

/**
 * Serves the API of an opened runtime until SIGINT or SIGTERM, with the scheduler (src/jobs/scheduler.ts)
 * unless `scheduler` is false: fines accrual, long-overdue, hold expiry, the retention engine on its
 * schedule and the hourly destruction of shredded keys past their retention, each claimed so that any
 * number of processes may serve one database. Answers the address it listens on, and the retention
 * engine's next run (`retention` is null when it does not run by itself).
 */
export async function serve(
  opened: OpenedRuntime,
  options: { port: number; host: string; config: Config; version: string; scheduler?: boolean; sip2?: { port: number; host: string; cert: string | null; key: string | null } | null },
): Promise<{ url: string; retention: { nextRun: Date | null } | null; scheduler: { runner: string; tickMs: number } | null; sip2: { port: number; tls: boolean } | null }> {
  const { runtime } = opened;
  const { config } = options;
  const logger = createLogger(config.logLevel, pino.destination(2));
  const listening = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  // The servers are loaded here, not at the top: every other command starts without them (the HTTP
  // server, its routes and the OpenID provider are most of what a command would otherwise load).
  const [{ buildServer }, { vendorSignOn }, { startSip2Server }] = await Promise.all([
    import('../http/server.js'),
    import('../oidc/sign-on.js'),
    import('../sip2/server.js'),
  ]);
  const app = await buildServer({
    runtime,
    logger,
    cookieSecure: config.cookieSecure,
    trustProxy: config.trustProxy,
    version: options.version,
    retentionSchedule: config.retentionSchedule,
    publicUrl: config.publicUrl ?? listening,
    plugins: [vendorSignOn(runtime, { publicUrl: config.publicUrl ?? undefined, trustProxy: config.trustProxy, sessionMinutes: config.oidcSessionMinutes })],
  });
  // Notices go out on the channels the environment configures (none: they wait in the queue).
  const notices = noticeChannelsFromEnvironment();
  const scheduler =
    options.scheduler === false || !config.scheduler
      ? null
      : new Scheduler(runtime, {
          tickMs: config.schedulerTickMs,
          retentionSchedule: config.retentionSchedule,
          noticeChannels: notices.channels,
          publicUrl: config.publicUrl ?? listening,
          // Counts and codes only: a run's record holds no personal data, nor does its log line.
          onRun: (report) => {
            if (report.status === 'failed') logger.error({ job: report.job, period: report.period, outcome: report.outcome }, 'scheduled job failed; it is tried again later');
            else if (report.status === 'ran') logger.info({ job: report.job, period: report.period, outcome: report.outcome }, 'scheduled job ran');
          },
        });
  scheduler?.start();
  const sip2Options = options.sip2;
  const tlsPair = sip2Options && sip2Options.cert && sip2Options.key ? { cert: readFileSync(sip2Options.cert), key: readFileSync(sip2Options.key) } : undefined;
  const sip2 = sip2Options
    ? await startSip2Server(runtime, { port: sip2Options.port, host: sip2Options.host, ...(tlsPair ? { tls: tlsPair } : {}), idleTimeoutMs: config.sip2IdleSeconds * 1000, log: logger })
    : null;
  const shutdown = async () => {
    await sip2?.close();
    await scheduler?.stop();
    await notices.close();
    await app.close();
    await opened.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const url = typeof address === 'object' && address ? `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${address.port}` : String(address);
  const retention = scheduler && config.retentionSchedule !== 'off' ? { nextRun: new Cron(config.retentionSchedule, { paused: true }).nextRun() } : null;
  return { url, retention, scheduler: scheduler ? { runner: scheduler.runner, tickMs: config.schedulerTickMs } : null, sip2: sip2 ? { port: sip2.port, tls: tlsPair !== undefined } : null };
}
