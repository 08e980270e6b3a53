import { once } from 'node:events';
import { createGzip, gunzipSync } from 'node:zlib';
import { ErrorCode, refuse } from '../domain/errors.js';
import type { AccessEntry } from '../storage/access-log.repository.js';
import * as backups from '../storage/backup.repository.js';
import type { BackupValue, TableInfo } from '../storage/backup.repository.js';
import { engineOf, type Db } from '../storage/database.js';
import { deletePatronRows } from '../storage/patron.repository.js';
import { open, seal, VaultError } from '../vault/cipher.js';
import type { Vault } from '../vault/vault.js';
import { appendChained, attestLegacyLanes, chainLegacyEntries } from './access-chain.js';
import type { Caller, RecordCategory, Runtime } from './context.js';

/**
 * Backups (`carrel backup`, `carrel restore`): a logical dump of every table of the data database, sealed
 * under the vault's `backup` key. The key store is never in a backup: personal fields in it stay sealed
 * under each patron's data key, so a patron whose key has been destroyed (a deletion older than the
 * key-store retention) cannot come back from any backup, and a backup without its installation's key
 * store opens nothing at all.
 *
 * File: one line of JSON header (format, creation instant, source engine, migrations, row counts), then
 * the sealed body (`v1.<iv>.<ciphertext>`, base64url), bound to the header as associated data: a changed
 * header or body does not open. The body is gzip of JSON lines, each `{ table, columns, rows }` holding one
 * page of a table (rows as arrays in `columns` order), tables parents-first.
 */
export const BACKUP_FORMAT = 'carrel-backup-1';

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  sourceEngine: string;
  migrations: string[];
  /** Rows per table (counts only: nothing personal is in the header). */
  tables: Record<string, number>;
}

export interface Backup {
  /** The backup file's bytes. */
  data: Buffer;
  header: BackupHeader;
}

export interface RestoreReport {
  backupCreatedAt: string;
  sourceEngine: string;
  /** Rows restored per table (after unrecoverable patrons were removed, those counts are the backup's). */
  tables: Record<string, number>;
  patrons: {
    /** Their data key was in use: restored as they were. */
    intact: number;
    /** Deleted since the backup, within the key-store retention: their key was put back in use. */
    reinstated: number;
    /** Deleted since the backup, within the retention, and left deleted (no --reinstate-deleted). */
    deletionsHonoured: number;
    /** Their key is destroyed: their sealed fields can never be opened, so their rows were removed. */
    unrecoverable: number;
  };
  keys: {
    /** Shredded keys past the retention, destroyed before restoring. */
    destroyed: number;
    /** Keys of patrons the restored data does not hold (registered after the backup), shredded. */
    shredded: number;
  };
}

const BACKUP_CONTEXT = 'carrel-backup:';
const ALL_CATEGORIES: RecordCategory[] = ['registration', 'guardianship', 'circulation', 'holds', 'fines', 'access-log'];

/**
 * Takes a backup: every data table read in one transaction (one snapshot, repeatable read on PostgreSQL),
 * sealed under the vault's backup key. Writes an access-log row (no patron) saying a backup was taken.
 */
