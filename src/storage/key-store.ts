import { Kysely, Migrator, sql, type Migration } from 'kysely';
import { checkpointPostgres, engineOf, isPostgresUrl, openDatabase, truncateWal, type Engine, type LogCheckpoint } from './database.js';
import { prepared } from './prepared.js';

/**
 * The key store: wrapped data keys, one per patron, and the vault's own wrapped keys, kept apart from the
 * data (its own SQLite file beside the database, or the `carrel_keys` schema on PostgreSQL), so that a
 * backup of the data alone holds no key. Rows hold only wrapped keys; the key-encryption key is never here.
 */
export interface KeyStoreSchema {
  data_keys: { patron_id: string; kek_id: string; wrapped: string; created_at: string };
  vault_keys: { name: string; kek_id: string; wrapped: string; created_at: string };
  /** Keys of deleted patrons, kept until `destroy_after` (the key-store retention), then destroyed. */
  shredded_keys: { patron_id: string; kek_id: string; wrapped: string; shredded_at: string; destroy_after: string };
  /** Patrons whose key was destroyed: no key material, only the fact (a restore tells "destroyed" from "wrong key store"). */
  destroyed_keys: { patron_id: string; destroyed_at: string };
  /** The latest instant the key store has acted at: retention never runs backwards (`--as-of` in the past). */
  key_store_clock: { id: string; high_water: string };
}

export type KeyDb = Kysely<KeyStoreSchema>;

export interface KeyStore {
  db: KeyDb;
  engine: Engine;
  location: string;
  close(): Promise<void>;
}

/** Where the key store of a database lives: `carrel.db` → `carrel-keys.db`; PostgreSQL: the same server. */
export function keyStoreTargetFor(databaseTarget: string): string {
  if (isPostgresUrl(databaseTarget) || databaseTarget === ':memory:') return databaseTarget;
  return databaseTarget.replace(/(\.db|\.sqlite3?)?$/i, '-keys.db');
}

const SCHEMA = 'carrel_keys';

export async function openKeyStore(target: string): Promise<KeyStore> {
  const database = openDatabase(target, { poolSize: 4 });
  const base = database.db as unknown as Kysely<KeyStoreSchema>;
  if (database.engine === 'sqlite') {
    // Deleted keys are overwritten on disk, not just unlinked from the b-tree; and a committed rewrap or
    // shred is on disk before the command that made it returns (a rotation retires KEKs right after).
    await sql`pragma secure_delete = on`.execute(base);
    await sql`pragma synchronous = FULL`.execute(base);
  } else {
    await sql`create schema if not exists ${sql.id(SCHEMA)}`.execute(base);
  }
  const db = database.engine === 'postgres' ? base.withSchema(SCHEMA) : base;
  const migrator = new Migrator({
    db: base,
    provider: { getMigrations: async () => KEY_STORE_MIGRATIONS },
    migrationTableName: 'carrel_key_store_migration',
    migrationLockTableName: 'carrel_key_store_migration_lock',
    ...(database.engine === 'postgres' ? { migrationTableSchema: SCHEMA } : {}),
  });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await database.close();
    throw error instanceof Error ? error : new Error(String(error));
  }
  return { db, engine: database.engine, location: database.location, close: database.close };
}

