import type { Kysely } from 'kysely';

/**
 * A staff account belongs to one library, or to a list of libraries that all share their patrons (issue
 * 22, defect 7). An account without a library runs the system and reaches no patron.
 *
 * - `staff_libraries`: the libraries of an account that works for several (its home library
 *   `staff_accounts.library_id` among them); an account of one library has no rows here. No patron.
 * - Accounts made without a library before this migration: with exactly one library in the database,
 *   each that holds a role about patrons (any role but `admin`) is placed in it, which is what it was
 *   used for. With several libraries they stay without one: their roles about patrons count for nothing
 *   until an administrator places them (`carrel staff roles --library`), and `carrel staff list` says so.
 *   Accounts holding only `admin` stay consortium-wide: they run the system and read no patron.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('staff_libraries')
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff_accounts.id'))
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addPrimaryKeyConstraint('staff_libraries_pk', ['staff_id', 'library_id'])
    .execute();
  await db.schema.createIndex('staff_libraries_library').on('staff_libraries').columns(['library_id']).execute();

  const libraries = await db.selectFrom('libraries').select('id').limit(2).execute();
  if (libraries.length !== 1) return;
  const only = String(libraries[0]?.id);
  const unplaced = await db.selectFrom('staff_accounts').select(['id', 'roles']).where('library_id', 'is', null).execute();
  for (const account of unplaced) {
    const roles = JSON.parse(String(account.roles)) as string[];
    if (roles.some((role) => role !== 'admin')) await db.updateTable('staff_accounts').set({ library_id: only }).where('id', '=', account.id).execute();
  }
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
