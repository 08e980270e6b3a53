import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, libraryWorld, type World } from '../../test/factories.js';
import { findItemById } from '../storage/item.repository.js';
import { findLibrary, updateLibrarySettings } from '../storage/library.repository.js';
import { checkin, checkout, renew } from '../usecases/circulation.usecases.js';
import { pay } from '../usecases/fine.usecases.js';
import { deletePatron } from '../usecases/patron-deletion.usecases.js';
import { placeHold } from '../usecases/hold.usecases.js';
import { patronAccount } from '../usecases/patron.usecases.js';
import { saveArtefact } from '../usecases/oidc.usecases.js';
import { jobsOverview, runJob, Scheduler } from './scheduler.js';

describe.each(ENGINES)('the scheduler’s jobs on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
  });
  afterAll(() => database.drop());

  const finesOf = (patronId: string) => database.db.selectFrom('fines').selectAll().where('patron_id', '=', patronId).orderBy('created_at').execute();
  const holdStatus = async (id: string) => (await database.db.selectFrom('holds').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  it('holds-expire: an unclaimed hold expires and the item moves to the next hold in the queue, then back to the shelf', async () => {
    // Given an item on loan with two holds queued, trapped for the first on check-in
    const [borrower, first, second] = [await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId })];
    const item = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: borrower.cardNumber, itemBarcode: item.barcode });
    const h1 = await w.act(placeHold, { cardNumber: first.cardNumber, itemBarcode: item.barcode });
    w.clock.advanceMinutes(5);
    const h2 = await w.act(placeHold, { cardNumber: second.cardNumber, itemBarcode: item.barcode });
    expect((await w.act(checkin, { itemBarcode: item.barcode })).routing).toMatchObject({ to: 'hold-shelf', holdId: h1.id });
    // When the first holder does not come within the pick-up days and the job runs
    w.clock.advanceDays(10);
    const [report] = await runJob(w.runtime, 'holds-expire', { libraryId });
    // Then the hold expired and the item waits on the hold shelf for the second holder
    expect(report).toMatchObject({ job: 'holds-expire', libraryId, status: 'ran', outcome: { expired: 1, trapped: 1, reshelved: 0 } });
    expect(report?.period).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}@${libraryId}$`));
    expect([await holdStatus(h1.id), await holdStatus(h2.id)]).toEqual(['expired', 'ready']);
    expect((await findItemById(database.db, item.id))?.status).toBe('on-hold-shelf');
    // The same day again: it already ran, nothing changes
    const [again] = await runJob(w.runtime, 'holds-expire', { libraryId });
    expect(again).toMatchObject({ status: 'already-ran', outcome: { expired: 1 } });
    // The second holder does not come either: the item goes back to the shelf
    w.clock.advanceDays(10);
    expect((await runJob(w.runtime, 'holds-expire', { libraryId }))[0]).toMatchObject({ status: 'ran', outcome: { expired: 1, trapped: 0, reshelved: 1 } });
    expect(await holdStatus(h2.id)).toBe('expired');
    expect((await findItemById(database.db, item.id))?.status).toBe('available');
  });

  it('fines-accrue: one fine per loan, topped up daily to the rule’s cap; check-in does not charge again', async () => {
    // Given a book out under the fallback rule (21 days, 25¢ a day, at most $5)
    const patron = await buildPatron(w, { libraryId });
    const book = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: book.barcode });
    // When it is 3 days late and the job runs
    w.clock.advanceDays(24);
    expect((await runJob(w.runtime, 'fines-accrue', { libraryId }))[0]).toMatchObject({ status: 'ran', outcome: { created: 1, toppedUp: 0, addedCents: 75 } });
    let fines = await finesOf(patron.id);
    expect(fines.map((f) => [f.kind, f.amount_cents, f.balance_cents])).toEqual([['overdue', 75, 75]]);
    // The same day again: the claim says it already ran
    expect((await runJob(w.runtime, 'fines-accrue', { libraryId }))[0]?.status).toBe('already-ran');
    // The next day the same fine grows; the patron pays part of it
    w.clock.advanceDays(1);
    expect((await runJob(w.runtime, 'fines-accrue', { libraryId }))[0]).toMatchObject({ outcome: { created: 0, toppedUp: 1, addedCents: 25 } });
    await w.act(pay, { cardNumber: patron.cardNumber, amountCents: 100 });
    // Weeks later the fine stops at the cap
    for (let day = 0; day < 30; day++) {
      w.clock.advanceDays(1);
      await runJob(w.runtime, 'fines-accrue', { libraryId });
    }
    fines = await finesOf(patron.id);
    expect(fines.map((f) => [f.amount_cents, f.balance_cents, f.status])).toEqual([[500, 400, 'open']]);
    // Then check-in answers the same fine and charges nothing more
    const back = await w.act(checkin, { itemBarcode: book.barcode });
    expect(back.fine).toEqual({ id: fines[0]?.id, amountCents: 500 });
    expect((await finesOf(patron.id)).map((f) => [f.id, f.amount_cents, f.balance_cents])).toEqual([[fines[0]?.id, 500, 400]]);
    expect((await w.act(patronAccount, { cardNumber: patron.cardNumber })).balanceCents).toBe(400);
  });

  it('fines-accrue then check-in a day later tops up the same fine by one day; renewal keeps the fine it accrued', async () => {
    const patron = await buildPatron(w, { libraryId });
    const [a, b] = [await buildItem(w, { libraryId }), await buildItem(w, { libraryId })];
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: a.barcode });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: b.barcode });
    w.clock.advanceDays(23); // 2 days late
    await runJob(w.runtime, 'fines-accrue', { libraryId });
    const accrued = await finesOf(patron.id);
    expect(accrued.map((f) => f.amount_cents)).toEqual([50, 50]);
    w.clock.advanceDays(1); // 3 days late, before the day's run
    const back = await w.act(checkin, { itemBarcode: a.barcode });
    const renewed = await w.act(renew, { itemBarcode: b.barcode });
    expect(back.fine?.amountCents).toBe(75);
    expect(renewed.fine?.amountCents).toBe(75);
    const after = await finesOf(patron.id);
    expect(after).toHaveLength(2);
    expect(after.map((f) => f.id).sort()).toEqual(accrued.map((f) => f.id).sort());
    // The day's run finds nothing left to charge: a is back and b is due again in 21 days
    expect((await runJob(w.runtime, 'fines-accrue', { libraryId }))[0]).toMatchObject({ outcome: { created: 0, toppedUp: 0, addedCents: 0 } });
    await w.act(checkin, { itemBarcode: b.barcode });
  });

  it('long-overdue: an item out longer than the library allows is lost and charged its replacement cost, else the default, plus the fee', async () => {
    const { library } = await buildLibrary(w);
    await updateLibrarySettings(database.db, library.id, { ...library, longOverdueDays: 30, defaultLostChargeCents: 2500, processingFeeCents: 500 });
    const patron = await buildPatron(w, { libraryId: library.id });
    const priced = await buildItem(w, { libraryId: library.id, replacementCostCents: 3200 });
    const unpriced = await buildItem(w, { libraryId: library.id });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: priced.barcode });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: unpriced.barcode });
    // 30 days late: not yet more than the library's 30
    w.clock.advanceDays(21 + 30);
    expect((await runJob(w.runtime, 'long-overdue', { libraryId: library.id }))[0]).toMatchObject({ status: 'ran', outcome: { loans: 2, lost: 0 } });
    w.clock.advanceDays(1);
    const [report] = await runJob(w.runtime, 'long-overdue', { libraryId: library.id });
    expect(report).toMatchObject({ status: 'ran', outcome: { loans: 2, lost: 2, chargedCents: 3200 + 2500, feesCents: 1000 } });
    expect((await findItemById(database.db, priced.id))?.status).toBe('lost');
    const charges = (await finesOf(patron.id)).map((f) => [f.kind, f.amount_cents]).sort();
    expect(charges).toEqual([['fee', 500], ['fee', 500], ['lost', 2500], ['lost', 3200]]);
    const loans = await database.db.selectFrom('loans').select('status').where('patron_id', '=', patron.id).execute();
    expect(loans.map((l) => l.status)).toEqual(['lost', 'lost']);
    // The priced item comes back: its replacement charge is cancelled, the processing fee stays
    expect((await w.act(checkin, { itemBarcode: priced.barcode })).lostChargeCancelled).toBe(true);
    expect((await w.act(patronAccount, { cardNumber: patron.cardNumber })).balanceCents).toBe(2500 + 500 + 500);
    // A library without a long-overdue delay loses nothing by itself, however late
    expect((await findLibrary(database.db, libraryId))?.longOverdueDays).toBeNull();
    const keeper = await buildPatron(w, { libraryId });
    const kept = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: keeper.cardNumber, itemBarcode: kept.barcode });
    w.clock.advanceDays(400);
    expect((await runJob(w.runtime, 'long-overdue', { libraryId }))[0]).toMatchObject({ status: 'ran', outcome: { lost: 0 } });
    expect((await findItemById(database.db, kept.id))?.status).toBe('on-loan');
    await w.act(checkin, { itemBarcode: kept.barcode });
  });

  it('claims: two runners on one period run it once; a stalled claim is retaken; --force runs a finished period again', async () => {
    const { library } = await buildLibrary(w);
    const [one, two] = await Promise.all([
      runJob(w.runtime, 'holds-expire', { libraryId: library.id, runner: 'runner-one' }),
      runJob(w.runtime, 'holds-expire', { libraryId: library.id, runner: 'runner-two' }),
    ]);
    expect([one[0]?.status, two[0]?.status].sort()).toEqual(expect.arrayContaining(['ran']));
    expect([one[0]?.status, two[0]?.status].filter((s) => s === 'ran')).toHaveLength(1);
    const period = one[0]?.period as string;
    const rows = await database.db.selectFrom('job_runs').selectAll().where('job', '=', 'holds-expire').where('period', '=', period).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('done');

    // A process died holding the next day's claim: within the stale window nobody runs it, after it one runner does
    w.clock.advanceDays(1);
    const [first] = await runJob(w.runtime, 'holds-expire', { libraryId: library.id, runner: 'dies' });
    await database.db.updateTable('job_runs').set({ status: 'running', finished_at: null, outcome: null }).where('job', '=', 'holds-expire').where('period', '=', first?.period as string).execute();
    expect((await runJob(w.runtime, 'holds-expire', { libraryId: library.id, runner: 'later' }))[0]?.status).toBe('running');
    w.clock.advanceMinutes(180);
    const [retaken] = await runJob(w.runtime, 'holds-expire', { libraryId: library.id, runner: 'later' });
    expect(retaken).toMatchObject({ status: 'ran', retaken: true });
    // The stalled runner, were it to wake, cannot overwrite the run it lost
    expect((await database.db.selectFrom('job_runs').select('runner').where('period', '=', first?.period as string).where('job', '=', 'holds-expire').executeTakeFirstOrThrow()).runner).toBe('later');
    expect((await runJob(w.runtime, 'holds-expire', { libraryId: library.id }))[0]?.status).toBe('already-ran');
    expect((await runJob(w.runtime, 'holds-expire', { libraryId: library.id, force: true }))[0]).toMatchObject({ status: 'ran', retaken: true });
  });

  it('retention and key purge run through their claims; the overview shows each job’s last run per library; a tick runs every job', async () => {
    const [retention] = await runJob(w.runtime, 'retention', { retentionSchedule: '30 2 * * *' });
    expect(retention).toMatchObject({ status: 'ran', libraryId: null });
    expect(retention?.period).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/);
    expect((await runJob(w.runtime, 'retention', { retentionSchedule: '30 2 * * *' }))[0]?.status).toBe('already-ran');
    const [purge] = await runJob(w.runtime, 'key-purge');
    expect(purge).toMatchObject({ status: 'ran', outcome: { destroyed: expect.any(Number) } });
    expect(purge?.period).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00Z$/);

    w.clock.advanceDays(1);
    const scheduler = new Scheduler(w.runtime, { retentionSchedule: '30 2 * * *' });
    const reports = await scheduler.tick();
    await scheduler.stop();
    const libraries = await database.db.selectFrom('libraries').select('id').execute();
    expect(reports.filter((r) => r.job === 'holds-expire' && r.status === 'ran')).toHaveLength(libraries.length);
    expect(new Set(reports.map((r) => r.job))).toEqual(new Set(['fines-accrue', 'long-overdue', 'holds-expire', 'notices-plan', 'notices-send', 'retention', 'key-purge', 'oidc-purge', 'legacy-pins']));
    expect(reports.every((r) => r.status === 'ran')).toBe(true);

    const overview = await jobsOverview(w.runtime, { actor: { kind: 'system', id: 'system' }, purpose: 'administration', channel: 'cli' });
    const holds = overview.find((j) => j.name === 'holds-expire');
    expect(holds?.lastRuns.map((r) => r.libraryId).sort()).toEqual(libraries.map((l) => l.id).sort());
    expect(JSON.stringify(overview)).not.toMatch(/Marker/);
  });

  it('key-purge: the hour after a deleted patron’s key-store retention has passed, their data key is destroyed, once', async () => {
    // Keys shredded by the earlier tests' retention runs go first
    w.clock.advanceDays(8);
    await runJob(w.runtime, 'key-purge');
    w.clock.advanceMinutes(60);
    const patron = await buildPatron(w, { libraryId });
    await w.act(deletePatron, { patronId: patron.id });
    w.clock.advanceDays(6); // the vault keeps a shredded key 7 days
    expect((await runJob(w.runtime, 'key-purge'))[0]).toMatchObject({ status: 'ran', outcome: { destroyed: 0 } });
    w.clock.advanceDays(2);
    expect((await runJob(w.runtime, 'key-purge'))[0]).toMatchObject({ status: 'ran', outcome: { destroyed: 1 } });
    expect((await runJob(w.runtime, 'key-purge'))[0]?.status).toBe('already-ran');
    w.clock.advanceMinutes(60);
    expect((await runJob(w.runtime, 'key-purge'))[0]).toMatchObject({ status: 'ran', outcome: { destroyed: 0 } });
  });

  it('oidc-purge: the hour after the sign-in provider’s artefacts expire, they are deleted, patron and all (issue 19)', async () => {
    const patron = await buildPatron(w, { libraryId });
    const artefacts = () => database.db.selectFrom('oidc_store').select(['model', 'account_id']).where('account_id', '=', patron.id).orderBy('model').execute();
    // Given a token that lives an hour and a session that lives two days, both naming the patron
    await w.act(saveArtefact, { model: 'AccessToken', id: `at-${patron.id}`, payload: { accountId: patron.id, clientId: 'a-vendor', grantId: 'g-1' }, expiresIn: 3600 });
    await w.act(saveArtefact, { model: 'Session', id: `s-${patron.id}`, payload: { accountId: patron.id, authorizations: { 'a-vendor': { grantId: 'g-1' } } }, expiresIn: 2 * 86_400 });
    expect((await runJob(w.runtime, 'oidc-purge'))[0]).toMatchObject({ status: 'ran', outcome: { deleted: 0 } });
    // When two hours pass, the token has expired and goes; the session stays until it expires too
    w.clock.advanceMinutes(120);
    const [purge] = await runJob(w.runtime, 'oidc-purge');
    expect(purge).toMatchObject({ status: 'ran', libraryId: null, outcome: { deleted: 1 } });
    expect(purge?.period).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00Z$/);
    expect(await artefacts()).toEqual([{ model: 'Session', account_id: patron.id }]);
    expect((await runJob(w.runtime, 'oidc-purge'))[0]?.status).toBe('already-ran');
    w.clock.advanceDays(2);
    expect((await runJob(w.runtime, 'oidc-purge'))[0]).toMatchObject({ status: 'ran', outcome: { deleted: 1 } });
    expect(await artefacts()).toEqual([]);
    await expect(runJob(w.runtime, 'oidc-purge', { libraryId })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('refuses an unknown job, and --library for a job of every library', async () => {
    await expect(runJob(w.runtime, 'no-such-job')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    await expect(runJob(w.runtime, 'key-purge', { libraryId })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(runJob(w.runtime, 'holds-expire', { libraryId: 'no-such-library' })).rejects.toMatchObject({ code: 'LIBRARY_NOT_FOUND' });
  });
});
