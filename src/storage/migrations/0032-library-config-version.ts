import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * A version of each library's configuration (issue 23): `libraries.config_version`, a random token the
 * database itself replaces whenever the library's row, its branches, patron categories, item types,
 * circulation rules or closed days change, by triggers, so no write can forget it: a use case, an import, a restore, an
 * operator's SQL. A Carrel process keeps the configuration it read under the version it read it at
 * (usecases/library-config-cache.ts) and reads the version again in every transaction, as part of a statement
 * the desk runs anyway (the item's look-up), so a change made by any process is seen by the next request
 * of every process.
 *
 * The token is random, not a counter, so a database restored from a backup (or a transaction that
 * changed the configuration and rolled back) can never show a version a process remembers with other
 * contents.
 */
const CONFIG_TABLES = ['branches', 'patron_categories', 'item_types', 'circulation_rules', 'closed_days'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('libraries').addColumn('config_version', 'text', (c) => c.notNull().defaultTo('')).execute();
  if (engineOf(db) === 'postgres') {
    await sql`update libraries set config_version = gen_random_uuid()::text`.execute(db);
    await sql`create function carrel_library_row_changed() returns trigger language plpgsql as $$
      begin
        if new.config_version is not distinct from old.config_version then
          new.config_version := gen_random_uuid()::text;
        end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger libraries_config_version before update on libraries
      for each row execute function carrel_library_row_changed()`.execute(db);
    await sql`create function carrel_library_config_changed() returns trigger language plpgsql as $$
      begin
        update libraries set config_version = gen_random_uuid()::text
          where id = case when tg_op = 'DELETE' then old.library_id else new.library_id end;
        if tg_op = 'UPDATE' and new.library_id is distinct from old.library_id then
          update libraries set config_version = gen_random_uuid()::text where id = old.library_id;
        end if;
        return null;
      end $$`.execute(db);
    for (const table of CONFIG_TABLES) {
      await sql`create trigger ${sql.raw(`${table}_config_version`)} after insert or update or delete on ${sql.table(table)}
        for each row execute function carrel_library_config_changed()`.execute(db);
    }
    return;
  }
  const token = sql.raw(`lower(hex(randomblob(16)))`);
  await sql`update libraries set config_version = ${token}`.execute(db);
  // SQLite runs triggers without recursion unless asked (recursive_triggers is off), and the WHEN clause
  // leaves an update that set the version itself alone.
  await sql`create trigger libraries_config_version after update on libraries
    when new.config_version is old.config_version
    begin update libraries set config_version = ${token} where id = new.id; end`.execute(db);
  for (const table of CONFIG_TABLES) {
    await sql`create trigger ${sql.raw(`${table}_config_insert`)} after insert on ${sql.table(table)}
      begin update libraries set config_version = ${token} where id = new.library_id; end`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_config_update`)} after update on ${sql.table(table)}
      begin update libraries set config_version = ${token} where id in (old.library_id, new.library_id); end`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_config_delete`)} after delete on ${sql.table(table)}
      begin update libraries set config_version = ${token} where id = old.library_id; end`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