export async function createBackup(runtime: Runtime, caller: Caller): Promise<Backup> {
  const now = runtime.clock.now();
  const key = await runtime.vault.namedKey('backup', now);
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(gzip, 'end');
  ended.catch(() => undefined); // awaited below; a compression error also fails the write that met it
  const writeLine = async (line: string) => {
    if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
  };

  const snapshot = engineOf(runtime.db) === 'postgres' ? runtime.db.transaction().setIsolationLevel('repeatable read') : runtime.db.transaction();
  const { tables, migrations } = await snapshot.execute(async (trx) => {
    const migrations = await backups.appliedMigrations(trx);
    const counts: Record<string, number> = {};
    for (const table of await backups.dataTables(trx)) {
      let count = 0;
      let after: BackupValue[] | undefined;
      for (;;) {
        const rows = await backups.readPage(trx, table, after);
        if (rows.length === 0) break;
        count += rows.length;
        await writeLine(JSON.stringify({ table: table.name, columns: table.columns, rows }));
        const last = rows[rows.length - 1];
        if (table.primaryKey.length === 0 || rows.length < backups.PAGE_ROWS || !last) break;
        after = backups.keyOf(table, last);
      }
      counts[table.name] = count;
    }
    return { tables: counts, migrations };
  });
  gzip.end();
  await ended;
  // Logged in a transaction of its own once the snapshot is read (and before the backup is handed out):
  // a repeatable-read snapshot cannot lock a chain head another writer has moved since it began.
  await runtime.db.transaction().execute((trx) => logAccess(trx, runtime.vault, caller, now, 'backup'));

  const header: BackupHeader = { format: BACKUP_FORMAT, createdAt: now.toISOString(), sourceEngine: engineOf(runtime.db), migrations, tables };
  const headerLine = JSON.stringify(header);
  const sealed = seal(key, BACKUP_CONTEXT + headerLine, Buffer.concat(chunks));
  return { data: Buffer.from(`${headerLine}\n${sealed}\n`, 'utf8'), header };
}

/**
 * Restores a backup into an empty data database (or, with `force`, one whose every row it first deletes),
 * all in one transaction: a refused or failed restore changes nothing in the database. Then, patron by
 * patron: a key in use → intact; a key shredded within the key-store retention → reinstated; a destroyed
 * key → unrecoverable, and the patron's rows are removed (nothing sealed for them can be opened). Keys of
 * patrons the backup does not hold are shredded, as a deletion would (a newer backup restored within the
 * retention brings them back). Shredded keys past the retention are destroyed first.
 */
export async function restoreBackup(runtime: Runtime, caller: Caller, input: { data: Buffer; force?: boolean; reinstateDeleted?: boolean }): Promise<RestoreReport> {
  const now = runtime.clock.now();
  const { vault } = runtime;
  const { header, lines } = unseal(input.data, await vault.namedKey('backup', now));

  const target = await backups.dataTables(runtime.db);
  const byName = new Map(target.map((t) => [t.name, t]));
  const applied = new Set(await backups.appliedMigrations(runtime.db));
  const unknownMigrations = header.migrations.filter((m) => !applied.has(m));
  const unknownTables = [...lines.keys()].filter((name) => !byName.has(name));
  if (unknownMigrations.length > 0 || unknownTables.length > 0)
    throw refuse(ErrorCode.BACKUP_INCOMPATIBLE, 'The backup was made by a newer Carrel (its schema has migrations or tables this one does not know); upgrade Carrel, then restore.');

  const destroyed = await vault.destroyExpired(now);
  const keyed = new Set(await vault.patronsWithKeys());
  const kept = new Set<string>();
  const toReinstate: { id: string; libraryId: string }[] = [];
  let intact = 0;
  let unrecoverable = 0;
  let deletionsHonoured = 0;

  await runtime.db.transaction().execute(async (trx) => {
    if (await backups.holdsAnyRow(trx, target)) {
      if (!input.force)
        throw refuse(ErrorCode.RESTORE_TARGET_NOT_EMPTY, 'The database already holds data; restore into a new database, or pass --force to replace everything in it.');
      await backups.wipeTables(trx, target);
    }
    for (const table of target) for (const line of lines.get(table.name) ?? []) await load(trx, table, line);
    await backups.resetSequences(trx);
    // A backup taken before the access log was chained brings entries outside any chain: chain them now.
    await chainLegacyEntries(trx, vault);
    // A backup taken before lanes existed (migration 0028) brings heads whose lane count is not attested.
    if (!header.migrations.includes('0028-access-lanes')) await attestLegacyLanes(trx, vault);

    for (const patron of await backups.patronIdentities(trx)) {
      if (keyed.has(patron.id)) {
        intact++;
        kept.add(patron.id);
      } else if (await vault.canReinstate(patron.id, now)) {
        // Deleted since the backup, within the retention: a deletion is honoured unless the operator
        // asks, explicitly, to undo deletions (a mistaken deletion).
        if (input.reinstateDeleted) toReinstate.push(patron);
        else {
          await removeUnrecoverable(trx, vault, caller, now, patron);
          deletionsHonoured++;
        }
      } else if (await vault.wasDestroyed(patron.id)) {
        await removeUnrecoverable(trx, vault, caller, now, patron);
        unrecoverable++;
      } else {
        // This key store has never held the patron's key: it is not this installation's key store (or a
        // stale copy). Removing the patron would destroy data that the right key store could open.
        throw refuse(ErrorCode.RESTORE_KEY_STORE_MISMATCH, 'The key store does not know patrons in this backup; restore with the installation’s own key store. Nothing was changed.');
      }
    }
    await logAccess(trx, vault, caller, now, 'restore');
  });

  // The keys move only once the rows are committed: a failed restore never puts a key back in use.
  let reinstated = 0;
  for (const patron of toReinstate) {
    if (await vault.reinstate(patron.id, now)) {
      reinstated++;
      kept.add(patron.id);
    } else {
      // Destroyed meanwhile (another process past the retention): the rows can never be opened.
      await runtime.db.transaction().execute((trx) => removeUnrecoverable(trx, vault, caller, now, patron));
      unrecoverable++;
    }
  }
  let shredded = 0;
  for (const patronId of keyed) if (!kept.has(patronId) && (await vault.shred(patronId, now))) shredded++;

  return {
    backupCreatedAt: header.createdAt,
    sourceEngine: header.sourceEngine,
    tables: Object.fromEntries(target.map((t) => [t.name, header.tables[t.name] ?? 0])),
    patrons: { intact, reinstated, deletionsHonoured, unrecoverable },
    keys: { destroyed, shredded },
  };
}

