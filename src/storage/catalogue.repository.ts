/**
 * Bibliographic records and the full-text search over them (issue 18): FTS5 on SQLite, a weighted
 * tsvector with a GIN index on PostgreSQL. Both are fed the same folded words (domain/catalogue.ts), and
 * the engine's query is built here from those words alone, so no query a patron types reaches an
 * engine's query syntax. Nothing here writes when searching.
 */
import { sql, type RawBuilder } from 'kysely';
import { searchTextOf, type BibRecord, type ParsedQuery, type RecordFormat, type SearchFilters } from '../domain/catalogue.js';
import { engineOf, type Db } from './database.js';
import type { BibRecordsTable } from './schema.js';

function toRecord(row: BibRecordsTable): BibRecord {
  return {
    id: row.id,
    libraryId: row.library_id,
    controlNumber: row.control_number,
    title: row.title,
    subtitle: row.subtitle,
    authors: JSON.parse(row.authors) as string[],
    subjects: JSON.parse(row.subjects) as string[],
    isbns: JSON.parse(row.isbns) as string[],
    isbn: row.isbn,
    issn: row.issn,
    publisher: row.publisher,
    year: row.year === null ? null : Number(row.year),
    format: row.format as RecordFormat,
    language: row.language,
    summary: row.summary,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRow(record: BibRecord): BibRecordsTable {
  const text = searchTextOf(record);
  return {
    id: record.id,
    library_id: record.libraryId,
    control_number: record.controlNumber,
    title: record.title,
    subtitle: record.subtitle,
    authors: JSON.stringify(record.authors),
    subjects: JSON.stringify(record.subjects),
    isbns: JSON.stringify(record.isbns),
    isbn: record.isbn,
    issn: record.issn,
    publisher: record.publisher,
    year: record.year,
    format: record.format,
    language: record.language,
    summary: record.summary,
    search_title: text.title,
    search_authors: text.authors,
    search_subjects: text.subjects,
    search_other: text.other,
    sort_title: text.sortTitle,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

/** The columns read back (PostgreSQL's generated search vector is never read). */
const COLUMNS = [
  'id',
  'library_id',
  'control_number',
  'title',
  'subtitle',
  'authors',
  'subjects',
  'isbns',
  'isbn',
  'issn',
  'publisher',
  'year',
  'format',
  'language',
  'summary',
  'search_title',
  'search_authors',
  'search_subjects',
  'search_other',
  'sort_title',
  'created_at',
  'updated_at',
] as const;

/** Inserts records in chunks (SQLite caps bound parameters per statement). */
export async function insertRecords(db: Db, records: readonly BibRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 200) await db.insertInto('bib_records').values(records.slice(i, i + 200).map(toRow)).execute();
}

/** Replaces a record's fields (the id, library and creation time stay). */
export async function updateRecord(db: Db, record: BibRecord): Promise<void> {
  const { id: _id, library_id: _library, created_at: _created, ...fields } = toRow(record);
  await db.updateTable('bib_records').set(fields).where('id', '=', record.id).execute();
}

/**
 * A record, its row locked until the transaction ends on PostgreSQL (SQLite serialises writers already):
 * placing a hold on a title reads the patron's holds on it and then writes one, and two such placements
 * at once must not both pass the check.
 */
export async function lockRecord(db: Db, id: string): Promise<BibRecord | undefined> {
  const query = db.selectFrom('bib_records').select(COLUMNS).where('id', '=', id);
  const row = await (engineOf(db) === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
  return row && toRecord(row);
}

export async function findRecord(db: Db, id: string): Promise<BibRecord | undefined> {
  const row = await db.selectFrom('bib_records').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

/** The ids of a library's records with these control numbers (an import's updates), by control number. */
export async function recordIdsByControlNumber(db: Db, libraryId: string, controlNumbers: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < controlNumbers.length; i += 500) {
    const rows = await db
      .selectFrom('bib_records')
      .select(['id', 'control_number'])
      .where('library_id', '=', libraryId)
      .where('control_number', 'in', controlNumbers.slice(i, i + 500))
      .execute();
    for (const row of rows) if (row.control_number !== null) found.set(row.control_number, row.id);
  }
  return found;
}

export async function countRecords(db: Db, libraryId?: string): Promise<number> {
  let query = db.selectFrom('bib_records').select((eb) => eb.fn.countAll<number>().as('n'));
  if (libraryId) query = query.where('library_id', '=', libraryId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

// ── Search ─────────────────────────────────────────────────────────────────────────────────────────

const FTS_COLUMN = { keyword: null, title: 'search_title', author: 'search_authors', subject: 'search_subjects' } as const;
const PG_WEIGHT = { keyword: '', title: 'A', author: 'B', subject: 'C' } as const;

/** The FTS5 MATCH expression for a parsed query: quoted words only (they hold letters and digits alone). */
export function ftsMatch(query: ParsedQuery): string {
  const parts = query.terms.map((t) => {
    const word = `"${t.word}"${t.prefix ? '*' : ''}`;
    const column = FTS_COLUMN[t.field];
    return column ? `${column} : ${word}` : word;
  });
  if (query.isbns.length > 0) parts.push(`search_other : (${query.isbns.map((i) => `"${i}"`).join(' OR ')})`);
  return parts.join(' AND ');
}

/** The tsquery text for a parsed query (words of letters and digits, so nothing in them is syntax). */
export function tsQuery(query: ParsedQuery): string {
  const parts = query.terms.map((t) => {
    const label = `${t.prefix ? '*' : ''}${PG_WEIGHT[t.field]}`;
    return label === '' ? t.word : `${t.word}:${label}`;
  });
  if (query.isbns.length > 0) parts.push(`(${query.isbns.map((i) => `${i}:D`).join(' | ')})`);
  return parts.join(' & ');
}

/**
 * The matching records of some libraries narrowed by the filters, with a rank (higher is better) and
 * what the facets group by. On SQLite the FTS index is the outer loop (CROSS JOIN fixes the join order:
 * the planner otherwise may walk the library's records and probe the index for each).
 */
function matches(db: Db, query: ParsedQuery, libraryIds: readonly string[], filters: SearchFilters): RawBuilder<unknown> {
  const libraries = sql.join(libraryIds.map((id) => sql`${id}`));
  const where = filterClause(filters);
  if (engineOf(db) === 'postgres') {
    return sql`select r.id, r.format, r.language, r.sort_title collate "C" as sort_title, ts_rank(r.search_vector, q.q) as score
      from bib_records r, to_tsquery('simple', ${tsQuery(query)}) q(q)
      where r.search_vector @@ q.q and r.library_id in (${libraries}) and ${where}`;
  }
  return sql`select r.id, r.format, r.language, r.sort_title, -bm25(bib_search, 10.0, 5.0, 3.0, 1.0) as score
    from bib_search cross join bib_records r on r.rowid = bib_search.rowid
    where bib_search match ${ftsMatch(query)} and r.library_id in (${libraries}) and ${where}`;
}

/** The filters as conditions on `r` (a record row). */
function filterClause(filters: SearchFilters): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = [sql`1 = 1`];
  if (filters.format !== undefined) conditions.push(sql`r.format = ${filters.format}`);
  if (filters.language !== undefined) conditions.push(sql`r.language = ${filters.language}`);
  if (filters.branchId !== undefined)
    conditions.push(sql`exists (select 1 from items i where i.record_id = r.id and i.branch_id = ${filters.branchId} and i.status <> 'withdrawn')`);
  if (filters.available) conditions.push(sql`exists (select 1 from items i where i.record_id = r.id and i.status = 'available')`);
  return sql.join(conditions, sql` and `);
}

/**
 * The branch and availability facets are counted over at most this many of the best matches. Counting
 * copies means visiting every matching record's items: for a common word (tens of thousands of matches)
 * that costs several times the search itself, for a figure a patron reads as "about". Format and
 * language, read from the record, are always exact.
 */
export const FACET_SAMPLE = 2_000;

export interface SearchPage {
  total: number;
  records: (BibRecord & { score: number })[];
  facets: {
    format: { value: string; count: number }[];
    language: { value: string; count: number }[];
    branch: { value: string; count: number }[];
    available: number;
    /** True when more than FACET_SAMPLE records match: branch and available count the best FACET_SAMPLE. */
    approximate: boolean;
  };
}

const NO_FACETS: SearchPage['facets'] = { format: [], language: [], branch: [], available: 0, approximate: false };

/**
 * One page of a search: the records matching every word in some libraries, narrowed by the filters,
 * best first (rank, then sort title, then id, so ties come out in the same order on both engines), with
 * the total and the facets of the whole narrowed set.
 *
 * The full-text match runs once: its rows are materialized, and the page, the total and every facet are
 * read from them in one statement (UNION ALL of one row kind each); the page's records are then read by
 * id.
 */
export async function searchRecords(
  db: Db,
  query: ParsedQuery,
  libraryIds: readonly string[],
  filters: SearchFilters,
  page: { limit: number; offset: number },
  options: { facets: boolean } = { facets: true },
): Promise<SearchPage> {
  if (libraryIds.length === 0) return { total: 0, records: [], facets: NO_FACETS };
  // Every figure is read as one column type on both engines (PostgreSQL's UNION wants one).
  const n = (value: RawBuilder<unknown>) => sql`cast(${value} as double precision)`;
  const best = sql`order by score desc, sort_title, id`;
  // The best matches are the outer loop over the copies: SQLite cannot tell how few rows a bound LIMIT
  // leaves, and otherwise walks every copy (CROSS JOIN fixes the order; PostgreSQL plans it itself).
  // A page within the best FACET_SAMPLE is read from them: the matches are sorted once, not twice.
  const pageFrom = page.offset + page.limit <= FACET_SAMPLE ? sql`b` : sql`h`;
  const outerJoin = engineOf(db) === 'postgres' ? sql`join` : sql`cross join`;
  const facetRows = options.facets
    ? sql`
      union all select 'format', format, ${n(sql`count(*)`)}, null from h group by format
      union all select 'language', language, ${n(sql`count(*)`)}, null from h where language is not null group by language
      union all select 'branch', i.branch_id, ${n(sql`count(distinct i.record_id)`)}, null from b ${outerJoin} items i on i.record_id = b.id
        where i.status <> 'withdrawn' group by i.branch_id
      union all select 'available', null, ${n(sql`count(*)`)}, null from b where exists (select 1 from items i where i.record_id = b.id and i.status = 'available')`
    : sql``;
  const rows = await sql<{ kind: 'hit' | 'total' | 'format' | 'language' | 'branch' | 'available'; value: string | null; n: number; pos: number | null }>`
    with h as materialized (${matches(db, query, libraryIds, filters)}),
      b as materialized (select id, score, sort_title from h ${best} limit ${FACET_SAMPLE})
    select 'hit' as kind, p.id as value, ${n(sql`p.score`)} as n, ${n(sql`row_number() over (${best})`)} as pos
      from (select id, score, sort_title from ${pageFrom} ${best} limit ${page.limit} offset ${page.offset}) p
    union all select 'total', null, ${n(sql`count(*)`)}, null from h
    ${facetRows}`.execute(db);

  const hits = rows.rows.filter((r) => r.kind === 'hit').sort((x, y) => Number(x.pos) - Number(y.pos));
  const total = Number(rows.rows.find((r) => r.kind === 'total')?.n ?? 0);
  const found = new Map<string, BibRecord>();
  if (hits.length > 0)
    for (const row of await db
      .selectFrom('bib_records')
      .select(COLUMNS)
      .where(
        'id',
        'in',
        hits.map((h) => h.value as string),
      )
      .execute())
      found.set(row.id, toRecord(row));
  const records = hits.flatMap((h) => {
    const record = found.get(h.value as string);
    return record ? [{ ...record, score: Number(h.n) }] : [];
  });
  if (!options.facets || total === 0) return { total, records, facets: NO_FACETS };
  const counted = (kind: 'format' | 'language' | 'branch') =>
    rows.rows
      .filter((r) => r.kind === kind && r.value !== null)
      .map((r) => ({ value: r.value as string, count: Number(r.n) }))
      .sort((x, y) => y.count - x.count || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
  return {
    total,
    records,
    facets: {
      format: counted('format'),
      language: counted('language'),
      branch: counted('branch'),
      available: Number(rows.rows.find((r) => r.kind === 'available')?.n ?? 0),
      approximate: total > FACET_SAMPLE,
    },
  };
}

/** How many copies of each record each branch has, and how many are on the shelf, for a page of results. */
export async function availabilityOf(db: Db, recordIds: readonly string[]): Promise<{ recordId: string; branchId: string; total: number; available: number }[]> {
  if (recordIds.length === 0) return [];
  const rows = await db
    .selectFrom('items')
    .select((eb) => [
      'record_id',
      'branch_id',
      eb.fn.countAll<number>().as('total'),
      eb.fn.sum<number>(eb.case().when('status', '=', 'available').then(1).else(0).end()).as('available'),
    ])
    .where('record_id', 'in', recordIds)
    .where('status', '<>', 'withdrawn')
    .groupBy(['record_id', 'branch_id'])
    .execute();
  return rows.map((r) => ({ recordId: r.record_id as string, branchId: r.branch_id, total: Number(r.total), available: Number(r.available) }));
}

/** Rebuilds SQLite's search index from the records (after a restore, which leaves the index out). */
export async function rebuildSearchIndex(db: Db): Promise<void> {
  if (engineOf(db) === 'sqlite') await sql`insert into bib_search(bib_search) values ('rebuild')`.execute(db);
}

/** Whether a table is SQLite's search index or one of its shadow tables: derived data, not backed up. */
export function isSearchIndexTable(name: string): boolean {
  return name === 'bib_search' || name.startsWith('bib_search_');
}
