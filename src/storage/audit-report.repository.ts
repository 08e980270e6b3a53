/**
 * The privacy audit report's queries (CB-I): how many records of each kind a library holds now, and how
 * many access-log entries each role wrote for each purpose in a period. Counts only: no statement here
 * selects a personal field, a patron id or an item, and none sums the aggregate statistics' counts.
 */
import { sql } from 'kysely';
import type { AccessLogGroup, CodeCount, EngineSettings, HeldCounts } from '../domain/audit-facts.js';
import { engineOf, type Db } from './database.js';

const n = (value: unknown) => Number(value ?? 0);

function byCode(rows: { code: string | null; n: unknown }[]): CodeCount[] {
  return rows.map((r) => ({ code: r.code ?? '', count: n(r.n) })).sort((a, b) => a.code.localeCompare(b.code));
}

/** What a library holds now, counted per table and status. */
export async function heldCounts(db: Db, libraryId: string): Promise<HeldCounts> {
  const patronsByStatus = await db
    .selectFrom('patrons')
    .select(['status as code', (eb) => eb.fn.countAll().as('n')])
    .where('library_id', '=', libraryId)
    .groupBy('status')
    .execute();
  const readingHistoryPatrons = await db
    .selectFrom('patrons')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('library_id', '=', libraryId)
    .where('reading_history_since', 'is not', null)
    .executeTakeFirstOrThrow();
  const searchTokens = await db.selectFrom('patron_search').select((eb) => eb.fn.countAll().as('n')).where('library_id', '=', libraryId).executeTakeFirstOrThrow();
  const links = await db
    .selectFrom('guardian_links')
    .select([(eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.count('ended_at').as('ended')])
    .where('library_id', '=', libraryId)
    .executeTakeFirstOrThrow();
  const loansByStatus = await db.selectFrom('loans').select(['status as code', (eb) => eb.fn.countAll().as('n')]).where('library_id', '=', libraryId).groupBy('status').execute();
  // The loans kept as reading history (ended on or after their patron opted in), counted from the
  // patrons who keep one (`patrons_reading_history`, migration 0031) and each one's loans
  // (`loans_patron`): never a pass over every loan of the library. Every opted-in patron is walked, not
  // only this library's, because a patron of another library may borrow here.
  const readingHistoryLoans = await sql<{ n: unknown }>`
    select coalesce(sum(kept.n), 0) as n from (
      select (
        select count(*) from loans l
        where l.patron_id = p.id and l.status <> 'active' and l.library_id = ${libraryId} and l.ended_at >= p.reading_history_since
      ) as n
      from patrons p
      where p.reading_history_since is not null
    ) kept`
    .execute(db)
    .then((result) => result.rows[0] ?? { n: 0 });
  const holdsByStatus = await db.selectFrom('holds').select(['status as code', (eb) => eb.fn.countAll().as('n')]).where('library_id', '=', libraryId).groupBy('status').execute();
  const finesByStatus = await db.selectFrom('fines').select(['status as code', (eb) => eb.fn.countAll().as('n')]).where('library_id', '=', libraryId).groupBy('status').execute();
  const payments = await db.selectFrom('payments').select((eb) => eb.fn.countAll().as('n')).where('library_id', '=', libraryId).executeTakeFirstOrThrow();
  const services = await db
    .selectFrom('service_records')
    .select(['kind', 'status', (eb) => eb.fn.countAll().as('n')])
    .where('library_id', '=', libraryId)
    .groupBy(['kind', 'status'])
    .execute();
  const complaints = await db
    .selectFrom('complaints')
    .select([(eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.count('answered_at').as('answered'), (eb) => eb.fn.count('patron_id').as('named')])
    .where('library_id', '=', libraryId)
    .executeTakeFirstOrThrow();
  const noticesByStatus = await db.selectFrom('notices').select(['status as code', (eb) => eb.fn.countAll().as('n')]).where('library_id', '=', libraryId).groupBy('status').execute();
  const breaches = await db
    .selectFrom('breaches')
    .select([(eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.sum<string | number | null>('patrons_affected').as('affected')])
    .where('library_id', '=', libraryId)
    .executeTakeFirstOrThrow();
  // An index-only count over `access_log_library_at` (migration 0030).
  const accessLog = await db.selectFrom('access_log').select((eb) => eb.fn.countAll().as('n')).where('library_id', '=', libraryId).executeTakeFirstOrThrow();
  const vendorAuthorisations = await db
    .selectFrom('vendor_authorisations as a')
    .innerJoin('vendors as v', 'v.id', 'a.vendor_id')
    .select([(eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.count('a.consented_at').as('consented')])
    .where('v.library_id', '=', libraryId)
    .executeTakeFirstOrThrow();
  // Rows only: no count of the aggregates is summed here (see HeldCounts).
  const rowsOf = async (table: 'circulation_stats' | 'registration_stats' | 'service_stats' | 'vendor_sign_in_counts') =>
    n((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('library_id', '=', libraryId).executeTakeFirstOrThrow()).n);
  const statistics = { rows: await rowsOf('circulation_stats') };
  const registrationStatistics = { rows: await rowsOf('registration_stats') };
  const serviceStatistics = { rows: await rowsOf('service_stats') };
  const vendorStatistics = { rows: await rowsOf('vendor_sign_in_counts') };
  return {
    patronsByStatus: byCode(patronsByStatus),
    readingHistoryPatrons: n(readingHistoryPatrons.n),
    searchTokens: n(searchTokens.n),
    guardianLinks: { current: n(links.n) - n(links.ended), ended: n(links.ended) },
    loansByStatus: byCode(loansByStatus),
    readingHistoryLoans: n(readingHistoryLoans.n),
    holdsByStatus: byCode(holdsByStatus),
    finesByStatus: byCode(finesByStatus),
    payments: n(payments.n),
    serviceRecords: services
      .map((r) => ({ kind: r.kind, status: r.status, count: n(r.n) }))
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.status.localeCompare(b.status)),
    complaints: { open: n(complaints.n) - n(complaints.answered), answered: n(complaints.answered), anonymous: n(complaints.n) - n(complaints.named) },
    noticesByStatus: byCode(noticesByStatus),
    breaches: { recorded: n(breaches.n), patronsAffected: n(breaches.affected ?? 0) },
    accessLogEntries: n(accessLog.n),
    vendorAuthorisations: { pairs: n(vendorAuthorisations.n), withConsent: n(vendorAuthorisations.consented) },
    statistics,
    registrationStatistics,
    serviceStatistics,
    vendorStatistics,
  };
}

/**
 * Entries about a library's patrons in [from, to), grouped by the role the actor acted in, the purpose
 * and the categories touched. The categories column holds a few distinct lists set by the code, so the
 * groups stay few; no actor id or patron id is selected. Read from `access_log_library_at` alone (the
 * period is a range of it, and it carries every grouped column).
 */
export async function accessLogGroups(db: Db, options: { libraryId: string; from: string; to: string }): Promise<AccessLogGroup[]> {
  const rows = await db
    .selectFrom('access_log')
    .select(['actor_role', 'purpose', 'categories', (eb) => eb.fn.countAll().as('n')])
    .where('library_id', '=', options.libraryId)
    .where('at', '>=', options.from)
    .where('at', '<', options.to)
    // Lawful disclosure is counted in the transparency report, where gagged requests are only banded
    // (JC-II); here its entries would show a gagged request's reads.
    .where('purpose', '!=', 'legal-disclosure')
    .groupBy(['actor_role', 'purpose', 'categories'])
    .execute();
  return rows.map((r) => ({
    // Rows older than the chain carry no role: they are counted, as "unrecorded".
    role: r.actor_role ?? 'unrecorded',
    purpose: r.purpose,
    categories: r.categories === '' ? [] : r.categories.split(','),
    entries: n(r.n),
  }));
}

/** The oldest access-log entry a library still holds (retention deletes older ones): one step into `access_log_library_at`. */
export async function oldestAccessEntry(db: Db, libraryId: string): Promise<string | null> {
  const row = await db.selectFrom('access_log').select('at').where('library_id', '=', libraryId).orderBy('at').limit(1).executeTakeFirst();
  return row ? new Date(row.at).toISOString() : null;
}

/**
 * The latest instant an installation-wide action (a `backup`, a `restore`) was logged; null when the
 * log holds none (never done, or its entry is past the access log's retention). The literal list is the
 * predicate of the partial index `access_log_installation_actions` (migration 0030), written out so both
 * engines see that the index covers the query.
 */
export async function lastLoggedAction(db: Db, action: 'backup' | 'restore'): Promise<string | null> {
  const row = await db
    .selectFrom('access_log')
    .select('at')
    .where(sql<boolean>`action in ('backup', 'restore')`)
    .where('action', '=', action)
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? new Date(row.at).toISOString() : null;
}

/** The engine's settings that bear on records at rest, read from the engine itself. */

export async function engineSettings(db: Db): Promise<EngineSettings> {
  if (engineOf(db) === 'postgres') {
    const { rows } = await sql<{ server_version: string }>`show server_version`.execute(db);
    return { engine: 'postgres', version: rows[0]?.server_version ?? 'unknown' };
  }
  const version = await sql<{ v: string }>`select sqlite_version() as v`.execute(db);
  const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
  const secure = await sql<{ secure_delete: number }>`pragma secure_delete`.execute(db);
  return {
    engine: 'sqlite',
    version: version.rows[0]?.v ?? 'unknown',
    journalMode: journal.rows[0]?.journal_mode ?? 'unknown',
    secureDelete: Number(secure.rows[0]?.secure_delete ?? 0) === 1,
  };
}
