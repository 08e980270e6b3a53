import { parseInstant } from '../domain/clock.js';
import { DomainError, ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import type { Branch, ServiceKind, ServiceRecord, ServiceStatus } from '../domain/types.js';
import { SERVICE_CATEGORY } from '../policy/inventory.js';
import { serviceRecordsView } from '../policy/purpose-view.policy.js';
import { canReachLibrary, homeLibrary } from '../policy/scope.policy.js';
import { findBranch } from '../storage/library.repository.js';
import { findPatronById, lockPatronRow, type StoredPatron } from '../storage/patron.repository.js';
import * as services from '../storage/service-record.repository.js';
import { newId, recordAccess, refusalFromRecord, type Context } from './context.js';
import { requireLibrary } from './library-access.js';
import { requirePatronByCard, requirePatronRef } from './patron-access.js';
import { openServiceRecords, sealServiceDetails, type OpenedServiceRecord, type ServiceDetails } from './service-details.js';
import { requirePermission, requirePurpose } from './authorization.js';

/**
 * Services recorded outside circulation (JC-IIId public-computer logons, JC-IIIe interlibrary-loan and
 * reference requests, JC-IIIf program sign-ups and room bookings; all confidential under CB-A2). Each
 * record gets `endsAt` when it is over — log-off, the event's end, the request's closing — and the
 * retention engine disposes of it the profile's number of days after that.
 */

/** What the desk is told about a record it created or closed: no patron, no free text. */
export interface ServiceReceipt {
  id: string;
  kind: ServiceKind;
  status: ServiceStatus;
  libraryId: string;
  branchId: string | null;
  resource: string | null;
  startsAt: string;
  endsAt: string | null;
}

function receipt(record: ServiceRecord): ServiceReceipt {
  return {
    id: record.id,
    kind: record.kind,
    status: record.status,
    libraryId: record.libraryId,
    branchId: record.branchId,
    resource: record.resource,
    startsAt: record.startsAt,
    endsAt: record.endsAt,
  };
}

// A station, program, room or topic code, or a guest pass: short, not free text, never personal data.
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ISBN = /^[0-9Xx-]{1,20}$/;

function codeProblem(value: string | undefined, field: string, what: string, problems: Problem[]): void {
  if (value === undefined || !CODE.test(value))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `${what} is 1–64 letters, digits, dots, hyphens or underscores.`, field });
}

/** Runs a look-up that may refuse, adding its problems to those collected instead of throwing at once. */
async function collect<T>(problems: Problem[], lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/** A card that no longer works: reported lost (JC-IVa, IF-6), or its holder recorded as deceased. */
function cardProblems(patron: StoredPatron | undefined): Problem[] {
  if (patron?.status === 'card-lost') return [{ code: ErrorCode.CARD_REPORTED_LOST, message: 'This card was reported lost or stolen; issue a new card.', field: 'cardNumber' }];
  if (patron?.status === 'deceased') return [{ code: ErrorCode.PATRON_BLOCKED, message: 'The card belongs to a patron recorded as deceased.', field: 'cardNumber' }];
  return [];
}

/** The patron a card names, collected with whatever else is wrong with the request. */
async function patronFor(ctx: Context, cardNumber: string, problems: Problem[]): Promise<StoredPatron | undefined> {
  const patron = await collect(problems, requirePatronByCard(ctx, cardNumber));
  problems.push(...cardProblems(patron));
  return patron;
}

/** A branch of the library by id or code; BRANCH_NOT_FOUND otherwise. */
async function branchFor(ctx: Context, libraryId: string | undefined, branch: string | undefined, problems: Problem[]): Promise<Branch | undefined> {
  if (libraryId === undefined || branch === undefined) return undefined;
  const found = await findBranch(ctx.trx, libraryId, branch);
  if (!found) problems.push({ code: ErrorCode.BRANCH_NOT_FOUND, message: 'The library has no branch with that id or code.', field: 'branch' });
  return found;
}

/**
 * The library of a record with no patron (a guest-pass session, an anonymous question): the one named,
 * or the staff member's own.
 */
async function libraryWithoutPatron(ctx: Context, libraryId: string | undefined, problems: Problem[]): Promise<string | undefined> {
  const id = libraryId ?? homeLibrary(ctx.actor);
  if (id === undefined) {
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'Name the library: a record without a patron card belongs to no patron’s library.', field: 'libraryId' });
    return undefined;
  }
  return (await collect(problems, requireLibrary(ctx, id)))?.id;
}

