/**
 * A handle that stands in for the card of a patron identified at the desk by photo ID (IF-5, issue 22):
 * the desk lends, takes payments and places holds with it wherever a card number is taken, for the staff
 * account that identified the patron and for IDENTIFICATION_MINUTES, and never learns the card number.
 * Only the handle's SHA-256 is stored.
 */
import { randomBytes } from 'node:crypto';
import { IDENTIFY_WINDOW_MAX_MINUTES } from '../domain/library-config.rules.js';
import { deleteIdentifyFailuresOf, findDeskIdentification, insertDeskIdentification, pruneDeskIdentifications, pruneIdentifyFailures } from '../storage/identify.repository.js';
import { tokenHash } from '../vault/secrets.js';
import type { Context } from './context.js';

/** How long an identification stands in for the card: one visit at the desk. */
export const IDENTIFICATION_MINUTES = 30;

/** `ID-` and 96 random bits in hex: shaped like a card number, so every route that takes a card takes it. */
const HANDLE = /^ID-[0-9A-F]{24}$/;

/** Whether a value presented as a card number is a desk handle's shape. */
export function isDeskHandle(value: string): boolean {
  return HANDLE.test(value);
}

/** Issues a handle for a patron just identified by the staff member acting. */
export async function issueDeskHandle(ctx: Context, patronId: string): Promise<{ handle: string; expiresAt: string }> {
  if (ctx.actor.kind !== 'staff') throw new Error('Only staff identify a patron at the desk.');
  const handle = `ID-${randomBytes(12).toString('hex').toUpperCase()}`;
  const expiresAt = new Date(ctx.now.getTime() + IDENTIFICATION_MINUTES * 60_000).toISOString();
  await pruneDeskIdentifications(ctx.trx, ctx.now.toISOString());
  await insertDeskIdentification(ctx.trx, { handleHash: tokenHash(handle), patronId, staffId: ctx.actor.id, expiresAt });
  return { handle, expiresAt };
}

/** The patron a handle stands for: only for the staff account that was given it, and only until it expires. */
export async function patronIdOfHandle(ctx: Context, handle: string): Promise<string | undefined> {
  if (ctx.actor.kind !== 'staff' || !isDeskHandle(handle)) return undefined;
  return findDeskIdentification(ctx.trx, tokenHash(handle), ctx.actor.id, ctx.now.toISOString());
}

/** The keyed hash the refused identifications of a patron are counted under (never the patron's id itself). */
export function patronIdentifySubject(ctx: Context, patronId: string): string {
  return ctx.vault.blind('identity', `identify-patron:${patronId}`);
}

/** A patron's refused identifications go with their record. */
export async function forgetIdentifyFailuresOf(ctx: Context, patronId: string): Promise<void> {
  await deleteIdentifyFailuresOf(ctx.trx, patronIdentifySubject(ctx, patronId));
}

/**
 * The retention run's sweep (nightly): refused identifications older than any window a library may set,
 * and expired handles, leave even when no identification comes to prune them.
 */
export async function sweepIdentifications(ctx: Context, _input: Record<string, never>): Promise<void> {
  await pruneIdentifyFailures(ctx.trx, new Date(ctx.now.getTime() - IDENTIFY_WINDOW_MAX_MINUTES * 60_000).toISOString());
  await pruneDeskIdentifications(ctx.trx, ctx.now.toISOString());
}
