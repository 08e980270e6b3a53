/**
 * The SQL of statistics: adding to the aggregate tables (registrations, services) and reading any of the
 * aggregate tables (circulation, registrations, services, vendor sign-ins) grouped by two dimensions; which service
 * records are counted, and how far a library's services are counted. Nothing here reads a patron row
 * except `serviceStatsFacts` and `uncountedServices`, which take the category and age band of the
 * records being counted (the same two facts circulation statistics take from a loan's borrower).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from './database.js';

/** The branch id aggregate rows carry for a record with no branch. */
export const NO_BRANCH = '-';

export interface RegistrationStatsRow {
  libraryId: string;
  day: string;
  branchId: string;
  patronCategory: string;
  ageBand: string;
  registrations: number;
}

/** Adds a registration to the aggregate (CB-A6, RF-3: a count, no patron). */
export async function addRegistrationStats(db: Db, row: RegistrationStatsRow): Promise<void> {
  await db
    .insertInto('registration_stats')
    .values({
      library_id: row.libraryId,
      day: row.day,
      branch_id: row.branchId,
      patron_category: row.patronCategory,
      age_band: row.ageBand,
      registrations: row.registrations,
    })
    .onConflict((oc) =>
      oc
        .columns(['library_id', 'day', 'branch_id', 'patron_category', 'age_band'])
        .doUpdateSet({ registrations: sql<number>`registration_stats.registrations + excluded.registrations` }),
    )
    .execute();
}

/** What the statistics keep of a service record about to be disposed of. */
export interface ServiceFacts {
  id: string;
  kind: string;
  branchId: string | null;
  /** The patron's category; null for a guest pass or a record of no one. */
  patronCategory: string | null;
  ageBand: string | null;
  guestPass: boolean;
  status: string;
  startsAt: string;
  endsAt: string | null;
  /** When statistics took the record into account (counted it, or passed over a cancelled one); null: not yet. */
  countedAt: string | null;
}

function factsQuery(db: Db) {
  return db
    .selectFrom('service_records')
    .leftJoin('patrons', 'patrons.id', 'service_records.patron_id')
    .select([
      'service_records.id as id',
      'service_records.kind as kind',
      'service_records.branch_id as branch_id',
      'service_records.guest_pass as guest_pass',
      'service_records.status as status',
      'service_records.starts_at as starts_at',
      'service_records.ends_at as ends_at',
      'service_records.counted_at as counted_at',
      'patrons.category_code as patron_category',
      'patrons.age_band as age_band',
    ]);
}

function toFacts(r: {
  id: string;
  kind: string;
  branch_id: string | null;
  guest_pass: string | null;
  status: string;
  starts_at: string;
  ends_at: string | null;
  counted_at: string | null;
  patron_category: string | null;
  age_band: string | null;
}): ServiceFacts {
  return {
    id: r.id,
    kind: r.kind,
    branchId: r.branch_id,
    patronCategory: r.patron_category ?? null,
    ageBand: r.age_band ?? null,
    guestPass: r.guest_pass !== null,
    status: r.status,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    countedAt: r.counted_at,
  };
}

/** The facts statistics need of some service records (a page the retention engine disposes of). */
export async function serviceStatsFacts(db: Db, ids: readonly string[]): Promise<ServiceFacts[]> {
  const facts: ServiceFacts[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await factsQuery(db).where('service_records.id', 'in', ids.slice(i, i + 500)).execute();
    facts.push(...rows.map(toFacts));
  }
  return facts;
}

/** A page of one library's service records that ended at or before `through` and are not counted yet, oldest end first. */
export async function uncountedServices(db: Db, libraryId: string, through: string, limit: number): Promise<ServiceFacts[]> {
  const rows = await factsQuery(db)
    .where('service_records.library_id', '=', libraryId)
    .where('service_records.counted_at', 'is', null)
    .where('service_records.ends_at', '<=', through)
    .orderBy('service_records.ends_at')
    .orderBy('service_records.id')
    .limit(limit)
    .execute();
  return rows.map(toFacts);
}

/**
 * Marks service records as taken into account by statistics, so none is counted twice, and returns the
 * ids this statement marked: only those not marked yet (`counted_at` still null) and, with `endedBy`,
 * that ended by then. The caller counts those and no other. On PostgreSQL the update locks each row
 * and, when another transaction marked or deleted it meanwhile, re-reads it after that one commits and
 * leaves it out; SQLite runs one writer at a time. So of a retention run counting a page and a patron's
 * deletion counting the same record, exactly one counts it, whatever either read before.
 */
export async function markServicesCounted(db: Db, ids: readonly string[], at: string, endedBy?: string): Promise<Set<string>> {
  const marked = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    let update = db.updateTable('service_records').set({ counted_at: at }).where('id', 'in', ids.slice(i, i + 500)).where('counted_at', 'is', null);
    if (endedBy !== undefined) update = update.where('ends_at', '<=', endedBy);
    for (const row of await update.returning('id').execute()) marked.add(row.id);
  }
  return marked;
}

/** Records on a retention run that every service of its library that ended by `through` is counted. */
export async function setServicesCountedThrough(db: Db, runId: string, through: string): Promise<void> {
  await db.updateTable('retention_runs').set({ services_counted_through: through }).where('id', '=', runId).execute();
}