/** The library a patron's record is kept in: the patron's own (a different one named is refused as not found). */
function libraryOfPatron(patron: StoredPatron | undefined, libraryId: string | undefined, problems: Problem[]): string | undefined {
  if (patron && libraryId !== undefined && libraryId !== patron.libraryId) {
    problems.push({ code: ErrorCode.PATRON_NOT_FOUND, message: 'No patron of that library has that card number.', field: 'cardNumber' });
    return undefined;
  }
  return patron?.libraryId;
}

function instantOf(text: string, field: string, problems: Problem[]): Date | undefined {
  // A date alone is not an event time: without a time and an offset it would mean different instants.
  const at = /T/.test(text) ? parseInstant(text) : undefined;
  if (!at) problems.push({ code: ErrorCode.INVALID_DATE, message: `${field} is an ISO-8601 instant with an offset, such as 2026-03-02T17:00:00Z.`, field });
  return at;
}

/** An event's start and end from input: real instants, the end after the start and not yet past. */
function eventTimes(ctx: Context, input: { startsAt: string; endsAt: string }, problems: Problem[]): { startsAt: string; endsAt: string } | undefined {
  const starts = instantOf(input.startsAt, 'startsAt', problems);
  const ends = instantOf(input.endsAt, 'endsAt', problems);
  if (!starts || !ends) return undefined;
  if (ends.getTime() <= starts.getTime()) {
    problems.push({ code: ErrorCode.ENDS_BEFORE_STARTS, message: 'The event must end after it starts.', field: 'endsAt' });
    return undefined;
  }
  if (ends.getTime() <= ctx.now.getTime()) {
    problems.push({ code: ErrorCode.EVENT_OVER, message: 'The event has already ended.', field: 'endsAt' });
    return undefined;
  }
  return { startsAt: starts.toISOString(), endsAt: ends.toISOString() };
}

/**
 * A service record of one kind the actor may reach, locked for the rest of the transaction; anything
 * else (no such id, another kind, another library's record) is SERVICE_RECORD_NOT_FOUND (CB-A3, RF-1).
 */
async function requireServiceRecord(ctx: Context, id: string, kind: ServiceKind): Promise<ServiceRecord> {
  const record = await services.findServiceRecord(ctx.trx, id, { lock: true });
  if (!record || record.kind !== kind || !canReachLibrary(ctx.actor, record.libraryId).allowed)
    throw refuse(ErrorCode.SERVICE_RECORD_NOT_FOUND, 'No record of that kind has that id.', 'id');
  return record;
}

/** Writes the access-log row for a record that belongs to a patron (guest and anonymous records have none). */
async function logPatronAccess(ctx: Context, record: Pick<ServiceRecord, 'patronId' | 'kind'>, action: string): Promise<void> {
  if (record.patronId === null) return;
  const patron = await findPatronById(ctx.trx, record.patronId);
  if (patron) await recordAccess(ctx, patron, action, [SERVICE_CATEGORY[record.kind]]);
}

/** Ends a record now with its final status, logging the access to the patron's record. */
async function closeNow(ctx: Context, record: ServiceRecord, status: ServiceStatus, action: string): Promise<ServiceReceipt> {
  const at = ctx.now.toISOString();
  await services.closeServiceRecord(ctx.trx, record.id, status, at);
  await logPatronAccess(ctx, record, action);
  return receipt({ ...record, status, endsAt: at });
}

function newRecord(ctx: Context, fields: Pick<ServiceRecord, 'kind' | 'libraryId' | 'status'> & Partial<ServiceRecord>): ServiceRecord {
  const at = ctx.now.toISOString();
  return { id: newId(), branchId: null, patronId: null, guestPass: null, resource: null, details: null, startsAt: at, endsAt: null, createdAt: at, ...fields };
}

