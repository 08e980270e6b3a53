import { DomainError, ErrorCode, refuse } from '../domain/errors.js';
import type { Actor } from '../policy/actors.js';
import type { Profile } from '../policy/profile.schema.js';
import { DEFAULT_PROFILE, profiles } from '../profile/profiles.js';
import { findLibrary } from '../storage/library.repository.js';
import { clearLoginFailures, latestLoginFailures, lockCardAttempts, pruneLoginFailures, recordLoginFailure } from '../storage/login-failure.repository.js';
import { findPatronCredentials, touchActivity, type StoredPatron } from '../storage/patron.repository.js';
import { pinMatches, upgradePin } from './pin-check.js';
import { newId, recordAccess, run, type Caller, type Context, type Runtime, type UseCase } from './context.js';
import { cardOpensAccount, openSession } from './session.usecases.js';

/**
 * The outcome of a use case whose refusal must still leave a trace: a failed log-in is counted towards
 * the card's lockout, and a refusal thrown inside a use case would roll that count back with everything
 * else. Such a use case returns its refusal instead; `runAttempt` commits, then throws it.
 */
export type Attempt<O> = { ok: true; value: O } | { ok: false; refusal: DomainError };

/** Runs an attempt in its own transaction (which commits either way) and throws its refusal after. */
export async function runAttempt<I, O>(runtime: Runtime, caller: Caller, useCase: UseCase<I, Attempt<O>>, input: I): Promise<O> {
  const outcome = await run(runtime, caller, useCase, input);
  if (!outcome.ok) throw outcome.refusal;
  return outcome.value;
}

/** The one answer for every failed card log-in: unknown card, wrong PIN, locked, lost, deceased. */
export function invalidCard(): DomainError {
  return refuse(ErrorCode.INVALID_CREDENTIALS, 'The card number or PIN is wrong.');
}

/**
 * The lockout rule for a card: its library's profile (JC-IVa, `access.patronLogin`). A card nobody holds
 * has no library; the default profile's rule counts its failures, so an unknown card is treated like a
 * known one and the answers cannot tell them apart.
 */
export async function loginRuleFor(ctx: Context, libraryId: string | undefined): Promise<Profile['access']['patronLogin']> {
  const library = libraryId === undefined ? undefined : await findLibrary(ctx.trx, libraryId);
  return profiles().get(library?.profileId ?? DEFAULT_PROFILE).access.patronLogin;
}

/** The instant before which failures no longer count under a rule. */
export function windowStart(ctx: Context, rule: { windowMinutes: number }): string {
  return new Date(ctx.now.getTime() - rule.windowMinutes * 60_000).toISOString();
}

/**
 * Until when a card is locked, or null (JC-IVa, issue 22): `maxFailures` failures within one window lock
 * it for one window from the last of them. Failures while it is locked are not counted (see
 * `countFailure`), so nobody who knows the number keeps a card locked by failing on it: the lock ends on
 * time, and the count starts again from nothing (a failure from before the lock no longer makes up a
 * set of `maxFailures` within one window with the new ones).
 */
export async function cardLockedUntil(ctx: Pick<Context, 'trx' | 'now'>, cardHash: string, rule: { maxFailures: number; windowMinutes: number }): Promise<Date | null> {
  const windowMs = rule.windowMinutes * 60_000;
  // A lock still running began within the last window; the failures that made it, within the one before.
  const since = new Date(ctx.now.getTime() - 2 * windowMs).toISOString();
  const latest = (await latestLoginFailures(ctx.trx, cardHash, since, rule.maxFailures)).map((at) => new Date(at).getTime());
  const newest = latest[0];
  const oldest = latest[rule.maxFailures - 1];
  if (newest === undefined || oldest === undefined || newest - oldest >= windowMs) return null;
  const until = newest + windowMs;
  return until > ctx.now.getTime() ? new Date(until) : null;
}

/**
 * Records one failure of a card, unless the card is locked (a failure then changes nothing: the lock
 * runs its window and no longer), and sweeps every card's failures older than twice the longest window
 * any loaded profile uses (a running lock reads back that far): they no longer count, and a card tried
 * once and never again would keep its row.
 */
