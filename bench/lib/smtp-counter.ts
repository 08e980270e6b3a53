import type { AddressInfo } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { SMTPServer } from 'smtp-server';

/**
 * A minimal SMTP server for the notices benchmark: it accepts every message, discards it, and counts
 * it. It runs in a worker thread of its own (this same file), so the server does not share an event
 * loop with the sender being measured.
 */

export interface CounterSink {
  /** smtp://127.0.0.1:PORT, no credentials, no STARTTLS. */
  url: string;
  /** Messages accepted so far. */
  count(): Promise<number>;
  close(): Promise<void>;
}

type Request = { id: number; op: 'count' | 'close' };
type Reply = { ready: number } | { id: number; count: number };

/** Starts the sink in a worker thread on a free port of 127.0.0.1. */
export function startCounterSink(): Promise<CounterSink> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { smtpCounter: true } });
  const waiting = new Map<number, (count: number) => void>();
  let next = 0;
  const ask = (op: Request['op']) =>
    new Promise<number>((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      worker.postMessage({ id, op } satisfies Request);
    });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (reply: Reply) => {
      if ('ready' in reply) {
        resolve({
          url: `smtp://127.0.0.1:${reply.ready}`,
          count: () => ask('count'),
          close: async () => {
            await ask('close');
            await worker.terminate();
          },
        });
        return;
      }
      waiting.get(reply.id)?.(reply.count);
      waiting.delete(reply.id);
    });
  });
}

/** The worker's side: the server and its counter. */
function serve(): void {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    // No reverse DNS look-up of each connection (the pool reconnects every 100 messages).
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      stream.on('end', () => {
        count++;
        callback(null);
      });
      stream.resume();
    },
  });
  server.listen(0, '127.0.0.1', () => parentPort?.postMessage({ ready: (server.server.address() as AddressInfo).port } satisfies Reply));
  parentPort?.on('message', (request: Request) => {
    if (request.op === 'close') server.close(() => parentPort?.postMessage({ id: request.id, count } satisfies Reply));
    else parentPort?.postMessage({ id: request.id, count } satisfies Reply);
  });
}

if (!isMainThread && (workerData as { smtpCounter?: boolean } | null)?.smtpCounter === true) serve();