// ---------------------------------------------------------------------------------------------------
// Public-computer sessions (JC-IIId; reviewed only when a violation is suspected, JC-VII)

export interface StartComputerSessionInput {
  /** The patron's card, or … */
  cardNumber?: string;
  /** … a guest pass: exactly one of the two. A guest pass is not personal data. */
  guestPass?: string;
  /** For a guest pass: the library (default: the staff member's own). A card's session is in its patron's library. */
  libraryId?: string;
  /** Branch id or code. */
  branch: string;
  /** The station's code (PC-07). */
  station: string;
}

/**
 * Logs a patron (by card) or a guest (by guest pass) on to a public computer (JC-IIId). A session still
 * open on that station is ended now — a new log-on means the previous user has gone — so no session is
 * left without an end for the retention engine to count from.
 */
export async function startComputerSession(ctx: Context, input: StartComputerSessionInput): Promise<ServiceReceipt & { endedSessionIds: string[] }> {
  requirePermission(ctx, 'services.record');
  const problems: Problem[] = [];
  if ((input.cardNumber === undefined) === (input.guestPass === undefined))
    problems.push({ code: ErrorCode.CARD_OR_GUEST_PASS_REQUIRED, message: 'A computer session is opened with a library card or a guest pass, exactly one of the two.' });
  if (input.guestPass !== undefined) codeProblem(input.guestPass, 'guestPass', 'A guest pass', problems);
  codeProblem(input.station, 'station', 'A station code', problems);
  const patron = input.cardNumber !== undefined ? await patronFor(ctx, input.cardNumber, problems) : undefined;
  const libraryId =
    input.cardNumber !== undefined ? libraryOfPatron(patron, input.libraryId, problems) : input.guestPass !== undefined ? await libraryWithoutPatron(ctx, input.libraryId, problems) : undefined;
  const branch = await branchFor(ctx, libraryId, input.branch, problems);
  refuseAll(problems);
  const library = libraryId as string;
  const where = branch as Branch;

  const endedSessionIds: string[] = [];
  // The branch row is locked first (PostgreSQL), so two log-ons at one station take turns: the second
  // ends the first's session instead of both staying open.
  await services.lockBranchForBooking(ctx.trx, where.id);
  for (const previous of await services.activeSessionsOnStation(ctx.trx, library, where.id, input.station)) {
    await closeNow(ctx, previous, 'ended', 'computer-session-ended');
    endedSessionIds.push(previous.id);
  }
  const record = newRecord(ctx, {
    kind: 'computer-session',
    libraryId: library,
    branchId: where.id,
    patronId: patron?.id ?? null,
    guestPass: patron ? null : (input.guestPass ?? null),
    resource: input.station,
    status: 'active',
  });
  await services.insertServiceRecord(ctx.trx, record);
  await logPatronAccess(ctx, record, 'computer-session-started');
  return { ...receipt(record), endedSessionIds };
}

/** Logs a session off: from now on the retention engine counts its days (JC-IIId). */
export async function endComputerSession(ctx: Context, input: { sessionId: string }): Promise<ServiceReceipt> {
  requirePermission(ctx, 'services.record');
  const record = await requireServiceRecord(ctx, input.sessionId, 'computer-session');
  if (record.status !== 'active') throw refuse(ErrorCode.SERVICE_RECORD_CLOSED, 'The session has already ended.', 'id');
  return closeNow(ctx, record, 'ended', 'computer-session-ended');
}

// ---------------------------------------------------------------------------------------------------
// Program sign-ups and room bookings (JC-IIIf)

export interface BookingInput {
  cardNumber: string;
  /** Branch id or code where the program or room is. */
  branch: string;
  /** ISO-8601 instants with an offset. */
  startsAt: string;
  endsAt: string;
}