export async function countFailure(ctx: Context, cardHash: string, lockedUntil: Date | null = null): Promise<void> {
  if (lockedUntil !== null) return;
  await recordLoginFailure(ctx.trx, { id: newId(), cardHash, at: ctx.now.toISOString() });
  const longest = Math.max(...profiles().all().map((p) => p.access.patronLogin.windowMinutes));
  await pruneLoginFailures(ctx.trx, windowStart(ctx, { windowMinutes: 2 * longest }));
}

/**
 * Checks a card and its PIN under the lockout of the card's library (JC-IVa, `access.patron_login`), for
 * every door a patron proves themselves at with card and PIN (the portal, a vendor's sign-in). The card's
 * attempts are serialised; the PIN is verified even when the card is unknown (against a decoy), locked,
 * stopped or not `usable` there, so every path does the same work; every refusal is counted against the
 * card and answered undefined alike. A success clears the card's failures and answers the patron.
 */
export async function checkCardAndPin(
  ctx: Context,
  input: { cardNumber: string; pin: string; usable: (patron: StoredPatron) => boolean },
): Promise<StoredPatron | undefined> {
  return checkPinOfCard(ctx, ctx.vault.blind('card', input.cardNumber), input);
}

/**
 * `checkCardAndPin` for a card known by its blind index: the patron of an open session asked for their
 * PIN again before something that cannot be undone (issue 22, defect 8), under the same lockout.
 */
export async function checkPinOfCard(ctx: Context, cardHash: string, input: { pin: string; usable: (patron: StoredPatron) => boolean }): Promise<StoredPatron | undefined> {
  const stored = await findPatronCredentials(ctx.trx, cardHash);
  const found = stored && input.usable(stored.patron) ? stored : undefined;
  const rule = await loginRuleFor(ctx, stored?.patron.libraryId);
  await lockCardAttempts(ctx.trx, cardHash);
  const lockedUntil = await cardLockedUntil(ctx, cardHash, rule);
  const verified = await pinMatches(ctx, stored?.pin, input.pin);
  if (!found || !verified || lockedUntil !== null) {
    await countFailure(ctx, cardHash, lockedUntil);
    return undefined;
  }
  await clearLoginFailures(ctx.trx, cardHash);
  // A PIN hash imported from the old system (issue 21) is replaced by argon2id on its first use.
  await upgradePin(ctx, found.patron.id, found.pin, input.pin);
  return found.patron;
}

export interface PatronLoginInput {
  cardNumber: string;
  pin: string;
  /** A session the browser presented with the log-in: ended, so a log-in always gets a fresh token. */
  previousToken?: string | undefined;
}

export interface PatronLoggedIn {
  patron: { id: string; libraryId: string };
  token: string;
  csrfToken: string;
  expiresAt: string;
}

/**
 * Checks a card number and PIN. Every refused attempt — card unknown, PIN wrong, card locked after
 * too many failures, card reported lost, patron deceased — costs one argon2id verification (against a
 * decoy hash for an unknown card), is counted against the card's blind index, and gets the same answer.
 * An empty PIN is refused before anything is looked up. A success clears the card's failures, counts as
 * activity (CB-F3), is logged as the patron's own access, and opens a patron session.
 */
export async function attemptPatronLogin(ctx: Context, input: PatronLoginInput): Promise<Attempt<PatronLoggedIn>> {
  // Refused whatever the card: this says nothing about any card, so it needs no disguise.
  if (input.pin.length === 0) return { ok: false, refusal: invalidCard() };
  const patron = await checkCardAndPin(ctx, { cardNumber: input.cardNumber, pin: input.pin, usable: (p) => cardOpensAccount(p.status) });
  if (!patron) return { ok: false, refusal: invalidCard() };
  await touchActivity(ctx.trx, patron.id, ctx.now.toISOString());
  const actor: Actor = { kind: 'patron', id: patron.id, libraryId: patron.libraryId };
  await recordAccess({ ...ctx, actor, purpose: 'self-service' }, patron, 'login', ['registration']);
  const session = await openSession(ctx, { kind: 'patron', subjectId: patron.id, previousToken: input.previousToken });
  return { ok: true, value: { patron: { id: patron.id, libraryId: patron.libraryId }, ...session } };
}

/** The card-and-PIN log-in (JC-IVa): `attemptPatronLogin`, its failure committed, its refusal thrown. */
export async function patronLogin(runtime: Runtime, caller: Caller, input: PatronLoginInput): Promise<PatronLoggedIn> {
  return runAttempt(runtime, caller, attemptPatronLogin, input);
}
