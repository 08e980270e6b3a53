/**
 * The retention job: makes each library's retention promises true, on a schedule (`carrel start`) or on
 * demand (`carrel retention run`). It walks every category of the data inventory in bounded pages, each
 * its own short transaction (circulation is never blocked for longer than one page), and leaves a
 * receipt per category: rule, clause, count, time, and no personal data.
 *
 * The job only schedules: it sizes pages, orders the walks and stops when asked. Claiming and finishing
 * the run, the sweeps and every page are use cases (usecases/retention-run.usecases.ts,
 * usecases/retention.usecases.ts); what to keep is decided by policy/retention.policy.ts.
 *
 * A killed run leaves no half-state: a page is disposed of and counted together or not at all. The next
 * run marks the killed one `interrupted` (its receipt counts what it did) and finishes the job.
 */
import { ErrorCode, refuse } from '../domain/errors.js';
import { SYSTEM } from '../policy/actors.js';
import { describeRule, ENDED_RECORD_CATEGORIES, ENDED_CATEGORIES, type RetentionCategory } from '../policy/retention.policy.js';
import { dueForDisposal, syncProfileSeries } from '../usecases/record-series.usecases.js';
import { recordProfileVersion } from '../usecases/privacy-policy.usecases.js';
import { run, type Caller, type Runtime } from '../usecases/context.js';
import {
  checkpointBetweenPages,
  claimRetentionRun,
  emptyWal,
  finishRetentionRun,
  librariesToRetain,
  patronSweep,
  pauseAutomaticCheckpoints,
  releaseRetentionRun,
  retentionSetup,
  runOwner,
} from '../usecases/retention-run.usecases.js';
import { sweepIdentifications } from '../usecases/desk-identification.js';
import {
  countEndedServices,
  endStaleSessions,
  requireRetentionAdmin,
  rebandPatrons,
  retainAccessLogPage,
  retainLoanPage,
  retainPage,
  retainPatronPage,
  retainVendorAuthorisationPage,
  type PageInput,
  type PageResult,
} from '../usecases/retention.usecases.js';

export interface RetentionOptions {
  /** One library; all libraries when absent. */
  libraryId?: string;
  /** Decide and count, change nothing, leave no receipt. */
  dryRun?: boolean;
  /** Records per page (per transaction), fixed. Without it, pages are sized to `pageMillis`. */
  pageSize?: number;
  /**
   * How long one page's transaction should take. On SQLite a page holds the database's one writer, so
   * this bounds how long a check-out can wait for retention; on PostgreSQL pages lock only the rows they
   * dispose of, and larger pages cost less. Default: 15 ms on SQLite, 250 ms on PostgreSQL.
   */
  pageMillis?: number;
  /**
   * Which job this is. `nightly` (the default): the scheduled run, a day's worth of records. `backlog`: a
   * first run over years of records (after a migration onto Carrel, or a profile that keeps less): it
   * yields more to the desk, with shorter pages and a pause after each page while the desk is busy.
   */
  mode?: RetentionMode;
  /**
   * Adaptive pages (when neither `pageSize` nor `pageMillis` is given): before each page the engine asks
   * the runtime's desk load (requests in the last 5 seconds). At or above `busyRequestsPerSecond` a page
   * is budgeted `busyPageMillis`, below it `idlePageMillis`. Operator knobs (how hard the process works,
   * not policy), given to the job; not yet read from the environment (the defaults are `defaultPacing`).
   */
  desk?: Partial<DeskPacing>;
  /** Called after every page, for a progress bar. */
  onProgress?: (progress: RetentionProgress) => void;
  /** Stops between pages when aborted (the run is then left to be finished by the next one). */
  signal?: AbortSignal;
}

export type RetentionMode = 'nightly' | 'backlog';

/** How the engine paces itself against the desk (see `RetentionOptions.desk`). */
export interface DeskPacing {
  idlePageMillis: number;
  busyPageMillis: number;
  busyRequestsPerSecond: number;
  /**
   * SQLite: while the desk is idle, the run checkpoints after this many milliseconds of pages rather
   * than after every page (a busy desk, or a run that cannot see the desk, still gets one after every
   * page). A page's deletions touch pages of a scattered index (the loans by borrower) that the next
   * pages touch again; copied into the database file once for several pages, each is written once.
   */
  idleCheckpointMillis: number;
}

/**
 * The default pacing per engine. SQLite: a page holds the one writer, so a busy desk's check-out waits
 * at most about 15 ms for it; an idle desk lets pages run 250 ms (fewer commits, fewer checkpoints).
 * PostgreSQL: pages lock only their rows; larger pages cost less, but they share the machine's cores.
 */
