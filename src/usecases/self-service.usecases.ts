/**
 * A patron's own account, online (CB-A8, JC-IVb): see everything held about them, export it, correct
 * it, choose their privacy settings, report their card lost, change their PIN, and ask for deletion.
 * Every use case here acts on the record of the logged-in patron, taken from `ctx.actor` and never from
 * the request, and is logged as the patron's own access (purpose 'self-service', set by the route).
 */
import { ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import type { PatronRecordDocument } from '../domain/patron-document.js';
import { accessHistoryOf } from './access-log.usecases.js';
import { noticesForPatron } from './disclosure.usecases.js';
import { noticeChoicesOf, noticesOf, setMailings, setNoticeLanguage, type OwnNotice } from './notice.usecases.js';
import { NOTICE_LANGUAGES } from '../domain/notices.js';
import { profiles } from '../profile/profiles.js';
import { findLibrary } from '../storage/library.repository.js';
import { clearLoginFailures, lockCardAttempts } from '../storage/login-failure.repository.js';
import * as patrons from '../storage/patron.repository.js';
import type { NoticeChannel, StoredPatron } from '../storage/patron.repository.js';
import { hashSecret } from '../vault/secrets.js';
import { pinMatches } from './pin-check.js';
import { recordAccess, run, type Caller, type Context, type Runtime } from './context.js';
import { cardLockedUntil, checkPinOfCard, countFailure, loginRuleFor, runAttempt, type Attempt } from './patron-auth.usecases.js';
import { shredPatron } from './patron-deletion.usecases.js';
import { openPatron } from './patron-records.js';
import { applyCorrection, markCardLost } from './patron-service.usecases.js';
import { patronDocument, privacyOf } from './patron.usecases.js';
import { setReadingHistory } from './retention.usecases.js';
import { cardOpensAccount, endSessionsOf, openSession, type OpenedSession } from './session.usecases.js';

/** The record of the patron behind the session; a session is a patron's or it reaches nothing here. */
export async function ownRecord(ctx: Context): Promise<StoredPatron> {
  if (ctx.actor.kind !== 'patron') throw refuse(ErrorCode.PERMISSION_DENIED, 'This is for a patron logged in with their card.');
  const stored = await patrons.findPatronById(ctx.trx, ctx.actor.id);
  // Deleted, or the card stopped since the session was checked: the session is over.
  if (!stored || !cardOpensAccount(stored.status)) throw refuse(ErrorCode.UNAUTHENTICATED, 'Log in first.');
  return stored;
}

/** Everything held about the patron, every category of the inventory (the export document). */
export async function myRecord(ctx: Context, _input: Record<string, never> = {}): Promise<PatronRecordDocument> {
  const stored = await ownRecord(ctx);
  // Releases of their records to an agency, once any gag has ended (JC-II): told only to the patron.
  return { ...(await patronDocument(ctx, stored, 'view')), notices: await noticesForPatron(ctx, stored.id) };
}

/** The same document, to download (CB-A8, JC-IVb); logged as an export. */
export async function exportMyRecord(ctx: Context, _input: Record<string, never> = {}): Promise<PatronRecordDocument> {
  const stored = await ownRecord(ctx);
  return { ...(await patronDocument(ctx, stored, 'export')), notices: await noticesForPatron(ctx, stored.id) };
}

/**
 * The patron corrects their name and contact details, checked as at registration. Not their birth
 * date: it proves age (a minor's guardian, RR-8) and identity at the desk (IF-5), so staff correct it
 * against a photo ID.
 */
export async function correctMyDetails(ctx: Context, input: { name?: string; address?: string | null; email?: string | null; phone?: string | null }) {
  const { name, address, email, phone } = input;
  return applyCorrection(ctx, await ownRecord(ctx), {
    ...(name !== undefined ? { name } : {}),
    ...(address !== undefined ? { address } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(phone !== undefined ? { phone } : {}),
  });
}

/** A PIN a patron chooses: 4 to 12 digits (what a keypad at a self-check kiosk can take). */
export const PIN = /^\d{4,12}$/;

/**
 * The patron changes their PIN, proving the current one. A wrong current PIN counts towards the card's
 * lockout like a failed log-in (a session left open on a shared computer is no way to guess the PIN),
 * and a locked card refuses even the right one. On success every session of the patron ends and a
 * fresh one is opened for this browser: whoever else held a session with the old PIN is out.
 */
export async function attemptPinChange(ctx: Context, input: { currentPin: string; newPin: string }): Promise<Attempt<OpenedSession>> {
  const stored = await ownRecord(ctx);
  if (!PIN.test(input.newPin)) throw refuse(ErrorCode.VALIDATION_FAILED, 'A PIN is 4 to 12 digits.', 'newPin');
  const rule = await loginRuleFor(ctx, stored.libraryId);
  await lockCardAttempts(ctx.trx, stored.cardHash);
  const lockedUntil = await cardLockedUntil(ctx, stored.cardHash, rule);
  const verified = await pinMatches(ctx, await patrons.findPin(ctx.trx, stored.id), input.currentPin);
  if (!verified || lockedUntil !== null) {
    await countFailure(ctx, stored.cardHash, lockedUntil);
    return { ok: false, refusal: refuse(ErrorCode.INVALID_CREDENTIALS, 'The current PIN is wrong.', 'currentPin') };
  }
  await patrons.setPinHash(ctx.trx, stored.id, await hashSecret(input.newPin), ctx.now.toISOString());
  await clearLoginFailures(ctx.trx, stored.cardHash);
  await endSessionsOf(ctx, 'patron', stored.id);
  await recordAccess(ctx, stored, 'pin-changed', ['registration']);
  return { ok: true, value: await openSession(ctx, { kind: 'patron', subjectId: stored.id }) };
}

/** `attemptPinChange`, its failure committed, its refusal thrown. */
export async function changeMyPin(runtime: Runtime, caller: Caller, input: { currentPin: string; newPin: string }): Promise<OpenedSession> {
  return runAttempt(runtime, caller, attemptPinChange, input);
}

/**
 * The patron behind the session proves their PIN again before something that cannot be undone (JC-IVa:
 * a session left open on a shared computer is no way to delete an account or its reading history): no
 * PIN is PIN_REQUIRED; a wrong one is INVALID_CREDENTIALS, counted towards the card's lockout exactly as
 * a failed log-in (patron-auth `checkPinOfCard`), and a locked card refuses even the right one. Run in a
 * transaction of its own (`confirmMyPin`), so a failure is counted although the action is refused.
 */
export async function attemptPinConfirmation(ctx: Context, input: { pin?: string | undefined }): Promise<Attempt<void>> {
  const stored = await ownRecord(ctx);
  if (input.pin === undefined || input.pin.length === 0)
    return { ok: false, refusal: refuse(ErrorCode.PIN_REQUIRED, 'Type your PIN again to confirm this: it cannot be undone.', 'pin') };
  const patron = await checkPinOfCard(ctx, stored.cardHash, { pin: input.pin, usable: (p) => p.id === stored.id && cardOpensAccount(p.status) });
  if (!patron) return { ok: false, refusal: refuse(ErrorCode.INVALID_CREDENTIALS, 'The PIN is wrong.', 'pin') };
  // Nothing is read here; the action that follows is logged as itself.
  return { ok: true, value: undefined };
}

/** `attemptPinConfirmation`, its failure committed, its refusal thrown: call it before the action. */
export async function confirmMyPin(runtime: Runtime, caller: Caller, input: { pin?: string | undefined }): Promise<void> {
  return runAttempt(runtime, caller, attemptPinConfirmation, input);
}

/**
 * The patron's irreversible actions ask for the PIN again first, on a shared computer's open session too
 * (JC-IVa, issue 22 defect 8): deleting the account, and turning reading history off (which deletes it).
 * The PIN is checked in a transaction of its own, so a wrong one counts towards the card's lockout
 * although the action is refused.
 */
export async function deleteMyRecordWithPin(runtime: Runtime, caller: Caller, input: { pin?: string | undefined }) {
  await confirmMyPin(runtime, caller, input);
  return run(runtime, caller, deleteMyRecord, {});
}

/** `setMyPrivacy`, the PIN asked again when the change turns reading history off (see `deleteMyRecordWithPin`). */
export async function setMyPrivacyWithPin(runtime: Runtime, caller: Caller, input: PrivacyChange & { pin?: string | undefined }) {
  const { pin, ...change } = input;
  if (change.readingHistory === false) await confirmMyPin(runtime, caller, { pin });
  return run(runtime, caller, setMyPrivacy, change);
}

/** The patron's privacy settings, and whether their library offers keeping reading history. */
async function privacyView(ctx: Context, stored: StoredPatron) {
  const library = await findLibrary(ctx.trx, stored.libraryId);
  const offered = library ? profiles().get(library.profileId).retention.readingHistory.offered : false;
  return { ...privacyOf(stored), readingHistoryOffered: offered, ...(await noticeChoicesOf(ctx, stored.id)) };
}

/** What the patron has chosen (each choice is off until they make it). */
export async function myPrivacy(ctx: Context, _input: Record<string, never> = {}) {
  const stored = await ownRecord(ctx);
  await recordAccess(ctx, stored, 'view-privacy', ['registration']);
  return privacyView(ctx, stored);
}

export interface PrivacyChange {
  /** Keep reading history (JC-IIIc); turning it off deletes it at once. */
  readingHistory?: boolean;
  /** How notices reach the patron (JC-VI): 'none' unless they ask. */
  noticeChannel?: NoticeChannel;
  /** The library's own mailing lists (RR-3); false unsubscribes (RF-8). */
  mailingLists?: boolean;
  /** Photos or recordings of the patron at library events (RR-9). */
  photoConsent?: boolean;
  /** The language of the patron's notices (null: the library's default). */
  noticeLanguage?: string | null;
  /** Policy-change mailings (RR-10); false unsubscribes (RR-3, RF-8), as the link in one does. */
  policyMailings?: boolean;
}

/**
 * The patron changes their privacy settings. Every default is the private choice, and a consent keeps
 * the instant it was given. Reading history goes through the same rule as at the desk (refused where
 * the profile does not offer it; opting out deletes it). Notices by email or text need the address or
 * number on file. All or nothing: a refused change changes no setting.
 */
export async function setMyPrivacy(ctx: Context, input: PrivacyChange) {
  let stored = await ownRecord(ctx);
  const problems: Problem[] = [];
  if (input.noticeChannel === 'email' || input.noticeChannel === 'text' || input.noticeChannel === 'both') {
    const { personal } = await openPatron(ctx, stored);
    if (input.noticeChannel !== 'text' && personal.email === null)
      problems.push({ code: ErrorCode.NOTICE_CHANNEL_UNREACHABLE, message: 'Notices by email need an email address on file; add one first.', field: 'noticeChannel' });
    if (input.noticeChannel !== 'email' && personal.phone === null)
      problems.push({ code: ErrorCode.NOTICE_CHANNEL_UNREACHABLE, message: 'Notices by text need a phone number on file; add one first.', field: 'noticeChannel' });
  }
  if (input.noticeLanguage !== undefined && input.noticeLanguage !== null && !(NOTICE_LANGUAGES as readonly string[]).includes(input.noticeLanguage))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `The language of notices is one of ${NOTICE_LANGUAGES.join(', ')}.`, field: 'noticeLanguage' });
  refuseAll(problems);

  if (input.readingHistory !== undefined && input.readingHistory !== (stored.readingHistorySince !== null))
    await setReadingHistory(ctx, { patronId: stored.id, keep: input.readingHistory });

  const at = ctx.now.toISOString();
  const consent = (wanted: boolean | undefined, since: string | null) => (wanted === undefined ? since : wanted ? (since ?? at) : null);
  const choices: patrons.PrivacyChoices = {
    noticeChannel: input.noticeChannel ?? stored.noticeChannel,
    mailingConsentSince: consent(input.mailingLists, stored.mailingConsentSince),
    photoConsentSince: consent(input.photoConsent, stored.photoConsentSince),
  };
  if (choices.noticeChannel !== stored.noticeChannel || choices.mailingConsentSince !== stored.mailingConsentSince || choices.photoConsentSince !== stored.photoConsentSince) {
    await patrons.setPrivacyChoices(ctx.trx, stored.id, choices, at);
    await recordAccess(ctx, stored, 'privacy-changed', ['registration']);
  }
  const notices = await noticeChoicesOf(ctx, stored.id);
  const languageChanged = input.noticeLanguage !== undefined && input.noticeLanguage !== notices.noticeLanguage;
  const mailingsChanged = input.policyMailings !== undefined && input.policyMailings !== notices.policyMailings;
  if (languageChanged) await setNoticeLanguage(ctx, stored.id, input.noticeLanguage ?? null);
  if (mailingsChanged) await setMailings(ctx, stored.id, input.policyMailings as boolean);
  if (languageChanged || mailingsChanged) await recordAccess(ctx, stored, 'notice-choices-changed', ['registration']);
  stored = (await patrons.findPatronById(ctx.trx, stored.id)) ?? stored;
  return privacyView(ctx, stored);
}

