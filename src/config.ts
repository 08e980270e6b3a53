import { isIP } from 'node:net';
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
  /**
   * Which hops of X-Forwarded-For (and X-Forwarded-Proto, -Host) to believe (CARREL_TRUST_PROXY): `false`
   * none; a number, that many proxies nearest Carrel; a list, the proxies at these addresses or
   * networks; `true` every hop, whatever the client wrote into the header (see `trustProxyFrom`).
   */
  trustProxy: TrustProxy;
  /** Load the demo library into an empty database at `carrel start`. */
  demo: boolean;
  /** When `carrel start` runs the retention engine: a cron expression (server time), or "off". */
  retentionSchedule: string;
  /** Run the scheduler's jobs inside `carrel start` (CARREL_SCHEDULER; "off" to leave them to `carrel jobs run`). */
  scheduler: boolean;
  /** How often the scheduler looks for due periods, in milliseconds (CARREL_SCHEDULER_TICK_MS). */
  schedulerTickMs: number;
  /** The SIP2 server's port (CARREL_SIP2_PORT); null: no SIP2 server. */
  sip2Port: number | null;
  /** The address the SIP2 server listens on (CARREL_SIP2_HOST, 127.0.0.1 by default). */
  sip2Host: string;
  /** PEM files of the SIP2 server's TLS certificate and key (CARREL_SIP2_CERT, CARREL_SIP2_KEY); both or neither. */
  sip2Cert: string | null;
  sip2Key: string | null;
  /** Seconds a SIP2 connection may stay silent before it is closed (CARREL_SIP2_IDLE_SECONDS, 600). */
  sip2IdleSeconds: number;
  /** Carrel's address as patrons reach it (CARREL_PUBLIC_URL), for the links in notices; null: the address it listens on. */
  publicUrl: string | null;
  /** Minutes a patron's sign-in to vendors lasts before they give their PIN again (CARREL_OIDC_SESSION_MINUTES, 30; issue 19). */
  oidcSessionMinutes: number;
  /**
   * How many lanes (chains) each library's access log appends to on PostgreSQL (CARREL_ACCESS_LANES, 1 to
   * 64; null: the default, 8), so that one library's transactions do not commit one at a time. SQLite
   * always uses one.
   */
  accessLanes: number | null;
}

/** What Fastify's `trustProxy` takes: none, every hop, a hop count, or the proxies' addresses and networks. */
export type TrustProxy = boolean | number | string[];

/** proxy-addr's names for groups of addresses, which Fastify takes in a list like addresses. */
const ADDRESS_GROUPS = ['loopback', 'linklocal', 'uniquelocal'];

function addressOrNetwork(entry: string): boolean {
  if (ADDRESS_GROUPS.includes(entry)) return true;
  const [address = '', bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

/**
 * CARREL_TRUST_PROXY as Fastify's `trustProxy` (issue 22). `false` (or unset, `0`, `no`, `off`): the peer's
 * address is the client's. A whole number N ≥ 1: the N proxies nearest Carrel are trusted, so the client
 * is the address the outermost of them saw, and whatever a client wrote further left in X-Forwarded-For
 * is ignored. A comma-separated list of addresses, CIDR networks or `loopback`, `linklocal`,
 * `uniquelocal`: hops from these addresses are trusted. `true` (or `yes`, `on`): every hop, so the
 * leftmost address of X-Forwarded-For, which any client can write, chooses the address the log-in
 * throttles count: only for a proxy that replaces the header rather than appending to it. Anything else
 * is refused with a message, never guessed.
 */
/** A setting of the environment Carrel cannot use: the message names the variable and what it takes. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

export function trustProxyFrom(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim();
  const lower = text.toLowerCase();
  if (['', '0', 'false', 'no', 'off'].includes(lower)) return false;
  if (['true', 'yes', 'on'].includes(lower)) return true;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops >= 1 && hops <= 32) return hops;
  } else {
    const list = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
    if (list.length > 0 && list.every(addressOrNetwork)) return list;
  }
  throw new ConfigError(
    'CARREL_TRUST_PROXY is false, a number of proxies in front of Carrel (1 to 32), a comma-separated list of the proxies’ addresses or networks (10.0.0.1, 10.0.0.0/8, loopback), or true (every hop: only behind a proxy that replaces X-Forwarded-For).',
  );
}

/** CARREL_ACCESS_LANES (or `--access-lanes`): a whole number from 1 to 64; unset or empty, the default. */
export function accessLanesFrom(value: string | undefined, name = 'CARREL_ACCESS_LANES'): number | null {
  const text = (value ?? '').trim();
  if (text === '') return null;
  if (/^\d+$/.test(text)) {
    const lanes = Number(text);
    if (lanes >= 1 && lanes <= 64) return lanes;
  }
  throw new ConfigError(`${name} is a whole number of lanes from 1 to 64 (each library's access log appends to that many chains on PostgreSQL; 1 is one chain, as on SQLite).`);
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.CARREL_DATA_DIR ?? 'data');
  const port = Number(env.CARREL_PORT ?? env.PORT ?? 8080);
  const tick = Math.round(Number(env.CARREL_SCHEDULER_TICK_MS ?? 60_000));
  const sip2Port = env.CARREL_SIP2_PORT ? Number(env.CARREL_SIP2_PORT) : null;
  const idle = Math.round(Number(env.CARREL_SIP2_IDLE_SECONDS ?? 600));
  const oidcMinutes = Math.round(Number(env.CARREL_OIDC_SESSION_MINUTES ?? 30));
  return {
    database: env.DATABASE_URL || resolve(dataDir, 'carrel.db'),
    dataDir,
    keyFile: resolve(env.CARREL_KEY_FILE ?? resolve(dataDir, 'carrel.key')),
    host: env.CARREL_HOST ?? '127.0.0.1',
    port: Number.isInteger(port) && port >= 0 && port < 65536 ? port : 8080,
    logLevel: env.CARREL_LOG_LEVEL ?? 'info',
    cookieSecure: flag(env.CARREL_COOKIE_SECURE, false),
    trustProxy: trustProxyFrom(env.CARREL_TRUST_PROXY),
    demo: flag(env.CARREL_DEMO, true),
    retentionSchedule: env.CARREL_RETENTION_SCHEDULE?.trim() || '30 2 * * *',
    scheduler: flag(env.CARREL_SCHEDULER, true),
    schedulerTickMs: tick >= 10 && tick <= 3_600_000 ? tick : 60_000,
    sip2Port: sip2Port !== null && Number.isInteger(sip2Port) && sip2Port >= 0 && sip2Port < 65536 ? sip2Port : null,
    sip2Host: env.CARREL_SIP2_HOST ?? '127.0.0.1',
    sip2Cert: env.CARREL_SIP2_CERT ? resolve(env.CARREL_SIP2_CERT) : null,
    sip2Key: env.CARREL_SIP2_KEY ? resolve(env.CARREL_SIP2_KEY) : null,
    sip2IdleSeconds: idle >= 5 && idle <= 86_400 ? idle : 600,
    publicUrl: env.CARREL_PUBLIC_URL && /^https?:\/\/[^\s]+$/.test(env.CARREL_PUBLIC_URL) ? env.CARREL_PUBLIC_URL.replace(/\/$/, '') : null,
    oidcSessionMinutes: oidcMinutes >= 1 && oidcMinutes <= 24 * 60 ? oidcMinutes : 30,
    accessLanes: accessLanesFrom(env.CARREL_ACCESS_LANES),
  };
}
