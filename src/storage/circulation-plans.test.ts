/**
 * The desk's statements that answer more than their own row (issue 23): the item's look-up (with its
 * library's configuration version), a check-out's status change (whether a staff-list task waits on the
 * item) and a check-in's end of the loan (whether a pending hold could take the item). Each answer is a
 * search of an index, never a pass over the holds or the tasks: a library with thousands of holds waiting
 * pays for the item's own queue only. Plans, not timings.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildPatron, libraryWorld, type World } from '../../test/factories.js';
import { capturingHandle, planOf, type Captured } from '../../test/plans.js';
import { lockItemsByBarcode, setItemStatusSeeingTask } from './item.repository.js';
import { countPendingHoldsForItem, pendingHoldsFor } from './hold.repository.js';
import { endActiveLoanOfItem } from './loan.repository.js';
import type { Schema } from './schema.js';

const HOLDS = 400;

describe.each(ENGINES)('the circulation item look-up plan (%s)', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let capturing: Kysely<Schema>;
  const captured: Captured[] = [];
  let queueCapturing: Kysely<Schema>;
  const queue: Captured[] = [];
  const queuePlans: { query: Captured; plan: string; statistics: boolean }[] = [];

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    // A busy library's queue: a pending hold on each of many items.
    const patron = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId });
    await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${HOLDS})
      insert into items (id, library_id, branch_id, barcode, title, author, isbn, item_type, status, replacement_cost_cents, created_at, record_id, call_number, damaged)
      select 'fill-' || n.i, i.library_id, i.branch_id, 'FILL' || n.i, i.title, null, null, i.item_type, 'on-loan', null, i.created_at, null, null, 0 from n cross join items i where i.id = ${item.id}`.execute(database.db);
    await sql`insert into holds (id, library_id, patron_id, item_id, record_id, pickup_branch_id, status, placed_at)
      select 'hold-' || i.id, i.library_id, ${patron.id}, i.id, null, i.branch_id, 'pending', i.created_at from items i where i.id like 'fill-%'`.execute(database.db);
    // The queue a returned copy could fill, and its length (a renewal's refusal, SIP2's queue position):
    // planned before the tables have statistics, as a new database has none, and again after.
    queueCapturing = capturingHandle(engine, database, /from "holds"/, queue);
    const today = { day: '2026-01-01', now: '2026-01-01T12:00:00.000Z' };
    await pendingHoldsFor(queueCapturing, { id: 'no-such-item', recordId: 'no-such-record' }, today.day, 'no-such-branch', today.now);
    await countPendingHoldsForItem(queueCapturing, 'no-such-item', 'no-such-record', today);
    await countPendingHoldsForItem(queueCapturing, 'no-such-item');
    for (const query of queue) queuePlans.push({ query, plan: await planOf(engine, database, query), statistics: false });
    await sql`analyze`.execute(database.db);
    capturing = capturingHandle(engine, database, /\b(config_version|has_task|hold_waits)\b/, captured);
    await lockItemsByBarcode(capturing, 'no-such-barcode', libraryId);
    await lockItemsByBarcode(capturing, 'no-such-barcode');
    await setItemStatusSeeingTask(capturing, 'no-such-item', 'on-loan');
    await endActiveLoanOfItem(capturing, 'no-such-item', 'returned', new Date().toISOString());
    for (const query of queue) queuePlans.push({ query, plan: await planOf(engine, database, query), statistics: true });
  });
  afterAll(() => database.drop());

  it('searches indexes for the item, its tasks and its hold queue', async () => {
    expect(captured.length).toBe(4);
    const plans: string[] = [];
    for (const query of captured) {
      const plan = await planOf(engine, database, query);
      plans.push(plan);
      if (engine === 'sqlite') expect(plan, `${query.sql}\n${plan}`).not.toMatch(/\bSCAN (holds|item_tasks|items|libraries|loans)\b/);
      else expect(plan, `${query.sql}\n${plan}`).not.toMatch(/Seq Scan on (holds|item_tasks|items|libraries|loans)\b/);
    }
    const holds = plans[3] as string;
    expect(holds, holds).toMatch(/holds_item_status/);
    expect(holds, holds).toMatch(/holds_record_(status|waiting)/);
    expect(plans[2], plans[2]).toMatch(/item_tasks/);
  });

  it('searches the item’s queue and its record’s by their own indexes, never every pending hold', async () => {
    expect(queue.length).toBe(3);
    expect(queuePlans.length).toBe(6);
    // SQLite has statistics only when asked (Carrel does not ask), so its plans are checked without them
    // too; PostgreSQL's autovacuum gathers them as a table fills, and without any it ties indexes by name.
    for (const { query, plan } of queuePlans.filter((p) => engine === 'sqlite' || p.statistics)) {
      if (engine === 'sqlite') expect(plan, `${query.sql}\n${plan}`).not.toMatch(/\bSCAN holds\b|holds_pending_expiry/);
      else expect(plan, `${query.sql}\n${plan}`).not.toMatch(/Seq Scan on holds\b|holds_pending_expiry/);
      expect(plan, `${query.sql}\n${plan}`).toMatch(/holds_item_status/);
      if (query.parameters.includes('no-such-record')) expect(plan, `${query.sql}\n${plan}`).toMatch(/holds_record_(status|waiting)/);
    }
  });
});
