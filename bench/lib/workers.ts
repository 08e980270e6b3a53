import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Request, Result } from 'autocannon';
import { CSRF_HEADER } from '../../src/http/session.js';
import { barcodeOf, cardOf } from './fixture.js';

/**
 * A bench file is its own load worker: on the main thread it runs `main`; in a worker thread started by
 * `runInWorker` it runs `work` on the job it was given and posts the outcome back.
 */
export async function mainOrWorker<J, O>(main: () => Promise<void>, work: (job: J) => Promise<O>): Promise<void> {
  if (isMainThread) await main();
  else parentPort?.postMessage(await work(workerData as J));
}

/** Tells the main thread, from a worker, that the measured part of the load begins now. */
export function reportStarted(): void {
  parentPort?.postMessage({ started: true });
}

/**
 * Runs `job` in a worker thread on the bench file `entry` (autocannon then does not share the server's
 * event loop), and resolves with its outcome; `onStart` is called when the worker reports its measured
 * part begins.
 */
export function runInWorker<J, O>(entry: URL, job: J, onStart?: () => void): Promise<O> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData: job });
    let settled = false;
    worker.on('message', (message: O | { started: true }) => {
      if (typeof message === 'object' && message !== null && 'started' in message) return onStart?.();
      settled = true;
      resolve(message as O);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the load worker exited with code ${code} before reporting`));
    });
  });
}

/** An absolute time in ms (performance.timeOrigin + now()), comparable across threads. */
export const absoluteNow = () => performance.timeOrigin + performance.now();

/**
 * autocannon, and its own aggregation: inside a worker thread autocannon believes it is one of its own
 * workers and answers the raw, encoded result, which its aggregation (what it runs on the main thread)
 * decodes into a Result (and merges several raw results, histograms included).
 */
export async function loadAutocannon() {
  const { default: autocannon } = await import('autocannon');
  const aggregateResult = createRequire(import.meta.url)('autocannon/lib/aggregateResult.js') as (result: unknown, options: object, histograms: object) => Result;
  return { autocannon, aggregateResult };
}

/** One request of a check-out + check-in pair, as its answer reaches the load generator. */
export interface PairContext {
  item?: number;
  /** When the request was built, right before autocannon writes it (absolute ms). */
  sentAt?: number;
}

/**
 * The check-out + check-in pair the load repeats: each pair takes the next item of [itemsFrom,
 * itemsFrom + items) not on loan and the patron `patronOf(pair)` names. An item checked out and not
 * (yet) known to be checked in is never handed to another pair: at the end of a run autocannon stops
 * mid-pair, so a few items stay on loan and later runs skip them. `onAnswer` sees every answer.
 */
export function pairRequests(options: {
  prefix: string;
  itemsFrom: number;
  items: number;
  patronOf: (pair: number) => number;
  onAnswer: (kind: 'checkouts' | 'checkins', ctx: PairContext, status: number, body: string) => void;
}): Request[] {
  const { prefix, itemsFrom, items, patronOf, onAnswer } = options;
  let pair = 0;
  const busy = new Set<number>();
  const nextItem = (): number => {
    for (;;) {
      const item = itemsFrom + (pair % items);
      if (!busy.has(item)) return item;
      pair++;
    }
  };
  // With pipelining 1 autocannon builds a request (setupRequest) right before it writes it, and calls
  // onResponse as soon as the answer is parsed: the difference is the request's latency.
  return [
    {
      method: 'POST',
      path: `${prefix}/checkouts`,
      setupRequest: (request, context) => {
        const ctx = context as PairContext;
        const item = nextItem();
        const patron = patronOf(pair);
        pair++;
        busy.add(item);
        ctx.item = item;
        ctx.sentAt = absoluteNow();
        return { ...request, body: JSON.stringify({ cardNumber: cardOf(patron), itemBarcode: barcodeOf(item) }) };
      },
      onResponse: (status, body, context) => {
        const ctx = context as PairContext;
        onAnswer('checkouts', ctx, status, body);
        if (status >= 300 && ctx.item !== undefined && status !== 409) busy.delete(ctx.item);
      },
    },
    {
      method: 'POST',
      path: `${prefix}/checkins`,
      setupRequest: (request, context) => {
        const ctx = context as PairContext;
        ctx.sentAt = absoluteNow();
        return { ...request, body: JSON.stringify({ itemBarcode: barcodeOf(ctx.item ?? itemsFrom) }) };
      },
      onResponse: (status, body, context) => {
        const ctx = context as PairContext;
        onAnswer('checkins', ctx, status, body);
        if (status < 300 && ctx.item !== undefined) busy.delete(ctx.item);
      },
    },
  ];
}

/**
 * autocannon's settings for one run against a logged-in session. autocannon stops at the first 1 s
 * sample tick after the duration; a hair less than whole seconds keeps a 10 s run from racing that tick
 * into an 11th second. Rates use the measured time.
 */
export function loadSettings(target: { url: string; cookie: string; csrfToken: string; connections: number; requests: Request[] }, seconds: number) {
  return {
    url: target.url,
    connections: target.connections,
    duration: seconds - 0.02,
    headers: { cookie: target.cookie, [CSRF_HEADER]: target.csrfToken, 'content-type': 'application/json' },
    requests: target.requests,
  };
}
