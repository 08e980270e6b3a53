import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, libraryWorld, refusalCodes, type World } from '../../test/factories.js';
import type { Actor } from '../policy/actors.js';
import { addSeries, confirmDisposal, dueForDisposal, listSeries, syncProfileSeries } from './record-series.usecases.js';

const DAY = 86_400_000;

describe.each(ENGINES)('register of records kept outside Carrel on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string; // strict-default profile

  const admin: Actor = { kind: 'staff', id: 'admin-1', libraryId: null, roles: ['admin'] };
  const desk = (lib: string): Actor => ({ kind: 'staff', id: 'desk-1', libraryId: lib, roles: ['circulation'] });

  async function counts() {
    const series = await database.db.selectFrom('record_series').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const disposals = await database.db.selectFrom('record_series_disposals').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { series: Number(series.n), disposals: Number(disposals.n) };
  }

  const camera = async (lib: string) => (await w.act(listSeries, { libraryId: lib })).find((s) => s.code === 'security-camera');

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
  });
  afterAll(() => database.drop());

  it('holds the series the profile declares from the moment the library is created (CB-H, JC-III)', async () => {
    // Given a library created on the carlsbad-nm profile, and one on imagineif-mt (which declares none)
    const created = w.clock.now().toISOString();
    const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
    const { library: quiet } = await buildLibrary(w, { profileId: 'imagineif-mt' });
    // When their registers are listed
    const register = await w.act(listSeries, { libraryId: library.id });
    // Then the camera footage is there at 180 days citing CB-H, registered at creation, not yet due
    expect(register).toEqual([
      {
        code: 'security-camera',
        name: 'Security-camera recordings',
        medium: 'digital video',
        location: null,
        retentionDays: 180,
        clause: 'CB-H',
        fromProfile: true,
        createdAt: created,
        lastDisposal: null,
        due: { status: 'not-due', dueThrough: new Date(Date.parse(created) - 180 * DAY).toISOString(), overdueSince: null, reason: 'within-retention-since-registered' },
      },
    ]);
    expect(await w.act(listSeries, { libraryId: quiet.id })).toEqual([]);
    // And the strict-default library holds camera footage (30 days) and paper sign-up sheets (JC-III)
    expect((await w.act(listSeries, { libraryId })).map((s) => [s.code, s.retentionDays, s.clause])).toEqual([
      ['paper-sign-up-sheets', 7, 'JC-III'],
      ['security-camera', 30, 'RF-9'],
    ]);
  });

  it('carlsbad-nm camera footage is not due at 179 days, due at 181, and a confirmation through the cutoff clears it (CB-H)', async () => {
    // Given a carlsbad-nm library whose camera series entered the register today
    const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
    const registered = w.clock.now().getTime();
    // When 179 days pass: nothing can be older than six months yet
    w.clock.advanceDays(179);
    expect((await camera(library.id))?.due.status).toBe('not-due');
    expect(await w.act(dueForDisposal, { libraryId: library.id })).toEqual([]);
    // When 181 days have passed: it is due, and has been since day 180
    w.clock.advanceDays(2);
    const due = await w.act(dueForDisposal, { libraryId: library.id });
    expect(due.map((s) => s.code)).toEqual(['security-camera']);
    expect(due[0]?.due).toMatchObject({ status: 'due', reason: 'never-confirmed', overdueSince: new Date(registered + 180 * DAY).toISOString() });
    // When an administrator confirms the footage destroyed through the cutoff
    const cutoff = due[0]!.due.dueThrough;
    const confirmed = await w.act(confirmDisposal, { libraryId: library.id, code: 'security-camera', disposedThrough: cutoff, method: 'overwritten by the recorder' }, { actor: admin });
    // Then it is recorded with who and when, and the series is no longer due
    expect(confirmed.disposal).toMatchObject({ disposedThrough: cutoff, method: 'overwritten by the recorder', confirmedBy: 'admin-1', confirmedAt: w.clock.now().toISOString() });
    expect(confirmed.series.due).toMatchObject({ status: 'not-due', reason: 'confirmed-through-cutoff' });
    expect(await w.act(dueForDisposal, { libraryId: library.id })).toEqual([]);
    expect((await camera(library.id))?.lastDisposal).toMatchObject({ disposedThrough: cutoff, confirmedBy: 'admin-1' });
    // And a day later the oldest day is due again (the footage keeps being recorded)
    w.clock.advanceDays(1);
    expect((await camera(library.id))?.due).toMatchObject({ status: 'due', reason: 'confirmation-behind-cutoff' });
  });

  it('ridgefield-ct camera footage is due after 30 days (RF-9)', async () => {
    // Given a ridgefield-ct library
    const { library } = await buildLibrary(w, { profileId: 'ridgefield-ct' });
    expect((await camera(library.id))?.clause).toBe('RF-9');
    // When exactly 30 days pass it is at the cutoff, not past it
    w.clock.advanceDays(30);
    expect((await camera(library.id))?.due.status).toBe('not-due');
    // When one more hour passes it is due
    w.clock.set(new Date(w.clock.now().getTime() + 3_600_000));
    expect((await w.act(dueForDisposal, { libraryId: library.id })).map((s) => [s.code, s.due.reason])).toEqual([['security-camera', 'never-confirmed']]);
    // When disposal is confirmed through yesterday's date (the end of that day, library time), it is cleared
    const yesterday = new Date(w.clock.now().getTime() - DAY).toISOString().slice(0, 10);
    const { disposal } = await w.act(confirmDisposal, { libraryId: library.id, code: 'security-camera', disposedThrough: yesterday });
    expect(disposal).toMatchObject({ method: 'destroyed', confirmedBy: 'system' });
    expect(Date.parse(disposal.disposedThrough)).toBeGreaterThan(Date.parse(`${yesterday}T00:00:00Z`));
    expect(await w.act(dueForDisposal, { libraryId: library.id })).toEqual([]);
  });

  it('sync is idempotent, follows a changed profile, and never deletes (CB-H, RF-9)', async () => {
    // Given a carlsbad-nm library with an operator's own series
    const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
    await w.act(addSeries, { libraryId: library.id, code: 'paper-sign-up-sheets', name: 'Program sign-up sheets', medium: 'paper', location: 'front desk binder', retentionDays: 14 }, { actor: admin });
    const before = await counts();
    // When sync runs twice
    const first = await w.act(syncProfileSeries, { libraryId: library.id });
    const second = await w.act(syncProfileSeries, { libraryId: library.id });
    // Then nothing is added, changed or deleted, and the reports agree
    expect(first).toEqual({ libraryId: library.id, profileId: 'carlsbad-nm', inserted: [], updated: [], unchanged: ['security-camera'], notInProfile: [], heldByOperator: [] });
    expect(second).toEqual(first);
    expect(await counts()).toEqual(before);
    // Given the register reflects an older profile version (retention 200 days) and a series the profile dropped
    await database.db.updateTable('record_series').set({ retention_days: 200, clause: null }).where('library_id', '=', library.id).where('code', '=', 'security-camera').execute();
    await database.db
      .insertInto('record_series')
      .values({ id: crypto.randomUUID(), library_id: library.id, code: 'old-footage', name: 'Old footage', medium: 'tape', location: null, retention_days: 90, clause: 'CB-H', from_profile: 1, created_at: w.clock.now().toISOString() })
      .execute();
    // When sync runs
    const synced = await w.act(syncProfileSeries, { libraryId: library.id });
    // Then the profile series follows the profile, the dropped one and the operator's are kept
    expect(synced).toMatchObject({ inserted: [], updated: ['security-camera'], notInProfile: ['old-footage'] });
    const register = await w.act(listSeries, { libraryId: library.id });
    expect(register.map((s) => [s.code, s.retentionDays, s.clause, s.fromProfile])).toEqual([
      ['old-footage', 90, 'CB-H', true],
      ['paper-sign-up-sheets', 14, null, false],
      ['security-camera', 180, 'CB-H', true],
    ]);
    expect(register.find((s) => s.code === 'paper-sign-up-sheets')?.location).toBe('front desk binder');
    // And a missing profile series is restored
    await database.db.deleteFrom('record_series').where('library_id', '=', library.id).where('code', '=', 'security-camera').execute();
    expect((await w.act(syncProfileSeries, { libraryId: library.id })).inserted).toEqual(['security-camera']);
  });

  it('leaves an operator series alone when the profile declares the same code', async () => {
    // Given an imagineif-mt library (no declared series) whose operator registered camera footage
    const { library } = await buildLibrary(w, { profileId: 'imagineif-mt' });
    await w.act(addSeries, { libraryId: library.id, code: 'security-camera', name: 'Cameras', medium: 'digital video', retentionDays: 10, clause: 'IF-2' }, { actor: admin });
    // When the library moves to the ridgefield-ct profile and sync runs
    await database.db.updateTable('libraries').set({ profile_id: 'ridgefield-ct' }).where('id', '=', library.id).execute();
    const report = await w.act(syncProfileSeries, { libraryId: library.id });
    // Then the operator's figures stand
    expect(report).toMatchObject({ inserted: [], updated: [], heldByOperator: ['security-camera'] });
    expect((await camera(library.id))).toMatchObject({ retentionDays: 10, clause: 'IF-2', fromProfile: false });
  });

  it('refuses bad input with its code and changes nothing', async () => {
    const { library } = await buildLibrary(w, { profileId: 'ridgefield-ct' });
    w.clock.advanceDays(40);
    await w.act(confirmDisposal, { libraryId: library.id, code: 'security-camera', disposedThrough: new Date(w.clock.now().getTime() - 20 * DAY).toISOString() });
    const before = await counts();
    const add = (input: Partial<Parameters<typeof addSeries>[1]>) =>
      refusalCodes(w.act(addSeries, { libraryId: library.id, code: 'sheets', name: 'Sheets', medium: 'paper', retentionDays: 7, ...input }));
    const confirm = (input: Partial<Parameters<typeof confirmDisposal>[1]>) =>
      refusalCodes(w.act(confirmDisposal, { libraryId: library.id, code: 'security-camera', disposedThrough: w.clock.now().toISOString(), ...input }));

    // Every problem with a new series at once
    expect(await add({ code: 'Bad Code', name: ' ', medium: '', retentionDays: -1, clause: 'not a clause' })).toEqual([
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
    ]);
    expect(await add({ retentionDays: 1.5 })).toEqual(['VALIDATION_FAILED']);
    expect(await add({ code: 'security-camera' })).toEqual(['RECORD_SERIES_EXISTS']);
    expect(await add({ libraryId: 'no-such-library' })).toEqual(['LIBRARY_NOT_FOUND']);
    // A confirmation into the future, behind the latest one, of an unknown series, or of a non-date
    expect(await confirm({ disposedThrough: new Date(w.clock.now().getTime() + 1).toISOString() })).toEqual(['DISPOSAL_IN_FUTURE']);
    expect(await confirm({ disposedThrough: w.clock.now().toISOString().slice(0, 10) })).toEqual(['DISPOSAL_IN_FUTURE']); // today is not over
    expect(await confirm({ disposedThrough: new Date(w.clock.now().getTime() - 30 * DAY).toISOString() })).toEqual(['DISPOSAL_BEFORE_LAST_CONFIRMATION']);
    expect(await confirm({ code: 'no-such-series' })).toEqual(['RECORD_SERIES_NOT_FOUND']);
    expect(await confirm({ disposedThrough: '2026-02-30' })).toEqual(['INVALID_DATE']);
    expect(await confirm({ disposedThrough: 'last tuesday' })).toEqual(['INVALID_DATE']);
    expect(await confirm({ method: 'x'.repeat(201) })).toEqual(['VALIDATION_FAILED']);

    expect(await counts()).toEqual(before);
  });

  it('refuses changes to non-administrators and hides other libraries (CB-A3, RF-10)', async () => {
    const { library } = await buildLibrary(w, { profileId: 'ridgefield-ct' });
    const { library: other } = await buildLibrary(w, { profileId: 'ridgefield-ct' });
    w.clock.advanceDays(31);
    const before = await counts();
    const clerk = { actor: desk(library.id), purpose: 'administration' as const };
    // A circulation clerk may read the register and what is due…
    expect((await w.act(dueForDisposal, { libraryId: library.id }, clerk)).map((s) => s.code)).toEqual(['security-camera']);
    // …but may not change it
    expect(await refusalCodes(w.act(confirmDisposal, { libraryId: library.id, code: 'security-camera', disposedThrough: w.clock.now().toISOString() }, clerk))).toEqual(['PERMISSION_DENIED']);
    expect(await refusalCodes(w.act(addSeries, { libraryId: library.id, code: 'sheets', name: 'Sheets', medium: 'paper', retentionDays: 7 }, clerk))).toEqual(['PERMISSION_DENIED']);
    expect(await refusalCodes(w.act(syncProfileSeries, { libraryId: library.id }, clerk))).toEqual(['PERMISSION_DENIED']);
    // Another library's register is not found, for its clerk and for an administrator bound to another library
    expect(await refusalCodes(w.act(listSeries, { libraryId: other.id }, clerk))).toEqual(['LIBRARY_NOT_FOUND']);
    const otherAdmin: Actor = { kind: 'staff', id: 'admin-2', libraryId: library.id, roles: ['admin'] };
    expect(await refusalCodes(w.act(confirmDisposal, { libraryId: other.id, code: 'security-camera', disposedThrough: w.clock.now().toISOString() }, { actor: otherAdmin }))).toEqual([
      'LIBRARY_NOT_FOUND',
    ]);
    expect(await counts()).toEqual(before);
  });
});
