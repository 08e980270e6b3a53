import { existsSync } from 'node:fs';
import { systemClock, fixedClock, parseInstant, type Clock } from '../domain/clock.js';
import { ErrorCode, refuse } from '../domain/errors.js';
import { SYSTEM, type Purpose } from '../policy/actors.js';
import { isPostgresUrl, openDatabase, type Database } from '../storage/database.js';
import { isInitialized, migrateToLatest } from '../storage/migrate.js';
import { countPatrons } from '../storage/patron.repository.js';
import { openVaultFor } from '../vault/open-vault.js';
import { chainLegacyAccessLog } from '../usecases/access-log.usecases.js';
import { run, type Runtime, type UseCase } from '../usecases/context.js';

export interface GlobalOptions {
  db?: string;
  json?: boolean;
  asOf?: string;
}

/** The clock a command runs with: the system's, or the instant given with `--as-of`. */
export function clockFor(asOf: string | undefined): Clock {
  if (asOf === undefined) return systemClock;
  const instant = parseInstant(asOf);
  if (!instant) throw refuse(ErrorCode.INVALID_DATE, '--as-of takes a date (YYYY-MM-DD) or an ISO-8601 instant with an offset.', 'as-of');
  return fixedClock(instant);
}

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
export async function openRuntime(target: string, clock: Clock, options: { create: boolean; keyFile: string }): Promise<OpenedRuntime> {
  const database = await openForCommand(target, options);
  try {
    const opened = await openVaultFor(target, {
      keyFile: options.keyFile,
      now: clock.now(),
      databaseHasPatrons: async () => (await countPatrons(database.db)) > 0,
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
    return {
      runtime: { db: database.db, clock, vault: opened.vault },
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

/** Runs one use case as the system actor (the operator at the command line). */
export function systemRun(runtime: Runtime, purpose: Purpose) {
  return <I, O>(useCase: UseCase<I, O>, input: I): Promise<O> => run(runtime, { actor: SYSTEM, purpose, channel: 'cli' }, useCase, input);
}
