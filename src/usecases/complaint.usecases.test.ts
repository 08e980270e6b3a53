import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, refusalCodes, START, world, type World } from '../../test/factories.js';
import type { Actor } from '../policy/actors.js';
import { COMPLAINT_ANSWER_DAYS } from '../policy/complaint.policy.js';
import { answerComplaint, getComplaint, listComplaints, recordComplaint } from './complaint.usecases.js';
import { deletePatron } from './patron-deletion.usecases.js';

const DAY = 86_400_000;
const at = (days: number) => new Date(Date.parse(START) + days * DAY).toISOString();

/** JC-VIII: written complaints go to the director and get a timely answer. */
describe.each(ENGINES)('complaints on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    libraryId = (await buildLibrary(w, { profileId: 'jackson-county-or' })).library.id;
  });
  afterAll(() => database.drop());

  const director: () => Actor = () => ({ kind: 'staff', id: 'director-1', libraryId, roles: ['director'] });
  const clerk: () => Actor = () => ({ kind: 'staff', id: 'clerk-1', libraryId, roles: ['circulation'] });

  it('JC-VIII: a clerk records a complaint due in 30 days; it is flagged overdue once the date passes unanswered, and the director answers it', async () => {
    // Given a patron who hands the desk a written complaint, and an anonymous letter
    w.clock.set(START);
    const patron = await buildPatron(w, { libraryId });
    const named = await w.act(recordComplaint, { cardNumber: patron.cardNumber, channel: 'letter', topic: 'privacy', summary: 'Asked why my history is kept' }, { actor: clerk() });
    const anonymous = await w.act(recordComplaint, { channel: 'email', topic: 'staff-conduct' }, { actor: clerk() });
    expect(named).toMatchObject({ patronId: patron.id, dueAt: at(COMPLAINT_ANSWER_DAYS), overdue: false, summary: 'Asked why my history is kept' });
    expect(anonymous).toMatchObject({ patronId: null, summary: null, topic: 'staff-conduct' });
    // Then the summary is stored sealed, never in the clear
    const row = await database.db.selectFrom('complaints').select('summary').where('id', '=', named.id).executeTakeFirstOrThrow();
    expect(row.summary).not.toContain('history');

    // When the due date passes, Then both are flagged overdue in the director's list
    w.clock.set(at(COMPLAINT_ANSWER_DAYS + 1));
    const listed = await w.act(listComplaints, {}, { actor: director() });
    expect(listed.map((c) => [c.id, c.overdue])).toEqual(expect.arrayContaining([[named.id, true], [anonymous.id, true]]));
    // And the list opens no summary (it says there is one), so listing — even twice — reads no patron's record
    expect(listed.find((c) => c.id === named.id)).toMatchObject({ summary: null, hasSummary: true, answerSummary: null, hasAnswerSummary: false });
    expect(listed.find((c) => c.id === anonymous.id)).toMatchObject({ summary: null, hasSummary: false });
    await w.act(listComplaints, {}, { actor: director() });
    const reads = async () =>
      (await database.db.selectFrom('access_log').select('action').where('patron_id', '=', patron.id).where('action', '=', 'complaint-read').execute()).length;
    expect(await reads()).toBe(0);
    // When the director opens the one complaint, Then its summary shows, and that read is logged once
    expect(await w.act(getComplaint, { complaintId: named.id }, { actor: director() })).toMatchObject({ summary: 'Asked why my history is kept', hasSummary: true });
    expect(await reads()).toBe(1);
    // And an anonymous complaint has nothing sealed to open, and a clerk opens none
    expect(await w.act(getComplaint, { complaintId: anonymous.id }, { actor: director() })).toMatchObject({ summary: null, hasSummary: false });
    expect(await refusalCodes(w.act(getComplaint, { complaintId: named.id }, { actor: clerk() }))).toEqual(['PERMISSION_DENIED']);
    expect(await refusalCodes(w.act(getComplaint, { complaintId: '00000000-0000-4000-8000-000000000000' }, { actor: director() }))).toEqual(['COMPLAINT_NOT_FOUND']);

    // When the director answers, Then it stays flagged as answered late, and cannot be answered twice
    const answered = await w.act(answerComplaint, { complaintId: named.id, summary: 'We explained the opt-in' }, { actor: director() });
    expect(answered).toMatchObject({ answeredAt: at(COMPLAINT_ANSWER_DAYS + 1), answerSummary: 'We explained the opt-in', hasAnswerSummary: true, overdue: true });
    expect(await refusalCodes(w.act(answerComplaint, { complaintId: named.id }, { actor: director() }))).toEqual(['COMPLAINT_ANSWERED']);
    expect((await w.act(listComplaints, { open: true }, { actor: director() })).map((c) => c.id)).toEqual([anonymous.id]);
    expect((await w.act(listComplaints, {}, { actor: director() })).find((c) => c.id === named.id)).toMatchObject({ answerSummary: null, hasAnswerSummary: true });

    // And the named patron's record shows who recorded, answered and read the complaint
    const log = await database.db.selectFrom('access_log').select('action').where('patron_id', '=', patron.id).where('action', 'like', 'complaint-%').orderBy('seq').execute();
    expect(log.map((l) => l.action)).toEqual(['complaint-recorded', 'complaint-read', 'complaint-answered']);

    // And when the patron is deleted, the complaint stays as a topic, without them
    w.clock.set(at(40));
    await w.act(deletePatron, { cardNumber: patron.cardNumber }, { purpose: 'account-service' });
    const kept = await database.db.selectFrom('complaints').selectAll().where('id', '=', named.id).executeTakeFirstOrThrow();
    expect(kept).toMatchObject({ patron_id: null, summary: null, answer_summary: null, topic: 'privacy' });
  });

  it('refuses free text without a patron, a bad channel or topic, and a clerk answering or listing', async () => {
    w.clock.set(START);
    const before = (await database.db.selectFrom('complaints').select('id').execute()).length;
    expect(await refusalCodes(w.act(recordComplaint, { channel: 'fax', topic: 'Bad Topic!', summary: 'text' }, { actor: clerk() }))).toEqual([
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'DETAILS_NEED_PATRON',
    ]);
    const anonymous = await w.act(recordComplaint, { channel: 'letter', topic: 'noise' }, { actor: clerk() });
    expect(await refusalCodes(w.act(answerComplaint, { complaintId: anonymous.id }, { actor: clerk() }))).toEqual(['PERMISSION_DENIED']);
    expect(await refusalCodes(w.act(listComplaints, {}, { actor: clerk() }))).toEqual(['PERMISSION_DENIED']);
    expect(await refusalCodes(w.act(answerComplaint, { complaintId: '00000000-0000-4000-8000-000000000000' }, { actor: director() }))).toEqual(['COMPLAINT_NOT_FOUND']);
    expect((await database.db.selectFrom('complaints').select('id').execute()).length).toBe(before + 1);
  });
});
