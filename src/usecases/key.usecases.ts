import { requirePermission } from './authorization.js';
import type { Context } from './context.js';

/** What wraps what in the vault: the current key-encryption key, the key ring, data keys per KEK. */
export interface KeyStatus {
  current: string;
  keyRing: string[];
  dataKeys: { total: number; byKek: Record<string, number>; notUnderCurrent: number };
}

/**
 * Which key-encryption keys wrap how many data keys (running the system: no patron's data, only
 * counts per key).
 */
export async function keyStatus(ctx: Context, _input: void): Promise<KeyStatus> {
  requirePermission(ctx, 'library.administer');
  return { current: ctx.vault.keyring.current, keyRing: ctx.vault.keyring.ids, dataKeys: await ctx.vault.keyCounts() };
}

/**
 * Destroys the data keys of deleted patrons whose key-store retention has passed, and counts those the
 * vault already destroyed when it was opened: after this nothing can bring their records back.
 */
export async function purgeShreddedKeys(ctx: Context, _input: void): Promise<{ destroyed: number }> {
  requirePermission(ctx, 'library.administer');
  return { destroyed: ctx.vault.destroyedOnOpen + (await ctx.vault.destroyExpired(ctx.now)) };
}

/**
 * The scheduler's hourly key purge: destroys the data keys whose key-store retention has passed by now
 * (what the vault destroyed when it was opened was counted then, not again every hour).
 */
export async function destroyExpiredKeys(ctx: Context, _input: void): Promise<{ destroyed: number }> {
  requirePermission(ctx, 'library.administer');
  return { destroyed: await ctx.vault.destroyExpired(ctx.now) };
}
