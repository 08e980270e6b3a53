import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../src/storage/database.js';
import { freshDatabase, type TestDatabase } from './engines.js';

/** Shared by the CLI end-to-end tests: spawn the real `carrel` and read what it printed. */

export const BIN = fileURLToPath(new URL('../bin/carrel.js', import.meta.url));
export const COMPILED = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment a spawned carrel sees: nothing from the developer's own Carrel settings. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // CARREL_LOG_FILE is the test run's own log collector (test/global-setup.ts), not a developer setting.
    if ((key.startsWith('CARREL_') && key !== 'CARREL_LOG_FILE') || key === 'DATABASE_URL' || key === 'PORT') continue;
    env[key] = value;
  }
  // English unless a test asks for another language: a developer's own locale (LANG=es_US…) must not change what the tests read.
  return { ...env, CARREL_LOG_LEVEL: 'warn', CARREL_LANG: 'en', ...extra };
}

/**
 * Runs the CLI to completion; resolves with its exit status and output whatever the status. The limit is
 * a hang guard, not a measure: on 2 cores with four test files and the browser tests side by side, one
 * spawn (Node's start, the migrations on PostgreSQL, the command) passed 25 s in a CI run.
 */
export function carrel(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: options.env, cwd: options.cwd, timeout: 90_000, maxBuffer: 32 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        if (typeof error.code === 'number') return resolve({ code: error.code, stdout, stderr });
        reject(new Error(`carrel ${args.join(' ')} did not finish (${String(error.code ?? error.signal)}): ${error.message}\n${stderr}`));
      },
    );
  });
}

/** Parses stdout as exactly one JSON document (JSON.parse refuses anything before or after it). */
export function document<T = Record<string, unknown>>(run: Run): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}


/** Where a CLI test's carrel runs: a data directory of its own, its environment, and its database. */
export interface CliWorkspace {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** What `--db` is given: the SQLite file in `dir`, or a fresh PostgreSQL database's URL. */
  target: string;
  /** The PostgreSQL database, to drop at the end (undefined on SQLite: `dir` goes with its file). */
  pg: TestDatabase | undefined;
}

/** A fresh workspace for CLI runs on one engine (the key file and data under a new temporary directory). */
export async function cliWorkspace(engine: Engine, name: string): Promise<CliWorkspace> {
  const dir = mkdtempSync(join(tmpdir(), `carrel-cli-${name}-${engine}-`));
  const env = cleanEnv({ CARREL_DATA_DIR: dir, CARREL_KEY_FILE: join(dir, 'carrel.key') });
  if (engine === 'sqlite') return { dir, env, target: join(dir, 'carrel.db'), pg: undefined };
  const pg = await freshDatabase('postgres');
  return { dir, env, target: pg.target, pg };
}