/** What booking a room and signing up for a program share: checks, and the record kept until the event's end. */
async function book(ctx: Context, input: BookingInput & { resource: string }, kind: 'program-signup' | 'room-booking', what: string): Promise<ServiceReceipt> {
  const problems: Problem[] = [];
  codeProblem(input.resource, kind === 'room-booking' ? 'room' : 'program', what, problems);
  const times = eventTimes(ctx, input, problems);
  const patron = await patronFor(ctx, input.cardNumber, problems);
  const branch = await branchFor(ctx, patron?.libraryId, input.branch, problems);
  if (patron && branch && times && problems.length === 0) {
    // On PostgreSQL the branch row is locked first, so two desks cannot both find the room free; a
    // sign-up locks the patron's row, so the same sign-up made twice at once is found by the second.
    if (kind === 'room-booking') await services.lockBranchForBooking(ctx.trx, branch.id);
    else if (!(await lockPatronRow(ctx.trx, patron.id))) problems.push({ code: ErrorCode.PATRON_NOT_FOUND, message: 'No patron has that card number.', field: 'cardNumber' });
    const query = { kind, libraryId: patron.libraryId, branchId: branch.id, resource: input.resource, ...times };
    if (kind === 'room-booking' && (await services.overlappingBookings(ctx.trx, query)).length > 0)
      problems.push({ code: ErrorCode.ROOM_ALREADY_BOOKED, message: 'The room is booked for part of that time.', field: 'room' });
    if (kind === 'program-signup' && (await services.overlappingBookings(ctx.trx, { ...query, patronId: patron.id })).length > 0)
      problems.push({ code: ErrorCode.ALREADY_SIGNED_UP, message: 'The patron is already signed up for that program at that time.', field: 'program' });
  }
  // ALREADY_SIGNED_UP says what the patron signed up for: a read of their service records, logged on them.
  if (patron && problems.some((p) => p.code === ErrorCode.ALREADY_SIGNED_UP))
    throw refusalFromRecord(ctx, patron, 'program-signup-refused', [SERVICE_CATEGORY[kind]], new DomainError(problems));
  refuseAll(problems);

  // The record is over when the event is: retention counts from the event's end (JC-IIIf, JC-IVd).
  const record = newRecord(ctx, {
    kind,
    libraryId: (patron as StoredPatron).libraryId,
    branchId: (branch as Branch).id,
    patronId: (patron as StoredPatron).id,
    resource: input.resource,
    status: 'booked',
    ...(times as { startsAt: string; endsAt: string }),
  });
  await services.insertServiceRecord(ctx.trx, record);
  await logPatronAccess(ctx, record, kind === 'room-booking' ? 'room-booked' : 'program-signup');
  return receipt(record);
}

/** A booking or sign-up cancelled before its event ends is over now, so retention counts from now. */
async function cancelBooking(ctx: Context, id: string, kind: 'program-signup' | 'room-booking'): Promise<ServiceReceipt> {
  const record = await requireServiceRecord(ctx, id, kind);
  if (record.status !== 'booked') throw refuse(ErrorCode.SERVICE_RECORD_CLOSED, `It is already ${record.status}.`, 'id');
  if (record.endsAt !== null && new Date(record.endsAt).getTime() <= ctx.now.getTime()) throw refuse(ErrorCode.SERVICE_RECORD_CLOSED, 'The event is over.', 'id');
  return closeNow(ctx, record, 'cancelled', kind === 'room-booking' ? 'room-booking-cancelled' : 'program-signup-cancelled');
}

/** Signs a patron up for a program (storytime, class) at a branch; the record ends with the event (JC-IIIf). */
export async function signUpForProgram(ctx: Context, input: BookingInput & { program: string }): Promise<ServiceReceipt> {
  requirePermission(ctx, 'services.record');
  return book(ctx, { ...input, resource: input.program }, 'program-signup', 'A program code');
}

/** Cancels a patron's program sign-up. */
export async function cancelSignup(ctx: Context, input: { signupId: string }): Promise<ServiceReceipt> {
  requirePermission(ctx, 'services.record');
  return cancelBooking(ctx, input.signupId, 'program-signup');
}

