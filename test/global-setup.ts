import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/storage/database.js';
import { migrateToLatest } from '../src/storage/migrate.js';

/**
 * Prepares the PostgreSQL side of the suite: one migrated template database, cloned per test file
 * (`CREATE DATABASE … TEMPLATE`). Without a reachable server the PostgreSQL runs are skipped, loudly;
 * with CARREL_REQUIRE_POSTGRES=1 (set by .ci/run) the suite fails instead.
 */
const ADMIN_URL = process.env.CARREL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresTemplate: string | null;
    postgresAdminUrl: string;
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * Every log line any test writes (HTTP servers in-process and spawned `carrel start`) is copied to one
 * file; at the end of the run, a line holding a card number, a test email address or a marker name fails
 * the run (invariant 4: no personal data, card number or PIN in logs).
 */
/**
 * The whole run's temporary files live under one folder: TMPDIR points there for the test workers and every
 * process they spawn (`carrel`, SQLite's own temporary files), and the folder is removed at the end, so a
 * run leaves nothing behind in the machine's temporary folder. With personal data found in the logs, the
 * folder is kept for the log to be read.
 */
const LOG_LEAKS = [/(?<![\d.])2\d{13}(?![\d.])/, /@example\.org/i, /marker/i, /quillfeather/i];

function scanLogs(logFile: string): void {
  if (!existsSync(logFile)) return;
  const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  const leaks = lines.filter((line) => LOG_LEAKS.some((pattern) => pattern.test(line)));
  process.stderr.write(`\nCollected ${lines.length} log line(s) from the whole run; ${leaks.length} with personal data.\n`);
  if (leaks.length > 0) throw new Error(`Personal data reached the logs (${logFile}):\n${leaks.slice(0, 5).join('\n')}`);
}

/**
 * Vitest runs a global setup once for each project (and once for the root), each in a fresh module: the
 * first does the work and says so in the environment (`PREPARED`), the others provide what it made and
 * leave the end of the run to it.
 */
const PREPARED = 'CARREL_TEST_RUN_PREPARED';

export default async function setup(project: TestProject) {
  const prepared = process.env[PREPARED];
  if (prepared !== undefined) {
    project.provide('postgresTemplate', (JSON.parse(prepared) as { template: string | null }).template);
    project.provide('postgresAdminUrl', ADMIN_URL);
    return;
  }
  const runDir = mkdtempSync(join(tmpdir(), 'carrel-test-run-'));
  const logFile = join(runDir, 'all.log');
  const finish = (): void => {
    scanLogs(logFile);
    rmSync(runDir, { recursive: true, force: true });
  };
  process.env.CARREL_LOG_FILE = logFile;
  process.env.TMPDIR = runDir;
  const template = `carrel_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.CARREL_REQUIRE_POSTGRES === '1') throw new Error(`PostgreSQL is required (CARREL_REQUIRE_POSTGRES=1) but unreachable at ${ADMIN_URL}: ${reason}`);
    const bar = '!'.repeat(78);
    process.stderr.write(`\n${bar}\n!! PostgreSQL is unreachable (${reason}).\n!! SKIPPING every PostgreSQL run: only SQLite was tested.\n!! Set CARREL_TEST_POSTGRES_URL or start PostgreSQL to test both engines.\n${bar}\n\n`);
    project.provide('postgresTemplate', null);
    project.provide('postgresAdminUrl', ADMIN_URL);
    process.env[PREPARED] = JSON.stringify({ template: null });
    return finish;
  }
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  const database = openDatabase(withDatabase(ADMIN_URL, template), { poolSize: 1 });
  await migrateToLatest(database.db);
  await database.close();
  project.provide('postgresTemplate', template);
  project.provide('postgresAdminUrl', ADMIN_URL);
  process.env[PREPARED] = JSON.stringify({ template });

  return async () => {
    // Drop what the files created and did not drop (a crashed worker), then the template.
    const leftovers = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'carrel_t_${process.pid}_%'`);
    for (const row of leftovers.rows) await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
    finish();
  };
}
