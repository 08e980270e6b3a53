import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { createLogger } from '../src/log.js';
import { buildServer } from '../src/http/server.js';
import { vendorSignOn } from '../src/oidc/sign-on.js';
import type { World } from './factories.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export interface Answer {
  status: number;
  body: Json;
  /** The raw response body, for checking what an answer does not contain. */
  text: string;
  headers: Headers;
}

export interface StartServerOptions {
  /** Receives each chunk the server's logger writes; without it the log is discarded. */
  onLog?: (chunk: string) => void;
  /** Failed log-ins allowed per address (the server's default is 20 in 15 minutes). */
  loginThrottle?: { limit: number; windowMinutes: number };
  /** Which hops of X-Forwarded-For the server believes (CARREL_TRUST_PROXY); none by default. */
  trustProxy?: boolean | number | string[];
}

/** A real server on 127.0.0.1 for a test world, and a client that speaks JSON to its API. */
export interface TestServer {
  app: FastifyInstance;
  base: string;
  /**
   * Calls `/api/v1{path}` with an optional session cookie and JSON body. A cookie from `login` or
   * `patronLogin` brings its CSRF token along on state-changing calls, unless `csrf` says otherwise
   * (false: none; a string: that one).
   */
  call(method: string, path: string, options?: { cookie?: string; body?: unknown; csrf?: string | false; headers?: Record<string, string> }): Promise<Answer>;
  /** Logs a staff account in and returns the Cookie header value (`carrel_session=…`). */
  login(account: { username: string; password: string }): Promise<string>;
  /** Logs a patron in with card and PIN and returns the Cookie header value. */
  patronLogin(credentials: { cardNumber: string; pin: string }): Promise<string>;
  /** The CSRF token that goes with a cookie from `login` or `patronLogin`. */
  csrfOf(cookie: string): string | undefined;
  close(): Promise<void>;
}

export async function startServer(w: World, { onLog, loginThrottle, trustProxy }: StartServerOptions = {}): Promise<TestServer> {
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      onLog?.(chunk.toString());
      callback();
    },
  });
  const app = await buildServer({
    runtime: w.runtime,
    logger: createLogger('info', sink),
    ...(loginThrottle ? { loginThrottle } : {}),
    ...(trustProxy !== undefined ? { trustProxy } : {}),
    plugins: [vendorSignOn(w.runtime, { loginThrottle, trustProxy })],
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const csrf = new Map<string, string>();
  const call: TestServer['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.cookie) headers.cookie = options.cookie;
    const token = options.csrf === undefined ? (options.cookie ? csrf.get(options.cookie) : undefined) : options.csrf;
    if (token && method !== 'GET') headers['x-csrf-token'] = token;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${base}/api/v1${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : {}, text, headers: response.headers };
  };
  return {
    app,
    base,
    call,
    async login(account) {
      const answer = await call('POST', '/auth/login', { body: account });
      expect(answer.status).toBe(200);
      const pair = answer.headers.getSetCookie().find((c) => c.startsWith('carrel_session='));
      const cookie = (pair as string).split(';')[0] as string;
      csrf.set(cookie, answer.body.csrfToken as string);
      return cookie;
    },
    async patronLogin(credentials) {
      const answer = await call('POST', '/auth/patron-login', { body: credentials });
      expect(answer.status).toBe(200);
      const pair = answer.headers.getSetCookie().find((c) => c.startsWith('carrel_session='));
      const cookie = (pair as string).split(';')[0] as string;
      csrf.set(cookie, answer.body.csrfToken as string);
      return cookie;
    },
    csrfOf: (cookie) => csrf.get(cookie),
    close: () => app.close(),
  };
}
