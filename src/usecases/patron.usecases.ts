import { listAuthorisations } from '../storage/vendor.repository.js';
import { DateTime } from 'luxon';
import { cardNumberFrom, isValidCardNumber } from '../domain/card-number.js';
import { cardExpiresWithin, cardExpiry, cardValidityMonthsFor, categoryAgeProblem, isMinor, isOverridable, loanLimitBlock, patronBlocks } from '../domain/circulation.rules.js';
import { DomainError, ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import { ageBandOn, optionalText, personalProblems, statusChange } from '../domain/patron.rules.js';
import type { AccessLogEntry, GuardianLinkEntry, LoanEntry, PatronPrivacyChoices, PatronRecordDocument, PublicPatron, RecordContents } from '../domain/patron-document.js';
import type { Patron, PatronPersonal, PatronStatus } from '../domain/types.js';
import { homeLibrary } from '../policy/scope.policy.js';
import { seesComputerLogs } from '../policy/purpose-view.policy.js';
import { isLookupPurpose, requirePermission, requirePurpose } from './authorization.js';
import { endSessionsOf } from './session.usecases.js';
import { cardLockedUntil, loginRuleFor } from './patron-auth.usecases.js';
import { isDeskHandle } from './desk-identification.js';
import { accessEntriesShownToPatron } from './access-seen-by-patron.js';
import { balanceOf, finesOfPatron, paymentsOfPatron } from '../storage/fine.repository.js';
import { holdsOfPatron } from '../storage/hold.repository.js';
import { findBranch, findCategory } from '../storage/library.repository.js';
import { countOverdueLoans, loansOfPatron, overrideNotesOfPatron } from '../storage/loan.repository.js';
import { isUniqueViolation } from '../storage/errors.js';
import * as patrons from '../storage/patron.repository.js';
import { generatePin, hashSecret, randomDigits } from '../vault/secrets.js';
import { normalizeForIndex } from '../vault/vault.js';
import { AGGREGATE_CATEGORIES, PATRON_RECORD_CATEGORIES, type RecordCategory } from '../policy/inventory.js';
import type { Permission } from '../policy/permissions.js';
import { newId, recordAccess, refusalFromRecord, type Context } from './context.js';
import { noticesOf } from './notice.usecases.js';
import { openFineNotes, openPatron, sealPatron, searchTokens } from './patron-records.js';
import type { StoredPatron } from '../storage/patron.repository.js';
import { requireLibrary } from './library-access.js';
import { lendsTo, reachesPatron, requirePatron, requirePatronByCard, requirePatronForChange, requirePatronRef } from './patron-access.js';
import { libraryConfig, limitingCategory } from './library-config-cache.js';
import { serviceRecordsOfPatron } from '../storage/service-record.repository.js';
import { openServiceRecords } from './service-details.js';
import { complaintsOf } from './complaint-records.js';
import { addRegistrationStats, NO_BRANCH } from '../storage/statistics.repository.js';

export interface RegisterPatronInput {
  libraryId: string;
  name: string;
  birthDate: string;
  address?: string | null;
  email?: string | null;
  phone?: string | null;
  categoryCode?: string;
  /** Card number of the adult who signed a minor's application (RR-8, CB-B3, JC-IVc, IF-7). */
  guardianCard?: string | null;
  /** A pre-printed card handed to the patron: checked for its check digit and that no one has it. */
  cardNumber?: string | null;
  /** The patron's home branch, by id or code (null or absent: none). */
  homeBranch?: string | null;
}

export interface RegisteredPatron {
  id: string;
  cardNumber: string;
  /** The generated PIN, shown once to give to the patron; only its argon2id hash is kept. */
  pin: string;
  libraryId: string;
  categoryCode: string;
  homeBranchId: string | null;
  expiresAt: string;
}

/**
 * Registers a patron with only the fields a library needs (RR-1, CB-A4), issues a card number and a
 * PIN, and records the guardian who signed a minor's application.
 */
export async function registerPatron(ctx: Context, input: RegisterPatronInput): Promise<RegisteredPatron> {
  requirePermission(ctx, 'patron.register');
  const library = await requireLibrary(ctx, input.libraryId);
  const personal: PatronPersonal = {
    name: input.name.trim(),
    birthDate: input.birthDate,
    address: optionalText(input.address),
    email: optionalText(input.email),
    phone: optionalText(input.phone),
  };
  const today = DateTime.fromJSDate(ctx.now, { zone: library.timeZone }).toISODate() ?? '';
  const problems: Problem[] = personalProblems(personal, today);
  refuseAll(problems);

  const minor = isMinor(personal.birthDate, ctx.now, library.timeZone);
  const categoryCode = input.categoryCode ?? (minor ? 'juvenile' : 'adult');
  const category = await findCategory(ctx.trx, library.id, categoryCode);
  if (!category) problems.push({ code: ErrorCode.CATEGORY_NOT_FOUND, message: 'The library has no patron category with that code.', field: 'category' });
  else {
    const ageProblem = categoryAgeProblem(category, personal.birthDate, ctx.now, library.timeZone);
    if (ageProblem) problems.push(ageProblem);
  }
  let homeBranchId: string | null = null;
  const homeBranch = optionalText(input.homeBranch);
  if (homeBranch !== null) {
    const branch = await findBranch(ctx.trx, library.id, homeBranch);
    if (!branch) problems.push({ code: ErrorCode.BRANCH_NOT_FOUND, message: 'The library has no branch with that id or code.', field: 'homeBranch' });
    else homeBranchId = branch.id;
  }
  // A pre-printed card: a mistyped number is caught by its check digit, and a card already handed to
  // someone else is refused (its blind index is unique). The number is never quoted back.
  const preprinted = optionalText(input.cardNumber);
  if (preprinted !== null) {
    if (!isValidCardNumber(preprinted))
      problems.push({ code: ErrorCode.CARD_NUMBER_INVALID, message: 'The card number is not 14 digits with a valid check digit.', field: 'cardNumber' });
    else if (await patrons.cardHashExists(ctx.trx, ctx.vault.blind('card', preprinted)))
      problems.push({ code: ErrorCode.CARD_NUMBER_TAKEN, message: 'That card number already belongs to a patron.', field: 'cardNumber' });
  }

  let guardian: StoredPatron | undefined;
  // A guardian found a minor: the refusal says so of the card's holder, a read logged on them.
  let minorGuardian: StoredPatron | undefined;
  const guardianCard = optionalText(input.guardianCard);
  if (guardianCard !== null) {
    guardian = await patrons.findPatronByCardHash(ctx.trx, ctx.vault.blind('card', guardianCard));
    if (!guardian || guardian.libraryId !== library.id)
      problems.push({ code: ErrorCode.GUARDIAN_NOT_FOUND, message: 'No patron of this library has the guardian’s card number.', field: 'guardian' });
    else if (isMinor((await openPatron(ctx, guardian)).personal.birthDate, ctx.now, library.timeZone)) {
      problems.push({ code: ErrorCode.GUARDIAN_NOT_ADULT, message: 'A guardian must be an adult.', field: 'guardian' });
      minorGuardian = guardian;
    }
  } else if (minor) {
    problems.push({ code: ErrorCode.GUARDIAN_REQUIRED, message: 'A minor is registered with the card of the adult who signs the application.', field: 'guardian' });
  }
  if (minorGuardian) throw refusalFromRecord(ctx, minorGuardian, 'guardian-refused', ['registration'], new DomainError(problems));
  refuseAll(problems);

  const at = ctx.now.toISOString();
  const patron: Patron = {
    id: newId(),
    libraryId: library.id,
    cardNumber: preprinted ?? (await unusedCardNumber(ctx)),
    categoryCode,
    homeBranchId,
    status: 'active',
    personal,
    expiresAt: cardExpiry(ctx.now, { timeZone: library.timeZone, cardValidityMonths: cardValidityMonthsFor(category, library) }).toISOString(),
    createdAt: at,
    updatedAt: at,
  };
  const pin = generatePin();
  // The data key exists before anything is sealed with it (and lives in the key store, not here).
  await ctx.vault.createPatronKey(patron.id, ctx.now);
  const band = ageBandOn(personal.birthDate, ctx.now, library.timeZone);
  try {
    await patrons.insertPatron(ctx.trx, await sealPatron(ctx.vault, patron), await hashSecret(pin), band);
  } catch (error) {
    // Two desks registering the same pre-printed card at once: the second finds the index taken.
    if (preprinted !== null && isUniqueViolation(error)) throw refuse(ErrorCode.CARD_NUMBER_TAKEN, 'That card number already belongs to a patron.', 'cardNumber');
    throw error;
  }
  // Statistics (0006): one more registration in the aggregate, in this transaction; no patron in it.
  await addRegistrationStats(ctx.trx, { libraryId: library.id, day: today, branchId: NO_BRANCH, patronCategory: categoryCode, ageBand: band.ageBand, registrations: 1 });
  await patrons.replaceSearchTokens(ctx.trx, patron.id, library.id, searchTokens(ctx.vault, personal));
  const categories: ('registration' | 'guardianship')[] = ['registration'];
  if (guardian) {
    await patrons.insertGuardianLink(ctx.trx, { minorPatronId: patron.id, guardianPatronId: guardian.id, libraryId: library.id, startedAt: at, endedAt: null });
    categories.push('guardianship');
    await recordAccess(ctx, guardian, 'guardian-linked', ['guardianship']);
  }
  await recordAccess(ctx, patron, 'register', categories);
  return { id: patron.id, cardNumber: patron.cardNumber, pin, libraryId: library.id, categoryCode, homeBranchId, expiresAt: patron.expiresAt };
}

async function unusedCardNumber(ctx: Context): Promise<string> {
  // 10^12 card numbers: a collision is rare, but checked rather than assumed.
  for (let attempt = 0; attempt < 10; attempt++) {
    const card = cardNumberFrom(randomDigits(12));
    if (!(await patrons.cardHashExists(ctx.trx, ctx.vault.blind('card', card)))) return card;
  }
  throw new Error('Could not find an unused card number after 10 attempts.');
}

/**
 * A patron addressed by card (the card is presented: a circulation transaction, IF-5) or by id (a
 * look-up outside a transaction, which needs a purpose the actor's role allows: CB-A3, RF-10).
 */
async function patronForStaff(ctx: Context, input: { patronId?: string; cardNumber?: string }, byCard: Permission, byId: Permission): Promise<StoredPatron> {
  if (input.cardNumber !== undefined) {
    // The card presented at the desk is the circulation transaction itself; a look-up by card for any
    // other reason names its purpose, which the role must be allowed (CB-A3, RF-10).
    if (isLookupPurpose(ctx.purpose)) requirePurpose(ctx, byCard);
    else requirePermission(ctx, byCard);
    return requirePatronByCard(ctx, input.cardNumber);
  }
  requirePurpose(ctx, byId);
  return requirePatron(ctx, input.patronId ?? '');
}

/** What the desk sees when a card is scanned: who, standing, and what is out, waiting and owed. */
export async function patronAccount(ctx: Context, input: { patronId?: string; cardNumber?: string }) {
  const stored = await patronForStaff(ctx, input, 'patron.lookup', 'patron.read');
  const patron = await openPatron(ctx, stored);
  const [loans, holds, fines, balanceCents] = [
    await loansOfPatron(ctx.trx, patron.id, 'active'),
    (await holdsOfPatron(ctx.trx, patron.id)).filter((h) => h.status === 'pending' || h.status === 'ready'),
    await openFineNotes(ctx, (await finesOfPatron(ctx.trx, patron.id)).filter((f) => f.status === 'open')),
    await balanceOf(ctx.trx, patron.id),
  ];
  // The desk knows who signed a minor's application (RR-8, CB-B3): the link, the other patron's id and
  // their name (a clerk asks for the guardian by name, not by a record number), never the rest of the
  // other patron's record. Only current links: an ended one serves no desk. Only patrons the actor
  // reaches (another library's patron is not shown, as if there were no link), and each one shown is a
  // read of their guardianship and of their name, logged on their own record.
  const guardianLinks: { role: 'guardian' | 'minor'; patronId: string; name: string; startedAt: string }[] = [];
  for (const link of (await patrons.guardianLinksOf(ctx.trx, patron.id)).filter((l) => l.endedAt === null)) {
    const role = link.minorPatronId === patron.id ? ('guardian' as const) : ('minor' as const);
    const other = await patrons.findPatronById(ctx.trx, role === 'guardian' ? link.guardianPatronId : link.minorPatronId);
    if (!other || !(await reachesPatron(ctx, other))) continue;
    const { name } = (await openPatron(ctx, other)).personal;
    await recordAccess(ctx, other, 'view-guardian-link', ['guardianship', 'registration']);
    guardianLinks.push({ role, patronId: other.id, name, startedAt: link.startedAt });
  }
  const categories: RecordCategory[] = ['registration', 'circulation', 'holds', 'fines'];
  if (guardianLinks.length > 0) categories.push('guardianship');
  await recordAccess(ctx, patron, 'view-account', categories);
  // The desk reads the loans in the order they fall due (the next one first).
  const byDue = [...loans].sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.checkedOutAt.localeCompare(b.checkedOutAt));
  const summary = await accountSummary(ctx, stored, balanceCents, holds.filter((h) => h.status === 'ready').length, loans.length, patron.personal.birthDate);
  // Opened by the handle of an identification by photo ID (IF-5): the handle stands where the card number
  // would, so the desk lends with it, and the card number is never shown (issue 22).
  const shown = input.cardNumber !== undefined && isDeskHandle(input.cardNumber) && stored.cardHash !== ctx.vault.blind('card', input.cardNumber) ? { ...publicPatron(patron), cardNumber: input.cardNumber } : publicPatron(patron);
  return { patron: shown, loans: byDue, holds, fines, balanceCents, guardianLinks, summary };
}

