import type { ServiceKind, ServiceRecord, ServiceStatus } from '../domain/types.js';
import { engineOf, type Db } from './database.js';
import type { ServiceRecordsTable } from './schema.js';

function toServiceRecord(row: ServiceRecordsTable): ServiceRecord {
  return {
    id: row.id,
    libraryId: row.library_id,
    branchId: row.branch_id,
    kind: row.kind as ServiceKind,
    patronId: row.patron_id,
    guestPass: row.guest_pass,
    resource: row.resource,
    details: row.details,
    status: row.status as ServiceStatus,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    createdAt: row.created_at,
  };
}

/** Writes a new service record (its `details` already sealed by the caller). */
export async function insertServiceRecord(db: Db, record: ServiceRecord): Promise<void> {
  await db
    .insertInto('service_records')
    .values({
      id: record.id,
      library_id: record.libraryId,
      branch_id: record.branchId,
      kind: record.kind,
      patron_id: record.patronId,
      guest_pass: record.guestPass,
      resource: record.resource,
      details: record.details,
      status: record.status,
      starts_at: record.startsAt,
      ends_at: record.endsAt,
      created_at: record.createdAt,
      // Not counted in the statistics yet: the first retention run after its end counts it.
      counted_at: null,
    })
    .execute();
}

/**
 * A service record by id. With `lock`, the row stays locked on PostgreSQL until the transaction ends, so
 * two desks closing the same record are serialised (SQLite serialises writers already).
 */
export async function findServiceRecord(db: Db, id: string, options: { lock?: boolean } = {}): Promise<ServiceRecord | undefined> {
  const query = db.selectFrom('service_records').selectAll().where('id', '=', id);
  const row = await (options.lock && engineOf(db) === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
  return row && toServiceRecord(row);
}

/** Closes a record: its final status and the instant it is over (from which retention counts). */
export async function closeServiceRecord(db: Db, id: string, status: ServiceStatus, endsAt: string): Promise<void> {
  await db.updateTable('service_records').set({ status, ends_at: endsAt }).where('id', '=', id).execute();
}

/** The sessions still open on one computer station of a branch. */
export async function activeSessionsOnStation(db: Db, libraryId: string, branchId: string, station: string): Promise<ServiceRecord[]> {
  const rows = await db
    .selectFrom('service_records')
    .selectAll()
    .where('library_id', '=', libraryId)
    .where('kind', '=', 'computer-session')
    .where('branch_id', '=', branchId)
    .where('resource', '=', station)
    .where('status', '=', 'active')
    .orderBy('starts_at')
    .execute();
  return rows.map(toServiceRecord);
}

/**
 * Booked records of one kind for one resource of a branch whose time overlaps [startsAt, endsAt):
 * a room already taken, or (with `patronId`) the patron already signed up. Instants are ISO-8601 UTC
 * strings on SQLite, so comparing them as text orders them in time.
 */
export async function overlappingBookings(
  db: Db,
  query: { kind: ServiceKind; libraryId: string; branchId: string; resource: string; startsAt: string; endsAt: string; patronId?: string },
): Promise<ServiceRecord[]> {
  let select = db
    .selectFrom('service_records')
    .selectAll()
    .where('library_id', '=', query.libraryId)
    .where('kind', '=', query.kind)
    .where('branch_id', '=', query.branchId)
    .where('resource', '=', query.resource)
    .where('status', '=', 'booked')
    .where('starts_at', '<', query.endsAt)
    .where('ends_at', '>', query.startsAt);
  if (query.patronId !== undefined) select = select.where('patron_id', '=', query.patronId);
  const rows = await select.execute();
  return rows.map(toServiceRecord);
}

/**
 * Locks a branch row on PostgreSQL until the transaction ends, so two bookings of the same room at the
 * same time cannot both see the room free, and two log-ons at one station cannot both find it free
 * (SQLite serialises writers already).
 */
export async function lockBranchForBooking(db: Db, branchId: string): Promise<void> {
  if (engineOf(db) !== 'postgres') return;
  await db.selectFrom('branches').select('id').where('id', '=', branchId).forUpdate().execute();
}

/** Every service record of a patron, newest first (export, the patron's account). */
export async function serviceRecordsOfPatron(db: Db, patronId: string): Promise<ServiceRecord[]> {
  const rows = await db.selectFrom('service_records').selectAll().where('patron_id', '=', patronId).orderBy('starts_at', 'desc').orderBy('id').execute();
  return rows.map(toServiceRecord);
}

/** Rows in service_records, optionally of one kind: for tests and the retention dashboard. */
export async function countServiceRecords(db: Db, kind?: ServiceKind): Promise<number> {
  let query = db.selectFrom('service_records').select((eb) => eb.fn.countAll<number>().as('n'));
  if (kind) query = query.where('kind', '=', kind);
  return Number((await query.executeTakeFirstOrThrow()).n);
}
