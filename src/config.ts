import { resolve } from 'node:path';

/**
 * Carrel's configuration, from the environment (README.md lists every variable). Command-line flags
 * override it where a command has one.
 */
export interface Config {
  /** A SQLite file path or a postgres:// URL. */
  database: string;
  dataDir: string;
  keyFile: string;
  host: string;
  port: number;
  logLevel: string;
  /** Send the session cookie with `Secure` (behind HTTPS). */
  cookieSecure: boolean;
  /** Trust X-Forwarded-* from a reverse proxy. */
  trustProxy: boolean;
  /** Load the demo library into an empty database at `carrel start`. */
  demo: boolean;
  /** When `carrel start` runs the retention engine: a cron expression (server time), or "off". */
  retentionSchedule: string;
  /** Run the scheduler's jobs inside `carrel start` (CARREL_SCHEDULER; "off" to leave them to `carrel jobs run`). */
  scheduler: boolean;
  /** How often the scheduler looks for due periods, in milliseconds (CARREL_SCHEDULER_TICK_MS). */
  schedulerTickMs: number;
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.CARREL_DATA_DIR ?? 'data');
  const port = Number(env.CARREL_PORT ?? env.PORT ?? 8080);
  const tick = Math.round(Number(env.CARREL_SCHEDULER_TICK_MS ?? 60_000));
  return {
    database: env.DATABASE_URL || resolve(dataDir, 'carrel.db'),
    dataDir,
    keyFile: resolve(env.CARREL_KEY_FILE ?? resolve(dataDir, 'carrel.key')),
    host: env.CARREL_HOST ?? '127.0.0.1',
    port: Number.isInteger(port) && port >= 0 && port < 65536 ? port : 8080,
    logLevel: env.CARREL_LOG_LEVEL ?? 'info',
    cookieSecure: flag(env.CARREL_COOKIE_SECURE, false),
    trustProxy: flag(env.CARREL_TRUST_PROXY, false),
    demo: flag(env.CARREL_DEMO, true),
    retentionSchedule: env.CARREL_RETENTION_SCHEDULE?.trim() || '30 2 * * *',
    scheduler: flag(env.CARREL_SCHEDULER, true),
    schedulerTickMs: tick >= 10 && tick <= 3_600_000 ? tick : 60_000,
  };
}