/** Days before a card's expiry the desk starts offering to renew it (CB-F2). */
export const CARD_EXPIRY_NOTICE_DAYS = 30;

/**
 * What the desk shows at the top of an account before the first scan: items overdue, holds waiting on
 * the shelf, money owed, the card's expiry (and whether to offer renewing it), and every block that
 * would refuse a check-out now, each saying whether an override may lend past it.
 */
async function accountSummary(ctx: Context, stored: StoredPatron, balanceCents: number, holdsWaiting: number, activeLoans: number, birthDate: string) {
  const home = await libraryConfig(ctx, stored.libraryId);
  const library = home.library;
  // The blocks are the ones a check-out at this desk would meet: a consortium member's desk lending to a
  // visitor lends under its own settings and its own category's limit, as `checkout` does (RF-4).
  const desk = homeLibrary(ctx.actor);
  const lender = desk !== undefined && desk !== stored.libraryId && (await lendsTo(ctx, desk, stored.libraryId)) ? await libraryConfig(ctx, desk) : home;
  const category = await limitingCategory(ctx, lender, stored);
  const overdueItems = await countOverdueLoans(ctx.trx, stored.id, ctx.now.toISOString());
  const blocks = [...patronBlocks(stored, balanceCents, lender.library, ctx.now, overdueItems), ...loanLimitBlock(category ?? { maxLoans: null }, activeLoans)];
  const expiresAt = new Date(stored.expiresAt);
  // A card locked after failed PINs (JC-IVa) refuses the portal, self-check and vendors' sign-in until
  // then: the desk tells the patron, and a new PIN at the desk unlocks it at once (issue 22).
  const lockedUntil = await cardLockedUntil(ctx, stored.cardHash, await loginRuleFor(ctx, stored.libraryId));
  return {
    cardLockedUntil: lockedUntil?.toISOString() ?? null,
    overdueItems,
    holdsWaiting,
    balanceCents,
    cardExpiresAt: stored.expiresAt,
    cardExpired: expiresAt.getTime() <= ctx.now.getTime() || stored.status === 'expired',
    cardExpiresSoon: cardExpiresWithin(expiresAt, ctx.now, CARD_EXPIRY_NOTICE_DAYS),
    // A minor imported without a guardian who has since come of age needs none.
    deskFlags: stored.deskFlag === null || (stored.deskFlag === 'guardian-needed' && !isMinor(birthDate, ctx.now, library.timeZone)) ? [] : [stored.deskFlag],
    blocks: blocks.map((b) => ({ code: b.code, message: b.message, overridable: isOverridable(b) })),
  };
}

