/**
 * The same catalogue search on SQLite (FTS5) and PostgreSQL (text search): issue 18 asks for the same
 * results on both. A generated corpus of a few hundred records (accents, ISBNs, subjects, formats,
 * languages, copies on two branches in every status) is saved on both engines through the same use case,
 * then ~50 queries — keyword and field searches, folded accents, ISBN-10 and -13, facets, and the input
 * a search box receives from anyone (operators, quotes, FTS syntax, control characters, 10 kB) — must
 * give the same matches, the same total and the same facet counts on both, and never an error other than
 * QUERY_EMPTY. 2,050 more records sharing one word check the facets counted over the best 2,000.
 *
 * The two engines rank with different formulas (FTS5's bm25, PostgreSQL's ts_rank), so the order of the
 * results is compared where the ranking does not decide it: the set of matches in full (every page), and
 * the order of a search whose matches all carry the same words (equal ranks: sort title, then id).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from './engines.js';
import { world, type World } from './factories.js';
import { createLibrary } from '../src/usecases/library.usecases.js';
import { saveRecords, searchCatalogue, type RecordInput, type SearchInput } from '../src/usecases/catalogue.usecases.js';
import type { RecordFormat } from '../src/domain/catalogue.js';

/** A seeded generator: the same corpus on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

const WORDS = ['soledad', 'años', 'otoño', 'patriarca', 'corazón', 'mar', 'river', 'winter', 'garden', 'letters', 'whale', 'Ærø', 'niño', 'café', 'naïve', 'façade', 'übermensch', 'smörgåsbord', 'crème', 'brûlée', 'señor', 'night', 'island', 'house', 'stone', 'light'];
const AUTHORS = ['Núñez, Rafael', 'García Márquez, Gabriel', 'Brontë, Charlotte', 'Müller, Herta', 'Dvořák, Antonín', 'Østergaard, Søren', 'Austen, Jane', 'Peña, José', 'Ibáñez, Inés', 'Melville, Herman'];
const SUBJECTS = ['Fiction', 'Poetry', 'Whaling -- Fiction', 'Colombia -- History', 'Cooking', 'Gardens -- Montana', 'Sea stories', 'Music -- Norway'];
const FORMATS: RecordFormat[] = ['book', 'book', 'book', 'audiobook', 'ebook', 'dvd', 'large-print'];
const LANGUAGES = ['eng', 'eng', 'spa', 'fre', 'ger', 'nor'];
const STATUSES = ['available', 'available', 'on-loan', 'missing', 'withdrawn', 'lost'] as const;

/** ISBN-13 of record i: 978 + nine digits + its check digit. */
function isbn13(i: number): string {
  const twelve = `978${String(100_000_000 + i * 7919).slice(0, 9)}`;
  let sum = 0;
  for (let k = 0; k < 12; k++) sum += Number(twelve[k]) * (k % 2 === 0 ? 1 : 3);
  return twelve + String((10 - (sum % 10)) % 10);
}

/** The ISBN-10 of a 978 ISBN-13. */
function isbn10(thirteen: string): string {
  const nine = thirteen.slice(3, 12);
  let sum = 0;
  for (let k = 0; k < 9; k++) sum += Number(nine[k]) * (10 - k);
  const check = (11 - (sum % 11)) % 11;
  return nine + (check === 10 ? 'X' : String(check));
}

const RECORDS = 300;

/**
 * Records that rank equally on both engines: the same words in every field, the title's in another
 * order (a single word is searched: ts_rank weighs the distance between two words, bm25 does not). Their order is the sort title's.
 */
const TIED = ['Zephyr Quill Lantern', 'Lantern Zephyr Quill', 'Quill Lantern Zephyr', 'Zephyr Lantern Quill'].map(
  (title, i): RecordInput => ({ controlNumber: `tie${i}`, title, authors: ['Peña, José'], subjects: ['Poetry'], format: 'book', language: 'spa', copies: [{ barcode: `T${i}`, branch: 'east' }] }),
);

function corpus(): RecordInput[] {
  const random = seeded(1813);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  return [...TIED, ...generated(random, pick), ...MANY];
}

/**
 * More records with one word than the facets count copies over (FACET_SAMPLE, 2,000): equal in every
 * field but a number, so their ranks tie and the best 2,000 are the same on both engines. Every third
 * copy is on loan, every other at east.
 */
const MANY = Array.from({ length: 2_050 }, (_, i): RecordInput => ({
  controlNumber: `m${i}`,
  title: `Omnibus ${String(i).padStart(4, '0')}`,
  copies: [{ barcode: `M${i}`, branch: i % 2 === 0 ? 'east' : 'central', status: i % 3 === 0 ? 'on-loan' : 'available' }],
}));

