/**
 * Guardians of minors (RR-8, CB-B3, CB-A7, JC-IVc, IF-7): a patron logged in with their own card and PIN
 * lists the minors they signed for and sees a child's record as the library's profile allows, with or
 * without the child's card. The decision and the cut are pure (policy/guardian.policy.ts); this file
 * loads, logs and answers. Every refusal is PATRON_NOT_FOUND with one message, so an answer never tells
 * whether a link exists, has ended, or gives nothing.
 */
import { timingSafeEqual } from 'node:crypto';
import { ErrorCode, refuse } from '../domain/errors.js';
import type { GuardianLink, Library } from '../domain/types.js';
import { cutRecord, guardianAccess, guardiansSeeAnything, linkIsLive, sectionsOf, type CardPresented, type GuardianRule } from '../policy/guardian.policy.js';
import type { GuardianViewLevel } from '../policy/profile.schema.js';
import { profiles } from '../profile/profiles.js';
import { finesOfPatron, paymentsOfPatron } from '../storage/fine.repository.js';
import { holdsOfPatron } from '../storage/hold.repository.js';
import { findLibrary } from '../storage/library.repository.js';
import { loansOfPatron } from '../storage/loan.repository.js';
import { findPatronById, guardianLinksOf, type StoredPatron } from '../storage/patron.repository.js';
import { serviceRecordsOfPatron } from '../storage/service-record.repository.js';
import { recordAccess, type Context } from './context.js';
import { openFineNotes, openPatron } from './patron-records.js';
import { openServiceRecords } from './service-details.js';

/** The one answer to every refused guardian request. */
function notFound(): never {
  throw refuse(ErrorCode.PATRON_NOT_FOUND, 'No patron has that id.', 'minorId');
}

/** The logged-in patron acting as a guardian; the access log names the role 'guardian'. */
function guardianOf(ctx: Context): { id: string; libraryId: string } {
  if (ctx.actor.kind !== 'patron') throw refuse(ErrorCode.PERMISSION_DENIED, 'This is for a patron logged in with their card.');
  if (ctx.purpose !== 'guardian-access') throw refuse(ErrorCode.PURPOSE_NOT_ALLOWED, 'A guardian reads a child’s record for guardian access only.', 'purpose');
  ctx.role = 'guardian';
  return { id: ctx.actor.id, libraryId: ctx.actor.libraryId };
}

async function libraryAndRule(ctx: Context, libraryId: string): Promise<{ library: Library; rule: GuardianRule }> {
  const library = await findLibrary(ctx.trx, libraryId);
  if (!library) notFound();
  return { library, rule: profiles().get(library.profileId).access.guardians };
}

