import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * Staff lists (issue 15): the physical work an item is waiting for, which the circulation records alone
 * do not tell — an item trapped for a hold still on the open shelves (to pull), one travelling to the
 * hold's pick-up branch (in transit), one left on a hold shelf after its hold expired or was cancelled
 * (to reshelve). A row is open work; it is deleted when the work is done. No patron: a reshelving row
 * carries the ended hold's shelf code, the slip's pseudonym, never who asked.
 *
 * And an index for the overdue list: active loans by due date.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  const instant = pg ? sql`timestamptz` : sql`text`;

  await db.schema
    .createTable('item_tasks')
    .addColumn('item_id', 'text', (c) => c.primaryKey().references('items.id'))
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    // 'pull' | 'transit' | 'reshelve'
    .addColumn('kind', 'text', (c) => c.notNull())
    // Where the work is done: the branch to pull at, the branch a transit leaves, the hold shelf to clear.
    .addColumn('branch_id', 'text', (c) => c.notNull().references('branches.id'))
    // Where the item goes next: the hold's pick-up branch (pull, transit); null when reshelving.
    .addColumn('to_branch_id', 'text', (c) => c.references('branches.id'))
    .addColumn('shelf_code', 'text')
    .addColumn('since', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('item_tasks_library').on('item_tasks').columns(['library_id', 'kind', 'since']).execute();
  await db.schema.createIndex('loans_active_due').on('loans').columns(['library_id', 'status', 'due_at']).execute();
}
