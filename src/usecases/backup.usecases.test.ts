import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { keyStoreTargetFor, openKeyStore } from '../storage/key-store.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, refusal, world, type World } from '../../test/factories.js';
import { SYSTEM } from '../policy/actors.js';
import { appliedMigrations, dataTables, holdsAnyRow, keyOf, readPage, type BackupValue } from '../storage/backup.repository.js';
import type { Engine } from '../storage/database.js';
import { open, seal, VaultError } from '../vault/cipher.js';
import { BACKUP_FORMAT, createBackup, restoreBackup, type Backup, type BackupHeader } from './backup.usecases.js';
import { checkin, checkout } from './circulation.usecases.js';
import { run, type Caller, type Runtime } from './context.js';
import { pay } from './fine.usecases.js';
import { placeHold } from './hold.usecases.js';
import { deletePatron } from './patron-deletion.usecases.js';
import { exportPatron } from './patron.usecases.js';

/**
 * Backups and crypto-shredding, on each engine (and restored onto each engine): a backup holds no
 * personal field in the clear, restores every patron intact, and cannot bring back a patron deleted
 * longer ago than the key-store retention.
 */

const OPERATOR: Caller = { actor: SYSTEM, purpose: 'administration', channel: 'cli' };
const DAY = 86_400_000;

interface Person {
  id: string;
  cardNumber: string;
  /** Every personal field given at registration, each a string found nowhere else. */
  markers: string[];
}

/** A source database with patrons (every personal field a marker), a guardian link, a loan, a hold, a fine and a payment. */
interface Seeded {
  source: TestDatabase;
  w: World;
  libraryId: string;
  people: Person[];
  /** Registers one more patron with marker fields and no loans or fines (deletable). */
  register(label: string): Promise<Person>;
}

/** The runtime of another database with the same vault (same key ring, same key store): a restore target. */
function runtimeOn(database: TestDatabase, w: World): Runtime {
  return { db: database.db, clock: w.clock, vault: w.runtime.vault };
}

function exportOf(runtime: Runtime, cardNumber: string) {
  return run(runtime, { actor: SYSTEM, purpose: 'account-service', channel: 'cli' }, exportPatron, { cardNumber });
}

/** Decrypts a backup's body as only the installation can: the text of its pages. */
async function bodyText(w: World, backup: Backup): Promise<string> {
  const text = backup.data.toString('utf8');
  const newline = text.indexOf('\n');
  const key = await w.runtime.vault.namedKey('backup', w.clock.now());
  return gunzipSync(open(key, `carrel-backup:${text.slice(0, newline)}`, text.slice(newline + 1).trim())).toString('utf8');
}

/** Re-seals a backup after changing its header and body lines (for damaged or foreign backups that still open). */
async function reseal(w: World, backup: Backup, change: { header?: (h: BackupHeader) => BackupHeader; lines?: (lines: string[]) => string[] }): Promise<Buffer> {
  const lines = (await bodyText(w, backup)).split('\n').filter((l) => l.length > 0);
  const headerLine = JSON.stringify((change.header ?? ((h) => h))(structuredClone(backup.header)));
  const body = gzipSync(`${(change.lines ?? ((l) => l))(lines).join('\n')}\n`);
  const key = await w.runtime.vault.namedKey('backup', w.clock.now());
  return Buffer.from(`${headerLine}\n${seal(key, `carrel-backup:${headerLine}`, body)}\n`);
}

async function isEmpty(database: TestDatabase): Promise<boolean> {
  return !(await holdsAnyRow(database.db, await dataTables(database.db)));
}

