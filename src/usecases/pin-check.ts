import { isLegacyScheme } from '../domain/pin-schemes.js';
import { setPinHash, type StoredPin } from '../storage/patron.repository.js';
import { verifyLegacyPin } from '../vault/legacy-pins.js';
import { hashSecret, verifyDecoy, verifySecret } from '../vault/secrets.js';
import type { Context } from './context.js';

/**
 * Whether a PIN matches a patron's stored hash, whatever its scheme. An imported hash (bcrypt, MD5) is
 * checked by its own scheme and an argon2id decoy is verified too, so a card with a fast old hash takes
 * as long to refuse as any other and the time of an answer says nothing about the record. No hash
 * ('none'): refused, after the same decoy work.
 */
export async function pinMatches(pin: StoredPin, attempt: string): Promise<boolean> {
  if (pin.scheme === 'argon2id') return verifySecret(pin.hash, attempt);
  if (!isLegacyScheme(pin.scheme)) return verifyDecoy(attempt);
  const matched = await verifyLegacyPin(pin.scheme, pin.hash, attempt);
  await verifyDecoy(attempt);
  return matched;
}

/**
 * After a PIN matched: an imported hash is replaced by an argon2id hash of the PIN just typed, in the
 * log-in's transaction (issue 21). The old scheme's hash is gone from the row at once.
 */
export async function upgradePin(ctx: Context, patronId: string, pin: StoredPin, attempt: string): Promise<boolean> {
  if (pin.scheme === 'argon2id') return false;
  await setPinHash(ctx.trx, patronId, await hashSecret(attempt), ctx.now.toISOString());
  return true;
}