/** Books a meeting or study room for a patron; refused when the room is taken for part of the time (JC-IIIf). */
export async function bookRoom(ctx: Context, input: BookingInput & { room: string }): Promise<ServiceReceipt> {
  requirePermission(ctx, 'services.record');
  return book(ctx, { ...input, resource: input.room }, 'room-booking', 'A room code');
}

/** Cancels a room booking. */
export async function cancelRoomBooking(ctx: Context, input: { bookingId: string }): Promise<ServiceReceipt> {
  requirePermission(ctx, 'services.record');
  return cancelBooking(ctx, input.bookingId, 'room-booking');
}

// ---------------------------------------------------------------------------------------------------
// Interlibrary-loan and reference requests (JC-IIIe, CB-A2, CB-C)

export interface InterlibraryLoanInput {
  cardNumber: string;
  title: string;
  author?: string | null;
  isbn?: string | null;
  /** Pick-up branch id or code (optional). */
  branch?: string;
}

function optionalText(text: string | null | undefined): string | null {
  const trimmed = text?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/**
 * Records a patron's interlibrary-loan request (JC-IIIe). What is wanted is the patron's reading
 * interest, confidential like circulation (CB-A2, CB-C): it is sealed under the patron's data key, and
 * the row itself carries no title.
 */
export async function requestInterlibraryLoan(ctx: Context, input: InterlibraryLoanInput): Promise<ServiceReceipt> {
  requirePermission(ctx, 'services.record');
  const problems: Problem[] = [];
  const title = input.title.trim();
  const author = optionalText(input.author);
  const isbn = optionalText(input.isbn);
  if (title === '' || title.length > 500) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A title of 1–500 characters is required.', field: 'title' });
  if (author !== null && author.length > 300) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'An author is at most 300 characters.', field: 'author' });
  if (isbn !== null && !ISBN.test(isbn)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'An ISBN is up to 20 digits, X or hyphens.', field: 'isbn' });
  const patron = await patronFor(ctx, input.cardNumber, problems);
  const branch = await branchFor(ctx, patron?.libraryId, input.branch, problems);
  refuseAll(problems);
  const owner = patron as StoredPatron;

  const details: ServiceDetails = { title, author, isbn };
  const record = newRecord(ctx, {
    kind: 'ill-request',
    libraryId: owner.libraryId,
    branchId: branch?.id ?? null,
    patronId: owner.id,
    details: await sealServiceDetails(ctx, owner.id, details),
    status: 'open',
  });
  await services.insertServiceRecord(ctx.trx, record);
  await logPatronAccess(ctx, record, 'ill-requested');
  return receipt(record);
}

export const ILL_OUTCOMES = ['fulfilled', 'cancelled'] as const;
export type IllOutcome = (typeof ILL_OUTCOMES)[number];

/** Closes an interlibrary-loan request as fulfilled or cancelled; retention counts from now. */
export async function closeInterlibraryLoan(ctx: Context, input: { requestId: string; outcome: IllOutcome }): Promise<ServiceReceipt> {
  requirePermission(ctx, 'services.record');
  if (!(ILL_OUTCOMES as readonly string[]).includes(input.outcome))
    throw refuse(ErrorCode.VALIDATION_FAILED, `An interlibrary-loan request closes as ${ILL_OUTCOMES.join(' or ')}.`, 'outcome');
  const record = await requireServiceRecord(ctx, input.requestId, 'ill-request');
  if (record.status !== 'open') throw refuse(ErrorCode.SERVICE_RECORD_CLOSED, `The request is already ${record.status}.`, 'id');
  return closeNow(ctx, record, input.outcome, `ill-${input.outcome}`);
}

export interface ReferenceRequestInput {
  /** A known patron's card: their question may then be kept, sealed under their key. */
  cardNumber?: string;
  /** The question, as free text: only with a card (DETAILS_NEED_PATRON otherwise). */
  question?: string | null;
  /** A subject or topic code (local-history, tax-forms): what an anonymous question may record. */
  topic?: string;
  /** Without a card: the library (default: the staff member's own). */
  libraryId?: string;
  branch?: string;
  /** Answered on the spot: the request is recorded already closed. */
  answered?: boolean;
}

