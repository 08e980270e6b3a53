import type { DeskLoad } from '../domain/desk-load.js';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../domain/clock.js';
import { DomainError, ErrorCode, refuse } from '../domain/errors.js';
import type { Actor, Channel, Purpose } from '../policy/actors.js';
import type { AccessEntry } from '../storage/access-log.repository.js';
import { engineOf, truncateWal, type Db } from '../storage/database.js';
import { isBusy, isUnavailable } from '../storage/errors.js';
import type { Schema } from '../storage/schema.js';
import type { Vault } from '../vault/vault.js';
import { appendChained } from './access-chain.js';
import { configScope, type ConfigScope } from './library-config-cache.js';

/** What every use case receives: who, why, through which door, when, and the open transaction. */
export interface Context {
  actor: Actor;
  purpose: Purpose;
  channel: Channel;
  clock: Clock;
  /** The instant the use case runs at, read once so every row it writes agrees. */
  now: Date;
  /**
   * Real time, for what processes agree on between themselves (a retention run's lease), never for a
   * record's dates: `now` may be an operator's `--as-of`, which stands still.
   */
  wallNow: Date;
  trx: Db;
  /** Seals and opens personal fields; computes blind indexes. */
  vault: Vault;
  /**
   * The role the actor acts in, set by the authorization check (usecases/authorization.ts) to the role
   * that granted the action; the access log records it.
   */
  role?: string;
  /**
   * Access-log entries recorded by the use case, appended to their chains by `run` just before the
   * transaction commits (so a chain's head is locked only at the very end of each transaction).
   */
  pendingAccess?: AccessEntry[];
  /** How many lanes each library's access log appends to (the runtime's `accessLanes`). */
  accessLanes?: number;
  /**
   * Set by a use case that deleted personal data on purpose (a patron's deletion, reading history turned
   * off, imported PIN hashes dropped): once its transaction has committed, `run` empties SQLite's WAL, so
   * the rows' earlier page versions do not stay on disk there (`markErased`).
   */
  erased?: boolean;
  /** The configuration versions this transaction read, and the process's configurations (library-config-cache.ts). */
  config?: ConfigScope;
}

/** Says the use case deleted personal data on purpose: after its commit, the WAL is emptied (`run`). */
export function markErased(ctx: Context): void {
  ctx.erased = true;
}

/** A use case: one user intention, run inside one transaction. */
export type UseCase<I, O> = (ctx: Context, input: I) => Promise<O>;

/** What the transports hold to run use cases. */
export interface Runtime {
  db: Kysely<Schema>;
  clock: Clock;
  vault: Vault;
  /** The clock `wallNow` reads: the system's, unless a test gives its own. */
  wallClock?: Clock;
  /** Requests this process answered lately (the transports count them; retention sizes its pages by them). */
  deskLoad?: DeskLoad;
  /** How many lanes each library's access log appends to on PostgreSQL (CARREL_ACCESS_LANES; unset: 8). */
  accessLanes?: number;
}

export interface Caller {
  actor: Actor;
  purpose: Purpose;
  channel: Channel;
}

export interface RunOptions {
  /**
   * Read everything from one snapshot (PostgreSQL: repeatable read), for a use case that reads much and
   * writes nothing, such as verifying the access log while others append to it.
   */
  snapshot?: boolean;
}

/**
 * Runs a use case in its own transaction: everything it writes, including its access-log rows, commits
 * together or not at all, so a refused or failed request changes nothing. The access-log entries it
 * recorded are chained at its end, in the same transaction.
 */
export async function run<I, O>(runtime: Runtime, caller: Caller, useCase: UseCase<I, O>, input: I, options: RunOptions = {}): Promise<O> {
  const transaction = options.snapshot && engineOf(runtime.db) === 'postgres' ? runtime.db.transaction().setIsolationLevel('repeatable read') : runtime.db.transaction();
  let erased = false;
  let result: O;
  try {
    result = await transaction.execute(async (trx) => {
      const ctx: Context = { ...caller, clock: runtime.clock, now: runtime.clock.now(), wallNow: (runtime.wallClock ?? systemClock).now(), trx, vault: runtime.vault, pendingAccess: [], config: configScope(runtime.db), ...(runtime.accessLanes !== undefined ? { accessLanes: runtime.accessLanes } : {}) };
      const output = await useCase(ctx, input);
      await flushAccess(ctx);
      erased = ctx.erased === true;
      return output;
    });
  } catch (error) {
    if (isBusy(error)) throw refuse(ErrorCode.STORAGE_BUSY, 'The database is busy; try again.');
    if (isUnavailable(error)) throw databaseUnavailable();
    await keepRefusalAccess(runtime, error);
    throw error;
  }
  // One attempt: a reader in another process holding an older snapshot leaves the WAL to the next
  // checkpoint (every retention run ends with one, and reports whether it completed).
  if (erased) await truncateWal(runtime.db, { attempts: 1 });
  return result;
}

/** Access-log entries a refusal carries (see `refusalFromRecord`), until `run` writes them. */
const refusalAccess = new WeakMap<DomainError, AccessEntry[]>();

/**
 * A refusal whose answer is read from a patron's record (NOTHING_OWED tells the desk the patron owes
 * nothing; GUARDIAN_NOT_ADULT that the card's holder is a minor): the answer is a read of the record,
 * so it is logged on it like any other, although the use case's writes are rolled back. `run` writes
 * the entry in a transaction of its own once the refused one has rolled back; a refusal that says
 * nothing about anyone (a malformed amount) carries none.
 */
export function refusalFromRecord(ctx: Context, patron: { id: string; libraryId: string }, action: string, categories: readonly RecordCategory[], error: DomainError): DomainError {
  refusalAccess.set(error, [...(refusalAccess.get(error) ?? []), accessEntry(ctx, patron, action, categories)]);
  return error;
}