/** A patron without secrets: what the API and CLI may show. */
export function publicPatron(patron: Patron): PublicPatron {
  return {
    id: patron.id,
    libraryId: patron.libraryId,
    cardNumber: patron.cardNumber,
    categoryCode: patron.categoryCode,
    homeBranchId: patron.homeBranchId,
    status: patron.status,
    ...patron.personal,
    expiresAt: patron.expiresAt,
    createdAt: patron.createdAt,
    updatedAt: patron.updatedAt,
  };
}

/**
 * Staff changes a patron's standing: block, unblock, card reported lost (JC-IVa, IF-6), expire, or
 * deceased on a relative's or executor's request (the retention engine then purges the record, CB-F3).
 */
export async function setPatronStatus(ctx: Context, input: { patronId?: string; cardNumber?: string; status: PatronStatus }) {
  requirePermission(ctx, 'patron.status');
  // Locked and read again: the change is decided on the status as it is, not as it was a moment ago.
  const stored = await requirePatronForChange(ctx, input);
  const change = statusChange(stored.status, input.status);
  if (change.problem) throw refuse(change.problem.code, change.problem.message, 'status');
  // Recording a death leads to the record's purge at the next sweep: as final as a deletion, so it needs
  // the same permission (a branch manager's), and so does undoing one.
  if (change.final) requirePermission(ctx, 'patron.delete');
  if (input.status === 'card-lost') await patrons.markCardLost(ctx.trx, stored.id, ctx.now.toISOString());
  else await patrons.setPatronStatus(ctx.trx, stored.id, input.status, ctx.now.toISOString());
  // A card reported lost stops opening the account at once: every session it opened ends (JC-IVa).
  if (input.status === 'card-lost') await endSessionsOf(ctx, 'patron', stored.id);
  await recordAccess(ctx, stored, `status-${input.status}`, ['registration']);
  return publicPatron({ ...(await openPatron(ctx, stored)), status: input.status, updatedAt: ctx.now.toISOString() });
}

