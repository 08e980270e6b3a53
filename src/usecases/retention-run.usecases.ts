/**
 * A retention run's own life, as use cases the retention job calls between its pages: which libraries it
 * covers, what a library's run applies, claiming the run (taking over one that was killed), whether an
 * annual sweep is due, and finishing the run. Each is one short transaction; the pages themselves are in
 * retention.usecases.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ErrorCode, refuse } from '../domain/errors.js';
import type { Profile } from '../policy/profile.schema.js';
import { sweepDecision, type SweepDecision } from '../policy/retention.policy.js';
import { engineOf, passiveCheckpoint, pauseAutoCheckpoint, truncateWal, type Engine } from '../storage/database.js';
import { isUniqueViolation } from '../storage/errors.js';
import { listLibraries } from '../storage/library.repository.js';
import * as retention from '../storage/retention.repository.js';
import type { Context, Runtime } from './context.js';
import { libraryAndProfile } from './retention.usecases.js';

/**
 * How long a run's lease lasts without renewal, by the wall clock: a run on another host (whose process
 * cannot be looked for from here) that renewed nothing for this long is taken to have been killed. Every
 * page renews it.
 */
export const LEASE_MS = 10 * 60_000;
/** Runs from before migration 0025 (no owner): a heartbeat this far from the run's clock was killed. */
const STALE_AFTER_MS = 10 * 60_000;

/** This process, as a run's owner: the host, the process id and a random tag (no person). */
export function runOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * Whether a running run's owner still holds it. On this host, an owner process that no longer runs
 * (killed, crashed) holds nothing: taken over at once. Otherwise the lease holds while it was renewed
 * within LEASE_MS of the wall clock (never the run's `--as-of`, which a rerun shares); a released lease
 * (null) holds nothing. A run from before 0025 keeps the old rule, on the run's clock.
 */
function stillHeld(run: retention.RetentionRun, now: Date, wallNow: Date): boolean {
  if (run.owner === null || run.owner === undefined) return Math.abs(now.getTime() - Date.parse(run.heartbeatAt)) < STALE_AFTER_MS;
  if (ownerIsGone(run.owner)) return false;
  if (run.renewedAt === null || run.renewedAt === undefined) return false;
  return Math.abs(wallNow.getTime() - Date.parse(run.renewedAt)) < LEASE_MS;
}

/** An owner on this host whose process no longer runs (a pid on another host cannot be looked for). */
function ownerIsGone(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'EPERM'; // EPERM: it runs, under another user
  }
}

/** The libraries a run covers: the one asked for (checked when its run begins), or every library. */
export async function librariesToRetain(ctx: Context, input: { libraryId?: string }): Promise<string[]> {
  if (input.libraryId !== undefined) return [input.libraryId];
  return (await listLibraries(ctx.trx)).map((library) => library.id);
}

/**
 * What one library's run applies: the library's profile (its rules, clauses and version go on every
 * receipt), and the engine, which the job sizes its pages to. LIBRARY_NOT_FOUND for an unknown library.
 */
export async function retentionSetup(ctx: Context, input: { libraryId: string }): Promise<{ profile: Profile; engine: Engine }> {
  const { profile } = await libraryAndProfile(ctx, input.libraryId);
  return { profile, engine: engineOf(ctx.trx) };
}

/**
 * Claims a library's run: one run per library at a time. A run still marked running whose owner still
 * holds it (`stillHeld`) refuses the claim (RETENTION_RUN_IN_PROGRESS); one whose owner is gone (killed
 * on this host, its lease run out by the wall clock, or released) is marked `interrupted` (its receipt
 * counts what it did), and this run takes over from it.
 */
