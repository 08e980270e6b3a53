import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  sql,
  type DatabaseConnection,
  type Driver,
  type KyselyConfig,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase as KyselySqliteDatabase,
  type Transaction,
} from 'kysely';
import type pg from 'pg';
import { isUnavailable } from './errors.js';
import type { Schema } from './schema.js';

/**
 * Each engine's driver is loaded when a database of that engine is opened, not with this module: a
 * `carrel` command on SQLite never loads the PostgreSQL client, nor one on PostgreSQL the SQLite addon
 * (together some 60 ms of every command's start).
 */
const require = createRequire(import.meta.url);
const sqliteDriver = () => require('better-sqlite3') as typeof SqliteDatabase;
const postgresDriver = () => require('pg') as typeof pg;

export type Engine = 'sqlite' | 'postgres';
/** A database handle or an open transaction: what every repository function takes. */
export type Db = Kysely<Schema> | Transaction<Schema>;

export interface Database {
  db: Kysely<Schema>;
  engine: Engine;
  /** Where it lives, without credentials (safe to print). */
  location: string;
  close(): Promise<void>;
}

/** Whether a `--db` / DATABASE_URL value names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/** A PostgreSQL URL with its password removed, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/**
 * Opens Carrel's database: a SQLite file (created with its folder if absent; WAL mode) or a
 * PostgreSQL server. Both return instants as ISO strings and counts as numbers, so repositories
 * read the same values on either engine.
 */
export interface OpenOptions {
  poolSize?: number;
  /** Called with the SQL text of every query run (never its parameters, which may be personal data). */
  onQuery?: (sql: string) => void;
  /**
   * SQLite: when a commit reaches the disk. `FULL` (the default): the WAL is synced at every commit, so a
   * power cut loses no committed check-out or payment. `NORMAL` syncs only at checkpoints: faster, but the
   * last transactions before a power cut (never before a crash of the process alone) can be lost. The
   * circulation bench measures both (`npm run bench:circ`).
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** PostgreSQL: how a new connection is retried while the server cannot be reached (`ConnectRetry`). */
  connectRetry?: Partial<ConnectRetry>;
}

/**
 * PostgreSQL: a new connection the server refuses (down, restarting, a standby being promoted) is tried
 * again after `firstDelayMs`, then twice as long each time up to `maxDelayMs`, until `maxWaitMs` have
 * passed since the first attempt; then the request fails with the last error (DATABASE_UNAVAILABLE, 503
 * with Retry-After, at the transports). Nothing has been sent on a connection that was never made, so
 * retrying it is always safe; a transaction that lost its connection midway is never retried here (its
 * COMMIT may or may not have reached the server). Each new request tries again, so the process recovers
 * by itself once the server is back at its address, without a restart.
 */
export interface ConnectRetry {
  firstDelayMs: number;
  maxDelayMs: number;
  maxWaitMs: number;
  /** How long one attempt may wait for the server to answer (an address where packets vanish). */
  attemptTimeoutMs: number;
}

const CONNECT_RETRY: ConnectRetry = { firstDelayMs: 50, maxDelayMs: 500, maxWaitMs: 2_000, attemptTimeoutMs: 5_000 };

export function openDatabase(target: string, options: OpenOptions = {}): Database {
  if (isPostgresUrl(target)) return openPostgres(target, options.poolSize ?? 10, options.onQuery, { ...CONNECT_RETRY, ...options.connectRetry });
  return openSqlite(target, options.onQuery, options.synchronous ?? 'FULL');
}

function queryLog(onQuery: ((sql: string) => void) | undefined): KyselyConfig['log'] {
  if (!onQuery) return undefined;
  return (event) => {
    if (event.level === 'query') onQuery(event.query.sql);
  };
}

function openSqlite(file: string, onQuery: ((sql: string) => void) | undefined, synchronous: 'FULL' | 'NORMAL'): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const Sqlite = sqliteDriver();
  const sqlite = new Sqlite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // A deleted row is overwritten with zeros, not left in a free page: once retention breaks a
  // patron–item link, the file's bytes no longer hold it either (DESIGN.md invariant 1). The WAL still
  // holds the pages as they were before, until `truncateWal` empties it after the deletion.
  sqlite.pragma('secure_delete = ON');
  // 64 MiB of page cache (the default is 2 MiB): retention and bulk imports touch many index pages.
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }), log: queryLog(onQuery) });
  return { db, engine: 'sqlite', location: file, close: () => db.destroy() };
}