/**
 * Everything Carrel holds about one patron, as one document (CB-A8, JC-IVb): registration, guardian
 * links, loans, holds, fines, payments, and who accessed the record. The export is itself logged.
 */
export async function exportPatron(ctx: Context, input: { cardNumber?: string; patronId?: string }): Promise<PatronRecordDocument> {
  if (ctx.actor.kind === 'patron') return patronDocument(ctx, await requirePatron(ctx, ctx.actor.id));
  requirePurpose(ctx, 'patron.export');
  const stored = await requirePatronRef(ctx, input);
  return patronDocument(ctx, stored);
}

/**
 * The export document of a patron the caller has already been allowed to reach; `action` names the
 * access in the log (a patron viewing their record online is logged as 'view', an export as 'export').
 */
export async function patronDocument(ctx: Context, stored: StoredPatron, action = 'export'): Promise<PatronRecordDocument> {
  const patron = await openPatron(ctx, stored);
  // A link says who signed for whom and when, never the other person's record: their name is theirs
  // (a grown-up child's new name is none of a former guardian's business), and a guardian sees a child's
  // record only through the guardian use cases, as the profile allows. Staff get the other patron's id.
  const linkedCards = (await patrons.guardianLinksOf(ctx.trx, patron.id)).map((link): GuardianLinkEntry => ({
    role: link.minorPatronId === patron.id ? ('guardian' as const) : ('minor' as const),
    ...(ctx.actor.kind === 'patron' ? {} : { patronId: link.minorPatronId === patron.id ? link.guardianPatronId : link.minorPatronId }),
    startedAt: link.startedAt,
    endedAt: link.endedAt,
  }));
  // Public-computer logs are reviewed only when a violation is suspected (JC-VII): a member of staff's
  // export leaves them out unless that is its purpose; the patron and the operator get everything.
  const withComputerLogs = seesComputerLogs(ctx.actor, ctx.purpose);
  const services = (await serviceRecordsOfPatron(ctx.trx, patron.id)).filter((r) => withComputerLogs || r.kind !== 'computer-session');
  // Declared in domain/patron-document.ts, which the web app reads: the compiler holds the two to one shape.
  const document: PatronRecordDocument = {
    format: 'carrel.patron-export.v1',
    exportedAt: ctx.now.toISOString(),
    patron: publicPatron(patron),
    /** Where each record category of the inventory that concerns a patron is in this document. */
    contents: EXPORT_CONTENTS,
    /** The inventory's other categories, the aggregate statistics: why they are not in this document. */
    aggregates: {
      categories: [...AGGREGATE_CATEGORIES],
      personalData: false,
      text: 'The circulation, registration, service and vendor sign-in statistics are counts with no personal data: your registration, loans, uses of library services and sign-ins to vendors are counted in them, but they hold no name, card, item or record of yours, so there is nothing of yours in them to show.',
    },
    /** What the registration holds besides the personal fields: last activity (CB-F3) and the age band statistics use. */
    account: { lastActiveAt: stored.lastActiveAt, ageBand: stored.ageBand, deskFlag: stored.deskFlag },
    /**
     * The patron's privacy choices, each off until they choose it: reading history (JC-IIIc), notices
     * (JC-VI), the library's mailing lists (RR-3, RF-8) and photos or recordings (RR-9).
     */
    privacy: privacyOf(stored),
    guardianLinks: linkedCards,
    loans: await withOverrideNotes(ctx, patron.id, await loansOfPatron(ctx.trx, patron.id)),
    holds: await holdsOfPatron(ctx.trx, patron.id),
    fines: await openFineNotes(ctx, await finesOfPatron(ctx.trx, patron.id)),
    payments: await paymentsOfPatron(ctx.trx, patron.id),
    balanceCents: await balanceOf(ctx.trx, patron.id),
    // Computer sessions, program sign-ups, room bookings, ILL and reference requests (JC-IIId-f), opened.
    services: await openServiceRecords(ctx, services),
    ...(withComputerLogs ? {} : { withheld: ['computer-sessions'] }),
    // Written complaints the patron made (JC-VIII), with the director's answer once given.
    complaints: await complaintsOf(ctx, patron.id),
    sentNotices: await noticesOf(ctx, patron.id),
    vendors: (await listAuthorisations(ctx.trx, patron.id)).map(({ vendorId: _id, ...entry }) => entry),
    accessLog: (await accessEntriesShownToPatron(ctx, patron.id)).map((e): AccessLogEntry => ({
      at: e.at,
      actorKind: e.actorKind,
      action: e.action,
      categories: e.categories,
      purpose: e.purpose,
      channel: e.channel,
    })),
  };
  // Every category held about a patron (statistics hold nothing about anyone).
  await recordAccess(
    ctx,
    patron,
    action,
    PATRON_RECORD_CATEGORIES.filter((c) => withComputerLogs || c !== 'computer-sessions'),
  );
  return document;
}

