import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, countRows, libraryWorld, refusal, refusalCodes, type World } from '../../test/factories.js';
import type { Actor } from '../policy/actors.js';
import { accessEntriesForPatron } from '../storage/access-log.repository.js';
import { countServiceRecords, findServiceRecord } from '../storage/service-record.repository.js';
import { deletePatron } from './patron-deletion.usecases.js';
import { exportPatron, setPatronStatus } from './patron.usecases.js';
import {
  bookRoom,
  cancelRoomBooking,
  cancelSignup,
  closeInterlibraryLoan,
  closeReferenceRequest,
  endComputerSession,
  patronServiceRecords,
  recordReferenceRequest,
  requestInterlibraryLoan,
  signUpForProgram,
  startComputerSession,
} from './service-record.usecases.js';

const HOUR = 3_600_000;

describe.each(ENGINES)('services outside circulation on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let otherLibraryId: string;
  let clerk: Actor;
  let strangerClerk: Actor;

  /** An instant `hours` from the test clock's now. */
  const inHours = (hours: number) => new Date(w.clock.now().getTime() + hours * HOUR).toISOString();
  /** Rows that a refused request must leave as they were. */
  const snapshot = async () => ({ services: await countServiceRecords(database.db), log: await countRows(database, 'access_log') });

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    otherLibraryId = (await buildLibrary(w)).library.id;
    clerk = { kind: 'staff', id: 'clerk-home', libraryId, roles: ['circulation'] };
    strangerClerk = { kind: 'staff', id: 'clerk-away', libraryId: otherLibraryId, roles: ['circulation'] };
  });
  afterAll(() => database.drop());

  it('records a computer session by card until log-off, and logs both to the patron (JC-IIId)', async () => {
    // Given a patron at the desk
    const patron = await buildPatron(w, { libraryId });
    // When they log on to PC-01 and, an hour later, off
    const started = await w.act(startComputerSession, { cardNumber: patron.cardNumber, branch: 'main', station: 'PC-01' }, { actor: clerk });
    expect(started).toMatchObject({ kind: 'computer-session', status: 'active', resource: 'PC-01', endsAt: null, endedSessionIds: [] });
    expect(JSON.stringify(started)).not.toContain(patron.cardNumber);
    w.clock.set(inHours(1));
    const ended = await w.act(endComputerSession, { sessionId: started.id }, { actor: clerk });
    // Then the session has an end the retention engine counts from, and both steps are in the access log
    expect(ended).toMatchObject({ status: 'ended', endsAt: w.clock.now().toISOString() });
    const row = await findServiceRecord(database.db, started.id);
    expect(row).toMatchObject({ patronId: patron.id, guestPass: null, endsAt: w.clock.now().toISOString() });
    const log = await accessEntriesForPatron(database.db, patron.id);
    expect(log.filter((e) => e.action.startsWith('computer-session')).map((e) => [e.action, e.categories])).toEqual([
      ['computer-session-started', ['computer-sessions']],
      ['computer-session-ended', ['computer-sessions']],
    ]);
    // A session ends once
    expect(await refusalCodes(w.act(endComputerSession, { sessionId: started.id }, { actor: clerk }))).toEqual(['SERVICE_RECORD_CLOSED']);
  });

  it('records a guest-pass session with no patron, and a new log-on ends the one left open on the station', async () => {
    const guest = await w.act(startComputerSession, { guestPass: 'GUEST-0042', branch: 'main', station: 'PC-02' }, { actor: clerk });
    expect(await findServiceRecord(database.db, guest.id)).toMatchObject({ libraryId, patronId: null, guestPass: 'GUEST-0042', details: null });
    w.clock.set(inHours(2));
    const patron = await buildPatron(w, { libraryId });
    const next = await w.act(startComputerSession, { cardNumber: patron.cardNumber, branch: 'main', station: 'PC-02' }, { actor: clerk });
    expect(next.endedSessionIds).toEqual([guest.id]);
    expect(await findServiceRecord(database.db, guest.id)).toMatchObject({ status: 'ended', endsAt: w.clock.now().toISOString() });
    // The system (CLI) has no home library: a guest session names it
    expect(await refusalCodes(w.act(startComputerSession, { guestPass: 'GUEST-1', branch: 'main', station: 'PC-03' }))).toEqual(['VALIDATION_FAILED']);
    await w.act(endComputerSession, { sessionId: next.id });
  });

  it('refuses a session without exactly one of card or guest pass, with a lost card, or a bad station, and records nothing', async () => {
    const patron = await buildPatron(w, { libraryId });
    const lost = await buildPatron(w, { libraryId });
    await w.act(setPatronStatus, { patronId: lost.id, status: 'card-lost' });
    const before = await snapshot();
    expect(await refusalCodes(w.act(startComputerSession, { branch: 'main', station: 'PC-09' }, { actor: clerk }))).toEqual(['CARD_OR_GUEST_PASS_REQUIRED']);
    expect(
      await refusalCodes(w.act(startComputerSession, { cardNumber: patron.cardNumber, guestPass: 'G-1', branch: 'main', station: 'PC-09' }, { actor: clerk })),
    ).toEqual(['CARD_OR_GUEST_PASS_REQUIRED']);
    // Every problem at once (JC-IVa: a card reported lost stops working)
    expect(await refusalCodes(w.act(startComputerSession, { cardNumber: lost.cardNumber, branch: 'attic', station: 'PC 9!' }, { actor: clerk }))).toEqual([
      'VALIDATION_FAILED',
      'CARD_REPORTED_LOST',
      'BRANCH_NOT_FOUND',
    ]);
    expect(await refusalCodes(w.act(startComputerSession, { cardNumber: '00000000000000', branch: 'main', station: 'PC-09' }, { actor: clerk }))).toEqual([
      'PATRON_NOT_FOUND',
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('keeps a program sign-up until the event ends, and a cancellation ends it now (JC-IIIf)', async () => {
    const patron = await buildPatron(w, { libraryId });
    const startsAt = inHours(48);
    const endsAt = inHours(49);
    const signup = await w.act(signUpForProgram, { cardNumber: patron.cardNumber, program: 'storytime', branch: 'main', startsAt, endsAt }, { actor: clerk });
    expect(signup).toMatchObject({ kind: 'program-signup', status: 'booked', resource: 'storytime', startsAt, endsAt });
    expect(await refusalCodes(w.act(signUpForProgram, { cardNumber: patron.cardNumber, program: 'storytime', branch: 'main', startsAt, endsAt }))).toEqual([
      'ALREADY_SIGNED_UP',
    ]);
    const cancelled = await w.act(cancelSignup, { signupId: signup.id }, { actor: clerk });
    expect(cancelled).toMatchObject({ status: 'cancelled', endsAt: w.clock.now().toISOString() });
    expect(await refusalCodes(w.act(cancelSignup, { signupId: signup.id }))).toEqual(['SERVICE_RECORD_CLOSED']);
    // After the event, a sign-up is simply over: there is nothing left to cancel
    const later = await w.act(signUpForProgram, { cardNumber: patron.cardNumber, program: 'lego-club', branch: 'main', startsAt, endsAt });
    w.clock.set(inHours(60));
    expect(await refusalCodes(w.act(cancelSignup, { signupId: later.id }))).toEqual(['SERVICE_RECORD_CLOSED']);
    expect((await findServiceRecord(database.db, later.id))?.endsAt).toBe(endsAt);
    const log = await accessEntriesForPatron(database.db, patron.id);
    // ALREADY_SIGNED_UP told the desk of the sign-up: a read, logged on the patron (issue 22, defect 10)
    expect(log.filter((e) => e.categories.includes('program-signups')).map((e) => e.action)).toEqual(['program-signup', 'program-signup-refused', 'program-signup-cancelled', 'program-signup']);
  });

  it('refuses bad event times with their codes, together, and records nothing', async () => {
    const patron = await buildPatron(w, { libraryId });
    const before = await snapshot();
    const base = { cardNumber: patron.cardNumber, branch: 'main', room: 'study-1' };
    const both = await refusal(w.act(bookRoom, { ...base, room: 'no spaces', startsAt: '2026-03-10', endsAt: 'tomorrow' }));
    expect(both.problems.map((p) => [p.code, p.field])).toEqual([
      ['VALIDATION_FAILED', 'room'],
      ['INVALID_DATE', 'startsAt'],
      ['INVALID_DATE', 'endsAt'],
    ]);
    expect(await refusalCodes(w.act(bookRoom, { ...base, startsAt: inHours(5), endsAt: inHours(4) }))).toEqual(['ENDS_BEFORE_STARTS']);
    expect(await refusalCodes(w.act(bookRoom, { ...base, startsAt: inHours(5), endsAt: inHours(5) }))).toEqual(['ENDS_BEFORE_STARTS']);
    expect(await refusalCodes(w.act(bookRoom, { ...base, startsAt: inHours(-3), endsAt: inHours(-1) }))).toEqual(['EVENT_OVER']);
    expect(await refusalCodes(w.act(signUpForProgram, { ...base, program: 'storytime', startsAt: inHours(1), endsAt: inHours(-1) }))).toEqual(['ENDS_BEFORE_STARTS']);
    expect(await snapshot()).toEqual(before);
  });

  it('books a room unless it is taken for part of the time; a cancelled booking frees it (JC-IIIf)', async () => {
    const one = await buildPatron(w, { libraryId });
    const two = await buildPatron(w, { libraryId });
    const booking = await w.act(bookRoom, { cardNumber: one.cardNumber, room: 'meeting-a', branch: 'main', startsAt: inHours(24), endsAt: inHours(26) }, { actor: clerk });
    expect(booking).toMatchObject({ kind: 'room-booking', status: 'booked', endsAt: inHours(26) });
    const before = await snapshot();
    expect(await refusalCodes(w.act(bookRoom, { cardNumber: two.cardNumber, room: 'meeting-a', branch: 'main', startsAt: inHours(25), endsAt: inHours(27) }))).toEqual([
      'ROOM_ALREADY_BOOKED',
    ]);
    expect(await snapshot()).toEqual(before);
    // Back to back is fine, and so is another room
    await w.act(bookRoom, { cardNumber: two.cardNumber, room: 'meeting-a', branch: 'main', startsAt: inHours(26), endsAt: inHours(27) });
    await w.act(bookRoom, { cardNumber: two.cardNumber, room: 'meeting-b', branch: 'main', startsAt: inHours(25), endsAt: inHours(27) });
    await w.act(cancelRoomBooking, { bookingId: booking.id }, { actor: clerk });
    await w.act(bookRoom, { cardNumber: two.cardNumber, room: 'meeting-a', branch: 'main', startsAt: inHours(24), endsAt: inHours(26) });
  });

  it('seals what an ILL request asks for, and closes it as fulfilled or cancelled (JC-IIIe, CB-A2, CB-C)', async () => {
    const patron = await buildPatron(w, { libraryId });
    const title = `The Secret Garden Marker${engine}`;
    const request = await w.act(requestInterlibraryLoan, { cardNumber: patron.cardNumber, title, author: 'Frances Hodgson Burnett', isbn: '978-0-14-243705-1' }, { actor: clerk });
    expect(request).toMatchObject({ kind: 'ill-request', status: 'open', endsAt: null, resource: null });
    expect(JSON.stringify(request)).not.toContain('Secret Garden');
    // The raw row carries no title, author or ISBN: only the sealed document
    const raw = await database.db.selectFrom('service_records').selectAll().where('id', '=', request.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(raw)).not.toMatch(/Secret Garden|Burnett|243705/);
    expect(raw.details).toBeTruthy();
    // A librarian of the patron's library, serving the account, sees it opened; a clerk may not look (RF-10)
    const librarian: Actor = { kind: 'staff', id: 'librarian-home', libraryId, roles: ['librarian'] };
    expect(await refusalCodes(w.act(patronServiceRecords, { cardNumber: patron.cardNumber }, { actor: clerk, purpose: 'account-service' }))).toEqual(['PERMISSION_DENIED']);
    const seen = await w.act(patronServiceRecords, { cardNumber: patron.cardNumber }, { actor: librarian, purpose: 'account-service' });
    expect(seen).toEqual([expect.objectContaining({ id: request.id, details: { title, author: 'Frances Hodgson Burnett', isbn: '978-0-14-243705-1' } })]);

    expect(await refusalCodes(w.act(closeInterlibraryLoan, { requestId: request.id, outcome: 'lost' as never }))).toEqual(['VALIDATION_FAILED']);
    w.clock.set(inHours(24 * 10));
    const closed = await w.act(closeInterlibraryLoan, { requestId: request.id, outcome: 'fulfilled' }, { actor: clerk });
    expect(closed).toMatchObject({ status: 'fulfilled', endsAt: w.clock.now().toISOString() });
    expect(await refusalCodes(w.act(closeInterlibraryLoan, { requestId: request.id, outcome: 'cancelled' }))).toEqual(['SERVICE_RECORD_CLOSED']);
    const other = await w.act(requestInterlibraryLoan, { cardNumber: patron.cardNumber, title: 'Another' });
    expect(await w.act(closeInterlibraryLoan, { requestId: other.id, outcome: 'cancelled' })).toMatchObject({ status: 'cancelled' });
  });

  it('refuses a bad ILL request with every problem, and records nothing', async () => {
    const before = await snapshot();
    const error = await refusal(w.act(requestInterlibraryLoan, { cardNumber: '00000000000000', title: '  ', isbn: 'not an isbn' }));
    expect(error.problems.map((p) => [p.code, p.field])).toEqual([
      ['VALIDATION_FAILED', 'title'],
      ['VALIDATION_FAILED', 'isbn'],
      ['PATRON_NOT_FOUND', 'cardNumber'],
    ]);
    expect(JSON.stringify(error.problems)).not.toContain('not an isbn');
    expect(await snapshot()).toEqual(before);
  });

  it('seals a known patron’s reference question; an anonymous one is recorded by topic only (JC-IIIe, JC-III)', async () => {
    const patron = await buildPatron(w, { libraryId });
    const question = `Where are my grandmother's naturalization papers Marker${engine}?`;
    const known = await w.act(recordReferenceRequest, { cardNumber: patron.cardNumber, question, topic: 'genealogy', branch: 'main' }, { actor: clerk });
    expect(known).toMatchObject({ kind: 'reference-request', status: 'open', resource: 'genealogy' });
    const raw = await database.db.selectFrom('service_records').select(['details']).where('id', '=', known.id).executeTakeFirstOrThrow();
    expect(raw.details).not.toContain('naturalization');
    expect((await w.act(closeReferenceRequest, { requestId: known.id, outcome: 'answered' }, { actor: clerk })).status).toBe('answered');

    // Anonymous: a topic, no text, no patron; answered on the spot it is closed at once
    const before = await snapshot();
    expect(await refusalCodes(w.act(recordReferenceRequest, { question: 'What is the tax form for…', topic: 'tax-forms' }, { actor: clerk }))).toEqual(['DETAILS_NEED_PATRON']);
    expect(await snapshot()).toEqual(before);
    const walkUp = await w.act(recordReferenceRequest, { topic: 'tax-forms', answered: true }, { actor: clerk });
    expect(walkUp).toMatchObject({ status: 'answered', endsAt: w.clock.now().toISOString(), libraryId });
    expect(await findServiceRecord(database.db, walkUp.id)).toMatchObject({ patronId: null, details: null, resource: 'tax-forms' });
    expect(await snapshot()).toEqual({ services: before.services + 1, log: before.log }); // no patron, no access-log row
    expect(await refusalCodes(w.act(closeReferenceRequest, { requestId: walkUp.id, outcome: 'cancelled' }))).toEqual(['SERVICE_RECORD_CLOSED']);
    const open = await w.act(recordReferenceRequest, { libraryId, topic: 'local-history' });
    expect((await w.act(closeReferenceRequest, { requestId: open.id, outcome: 'cancelled' })).status).toBe('cancelled');
  });

  it('answers another library’s staff NOT FOUND for every record and patron, never forbidden (CB-A3, RF-1)', async () => {
    const patron = await buildPatron(w, { libraryId });
    const session = await w.act(startComputerSession, { cardNumber: patron.cardNumber, branch: 'main', station: 'PC-20' }, { actor: clerk });
    const signup = await w.act(signUpForProgram, { cardNumber: patron.cardNumber, program: 'chess', branch: 'main', startsAt: inHours(3), endsAt: inHours(4) });
    const booking = await w.act(bookRoom, { cardNumber: patron.cardNumber, room: 'quiet-1', branch: 'main', startsAt: inHours(3), endsAt: inHours(4) });
    const ill = await w.act(requestInterlibraryLoan, { cardNumber: patron.cardNumber, title: 'Far Away Book' });
    const reference = await w.act(recordReferenceRequest, { cardNumber: patron.cardNumber, question: 'Something private' });
    const before = await snapshot();
    const as = { actor: strangerClerk };
    expect(await refusalCodes(w.act(endComputerSession, { sessionId: session.id }, as))).toEqual(['SERVICE_RECORD_NOT_FOUND']);
    expect(await refusalCodes(w.act(cancelSignup, { signupId: signup.id }, as))).toEqual(['SERVICE_RECORD_NOT_FOUND']);
    expect(await refusalCodes(w.act(cancelRoomBooking, { bookingId: booking.id }, as))).toEqual(['SERVICE_RECORD_NOT_FOUND']);
    expect(await refusalCodes(w.act(closeInterlibraryLoan, { requestId: ill.id, outcome: 'cancelled' }, as))).toEqual(['SERVICE_RECORD_NOT_FOUND']);
    expect(await refusalCodes(w.act(closeReferenceRequest, { requestId: reference.id, outcome: 'answered' }, as))).toEqual(['SERVICE_RECORD_NOT_FOUND']);
    const strangerLibrarian: Actor = { kind: 'staff', id: 'librarian-away', libraryId: otherLibraryId, roles: ['librarian'] };
    expect(await refusalCodes(w.act(patronServiceRecords, { patronId: patron.id }, { actor: strangerLibrarian, purpose: 'account-service' }))).toEqual(['PATRON_NOT_FOUND']);
    expect(await refusalCodes(w.act(startComputerSession, { cardNumber: patron.cardNumber, branch: 'main', station: 'PC-21' }, as))).toEqual(['PATRON_NOT_FOUND']);
    // A guest session in a library the clerk does not work for is refused as not found too
    expect(await refusalCodes(w.act(startComputerSession, { guestPass: 'G-9', libraryId, branch: 'main', station: 'PC-21' }, as))).toEqual(['LIBRARY_NOT_FOUND']);
    // An id of another kind is not found either
    expect(await refusalCodes(w.act(endComputerSession, { sessionId: ill.id }, { actor: clerk }))).toEqual(['SERVICE_RECORD_NOT_FOUND']);
    expect(await snapshot()).toEqual(before);
    await w.act(endComputerSession, { sessionId: session.id }, { actor: clerk });
  });

  it('puts every service record, opened, in the patron’s export, and deletes them with the patron (CB-A8, JC-IVb)', async () => {
    const patron = await buildPatron(w, { libraryId });
    const session = await w.act(startComputerSession, { cardNumber: patron.cardNumber, branch: 'main', station: 'PC-30' });
    await w.act(endComputerSession, { sessionId: session.id });
    await w.act(signUpForProgram, { cardNumber: patron.cardNumber, program: 'knitting', branch: 'main', startsAt: inHours(3), endsAt: inHours(4) });
    await w.act(bookRoom, { cardNumber: patron.cardNumber, room: 'study-9', branch: 'main', startsAt: inHours(3), endsAt: inHours(4) });
    await w.act(requestInterlibraryLoan, { cardNumber: patron.cardNumber, title: 'Exported Title' });
    await w.act(recordReferenceRequest, { cardNumber: patron.cardNumber, question: 'Exported question?' });
    // Someone else's records stay out of it
    const other = await buildPatron(w, { libraryId });
    await w.act(requestInterlibraryLoan, { cardNumber: other.cardNumber, title: 'Not Theirs' });

    const exported = await w.act(exportPatron, { cardNumber: patron.cardNumber }, { purpose: 'account-service' });
    expect(exported.services.map((s) => s.kind).sort()).toEqual(['computer-session', 'ill-request', 'program-signup', 'reference-request', 'room-booking']);
    expect(exported.services.find((s) => s.kind === 'ill-request')?.details).toEqual({ title: 'Exported Title', author: null, isbn: null });
    expect(exported.services.find((s) => s.kind === 'reference-request')?.details).toEqual({ question: 'Exported question?' });
    expect(JSON.stringify(exported)).not.toContain('Not Theirs');
    const exportEntry = (await accessEntriesForPatron(database.db, patron.id)).find((e) => e.action === 'export');
    expect(exportEntry?.categories).toEqual(expect.arrayContaining(['computer-sessions', 'program-signups', 'room-bookings', 'ill-requests', 'reference-requests']));

    // JC-VII: public-computer logs are reviewed only when a violation is suspected, by the director; an
    // account-service look-up shows every other service record and no computer log.
    const librarian: Actor = { kind: 'staff', id: 'librarian-2', libraryId, roles: ['librarian'] };
    const director: Actor = { kind: 'staff', id: 'director-1', libraryId, roles: ['director'] };
    const served = await w.act(patronServiceRecords, { patronId: patron.id }, { actor: librarian, purpose: 'account-service' });
    expect(served.map((r) => r.kind).sort()).toEqual(['ill-request', 'program-signup', 'reference-request', 'room-booking']);
    expect(await refusalCodes(w.act(patronServiceRecords, { patronId: patron.id }, { actor: librarian, purpose: 'violation-review' }))).toEqual(['PERMISSION_DENIED']);
    const reviewed = await w.act(patronServiceRecords, { patronId: patron.id }, { actor: director, purpose: 'violation-review' });
    expect(reviewed.map((r) => r.kind)).toEqual(['computer-session']);
    // …and a member of staff's export of the record leaves the computer log out too, and says so.
    const staffExport = await w.act(exportPatron, { patronId: patron.id }, { actor: librarian, purpose: 'account-service' });
    expect(staffExport.services.map((r) => r.kind)).not.toContain('computer-session');
    expect(staffExport).toMatchObject({ withheld: ['computer-sessions'] });

    const before = await countServiceRecords(database.db);
    await w.act(deletePatron, { patronId: patron.id }, { purpose: 'account-service' });
    expect(await countServiceRecords(database.db)).toBe(before - 5);
    const left = await database.db.selectFrom('service_records').select('id').where('patron_id', '=', patron.id).execute();
    expect(left).toEqual([]);
    expect(await w.act(patronServiceRecords, { patronId: other.id }, { purpose: 'account-service' })).toHaveLength(1);
  });
});
