import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, START, world, type World } from '../../test/factories.js';
import { checkin, checkout } from '../usecases/circulation.usecases.js';
import { pay } from '../usecases/fine.usecases.js';
import { placeHold } from '../usecases/hold.usecases.js';
import { saveRecords } from '../usecases/catalogue.usecases.js';
import { findItem } from '../usecases/item.usecases.js';
import { exportPatron } from '../usecases/patron.usecases.js';
import { endComputerSession, startComputerSession } from '../usecases/service-record.usecases.js';
import { runRetention } from './retention.job.js';
import { INVENTORY, inventoryTables, isAggregate, OTHER_TABLES } from '../policy/inventory.js';
import { emailChannel } from '../notices/email.channel.js';
import { planNotices } from '../usecases/notice.usecases.js';
import { setMyPrivacy } from '../usecases/self-service.usecases.js';
import { startSmtpSink, type SmtpSink } from '../../test/smtp-sink.js';
import { deliverNotices } from './notices.job.js';
import { runJob } from './scheduler.js';
import { SYSTEM } from '../policy/actors.js';
import { deletePatron } from '../usecases/patron-deletion.usecases.js';
import { saveArtefact } from '../usecases/oidc.usecases.js';
import { ezproxyRedirect, recordVendorConsent, vendorAccount, vendorSubject } from '../usecases/vendor-sign-in.usecases.js';
import { createVendor } from '../usecases/vendor.usecases.js';
import { DateTime } from 'luxon';

/**
 * Complete anonymisation (IF-3, JC-IIIc, RF-1): once a run has broken a patron's link to an item, no
 * row of any table (listed from the catalog, not from a list that could go stale) and, on SQLite, no
 * byte of the database file links the two, directly or through an instant the loan left behind.
 */

const HOUR = 3_600_000;

/** Every table of a database (and, on PostgreSQL, the key store's schema), from the catalog, quoted. */
async function catalogTables(database: TestDatabase, engine: string): Promise<string[]> {
  if (engine === 'sqlite') {
    const rows = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(database.db);
    return rows.rows.map((r) => `"${r.name}"`);
  }
  const rows = await sql<{ s: string; t: string }>`
    select table_schema as s, table_name as t from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`.execute(database.db);
  return rows.rows.map((r) => `"${r.s}"."${r.t}"`);
}

/** Every row of a table, each as its JSON text. */
async function rowsAsText(database: TestDatabase, table: string): Promise<string[]> {
  return (await sql<Record<string, unknown>>`select * from ${sql.raw(table)}`.execute(database.db)).rows.map((row) => JSON.stringify(row));
}

