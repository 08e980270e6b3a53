import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, libraryWorld, refusalCodes, world, type World } from '../../test/factories.js';
import { refuse, ErrorCode } from '../domain/errors.js';
import { runRetention } from '../jobs/retention.job.js';
import { SYSTEM, type Actor } from '../policy/actors.js';
import { profiles } from '../profile/profiles.js';
import { monthsBefore } from '../policy/retention.policy.js';
import { keyStoreTargetFor, openKeyStore } from '../storage/key-store.js';
import { randomKey } from '../vault/cipher.js';
import { Keyring } from '../vault/keyring.js';
import { Vault } from '../vault/vault.js';
import { accessHistoryOf, chainLegacyAccessLog, patronAccessLog, verifyAccessLog } from './access-log.usecases.js';
import { checkout } from './circulation.usecases.js';
import { recordAccess, run } from './context.js';
import { registerPatron } from './patron.usecases.js';

/**
 * The tamper-evident access log (DESIGN.md invariant 3; CB-A3, RF-10): every entry is chained per library
 * under a keyed MAC, and `verifyAccessLog` names the first broken link when a row is edited, deleted or
 * reordered directly in the database. The tests tamper with the tables as someone with database access
 * (and without the key) would.
 */
describe.each(ENGINES)('the access log’s hash chain on %s', (engine) => {
  let database: TestDatabase;
  let w: World;

  const operator = { actor: SYSTEM, purpose: 'administration' as const, channel: 'cli' as const };
  const verify = (libraryId?: string) => run(w.runtime, operator, verifyAccessLog, libraryId === undefined ? {} : { libraryId }, { snapshot: true });
  const chainRows = (chain: string) => database.db.selectFrom('access_log').selectAll().where('chain', '=', chain).orderBy('chain_seq').execute();
  const headOf = (chain: string) => database.db.selectFrom('access_log_heads').selectAll().where('chain', '=', chain).executeTakeFirst();

  /** A library whose chain holds `entries` registrations (one entry each). */
  async function libraryWithEntries(entries: number) {
    const { library } = await buildLibrary(w);
    const patrons = [];
    for (let i = 0; i < entries; i++) patrons.push(await buildPatron(w, { libraryId: library.id }));
    return { library, patrons };
  }

  beforeAll(async () => {
    ({ database, w } = await libraryWorld(engine));
  });
  afterAll(() => database.drop());

  it('chains every entry of a library in order, and a fresh log verifies', async () => {
    // Given five registrations in a new library
    const { library } = await libraryWithEntries(5);
    // Then its chain holds them as 1…5, each with a hash, and the head names the last
    const rows = await chainRows(library.id);
    expect(rows.map((r) => Number(r.chain_seq))).toEqual([1, 2, 3, 4, 5]);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash ?? '') && r.actor_role === 'system' && r.actor_library_id === null)).toBe(true);
    const head = await headOf(library.id);
    expect({ seq: Number(head?.last_seq), hash: head?.last_hash }).toEqual({ seq: 5, hash: rows[4]?.hash });
    // And verification finds the chain intact, reporting its head to anchor elsewhere
    const report = await verify(library.id);
    expect(report).toMatchObject({ ok: true, entries: 5, unchained: 0, firstBroken: null, broken: [] });
    expect(report.chains).toEqual([expect.objectContaining({ chain: library.id, entries: 5, ok: true, brokenLinks: 0, head: { seq: 5, hash: rows[4]?.hash } })]);
  });

  it('records the role that granted the action and the actor’s library', async () => {
    // Given a circulation clerk of the library checking an item out
    const { library } = await buildLibrary(w);
    const patron = await buildPatron(w, { libraryId: library.id });
    const item = await buildItem(w, { libraryId: library.id });
    const clerk: Actor = { kind: 'staff', id: 'clerk-7', libraryId: library.id, roles: ['volunteer', 'circulation'] };
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode }, { actor: clerk });
    // Then the entry names the clerk's granting role and library
    const last = (await chainRows(library.id)).at(-1);
    expect(last).toMatchObject({ action: 'checkout', actor_kind: 'staff', actor_id: 'clerk-7', actor_role: 'circulation', actor_library_id: library.id });
    expect((await verify(library.id)).ok).toBe(true);
  });

  it('reports an edited entry as the first broken link', async () => {
    // Given an intact chain of five
    const { library } = await libraryWithEntries(5);
    const third = (await chainRows(library.id))[2];
    // When someone changes the third entry's purpose in the database
    await database.db.updateTable('access_log').set({ purpose: 'statistics' }).where('seq', '=', Number(third?.seq)).execute();
    // Then verification names that entry, edited, and only that link is broken
    const report = await verify(library.id);
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ chain: library.id, chainSeq: 3, seq: Number(third?.seq), problem: 'edited' });
    expect(report.chains[0]?.brokenLinks).toBe(1);
  });

  it('reports an edited hash too (the entry no longer matches)', async () => {
    const { library } = await libraryWithEntries(4);
    const second = (await chainRows(library.id))[1];
    await database.db.updateTable('access_log').set({ hash: 'f'.repeat(64) }).where('seq', '=', Number(second?.seq)).execute();
    expect((await verify(library.id)).firstBroken).toMatchObject({ chainSeq: 2, problem: 'edited' });
  });

  it('reports a deleted entry in the middle, and one at the end', async () => {
    // Given an intact chain of five
    const { library } = await libraryWithEntries(5);
    const rows = await chainRows(library.id);
    // When the third entry is deleted
    await database.db.deleteFrom('access_log').where('seq', '=', Number(rows[2]?.seq)).execute();
    // Then verification says entry 3 is missing
    expect((await verify(library.id)).firstBroken).toMatchObject({ chain: library.id, chainSeq: 3, problem: 'missing' });

    // And in another chain, deleting the newest entry (the head still names it) is reported too
    const other = await libraryWithEntries(3);
    const last = (await chainRows(other.library.id))[2];
    await database.db.deleteFrom('access_log').where('seq', '=', Number(last?.seq)).execute();
    expect((await verify(other.library.id)).firstBroken).toMatchObject({ chainSeq: 3, problem: 'missing' });
  });

  it('reports a deletion whose later entries were renumbered to close the gap', async () => {
    const { library } = await libraryWithEntries(5);
    const rows = await chainRows(library.id);
    await database.db.deleteFrom('access_log').where('seq', '=', Number(rows[1]?.seq)).execute();
    for (const row of rows.slice(2)) await database.db.updateTable('access_log').set({ chain_seq: Number(row.chain_seq) - 1 }).where('seq', '=', Number(row.seq)).execute();
    await database.db.updateTable('access_log_heads').set({ last_seq: 4 }).where('chain', '=', library.id).execute();
    expect((await verify(library.id)).firstBroken).toMatchObject({ chainSeq: 2, seq: Number(rows[2]?.seq), problem: 'edited' });
  });

  it('reports two entries swapped, by their place in the chain or by their contents', async () => {
    // Given two intact chains of four
    const a = await libraryWithEntries(4);
    const b = await libraryWithEntries(4);
    // When the second and third entries of one trade places in the chain (chain_seq)
    const [, second, third] = await chainRows(a.library.id);
    const moveTo = (row: typeof second, chainSeq: number) => database.db.updateTable('access_log').set({ chain_seq: chainSeq }).where('seq', '=', Number(row?.seq)).execute();
    await moveTo(second, 1000);
    await moveTo(third, 2);
    await moveTo(second, 3);
    // Then verification says position 2 is out of order
    expect((await verify(a.library.id)).firstBroken).toMatchObject({ chain: a.library.id, chainSeq: 2, seq: Number(third?.seq), problem: 'reordered' });

    // And when the other's second and third rows trade their contents (hash included), keeping their places
    const [, x, y] = await chainRows(b.library.id);
    const contents = (row: typeof x) => ({ action: row?.action, purpose: row?.purpose, patron_id: row?.patron_id, categories: row?.categories, hash: row?.hash });
    await database.db.updateTable('access_log').set(contents(y)).where('seq', '=', Number(x?.seq)).execute();
    await database.db.updateTable('access_log').set(contents(x)).where('seq', '=', Number(y?.seq)).execute();
    expect((await verify(b.library.id)).firstBroken).toMatchObject({ chainSeq: 2, problem: 'reordered' });
  });

  it('reports a moved start, an entry outside every chain, and a head moved back', async () => {
    const a = await libraryWithEntries(3);
    await database.db.updateTable('access_log_heads').set({ base_seq: 1 }).where('chain', '=', a.library.id).execute();
    expect((await verify(a.library.id)).firstBroken).toMatchObject({ chain: a.library.id, problem: 'base-moved' });

    const b = await libraryWithEntries(2);
    const [first] = await chainRows(b.library.id);
    const { seq: _seq, ...copy } = first as NonNullable<typeof first>;
    await database.db.insertInto('access_log').values({ ...copy, chain: null, chain_seq: null, hash: null }).execute();
    expect((await verify(b.library.id)).firstBroken).toMatchObject({ chain: null, problem: 'unchained' });

    const c = await libraryWithEntries(3);
    const rows = await chainRows(c.library.id);
    await database.db.updateTable('access_log_heads').set({ last_seq: 2, last_hash: rows[1]?.hash ?? '' }).where('chain', '=', c.library.id).execute();
    expect((await verify(c.library.id)).firstBroken).toMatchObject({ chainSeq: 3, problem: 'head-mismatch' });
  });

  it('writes no entry for a use case that is refused after recording one', async () => {
    // Given a library and a patron, and the chain's length
    const { library } = await buildLibrary(w);
    const patron = await buildPatron(w, { libraryId: library.id });
    const before = await chainRows(library.id);
    // When a use case records an access and then refuses
    const refused = w.act(async (ctx) => {
      await recordAccess(ctx, patron, 'view-account', ['registration']);
      throw refuse(ErrorCode.PERMISSION_DENIED, 'refused after the fact');
    }, undefined);
    expect(await refusalCodes(refused)).toEqual(['PERMISSION_DENIED']);
    // Then the entry does not exist, the head has not moved, and the chain verifies
    expect(await chainRows(library.id)).toEqual(before);
    expect(Number((await headOf(library.id))?.last_seq)).toBe(before.length);
    expect((await verify(library.id)).ok).toBe(true);
  });

  it('keeps one unbroken chain under 20 concurrent use cases', async () => {
    // Given a new library
    const { library } = await buildLibrary(w);
    // When twenty registrations run at once (each its own transaction, on PostgreSQL its own connection)
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => w.act(registerPatron, { libraryId: library.id, name: `Concurrent Marker${i}`, birthDate: '1990-01-01' }, { purpose: 'account-service' })),
    );
    // Then each of the library's chains (its lanes: several on PostgreSQL when transactions meet) runs
    // 1…n without a gap, in the order the entries were written; together they hold all 20, and verify
    const rows = await database.db.selectFrom('access_log').selectAll().where('library_id', '=', library.id).orderBy('chain').orderBy('chain_seq').execute();
    const lanes = new Map<string, typeof rows>();
    for (const row of rows) lanes.set(row.chain as string, [...(lanes.get(row.chain as string) ?? []), row]);
    for (const lane of lanes.values()) {
      expect(lane.map((r) => Number(r.chain_seq))).toEqual(Array.from({ length: lane.length }, (_, i) => i + 1));
      const seqs = lane.map((r) => Number(r.seq));
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    }
    expect(rows.filter((r) => r.action === 'register')).toHaveLength(20);
    if (engine === 'sqlite') expect([...lanes.keys()]).toEqual([library.id]);
    expect(await verify(library.id)).toMatchObject({ ok: true, entries: rows.length });
  });

  it('retention removes only entries past the profile’s months, in chain order, and the chain still verifies', async () => {
    // Given a library whose chain holds three entries written now, and two written 40 days later
    const { library } = await buildLibrary(w);
    const start = w.clock.now();
    for (let i = 0; i < 3; i++) await buildPatron(w, { libraryId: library.id });
    const months = profiles().get(library.profileId).retention.accessLog.months;
    w.clock.advanceDays(40);
    for (let i = 0; i < 2; i++) await buildPatron(w, { libraryId: library.id });
    // When retention runs a day after the first three's months ended (a dry run first)
    w.clock.set(new Date(monthsBefore(start, -months).getTime() + 86_400_000));
    const cutoff = monthsBefore(w.clock.now(), months);
    const dry = await runRetention(w.runtime, { libraryId: library.id, dryRun: true });
    expect(dry.libraries[0]?.categories.find((c) => c.category === 'access-log')).toMatchObject({ disposed: 3, kept: 0 });
    expect((await chainRows(library.id)).length).toBe(5);
    const report = await runRetention(w.runtime, { libraryId: library.id, pageSize: 2 });
    // Then the three old entries went (receipted), the later ones stay, and the chain verifies from its new start
    expect(report.libraries[0]?.categories.find((c) => c.category === 'access-log')).toMatchObject({ disposed: 3, kept: 0, clause: profiles().get(library.profileId).retention.accessLog.clause });
    const rows = await chainRows(library.id);
    expect(rows.slice(0, 2).map((r) => Number(r.chain_seq))).toEqual([4, 5]);
    expect(rows.every((r) => Date.parse(r.at) > cutoff.getTime())).toBe(true);
    expect(Number((await headOf(library.id))?.base_seq)).toBe(3);
    const verified = await verify(library.id);
    expect(verified).toMatchObject({ ok: true, entries: rows.length });
    expect(verified.chains[0]?.base.seq).toBe(3);
  });

  it('retention keeps a tampered entry and everything after it: the evidence stays', async () => {
    const { library } = await buildLibrary(w);
    const start = w.clock.now();
    for (let i = 0; i < 4; i++) await buildPatron(w, { libraryId: library.id });
    const rows = await chainRows(library.id);
    await database.db.updateTable('access_log').set({ purpose: 'statistics' }).where('seq', '=', Number(rows[2]?.seq)).execute();
    const months = profiles().get(library.profileId).retention.accessLog.months;
    w.clock.set(new Date(monthsBefore(start, -months).getTime() + 86_400_000));
    const report = await runRetention(w.runtime, { libraryId: library.id });
    expect(report.libraries[0]?.categories.find((c) => c.category === 'access-log')).toMatchObject({ disposed: 2, kept: 1 });
    expect((await chainRows(library.id)).map((r) => Number(r.chain_seq)).slice(0, 2)).toEqual([3, 4]);
    expect((await verify(library.id)).firstBroken).toMatchObject({ chainSeq: 3, problem: 'edited' });
  });

  it('shows a patron who accessed their record: role and library in words, the day, never the staff member', async () => {
    // Given a patron registered by the operator, then served by a clerk of the library
    const { library } = await buildLibrary(w, { name: 'Ridgefield Test Library' });
    const patron = await buildPatron(w, { libraryId: library.id });
    const item = await buildItem(w, { libraryId: library.id });
    const clerk: Actor = { kind: 'staff', id: 'clerk-secret-id', libraryId: library.id, roles: ['circulation'] };
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode }, { actor: clerk });
    // When the patron's history is read
    const history = await w.act((ctx) => accessHistoryOf(ctx, patron.id), undefined);
    // Then they see who in words, where, why, what, and the day in the library's time zone
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: library.timeZone }).format(w.clock.now());
    expect(history).toEqual([
      { date: day, role: 'system', library: null, purpose: 'circulation', action: 'register', categories: ['registration'] },
      { date: day, role: 'circulation clerk', library: 'Ridgefield Test Library', purpose: 'circulation', action: 'checkout', categories: ['circulation'] },
    ]);
    expect(JSON.stringify(history)).not.toContain('clerk-secret-id');
  });

  it('shows the privacy officer a patron’s entries with the actor, and logs that reading', async () => {
    const { library } = await buildLibrary(w);
    const patron = await buildPatron(w, { libraryId: library.id });
    const director: Actor = { kind: 'staff', id: 'director-1', libraryId: library.id, roles: ['director'] };
    const clerk: Actor = { kind: 'staff', id: 'clerk-1', libraryId: library.id, roles: ['circulation'] };
    const other: Actor = { kind: 'staff', id: 'director-2', libraryId: (await buildLibrary(w)).library.id, roles: ['director'] };
    const seen = await w.act(patronAccessLog, { patronId: patron.id }, { actor: director, purpose: 'administration' });
    expect(seen.entries).toEqual([expect.objectContaining({ action: 'register', actorKind: 'system', actorId: 'system', actorRole: 'system' })]);
    expect((await chainRows(library.id)).at(-1)).toMatchObject({ action: 'view-access-log', actor_id: 'director-1', actor_role: 'director', categories: 'access-log' });
    expect(await refusalCodes(w.act(patronAccessLog, { patronId: patron.id }, { actor: clerk, purpose: 'administration' }))).toEqual(['PERMISSION_DENIED']);
    expect(await refusalCodes(w.act(patronAccessLog, { patronId: patron.id }, { actor: other, purpose: 'administration' }))).toEqual(['PATRON_NOT_FOUND']);
  });

  it('lets staff of one library verify only their own chain', async () => {
    const mine = await libraryWithEntries(1);
    const theirs = await libraryWithEntries(1);
    const director: Actor = { kind: 'staff', id: 'director-3', libraryId: mine.library.id, roles: ['director'] };
    const clerk: Actor = { kind: 'staff', id: 'clerk-3', libraryId: mine.library.id, roles: ['circulation'] };
    const asStaff = (actor: Actor, input: { libraryId?: string }) => run(w.runtime, { actor, purpose: 'administration', channel: 'http' }, verifyAccessLog, input, { snapshot: true });
    expect((await asStaff(director, {})).chains.map((c) => c.chain)).toEqual([mine.library.id]);
    expect(await refusalCodes(asStaff(director, { libraryId: theirs.library.id }))).toEqual(['LIBRARY_NOT_FOUND']);
    expect(await refusalCodes(asStaff(clerk, {}))).toEqual(['PERMISSION_DENIED']);
  });
});

