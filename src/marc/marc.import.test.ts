import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, countRows, world, type World } from '../../test/factories.js';
import type { SearchField } from '../domain/catalogue.js';
import { ErrorCode } from '../domain/errors.js';
import { searchCatalogue, showRecord } from '../usecases/catalogue.usecases.js';
import { importMarc, type ImportOptions } from './marc.import.js';
import { loadMapping, mapRecord, MAPPINGS } from './marc.mapping.js';
import { readIso2709, readMarcFile, type MarcFormat, type ReadResult } from './marc.reader.js';
// @ts-expect-error the fixture generator is a plain script
import { iso2709, record, writeIso2709File } from '../../test/fixtures/marc/generate.mjs';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/marc');
const fixture = (name: string) => join(FIXTURES, name);

describe.each(ENGINES)('the MARC21 import on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let tmp: string;
  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    tmp = mkdtempSync(join(tmpdir(), 'carrel-marc-'));
  });
  afterAll(async () => {
    rmSync(tmp, { recursive: true, force: true });
    await database.drop();
  });

  /** A library with the two branches the fixtures name (and the starting item types: book, audiobook, dvd…). */
  async function library() {
    const { library } = await buildLibrary(w, { branches: [{ code: 'central', name: 'Central' }, { code: 'east', name: 'East' }] });
    return library.id;
  }
  const act = ((useCase, input) => w.act(useCase, input, { purpose: 'administration' })) as Parameters<typeof importMarc>[0];
  const load = (file: string, format: MarcFormat, options: Omit<ImportOptions, 'mapping'> & { mapping?: ImportOptions['mapping'] }) =>
    importMarc(act, () => readMarcFile(file, format), { mapping: MAPPINGS.koha, ...options });
  const titles = async (libraryId: string, q: string, field?: SearchField) => (await w.act(searchCatalogue, { q, library: libraryId, ...(field ? { field } : {}) })).hits.map((h) => h.title);

  it('imports a binary Koha file: records, their fields, their copies in the right branches, and the search finds them', async () => {
    const libraryId = await library();
    const report = await load(fixture('koha.mrc'), 'marc', { libraryId, batchSize: 5 });
    expect(report).toMatchObject({ read: 12, imported: { created: 12, updated: 0 }, copiesAdded: 16, copiesKept: 0, rejectedCount: 0 });
    expect(report.warnings).toEqual([]);
    const [hit] = (await w.act(searchCatalogue, { q: 'moby dick', library: libraryId })).hits;
    const shown = await w.act(showRecord, { recordId: hit!.id });
    expect(shown).toMatchObject({ controlNumber: 'cr0000003', title: 'Moby-Dick', subtitle: 'or, The whale', authors: ['Melville, Herman 1821-1871'], language: 'eng', format: 'book' });
    expect(shown.subjects).toEqual(['Whaling -- Fiction', 'Sea stories']);
    expect(shown.isbn).toMatch(/^978\d{10}$/);
    expect(shown.copies.map((c) => [c.barcode, c.branchCode]).sort()).toEqual([['K00030', 'central'], ['K00031', 'east']]);
    // An author with an accent is found without it, and the format comes from the leader.
    expect(await titles(libraryId, 'bronte', 'author')).toEqual(expect.arrayContaining(['Jane Eyre', 'Wuthering Heights']));
    expect(await titles(libraryId, 'zola germinal')).toEqual(['Germinal']);
    const dvd = (await w.act(searchCatalogue, { q: 'fortunata jacinta', library: libraryId })).hits[0]!;
    expect((await w.act(showRecord, { recordId: dvd.id })).format).toBe('dvd');
  });

  it('imports an Evergreen MARCXML file with the 852 mapping (call number from $h and $i)', async () => {
    const libraryId = await library();
    const report = await load(fixture('evergreen.xml'), 'marcxml', { libraryId, mapping: MAPPINGS.evergreen });
    expect(report).toMatchObject({ read: 8, imported: { created: 8, updated: 0 }, copiesAdded: 11, rejectedCount: 0 });
    const [hit] = (await w.act(searchCatalogue, { q: 'walden', library: libraryId })).hits;
    const shown = await w.act(showRecord, { recordId: hit!.id });
    expect(shown).toMatchObject({ controlNumber: 'eg0000020', title: 'Walden', subtitle: 'or, Life in the woods', format: 'dvd', publisher: 'Penguin Classics' });
    expect(shown.copies[0]).toMatchObject({ barcode: 'E00200', branchCode: 'central', callNumber: 'DVD THO' });
  });

  it('reports a corrupt record in the middle by its number and imports the others', async () => {
    const libraryId = await library();
    const report = await load(fixture('corrupt.mrc'), 'marc', { libraryId });
    expect(report.read).toBe(6);
    expect(report.imported.created).toBe(5);
    expect(report.rejected).toEqual([{ record: 3, code: ErrorCode.MARC_RECORD_INVALID, reason: expect.stringContaining('directory') }]);
    expect(await titles(libraryId, 'moby')).toEqual([]);
    expect(await titles(libraryId, 'emma')).toEqual(['Emma']);
  });

  it('rejects records with an unknown branch, a truncated end, broken UTF-8 or MARC-8 text, and goes on', async () => {
    const libraryId = await library();
    const good = iso2709(record(1, { copies: [{ barcode: 'G1', branch: 'CENTRAL', itemType: 'book', callNumber: 'FIC AUS', cost: '10.00' }] }));
    const elsewhere = iso2709(record(2, { copies: [{ barcode: 'G2', branch: 'west', itemType: 'book', callNumber: 'FIC AUS', cost: '10.00' }] }));
    const broken = iso2709(record(4));
    broken[broken.indexOf('Jane Eyre') + 1] = 0xc3; // "J\xC3ne": a lead byte with no continuation
    const marc8 = iso2709(record(5));
    marc8[9] = 0x20; // leader/09 blank: MARC-8, and the record has "ë"
    const truncated = iso2709(record(6)).subarray(0, 100);
    const file = join(tmp, 'mixed.mrc');
    writeFileSync(file, Buffer.concat([good, elsewhere, broken, marc8, truncated]));
    const report = await load(file, 'marc', { libraryId });
    expect(report.imported.created).toBe(1);
    expect(report.rejected.map((r) => [r.record, r.reason])).toEqual([
      [2, 'a copy names the branch "west", which the library does not have'],
      [3, 'broken UTF-8 in field 245'],
      [4, 'MARC-8 encoded (leader/09 blank) with non-ASCII characters; only UTF-8 records are read'],
      [5, 'truncated: the file ends inside the record'],
    ]);
  });

  it('writes nothing on a dry run, nor with all-or-nothing when a record is rejected', async () => {
    const libraryId = await library();
    const items = await countRows(database, 'items');
    const dry = await load(fixture('koha.mrc'), 'marc', { libraryId, dryRun: true });
    expect(dry).toMatchObject({ read: 12, rejectedCount: 0, dryRun: true, imported: { created: 0 } });
    const all = await load(fixture('corrupt.mrc'), 'marc', { libraryId, allOrNothing: true });
    expect(all).toMatchObject({ aborted: true, rejectedCount: 1, imported: { created: 0 } });
    expect(await countRows(database, 'items')).toBe(items);
    expect(await titles(libraryId, 'emma')).toEqual([]);
    // With nothing rejected, all-or-nothing writes everything.
    expect((await load(fixture('koha.mrc'), 'marc', { libraryId, allOrNothing: true })).imported.created).toBe(12);
  });

  it('updates the records of a second import instead of duplicating them, and keeps their copies', async () => {
    const libraryId = await library();
    await load(fixture('koha.mrc'), 'marc', { libraryId });
    const items = await countRows(database, 'items');
    const again = await load(fixture('koha.mrc'), 'marc', { libraryId });
    expect(again).toMatchObject({ imported: { created: 0, updated: 12 }, copiesAdded: 0, copiesKept: 16 });
    expect(await countRows(database, 'items')).toBe(items);
    expect(await titles(libraryId, 'emma')).toEqual(['Emma']);
  });

  it('reads holdings through a mapping file, and refuses a mapping file that is not one', () => {
    const file = join(tmp, 'mapping.json');
    writeFileSync(file, JSON.stringify({ tag: '949', barcode: 'i', branch: 'm', callNumber: 'c', itemType: 't' }));
    expect(loadMapping(file)).toMatchObject({ tag: '949', barcode: 'i', branch: 'm' });
    for (const bad of ['{"tag":"949","barcode":"i"}', '{"tag":"001","barcode":"i","branch":"m"}', '{"tag":"949","barcode":"ii","branch":"m"}', 'not json', '[]']) {
      writeFileSync(file, bad);
      expect(() => loadMapping(file)).toThrow(expect.objectContaining({ code: ErrorCode.IMPORT_MAPPING_INVALID }));
    }
    expect(() => loadMapping(join(tmp, 'absent.json'))).toThrow(expect.objectContaining({ code: ErrorCode.IMPORT_MAPPING_INVALID }));
  });

  it('takes a Koha record’s biblionumber (999 $c) as its control number when it has no 001', () => {
    const rec = record(9);
    rec.fields = rec.fields.filter((f: string[]) => f[0] !== '001');
    rec.fields.push(['999', '  ', 'c', '4242', 'd', '4242']);
    expect(mapRecord(rec, MAPPINGS.koha).record.controlNumber).toBe('4242');
    expect(mapRecord(rec, MAPPINGS.evergreen).record.controlNumber).toBeNull();
    expect(mapRecord(record(9), MAPPINGS.koha).record.controlNumber).toBe('cr0000009');
  });

  it('imports copies from the tag a mapping file names', async () => {
    const libraryId = await library();
    const rec = record(7);
    rec.fields.push(['949', '  ', 'i', 'M7', 'm', 'East', 'c', 'FIC ZOL', 't', 'dvd'], ['949', '  ', 'i', 'M8', 'm', 'central', 't', 'kit']);
    const file = join(tmp, 'local.mrc');
    writeFileSync(file, iso2709(rec));
    const mapping = join(tmp, 'local.json');
    writeFileSync(mapping, JSON.stringify({ tag: '949', barcode: 'i', branch: 'm', callNumber: 'c', itemType: 't' }));
    const report = await load(file, 'marc', { libraryId, mapping: loadMapping(mapping) });
    // An item type the library does not have becomes a book, with a warning.
    expect(report).toMatchObject({ imported: { created: 1 }, copiesAdded: 2, warnings: ['1 copy names the item type "kit", which the library does not have; imported as "book".'] });
    const shown = await w.act(showRecord, { recordId: (await w.act(searchCatalogue, { q: 'germinal', library: libraryId })).hits[0]!.id });
    expect(shown.copies.map((c) => [c.barcode, c.branchCode, c.callNumber]).sort()).toEqual([['M7', 'east', 'FIC ZOL'], ['M8', 'central', null]]);
  });
});

