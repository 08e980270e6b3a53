import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, libraryWorld, refusalCodes, type World } from '../../test/factories.js';
import { keyStoreTargetFor, openKeyStore } from '../storage/key-store.js';
import { checkin, checkout } from '../usecases/circulation.usecases.js';
import { waiveFine } from '../usecases/fine.usecases.js';
import { deletePatron } from '../usecases/patron-deletion.usecases.js';
import { exportPatron, findPatrons, patronAccount, registerPatron } from '../usecases/patron.usecases.js';
import { randomKey, VaultError } from './cipher.js';
import { Keyring, readKeyFileKeys, writeKeyFile } from './keyring.js';
import { openVaultFor } from './open-vault.js';
import { rotateKeyFile } from './rotation.js';
import { Vault } from './vault.js';

/** Distinctive strings that must never appear at rest. */
const M = {
  name: 'Quimbly Zarathustra-Vexmarker',
  address: '77 Vexmarker Lane, Nowhereville',
  email: 'quimbly.vexmarker@example.org',
  phone: '+1 (505) 555-0199',
  birthDate: '1911-11-11',
  waiver: 'Vexmarker waiver: house fire',
};

describe.each(ENGINES)('the vault on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let card = '';
  let patronId = '';

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    const patron = await w.act(registerPatron, { libraryId, ...M, guardianCard: null });
    card = patron.cardNumber;
    patronId = patron.id;
    // A fine with a waiver: free text about a person, sealed too
    const item = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: card, itemBarcode: item.barcode });
    w.clock.advanceDays(40);
    const back = await w.act(checkin, { itemBarcode: item.barcode });
    await w.act(waiveFine, { fineId: back.fine?.id as string, reason: M.waiver });
  });
  afterAll(() => database.drop());

  const markers = () => [M.name, 'Vexmarker', 'vexmarker', 'Quimbly', M.email, '555-0199', M.birthDate, card];

  it('keeps no personal field, card number or free text in the clear at rest', async () => {
    if (engine === 'sqlite') {
      // The database, its WAL, and the key store (and its WAL) as raw bytes.
      const files = [database.target, `${database.target}-wal`, keyStoreTargetFor(database.target), `${keyStoreTargetFor(database.target)}-wal`].filter(existsSync);
      expect(files.length).toBeGreaterThanOrEqual(3);
      for (const file of files) {
        const bytes = readFileSync(file).toString('latin1');
        for (const marker of markers()) expect(bytes.includes(marker), `${marker} in ${file}`).toBe(false);
      }
    } else {
      // Every table of both schemas, read with plain SQL.
      const tables = await sql<{ schema: string; name: string }>`
        select table_schema as schema, table_name as name from information_schema.tables
        where table_schema in ('public', 'carrel_keys') and table_type = 'BASE TABLE'`.execute(database.db);
      expect(tables.rows.map((t) => t.name)).toEqual(expect.arrayContaining(['patrons', 'fines', 'data_keys', 'vault_keys']));
      for (const table of tables.rows) {
        const rows = await sql`select * from ${sql.id(table.schema, table.name)}`.execute(database.db);
        const text = JSON.stringify(rows.rows);
        for (const marker of markers()) expect(text.includes(marker), `${marker} in ${table.schema}.${table.name}`).toBe(false);
      }
    }
  });

  it('opens everything for the patron’s own export', async () => {
    const doc = await w.act(exportPatron, { cardNumber: card }, { purpose: 'account-service' });
    const { waiver: _waiver, ...personal } = M;
    expect(doc.patron).toMatchObject({ ...personal, cardNumber: card });
    expect(doc.fines[0]?.note).toBe(M.waiver);
  });

  it('finds a patron by card, email, phone or exact name words, and by nothing vaguer', async () => {
    const hit = [expect.objectContaining({ id: patronId, name: M.name })];
    expect(await w.act(findPatrons, { email: '  QUIMBLY.Vexmarker@Example.org ' }, { purpose: 'account-service' })).toEqual(hit);
    expect(await w.act(findPatrons, { phone: '505 555 0199' }, { purpose: 'account-service' })).toEqual(hit);
    expect(await w.act(findPatrons, { name: 'zarathustra' }, { purpose: 'account-service' })).toEqual(hit);
    expect(await w.act(findPatrons, { name: 'Quimbly VEXMARKER' }, { purpose: 'account-service' })).toEqual(hit);
    expect(await w.act(findPatrons, { name: 'Quimb' }, { purpose: 'account-service' })).toEqual([]); // equality only: no prefixes
    expect(await w.act(findPatrons, { name: 'Quimbly Smith' }, { purpose: 'account-service' })).toEqual([]); // every word must match
    expect(await refusalCodes(w.act(findPatrons, {}, { purpose: 'account-service' }))).toEqual(['SEARCH_TOO_BROAD']);
    const accented = await w.act(registerPatron, { libraryId, name: 'José Ñúñez-O’Brien', birthDate: '1970-02-02' });
    expect((await w.act(findPatrons, { name: 'jose nunez obrien' }, { purpose: 'account-service' })).map((p) => p.id)).toEqual([accented.id]);
  });

  it('refuses to open with the wrong key, and refuses an empty key store when patrons exist', async () => {
    const store = await openKeyStore(keyStoreTargetFor(database.target));
    try {
      await expect(Vault.open({ keyring: new Keyring([randomKey()], { kind: 'env' }), store, now: w.clock.now() })).rejects.toThrow(/wrong key/);
    } finally {
      await store.close();
    }
    const dir = mkdtempSync(join(tmpdir(), 'carrel-vault-'));
    const keyFile = join(dir, 'k');
    writeKeyFile(keyFile, [randomKey()]);
    const elsewhere = engine === 'sqlite' ? join(dir, 'lost-keys.db') : undefined;
    if (elsewhere)
      await expect(openVaultFor(database.target, { keyFile, now: w.clock.now(), databaseHasPatrons: async () => true, keyStoreTarget: elsewhere })).rejects.toThrow(
        /holds no keys, but the database holds patrons/,
      );
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes a patron only when nothing is out or owed, shredding their key first (CB-A8)', async () => {
    const patron = await w.act(registerPatron, { libraryId, name: 'Leaving Reader', birthDate: '1980-01-01' });
    const item = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    expect(await refusalCodes(w.act(deletePatron, { cardNumber: patron.cardNumber }))).toEqual(['PATRON_HAS_ITEMS_OUT']);
    await w.act(checkin, { itemBarcode: item.barcode });
    const sealedCopy = (await database.db.selectFrom('patrons').select('personal').where('id', '=', patron.id).executeTakeFirstOrThrow()).personal;
    const receipt = await w.act(deletePatron, { cardNumber: patron.cardNumber });
    expect(receipt.patronId).toBe(patron.id);
    // Any copy of their sealed fields (a backup, a replica) no longer opens.
    await expect(w.runtime.vault.open(patron.id, 'personal', sealedCopy)).rejects.toThrow(VaultError);
    expect(await refusalCodes(w.act(patronAccount, { cardNumber: patron.cardNumber }))).toEqual(['PATRON_NOT_FOUND']);
    expect(await database.db.selectFrom('patron_search').select('patron_id').where('patron_id', '=', patron.id).execute()).toEqual([]);
  });
});