/** The guardian's links as the guardian, in their own library; the live one first when there are several. */
async function linksAsGuardian(ctx: Context, guardian: { id: string; libraryId: string }): Promise<GuardianLink[]> {
  const links = (await guardianLinksOf(ctx.trx, guardian.id)).filter((l) => l.guardianPatronId === guardian.id && l.libraryId === guardian.libraryId);
  return links.sort((a, b) => (a.endedAt === null ? -1 : 0) - (b.endedAt === null ? -1 : 0));
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface Dependent {
  patronId: string;
  /** The first word of the child's name: enough to choose between children, nothing more. */
  firstName: string;
  /** What the library's profile shows with and without the child's card. */
  withChildCard: GuardianViewLevel;
  withoutChildCard: GuardianViewLevel;
}

/**
 * The minors the logged-in patron is the live guardian of (signed the application; the child is still
 * under the profile's age of majority). A profile that gives guardians nothing (RF-2) lists no one and
 * opens no record. Each child listed is an access to their record and is logged on it.
 */
export async function myDependents(ctx: Context, _input: void): Promise<Dependent[]> {
  const guardian = guardianOf(ctx);
  const { library, rule } = await libraryAndRule(ctx, guardian.libraryId);
  if (!guardiansSeeAnything(rule)) return [];
  const seen = new Set<string>();
  const dependents: Dependent[] = [];
  for (const link of await linksAsGuardian(ctx, guardian)) {
    if (seen.has(link.minorPatronId) || (link.endedAt !== null && link.endedAt <= ctx.now.toISOString())) continue;
    seen.add(link.minorPatronId);
    const stored = await findPatronById(ctx.trx, link.minorPatronId);
    if (!stored || stored.libraryId !== library.id) continue;
    const minor = await openPatron(ctx, stored);
    if (!linkIsLive(rule, link, minor.personal.birthDate, library.timeZone, ctx.now)) continue;
    await recordAccess(ctx, stored, 'guardian-dependents', ['guardianship', 'registration']);
    dependents.push({ patronId: stored.id, firstName: minor.personal.name.trim().split(/\s+/)[0] ?? '', withChildCard: rule.withChildCard, withoutChildCard: rule.withoutChildCard });
  }
  return dependents;
}

export interface DependentRecordInput {
  minorId: string;
  /** The child's card number, when the guardian holds the card (JC-IVc, IF-7). */
  childCardNumber?: string | null;
}

/**
 * A minor's record as the profile lets their live guardian see it: with the child's card (a card
 * reported lost no longer counts), the profile's `with_child_card` level; otherwise its
 * `without_child_card` level. `cardAccepted` says which of the two was applied, so a guardian who typed
 * a wrong number is told so even where both levels are the same (RR-8). One access-log entry on the
 * minor's record names the categories shown, with purpose 'guardian-access' and role 'guardian'; nothing
 * is logged when the answer is refused.
 */
export async function dependentRecord(ctx: Context, input: DependentRecordInput) {
  const guardian = guardianOf(ctx);
  const link = (await linksAsGuardian(ctx, guardian)).find((l) => l.minorPatronId === input.minorId);
  if (!link) notFound();
  const stored = await findPatronById(ctx.trx, link.minorPatronId);
  if (!stored || stored.libraryId !== guardian.libraryId) notFound();
  const { library, rule } = await libraryAndRule(ctx, stored.libraryId);
  const minor = await openPatron(ctx, stored);
  const presented = input.childCardNumber?.trim() ?? '';
  const card: CardPresented = presented === '' ? 'absent' : sameHash(ctx.vault.blind('card', presented), stored.cardHash) ? 'matches' : 'other';
  const decision = guardianAccess({ rule, link, minor: { birthDate: minor.personal.birthDate, status: stored.status }, timeZone: library.timeZone, now: ctx.now, card });
  if (!decision.allowed) notFound();

  const sections = new Set(sectionsOf(decision.level));
  const { view, categories } = cutRecord(
    {
      minorId: stored.id,
      keepsReadingHistory: stored.readingHistorySince !== null,
      ...(sections.has('registration') ? { registration: registrationOf(minor.personal, stored) } : {}),
      loans: await loansOfPatron(ctx.trx, stored.id),
      ...(sections.has('holds') ? { holds: await holdsOfPatron(ctx.trx, stored.id) } : {}),
      // A fine's note (a waiver's reason) is opened only for the full record.
      fines: sections.has('payments') ? await openFineNotes(ctx, await finesOfPatron(ctx.trx, stored.id)) : (await finesOfPatron(ctx.trx, stored.id)).map((f) => ({ ...f, note: null })),
      ...(sections.has('payments') ? { payments: await paymentsOfPatron(ctx.trx, stored.id) } : {}),
      ...(sections.has('services') ? { services: await openServiceRecords(ctx, await serviceRecordsOfPatron(ctx.trx, stored.id)) } : {}),
    },
    decision,
    ctx.now,
  );
  await recordAccess(ctx, stored, 'guardian-view', categories);
  return { ...view, cardAccepted: decision.reason === 'with-child-card' };
}

/** The registration fields a full view shows; the card number is left out: it is a credential. */
function registrationOf(personal: { name: string; birthDate: string; address: string | null; email: string | null; phone: string | null }, stored: StoredPatron) {
  return {
    name: personal.name,
    birthDate: personal.birthDate,
    address: personal.address,
    email: personal.email,
    phone: personal.phone,
    categoryCode: stored.categoryCode,
    status: stored.status,
    expiresAt: stored.expiresAt,
    readingHistory: stored.readingHistorySince !== null,
  };
}
