import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * The catalogue (issue 18): bibliographic records with their items below them, a full-text index on each
 * engine, and holds placed on a record (any copy) as well as on one item.
 *
 * A record is catalogue data: it names no patron and is kept as long as the library holds the title.
 * The search index is derived from the record's folded words (`search_*`, written by the application:
 * lower case, accents removed, only letters and digits), so SQLite's FTS5 and PostgreSQL's text search
 * see the same words and find the same records. Searching writes nothing: there is no query log.
 *
 * Holds: `item_id` becomes optional (a title-level hold names its record and is given an item when one
 * is trapped for it); a hold may be suspended until a day, and ends unfilled after its `expires_at`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  const instant = pg ? sql`timestamptz` : sql`text`;

  await db.schema
    .createTable('bib_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    // The source's control number (MARC 001), so a second import of the same file updates, not doubles.
    .addColumn('control_number', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('subtitle', 'text')
    // JSON arrays of strings.
    .addColumn('authors', 'text', (c) => c.notNull())
    .addColumn('subjects', 'text', (c) => c.notNull())
    .addColumn('isbns', 'text', (c) => c.notNull())
    // The first ISBN as ISBN-13 (digits only), for look-up and covers; null when none.
    .addColumn('isbn', 'text')
    .addColumn('issn', 'text')
    .addColumn('publisher', 'text')
    .addColumn('year', 'integer')
    // 'book' | 'large-print' | 'audiobook' | 'ebook' | 'dvd' | 'music' | 'magazine' | 'map' | 'other'
    .addColumn('format', 'text', (c) => c.notNull())
    // ISO 639-2 code (eng, spa…), null when unknown.
    .addColumn('language', 'text')
    .addColumn('summary', 'text')
    // The folded words the index is built from.
    .addColumn('search_title', 'text', (c) => c.notNull())
    .addColumn('search_authors', 'text', (c) => c.notNull())
    .addColumn('search_subjects', 'text', (c) => c.notNull())
    .addColumn('search_other', 'text', (c) => c.notNull())
    // The folded title, for sorting and for a title browse.
    .addColumn('sort_title', 'text', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('updated_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bib_records_control').on('bib_records').columns(['library_id', 'control_number']).unique().execute();
  await db.schema.createIndex('bib_records_isbn').on('bib_records').columns(['isbn']).execute();
  await db.schema.createIndex('bib_records_library_title').on('bib_records').columns(['library_id', 'sort_title']).execute();

  if (pg) {
    // Weighted: title A, authors B, subjects C, the rest D. 'simple': the words are folded already.
    await sql`alter table bib_records add column search_vector tsvector generated always as (
        setweight(to_tsvector('simple', search_title), 'A') ||
        setweight(to_tsvector('simple', search_authors), 'B') ||
        setweight(to_tsvector('simple', search_subjects), 'C') ||
        setweight(to_tsvector('simple', search_other), 'D')) stored`.execute(db);
    await sql`create index bib_records_search on bib_records using gin (search_vector)`.execute(db);
  } else {
    // An external-content FTS5 index over the folded columns, kept in step by triggers. It is derived
    // data: a backup leaves it out and a restore rebuilds it.
    await sql`create virtual table bib_search using fts5(
        search_title, search_authors, search_subjects, search_other,
        content='bib_records', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`.execute(db);
    await sql`create trigger bib_records_ai after insert on bib_records begin
        insert into bib_search(rowid, search_title, search_authors, search_subjects, search_other)
        values (new.rowid, new.search_title, new.search_authors, new.search_subjects, new.search_other);
      end`.execute(db);
    await sql`create trigger bib_records_ad after delete on bib_records begin
        insert into bib_search(bib_search, rowid, search_title, search_authors, search_subjects, search_other)
        values ('delete', old.rowid, old.search_title, old.search_authors, old.search_subjects, old.search_other);
      end`.execute(db);
    await sql`create trigger bib_records_au after update on bib_records begin
        insert into bib_search(bib_search, rowid, search_title, search_authors, search_subjects, search_other)
        values ('delete', old.rowid, old.search_title, old.search_authors, old.search_subjects, old.search_other);
        insert into bib_search(rowid, search_title, search_authors, search_subjects, search_other)
        values (new.rowid, new.search_title, new.search_authors, new.search_subjects, new.search_other);
      end`.execute(db);
  }

  // Items: their record, call number, and whether they are damaged (still lent; not sent to fill holds
  // of other branches). One column per statement: SQLite adds a single column per ALTER TABLE.
  await db.schema.alterTable('items').addColumn('record_id', 'text', (c) => c.references('bib_records.id')).execute();
  await db.schema.alterTable('items').addColumn('call_number', 'text').execute();
  await db.schema.alterTable('items').addColumn('damaged', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('items_record').on('items').columns(['record_id', 'status']).execute();

  // Holds: an optional item, a record, a suspension and an expiry.
  if (pg) {
    await sql`alter table holds alter column item_id drop not null`.execute(db);
    await db.schema.alterTable('holds').addColumn('record_id', 'text', (c) => c.references('bib_records.id')).execute();
    await db.schema.alterTable('holds').addColumn('suspended_until', 'text').execute();
    await db.schema.alterTable('holds').addColumn('expires_at', instant).execute();
  } else {
    // SQLite cannot drop a NOT NULL: the table is rebuilt (nothing references holds).
    await db.schema
      .createTable('holds_next')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
      .addColumn('patron_id', 'text', (c) => c.notNull().references('patrons.id'))
      .addColumn('item_id', 'text', (c) => c.references('items.id'))
      .addColumn('pickup_branch_id', 'text', (c) => c.notNull().references('branches.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('placed_at', instant, (c) => c.notNull())
      .addColumn('ready_at', instant)
      .addColumn('pickup_by', instant)
      .addColumn('ended_at', instant)
      .addColumn('record_id', 'text', (c) => c.references('bib_records.id'))
      .addColumn('suspended_until', 'text')
      .addColumn('expires_at', instant)
      .execute();
    await sql`insert into holds_next (id, library_id, patron_id, item_id, pickup_branch_id, status, placed_at, ready_at, pickup_by, ended_at)
      select id, library_id, patron_id, item_id, pickup_branch_id, status, placed_at, ready_at, pickup_by, ended_at from holds`.execute(db);
    await sql`drop table holds`.execute(db);
    await sql`alter table holds_next rename to holds`.execute(db);
    await db.schema.createIndex('holds_item_status').on('holds').columns(['item_id', 'status', 'placed_at']).execute();
    await db.schema.createIndex('holds_patron').on('holds').columns(['patron_id', 'status']).execute();
    await db.schema.createIndex('holds_ended').on('holds').columns(['library_id', 'status', 'ended_at']).execute();
  }
  await db.schema.createIndex('holds_record_status').on('holds').columns(['record_id', 'status', 'placed_at']).execute();
  await db.schema.createIndex('holds_pending_expiry').on('holds').columns(['status', 'expires_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