/** One page of one table, as written by `createBackup`. */
interface Page {
  table: string;
  columns: string[];
  rows: BackupValue[][];
}

const unreadable = (message: string) => refuse(ErrorCode.BACKUP_UNREADABLE, message);

/**
 * Opens a backup file and checks all of it before anything is written: the header, the seal (which binds
 * the header), the compression, and every page against the header's row counts. Returns the body's lines
 * grouped by table (parsed again, one at a time, while loading).
 */
function unseal(data: Buffer, key: Buffer): { header: BackupHeader; lines: Map<string, string[]> } {
  const newline = data.indexOf(0x0a);
  if (newline <= 0) throw unreadable('The file is not a Carrel backup.');
  const headerLine = data.subarray(0, newline).toString('utf8');
  let header: BackupHeader;
  try {
    header = JSON.parse(headerLine) as BackupHeader;
  } catch {
    throw unreadable('The file is not a Carrel backup.');
  }
  if (!isHeader(header)) throw unreadable('The file is not a Carrel backup (or of a format this Carrel does not read).');

  let body: Buffer;
  try {
    body = open(key, BACKUP_CONTEXT + headerLine, data.subarray(newline + 1).toString('latin1').trim());
  } catch (error) {
    if (!(error instanceof VaultError)) throw error;
    throw unreadable(
      "The backup does not open with this installation's backup key: it was altered, or it was made by another installation (restore that installation's key store and key file first).",
    );
  }
  let text: Buffer;
  try {
    text = gunzipSync(body);
  } catch {
    throw unreadable('The backup is damaged: its body does not decompress.');
  }

  const lines = new Map<string, string[]>();
  const counts = new Map<string, number>();
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf(0x0a, start);
    if (end < 0) end = text.length;
    const line = text.subarray(start, end).toString('utf8');
    start = end + 1;
    if (line.length === 0) continue;
    const page = parsePage(line);
    if (!page) throw unreadable('The backup is damaged: a page of its body is malformed.');
    const ofTable = lines.get(page.table);
    if (ofTable) ofTable.push(line);
    else lines.set(page.table, [line]);
    counts.set(page.table, (counts.get(page.table) ?? 0) + page.rows.length);
  }
  for (const [table, expected] of Object.entries(header.tables))
    if ((counts.get(table) ?? 0) !== expected) throw unreadable('The backup is damaged: its row counts do not match its header.');
  for (const table of counts.keys()) if (!(table in header.tables)) throw unreadable('The backup is damaged: it holds a table its header does not list.');
  return { header, lines };
}