describe.each(ENGINES)('entries older than the chain, and the MAC key, on %s', (engine) => {
  let database: TestDatabase;
  let w: World;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
  });
  afterAll(() => database.drop());

  it('chains entries written before the chain existed, once, in the order they were written', async () => {
    // Given entries written by an earlier Carrel (no chain), in two libraries and none
    const { library: a } = await buildLibrary(w);
    const { library: b } = await buildLibrary(w);
    const legacy = (libraryId: string | null, at: string) => ({
      at,
      library_id: libraryId,
      actor_kind: 'system',
      actor_id: 'system',
      patron_id: null,
      action: 'register',
      categories: 'registration',
      purpose: 'circulation',
      channel: 'cli',
      actor_role: null,
      actor_library_id: null,
      chain: null,
      chain_seq: null,
      hash: null,
    });
    for (const [lib, at] of [[a.id, '2025-01-01T10:00:00.000Z'], [b.id, '2025-01-02T10:00:00.000Z'], [a.id, '2025-01-03T10:00:00.000Z'], [null, '2025-01-04T10:00:00.000Z']] as const)
      await database.db.insertInto('access_log').values(legacy(lib, at)).execute();
    const verify = () => run(w.runtime, { actor: SYSTEM, purpose: 'administration', channel: 'cli' }, verifyAccessLog, {}, { snapshot: true });
    expect((await verify()).firstBroken).toMatchObject({ problem: 'unchained' });
    // When the runtime opens (the upgrade step)
    expect(await chainLegacyAccessLog(w.runtime)).toBe(4);
    // Then each library's entries are its chain, in the order written, and everything verifies
    const rows = await database.db.selectFrom('access_log').select(['chain', 'chain_seq', 'at']).orderBy('seq').execute();
    expect(rows.map((r) => [r.chain, Number(r.chain_seq)])).toEqual([[a.id, 1], [b.id, 1], [a.id, 2], ['-', 1]]);
    expect(await verify()).toMatchObject({ ok: true, entries: 4 });
    // And new entries continue the chains
    await buildPatron(w, { libraryId: a.id });
    expect(await verify()).toMatchObject({ ok: true, entries: 5 });
    // But once chains exist, an entry slipped in without one is not vouched for: it is reported
    await database.db.insertInto('access_log').values(legacy(a.id, '2025-02-01T10:00:00.000Z')).execute();
    expect(await chainLegacyAccessLog(w.runtime)).toBe(0);
    expect((await verify()).firstBroken).toMatchObject({ chain: null, problem: 'unchained' });
  });

  it('keeps the MAC key through a KEK rotation (it is derived from the index key, which is rewrapped, not replaced)', async () => {
    // A key store of its own, so this test holds its key-encryption keys
    const other = await freshDatabase(engine);
    const store = await openKeyStore(keyStoreTargetFor(other.target));
    other.onDrop(store.close);
    const [oldKek, newKek] = [randomKey(), randomKey()];
    const now = w.clock.now();
    const before = await Vault.open({ keyring: new Keyring([oldKek], { kind: 'env' }), store, now });
    const mac = before.accessLogMac('an entry');
    const rotating = await Vault.open({ keyring: new Keyring([newKek, oldKek], { kind: 'env' }), store, now });
    await rotating.rewrapAll();
    const after = await Vault.open({ keyring: new Keyring([newKek], { kind: 'env' }), store, now });
    expect(after.accessLogMac('an entry')).toBe(mac);
    await other.drop();
  });
});