function generated(random: () => number, pick: <T>(values: readonly T[]) => T): RecordInput[] {
  return Array.from({ length: RECORDS }, (_, i) => {
    const title = i % 25 === 0 ? 'Poemas' : Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(WORDS)).join(' ');
    return {
      controlNumber: `p${i}`,
      title: i % 3 === 0 ? `The ${title}` : title,
      subtitle: random() < 0.2 ? `${pick(WORDS)} and ${pick(WORDS)}` : undefined,
      authors: random() < 0.9 ? [pick(AUTHORS)] : [pick(AUTHORS), pick(AUTHORS)],
      subjects: [pick(SUBJECTS)],
      isbns: random() < 0.7 ? [i % 2 === 0 ? isbn13(i) : isbn10(isbn13(i))] : [],
      publisher: random() < 0.5 ? 'Ediciones Cátedra' : 'Penguin',
      year: 1800 + Math.floor(random() * 220),
      format: pick(FORMATS),
      language: pick(LANGUAGES),
      summary: random() < 0.3 ? `A story of the ${pick(WORDS)}.` : undefined,
      copies: Array.from({ length: 1 + Math.floor(random() * 3) }, (_, c) => ({ barcode: `P${i}-${c}`, branch: random() < 0.5 ? 'central' : 'east', status: pick(STATUSES) })),
    };
  });
}

const QUERIES: Omit<SearchInput, 'library'>[] = [
  // Keyword: common, rare, two words, a prefix, a number
  { q: 'soledad' },
  { q: 'winter' },
  { q: 'stone light' },
  { q: 'whale river' },
  { q: 'poemas' },
  { q: 'sol' },
  { q: 'gard' },
  { q: 'ediciones catedra' },
  { q: '1913' },
  // Accents folded both ways
  { q: 'nunez' },
  { q: 'NÚÑEZ' },
  { q: 'garcia marquez' },
  { q: 'bronte charlotte' },
  { q: 'aero' },
  { q: 'Ærø' },
  { q: 'nino cafe' },
  { q: 'creme brulee' },
  { q: 'smorgasbord' },
  { q: 'senor' },
  // Fields
  { q: 'winter', field: 'title' },
  { q: 'melville', field: 'author' },
  { q: 'whaling', field: 'subject' },
  { q: 'fiction', field: 'subject' },
  { q: 'title:winter author:austen' },
  { q: 'subject:poetry nunez' },
  // ISBN-13, ISBN-10, hyphens, a wrong check digit, the ISBN field
  { q: isbn13(10) },
  { q: `${isbn13(10).slice(0, 3)}-${isbn13(10).slice(3, 4)}-${isbn13(10).slice(4, 9)}-${isbn13(10).slice(9)}` },
  { q: isbn10(isbn13(11)) },
  { q: isbn13(11) },
  { q: `${isbn13(12).slice(0, 12)}${(Number(isbn13(12)[12]) + 1) % 10}` },
  { q: isbn10(isbn13(14)), field: 'isbn' },
  // Facets
  { q: 'winter', format: 'audiobook' },
  { q: 'garden', language: 'spa' },
  { q: 'the', format: 'book' },
  { q: 'river', branch: 'east' },
  { q: 'light', available: true },
  { q: 'penguin', branch: 'central', available: true, format: 'book' },
  // Paging
  { q: 'penguin', limit: 7, offset: 14 },
  // What anyone may type: operators, quotes, FTS syntax, control characters, very long text
  { q: 'winter AND river' },
  { q: 'winter OR river' },
  { q: 'NOT winter' },
  { q: 'NEAR(winter river)' },
  { q: 'wint*' },
  { q: '^winter' },
  { q: 'search_title:winter' },
  { q: '{search_title search_authors}: winter' },
  { q: '(winter' },
  { q: 'river)' },
  { q: '"stone light"' },
  { q: '"unbalanced quote' },
  { q: "'; drop table items; --" },
  { q: 'winter:*A & river | !stone' },
  { q: '\u0000\u0007winter\u001b[31m' },
  { q: 'x'.repeat(10_000) },
  { q: 'winter '.repeat(2_000) },
  { q: '-winter +river' },
  { q: '* : ( ) ^' },
  { q: 'AND OR NOT NEAR' },
  { q: '   ' },
];

type Outcome = { kind: 'refused'; code: string | undefined } | { kind: 'ok'; total: number; order: string[]; matches: string[]; facets: unknown };

