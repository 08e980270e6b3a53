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

/** The matching records of some libraries, with a rank (higher is better), before filters. */
function matches(db: Db, query: ParsedQuery, libraryIds: readonly string[]): RawBuilder<unknown> {
  const libraries = sql.join(libraryIds.map((id) => sql`${id}`));
  if (engineOf(db) === 'postgres') {
    return sql`select r.id, ts_rank(r.search_vector, q.q) as score from bib_records r, to_tsquery('simple', ${tsQuery(query)}) q(q)
      where r.search_vector @@ q.q and r.library_id in (${libraries})`;
  }
  return sql`select r.id, -bm25(bib_search, 10.0, 5.0, 3.0, 1.0) as score from bib_search join bib_records r on r.rowid = bib_search.rowid
    where bib_search match ${ftsMatch(query)} and r.library_id in (${libraries})`;
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

export interface SearchPage {
  total: number;
  records: (BibRecord & { score: number })[];
  facets: {
    format: { value: string; count: number }[];
    language: { value: string; count: number }[];
    branch: { value: string; count: number }[];
    available: number;
  };
}

/**
 * One page of a search: the records matching every word in some libraries, narrowed by the filters,
 * best first (rank, then title), with the total and the facets of the whole narrowed set.
 */
export async function searchRecords(
  db: Db,
  query: ParsedQuery,
  libraryIds: readonly string[],
  filters: SearchFilters,
  page: { limit: number; offset: number },
  options: { facets: boolean } = { facets: true },
): Promise<SearchPage> {
  if (libraryIds.length === 0) return { total: 0, records: [], facets: { format: [], language: [], branch: [], available: 0 } };
  const pg = engineOf(db) === 'postgres';
  const m = matches(db, query, libraryIds);
  const where = filterClause(filters);
  const hit = sql`select m.id, m.score from (${m}) m join bib_records r on r.id = m.id where ${where}`;
  const columns = sql.join(COLUMNS.map((c) => sql.ref(`r.${c}`)));
  const rows = await sql<BibRecordsTable & { score: number }>`
    select ${columns}, h.score from (${hit}) h join bib_records r on r.id = h.id
    order by h.score desc, r.sort_title, r.id limit ${page.limit} offset ${page.offset}`.execute(db);
  const count = await sql<{ n: number }>`select count(*) as n from (${hit}) h`.execute(db);
  const records = rows.rows.map((row) => ({ ...toRecord(row), score: Number(row.score) }));
  const total = Number(count.rows[0]?.n ?? 0);
  if (!options.facets || total === 0) return { total, records, facets: { format: [], language: [], branch: [], available: 0 } };

  const materialized = pg ? sql`as materialized` : sql`as`;
  const scoped = sql`with h ${materialized} (${hit})`;
  const grouped = async (column: 'format' | 'language') =>
    (
      await sql<{ value: string; n: number }>`${scoped} select r.${sql.ref(column)} as value, count(*) as n from h join bib_records r on r.id = h.id
        where r.${sql.ref(column)} is not null group by r.${sql.ref(column)} order by n desc, value`.execute(db)
    ).rows.map((r) => ({ value: r.value, count: Number(r.n) }));
  const branch = (
    await sql<{ value: string; n: number }>`${scoped} select i.branch_id as value, count(distinct i.record_id) as n from h join items i on i.record_id = h.id
      where i.status <> 'withdrawn' group by i.branch_id order by n desc, value`.execute(db)
  ).rows.map((r) => ({ value: r.value, count: Number(r.n) }));
  const available = await sql<{ n: number }>`${scoped} select count(*) as n from h where exists (select 1 from items i where i.record_id = h.id and i.status = 'available')`.execute(db);
  return { total, records, facets: { format: await grouped('format'), language: await grouped('language'), branch, available: Number(available.rows[0]?.n ?? 0) } };
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