function isHeader(value: unknown): value is BackupHeader {
  if (typeof value !== 'object' || value === null) return false;
  const header = value as Partial<BackupHeader>;
  return (
    header.format === BACKUP_FORMAT &&
    typeof header.createdAt === 'string' &&
    typeof header.sourceEngine === 'string' &&
    Array.isArray(header.migrations) &&
    header.migrations.every((m) => typeof m === 'string') &&
    typeof header.tables === 'object' &&
    header.tables !== null &&
    Object.values(header.tables).every((n) => Number.isInteger(n) && (n as number) >= 0)
  );
}

function parsePage(line: string): Page | undefined {
  let page: Partial<Page>;
  try {
    page = JSON.parse(line) as Partial<Page>;
  } catch {
    return undefined;
  }
  const { table, columns, rows } = page;
  if (typeof table !== 'string' || !Array.isArray(columns) || !columns.every((c) => typeof c === 'string') || !Array.isArray(rows)) return undefined;
  const valid = rows.every(
    (row) => Array.isArray(row) && row.length === columns.length && row.every((v) => v === null || typeof v === 'string' || typeof v === 'number'),
  );
  return valid ? { table, columns, rows } : undefined;
}

async function load(trx: Db, table: TableInfo, line: string): Promise<void> {
  const page = parsePage(line) as Page; // checked by unseal
  if (page.columns.some((c) => !table.columns.includes(c)))
    throw refuse(ErrorCode.BACKUP_INCOMPATIBLE, 'The backup was made by a newer Carrel (a table has columns this one does not know); upgrade Carrel, then restore.');
  await backups.insertRows(trx, table.name, page.columns, page.rows);
}

/** Removes a patron whose key is destroyed, logged as a deletion (as `deletePatron` logs one). */
async function removeUnrecoverable(trx: Db, vault: Vault, caller: Caller, now: Date, patron: { id: string; libraryId: string }): Promise<void> {
  await deletePatronRows(trx, patron.id);
  await appendChained(trx, vault, [callerEntry(caller, now, patron, 'delete-unrecoverable', ['registration', 'guardianship', 'circulation', 'holds', 'fines'])]);
}

/** The access-log row of a backup or a restore: it touches every patron's records, so it names none. */
async function logAccess(trx: Db, vault: Vault, caller: Caller, now: Date, action: 'backup' | 'restore'): Promise<void> {
  await appendChained(trx, vault, [callerEntry(caller, now, null, action, ALL_CATEGORIES)]);
}

/** An access-log entry of the caller (backups run outside `run`, so without a use case's context). */
function callerEntry(caller: Caller, now: Date, patron: { id: string; libraryId: string } | null, action: string, categories: readonly RecordCategory[]): AccessEntry {
  const { actor } = caller;
  return {
    at: now.toISOString(),
    libraryId: patron?.libraryId ?? null,
    actorKind: actor.kind,
    actorId: actor.id,
    actorRole: actor.kind === 'staff' ? (actor.roles[0] ?? 'staff') : actor.kind,
    actorLibraryId: actor.kind === 'system' ? null : actor.libraryId,
    patronId: patron?.id ?? null,
    action,
    categories: [...categories],
    purpose: caller.purpose,
    channel: caller.channel,
  };
}
