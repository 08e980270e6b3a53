import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, libraryWorld, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { saveRecords } from '../usecases/catalogue.usecases.js';
import { changeItem } from '../usecases/catalogue.usecases.js';

/**
 * The public catalogue over real HTTP, on every engine: anyone searches with no log-in, accents folded;
 * any text is words or a clear refusal, never a 500 or a query-syntax error; a withdrawn copy is not
 * shown to the public; and after searching, no table, file byte or log line holds what was searched for
 * (CB-A2: the surest way to keep search records confidential is to keep none).
 */
describe.each(ENGINES)('the public catalogue over HTTP on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let server: TestServer;
  const logLines: string[] = [];
  const tag = Math.random().toString(36).slice(2, 8);
  let recordId = '';

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    const saved = await w.act(saveRecords, {
      libraryId,
      records: [
        { title: 'Cuentos de la selva', authors: ['Núñez, Rafaela'], subjects: ['Animals — Fiction'], language: 'spa', copies: [{ barcode: `PUB-${tag}-1` }, { barcode: `PUB-${tag}-2` }] },
        { title: 'The River Atlas', authors: ['Okafor, Chidi'], format: 'map', copies: [{ barcode: `PUB-${tag}-3` }] },
      ],
    });
    recordId = saved.recordIds[0]!;
    await w.act(changeItem, { itemBarcode: `PUB-${tag}-2`, status: 'withdrawn' });
    server = await startServer(w, { onLog: (line) => logLines.push(line) });
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  it('finds a title with no log-in, accents folded, with facets and copies per branch', async () => {
    const found = await server.call('GET', `/catalogue/search?q=nunez&library=${libraryId}`);
    expect(found.status).toBe(200);
    expect(found.body.total).toBe(1);
    expect(found.body.hits[0]).toMatchObject({ id: recordId, title: 'Cuentos de la selva', authors: ['Núñez, Rafaela'], language: 'spa' });
    expect(found.body.hits[0].availability).toEqual([expect.objectContaining({ copies: 1, available: 1 })]);
    expect(found.body.facets.language).toEqual([{ value: 'spa', count: 1 }]);
    const byAuthor = await server.call('GET', `/catalogue/search?q=okafor&field=author&library=${libraryId}&format=map`);
    expect(byAuthor.body.hits.map((h: { title: string }) => h.title)).toEqual(['The River Atlas']);
    const wrongField = await server.call('GET', `/catalogue/search?q=okafor&field=title&library=${libraryId}`);
    expect(wrongField.body.total).toBe(0);
  });

  it('shows a title’s page to the public without its withdrawn copy', async () => {
    const page = await server.call('GET', `/catalogue/records/${recordId}`);
    expect(page.status).toBe(200);
    expect(page.body.copies.map((c: { barcode: string }) => c.barcode)).toEqual([`PUB-${tag}-1`]);
    expect(page.body.holdsWaiting).toBe(0);
    const missing = await server.call('GET', '/catalogue/records/00000000-0000-4000-8000-000000000000');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'RECORD_NOT_FOUND']);
  });

  it('answers any text with results or a clear error: operators, quotes, 10 kB, control characters', async () => {
    const texts = ['"cuentos', 'selva AND OR NOT', 'NEAR(cuentos selva)', 'title:selva', '*', '^cuentos', '(((', "'; drop table bib_records; --", 'a'.repeat(10_000), 'cuentos\u0000\u0007selva', '-', '"" ""', 'ñ', '\u202e'];
    for (const q of texts) {
      const answer = await server.call('GET', `/catalogue/search?q=${encodeURIComponent(q)}&library=${libraryId}`);
      expect([200, 400], q.slice(0, 30)).toContain(answer.status);
      if (answer.status === 400) expect(['QUERY_EMPTY', 'VALIDATION_FAILED']).toContain(answer.body.error.code);
      expect(answer.text).not.toMatch(/fts5|syntax error|tsquery|stack/i);
    }
    const stillThere = await server.call('GET', `/catalogue/search?q=${encodeURIComponent('"cuentos selva')}&library=${libraryId}`);
    expect(stillThere.body.total).toBe(1);
    expect((await server.call('GET', `/catalogue/search?q=x&library=${libraryId}&limit=500`)).body.error.code).toBe('VALIDATION_FAILED');
    // The filters are checked too: a NUL or a made-up value never reaches the database
    for (const filter of ['format=%00', 'language=%00', 'format=scroll', 'language=english', 'branch=%00', 'field=%00', 'available=%00'])
      expect((await server.call('GET', `/catalogue/search?q=selva&library=${libraryId}&${filter}`)).status, filter).toBeLessThan(500);
    expect((await server.call('GET', `/catalogue/search?q=selva&library=${libraryId}&format=scroll`)).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('searches a logged-in patron’s own library without naming it', async () => {
    const patron = await buildPatron(w, { libraryId });
    const cookie = await server.patronLogin({ cardNumber: patron.cardNumber, pin: patron.pin });
    const sessionsBefore = JSON.stringify((await sql`select * from sessions`.execute(database.db)).rows);
    w.clock.set(new Date(w.clock.now().getTime() + 5 * 60_000));
    const found = await server.call('GET', '/catalogue/search?q=atlas', { cookie });
    expect(found.body.hits.map((h: { title: string }) => h.title)).toEqual(['The River Atlas']);
    // The search left no "last seen" on the patron's session
    expect(JSON.stringify((await sql`select * from sessions`.execute(database.db)).rows)).toBe(sessionsBefore);
    // Another library's catalogue is not searched for this patron (no consortium between the two)
    const other = (await buildLibrary(w)).library.id;
    await w.act(saveRecords, { libraryId: other, records: [{ title: 'Atlas of Elsewhere', copies: [{ barcode: `ELSE-${tag}` }] }] });
    expect((await server.call('GET', '/catalogue/search?q=atlas', { cookie })).body.total).toBe(1);
  });

  it('keeps nothing about a search: no table, no file byte, no log line holds the words searched for', async () => {
    const marker = `quillwortzeugma${tag}`;
    for (const q of [marker, `cuentos ${marker}`, `selva`]) expect((await server.call('GET', `/catalogue/search?q=${encodeURIComponent(q)}&library=${libraryId}`)).status).toBe(200);
    const tables =
      engine === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(database.db)).rows.map((r) => `"${r.name}"`)
        : (await sql<{ s: string; t: string }>`select table_schema as s, table_name as t from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`.execute(database.db)).rows.map((r) => `"${r.s}"."${r.t}"`);
    expect(tables.length).toBeGreaterThan(20);
    for (const table of tables) {
      const rows = (await sql<Record<string, unknown>>`select * from ${sql.raw(table)}`.execute(database.db)).rows;
      for (const row of rows) expect(JSON.stringify(row), table).not.toContain(marker);
    }
    if (engine === 'sqlite') {
      const dir = dirname(database.target);
      for (const file of readdirSync(dir).map((f) => join(dir, f))) if (existsSync(file)) expect(readFileSync(file).includes(marker), file).toBe(false);
    }
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(marker);
    expect(logLines.join('\n')).not.toContain('cuentos');
  });
});
