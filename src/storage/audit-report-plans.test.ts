/**
 * The audit report reads the access log through indexes (issue 23): with statistics gathered (ANALYZE),
 * each of its access-log queries is a search of an index (a range or a single step), never a scan of
 * the log. Its counts of kept reading history and of name tokens go through indexes too, never a pass
 * over every loan or every token (migration 0031). Plans, not timings: a plan is the same on a loaded
 * machine.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { capturingHandle, planOf, type Captured } from '../../test/plans.js';
import { buildItem, buildLibrary, buildPatron, world } from '../../test/factories.js';
import { checkin, checkout } from '../usecases/circulation.usecases.js';
import { setMyPrivacy } from '../usecases/self-service.usecases.js';
import { appendChained } from '../usecases/access-chain.js';
import type { AccessEntry } from './access-log.repository.js';
import { accessLogGroups, heldCounts, lastLoggedAction, oldestAccessEntry } from './audit-report.repository.js';
import type { Schema } from './schema.js';

const ENTRIES_PER_LIBRARY = 3000;
const DAY = 86_400_000;

describe.each(ENGINES)('audit report access-log plans (%s)', (engine) => {
  let database: TestDatabase;
  let libraryId: string;
  let capturing: Kysely<Schema>;
  const captured: Captured[] = [];

  beforeAll(async () => {
    database = await freshDatabase(engine);
    const w = await world(database);
    const libraries = [(await buildLibrary(w)).library.id, (await buildLibrary(w)).library.id];
    libraryId = libraries[0] as string;
    const start = Date.parse('2025-01-01T00:00:00Z');
    const roles = ['circulation', 'director', 'patron', 'system'];
    const purposes = ['circulation', 'patron-service', 'administration', 'legal-disclosure'];
    await database.db.transaction().execute(async (trx) => {
      for (const library of libraries) {
        const entries: AccessEntry[] = [];
        for (let i = 0; i < ENTRIES_PER_LIBRARY; i++) {
          entries.push({
            at: new Date(start + i * (DAY / 10)).toISOString(),
            libraryId: library,
            actorKind: 'staff',
            actorId: `staff-${i % 7}`,
            actorRole: roles[i % roles.length] as string,
            actorLibraryId: library,
            patronId: `patron-${i % 500}`,
            action: i % 2 === 0 ? 'checkout' : 'checkin',
            categories: i % 3 === 0 ? ['identity', 'circulation'] : ['circulation'],
            purpose: purposes[i % purposes.length] as string,
            channel: 'staff-ui',
          });
        }
        await appendChained(trx, w.runtime.vault, entries);
      }
      const installation = (action: string, at: number): AccessEntry => ({
        at: new Date(at).toISOString(),
        libraryId: null,
        actorKind: 'system',
        actorId: 'system',
        actorRole: 'system',
        actorLibraryId: null,
        patronId: null,
        action,
        categories: [],
        purpose: 'administration',
        channel: 'cli',
      });
      await appendChained(trx, w.runtime.vault, [installation('backup', start + 10 * DAY), installation('restore', start + 20 * DAY), installation('backup', start + 30 * DAY)]);
    });
    if (engine === 'sqlite') await database.db.executeQuery(CompiledQuery.raw('analyze'));
    else await database.db.executeQuery(CompiledQuery.raw('analyze access_log'));

    capturing = capturingHandle(engine, database, /\baccess_log\b/, captured);
  }, 120_000);

  afterAll(async () => {
    await database?.drop();
  });

  it('answers from the entries of the library asked about', async () => {
    const held = await heldCounts(capturing, libraryId);
    expect(held.accessLogEntries).toBe(ENTRIES_PER_LIBRARY);
    expect(await oldestAccessEntry(capturing, libraryId)).toBe('2025-01-01T00:00:00.000Z');
    expect(await lastLoggedAction(capturing, 'backup')).toBe('2025-01-31T00:00:00.000Z');
    expect(await lastLoggedAction(capturing, 'restore')).toBe('2025-01-21T00:00:00.000Z');
    const groups = await accessLogGroups(capturing, { libraryId, from: '2025-02-01T00:00:00.000Z', to: '2025-03-01T00:00:00.000Z' });
    // 28 days at ten entries a day, less the legal-disclosure quarter.
    expect(groups.reduce((sum, g) => sum + g.entries, 0)).toBe(210);
    expect(groups.some((g) => g.purpose === 'legal-disclosure')).toBe(false);
    // The count, the groups, the oldest entry, the last backup and the last restore.
    expect(captured).toHaveLength(5);
  });

  it('plans every access-log query as an index search, not a scan', async () => {
    expect(captured.length).toBeGreaterThan(0);
    for (const query of captured) {
      const plan = await planOf(engine, database, query);
      if (engine === 'sqlite') {
        // SQLite: "SCAN access_log [USING … INDEX …]" reads the whole table or index; "SEARCH … USING
        // … INDEX … (library_id=? …)" reads the range the constraints give.
        expect(plan, query.sql).not.toMatch(/SCAN access_log\b/);
        expect(plan, query.sql).toMatch(/SEARCH access_log USING (COVERING )?INDEX access_log_(library_at|installation_actions) \(/);
      } else {
        expect(plan, query.sql).not.toMatch(/Seq Scan on access_log\b/);
        expect(plan, query.sql).toMatch(/(Index Only Scan|Index Scan|Index Scan Backward|Index Only Scan Backward) using access_log_(library_at|installation_actions) on access_log|Bitmap Index Scan on access_log_(library_at|installation_actions)/);
        expect(plan, query.sql).toMatch(/Index Cond: /);
      }
    }
  });
});

describe.each(ENGINES)('audit report held counts (%s)', (engine) => {
  let database: TestDatabase;
  let capturing: Kysely<Schema>;
  const captured: Captured[] = [];
  const libraries = { A: '', B: '' };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    const w = await world(database);
    // Two libraries of a consortium that lends to each other's patrons (RF-4).
    libraries.A = (await buildLibrary(w, { profileId: 'ridgefield-ct' })).library.id;
    libraries.B = (await buildLibrary(w, { profileId: 'ridgefield-ct' })).library.id;
    const deskOf = (libraryId: string) => ({ actor: { kind: 'staff' as const, id: `desk-${libraryId}`, libraryId, roles: ['circulation'] } });
    const lend = async (libraryId: string, cardNumber: string, keep = false) => {
      const item = await buildItem(w, { libraryId });
      await w.act(checkout, { cardNumber, itemBarcode: item.barcode }, deskOf(libraryId));
      if (!keep) await w.act(checkin, { itemBarcode: item.barcode }, deskOf(libraryId));
    };
    // Opting in as the patron does it, from their own account (RF-4: the consortium offers it).
    const optIn = (patron: { id: string; libraryId: string }) =>
      w.act(setMyPrivacy, { readingHistory: true }, { actor: { kind: 'patron', id: patron.id, libraryId: patron.libraryId }, purpose: 'self-service' });
    const keeper = await buildPatron(w, { libraryId: libraries.A });
    const other = await buildPatron(w, { libraryId: libraries.A });
    const visitor = await buildPatron(w, { libraryId: libraries.B });
    await optIn({ id: visitor.id, libraryId: libraries.B });
    w.clock.advanceMinutes(60);
    await lend(libraries.A, keeper.cardNumber); // ended before the keeper opted in: not kept
    await lend(libraries.A, other.cardNumber); // never opted in
    await lend(libraries.A, visitor.cardNumber); // B's patron, opted in, borrowing at A: kept by A
    w.clock.advanceMinutes(60);
    await optIn({ id: keeper.id, libraryId: libraries.A });
    w.clock.advanceMinutes(60);
    await lend(libraries.A, keeper.cardNumber); // kept
    await lend(libraries.A, keeper.cardNumber); // kept
    await lend(libraries.A, keeper.cardNumber, true); // still out: not history yet
    await lend(libraries.B, visitor.cardNumber); // kept, by B
    // A library's worth of other patrons' history, so the planner sees loans as the large table they are
    // (with a handful of rows a scan is the cheaper plan): copies of the loan of the patron who never
    // opted in.
    const [template] = await database.db.selectFrom('loans').selectAll().where('patron_id', '=', other.id).execute();
    const fillers = Array.from({ length: 3000 }, (_, i) => ({ ...template!, id: `filler-${i}` }));
    for (let i = 0; i < fillers.length; i += 250) await database.db.insertInto('loans').values(fillers.slice(i, i + 250)).execute();
    await database.db.executeQuery(CompiledQuery.raw('analyze'));
    capturing = capturingHandle(engine, database, /\b(patron_search|reading_history_since)\b/, captured);
  }, 120_000);

  afterAll(async () => {
    await database?.drop();
  });

  it('counts the loans kept as reading history where they were lent, a visiting patron’s too', async () => {
    const a = await heldCounts(capturing, libraries.A);
    const b = await heldCounts(capturing, libraries.B);
    expect(a.readingHistoryPatrons).toBe(1);
    expect(a.readingHistoryLoans).toBe(3);
    expect(b.readingHistoryPatrons).toBe(1);
    expect(b.readingHistoryLoans).toBe(1);
    const tokens = async (libraryId: string) =>
      Number((await database.db.selectFrom('patron_search').select((eb) => eb.fn.countAll().as('n')).where('library_id', '=', libraryId).executeTakeFirstOrThrow()).n);
    expect(a.searchTokens).toBe(await tokens(libraries.A));
    expect(a.searchTokens).toBeGreaterThan(0);
  });

  it('plans the kept-history and name-token counts through indexes, never a pass over every loan or token', async () => {
    const queries = captured.filter((q) => q.parameters.includes(libraries.A));
    // The patrons who keep a history, the kept loans, the name tokens.
    expect(queries).toHaveLength(3);
    for (const query of queries) {
      const plan = await planOf(engine, database, query);
      if (engine === 'sqlite') {
        expect(plan, query.sql).not.toMatch(/SCAN (loans|l|patron_search)\b/);
        if (/\bpatron_search\b/.test(query.sql)) expect(plan, query.sql).toMatch(/SEARCH patron_search USING COVERING INDEX patron_search_library \(library_id=\?\)/);
        if (/\bloans\b/.test(query.sql)) {
          expect(plan, query.sql).toMatch(/SEARCH l USING INDEX loans_patron \(patron_id=\?/);
          expect(plan, query.sql).toMatch(/(SCAN|SEARCH) p USING (COVERING )?INDEX patrons_reading_history/);
        }
      } else {
        expect(plan, query.sql).not.toMatch(/Seq Scan on (loans|patron_search)\b/);
        if (/\bpatron_search\b/.test(query.sql)) expect(plan, query.sql).toMatch(/patron_search_library/);
        if (/\bloans\b/.test(query.sql)) {
          expect(plan, query.sql).toMatch(/loans_patron/);
          expect(plan, query.sql).toMatch(/patrons_reading_history/);
        }
      }
    }
  });
});
