import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../domain/clock.js';
import { ErrorCode, refuse } from '../domain/errors.js';
import type { Actor, Channel, Purpose } from '../policy/actors.js';
import { appendAccess } from '../storage/access-log.repository.js';
import type { Db } from '../storage/database.js';
import { isBusy } from '../storage/errors.js';
import type { Schema } from '../storage/schema.js';
import type { Vault } from '../vault/vault.js';

/** What every use case receives: who, why, through which door, when, and the open transaction. */
export interface Context {
  actor: Actor;
  purpose: Purpose;
  channel: Channel;
  clock: Clock;
  /** The instant the use case runs at, read once so every row it writes agrees. */
  now: Date;
  trx: Db;
  /** Seals and opens personal fields; computes blind indexes. */
  vault: Vault;
  /**
   * The role the actor acts in, set by the authorization check (usecases/authorization.ts) to the role
   * that granted the action; the access log records it.
   */
  role?: string;
}

/** A use case: one user intention, run inside one transaction. */
export type UseCase<I, O> = (ctx: Context, input: I) => Promise<O>;

/** What the transports hold to run use cases. */
export interface Runtime {
  db: Kysely<Schema>;
  clock: Clock;
  vault: Vault;
}

export interface Caller {
  actor: Actor;
  purpose: Purpose;
  channel: Channel;
}

/**
 * Runs a use case in its own transaction: everything it writes, including its access-log rows, commits
 * together or not at all, so a refused or failed request changes nothing.
 */
export async function run<I, O>(runtime: Runtime, caller: Caller, useCase: UseCase<I, O>, input: I): Promise<O> {
  try {
    return await runtime.db.transaction().execute((trx) => useCase({ ...caller, clock: runtime.clock, now: runtime.clock.now(), trx, vault: runtime.vault }, input));
  } catch (error) {
    if (isBusy(error)) throw refuse(ErrorCode.STORAGE_BUSY, 'The database is busy; try again.');
    throw error;
  }
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

/** Writes the access-log row for a read or change of a patron's records, in the use case's transaction. */
export async function recordAccess(
  ctx: Context,
  patron: { id: string; libraryId: string },
  action: string,
  categories: readonly RecordCategory[],
): Promise<void> {
  await appendAccess(ctx.trx, {
    at: ctx.now.toISOString(),
    libraryId: patron.libraryId,
    actorKind: ctx.actor.kind,
    actorId: ctx.actor.id,
    patronId: patron.id,
    action,
    categories: [...categories],
    purpose: ctx.purpose,
    channel: ctx.channel,
  });
}