describe.each(ENGINES)('complete anonymisation on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  /** What identifies the patron and the item, and the instants of their transactions. */
  const patronKeys: string[] = [];
  const itemKeys: string[] = [];
  const loanInstants: string[] = [];
  let plaintext: string[] = [];
  /** The hold the item was trapped for (its id is in the hold-ready notice's key). */
  let holdId = '';
  let smtp: SmtpSink;
  /** The item still out: its loan links it to the patron (the byte scan's control). */
  let stillOutId = '';
  /** What the run reported of the WAL. */
  let walCheckpoint: string | null = null;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    // Given an ImagineIF patron (IF-3: the link goes on return once nothing is owed) with a distinctive item
    const { library } = await buildLibrary(w, { profileId: 'imagineif-mt' });
    const libraryId = library.id;
    const tag = Math.random().toString(36).slice(2, 10);
    const patron = await buildPatron(w, { libraryId, name: `Quillon Plaintextmarker${tag}`, email: `quillon.${tag}@plaintext.example`, phone: '+1 505 555 0199', address: `77 Zanzibar Lane ${tag}` });
    plaintext = [`Plaintextmarker${tag}`, `quillon.${tag}`, `Zanzibar Lane ${tag}`, '555 0199'];
    // The item is a copy of a catalogue record (issue 18): the record's id is the item's as much as its own
    const { recordIds: [recordId] } = await w.act(saveRecords, { libraryId, records: [{ title: `The Unmistakable Zeugma ${tag}`, authors: ['Quire, Ottoline'], copies: [{ barcode: `ZEUGMA-${tag}` }] }] });
    const item = await w.act(findItem, { barcode: `ZEUGMA-${tag}`, libraryId });
    const other = await buildItem(w, { libraryId, title: 'Still Out' });
    stillOutId = other.id;
    patronKeys.push(patron.id);
    itemKeys.push(item.id, item.barcode, item.title, recordId!);
    // The patron chose notices by email (issue 17): the trap and the late loan are told, and sent
    await w.act(setMyPrivacy, { noticeChannel: 'email' }, { actor: { kind: 'patron', id: patron.id, libraryId }, purpose: 'self-service' });
    smtp = await startSmtpSink();
    const email = emailChannel({ url: smtp.url, from: 'carrel@library.test' });
    database.onDrop(async () => {
      await email.close?.();
      await smtp.close();
    });
    const sendNotices = () => deliverNotices(w.runtime, { email }, { runner: 'anonymisation', publicUrl: 'https://carrel.test' });
    w.clock.advanceDays(1); // nothing about the item shares an instant with the loans but the loans

    // A title-level hold fulfilled at check-out, a loan returned late (a fine, paid), a second loan returned on time
    holdId = (await w.act(placeHold, { cardNumber: patron.cardNumber, recordId: recordId! })).id;
    // The copy on the shelf is trapped at once: the hold-ready notice goes before the patron comes for it
    expect((await sendNotices()).sent).toBe(1);
    w.clock.set(new Date(w.clock.now().getTime() + HOUR));
    const first = await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: other.barcode });
    loanInstants.push(w.clock.now().toISOString());
    // A day late: the overdue notice of the day's plan
    w.clock.advanceDays(22);
    expect((await w.act(planNotices, { libraryId }, { purpose: 'notices' })).overdue).toBe(1);
    expect((await sendNotices()).sent).toBe(1);
    expect(smtp.messages).toHaveLength(2);
    w.clock.advanceDays(8);
    const back = await w.act(checkin, { itemBarcode: item.barcode });
    loanInstants.push(back.returnedAt);
    await w.act(pay, { cardNumber: patron.cardNumber, amountCents: back.fine?.amountCents ?? 0 });
    w.clock.advanceDays(1);
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    loanInstants.push(w.clock.now().toISOString());
    w.clock.advanceDays(3);
    loanInstants.push((await w.act(checkin, { itemBarcode: item.barcode })).returnedAt);
    // An access-log trail and a service record of the same patron
    const session = await w.act(startComputerSession, { cardNumber: patron.cardNumber, branch: 'main', station: 'PC-09' });
    await w.act(endComputerSession, { sessionId: session.id });
    await w.act(exportPatron, { cardNumber: patron.cardNumber }, { purpose: 'account-service' });
    expect(first.loanId).toBeTruthy();

    // When retention runs
    w.clock.set(new Date(w.clock.now().getTime() + HOUR));
    const report = await runRetention(w.runtime, { libraryId });
    expect(report.libraries[0]?.categories.find((c) => c.category === 'circulation')?.disposed).toBe(2);
    walCheckpoint = report.walCheckpoint;
  });
  afterAll(() => database.drop());

  const everyTable = () => catalogTables(database, engine);
  const rowsOf = (table: string) => rowsAsText(database, table);
  const mentions = (row: string, keys: readonly string[]) => keys.some((key) => row.includes(key));

  it('the catalog lists the tables the scan must cover', async () => {
    const tables = (await everyTable()).join(' ');
    for (const name of ['loans', 'fines', 'holds', 'payments', 'access_log', 'circulation_stats', 'patron_search', 'retention_receipts', 'service_records', 'patrons', 'items'])
      expect(tables).toContain(`"${name}"`);
  });

  it('every table is declared: the storage of an inventory category, or one of the other tables and why', async () => {
    const declared = new Set([...inventoryTables(), ...Object.keys(OTHER_TABLES)]);
    const undeclared = (await everyTable()).map((t) => t.replace(/^"[^"]+"\./, '').replace(/"/g, '')).filter((t) => !declared.has(t));
    expect(undeclared).toEqual([]);
  });

  it('no row of any table holds both the patron and the item (IF-3)', async () => {
    const linking: string[] = [];
    let patronRows = 0;
    for (const table of await everyTable()) {
      for (const row of await rowsOf(table)) {
        if (mentions(row, patronKeys)) patronRows++;
        if (mentions(row, patronKeys) && mentions(row, itemKeys)) linking.push(`${table}: ${row}`);
      }
    }
    expect(linking).toEqual([]);
    expect(patronRows).toBeGreaterThan(5); // the scan did find the patron: registration, fine, payment, access log…
  });

  it('no row that names the item carries an instant of the anonymised loans (the access log has them, with the patron)', async () => {
    const log = (await sql<{ at: string }>`select at from access_log where patron_id = ${patronKeys[0]}`.execute(database.db)).rows.map((r) => new Date(r.at).toISOString());
    for (const instant of loanInstants) expect(log).toContain(instant);
    const linking: string[] = [];
    for (const table of await everyTable()) {
      for (const row of await rowsOf(table)) {
        if (!mentions(row, itemKeys)) continue;
        const instants = loanInstants.flatMap((iso) => [iso, iso.replace('T', ' ').replace('Z', ''), String(Date.parse(iso))]);
        if (mentions(row, instants)) linking.push(`${table}: ${row}`);
      }
    }
    expect(linking).toEqual([]);
  });

  it('the notices the patron was sent stay (their retention is longer) but name neither the item nor the hold’s item', async () => {
    const rows = await database.db.selectFrom('notices').selectAll().where('patron_id', '=', patronKeys[0] ?? '').execute();
    expect(rows.map((r) => [r.kind, r.status, r.payload]).sort()).toEqual([
      ['hold-ready', 'sent', null],
      ['overdue-1', 'sent', null],
    ]);
    for (const row of rows) expect(mentions(JSON.stringify(row), itemKeys)).toBe(false);
    // The hold is gone; no row that still names its id names the item (the key cannot lead back to it)
    expect(await database.db.selectFrom('holds').select('id').where('id', '=', holdId).execute()).toEqual([]);
    const linking: string[] = [];
    for (const table of await everyTable()) for (const row of await rowsOf(table)) if (row.includes(holdId) && mentions(row, itemKeys)) linking.push(`${table}: ${row}`);
    expect(linking).toEqual([]);
  });

  it('the settled fine and its payment stay with the patron but no longer name the item or the loan', async () => {
    const fines = await database.db.selectFrom('fines').selectAll().where('patron_id', '=', patronKeys[0] ?? '').execute();
    expect(fines.map((f) => [f.status, f.loan_id, f.item_id])).toEqual([['paid', null, null]]);
    expect(await database.db.selectFrom('loans').select('id').where('item_id', '=', itemKeys[0] ?? '').execute()).toEqual([]);
    expect(await database.db.selectFrom('holds').select('id').where('item_id', '=', itemKeys[0] ?? '').execute()).toEqual([]);
  });

  it.runIf(engine === 'sqlite')('SQLite: indexes are intact, and no file byte holds a plaintext personal field', async () => {
    const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(database.db);
    expect(integrity.rows.map((r) => r.integrity_check)).toEqual(['ok']);
    const dir = dirname(database.target);
    // The database, its WAL, and the key store beside it: table pages, index pages, free pages alike.
    const files = readdirSync(dir).map((f) => join(dir, f));
    expect(files).toContain(database.target);
    for (const file of files) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file);
      for (const text of plaintext) expect(bytes.includes(Buffer.from(text, 'utf8')), `${text} in ${file}`).toBe(false);
    }
  });

  /** Where the patron's id lies within a row's length of the item's, in the database file and its WAL as they are now. */
  const linksOnDisk = (itemId: string): string[] => {
    const bytes = readFileSync(database.target);
    const wal = existsSync(`${database.target}-wal`) ? readFileSync(`${database.target}-wal`) : Buffer.alloc(0);
    const near: string[] = [];
    for (const [name, content] of [['db', bytes], ['wal', wal]] as const) {
      const patron = Buffer.from(patronKeys[0] ?? '', 'utf8');
      const item = Buffer.from(itemId, 'utf8');
      for (let at = content.indexOf(item); at !== -1; at = content.indexOf(item, at + 1)) {
        // A row is a few hundred bytes: the patron's id that close to the item's is the same record.
        const window = content.subarray(Math.max(0, at - 300), at + 300);
        if (window.includes(patron)) near.push(`${name}@${at}: ${window.toString('latin1').replace(/[^\x20-\x7e]/g, '.')}`);
      }
    }
    return near;
  };

  it.runIf(engine === 'sqlite')('SQLite: deleted loans and holds leave no patron–item link in the file or its WAL after the run (PRAGMA secure_delete, WAL truncated)', async () => {
    // The run itself emptied the WAL (nothing here checkpoints): the file is read as the run left it.
    expect(walCheckpoint).toBe('truncated');
    expect(linksOnDisk(itemKeys[0] ?? '')).toEqual([]);
    // The control: the loan still out links the patron to its item, and the same scan finds it.
    expect(linksOnDisk(stillOutId).length).toBeGreaterThan(0);
  });

  it.runIf(engine === 'sqlite')('SQLite: the scan reads the WAL too: a link committed since the run is found there before any checkpoint', async () => {
    const marker = `wal-control-${Math.random().toString(36).slice(2)}`;
    await sql`create table wal_control (patron_id text, item_id text)`.execute(database.db);
    await sql`insert into wal_control values (${patronKeys[0] ?? ''}, ${marker})`.execute(database.db);
    expect(linksOnDisk(marker).some((at) => at.startsWith('wal@'))).toBe(true);
    await sql`drop table wal_control`.execute(database.db);
  });
});