/** The patron reports their card lost or stolen (JC-IVa, IF-6): it stops at once, every session ends. */
export async function reportMyCardLost(ctx: Context, _input: Record<string, never> = {}) {
  await markCardLost(ctx, await ownRecord(ctx));
  return { status: 'card-lost' as const };
}

/**
 * The patron asks for their record to be deleted (CB-A8): refused with every reason while items are out
 * or money is owed; otherwise shredded, every session ended, and a receipt kept that says the patron
 * asked. The answer is the receipt, the last thing Carrel says about them.
 */
export async function deleteMyRecord(ctx: Context, _input: Record<string, never> = {}) {
  const stored = await ownRecord(ctx);
  // Ended first: the shred must stay the last step of the transaction (patron-deletion.usecases.ts).
  await endSessionsOf(ctx, 'patron', stored.id);
  const receipt = await shredPatron(ctx, stored, 'patron');
  return { receiptId: receipt.receiptId, deletedAt: receipt.deletedAt, keyDestroyedAfter: receipt.keyDestroyedAfter };
}

/**
 * Who has accessed the patron's record (CB-A8, JC-IVb): the day, the role in words, the library, the
 * purpose and what was touched. Reading it is logged as an access too (it shows up next time).
 */
export async function myAccessLog(ctx: Context, _input: Record<string, never> = {}) {
  const stored = await ownRecord(ctx);
  const entries = await accessHistoryOf(ctx, stored.id);
  await recordAccess(ctx, stored, 'view-access-log', ['access-log']);
  return entries;
}

/**
 * The notices the library sent the patron, or owes them (kind, channel, time, status: never what they
 * said, which is forgotten once sent). Reading them is logged as an access too.
 */
export async function myNotices(ctx: Context, _input: Record<string, never> = {}): Promise<OwnNotice[]> {
  const stored = await ownRecord(ctx);
  const list = await noticesOf(ctx, stored.id);
  await recordAccess(ctx, stored, 'view-notices', ['notices']);
  return list;
}