/** A patron's loans with the reasons staff gave for lending past a block, opened (the export holds everything). */
async function withOverrideNotes(ctx: Context, patronId: string, loans: LoanEntry[]): Promise<LoanEntry[]> {
  const notes = new Map<string, string>();
  for (const note of await overrideNotesOfPatron(ctx.trx, patronId)) notes.set(note.loanId, await ctx.vault.open(patronId, 'override-note', note.sealed));
  return loans.map((loan) => (notes.has(loan.id) ? { ...loan, overrideNote: notes.get(loan.id) as string } : loan));
}

/**
 * The keys of the export document holding each record category (statistics hold nothing about anyone).
 * Complete loans are the reading history of a patron who opted in, and the kept-for-now past loans of
 * one who did not (the profile's loan rule).
 */
const EXPORT_CONTENTS = {
  registration: ['patron', 'account', 'privacy'],
  guardianship: ['guardianLinks'],
  circulation: ['loans'],
  'reading-history': ['loans'],
  holds: ['holds'],
  fines: ['fines', 'payments', 'balanceCents'],
  'computer-sessions': ['services'],
  'program-signups': ['services'],
  'room-bookings': ['services'],
  'ill-requests': ['services'],
  'reference-requests': ['services'],
  complaints: ['complaints'],
  notices: ['sentNotices'],
  'vendor-authorisations': ['vendors'],
  'access-log': ['accessLog'],
} as const satisfies RecordContents;

