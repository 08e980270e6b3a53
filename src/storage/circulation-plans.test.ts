/**
 * The desk's item look-up (issue 23) answers, in one statement, the item locked, its library's
 * configuration version, whether a staff-list task waits on it and whether a pending hold could take
 * it. Each of those is a search of an index, never a pass over the holds or the tasks: a library with
 * thousands of holds waiting pays for the item's own queue only. Plans, not timings.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildPatron, libraryWorld, type World } from '../../test/factories.js';
import { capturingHandle, planOf, type Captured } from '../../test/plans.js';
import { lockItemsByBarcode } from './item.repository.js';
import type { Schema } from './schema.js';

const HOLDS = 400;

describe.each(ENGINES)('the circulation item look-up plan (%s)', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let capturing: Kysely<Schema>;
  const captured: Captured[] = [];

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
    await sql`analyze`.execute(database.db);
    capturing = capturingHandle(engine, database, /\bhold_waits\b/, captured);
    await lockItemsByBarcode(capturing, 'no-such-barcode', libraryId);
    await lockItemsByBarcode(capturing, 'no-such-barcode');
  });
  afterAll(() => database.drop());

  it('searches indexes for the item, its tasks and its hold queue', async () => {
    expect(captured.length).toBe(2);
    for (const query of captured) {
      const plan = await planOf(engine, database, query);
      if (engine === 'sqlite') {
        expect(plan, `${query.sql}\n${plan}`).not.toMatch(/\bSCAN (holds|item_tasks|items|libraries)\b/);
        expect(plan, plan).toMatch(/holds_item_status/);
        expect(plan, plan).toMatch(/holds_record_(status|waiting)/);
      } else {
        expect(plan, `${query.sql}\n${plan}`).not.toMatch(/Seq Scan on (holds|item_tasks|items|libraries)\b/);
        expect(plan, plan).toMatch(/holds_item_status/);
        expect(plan, plan).toMatch(/holds_record_(status|waiting)/);
      }
    }
  });
});