export function defaultPacing(engine: 'sqlite' | 'postgres'): DeskPacing {
  return engine === 'sqlite'
    ? { idlePageMillis: 250, busyPageMillis: 15, busyRequestsPerSecond: 1, idleCheckpointMillis: 2000 }
    : { idlePageMillis: 1000, busyPageMillis: 100, busyRequestsPerSecond: 1, idleCheckpointMillis: 0 };
}

export interface RetentionProgress {
  libraryId: string;
  category: string;
  /** Records examined so far in this library's run. */
  done: number;
}

export interface CategoryResult {
  category: RetentionCategory;
  rule: string;
  clause: string;
  disposal: string;
  disposed: number;
  kept: number;
  /** Of `kept`, the records a legal hold alone kept (until its release). */
  held: number;
  /** Set when an annual sweep was not due: when it next is. */
  skipped?: { reason: 'sweep-not-due'; nextSweepAfter: string };
}

export interface LibraryResult {
  libraryId: string;
  profileId: string;
  profileVersion: number;
  runId: string | null;
  /** A run killed earlier and taken over by this one. */
  resumedFrom: string | null;
  agesRebanded: number;
  /** Computer sessions nobody logged off from, ended a day after they began. */
  sessionsEnded: number;
  /** Services that had ended by the run's as-of and were counted in the statistics by this run (statistics.usecases.ts). */
  servicesCounted: number;
  categories: CategoryResult[];
  /**
   * Record series kept outside Carrel (camera footage CB-H, RF-9; paper sheets) whose disposal is due:
   * Carrel cannot destroy them, so the run lists them until someone confirms they are gone.
   */
  externalRecordsDue: { code: string; name: string; retentionDays: number; clause: string | null; dueThrough: string; overdueSince: string | null }[];
}

export interface RetentionReport {
  asOf: string;
  dryRun: boolean;
  libraries: LibraryResult[];
  /**
   * SQLite: whether the run's deletions also left the WAL (`truncated`: every page is in the database
   * file, where deleted rows are overwritten, and the WAL is empty), or whether a reader in another
   * process kept an older snapshot through every attempt (`busy`: the next checkpoint does it). Null on
   * PostgreSQL and for a dry run.
   */
  walCheckpoint: 'truncated' | 'busy' | null;
}

const caller: Caller = { actor: SYSTEM, purpose: 'retention', channel: 'job' };

/** Yields to the event loop between pages, so requests waiting for the database go first. */
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sizes pages to a time budget from the cost per record seen so far (a moving average), so a page takes
 * about the budget whatever the engine, the machine and the category. A page far slower than the
 * average (a WAL checkpoint, a vacuum, another process) is not taken as the new normal: shrinking
 * every page after one stall would only multiply the per-page overhead.
 */
export class PageSizer {
  #size: number;
  #msPerRecord: number | null = null;
  constructor(
    private budgetMs: number,
    initial: number,
    private readonly min = 20,
    private readonly max = 10_000,
  ) {
    this.#size = initial;
  }

  get size(): number {
    return this.#size;
  }