const KEY_STORE_MIGRATIONS: Record<string, Migration> = {
  '0002-tombstones-and-clock': {
    async up(db: Kysely<any>) {
      const scoped = engineOf(db) === 'postgres' ? db.withSchema(SCHEMA) : db;
      await scoped.schema
        .createTable('destroyed_keys')
        .addColumn('patron_id', 'text', (c) => c.primaryKey())
        .addColumn('destroyed_at', 'text', (c) => c.notNull())
        .execute();
      await scoped.schema
        .createTable('key_store_clock')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('high_water', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0001-key-store': {
    async up(db: Kysely<any>) {
      const scoped = engineOf(db) === 'postgres' ? db.withSchema(SCHEMA) : db;
      await scoped.schema
        .createTable('data_keys')
        .addColumn('patron_id', 'text', (c) => c.primaryKey())
        .addColumn('kek_id', 'text', (c) => c.notNull())
        .addColumn('wrapped', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await scoped.schema.createIndex('data_keys_kek').on('data_keys').column('kek_id').execute();
      await scoped.schema
        .createTable('vault_keys')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('kek_id', 'text', (c) => c.notNull())
        .addColumn('wrapped', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await scoped.schema
        .createTable('shredded_keys')
        .addColumn('patron_id', 'text', (c) => c.primaryKey())
        .addColumn('kek_id', 'text', (c) => c.notNull())
        .addColumn('wrapped', 'text', (c) => c.notNull())
        .addColumn('shredded_at', 'text', (c) => c.notNull())
        .addColumn('destroy_after', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

// ---- repository functions (all key-store SQL lives here)

export interface WrappedKey {
  kekId: string;
  wrapped: string;
}

const dataKeyOf = prepared((db: KeyDb, patronId: string) => db.selectFrom('data_keys').select(['kek_id', 'wrapped']).where('patron_id', '=', patronId));

export async function findDataKey(db: KeyDb, patronId: string): Promise<WrappedKey | undefined> {
  const [row] = (await dataKeyOf(db, patronId)).rows;
  return row && { kekId: row.kek_id, wrapped: row.wrapped };
}

export async function insertDataKey(db: KeyDb, patronId: string, key: WrappedKey, at: string): Promise<void> {
  await db.insertInto('data_keys').values({ patron_id: patronId, kek_id: key.kekId, wrapped: key.wrapped, created_at: at }).execute();
}

/** Writes many data keys in one transaction (an import's page: one commit, not one per patron). */
export async function insertDataKeys(db: KeyDb, keys: readonly { patronId: string; key: WrappedKey }[], at: string): Promise<void> {
  if (keys.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < keys.length; i += 200)
      await trx
        .insertInto('data_keys')
        .values(keys.slice(i, i + 200).map(({ patronId, key }) => ({ patron_id: patronId, kek_id: key.kekId, wrapped: key.wrapped, created_at: at })))
        .execute();
  });
}

/** Which of these patrons already have a data key. */
export async function dataKeysAmong(db: KeyDb, patronIds: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < patronIds.length; i += 500) {
    const rows = await db.selectFrom('data_keys').select('patron_id').where('patron_id', 'in', [...patronIds.slice(i, i + 500)]).execute();
    for (const row of rows) found.add(row.patron_id);
  }
  return found;
}

/** Replaces a key's wrapping (key rotation), only if it is still wrapped by `fromKekId`. */
export async function rewrapDataKey(db: KeyDb, patronId: string, fromKekId: string, key: WrappedKey): Promise<boolean> {
  const result = await db
    .updateTable('data_keys')
    .set({ kek_id: key.kekId, wrapped: key.wrapped })
    .where('patron_id', '=', patronId)
    .where('kek_id', '=', fromKekId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Data keys still wrapped by a KEK other than `kekId`, a batch at a time (rotation). */
export async function dataKeysNotWrappedBy(db: KeyDb, kekId: string, limit: number): Promise<{ patronId: string; kekId: string; wrapped: string }[]> {
  const rows = await db.selectFrom('data_keys').select(['patron_id', 'kek_id', 'wrapped']).where('kek_id', '!=', kekId).orderBy('patron_id').limit(limit).execute();
  return rows.map((r) => ({ patronId: r.patron_id, kekId: r.kek_id, wrapped: r.wrapped }));
}

export async function countDataKeys(db: KeyDb): Promise<{ total: number; byKek: Record<string, number> }> {
  const rows = await db.selectFrom('data_keys').select(['kek_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('kek_id').execute();
  const byKek = Object.fromEntries(rows.map((r) => [r.kek_id, Number(r.n)]));
  return { total: rows.reduce((sum, r) => sum + Number(r.n), 0), byKek };
}

export async function findVaultKey(db: KeyDb, name: string): Promise<WrappedKey | undefined> {
  const row = await db.selectFrom('vault_keys').select(['kek_id', 'wrapped']).where('name', '=', name).executeTakeFirst();
  return row && { kekId: row.kek_id, wrapped: row.wrapped };
}

export async function insertVaultKey(db: KeyDb, name: string, key: WrappedKey, at: string): Promise<void> {
  await db.insertInto('vault_keys').values({ name, kek_id: key.kekId, wrapped: key.wrapped, created_at: at }).execute();
}

export async function rewrapVaultKey(db: KeyDb, name: string, fromKekId: string, key: WrappedKey): Promise<void> {
  await db.updateTable('vault_keys').set({ kek_id: key.kekId, wrapped: key.wrapped }).where('name', '=', name).where('kek_id', '=', fromKekId).execute();
}

export async function vaultKeysNotWrappedBy(db: KeyDb, kekId: string): Promise<{ name: string; kekId: string; wrapped: string }[]> {
  const rows = await db.selectFrom('vault_keys').select(['name', 'kek_id', 'wrapped']).where('kek_id', '!=', kekId).execute();
  return rows.map((r) => ({ name: r.name, kekId: r.kek_id, wrapped: r.wrapped }));
}

/** Moves a patron's key out of use into the shredded keys (one transaction). Returns whether there was one. */
export async function shredDataKey(db: KeyDb, patronId: string, at: string, destroyAfter: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('data_keys').selectAll().where('patron_id', '=', patronId).executeTakeFirst();
    if (!row) return false;
    await trx
      .insertInto('shredded_keys')
      .values({ patron_id: patronId, kek_id: row.kek_id, wrapped: row.wrapped, shredded_at: at, destroy_after: destroyAfter })
      .execute();
    await trx.deleteFrom('data_keys').where('patron_id', '=', patronId).execute();
    return true;
  });
}

/** The patrons whose data key is in use (a restore shreds the keys of patrons its data does not hold). */
export async function dataKeyPatronIds(db: KeyDb): Promise<string[]> {
  const rows = await db.selectFrom('data_keys').select('patron_id').orderBy('patron_id').execute();
  return rows.map((r) => r.patron_id);
}

export async function findShreddedKey(db: KeyDb, patronId: string, now: string): Promise<WrappedKey | undefined> {
  const row = await db
    .selectFrom('shredded_keys')
    .select(['kek_id', 'wrapped'])
    .where('patron_id', '=', patronId)
    .where('destroy_after', '>', now)
    .executeTakeFirst();
  return row && { kekId: row.kek_id, wrapped: row.wrapped };
}

/** Destroys the shredded keys whose retention has ended, leaving a tombstone each; returns how many. */
export async function destroyExpiredShreddedKeys(db: KeyDb, now: string): Promise<number> {
  const destroyed = await db.transaction().execute(async (trx) => {
    const due = await trx.selectFrom('shredded_keys').select('patron_id').where('destroy_after', '<=', now).execute();
    if (due.length === 0) return 0;
    for (const row of due)
      await trx
        .insertInto('destroyed_keys')
        .values({ patron_id: row.patron_id, destroyed_at: now })
        .onConflict((oc) => oc.column('patron_id').doNothing())
        .execute();
    await trx.deleteFrom('shredded_keys').where('destroy_after', '<=', now).execute();
    return due.length;
  });
  // SQLite: push the deletion through the WAL into the (secure_delete) database file and empty the WAL,
  // so no copy of a destroyed wrapped key stays on disk.
  if (destroyed > 0) await truncateWal(db);
  return destroyed;
}

/** What a rotation did so that no earlier version of a rewrapped key stays where the key store keeps data. */
export interface OldVersionsErased {
  /**
   * SQLite: `truncated` (the WAL, which held every key's earlier wrapping, is empty) or `busy` (another
   * connection kept an older snapshot open through every attempt). PostgreSQL: `checkpointed` or
   * `not-permitted` (CHECKPOINT needs superuser or pg_checkpoint).
   */
  log: LogCheckpoint;
  /** PostgreSQL: the key store's tables were rewritten (VACUUM FULL), leaving no dead row version in their files. */
  tablesRewritten?: boolean;
}

/**
 * After a rotation has rewrapped every key: the earlier wrappings must not stay on disk, where the retired
 * KEK would still open them. SQLite: the rows were overwritten in place (secure_delete), and the WAL, which
 * still holds the pages as they were, is checkpointed and truncated. PostgreSQL: an UPDATE leaves the old
 * row version in the table file, so the key store's three tables are rewritten (VACUUM FULL, a brief
 * exclusive lock on tables of a few megabytes; only when this role owns them), then a CHECKPOINT lets the
 * server recycle the WAL segments that hold the old rows. What no command reaches (older WAL segments
 * until recycled, WAL archives, base backups) is the operator's: see the README.
 */
export async function eraseOldVersions(db: KeyDb): Promise<OldVersionsErased> {
  if (engineOf(db) === 'sqlite') return { log: (await truncateWal(db)) ?? 'busy' };
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_tables
    where schemaname = ${SCHEMA} and tablename in ('data_keys', 'vault_keys', 'shredded_keys') and not pg_has_role(tableowner, 'USAGE')`.execute(db);
  const owned = Number(rows[0]?.n ?? 1) === 0;
  if (owned) await sql`vacuum (full) ${sql.raw(`${SCHEMA}.data_keys, ${SCHEMA}.vault_keys, ${SCHEMA}.shredded_keys`)}`.execute(db);
  return { log: await checkpointPostgres(db), tablesRewritten: owned };
}

/** Whether a patron's key was destroyed (past retention), as opposed to never having been in this store. */
export async function wasDestroyed(db: KeyDb, patronId: string): Promise<boolean> {
  return (await db.selectFrom('destroyed_keys').select('patron_id').where('patron_id', '=', patronId).executeTakeFirst()) !== undefined;
}

/**
 * The key store's notion of now: the later of `now` and the latest instant it has acted at, recorded.
 * Retention decisions use it, so a command run "as of" an earlier date cannot keep or revive a key.
 */
export async function advanceClock(db: KeyDb, now: string): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('key_store_clock').select('high_water').where('id', '=', 'retention').executeTakeFirst();
    if (row && row.high_water >= now) return row.high_water;
    if (row) await trx.updateTable('key_store_clock').set({ high_water: now }).where('id', '=', 'retention').execute();
    else await trx.insertInto('key_store_clock').values({ id: 'retention', high_water: now }).execute();
    return now;
  });
}

/** Keys of any kind (data, vault, shredded) still wrapped by a KEK other than `kekId`. */
export async function countKeysNotWrappedBy(db: KeyDb, kekId: string): Promise<number> {
  let total = 0;
  for (const table of ['data_keys', 'vault_keys', 'shredded_keys'] as const) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('kek_id', '!=', kekId).executeTakeFirstOrThrow();
    total += Number(row.n);
  }
  return total;
}

/** Wrapped keys of shredded patrons still within retention may be rewrapped too (rotation). */
export async function shreddedKeysNotWrappedBy(db: KeyDb, kekId: string): Promise<{ patronId: string; kekId: string; wrapped: string }[]> {
  const rows = await db.selectFrom('shredded_keys').select(['patron_id', 'kek_id', 'wrapped']).where('kek_id', '!=', kekId).execute();
  return rows.map((r) => ({ patronId: r.patron_id, kekId: r.kek_id, wrapped: r.wrapped }));
}

export async function rewrapShreddedKey(db: KeyDb, patronId: string, fromKekId: string, key: WrappedKey): Promise<void> {
  await db.updateTable('shredded_keys').set({ kek_id: key.kekId, wrapped: key.wrapped }).where('patron_id', '=', patronId).where('kek_id', '=', fromKekId).execute();
}

/** Reinstates a shredded key (restore of a backup within the key-store retention). */
export async function reinstateShreddedKey(db: KeyDb, patronId: string, at: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('shredded_keys').selectAll().where('patron_id', '=', patronId).executeTakeFirst();
    if (!row) return false;
    await trx.insertInto('data_keys').values({ patron_id: patronId, kek_id: row.kek_id, wrapped: row.wrapped, created_at: at }).execute();
    await trx.deleteFrom('shredded_keys').where('patron_id', '=', patronId).execute();
    return true;
  });
}
