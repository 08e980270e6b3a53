import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitUntil } from './smtp-sink.js';

/**
 * A text gateway's webhook for tests: an HTTP server on 127.0.0.1 that records every request (its JSON
 * body and headers) and answers as `mode` says: 200, 503 (temporary), 400 (permanent), or any status
 * given as a number. `delayMs` holds each answer back, to try a sender's timeout.
 */

export type WebhookSinkMode = 'accept' | 'temporary' | 'permanent' | number;

export interface SunkRequest {
  method: string;
  path: string;
  /** Lower-case names, as node:http gives them (a repeated header: its values joined by ", "). */
  headers: Record<string, string>;
  /** The body parsed as JSON (null when it is not JSON). */
  body: unknown;
  raw: string;
  /** The status the sink answered. */
  status: number;
}

export interface WebhookSink {
  mode: WebhookSinkMode;
  delayMs: number;
  /** Every request, whatever it was answered. */
  readonly requests: SunkRequest[];
  /** http://127.0.0.1:PORT/messages */
  readonly url: string;
  waitFor(count: number, timeoutMs?: number): Promise<SunkRequest[]>;
  close(): Promise<void>;
}

const STATUS: Record<Exclude<WebhookSinkMode, number>, number> = { accept: 200, temporary: 503, permanent: 400 };

/** Starts a sink on a free port of 127.0.0.1. */
export async function startWebhookSink(): Promise<WebhookSink> {
  const requests: SunkRequest[] = [];
  const waiters = new Set<() => void>();
  const sink = { mode: 'accept' as WebhookSinkMode, delayMs: 0 };

  const server = createServer((request, response) => {
    void readBody(request).then(async (raw) => {
      const status = typeof sink.mode === 'number' ? sink.mode : STATUS[sink.mode];
      requests.push({ method: request.method ?? '', path: request.url ?? '', headers: flatHeaders(request), body: parseJson(raw), raw, status });
      for (const wake of waiters) wake();
      if (sink.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, sink.delayMs));
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(status < 300 ? { ok: true } : { error: 'refused' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return Object.assign(sink, {
    requests,
    url: `http://127.0.0.1:${port}/messages`,
    waitFor: (count: number, timeoutMs = 5_000) =>
      waitUntil(() => requests.length >= count, waiters, timeoutMs, () => `expected ${count} request(s), got ${requests.length}`).then(() => requests),
    close: () =>
      new Promise<void>((resolve) => {
        // fetch keeps its connections alive; close them so the server stops now.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
