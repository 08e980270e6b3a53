import type { Engine } from '../../src/storage/database.js';

/** The PostgreSQL server a bench creates its databases on (CARREL_BENCH_POSTGRES_URL). */
export function postgresUrlOption(): string {
  return process.env.CARREL_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** With --help, prints the bench's usage line and ends the process. */
export function exitOnHelp(help: boolean | undefined, usage: string): void {
  if (!help) return;
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}

/**
 * A number from its flag, else its environment variable (CARREL_BENCH_X, flag --x), else the fallback;
 * refuses one below `min`.
 */
export function numberOption(flag: string | undefined, env: string, fallback: number, min: number): number {
  const text = flag ?? process.env[env];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) throw new Error(`${env.replace('CARREL_BENCH_', '--').replace(/_/g, '-').toLowerCase()} must be a number ≥ ${min} (got ${text})`);
  return value;
}

/** The engines to measure: --engines, else CARREL_BENCH_ENGINES, else both. */
export function enginesOption(flag: string | undefined): Engine[] {
  const engines = (flag ?? process.env.CARREL_BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());
  for (const e of engines) if (e !== 'sqlite' && e !== 'postgres') throw new Error(`unknown engine ${e} (sqlite, postgres)`);
  return engines as Engine[];
}