describe('the MARC21 reader', () => {
  it('streams a 20,000-record file holding a bounded number of records at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'carrel-marc-big-'));
    try {
      const file = join(dir, 'big.mrc');
      await writeIso2709File(file, 20_000);
      let inFlight = 0;
      let peak = 0;
      let read = 0;
      /** Counts records handed on and not yet consumed: the consumer awaits a while for each. */
      async function* counted(source: AsyncIterable<ReadResult>) {
        for await (const result of source) {
          inFlight++;
          peak = Math.max(peak, inFlight);
          yield result;
        }
      }
      for await (const result of counted(readMarcFile(file, 'marc'))) {
        expect('record' in result).toBe(true);
        read++;
        if (read % 1000 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
      }
      expect(read).toBe(20_000);
      expect(peak).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds a record split across chunks, and numbers records after an overlong one', async () => {
    const one = iso2709(record(1));
    const chunks = async function* () {
      for (let i = 0; i < one.length; i += 7) yield one.subarray(i, i + 7);
      yield Buffer.alloc(100_001, 0x41);
      yield Buffer.from([0x1d]);
      yield one;
    };
    const results = [];
    for await (const r of readIso2709(chunks())) results.push('record' in r ? [r.number, 'ok'] : [r.number, r.problem]);
    expect(results).toEqual([[1, 'ok'], [2, 'no record terminator within 99999 bytes'], [3, 'ok']]);
  });
});