/**
 * Records a reference request (JC-IIIe). A known patron's question is sealed under their key (CB-A2);
 * an anonymous walk-up question is not personal data and is recorded by topic code only, never as free
 * text (JC-III: create no unnecessary records). A question answered on the spot is closed at once.
 */
export async function recordReferenceRequest(ctx: Context, input: ReferenceRequestInput): Promise<ServiceReceipt> {
  requirePermission(ctx, 'services.record');
  const problems: Problem[] = [];
  const question = optionalText(input.question);
  if (question !== null && input.cardNumber === undefined)
    problems.push({ code: ErrorCode.DETAILS_NEED_PATRON, message: 'A question is kept only for a known patron; record an anonymous question by topic code.', field: 'question' });
  if (question !== null && question.length > 2000) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A question is at most 2000 characters.', field: 'question' });
  if (input.topic !== undefined) codeProblem(input.topic, 'topic', 'A topic code', problems);
  const patron = input.cardNumber !== undefined ? await patronFor(ctx, input.cardNumber, problems) : undefined;
  const libraryId = input.cardNumber !== undefined ? libraryOfPatron(patron, input.libraryId, problems) : await libraryWithoutPatron(ctx, input.libraryId, problems);
  const branch = await branchFor(ctx, libraryId, input.branch, problems);
  refuseAll(problems);

  const answered = input.answered === true;
  const record = newRecord(ctx, {
    kind: 'reference-request',
    libraryId: libraryId as string,
    branchId: branch?.id ?? null,
    patronId: patron?.id ?? null,
    resource: input.topic ?? null,
    details: patron && question !== null ? await sealServiceDetails(ctx, patron.id, { question }) : null,
    status: answered ? 'answered' : 'open',
    endsAt: answered ? ctx.now.toISOString() : null,
  });
  await services.insertServiceRecord(ctx.trx, record);
  await logPatronAccess(ctx, record, 'reference-requested');
  return receipt(record);
}

export const REFERENCE_OUTCOMES = ['answered', 'cancelled'] as const;
export type ReferenceOutcome = (typeof REFERENCE_OUTCOMES)[number];

/** Closes a reference request as answered or cancelled; retention counts from now. */
export async function closeReferenceRequest(ctx: Context, input: { requestId: string; outcome: ReferenceOutcome }): Promise<ServiceReceipt> {
  requirePermission(ctx, 'services.record');
  if (!(REFERENCE_OUTCOMES as readonly string[]).includes(input.outcome))
    throw refuse(ErrorCode.VALIDATION_FAILED, `A reference request closes as ${REFERENCE_OUTCOMES.join(' or ')}.`, 'outcome');
  const record = await requireServiceRecord(ctx, input.requestId, 'reference-request');
  if (record.status !== 'open') throw refuse(ErrorCode.SERVICE_RECORD_CLOSED, `The request is already ${record.status}.`, 'id');
  return closeNow(ctx, record, input.outcome, `reference-${input.outcome}`);
}

// ---------------------------------------------------------------------------------------------------
// Reading a patron's service records

/**
 * Every service record of one patron with its details opened, for staff of the patron's library (or the
 * system) and for the patron's export (CB-A8, JC-IVb). The read is logged against every service category.
 */
export async function patronServiceRecords(ctx: Context, input: { cardNumber?: string; patronId?: string }): Promise<OpenedServiceRecord[]> {
  // Read only for a named purpose by a role allowed to. Public-computer logs are reviewed only when a
  // violation is suspected (JC-VII): the purpose decides what is shown (purpose-view.policy.ts).
  const view = serviceRecordsView(ctx.purpose);
  requirePurpose(ctx, view.permission);
  const patron = await requirePatronRef(ctx, input);
  const shown = (await services.serviceRecordsOfPatron(ctx.trx, patron.id)).filter((r) => view.categories.includes(SERVICE_CATEGORY[r.kind]));
  const records = await openServiceRecords(ctx, shown);
  await recordAccess(ctx, patron, 'view-services', view.categories);
  return records;
}
