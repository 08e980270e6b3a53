/**
 * A forgotten PIN, reset by email (issue 18): the patron gives their card number and, when the card is in
 * use and has an email address on file, is sent a link that sets a new PIN; otherwise they reset it at the
 * desk. The answer to the request is the same whatever the card (unknown, no email, stopped), so the page
 * tells no one whether a card exists or has an email.
 *
 * The link's token is single-use without a table: it seals the patron's id, its expiry and a fingerprint
 * of the PIN hash it was issued against, under the vault's own `pin-reset` key. Setting a PIN (by this
 * link, the portal or the desk) changes the hash, and every link issued before stops working.
 */
import { createHash } from 'node:crypto';
import { ErrorCode, refuse, type DomainError } from '../domain/errors.js';
import { PIN_RESET_MINUTES } from '../domain/notices.js';
import type { Actor } from '../policy/actors.js';
import { clearLoginFailures } from '../storage/login-failure.repository.js';
import { findPatronById, findPatronCredentials, findPinHash, replacePinHash } from '../storage/patron.repository.js';
import { open as openSealed, seal } from '../vault/cipher.js';
import { hashSecret } from '../vault/secrets.js';
import { recordAccess, type Context } from './context.js';
import { queuePinReset } from './notice.usecases.js';
import { PIN } from './self-service.usecases.js';
import { cardOpensAccount, endSessionsOf } from './session.usecases.js';

const PIN_RESET_CONTEXT = 'carrel:pin-reset:v1';

/** What a token seals: the patron, until when, and which PIN hash it may replace. */
interface ResetClaim {
  patronId: string;
  expiresAt: string;
  pin: string;
}

/** A PIN hash's fingerprint: enough to tell it changed, nothing to guess the PIN from (it is argon2id's output). */
function pinFingerprint(pinHash: string): string {
  return createHash('sha256').update('carrel-pin-reset\u0000').update(pinHash).digest('hex').slice(0, 16);
}

function invalidLink(): DomainError {
  return refuse(ErrorCode.PIN_RESET_TOKEN_INVALID, 'This link to reset a PIN is not valid: it is cut short, already used or more than 30 minutes old. Ask for a new one, or at the desk.', 'token');
}

/**
 * Asks for a link to reset the PIN of a card. When the card is in use and its patron has an email address,
 * one email notice is queued with the link (it goes out with the next sending of notices, within the
 * scheduler's tick); whatever the card, the answer is the same empty one and nothing says which it was.
 */
export async function requestPinReset(ctx: Context, input: { cardNumber: string }): Promise<Record<string, never>> {
  const found = await findPatronCredentials(ctx.trx, ctx.vault.blind('card', input.cardNumber));
  // A card reported lost opens nothing, a reset link least of all: whoever found it would get the account.
  if (!found || !cardOpensAccount(found.patron.status)) return {};
  const patron = found.patron;
  const claim: ResetClaim = {
    patronId: patron.id,
    expiresAt: new Date(ctx.now.getTime() + PIN_RESET_MINUTES * 60_000).toISOString(),
    pin: pinFingerprint(found.pinHash),
  };
  const token = seal(await ctx.vault.namedKey('pin-reset', ctx.now), PIN_RESET_CONTEXT, JSON.stringify(claim));
  const actor: Actor = { kind: 'patron', id: patron.id, libraryId: patron.libraryId };
  // Recorded whether or not an email could be sent: the patron sees in their access log that someone asked.
  const queued = await queuePinReset(ctx, patron, token);
  await recordAccess({ ...ctx, actor, purpose: 'self-service' }, patron, queued ? 'pin-reset-requested' : 'pin-reset-requested:no-email', ['registration']);
  return {};
}

/**
 * Sets a new PIN with the token of a reset link: checked as a PIN change is, then every session of the
 * patron ends (whoever was logged in with the old PIN is out) and the card's failed log-ins are forgiven.
 * A token that does not open, is past its time, or was issued against a PIN since changed is refused and
 * changes nothing. The patron logs in afterwards with the new PIN.
 */
export async function resetPinWithLink(ctx: Context, input: { token: string; pin: string }): Promise<void> {
  if (typeof input.token !== 'string' || input.token.length > 1024) throw invalidLink();
  let claim: ResetClaim;
  try {
    claim = JSON.parse(openSealed(await ctx.vault.namedKey('pin-reset', ctx.now), PIN_RESET_CONTEXT, input.token).toString('utf8')) as ResetClaim;
  } catch {
    throw invalidLink();
  }
  if (!(Date.parse(claim.expiresAt) > ctx.now.getTime())) throw invalidLink();
  const stored = await findPatronById(ctx.trx, claim.patronId);
  const pinHash = stored && (await findPinHash(ctx.trx, stored.id));
  if (!stored || !pinHash || !cardOpensAccount(stored.status) || pinFingerprint(pinHash) !== claim.pin) throw invalidLink();
  // The PIN is checked after the link: a bad link says nothing about the PIN rules, and a good one is not spent.
  if (!PIN.test(input.pin)) throw refuse(ErrorCode.VALIDATION_FAILED, 'A PIN is 4 to 12 digits.', 'pin');
  if (!(await replacePinHash(ctx.trx, stored.id, pinHash, await hashSecret(input.pin), ctx.now.toISOString()))) throw invalidLink();
  await clearLoginFailures(ctx.trx, stored.cardHash);
  await endSessionsOf(ctx, 'patron', stored.id);
  const actor: Actor = { kind: 'patron', id: stored.id, libraryId: stored.libraryId };
  await recordAccess({ ...ctx, actor, purpose: 'self-service' }, stored, 'pin-reset', ['registration']);
}