/**
 * SQLite transactions begin IMMEDIATE: the write lock is taken at BEGIN, where the busy timeout waits for
 * another process's transaction to end. A deferred transaction that reads and then writes cannot wait:
 * SQLite answers "database is locked" at once when another process wrote in between (two commands run
 * at the same moment, or a command beside the server). Within one process the driver already runs one
 * transaction at a time, so nothing in-process waits longer than before.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
}

/** Distinct SQL texts a SQLite handle keeps prepared (Carrel's queries are a few hundred texts). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver calls `prepare` for every execution, and compiling a statement costs about as
 * much as running it. This keeps each SQL text's prepared statement (least recently used evicted) and
 * hands it out again: better-sqlite3 binds fresh parameters at every run. A statement still being
 * iterated (a streamed query) is never handed out twice; the caller gets a fresh one.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): KyselySqliteDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached !== undefined) {
        if (cached.busy) return sqlite.prepare(sql);
        cache.delete(sql); // re-inserted last: the Map's order is the recency order
        cache.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
}

const PG_TIMESTAMPTZ = 1184;
const PG_TIMESTAMP = 1114;
const PG_DATE = 1082;
const PG_INT8 = 20;
const PG_NUMERIC = 1700;

function openPostgres(url: string, poolSize: number, onQuery: ((sql: string) => void) | undefined, retry: ConnectRetry): Database {
  const pg = postgresDriver();
  const parseTimestamp = pg.types.getTypeParser(PG_TIMESTAMPTZ) as (value: string) => Date;
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      switch (oid) {
        case PG_TIMESTAMPTZ:
        case PG_TIMESTAMP:
          return (value: string) => parseTimestamp(value).toISOString();
        case PG_DATE:
          return (value: string) => value;
        case PG_INT8:
        case PG_NUMERIC:
          return (value: string) => Number(value);
        default:
          return pg.types.getTypeParser(oid, format as 'text');
      }
    },
  };
  // A connection attempt gives up after `attemptTimeoutMs`; waiting for a free pooled connection does not
  // (pg-pool's own `connectionTimeoutMillis` would bound both): a slow query or a long lock keeps requests
  // queued, as it always did, rather than being answered as a database out of reach.
  const attemptTimeoutMs = retry.attemptTimeoutMs;
  class BoundedClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super({ ...(typeof config === 'string' ? { connectionString: config } : config), connectionTimeoutMillis: attemptTimeoutMs });
    }
  }
  const pool = new pg.Pool({
    Client: BoundedClient,
    connectionString: url,
    max: poolSize,
    types: types as pg.CustomTypesConfig,
    options: '-c TimeZone=UTC',
    // A server that vanished without closing its sockets is noticed by TCP keepalive, not by a hung query.
    keepAlive: true,
  });
  // An idle client losing its server (terminated, shut down, failed over) is reported here rather than
  // crashing the process; the pool has already dropped it, and the next request opens a new connection.
  pool.on('error', () => undefined);
  // A connection lost while its client is lent out (between two statements of a transaction, or in the
  // same packet as the startup's last message, before the borrower holds it) is emitted as an 'error' on
  // the client, which would end the process if nothing listened: the next statement fails instead
  // (DATABASE_UNAVAILABLE), and the pool drops the client when it is released. 'connect' is emitted
  // synchronously as each new client is made, so no client is ever without this listener.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const retrying = { connect: () => connectWithRetry(pool, retry), end: () => pool.end() };
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: retrying }), log: queryLog(onQuery) });
  return { db, engine: 'postgres', location: redactUrl(url), close: () => db.destroy() };
}

/** A pooled connection, the server's refusals retried with a bounded backoff (`ConnectRetry`). */
async function connectWithRetry(pool: pg.Pool, retry: ConnectRetry): Promise<pg.PoolClient> {
  const started = performance.now();
  for (let delay = retry.firstDelayMs; ; delay = Math.min(delay * 2, retry.maxDelayMs)) {
    try {
      return await pool.connect();
    } catch (error) {
      const waited = performance.now() - started;
      if (!isUnavailable(error) || waited + delay > retry.maxWaitMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** The engine behind a handle or transaction (for the few statements the engines spell differently). */
export function engineOf(db: Kysely<any> | Transaction<any>): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** An EXISTS (or any SQL boolean) as the engines answer it: PostgreSQL a boolean, SQLite 0 or 1. */
export function sqlTrue(value: unknown): boolean {
  return value === true || Number(value) === 1;
}

/**
 * What a checkpoint after a deletion achieved.
 * - `truncated` (SQLite): every page of the WAL is in the database file (where `secure_delete` has
 *   overwritten deleted rows) and the WAL file is empty: no earlier version of a page is left in it.
 * - `busy` (SQLite): another connection kept reading an older snapshot through every attempt (a long read
 *   in another process); the WAL still holds earlier page versions until the next checkpoint completes.
 * - `checkpointed` (PostgreSQL): CHECKPOINT ran; the server recycles older WAL segments in its own time.
 * - `not-permitted` (PostgreSQL): the role may not run CHECKPOINT (it needs superuser or pg_checkpoint).
 */
export type LogCheckpoint = 'truncated' | 'busy' | 'checkpointed' | 'not-permitted';

/**
 * SQLite: pushes every committed page from the WAL into the database file and truncates the WAL to zero
 * bytes (`PRAGMA wal_checkpoint(TRUNCATE)`), so a row deleted on purpose is not left behind in an earlier
 * version of its page. It cannot complete while another connection reads an older snapshot: an attempt
 * does not wait for readers, the next comes after `pauseMs`, and after `attempts` it answers `busy` rather
 * than claim it.
 * Undefined on PostgreSQL (nothing to do here: see `checkpointPostgres`). Call it outside a transaction.
 */
export async function truncateWal(db: Kysely<any>, options: { attempts?: number; pauseMs?: number } = {}): Promise<'truncated' | 'busy' | undefined> {
  if (engineOf(db) !== 'sqlite') return undefined;
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    if (await checkpointOnce(db)) return 'truncated';
    if (attempt >= attempts) return 'busy';
    await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 250));
  }
}

/**
 * SQLite: copies what the WAL holds into the database file as far as no reader needs it, without
 * waiting for anyone (`PRAGMA wal_checkpoint(PASSIVE)`). Retention calls it between pages, so the work
 * of checkpointing its deletions is done by the run, a little at a time, rather than by whichever
 * check-out's commit crosses the automatic checkpoint's threshold. Nothing on PostgreSQL.
 */
export async function passiveCheckpoint(db: Kysely<any>): Promise<void> {
  if (engineOf(db) !== 'sqlite') return;
  await sql`pragma wal_checkpoint(PASSIVE)`.execute(db);
}

/** The runs that paused a handle's automatic checkpoints, and the setting to give back when the last ends. */
const checkpointPauses = new WeakMap<Kysely<any>, { runs: number; pages: Promise<number> }>();

/**
 * SQLite: stops this connection's automatic checkpoints (`wal_autocheckpoint = 0`) and answers how to
 * give them back. Retention pauses them while it runs and checkpoints itself (`passiveCheckpoint`):
 * otherwise every page's commit would copy its pages into the database file at once, and a page's
 * deletions touch scattered pages (the loans by borrower, rows stored in check-out order) that the next
 * pages touch again. Two runs at once (two libraries) share the pause: the setting comes back when the
 * last of them ends. Nothing on PostgreSQL.
 */
export async function pauseAutoCheckpoint(db: Kysely<any>): Promise<() => Promise<void>> {
  if (engineOf(db) !== 'sqlite') return async () => undefined;
  let pause = checkpointPauses.get(db);
  if (pause === undefined) {
    // Registered before the first await, so a second run starting meanwhile joins this pause.
    pause = {
      runs: 0,
      pages: (async () => {
        const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
        await sql`pragma wal_autocheckpoint = 0`.execute(db);
        return Math.max(0, Math.trunc(Number(rows[0]?.wal_autocheckpoint ?? 1000)));
      })(),
    };
    checkpointPauses.set(db, pause);
    // A pause that could not be taken is forgotten, so the next run tries afresh.
    pause.pages.catch(() => checkpointPauses.delete(db));
  }
  pause.runs++;
  const joined = pause;
  await joined.pages;
  let resumed = false;
  return async () => {
    if (resumed) return;
    resumed = true;
    if (--joined.runs > 0) return;
    checkpointPauses.delete(db);
    await sql.raw(`pragma wal_autocheckpoint = ${await joined.pages}`).execute(db);
  };
}

/**
 * One `wal_checkpoint(TRUNCATE)`: whether it completed (SQLITE_BUSY, from another checkpoint under way, is
 * a no). It does not wait for readers: better-sqlite3 is synchronous, so a checkpoint waiting out the busy
 * timeout would hold the whole server for seconds. The busy timeout is 0 for the attempt and given back
 * after; `truncateWal` waits between attempts without blocking.
 */
async function checkpointOnce(db: Kysely<any>): Promise<boolean> {
  const { rows: timeout } = await sql<{ timeout: number }>`pragma busy_timeout`.execute(db);
  await sql`pragma busy_timeout = 0`.execute(db);
  try {
    const { rows } = await sql<{ busy: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    return Number(rows[0]?.busy ?? 0) === 0;
  } catch (error) {
    if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return false;
    throw error;
  } finally {
    await sql.raw(`pragma busy_timeout = ${Math.max(0, Math.trunc(Number(timeout[0]?.timeout ?? 5000)))}`).execute(db);
  }
}

/**
 * PostgreSQL: asks the server for a CHECKPOINT, after which WAL segments older than it may be recycled
 * (they still exist until the server reuses or removes them, and in any WAL archive or base backup).
 * Needs superuser or the pg_checkpoint role; a role without either gets `not-permitted`, not an error.
 */
export async function checkpointPostgres(db: Kysely<any>): Promise<'checkpointed' | 'not-permitted'> {
  try {
    await sql`checkpoint`.execute(db);
    return 'checkpointed';
  } catch (error) {
    if ((error as { code?: string }).code === '42501') return 'not-permitted'; // insufficient_privilege
    throw error;
  }
}