/**
 * Vendors forget the patron (issue 19; RF-6, CB-D, IF-4): once a patron is deleted, or their
 * authorisation of a vendor has passed its retention, no row of any table (from the catalog) links them
 * to the vendor, but the access log's entries that the vendor was told they are a patron (the evidence
 * CB-F1 keeps, for its own months, naming no use); the pseudonyms a vendor knew are stored nowhere and
 * can no longer be computed; the monthly counts hold no one.
 */
describe.each(ENGINES)('vendors forget the patron on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId = '';
  const vendorIds: string[] = [];
  /** Deleted; their authorisation's retention ended; signed in recently (the scan's control). */
  const patrons: Record<'deleted' | 'expired' | 'recent', string> = { deleted: '', expired: '', recent: '' };
  const pseudonyms: string[] = [];

  const everyTable = () => catalogTables(database, engine);
  const linking = async (patronId: string) => {
    const found: { table: string; row: string }[] = [];
    for (const table of await everyTable())
      for (const row of await rowsAsText(database, table)) if (row.includes(patronId) && vendorIds.some((v) => row.includes(v))) found.push({ table: table.replace(/^"[^"]+"\./, '').replace(/"/g, ''), row });
    return found;
  };
  const plusMonths = (months: number) => DateTime.fromISO(START, { zone: 'utc' }).plus({ months }).toJSDate().toISOString();

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    // Given a Carlsbad library (its profile lets a contract add claims with the patron's consent, CB-D)
    libraryId = (await buildLibrary(w, { profileId: 'carlsbad-nm' })).library.id;
    const admin = { actor: SYSTEM, purpose: 'administration' as const };
    const oidc = (await w.act(createVendor, { libraryId, protocol: 'oidc', name: 'Linked Ebooks', redirectUris: ['https://ebooks.example/callback'], claims: ['category', 'name'] }, admin)).vendor;
    const proxy = (await w.act(createVendor, { libraryId, protocol: 'ezproxy', name: 'Campus Proxy', loginUrl: 'https://ezproxy.example.org/login' }, admin)).vendor;
    vendorIds.push(oidc.id, proxy.id);
    /** A patron signs in to both: the provider saves its artefacts (the code records the sign-in), they consent, the vendor reads its claims; and through EZproxy. */
    const signIn = async (patronId: string) => {
      const tag = `${patronId.slice(0, 8)}-${w.clock.now().getTime()}`;
      const grantId = `grant-${tag}`;
      await w.act(saveArtefact, { model: 'Session', id: `session-${tag}`, payload: { accountId: patronId, authorizations: { [oidc.id]: { grantId } } }, expiresIn: 14 * 86_400 });
      await w.act(saveArtefact, { model: 'Grant', id: grantId, payload: { accountId: patronId, clientId: oidc.id, openid: { scope: 'openid library category' } }, expiresIn: 2 * 365 * 86_400 });
      await w.act(saveArtefact, { model: 'AuthorizationCode', id: `code-${tag}`, payload: { accountId: patronId, clientId: oidc.id, grantId }, expiresIn: 60 }, { purpose: 'authentication' });
      await w.act(saveArtefact, { model: 'AccessToken', id: `token-${tag}`, payload: { accountId: patronId, clientId: oidc.id, grantId }, expiresIn: 3600 });
      await w.act(recordVendorConsent, { patronId, vendorId: oidc.id, claims: ['category'] }, { purpose: 'self-service' });
      expect(await w.act(vendorAccount, { patronId, vendorId: oidc.id }, { purpose: 'authentication' })).toMatchObject({ library: libraryId, category: 'adult' });
      expect(await w.act(ezproxyRedirect, { patronId, vendorId: proxy.id, destination: 'https://journals.example/article/1' }, { purpose: 'authentication' })).toMatch(/^https:\/\/ezproxy\.example\.org\/login\?user=/);
    };

    const deleted = await buildPatron(w, { libraryId });
    // The patron whose authorisations expire has an item out all along: only the vendor rule acts on them
    const expired = await buildPatron(w, { libraryId });
    await w.act(checkout, { cardNumber: expired.cardNumber, itemBarcode: (await buildItem(w, { libraryId })).barcode });
    Object.assign(patrons, { deleted: deleted.id, expired: expired.id });
    await signIn(deleted.id);
    await signIn(expired.id);
    for (const vendorId of vendorIds) pseudonyms.push((await w.act(vendorSubject, { patronId: deleted.id, vendorId })) as string);
    expect(new Set(pseudonyms).size).toBe(2);
    w.clock.set(plusMonths(6));
    const recent = await buildPatron(w, { libraryId });
    patrons.recent = recent.id;
    await signIn(recent.id);
    expect((await linking(deleted.id)).map((l) => l.table)).toEqual(expect.arrayContaining(['vendor_authorisations', 'oidc_store', 'access_log']));

    // When the first patron's record is deleted, and the months of the others' authorisations pass
    await w.act(deletePatron, { patronId: deleted.id }, { purpose: 'account-service' });
    w.clock.set(plusMonths(13));
    const report = await runRetention(w.runtime, { libraryId });
    expect(report.libraries[0]?.categories.find((c) => c.category === 'vendor-authorisations')).toMatchObject({ disposed: 2, kept: 0, clause: 'JC-IVd' });
    expect((await runJob(w.runtime, 'oidc-purge'))[0]).toMatchObject({ status: 'ran' });
  });
  afterAll(() => database.drop());

  it('every new table is in the inventory, classified: patron-linked, configuration, or an aggregate', async () => {
    const tables = (await everyTable()).map((t) => t.replace(/^"[^"]+"\./, '').replace(/"/g, ''));
    for (const table of ['vendors', 'vendor_authorisations', 'vendor_sign_in_counts', 'oidc_store', 'oidc_signing_keys']) expect(tables).toContain(table);
    const storageOf = (table: string) => INVENTORY.filter((c) => c.storage.tables.some((t) => t.split(' ')[0] === table)).map((c) => c.id);
    expect(storageOf('vendor_authorisations')).toEqual(['vendor-authorisations']);
    expect(storageOf('oidc_store')).toEqual(['vendor-authorisations']);
    expect(storageOf('vendor_sign_in_counts')).toEqual(['vendor-statistics']);
    expect(isAggregate('vendor-statistics')).toBe(true);
    for (const table of ['vendors', 'oidc_signing_keys']) {
      expect(storageOf(table)).toEqual([]);
      expect(OTHER_TABLES[table]).toMatch(/no patron/);
    }
    // The access log's verification checkpoints (migration 0028): positions and hashes, no patron.
    expect(tables).toContain('access_log_checkpoints');
    expect(storageOf('access_log_checkpoints')).toEqual([]);
    expect(OTHER_TABLES.access_log_checkpoints).toMatch(/no patron/);
  });

  it('a deleted patron: no row links them to a vendor but the access log’s record that each vendor was told they are a patron', async () => {
    const found = await linking(patrons.deleted);
    expect(found.filter((l) => l.table !== 'access_log')).toEqual([]);
    const actions = found.map((l) => (JSON.parse(l.row) as { action: string }).action).sort();
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(action).toMatch(/^vendor-(sign-in|consent|claims)(:[\w+-]+)?$/);
  });

  it('a deleted patron’s pseudonyms are stored nowhere and can no longer be computed: a vendor’s `sub` never authenticates again', async () => {
    for (const table of await everyTable()) for (const row of await rowsAsText(database, table)) for (const sub of pseudonyms) expect(row.includes(sub), `${table}`).toBe(false);
    for (const vendorId of vendorIds) {
      expect(await w.act(vendorSubject, { patronId: patrons.deleted, vendorId })).toBeUndefined();
      expect(await w.act(vendorAccount, { patronId: patrons.deleted, vendorId }, { purpose: 'authentication' })).toBeUndefined();
    }
  });

  it('an authorisation past its retention: no row links the patron to the vendor but the access log; the provider’s artefacts are gone', async () => {
    const found = await linking(patrons.expired);
    expect(found.filter((l) => l.table !== 'access_log')).toEqual([]);
    expect(found.length).toBeGreaterThan(0);
    expect(await database.db.selectFrom('oidc_store').select('id').where('account_id', '=', patrons.expired).execute()).toEqual([]);
  });

  it('the scan finds a link where one is kept: the patron who signed in six months ago is still remembered', async () => {
    const tables = new Set((await linking(patrons.recent)).map((l) => l.table));
    expect(tables.has('vendor_authorisations')).toBe(true);
    // Their grant is remembered with the authorisation; the short-lived artefacts have expired and gone
    expect((await database.db.selectFrom('oidc_store').select('model').where('account_id', '=', patrons.recent).execute()).map((r) => r.model)).toEqual(['Grant']);
  });

  it('the monthly sign-in counts hold no patron, and still count every sign-in (CB-D)', async () => {
    const counts = await database.db.selectFrom('vendor_sign_in_counts').selectAll().execute();
    const text = JSON.stringify(counts);
    for (const id of Object.values(patrons)) expect(text).not.toContain(id);
    expect(Object.keys(counts[0] ?? {}).sort()).toEqual(['count', 'library_id', 'month', 'vendor_id']);
    expect(counts.reduce((sum, c) => sum + Number(c.count), 0)).toBe(6);
  });
});
