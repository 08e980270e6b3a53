import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, world, type World } from '../../test/factories.js';
import { runRetention } from '../jobs/retention.job.js';
import { SYSTEM } from '../policy/actors.js';
import { monthsBefore } from '../policy/retention.policy.js';
import { profiles } from '../profile/profiles.js';
import type { AccessEntry } from '../storage/access-log.repository.js';
import { appendChained, laneChain } from './access-chain.js';
import { verifyAccessLog } from './access-log.usecases.js';
import { recordLibraryChange, run } from './context.js';

/**
 * The access log's lanes (issue 23): on PostgreSQL a library's transactions append to several chains side
 * by side; `verify-log` merges them and still names every edited, deleted or reordered entry, a lane
 * deleted whole, and a lane count changed to hide one. Checkpoints let a daily check start where the last
 * one found each chain intact; a checkpoint moved without the key is refused. DESIGN.md invariant 3.
 */
const operator = { actor: SYSTEM, purpose: 'administration' as const, channel: 'cli' as const };

function entry(libraryId: string, action: string, at: string): AccessEntry {
  return { at, libraryId, actorKind: 'system', actorId: 'system', actorRole: 'system', actorLibraryId: null, patronId: null, action, categories: [], purpose: 'administration', channel: 'cli' };
}

describe('lanes of one library’s access log on postgres', () => {
  let database: TestDatabase;
  let w: World;
  const verify = (libraryId: string) => run(w.runtime, operator, verifyAccessLog, { libraryId }, { snapshot: true });
  const laneRows = (chain: string) => database.db.selectFrom('access_log').selectAll().where('chain', '=', chain).orderBy('chain_seq').execute();
  const append = (libraryId: string, action: string) => database.db.transaction().execute((trx) => appendChained(trx, w.runtime.vault, [entry(libraryId, action, w.clock.now().toISOString())]));

  /** Resolves once a transaction of this database waits for a row lock (the opener, behind the holder). */
  async function someoneWaitsForALock() {
    for (let attempt = 0; attempt < 200; attempt++) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(database.db);
      if ((rows[0]?.n ?? 0) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('no transaction came to wait for the held lane');
  }

  /** Runs `body` while another transaction holds lane 0 of the library (it appends one entry, then waits). */
  async function whileLaneZeroHeld<T>(libraryId: string, body: () => Promise<T>): Promise<T> {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = () => {};
    const holding = new Promise<void>((resolve) => (held = resolve));
    const holder = database.db.transaction().execute(async (trx) => {
      await appendChained(trx, w.runtime.vault, [entry(libraryId, 'holder', w.clock.now().toISOString())]);
      held();
      await gate;
    });
    await holding;
    try {
      return await body();
    } finally {
      release();
      await holder;
    }
  }

  /** A library with two lanes: the second opened by a transaction that found lane 0 held. */
  async function libraryWithTwoLanes() {
    const { library } = await buildLibrary(w);
    await append(library.id, 'first');
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = () => {};
    const holding = new Promise<void>((resolve) => (held = resolve));
    const holder = database.db.transaction().execute(async (trx) => {
      await appendChained(trx, w.runtime.vault, [entry(library.id, 'holder', w.clock.now().toISOString())]);
      held();
      await gate;
    });
    await holding;
    const opener = append(library.id, 'opener');
    await someoneWaitsForALock();
    release();
    await holder;
    await opener;
    const head = await database.db.selectFrom('access_log_heads').selectAll().where('chain', '=', library.id).executeTakeFirstOrThrow();
    expect(head.lanes).toBe(2);
    return library;
  }

  beforeAll(async () => {
    database = await freshDatabase('postgres');
    w = await world(database);
  });
  afterAll(() => database.drop());

  it('a transaction finding lane 0 held appends to another lane without waiting, and every lane verifies', async () => {
    // Given a library with two lanes
    const library = await libraryWithTwoLanes();
    // When three transactions append while another holds lane 0
    await whileLaneZeroHeld(library.id, async () => {
      for (const action of ['a', 'b', 'c']) await append(library.id, action);
    });
    // Then they went to lane 1, in order, and the library's log verifies as one report with two lanes
    expect((await laneRows(laneChain(library.id, 1))).map((r) => [Number(r.chain_seq), r.action])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    const report = await verify(library.id);
    expect(report.ok).toBe(true);
    expect(report.chains).toHaveLength(1);
    expect(report.chains[0]?.lanes.map((l) => [l.lane, l.chain, l.entries, l.ok])).toEqual([
      [0, library.id, (await laneRows(library.id)).length, true],
      [1, `${library.id}/1`, 3, true],
    ]);
    expect(report.chains[0]?.entries).toBe((await laneRows(library.id)).length + 3);
  });

  it('concurrent use cases of one library spread over several lanes, each unbroken, and all verify', async () => {
    const { library } = await buildLibrary(w);
    await Promise.all(Array.from({ length: 40 }, (_, i) => w.act((ctx) => recordLibraryChange(ctx, library.id, `change-${i}`), undefined)));
    const rows = await database.db.selectFrom('access_log').selectAll().where('library_id', '=', library.id).execute();
    const lanes = new Map<string, number[]>();
    for (const row of rows) lanes.set(row.chain as string, [...(lanes.get(row.chain as string) ?? []), Number(row.chain_seq)]);
    expect(lanes.size).toBeGreaterThan(1);
    for (const seqs of lanes.values()) expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(await verify(library.id)).toMatchObject({ ok: true, entries: rows.length });
  });

  it('names an entry edited, deleted or reordered in a lane other than 0', async () => {
    for (const tamper of ['edit', 'delete', 'swap'] as const) {
      const library = await libraryWithTwoLanes();
      await whileLaneZeroHeld(library.id, async () => {
        for (const action of ['a', 'b', 'c', 'd']) await append(library.id, action);
      });
      const lane = laneChain(library.id, 1);
      const rows = await laneRows(lane);
      const [second, third] = [rows[1], rows[2]];
      if (tamper === 'edit') await database.db.updateTable('access_log').set({ purpose: 'statistics' }).where('seq', '=', Number(second?.seq)).execute();
      if (tamper === 'delete') await database.db.deleteFrom('access_log').where('seq', '=', Number(second?.seq)).execute();
      if (tamper === 'swap') {
        await database.db.updateTable('access_log').set({ chain_seq: -1 }).where('seq', '=', Number(second?.seq)).execute();
        await database.db.updateTable('access_log').set({ chain_seq: 2 }).where('seq', '=', Number(third?.seq)).execute();
        await database.db.updateTable('access_log').set({ chain_seq: 3 }).where('seq', '=', Number(second?.seq)).execute();
      }
      const report = await verify(library.id);
      expect(report.ok).toBe(false);
      expect(report.firstBroken).toMatchObject({ chain: lane, chainSeq: 2, problem: { edit: 'edited', delete: 'missing', swap: 'reordered' }[tamper] });
      expect(report.chains[0]?.lanes[0]?.ok).toBe(true);
    }
  });

  it('names a lane deleted whole, entries and head, and a lane count lowered to hide it', async () => {
    // Given a library whose lane 1 holds entries
    const library = await libraryWithTwoLanes();
    await whileLaneZeroHeld(library.id, () => append(library.id, 'a'));
    const lane = laneChain(library.id, 1);
    // When lane 1 is deleted, entries and head
    await database.db.deleteFrom('access_log').where('chain', '=', lane).execute();
    await database.db.deleteFrom('access_log_heads').where('chain', '=', lane).execute();
    // Then the lane lane 0's count names is missing
    expect((await verify(library.id)).firstBroken).toMatchObject({ chain: lane, problem: 'lane-missing' });
    // And lowering the count to one (without the key) does not match its MAC
    await database.db.updateTable('access_log_heads').set({ lanes: 1 }).where('chain', '=', library.id).execute();
    expect((await verify(library.id)).firstBroken).toMatchObject({ chain: library.id, problem: 'lanes-moved' });
    // Nor does putting back an earlier count with its MAC, once lane 0 has moved on
    const other = await libraryWithTwoLanes();
    const before = await database.db.selectFrom('access_log_heads').selectAll().where('chain', '=', other.id).executeTakeFirstOrThrow();
    await append(other.id, 'later');
    await database.db.deleteFrom('access_log_heads').where('chain', '=', laneChain(other.id, 1)).execute();
    await database.db.updateTable('access_log_heads').set({ lanes: 1, lanes_mac: before.lanes_mac }).where('chain', '=', other.id).execute();
    expect((await verify(other.id)).firstBroken).toMatchObject({ chain: other.id, problem: 'lanes-moved' });
  });

  it('retention trims every lane past the profile’s months, and the log still verifies', async () => {
    const library = await libraryWithTwoLanes();
    const start = w.clock.now();
    await whileLaneZeroHeld(library.id, async () => {
      for (const action of ['old-a', 'old-b']) await append(library.id, action);
    });
    const months = profiles().get(library.profileId).retention.accessLog.months;
    w.clock.advanceDays(40);
    await append(library.id, 'new-0');
    await whileLaneZeroHeld(library.id, () => append(library.id, 'new-1'));
    w.clock.set(new Date(monthsBefore(start, -months).getTime() + 86_400_000));
    await runRetention(w.runtime, { libraryId: library.id, pageSize: 1 });
    const lane = laneChain(library.id, 1);
    expect((await laneRows(lane)).map((r) => r.action)).toEqual(['new-1']);
    expect((await laneRows(library.id)).every((r) => Date.parse(r.at) > start.getTime())).toBe(true);
    const report = await verify(library.id);
    expect(report.ok).toBe(true);
    expect(report.chains[0]?.lanes[1]?.base.seq).toBe(2);
  });
});

describe.each(ENGINES)('incremental verification from checkpoints on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  const verify = (libraryId: string, incremental = false) => run(w.runtime, operator, verifyAccessLog, { libraryId, incremental }, { snapshot: true });
  const rowsOf = (chain: string) => database.db.selectFrom('access_log').selectAll().where('chain', '=', chain).orderBy('chain_seq').execute();

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
  });
  afterAll(() => database.drop());

  async function verifiedLibrary() {
    const { library } = await buildLibrary(w);
    for (let i = 0; i < 3; i++) await buildPatron(w, { libraryId: library.id });
    expect((await verify(library.id)).ok).toBe(true);
    for (let i = 0; i < 2; i++) await buildPatron(w, { libraryId: library.id });
    return library;
  }

  it('checks only what was appended since the last check found the chain intact', async () => {
    const library = await verifiedLibrary();
    const total = (await rowsOf(library.id)).length;
    const report = await verify(library.id, true);
    expect(report).toMatchObject({ ok: true, incremental: true });
    expect(report.entries).toBe(2);
    expect(report.chains[0]?.lanes[0]?.from?.seq).toBe(total - 2);
    // The checkpoint moved to the head: the next incremental check has nothing new to read
    expect((await verify(library.id, true)).entries).toBe(0);
    expect((await verify(library.id)).entries).toBe(total);
  });

  it('detects an entry edited after the checkpoint', async () => {
    const library = await verifiedLibrary();
    const last = (await rowsOf(library.id)).at(-1);
    await database.db.updateTable('access_log').set({ purpose: 'statistics' }).where('seq', '=', Number(last?.seq)).execute();
    expect((await verify(library.id, true)).firstBroken).toMatchObject({ chain: library.id, chainSeq: Number(last?.chain_seq), problem: 'edited' });
  });

  it('refuses a checkpoint moved without the key, and checks that chain in full', async () => {
    const library = await verifiedLibrary();
    const rows = await rowsOf(library.id);
    // Someone hides an edit of entry 2 by moving the checkpoint past it
    await database.db.updateTable('access_log').set({ purpose: 'statistics' }).where('seq', '=', Number(rows[1]?.seq)).execute();
    await database.db.updateTable('access_log_checkpoints').set({ seq: rows.length, hash: rows.at(-1)?.hash ?? '' }).where('chain', '=', library.id).execute();
    const report = await verify(library.id, true);
    expect(report.firstBroken).toMatchObject({ chain: library.id, problem: 'checkpoint-moved' });
    expect(report.broken.map((b) => b.problem)).toEqual(['checkpoint-moved']);
    expect(report.chains[0]?.lanes[0]).toMatchObject({ from: null, entries: rows.length, brokenLinks: 2 });
  });

  it('names verified entries removed with the head moved back behind the checkpoint', async () => {
    const library = await verifiedLibrary();
    await verify(library.id, true);
    const rows = await rowsOf(library.id);
    const keep = rows.length - 2;
    await database.db.deleteFrom('access_log').where('chain', '=', library.id).where('chain_seq', '>', keep).execute();
    await database.db.updateTable('access_log_heads').set({ last_seq: keep, last_hash: rows[keep - 1]?.hash ?? '' }).where('chain', '=', library.id).execute();
    expect((await verify(library.id, true)).firstBroken).toMatchObject({ chain: library.id, problem: 'checkpoint-moved' });
  });

  it('a full check names a chain cut back behind its checkpoint too, and leaves the checkpoint where it was', async () => {
    const library = await verifiedLibrary();
    await verify(library.id);
    const rows = await rowsOf(library.id);
    const keep = rows.length - 2;
    await database.db.deleteFrom('access_log').where('chain', '=', library.id).where('chain_seq', '>', keep).execute();
    await database.db.updateTable('access_log_heads').set({ last_seq: keep, last_hash: rows[keep - 1]?.hash ?? '' }).where('chain', '=', library.id).execute();
    for (let i = 0; i < 2; i++) {
      const report = await verify(library.id);
      expect(report.ok).toBe(false);
      expect(report.broken.map((b) => b.problem)).toContain('checkpoint-moved');
    }
    const checkpoint = await database.db.selectFrom('access_log_checkpoints').selectAll().where('chain', '=', library.id).executeTakeFirstOrThrow();
    expect(Number(checkpoint.seq)).toBe(rows.length);
  });

  it('names a chain verified before whose head and entries were all deleted', async () => {
    const library = await verifiedLibrary();
    await verify(library.id);
    await database.db.deleteFrom('access_log').where('chain', '=', library.id).execute();
    await database.db.deleteFrom('access_log_heads').where('chain', '=', library.id).execute();
    const report = await verify(library.id);
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ chain: library.id, problem: 'checkpoint-moved' });
  });
});
