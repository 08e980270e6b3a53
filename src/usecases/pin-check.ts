import { isLegacyScheme } from '../domain/pin-schemes.js';
import { holdsBcryptPins, replacePinHash, type StoredPin } from '../storage/patron.repository.js';
import { verifyBcryptDecoy, verifyLegacyPin } from '../vault/legacy-pins.js';
import { hashSecret, verifyDecoy, verifySecret } from '../vault/secrets.js';
import type { Context } from './context.js';

/** Whether the database holds bcrypt PIN hashes (an import's, until first log-ins or the library's days), re-read each minute. */
let bcryptPins: { until: number; present: boolean } | undefined;
async function bcryptPinsPresent(ctx: Pick<Context, 'trx' | 'now'>): Promise<boolean> {
  if (!bcryptPins || bcryptPins.until <= ctx.now.getTime()) bcryptPins = { until: ctx.now.getTime() + 60_000, present: await holdsBcryptPins(ctx.trx) };
  return bcryptPins.present;
}

/**
 * Whether a PIN matches a patron's stored hash, whatever its scheme, with the same work on every path so
 * the time of an answer says nothing about the card (known or not, its PIN imported or not): an argon2id
 * verification always (the hash's own, or a decoy's), and, while any imported bcrypt hash remains, a
 * bcrypt comparison always (the hash's own, or a decoy's). No hash ('none'): refused after the same work.
 */
export async function pinMatches(ctx: Pick<Context, 'trx' | 'now'>, pin: StoredPin | undefined, attempt: string): Promise<boolean> {
  const bcryptScheme = pin?.scheme === 'bcrypt' || pin?.scheme === 'evergreen';
  let matched: boolean;
  if (pin === undefined || pin.scheme === 'none' || pin.hash === '') matched = await verifyDecoy(attempt);
  else if (pin.scheme === 'argon2id') matched = await verifySecret(pin.hash, attempt);
  else if (isLegacyScheme(pin.scheme)) {
    matched = await verifyLegacyPin(pin.scheme, pin.hash, attempt);
    // The MD5 schemes are kept wrapped in argon2id (their check is one); bcrypt's is not.
    if (bcryptScheme) await verifyDecoy(attempt);
  } else matched = await verifyDecoy(attempt);
  if (!bcryptScheme && (await bcryptPinsPresent(ctx))) await verifyBcryptDecoy(attempt);
  return matched;
}

/**
 * After a PIN matched: an imported hash is replaced by an argon2id hash of the PIN just typed, in the
 * log-in's transaction (issue 21), only if it is still the hash that matched (a PIN reset at the desk
 * meanwhile wins). The old scheme's hash is gone from the row at once.
 */
export async function upgradePin(ctx: Context, patronId: string, pin: StoredPin, attempt: string): Promise<boolean> {
  if (pin.scheme === 'argon2id') return false;
  return replacePinHash(ctx.trx, patronId, pin.hash, await hashSecret(attempt), ctx.now.toISOString());
}