/** Writes the access-log entries a refusal carries, after its own transaction rolled back. */
async function keepRefusalAccess(runtime: Runtime, error: unknown): Promise<void> {
  const entries = error instanceof DomainError ? refusalAccess.get(error) : undefined;
  if (!entries) return;
  // Once only, even if the refusal passes through another `run` on its way out.
  refusalAccess.delete(error as DomainError);
  try {
    await runtime.db.transaction().execute((trx) => appendChained(trx, runtime.vault, entries, lanesOf(runtime)));
  } catch (failure) {
    if (isBusy(failure)) throw refuse(ErrorCode.STORAGE_BUSY, 'The database is busy; try again.');
    if (isUnavailable(failure)) throw databaseUnavailable();
    throw failure;
  }
}

/**
 * DATABASE_UNAVAILABLE: the database could not be reached or the connection was lost (a PostgreSQL server
 * down, restarting or failing over). The use case's transaction did not commit (all of it or none: a
 * connection lost during COMMIT leaves the outcome unknown, never partial), so the caller may try again.
 */
function databaseUnavailable(): DomainError {
  return refuse(ErrorCode.DATABASE_UNAVAILABLE, 'The database cannot be reached just now; try again shortly.');
}

/**
 * What a transport makes of an error a use case let through: the engine's lost-connection errors become
 * DATABASE_UNAVAILABLE (for a read outside `run`, such as a session's look-up), anything else is
 * returned as it came.
 */
export function asDomainFailure(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  if (isUnavailable(error)) return databaseUnavailable();
  if (isBusy(error)) return refuse(ErrorCode.STORAGE_BUSY, 'The database is busy; try again.');
  return error;
}

/** The access log's lane count of a runtime or context, as `appendChained` takes it. */
function lanesOf(holder: { accessLanes?: number }): { lanes?: number } {
  return holder.accessLanes !== undefined ? { lanes: holder.accessLanes } : {};
}

/** A fresh identifier for a new row. */
export function newId(): string {
  return randomUUID();
}

/**
 * A fresh identifier that sorts by creation time (UUIDv7: 48 bits of milliseconds, then random bits),
 * for loans: retention disposes of loans in time order, and time-ordered keys keep the pages it deletes
 * together instead of scattering them over the whole primary-key index. The time in it is the loan's
 * check-out time, which the loan row holds anyway, and it goes when the loan does.
 */
export function newTimeOrderedId(at: Date): string {
  const hex = at.getTime().toString(16).padStart(12, '0').slice(-12) + randomBytes(10).toString('hex');
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The record categories of the data inventory an access touched (the names, never the data). */
export type { RecordCategory } from '../policy/inventory.js';
import type { RecordCategory } from '../policy/inventory.js';

/** The role an actor acts in when no authorization check named one. */
function defaultRole(actor: Actor): string {
  if (actor.kind === 'staff') return actor.roles[0] ?? 'staff';
  if (actor.kind === 'sip2') return actor.accountKind;
  return actor.kind; // 'patron', 'vendor' or 'system'
}

/** The library the actor belongs to (null: the system, or consortium-wide staff). */
function actorLibrary(actor: Actor): string | null {
  return actor.kind === 'system' ? null : actor.libraryId;
}

/** An access-log entry for the context's actor, role, purpose, channel and instant. */
export function accessEntry(ctx: Context, patron: { id: string; libraryId: string } | null, action: string, categories: readonly RecordCategory[]): AccessEntry {
  return {
    at: ctx.now.toISOString(),
    libraryId: patron?.libraryId ?? null,
    actorKind: ctx.actor.kind,
    actorId: ctx.actor.id,
    actorRole: ctx.role ?? defaultRole(ctx.actor),
    actorLibraryId: actorLibrary(ctx.actor),
    patronId: patron?.id ?? null,
    action,
    categories: [...categories],
    purpose: ctx.purpose,
    channel: ctx.channel,
  };
}

/**
 * Records a read or change of a patron's records. The entry is written to the access log, in the use
 * case's transaction, when the use case ends (`run`): a use case that fails or is refused leaves none.
 */
export async function recordAccess(
  ctx: Context,
  patron: { id: string; libraryId: string },
  action: string,
  categories: readonly RecordCategory[],
): Promise<void> {
  const entry = accessEntry(ctx, patron, action, categories);
  // A context not made by `run` has no buffer: its entry is chained at once, in its transaction.
  if (ctx.pendingAccess) ctx.pendingAccess.push(entry);
  else await appendChained(ctx.trx, ctx.vault, [entry], lanesOf(ctx));
}

/**
 * Records a change to the library's own configuration or staff (a branch, a closed day, a loan rule, a
 * staff account, a block overridden): who made it, when, and what, in the library's chain of the access
 * log (`libraryId` null: the consortium-wide chain). `action` names the change and its subject by id or
 * code (`branch-add:north`, `staff-disable:<account id>`), never a person's name or a card number.
 */
export async function recordLibraryChange(ctx: Context, libraryId: string | null, action: string): Promise<void> {
  const entry = { ...accessEntry(ctx, null, action, []), libraryId };
  if (ctx.pendingAccess) ctx.pendingAccess.push(entry);
  else await appendChained(ctx.trx, ctx.vault, [entry], lanesOf(ctx));
}

/** Appends the entries a use case recorded to their chains (called by `run` just before commit). */
export async function flushAccess(ctx: Context): Promise<void> {
  const entries = ctx.pendingAccess;
  if (!entries || entries.length === 0) return;
  ctx.pendingAccess = [];
  await appendChained(ctx.trx, ctx.vault, entries, lanesOf(ctx));
}
