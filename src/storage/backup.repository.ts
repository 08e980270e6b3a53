import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { isSearchIndexTable } from './catalogue.repository.js';
import { engineOf, type Db } from './database.js';

/**
 * The SQL of backups and restores: a logical dump of every table of the data database, read and written
 * the same way on SQLite and PostgreSQL, so a backup of one engine restores onto the other. Tables are
 * found in the database's own catalogue (a table added by a later migration is included without a change
 * here) and ordered parents first by their foreign keys. The key store is never part of it.
 */

/** A column value as a backup holds it: text (instants are ISO-8601 strings on both engines), a number, or null. */
export type BackupValue = string | number | null;

export interface TableInfo {
  name: string;
  /** Column names in declaration order. */
  columns: string[];
  /** Primary-key columns in key order (empty when the table has none). */
  primaryKey: string[];
  /** Tables this table's foreign keys point at (other than itself). */
  parents: string[];
}

/** Rows read or inserted per statement page. */
export const PAGE_ROWS = 2000;
/** Bound parameters per statement: SQLite's historical cap (999) is the lower of the two engines'. */
const MAX_PARAMETERS = 999;

type AnyDb = Kysely<any> | Transaction<any>;
const loose = (db: Db): AnyDb => db as unknown as AnyDb;

/**
 * Whether a table is the migrator's own bookkeeping, the engine's, or SQLite's catalogue search index
 * (derived from the records: a restore's inserts rebuild it through its triggers). Not Carrel data.
 */
function isBookkeeping(name: string): boolean {
  return name.startsWith('kysely_') || name.startsWith('sqlite_') || isSearchIndexTable(name);
}

/** Every data table with its columns, primary key and parents, parents before children. */
export async function dataTables(db: Db): Promise<TableInfo[]> {
  const tables = engineOf(db) === 'postgres' ? await postgresTables(db) : await sqliteTables(db);
  return parentsFirst(tables.filter((t) => !isBookkeeping(t.name)));
}

async function sqliteTables(db: Db): Promise<TableInfo[]> {
  const names = await sql<{ name: string }>`select name from sqlite_schema where type = 'table' order by name`.execute(db);
  const tables: TableInfo[] = [];
  for (const { name } of names.rows) {
    if (isBookkeeping(name)) continue;
    const columns = await sql<{ name: string; pk: number }>`select name, pk from pragma_table_info(${name}) order by cid`.execute(db);
    const parents = await sql<{ parent: string }>`select distinct "table" as parent from pragma_foreign_key_list(${name})`.execute(db);
    tables.push({
      name,
      columns: columns.rows.map((c) => c.name),
      primaryKey: columns.rows.filter((c) => Number(c.pk) > 0).sort((a, b) => Number(a.pk) - Number(b.pk)).map((c) => c.name),
      parents: parents.rows.map((p) => p.parent).filter((p) => p !== name),
    });
  }
  return tables;
}

async function postgresTables(db: Db): Promise<TableInfo[]> {
  const names = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const columns = await sql<{ table: string; column: string }>`
    select table_name as "table", column_name as "column" from information_schema.columns
    where table_schema = current_schema() and is_generated = 'NEVER' order by table_name, ordinal_position`.execute(db);
  const keys = await sql<{ table: string; column: string }>`
    select tc.table_name as "table", kcu.column_name as "column"
    from information_schema.table_constraints tc
    join information_schema.key_column_usage kcu
      on kcu.constraint_schema = tc.constraint_schema and kcu.constraint_name = tc.constraint_name and kcu.table_name = tc.table_name
    where tc.constraint_type = 'PRIMARY KEY' and tc.table_schema = current_schema()
    order by tc.table_name, kcu.ordinal_position`.execute(db);
  const parents = await sql<{ child: string; parent: string }>`
    select distinct child.relname as child, parent.relname as parent
    from pg_constraint con
    join pg_class child on child.oid = con.conrelid
    join pg_class parent on parent.oid = con.confrelid
    join pg_namespace ns on ns.oid = child.relnamespace
    where con.contype = 'f' and ns.nspname = current_schema()`.execute(db);
  return names.rows.map(({ name }) => ({
    name,
    columns: columns.rows.filter((c) => c.table === name).map((c) => c.column),
    primaryKey: keys.rows.filter((k) => k.table === name).map((k) => k.column),
    parents: parents.rows.filter((p) => p.child === name && p.parent !== name).map((p) => p.parent),
  }));
}

