import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, countRows, refusalCodes, world, type World } from '../../test/factories.js';
import { checkin, checkout } from '../usecases/circulation.usecases.js';
import { SYSTEM, type Actor } from '../policy/actors.js';
import * as retention from '../storage/retention.repository.js';
import { run } from '../usecases/context.js';
import { retainLoanPage, setReadingHistory } from '../usecases/retention.usecases.js';
import { runRetention } from './retention.job.js';

describe.each(ENGINES)('retention smoke on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  beforeAll(async () => {
    const { freshDatabase } = await import('../../test/engines.js');
    database = await freshDatabase(engine);
    w = await world(database);
  });
  afterAll(() => database.drop());

  it('anonymises a returned loan under imagineif-mt and counts it', async () => {
    const { library } = await buildLibrary(w, { profileId: 'imagineif-mt' });
    const patron = await buildPatron(w, { libraryId: library.id });
    const item = await buildItem(w, { libraryId: library.id });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    w.clock.advanceDays(3);
    await w.act(checkin, { itemBarcode: item.barcode });
    const report = await runRetention(w.runtime, { libraryId: library.id });
    expect(report.libraries[0]?.categories.find((c) => c.category === 'circulation')?.disposed).toBe(1);
    expect(await countRows(database, 'loans')).toBe(0);
    const stats = await database.db.selectFrom('circulation_stats').selectAll().execute();
    expect(stats.map((s) => Number(s.loans))).toEqual([1]);
    const again = await runRetention(w.runtime, { libraryId: library.id });
    expect(again.libraries[0]?.categories.find((c) => c.category === 'circulation')?.disposed).toBe(0);
    // SQLite: the runs paused the connection's automatic checkpoints and gave them back
    if (engine === 'sqlite') expect((await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(database.db)).rows[0]?.wal_autocheckpoint).toBe(1000);
  });

  it('JC-IIIc: opting in keeps what is returned from then on, not what was returned before', async () => {
    // Given a jackson-county-or patron who returned a book, then opted in before the nightly run
    const { library } = await buildLibrary(w, { profileId: 'jackson-county-or' });
    const patron = await buildPatron(w, { libraryId: library.id });
    const before = await buildItem(w, { libraryId: library.id });
    const after = await buildItem(w, { libraryId: library.id });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: before.barcode });
    w.clock.advanceDays(1);
    await w.act(checkin, { itemBarcode: before.barcode });
    w.clock.advanceDays(1);
    await w.act(setReadingHistory, { cardNumber: patron.cardNumber, keep: true });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: after.barcode });
    w.clock.advanceDays(1);
    await w.act(checkin, { itemBarcode: after.barcode });
    // When retention runs
    await runRetention(w.runtime, { libraryId: library.id });
    // Then only the loan returned after the opt-in is kept as reading history
    const left = await database.db.selectFrom('loans').select('item_id').where('patron_id', '=', patron.id).execute();
    expect(left.map((l) => l.item_id)).toEqual([after.id]);
  });

  it('RF-4, JC-IIIc: a loan to another member’s patron is decided on that patron’s own opt-in, read from their library', async () => {
    // Given two members of a consortium that shares patrons (ridgefield-ct), and two of B's patrons who
    // borrow at A's desk: one has opted in to reading history at home, the other has not
    const { library: a } = await buildLibrary(w, { profileId: 'ridgefield-ct' });
    const { library: b } = await buildLibrary(w, { profileId: 'ridgefield-ct' });
    const deskA: Actor = { kind: 'staff', id: 'desk-a', libraryId: a.id, roles: ['circulation'] };
    const reader = await buildPatron(w, { libraryId: b.id });
    const other = await buildPatron(w, { libraryId: b.id });
    await w.act(setReadingHistory, { cardNumber: reader.cardNumber, keep: true });
    const lent = [await buildItem(w, { libraryId: a.id }), await buildItem(w, { libraryId: a.id })];
    await w.act(checkout, { cardNumber: reader.cardNumber, itemBarcode: lent[0]!.barcode }, { actor: deskA });
    await w.act(checkout, { cardNumber: other.cardNumber, itemBarcode: lent[1]!.barcode }, { actor: deskA });
    w.clock.advanceDays(2);
    for (const item of lent) await w.act(checkin, { itemBarcode: item.barcode }, { actor: deskA });
    // When A's retention runs
    const report = await runRetention(w.runtime, { libraryId: a.id });
    // Then the opted-in borrower's loan stays as their reading history, and the other's is anonymised
    expect(report.libraries[0]?.categories.find((c) => c.category === 'circulation')).toMatchObject({ disposed: 1, kept: 1 });
    const left = await database.db.selectFrom('loans').select(['patron_id', 'library_id']).where('library_id', '=', a.id).execute();
    expect(left).toEqual([{ patron_id: reader.id, library_id: a.id }]);
  });

  it('a run that another run took over stops at its next page, and that page changes nothing', async () => {
    // Given a returned loan and a run that was marked interrupted by a run taking over
    const { library } = await buildLibrary(w, { profileId: 'imagineif-mt' });
    const patron = await buildPatron(w, { libraryId: library.id });
    const item = await buildItem(w, { libraryId: library.id });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    await w.act(checkin, { itemBarcode: item.barcode });
    const at = w.clock.now().toISOString();
    await retention.insertRun(database.db, { id: `old-${engine}`, libraryId: library.id, profileId: 'imagineif-mt', profileVersion: 1, asOf: at, startedAt: at, heartbeatAt: at, finishedAt: null, status: 'running' });
    await retention.setRunStatus(database.db, `old-${engine}`, 'interrupted', at);
    // When the old run tries its next page
    const page = run(w.runtime, { actor: SYSTEM, purpose: 'retention', channel: 'job' }, retainLoanPage, { runId: `old-${engine}`, libraryId: library.id, asOf: at, cursor: null, limit: 10, status: 'returned' });
    // Then it is refused and the loan is still there
    expect(await refusalCodes(page)).toEqual(['RETENTION_RUN_IN_PROGRESS']);
    expect(await database.db.selectFrom('loans').select('id').where('patron_id', '=', patron.id).execute()).toHaveLength(1);
  });
});