describe.skipIf(!ENGINES.includes('postgres'))('catalogue search gives the same answers on SQLite and PostgreSQL', () => {
  const engines: { database: TestDatabase; w: World; controlOf: Map<string, string> }[] = [];

  beforeAll(async () => {
    const records = corpus();
    for (const engine of ['sqlite', 'postgres'] as const) {
      const database = await freshDatabase(engine);
      const w = await world(database);
      await w.act(createLibrary, { id: 'parity', name: 'Parity Library', branches: [{ code: 'central', name: 'Central' }, { code: 'east', name: 'East' }] });
      const { recordIds } = await w.act(saveRecords, { libraryId: 'parity', records });
      engines.push({ database, w, controlOf: new Map(recordIds.map((id, i) => [id, records[i]!.controlNumber!])) });
    }
  }, 120_000);
  afterAll(async () => {
    for (const e of engines) await e.database.drop();
  });

  /** A query's answer on one engine, records named by control number (ids differ between databases). */
  async function outcome(e: (typeof engines)[number], input: Omit<SearchInput, 'library'>): Promise<Outcome> {
    const search = (extra: Partial<SearchInput> = {}) => e.w.act(searchCatalogue, { ...input, library: 'parity', ...extra });
    try {
      const first = await search();
      const matches: string[] = [];
      if (input.offset === undefined)
        for (let offset = 0; offset < first.total; offset += 50) matches.push(...(await search({ limit: 50, offset })).hits.map((h) => e.controlOf.get(h.id)!));
      return {
        kind: 'ok',
        total: first.total,
        order: first.hits.map((h) => e.controlOf.get(h.id)!),
        matches: matches.sort(),
        facets: { ...first.facets, // Branches by code: their ids (the order of equal counts) differ between the two databases.
        branch: first.facets.branch.map((b) => ({ code: b.code, count: b.count })).sort((x, y) => x.code.localeCompare(y.code)),
      },
      };
    } catch (error) {
      return { kind: 'refused', code: (error as { problems?: { code: string }[] }).problems?.[0]?.code };
    }
  }

  it.each(QUERIES.map((q) => [JSON.stringify(q).slice(0, 80), q] as const))('%s', async (_label, input) => {
    const [lite, postgres] = [await outcome(engines[0]!, input), await outcome(engines[1]!, input)];
    if (lite.kind === 'refused' || postgres.kind === 'refused') {
      expect(lite).toEqual(postgres);
      expect(lite).toEqual({ kind: 'refused', code: 'QUERY_EMPTY' });
      return;
    }
    expect(lite.total).toBe(postgres.total);
    expect(lite.facets).toEqual(postgres.facets);
    if (input.offset === undefined) {
      expect(lite.matches).toEqual(postgres.matches);
      expect(lite.matches).toHaveLength(lite.total);
    }
    expect(lite.order).toHaveLength(postgres.order.length);
  });

  it('finds what the corpus holds: a folded accent, an ISBN-10 of an ISBN-13 record, the titles of every "Poemas"', async () => {
    for (const e of engines) {
      const poemas = await outcome(e, { q: 'poemas', field: 'title', limit: 50 });
      expect(poemas.kind === 'ok' && poemas.total).toBe(RECORDS / 25);
      const byTen = await outcome(e, { q: isbn10(isbn13(10)) });
      expect(byTen.kind === 'ok' && byTen.order).toEqual(['p10']);
      const folded = await outcome(e, { q: 'nunez' });
      const accented = await outcome(e, { q: 'Núñez' });
      expect(folded.kind === 'ok' && folded.total).toBeGreaterThan(0);
      expect(folded).toEqual(accented);
    }
  });

  it('counts branches and copies on the shelf over the best 2,000 when more match, and says so, alike on both engines', async () => {
    const [lite, postgres] = await Promise.all(engines.map((e) => e.w.act(searchCatalogue, { q: 'omnibus', library: 'parity' })));
    for (const result of [lite!, postgres!]) {
      expect(result.total).toBe(MANY.length);
      expect(result.facets.approximate).toBe(true);
      // The best 2,000 are Omnibus 0000–1999 (equal ranks, by sort title): 1,000 at each branch, and
      // 1,333 of them not on loan (i % 3 !== 0).
      expect(result.facets.branch.map((b) => [b.code, b.count]).sort()).toEqual([
        ['central', 1000],
        ['east', 1000],
      ]);
      expect(result.facets.available).toBe(1333);
      expect(result.facets.format).toEqual([{ value: 'book', count: MANY.length }]);
    }
    const small = await engines[0]!.w.act(searchCatalogue, { q: 'omnibus 0042', library: 'parity' });
    expect(small.facets.approximate).toBe(false);
  });

  it('orders equal ranks the same way on both engines: by sort title', async () => {
    for (const e of engines) {
      const tied = await outcome(e, { q: 'zephyr' });
      expect(tied.kind === 'ok' && tied.order).toEqual(['tie1', 'tie2', 'tie3', 'tie0']);
    }
  });
});