/**
 * The instant through which a library's services are all counted: the latest a retention run recorded
 * (null when no run has counted them yet). Services that end later are counted under later days.
 */
export async function servicesCountedThrough(db: Db, libraryId: string): Promise<string | null> {
  const row = await db
    .selectFrom('retention_runs')
    .select((eb) => eb.fn.max('services_counted_through').as('through'))
    .where('library_id', '=', libraryId)
    .executeTakeFirst();
  const through = row?.through as string | Date | null | undefined;
  return through === null || through === undefined ? null : new Date(through).toISOString();
}

export interface ServiceStatsRow {
  libraryId: string;
  day: string;
  branchId: string;
  kind: string;
  patronCategory: string;
  ageBand: string;
  records: number;
  minutes: number;
}

/** Adds counts (and computer minutes) to the aggregate service statistics. */
export async function addServiceStats(db: Db, rows: readonly ServiceStatsRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('service_stats')
      .values(
        rows.slice(i, i + 500).map((r) => ({
          library_id: r.libraryId,
          day: r.day,
          branch_id: r.branchId,
          kind: r.kind,
          patron_category: r.patronCategory,
          age_band: r.ageBand,
          records: r.records,
          minutes: r.minutes,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['library_id', 'day', 'branch_id', 'kind', 'patron_category', 'age_band']).doUpdateSet({
          records: sql<number>`service_stats.records + excluded.records`,
          minutes: sql<number>`service_stats.minutes + excluded.minutes`,
        }),
      )
      .execute();
  }
}

// ── Reading ──────────────────────────────────────────────────────────────────────────────────────

/** A dimension of an aggregate table as a column or expression (constants only, never input). No day: a day's counts are too few to publish. */
export type StatsColumn = 'month' | 'year' | 'branch_id' | 'item_type' | 'patron_category' | 'age_band' | 'vendor_id';

/** A dimension's expression over a table whose time column is `time` (a day `YYYY-MM-DD` or a month `YYYY-MM`). */
function expression(column: StatsColumn, time: RawBuilder<string>): RawBuilder<string> {
  if (column === 'month') return sql<string>`substr(${time}, 1, 7)`;
  if (column === 'year') return sql<string>`substr(${time}, 1, 4)`;
  return sql<string>`${sql.ref(column)}`;
}

/**
 * Each aggregate table, its measures, its time column (and how many characters of `YYYY-MM-DD` it
 * holds: a day, or a month for the vendors' monthly counts), and the columns it can be grouped by.
 */
const TABLES = {
  circulation_stats: { count: sql`loans`, minutes: null, time: sql<string>`day`, timeLength: 10, columns: ['month', 'year', 'branch_id', 'item_type', 'patron_category', 'age_band'] },
  registration_stats: { count: sql`registrations`, minutes: null, time: sql<string>`day`, timeLength: 10, columns: ['month', 'year', 'branch_id', 'patron_category', 'age_band'] },
  service_stats: { count: sql`records`, minutes: sql`minutes`, time: sql<string>`day`, timeLength: 10, columns: ['month', 'year', 'branch_id', 'patron_category', 'age_band'] },
  // Issue 19: sign-ins per vendor per month (CB-D), no patron, no category, no age band.
  vendor_sign_in_counts: { count: sql`"count"`, minutes: null, time: sql<string>`month`, timeLength: 7, columns: ['month', 'year', 'vendor_id'] },
} as const;
export type StatsTable = keyof typeof TABLES;

export interface StatsCell {
  row: string;
  column: string;
  count: number;
  minutes: number;
}

/**
 * One library's aggregate counts for days in [fromDay, toDay) (library-local `YYYY-MM-DD`, first days of
 * months for the monthly vendor counts), summed by two dimensions; `kind` narrows service statistics to
 * one kind of service.
 */
export async function statsCells(
  db: Db,
  query: { table: StatsTable; libraryId: string; fromDay: string; toDay: string; rows: StatsColumn; columns: StatsColumn; kind?: string },
): Promise<StatsCell[]> {
  const table = TABLES[query.table];
  if (!(table.columns as readonly string[]).includes(query.rows) || !(table.columns as readonly string[]).includes(query.columns))
    throw new Error(`statistics: ${query.table} has no such dimension`);
  const minutes = table.minutes === null ? sql`0` : sql`sum(${table.minutes})`;
  const kind = query.kind === undefined ? sql`` : sql`and kind = ${query.kind}`;
  // Whole months: a month table compares `YYYY-MM` with the first days' months.
  const [from, to] = [query.fromDay.slice(0, table.timeLength), query.toDay.slice(0, table.timeLength)];
  const result = await sql<{ r: string; c: string; n: number | string; m: number | string | null }>`
    select ${expression(query.rows, table.time)} as r, ${expression(query.columns, table.time)} as c, sum(${table.count}) as n, ${minutes} as m
    from ${sql.table(query.table)}
    where library_id = ${query.libraryId} and ${table.time} >= ${from} and ${table.time} < ${to} ${kind}
    group by 1, 2`.execute(db);
  return result.rows.map((r) => ({ row: String(r.r), column: String(r.c), count: Number(r.n), minutes: Number(r.m ?? 0) }));
}