export async function claimRetentionRun(
  ctx: Context,
  input: { libraryId: string; profile: Pick<Profile, 'id' | 'version'>; asOf: string; owner: string },
): Promise<{ runId: string; resumedFrom: string | null }> {
  const now = ctx.now.toISOString();
  const running = await retention.runningRun(ctx.trx, input.libraryId);
  let resumedFrom: string | null = null;
  if (running) {
    if (stillHeld(running, ctx.now, ctx.wallNow)) throw refuse(ErrorCode.RETENTION_RUN_IN_PROGRESS, 'A retention run for this library is in progress.', 'libraryId');
    await retention.setRunStatus(ctx.trx, running.id, 'interrupted', now);
    resumedFrom = running.id;
  }
  const runId = randomUUID();
  try {
    await retention.insertRun(ctx.trx, {
      id: runId,
      libraryId: input.libraryId,
      profileId: input.profile.id,
      profileVersion: input.profile.version,
      asOf: input.asOf,
      startedAt: now,
      heartbeatAt: now,
      finishedAt: null,
      status: 'running',
      owner: input.owner,
      renewedAt: ctx.wallNow.toISOString(),
    });
  } catch (error) {
    // Another run claimed the library between the read above and this insert (one running run per library).
    if (isUniqueViolation(error)) throw refuse(ErrorCode.RETENTION_RUN_IN_PROGRESS, 'A retention run for this library is in progress.', 'libraryId');
    throw error;
  }
  return { runId, resumedFrom };
}

/**
 * Gives up a run's lease: its owner stopped between pages (stopped, or failed), and leaves the run to
 * the next one, which takes it over at once rather than after the lease. Nothing for a run no longer
 * running (another run took it over).
 */
export async function releaseRetentionRun(ctx: Context, input: { runId: string }): Promise<void> {
  await retention.releaseRun(ctx.trx, input.runId);
}

/**
 * Whether a patron sweep runs in this run (CB-F3: annually, or at every run, as the profile says),
 * from the library's last finished sweep of that category; when not, when it next does.
 */
export async function patronSweep(ctx: Context, input: { libraryId: string; category: 'inactive-patrons' | 'deceased-patrons'; asOf: string }): Promise<SweepDecision> {
  const { profile } = await libraryAndProfile(ctx, input.libraryId);
  const rule = input.category === 'deceased-patrons' ? profile.retention.deceasedPatrons : profile.retention.inactivePatrons;
  const last = await retention.lastSweep(ctx.trx, input.libraryId, input.category);
  return sweepDecision(rule.sweep, last, new Date(input.asOf));
}

/**
 * After a run's pages (not a use case: a checkpoint cannot run inside a transaction): on SQLite, every
 * page the run changed goes from the WAL into the database file, where `secure_delete` has overwritten
 * the deleted rows, and the WAL is truncated, so no earlier version of a disposed record stays in it.
 * `busy` when a reader in another process kept an older snapshot through every attempt; undefined on
 * PostgreSQL.
 */
export async function emptyWal(runtime: Runtime): Promise<'truncated' | 'busy' | undefined> {
  return truncateWal(runtime.db);
}

/**
 * Between two pages of a run: on SQLite, a passive checkpoint of what the pages committed (never waits
 * for a reader or a writer; the desk's commits then seldom pay for an automatic one). Nothing on PostgreSQL.
 */
export async function checkpointBetweenPages(runtime: Runtime): Promise<void> {
  await passiveCheckpoint(runtime.db);
}

/**
 * For the length of a run, on SQLite: no automatic checkpoints on this process's connection; the run
 * checkpoints between pages itself (`checkpointBetweenPages`) and empties the WAL at its end. Answers
 * how to give them back. Nothing on PostgreSQL.
 */
export async function pauseAutomaticCheckpoints(runtime: Runtime): Promise<() => Promise<void>> {
  return pauseAutoCheckpoint(runtime.db);
}

/**
 * Marks a run finished. A run another one took over (its heartbeat had gone stale) is no longer running:
 * it is refused (RETENTION_RUN_IN_PROGRESS), and the run that took over finishes the job.
 */
export async function finishRetentionRun(ctx: Context, input: { runId: string }): Promise<void> {
  if (!(await retention.setRunStatus(ctx.trx, input.runId, 'finished', ctx.now.toISOString())))
    throw refuse(ErrorCode.RETENTION_RUN_IN_PROGRESS, 'This retention run was taken over by another before it finished.');
}