/** Every row of the database that names the patron. */
async function rowsNaming(database: TestDatabase, patronId: string): Promise<number> {
  const db = database.db;
  const counts = await Promise.all([
    db.selectFrom('patrons').select('id').where('id', '=', patronId).execute(),
    db.selectFrom('patron_search').select('patron_id').where('patron_id', '=', patronId).execute(),
    db.selectFrom('guardian_links').select('minor_patron_id').where((eb) => eb.or([eb('minor_patron_id', '=', patronId), eb('guardian_patron_id', '=', patronId)])).execute(),
    db.selectFrom('loans').select('id').where('patron_id', '=', patronId).execute(),
    db.selectFrom('holds').select('id').where('patron_id', '=', patronId).execute(),
    db.selectFrom('fines').select('id').where('patron_id', '=', patronId).execute(),
    db.selectFrom('payments').select('id').where('patron_id', '=', patronId).execute(),
  ]);
  return counts.reduce((sum, rows) => sum + rows.length, 0);
}

describe.each(ENGINES)('backup and restore on %s', (engine) => {
  const databases: TestDatabase[] = [];
  let dir: string;

  async function database(of: Engine = engine): Promise<TestDatabase> {
    const created = await freshDatabase(of);
    databases.push(created);
    return created;
  }

  async function seeded(): Promise<Seeded> {
    const source = await database();
    const w = await world(source);
    const { library } = await buildLibrary(w);
    const libraryId = library.id;
    const register = async (label: string, extra: { birthDate?: string; guardianCard?: string } = {}): Promise<Person> => {
      const tag = randomBytes(5).toString('hex');
      const fields = {
        name: `Quennell ${label} Zarathi${tag}`,
        address: `${tag} Marigold Lane, Apt ${label}`,
        email: `${label}.${tag}@example.org`,
        phone: `+1 505 555 ${String(1000 + Math.floor(Math.random() * 9000))}`,
      };
      const patron = await buildPatron(w, { libraryId, ...fields, ...extra });
      return { id: patron.id, cardNumber: patron.cardNumber, markers: [fields.name, `Zarathi${tag}`, fields.address, fields.email, fields.phone] };
    };
    const guardian = await register('guardian');
    const minor = await register('minor', { birthDate: '2016-05-05', guardianCard: guardian.cardNumber });
    const borrower = await register('borrower');
    const holder = await register('holder');
    const debtor = await register('debtor');
    const onLoan = await buildItem(w, { libraryId });
    const returnedLate = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: borrower.cardNumber, itemBarcode: onLoan.barcode });
    await w.act(placeHold, { cardNumber: holder.cardNumber, itemBarcode: onLoan.barcode });
    await w.act(checkout, { cardNumber: debtor.cardNumber, itemBarcode: returnedLate.barcode });
    w.clock.advanceDays(30);
    await w.act(checkin, { itemBarcode: returnedLate.barcode });
    await w.act(pay, { cardNumber: debtor.cardNumber, amountCents: 100 }, { purpose: 'fines-collection' });
    return { source, w, libraryId, people: [guardian, minor, borrower, holder, debtor], register };
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `carrel-backup-${engine}-`));
  });
  afterAll(async () => {
    for (const created of databases) await created.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes no personal field or card number anywhere in the file, and restores every patron intact on each engine', async () => {
    const { source, w, people } = await seeded();
    const backup = await createBackup(w.runtime, OPERATOR);
    const file = join(dir, 'carrel.backup');
    writeFileSync(file, backup.data, { mode: 0o600 });

    const raw = readFileSync(file).toString('latin1');
    for (const person of people) {
      for (const marker of [...person.markers, person.cardNumber]) expect(raw, 'a personal field in the backup file').not.toContain(marker);
    }
    // Even opened with the backup key, the pages hold the sealed fields only: each needs its patron's data key.
    const body = await bodyText(w, backup);
    for (const person of people) for (const marker of [...person.markers, person.cardNumber]) expect(body).not.toContain(marker);
    expect(backup.header).toMatchObject({ format: BACKUP_FORMAT, sourceEngine: engine, migrations: await appliedMigrations(source.db) });
    expect(backup.header.tables).toMatchObject({ patrons: 5, guardian_links: 1, loans: 2, holds: 1, fines: 1, payments: 1, payment_allocations: 1 });

    const exported = await Promise.all(people.map((p) => exportOf(w.runtime, p.cardNumber)));
    for (const onto of ENGINES) {
      const target = await database(onto);
      const restored = runtimeOn(target, w);
      const report = await restoreBackup(restored, OPERATOR, { data: readFileSync(file) });
      expect(report.patrons, `onto ${onto}`).toEqual({ intact: 5, reinstated: 0, deletionsHonoured: 0, unrecoverable: 0 });
      expect(report.keys).toEqual({ destroyed: 0, shredded: 0 });
      expect(report.tables).toEqual(backup.header.tables);
      // Looked up by card number (the blind index came along), every patron exports exactly as before.
      for (const [index, person] of people.entries()) expect(await exportOf(restored, person.cardNumber), `onto ${onto}`).toEqual(exported[index]);
      // The access log carries on where it stopped (PostgreSQL's sequence was moved past the restored rows).
      const seqs = (await target.db.selectFrom('access_log').select('seq').orderBy('seq').execute()).map((r) => Number(r.seq));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
  });

  it('cannot bring back a patron deleted after the backup once the key-store retention has passed; the others restore intact', async () => {
    const { source, w, people, register } = await seeded();
    const deleted = await register('deleted');
    const sealed = (await source.db.selectFrom('patrons').select('personal').where('id', '=', deleted.id).executeTakeFirstOrThrow()).personal;
    const backup = await createBackup(w.runtime, OPERATOR);
    const exported = await Promise.all(people.map((p) => exportOf(w.runtime, p.cardNumber)));

    await w.act(deletePatron, { patronId: deleted.id }, { purpose: 'account-service' });
    w.clock.advanceDays(8);
    const target = await database();
    const report = await restoreBackup(runtimeOn(target, w), OPERATOR, { data: backup.data });

    expect(report.patrons).toEqual({ intact: 5, reinstated: 0, deletionsHonoured: 0, unrecoverable: 1 });
    expect(report.keys.destroyed).toBe(1); // the restore destroyed the expired key before looking
    // The sealed fields the backup holds can never be opened again, by any copy of the database.
    await expect(w.runtime.vault.open(deleted.id, 'personal', sealed)).rejects.toThrow(VaultError);
    expect(await w.runtime.vault.hasKey(deleted.id)).toBe(false);
    expect((await refusal(exportOf(runtimeOn(target, w), deleted.cardNumber))).code).toBe('PATRON_NOT_FOUND');
    expect(await rowsNaming(target, deleted.id)).toBe(0);
    for (const [index, person] of people.entries()) {
      const again = await exportOf(runtimeOn(target, w), person.cardNumber);
      expect({ ...again, exportedAt: null }).toEqual({ ...exported[index], exportedAt: null });
    }
    // A second restore of the same backup, later still, finds the same.
    const later = await database();
    w.clock.advanceDays(30);
    expect((await restoreBackup(runtimeOn(later, w), OPERATOR, { data: backup.data })).patrons).toEqual({ intact: 5, reinstated: 0, deletionsHonoured: 0, unrecoverable: 1 });
  });

  it('brings back a patron deleted after the backup while the key-store retention lasts', async () => {
    const { w, register } = await seeded();
    const deleted = await register('returning');
    const before = await exportOf(w.runtime, deleted.cardNumber);
    const backup = await createBackup(w.runtime, OPERATOR);
    await w.act(deletePatron, { patronId: deleted.id }, { purpose: 'account-service' });
    w.clock.advanceDays(1);

    // By default a restore honours the deletion, even within the retention…
    const honoured = await restoreBackup(runtimeOn(await database(), w), OPERATOR, { data: backup.data });
    expect(honoured.patrons).toEqual({ intact: 5, reinstated: 0, deletionsHonoured: 1, unrecoverable: 0 });
    expect(await w.runtime.vault.hasKey(deleted.id)).toBe(false);
    // …and undoes it only when asked to (a mistaken deletion).
    const target = await database();
    const report = await restoreBackup(runtimeOn(target, w), OPERATOR, { data: backup.data, reinstateDeleted: true });
    expect(report.patrons).toEqual({ intact: 5, reinstated: 1, deletionsHonoured: 0, unrecoverable: 0 });
    expect(await w.runtime.vault.hasKey(deleted.id)).toBe(true);
    const after = await exportOf(runtimeOn(target, w), deleted.cardNumber);
    expect(after.patron).toEqual(before.patron);
    // Reinstated for good: the key is no longer among the shredded ones the retention destroys.
    w.clock.advanceDays(30);
    await w.runtime.vault.destroyExpired(w.clock.now());
    expect((await exportOf(runtimeOn(target, w), deleted.cardNumber)).patron).toEqual(before.patron);
  });

  it('replaces a database with --force; keys of patrons the backup does not hold are shredded, and a newer backup brings them back', async () => {
    const { source, w, people, register } = await seeded();
    const older = await createBackup(w.runtime, OPERATOR);
    const late = await register('late');
    const newer = await createBackup(w.runtime, OPERATOR);

    const refused = await refusal(restoreBackup(w.runtime, OPERATOR, { data: older.data }));
    expect(refused.code).toBe('RESTORE_TARGET_NOT_EMPTY');
    expect(await exportOf(w.runtime, late.cardNumber)).toBeDefined(); // nothing changed

    const rolledBack = await restoreBackup(w.runtime, OPERATOR, { data: older.data, force: true });
    expect(rolledBack.patrons).toEqual({ intact: 5, reinstated: 0, deletionsHonoured: 0, unrecoverable: 0 });
    expect(rolledBack.keys.shredded).toBe(1);
    expect((await refusal(exportOf(w.runtime, late.cardNumber))).code).toBe('PATRON_NOT_FOUND');
    expect(await w.runtime.vault.hasKey(late.id)).toBe(false);
    for (const person of people) expect((await exportOf(w.runtime, person.cardNumber)).patron.id).toBe(person.id);

    w.clock.advanceDays(2);
    const forward = await restoreBackup(w.runtime, OPERATOR, { data: newer.data, force: true, reinstateDeleted: true });
    expect(forward.patrons).toEqual({ intact: 5, reinstated: 1, deletionsHonoured: 0, unrecoverable: 0 });
    expect((await exportOf(w.runtime, late.cardNumber)).patron.id).toBe(late.id);
    expect(await rowsNaming(source, late.id)).toBeGreaterThan(0);
  });

  it('refuses a key store that has never held the patrons’ keys, rather than deleting them', async () => {
    const { source, w, people } = await seeded();
    const backup = await createBackup(w.runtime, OPERATOR);
    // A stale copy of the key store: it lacks one patron's key, with no record of a destruction.
    const store = await openKeyStore(keyStoreTargetFor(source.target));
    await store.db.deleteFrom('data_keys').where('patron_id', '=', (people[0] as Person).id).execute();
    await store.close();
    const target = await database();
    const refused = await refusal(restoreBackup(runtimeOn(target, w), OPERATOR, { data: backup.data }));
    expect(refused.code).toBe('RESTORE_KEY_STORE_MISMATCH');
    expect(await target.db.selectFrom('patrons').select('id').execute()).toEqual([]);
  });

  it('refuses a damaged, foreign or newer backup and writes nothing', async () => {
    const { source, w } = await seeded();
    const backup = await createBackup(w.runtime, OPERATOR);
    const target = await database();
    const restored = runtimeOn(target, w);
    const codeOf = async (data: Buffer, runtime: Runtime = restored, force = false) => (await refusal(restoreBackup(runtime, OPERATOR, { data, force }))).code;

    // One character of the sealed body changed (still valid base64url), or of the header: the seal breaks.
    const body = Buffer.from(backup.data);
    const at = body.length - 20;
    body[at] = body[at] === 0x41 ? 0x42 : 0x41;
    expect(await codeOf(body)).toBe('BACKUP_UNREADABLE');
    const header = Buffer.from(backup.data.toString('utf8').replace('"patrons":5', '"patrons":4'));
    expect(await codeOf(header)).toBe('BACKUP_UNREADABLE');
    expect(await codeOf(Buffer.from('not a backup at all'))).toBe('BACKUP_UNREADABLE');
    expect(await codeOf(backup.data.subarray(0, backup.data.length - 200))).toBe('BACKUP_UNREADABLE');
    // Another installation (its own key ring and key store) cannot open it.
    const elsewhere = await database();
    const foreign = await world(elsewhere);
    expect(await codeOf(backup.data, foreign.runtime)).toBe('BACKUP_UNREADABLE');
    // A backup of a newer schema, or one whose pages do not add up to its header.
    const newer = await reseal(w, backup, { header: (h) => ({ ...h, migrations: [...h.migrations, '9999-from-the-future'] }) });
    expect(await codeOf(newer)).toBe('BACKUP_INCOMPATIBLE');
    const short = await reseal(w, backup, { lines: (lines) => lines.slice(0, -1) });
    expect(await codeOf(short)).toBe('BACKUP_UNREADABLE');
    expect(await isEmpty(target)).toBe(true);
    expect(await isEmpty(elsewhere)).toBe(true);

    // A forced restore that fails on its last page leaves the database as it was: one transaction.
    const before = await Promise.all((await dataTables(source.db)).map(async (t) => [t.name, (await source.db.selectFrom(t.name as 'patrons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n]));
    const failing = await reseal(w, backup, {
      lines: (lines) =>
        lines.map((line, index) => {
          if (index < lines.length - 1) return line;
          const page = JSON.parse(line) as { table: string; columns: string[]; rows: unknown[][] };
          return JSON.stringify({ ...page, columns: [...page.columns, 'bogus'], rows: page.rows.map((r) => [...r, null]) });
        }),
    });
    expect(await codeOf(failing, w.runtime, true)).toBe('BACKUP_INCOMPATIBLE');
    const after = await Promise.all((await dataTables(source.db)).map(async (t) => [t.name, (await source.db.selectFrom(t.name as 'patrons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n]));
    expect(after.map(([name, n]) => [name, Number(n)])).toEqual(before.map(([name, n]) => [name, Number(n)]));
  });

  it('reads every table a page at a time in key order, composite and timestamp keys too, parents first', async () => {
    const { source } = await seeded();
    const tables = await dataTables(source.db);
    const seen = new Set<string>();
    for (const table of tables) {
      for (const parent of table.parents) expect(seen.has(parent), `${table.name} comes after ${parent}`).toBe(true);
      seen.add(table.name);
      expect(table.primaryKey.length, `${table.name} has a primary key`).toBeGreaterThan(0);
      const whole = await readPage(source.db, table, undefined, 1_000_000);
      const paged: BackupValue[][] = [];
      let after: BackupValue[] | undefined;
      for (;;) {
        const page = await readPage(source.db, table, after, 2);
        paged.push(...page);
        const last = page[page.length - 1];
        if (page.length < 2 || !last) break;
        after = keyOf(table, last);
      }
      expect(paged, table.name).toEqual(whole);
    }
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['patrons', 'patron_search', 'guardian_links', 'loans', 'access_log']));
  });

  it('destroys a shredded key exactly when the retention ends', async () => {
    const { w, register } = await seeded();
    const deleted = await register('edge');
    const backup = await createBackup(w.runtime, OPERATOR);
    const deletedAt = w.clock.now().getTime();
    await w.act(deletePatron, { patronId: deleted.id }, { purpose: 'account-service' });
    w.clock.set(new Date(deletedAt + 7 * DAY - 1000)); // one second before the key is destroyed
    expect(await w.runtime.vault.canReinstate(deleted.id, w.clock.now())).toBe(true);
    w.clock.set(new Date(deletedAt + 7 * DAY));
    expect((await restoreBackup(runtimeOn(await database(), w), OPERATOR, { data: backup.data })).patrons).toEqual({ intact: 5, reinstated: 0, deletionsHonoured: 0, unrecoverable: 1 });
  });
});