/** A patron's privacy choices as the patron sees them: each a yes or no, and since when. */
export function privacyOf(stored: StoredPatron): PatronPrivacyChoices {
  return {
    readingHistory: stored.readingHistorySince !== null,
    readingHistorySince: stored.readingHistorySince,
    noticeChannel: stored.noticeChannel,
    mailingLists: stored.mailingConsentSince !== null,
    mailingListsSince: stored.mailingConsentSince,
    photoConsent: stored.photoConsentSince !== null,
    photoConsentSince: stored.photoConsentSince,
  };
}

export interface FindPatronsInput {
  /** Limit to one library (consortium staff and the system may search all they can reach). */
  libraryId?: string;
  email?: string;
  phone?: string;
  /** One or more name words; every word must match exactly (after folding case and accents). */
  name?: string;
}

/**
 * Finds patrons by email, phone or exact name words, through blind indexes: the database compares
 * HMACs, never names. Every patron returned is an access to their record and is logged as one.
 */
export async function findPatrons(ctx: Context, input: FindPatronsInput) {
  requirePurpose(ctx, 'patron.search');
  const tokens: { kind: string; hash: string }[] = [];
  const email = optionalText(input.email);
  const phone = optionalText(input.phone);
  if (email && normalizeForIndex('email', email) !== '') tokens.push({ kind: 'email', hash: ctx.vault.blind('email', email) });
  if (phone && normalizeForIndex('phone', phone) !== '') tokens.push({ kind: 'phone', hash: ctx.vault.blind('phone', phone) });
  if (input.name) tokens.push(...ctx.vault.nameTokens(input.name).map((hash) => ({ kind: 'name', hash })));
  if (tokens.length === 0) throw refuse(ErrorCode.SEARCH_TOO_BROAD, 'Search by email, phone, or at least one whole word of the name.');
  let libraries: string[] | null = null;
  if (input.libraryId !== undefined) libraries = [(await requireLibrary(ctx, input.libraryId)).id];
  else if (homeLibrary(ctx.actor) !== undefined) libraries = [homeLibrary(ctx.actor) as string];
  const ids = await patrons.findPatronIdsByTokens(ctx.trx, tokens, libraries, 50);
  const found = [];
  for (const id of ids) {
    const stored = await patrons.findPatronById(ctx.trx, id);
    if (!stored || !(await reachesPatron(ctx, stored))) continue;
    const patron = await openPatron(ctx, stored);
    await recordAccess(ctx, stored, 'search-match', ['registration']);
    found.push({ id: patron.id, libraryId: patron.libraryId, cardNumber: patron.cardNumber, name: patron.personal.name, birthDate: patron.personal.birthDate, status: patron.status });
  }
  return found;
}