  /**
   * Changes the time budget (the desk became busy, or idle). Once the cost per record is known the next
   * page is sized to it at once when shrinking (the desk must not wait for a page sized for an idle
   * one), and grows at most double a page at a time.
   */
  setBudget(budgetMs: number): void {
    if (budgetMs === this.budgetMs) return;
    this.budgetMs = budgetMs;
    if (this.#msPerRecord !== null) this.#size = this.#bounded(budgetMs / this.#msPerRecord);
  }

  #bounded(target: number): number {
    return Math.round(Math.min(this.max, Math.max(this.min, Math.min(target, this.#size * 2))));
  }

  /** Learns from a page of `seen` records that took `elapsedMs`. A short last page teaches nothing. */
  record(elapsedMs: number, seen: number): void {
    if (seen < this.#size || seen === 0 || elapsedMs <= 0) return;
    const sample = elapsedMs / seen;
    const average = this.#msPerRecord;
    if (average !== null && sample > 4 * average) return;
    this.#msPerRecord = average === null ? sample : 0.7 * average + 0.3 * sample;
    const target = this.budgetMs / this.#msPerRecord;
    // At most double a page at a time: a first cheap page must not make the next one enormous.
    this.#size = this.#bounded(target);
  }
}

/**
 * Runs retention for one library on someone's request (an administrator over HTTP): the caller is
 * checked by the use case that guards retention, then the run proceeds as the system, as it does on
 * its schedule.
 */
export async function runRetentionFor(runtime: Runtime, requester: Caller, options: RetentionOptions & { libraryId: string }): Promise<RetentionReport> {
  await run(runtime, requester, requireRetentionAdmin, { libraryId: options.libraryId });
  return runRetention(runtime, options);
}

/** Runs retention for one library or all, at the runtime clock's instant (`--as-of` moves it). */
export async function runRetention(runtime: Runtime, options: RetentionOptions = {}): Promise<RetentionReport> {
  const asOf = runtime.clock.now();
  const libraryIds = await run(runtime, caller, librariesToRetain, options.libraryId !== undefined ? { libraryId: options.libraryId } : {});
  const libraries: LibraryResult[] = [];
  let walCheckpoint: RetentionReport['walCheckpoint'] = null;
  // SQLite: the run decides when its pages are checkpointed (`walk`), not each commit; given back at the end.
  const resumeCheckpoints = options.dryRun === true ? async () => undefined : await pauseAutomaticCheckpoints(runtime);
  try {
    for (const libraryId of libraryIds) libraries.push(await retainLibrary(runtime, libraryId, asOf, options));
    // Refused identifications past every window and expired desk handles go, even if no desk identifies anyone.
    if (options.dryRun !== true) await run(runtime, caller, sweepIdentifications, {});
  } finally {
    await resumeCheckpoints();
    // The pages' deletions are committed (a failed run's too): their rows' earlier versions leave the WAL.
    if (options.dryRun !== true) walCheckpoint = (await emptyWal(runtime)) ?? null;
  }
  return { asOf: asOf.toISOString(), dryRun: options.dryRun === true, libraries, walCheckpoint };
}

async function retainLibrary(runtime: Runtime, libraryId: string, asOf: Date, options: RetentionOptions): Promise<LibraryResult> {
  const { profile, engine } = await run(runtime, caller, retentionSetup, { libraryId });
  const claimed = options.dryRun === true
    ? { runId: null, resumedFrom: null }
    : await run(runtime, caller, claimRetentionRun, { libraryId, profile: { id: profile.id, version: profile.version }, asOf: asOf.toISOString(), owner: runOwner() });
  try {
    return await retainClaimed(runtime, libraryId, asOf, options, { profile, engine, claimed });
  } catch (error) {
    // Stopped or failed between pages: the next run takes the run over at once, not after the lease.
    if (claimed.runId !== null) await run(runtime, caller, releaseRetentionRun, { runId: claimed.runId }).catch(() => undefined);
    throw error;
  }
}

async function retainClaimed(
  runtime: Runtime,
  libraryId: string,
  asOf: Date,
  options: RetentionOptions,
  { profile, engine, claimed }: { profile: Awaited<ReturnType<typeof retentionSetup>>['profile']; engine: 'sqlite' | 'postgres'; claimed: { runId: string | null; resumedFrom: string | null } },
): Promise<LibraryResult> {
  const dryRun = options.dryRun === true;
  const backlog = options.mode === 'backlog';
  const pacing = { ...defaultPacing(engine), ...options.desk };
  const deskLoad = runtime.deskLoad;
  const adaptive = options.pageSize === undefined && options.pageMillis === undefined && deskLoad !== undefined;
  /** Whether the desk is busy now (never, without a desk load to ask: a CLI run in its own process). */
  const deskBusy = () => adaptive && deskLoad.perSecond(performance.now()) >= pacing.busyRequestsPerSecond;
  // The backlog job gives a busy desk twice as much room: half the page, and as long again to itself after it.
  const budgetNow = (busy: boolean) => (busy ? pacing.busyPageMillis / (backlog ? 2 : 1) : pacing.idlePageMillis);
  const budget = options.pageMillis ?? (adaptive ? budgetNow(false) : engine === 'sqlite' ? 15 : 250);
  const sizer = () =>
    options.pageSize !== undefined ? { size: options.pageSize, record: () => undefined, setBudget: () => undefined } : new PageSizer(budget, 100);
  const runId = claimed.runId;
  const base: Omit<PageInput, 'cursor' | 'limit'> = { runId, libraryId, asOf: asOf.toISOString() };
  let done = 0;
  /** Milliseconds of pages since the run last checkpointed (SQLite). */
  let sinceCheckpoint = 0;
  const results = new Map<string, CategoryResult>();

  /** Pages through one category until the candidates run out. */
  const walk = async (category: RetentionCategory, page: (cursor: PageInput['cursor'], limit: number) => Promise<PageResult>, maxPage = Number.POSITIVE_INFINITY) => {
    const result = results.get(category) ?? { category, ...describeRule(profile, category), disposed: 0, kept: 0, held: 0 };
    results.set(category, result);
    const pages = sizer();
    let cursor: PageInput['cursor'] = null;
    do {
      if (options.signal?.aborted) throw refuse(ErrorCode.RETENTION_RUN_IN_PROGRESS, 'The retention run was stopped; the next run finishes it.');
      const busy = deskBusy();
      if (adaptive) pages.setBudget(budgetNow(busy));
      const limit = Math.min(pages.size, maxPage);
      const started = performance.now();
      const outcome: PageResult = await page(cursor, limit);
      const elapsed = performance.now() - started;
      pages.record(elapsed, outcome.seen);
      result.disposed += outcome.disposed;
      result.kept += outcome.kept;
      result.held += outcome.held;
      done += outcome.seen;
      options.onProgress?.({ libraryId, category, done });
      cursor = outcome.next;
      // SQLite: the run checkpoints its own pages as it goes (a desk commit never pays for it): after
      // every page while the desk is busy or cannot be seen, every idleCheckpointMillis while it is idle.
      sinceCheckpoint += elapsed;
      if (!dryRun && engine === 'sqlite' && (!adaptive || busy || sinceCheckpoint >= pacing.idleCheckpointMillis)) {
        await checkpointBetweenPages(runtime);
        sinceCheckpoint = 0;
      }
      await yieldToRequests();
      // The backlog is not urgent: while the desk is busy it gets the database to itself as long again.
      if (backlog && busy && cursor !== null) await pause(Math.min(elapsed, 1000));
    } while (cursor !== null);
  };

  const agesRebanded = dryRun ? 0 : await run(runtime, caller, rebandPatrons, { libraryId, asOf: asOf.toISOString() });
  // The register holds every series the profile declares (a changed profile changes it here too).
  if (!dryRun) await run(runtime, caller, syncProfileSeries, { libraryId });
  // The policy's version history holds the version this run applies (RR-10).
  if (!dryRun) await run(runtime, caller, recordProfileVersion, { profileId: profile.id });
  const sessionsEnded = dryRun ? 0 : await run(runtime, caller, endStaleSessions, { libraryId, asOf: asOf.toISOString() });
  // Statistics: every service that has ended by now is counted, once, before any record is disposed of;
  // the run then records how far services are counted (statistics answer only months before that).
  let servicesCounted = 0;
  if (runId !== null)
    for (let done = false; !done; ) {
      const page = await run(runtime, caller, countEndedServices, { runId, libraryId, asOf: asOf.toISOString(), limit: 1000 });
      servicesCounted += page.counted;
      done = page.done;
      await yieldToRequests();
    }

  for (const status of ['returned', 'lost'] as const) await walk('circulation', (cursor, limit) => run(runtime, caller, retainLoanPage, { ...base, limit, cursor, status }));
  // Fines, holds and service records, by the category table: each status or kind a walk of its own.
  for (const category of ENDED_CATEGORIES)
    for (const value of ENDED_RECORD_CATEGORIES[category].values) await walk(category, (cursor, limit) => run(runtime, caller, retainPage, { ...base, limit, cursor, category, value }));
  // The vendors patrons signed in to (issue 19), the profile's months after each one's last use.
  await walk('vendor-authorisations', (cursor, limit) => run(runtime, caller, retainVendorAuthorisationPage, { ...base, limit, cursor }));

  for (const deceased of [false, true]) {
    const category = deceased ? 'deceased-patrons' : 'inactive-patrons';
    const sweep = await run(runtime, caller, patronSweep, { libraryId, category, asOf: asOf.toISOString() });
    if (!sweep.due) {
      results.set(category, { category, ...describeRule(profile, category), disposed: 0, kept: 0, held: 0, skipped: { reason: 'sweep-not-due', nextSweepAfter: sweep.nextSweepAfter } });
      continue;
    }
    // One patron per transaction: a purge shreds the patron's key in the key store, which no database
    // transaction can roll back, so the shred must be the last step of a transaction that cannot fail
    // afterwards for another patron's sake.
    await walk(category, (cursor) => run(runtime, caller, retainPatronPage, { ...base, limit: 1, cursor, deceased }));
  }

  // The access log last: the pages above wrote entries of their own, which start their own months.
  await walk('access-log', (cursor, limit) => run(runtime, caller, retainAccessLogPage, { ...base, limit, cursor }));

  const externalRecordsDue = (await run(runtime, caller, dueForDisposal, { libraryId })).map((s) => ({
    code: s.code,
    name: s.name,
    retentionDays: s.retentionDays,
    clause: s.clause,
    dueThrough: s.due.dueThrough,
    overdueSince: s.due.overdueSince,
  }));
  if (runId !== null) await run(runtime, caller, finishRetentionRun, { runId });
  return {
    libraryId,
    profileId: profile.id,
    profileVersion: profile.version,
    runId,
    resumedFrom: claimed.resumedFrom,
    agesRebanded,
    sessionsEnded,
    servicesCounted,
    categories: [...results.values()],
    externalRecordsDue,
  };
}
