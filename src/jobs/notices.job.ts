/**
 * Sending notices, and the walks that queue many at once (issue 17). Each step is a use case in its own
 * transaction (usecases/notice.usecases.ts); this file only drives them: a batch is claimed (no other
 * process can claim it), sent over the channels the installation configured (src/notices/, wired by the
 * composition root), and each result recorded. No transaction is open while a mail server answers.
 */
import type { DeliveryResult, NoticeChannels, OutgoingMessage } from '../domain/notices.js';
import { DomainError, ErrorCode, refuse } from '../domain/errors.js';
import { run, type Caller, type Runtime } from '../usecases/context.js';
import {
  claimNotices,
  finishNotices,
  markPolicyAnnounced,
  policyAnnouncement,
  queueBreachNotices,
  queuePolicyNotices,
  recordBreach,
  type BreachInput,
  type BreachRecord as BreachRow,
  type ProfileRegistry,
} from '../usecases/notice.usecases.js';

export interface DeliveryOptions {
  /** This process's name in the claims. */
  runner: string;
  /** Carrel's public address, for links when a library set no portal address. */
  publicUrl: string;
  /** Notices claimed per transaction (default 100). */
  batch?: number;
  /** Messages in flight at once (default 10). */
  concurrency?: number;
  /** How long a claim holds (default 10 minutes): longer than any batch takes to send. */
  leaseMs?: number;
  /** Stop after this many batches (default: until none is due). */
  maxBatches?: number;
  signal?: AbortSignal;
  registry?: ProfileRegistry;
}

export interface DeliveryCounts {
  sent: number;
  retry: number;
  failed: number;
  cancelled: number;
  /** Queued on a channel this process has not configured (they wait). */
  batches: number;
}

/** Sends one message, never throwing: a channel's own bug counts as a temporary failure. */
async function sendOne(channels: NoticeChannels, message: OutgoingMessage): Promise<DeliveryResult> {
  const channel = channels[message.channel];
  if (!channel) return { status: 'retry', code: 'CHANNEL_NOT_CONFIGURED' };
  try {
    return await channel.send(message);
  } catch {
    return { status: 'retry', code: 'CHANNEL_ERROR' };
  }
}

/** Runs `work` over `items` with at most `limit` at once, keeping the order of the answers. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Sends every notice due now on the configured channels, batch by batch, until none is left (or stopped). */
export async function deliverNotices(runtime: Runtime, channels: NoticeChannels, options: DeliveryOptions): Promise<DeliveryCounts> {
  const caller: Caller = { actor: { kind: 'system', id: 'system' }, purpose: 'notices', channel: 'job' };
  const configured = (['email', 'text'] as const).filter((c) => channels[c] !== undefined);
  const totals: DeliveryCounts = { sent: 0, retry: 0, failed: 0, cancelled: 0, batches: 0 };
  if (configured.length === 0) return totals;
  const claim = () => {
    const claimed = run(runtime, caller, claimNotices, {
      runner: options.runner,
      limit: options.batch ?? 100,
      leaseMs: options.leaseMs ?? 10 * 60_000,
      channels: configured,
      publicUrl: options.publicUrl,
      ...(options.registry ? { registry: options.registry } : {}),
    });
    // Awaited below; this only keeps a failure while the previous batch is being sent from going unheard.
    claimed.catch(() => undefined);
    return claimed;
  };
  const more = () => !options.signal?.aborted && (options.maxBatches === undefined || totals.batches < options.maxBatches);
  // The next batch is claimed while this one is on the wire: the database's work and the mail server's
  // overlap. A batch claimed is always sent (a stop takes effect before the next claim).
  let next = more() ? claim() : null;
  while (next !== null) {
    const { messages, notSent } = await next;
    if (messages.length === 0 && notSent.length === 0) break;
    totals.batches++;
    next = more() ? claim() : null;
    for (const n of notSent) totals[n.status === 'failed' ? 'failed' : 'cancelled']++;
    const results = await pool(messages, options.concurrency ?? 10, async (message) => ({ noticeId: message.noticeId, result: await sendOne(channels, message) }));
    const counts = await run(runtime, caller, finishNotices, { runner: options.runner, results });
    totals.sent += counts.sent;
    totals.retry += counts.retry;
    totals.failed += counts.failed;
  }
  return totals;
}

const PAGE = 500;

/**
 * Tells a library's patrons of a new version of its privacy policy (RR-10), if there is one: one email
 * each to every patron with an address who has not unsubscribed, naming what changed. The version is
 * recorded as announced after the last page, so a process that dies half-way resumes (the pages already
 * queued are skipped by their keys).
 */
export async function announcePolicyChange(runtime: Runtime, caller: Caller, libraryId: string, registry?: ProfileRegistry): Promise<{ announced: boolean; queued: number }> {
  const announcement = await run(runtime, caller, policyAnnouncement, { libraryId, ...(registry ? { registry } : {}) });
  if (!announcement.announce) {
    if (announcement.previous !== null && announcement.previous !== announcement.current)
      await run(runtime, caller, markPolicyAnnounced, { libraryId, previous: announcement.previous, current: announcement.current });
    return { announced: false, queued: 0 };
  }
  let queued = 0;
  let afterId: string | null = null;
  do {
    const page: { queued: number; next: string | null } = await run(runtime, caller, queuePolicyNotices, { libraryId, announcement, afterId, limit: PAGE });
    queued += page.queued;
    afterId = page.next;
  } while (afterId !== null);
  await run(runtime, caller, markPolicyAnnounced, { libraryId, previous: announcement.previous, current: announcement.current });
  return { announced: true, queued };
}

/**
 * Records a breach and queues its notices (RR-6): every affected patron by their channel, or a letter
 * for staff to post when they chose none. The register's counts are the notices queued.
 */
export async function notifyBreach(runtime: Runtime, caller: Caller, input: BreachInput): Promise<{ breach: BreachRow; patrons: number; queued: number; letters: number }> {
  const { breach, patronIds } = await run(runtime, caller, recordBreach, input);
  let afterId: string | null = null;
  const totals = { patrons: 0, queued: 0, letters: 0 };
  do {
    const page: { patrons: number; queued: number; letters: number; next: string | null } = await run(runtime, caller, queueBreachNotices, {
      breachId: breach.id,
      libraryId: breach.libraryId,
      patronIds,
      afterId,
      limit: PAGE,
    });
    totals.patrons += page.patrons;
    totals.queued += page.queued;
    totals.letters += page.letters;
    afterId = page.next;
  } while (afterId !== null);
  return { breach: { ...breach, patronsAffected: totals.patrons, noticesQueued: totals.queued, letters: totals.letters }, ...totals };
}

/** A delivery stopped by the scheduler's stop, as a job's error. */
export function stoppedError(): DomainError {
  return refuse(ErrorCode.JOB_STOPPED, 'The scheduler was stopped; the next run sends the rest.');
}