describe.each(ENGINES)('vault safeguards on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  beforeAll(async () => ({ database, w, libraryId } = await libraryWorld(engine)));
  afterAll(() => database.drop());

  it('stops opening a patron at once when another process shreds their key', async () => {
    const patron = await w.act(registerPatron, { libraryId, name: 'Cached Reader', birthDate: '1980-01-01' });
    await w.act(exportPatron, { cardNumber: patron.cardNumber }, { purpose: 'account-service' }); // this process now holds the key
    const other = await openKeyStore(keyStoreTargetFor(database.target));
    try {
      const elsewhere = await Vault.open({ keyring: w.runtime.vault.keyring, store: other, now: w.clock.now() });
      await elsewhere.shred(patron.id, w.clock.now());
    } finally {
      await other.close();
    }
    const sealed = (await database.db.selectFrom('patrons').select('personal').where('id', '=', patron.id).executeTakeFirstOrThrow()).personal;
    await expect(w.runtime.vault.open(patron.id, 'personal', sealed)).rejects.toThrow(VaultError);
  });

  it('never runs the retention backwards: an earlier clock neither keeps nor revives a key', async () => {
    const vault = w.runtime.vault;
    const t0 = w.clock.now();
    const day = 86_400_000;
    const a = randomUUID();
    await vault.createPatronKey(a, t0);
    await vault.shred(a, t0);
    expect(await vault.destroyExpired(new Date(t0.getTime() + 8 * day))).toBeGreaterThanOrEqual(1);
    expect(await vault.wasDestroyed(a)).toBe(true);
    expect(await vault.reinstate(a, t0)).toBe(false);
    // The key store has now seen t0 + 8 days: a shred "as of" t0 counts from then, not from t0.
    const b = randomUUID();
    await vault.createPatronKey(b, t0);
    await vault.shred(b, t0);
    expect(await vault.canReinstate(b, new Date(t0.getTime() + 14 * day))).toBe(true);
    await vault.destroyExpired(new Date(t0.getTime() + 16 * day));
    expect(await vault.wasDestroyed(b)).toBe(true);
  });

  it('lets one key rotation run at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'carrel-lock-'));
    const keyFile = join(dir, 'carrel.key');
    writeKeyFile(keyFile, [randomKey()]);
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(`${keyFile}.rotating`, String(holder.pid));
      await expect(rotateKeyFile(keyFile, async () => w.runtime.vault, { graceMs: 0 })).rejects.toThrow(/Another key rotation is running/);
      expect(readKeyFileKeys(keyFile)).toHaveLength(1); // nothing was changed
    } finally {
      holder.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(ENGINES)('key rotation on %s', (engine) => {
  let database: TestDatabase;
  let dir: string;
  let keyFile: string;
  beforeAll(async () => {
    database = await freshDatabase(engine);
    dir = mkdtempSync(join(tmpdir(), 'carrel-rotate-'));
    keyFile = join(dir, 'carrel.key');
    writeKeyFile(keyFile, [randomKey()]);
  });
  afterAll(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('survives being interrupted half-way: run again, every key opens under the new KEK', async () => {
    const opened = await openVaultFor(database.target, { keyFile, now: new Date(), databaseHasPatrons: async () => false });
    const ids = Array.from({ length: 120 }, () => randomUUID());
    const sealed = new Map<string, string>();
    for (const id of ids) {
      await opened.vault.createPatronKey(id, new Date());
      sealed.set(id, await opened.vault.seal(id, 'personal', `secret of ${id}`));
    }
    const oldKek = opened.vault.keyring.current;
    await opened.close();

    // First run: killed after two batches of 25 keys have committed.
    let reopened: Awaited<ReturnType<typeof openVaultFor>> | undefined;
    const open = async () => {
      reopened = await openVaultFor(database.target, { keyFile, now: new Date(), databaseHasPatrons: async () => true });
      return reopened.vault;
    };
    const interrupted = rotateKeyFile(keyFile, open, {
      graceMs: 0,
      batchSize: 25,
      onProgress: (done) => {
        if (done >= 50) throw new Error('killed');
      },
    });
    await expect(interrupted).rejects.toThrow('killed');
    await reopened?.close();
    expect(readKeyFileKeys(keyFile)).toHaveLength(2); // mid-rotation: new key first, old key kept
    const mixed = await (await open()).keyCounts();
    await reopened?.close();
    expect(Object.keys(mixed.byKek)).toHaveLength(2);

    // Second run resumes and finishes.
    const report = await rotateKeyFile(keyFile, open, { graceMs: 0 });
    await reopened?.close();
    expect(report).toMatchObject({ resumed: true, retired: [oldKek] });
    expect(readKeyFileKeys(keyFile)).toHaveLength(1);

    const after = await openVaultFor(database.target, { keyFile, now: new Date(), databaseHasPatrons: async () => true });
    try {
      expect(after.vault.keyring.current).toBe(report.current);
      expect((await after.vault.keyCounts()).byKek).toEqual({ [report.current]: ids.length });
      for (const id of ids) expect(await after.vault.open(id, 'personal', sealed.get(id) as string)).toBe(`secret of ${id}`);
    } finally {
      await after.close();
    }
    expect(dirname(keyFile)).toBe(dir);
    writeFileSync(join(dir, 'unused'), ''); // the folder stays writable for the cleanup
  });
});