/** Orders tables so every table comes after the tables its foreign keys point at (ties by name). */
function parentsFirst(tables: TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  const remaining = [...tables].sort((a, b) => a.name.localeCompare(b.name));
  while (remaining.length > 0) {
    const index = remaining.findIndex((t) => t.parents.every((p) => placed.has(p) || !byName.has(p)));
    if (index < 0) throw new Error(`the foreign keys of ${remaining.map((t) => t.name).join(', ')} form a cycle; a backup cannot order them`);
    const [next] = remaining.splice(index, 1) as [TableInfo];
    ordered.push(next);
    placed.add(next.name);
  }
  return ordered;
}

/** The migrations applied to the database, in order. */
export async function appliedMigrations(db: Db): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}

/**
 * Reads one page of a table in primary-key order, after the key `after` (keyset paging: every page costs
 * the same however deep into the table). A table without a primary key is read whole, in one page.
 */
export async function readPage(db: Db, table: TableInfo, after: BackupValue[] | undefined, limit: number = PAGE_ROWS): Promise<BackupValue[][]> {
  const columns = sql.join(table.columns.map((c) => sql.ref(c)));
  let query: RawBuilder<Record<string, unknown>>;
  if (table.primaryKey.length === 0) {
    if (after !== undefined) return [];
    query = sql<Record<string, unknown>>`select ${columns} from ${sql.table(table.name)}`;
  } else {
    const key = sql.join(table.primaryKey.map((c) => sql.ref(c)));
    const where = after === undefined ? sql`` : sql`where (${key}) > (${sql.join(after)})`;
    query = sql<Record<string, unknown>>`select ${columns} from ${sql.table(table.name)} ${where} order by ${key} limit ${limit}`;
  }
  const result = await query.execute(db);
  return result.rows.map((row) => table.columns.map((column) => backupValue(row[column], table.name, column)));
}

/** The primary-key values of a row read by `readPage` (where the next page starts). */
export function keyOf(table: TableInfo, row: BackupValue[]): BackupValue[] {
  return table.primaryKey.map((column) => row[table.columns.indexOf(column)] ?? null);
}

function backupValue(value: unknown, table: string, column: string): BackupValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  // Binary or structured columns would need their own encoding: refuse rather than write a lossy backup.
  throw new Error(`column ${table}.${column} holds a value of a type backups do not support`);
}

/** Whether any data table holds a row. */
export async function holdsAnyRow(db: Db, tables: readonly TableInfo[]): Promise<boolean> {
  for (const table of tables) {
    const found = await sql`select 1 as one from ${sql.table(table.name)} limit 1`.execute(db);
    if (found.rows.length > 0) return true;
  }
  return false;
}

/** Deletes every row of the data tables, children first (restore --force). */
export async function wipeTables(db: Db, tables: readonly TableInfo[]): Promise<void> {
  for (const table of [...tables].reverse()) await loose(db).deleteFrom(table.name).execute();
}

/** Inserts rows (values in `columns` order), as many per statement as the parameter cap allows. */
export async function insertRows(db: Db, table: string, columns: readonly string[], rows: readonly BackupValue[][]): Promise<void> {
  if (columns.length === 0 || rows.length === 0) return;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const columnList = sql.join(columns.map((c) => sql.ref(c)));
  for (let start = 0; start < rows.length; start += perStatement) {
    const batch = rows.slice(start, start + perStatement);
    const values = sql.join(batch.map((row) => sql`(${sql.join(row)})`));
    await sql`insert into ${sql.table(table)} (${columnList}) values ${values}`.execute(db);
  }
}

/**
 * PostgreSQL: moves every serial or identity sequence past the highest value restored (rows were inserted
 * with their own `access_log.seq`, which does not advance the sequence). SQLite needs nothing.
 */
export async function resetSequences(db: Db): Promise<void> {
  if (engineOf(db) !== 'postgres') return;
  const serials = await sql<{ table: string; column: string }>`
    select table_name as "table", column_name as "column" from information_schema.columns
    where table_schema = current_schema() and (column_default like 'nextval(%' or is_identity = 'YES')`.execute(db);
  for (const { table, column } of serials.rows) {
    if (isBookkeeping(table)) continue;
    await sql`select setval(pg_get_serial_sequence(${quoteIdent(table)}, ${column}),
                            coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 0) + 1, false)`.execute(db);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The restored patrons: id and library (no personal data). */
export async function patronIdentities(db: Db): Promise<{ id: string; libraryId: string }[]> {
  const rows = await db.selectFrom('patrons').select(['id', 'library_id']).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, libraryId: r.library_id }));
}
