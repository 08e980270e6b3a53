/**
 * Legal holds: the hold rows, the patrons each names, their release, and the live holds of a library as
 * the retention engine reads them (once per page: holds are few, pages are many).
 */
import type { HeldPatrons, HoldScope, RecordCategory } from '../domain/records.js';
import type { Db } from './database.js';
import type { LegalHoldsTable } from './schema.js';

export interface LegalHold {
  id: string;
  libraryId: string;
  requestId: string | null;
  placedAt: string;
  placedBy: string;
  reason: string;
  categories: RecordCategory[];
  from: string | null;
  to: string | null;
  releasedAt: string | null;
  releasedBy: string | null;
}

function toHold(row: LegalHoldsTable): LegalHold {
  return {
    id: row.id,
    libraryId: row.library_id,
    requestId: row.request_id,
    placedAt: row.placed_at,
    placedBy: row.placed_by,
    reason: row.reason,
    categories: JSON.parse(row.scope_categories) as RecordCategory[],
    from: row.scope_from,
    to: row.scope_to,
    releasedAt: row.released_at,
    releasedBy: row.released_by,
  };
}

export async function insertHold(db: Db, hold: LegalHold, patronIds: readonly string[]): Promise<void> {
  await db
    .insertInto('legal_holds')
    .values({
      id: hold.id,
      library_id: hold.libraryId,
      request_id: hold.requestId,
      placed_at: hold.placedAt,
      placed_by: hold.placedBy,
      reason: hold.reason,
      scope_categories: JSON.stringify(hold.categories),
      scope_from: hold.from,
      scope_to: hold.to,
      released_at: hold.releasedAt,
      released_by: hold.releasedBy,
    })
    .execute();
  if (patronIds.length > 0) await db.insertInto('legal_hold_patrons').values(patronIds.map((patron_id) => ({ hold_id: hold.id, patron_id }))).execute();
}

export async function findHold(db: Db, id: string): Promise<LegalHold | undefined> {
  const row = await db.selectFrom('legal_holds').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toHold(row);
}

/** Releases a live hold; false when it was already released (another request got there first). */
export async function releaseHold(db: Db, id: string, at: string, by: string): Promise<boolean> {
  const result = await db.updateTable('legal_holds').set({ released_at: at, released_by: by }).where('id', '=', id).where('released_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The patrons a hold names, with their library (for the access log). */
export async function patronsOfHold(db: Db, holdId: string): Promise<{ id: string; libraryId: string }[]> {
  const rows = await db
    .selectFrom('legal_hold_patrons')
    .innerJoin('patrons', 'patrons.id', 'legal_hold_patrons.patron_id')
    .select(['patrons.id as id', 'patrons.library_id as library_id'])
    .where('legal_hold_patrons.hold_id', '=', holdId)
    .orderBy('patrons.id')
    .execute();
  return rows.map((r) => ({ id: r.id, libraryId: r.library_id }));
}

/** A library's holds, newest first, live ones only unless `includeReleased`, with how many patrons each names. */
export async function holdsOfLibrary(db: Db, libraryId: string, includeReleased: boolean): Promise<(LegalHold & { patrons: number })[]> {
  let query = db
    .selectFrom('legal_holds')
    .selectAll()
    .select((eb) =>
      eb.selectFrom('legal_hold_patrons').select(eb.fn.countAll<number>().as('n')).whereRef('legal_hold_patrons.hold_id', '=', 'legal_holds.id').as('patrons'),
    )
    .where('library_id', '=', libraryId);
  if (!includeReleased) query = query.where('released_at', 'is', null);
  const rows = await query.orderBy('placed_at', 'desc').orderBy('id').execute();
  return rows.map((row) => ({ ...toHold(row), patrons: Number(row.patrons ?? 0) }));
}

/**
 * The live holds, by patron: what each covers. Every library's: a consortium patron's records may be
 * kept by another library than the one that placed the hold (RF-4), and holds are few. `patronId`
 * narrows to one patron (a deletion, an opt-out). One query; retention calls it once per page.
 */
export async function liveHeldPatrons(db: Db, patronId?: string): Promise<HeldPatrons> {
  let query = db
    .selectFrom('legal_holds')
    .innerJoin('legal_hold_patrons', 'legal_hold_patrons.hold_id', 'legal_holds.id')
    .select(['legal_hold_patrons.patron_id as patron_id', 'legal_holds.scope_categories as categories', 'legal_holds.scope_from as from', 'legal_holds.scope_to as to'])
    .where('legal_holds.released_at', 'is', null);
  if (patronId !== undefined) query = query.where('legal_hold_patrons.patron_id', '=', patronId);
  const held = new Map<string, HoldScope[]>();
  for (const row of await query.execute()) {
    const scope: HoldScope = { categories: JSON.parse(row.categories) as RecordCategory[], from: row.from, to: row.to };
    const list = held.get(row.patron_id);
    if (list) list.push(scope);
    else held.set(row.patron_id, [scope]);
  }
  return held;
}

/** Whether the library's register of legal requests holds a request with that id. */
export async function legalRequestExists(db: Db, libraryId: string, requestId: string): Promise<boolean> {
  // The register's table is the disclosure repository's; only its id and library are read here.
  const row = await db.selectFrom('legal_requests').select('id').where('id', '=', requestId).where('library_id', '=', libraryId).executeTakeFirst();
  return row !== undefined;
}

/**
 * Holds placed and released in [from, to) of a library (or every library), and those live at `to`.
 * A hold whose reason is a legal request still under a gag order at `gaggedAt` is not counted: its
 * count would reveal the request (JC-II).
 */
export async function holdCounts(
  db: Db,
  options: { libraryId: string | null; from: string; to: string; gaggedAt: string },
): Promise<{ placed: number; released: number; live: number }> {
  const { libraryId } = options;
  const base = () =>
    db
      .selectFrom('legal_holds')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .$if(libraryId !== null, (q) => q.where('library_id', '=', libraryId as string))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('legal_requests')
              .select('legal_requests.id')
              .whereRef('legal_requests.id', '=', 'legal_holds.request_id')
              .where('legal_requests.gag_until', '>', options.gaggedAt),
          ),
        ),
      );
  const placed = await base().where('placed_at', '>=', options.from).where('placed_at', '<', options.to).executeTakeFirstOrThrow();
  const released = await base().where('released_at', '>=', options.from).where('released_at', '<', options.to).executeTakeFirstOrThrow();
  const live = await base()
    .where('placed_at', '<', options.to)
    .where((eb) => eb.or([eb('released_at', 'is', null), eb('released_at', '>=', options.to)]))
    .executeTakeFirstOrThrow();
  return { placed: Number(placed.n), released: Number(released.n), live: Number(live.n) };
}

/** Forgets a deleted patron's place in released holds (a live hold refuses the deletion first). */
export async function deleteHoldPatron(db: Db, patronId: string): Promise<void> {
  await db.deleteFrom('legal_hold_patrons').where('patron_id', '=', patronId).execute();
}

/** Releases the live holds placed for a request with the given reason; their ids, for the access log. */
export async function releaseRequestHolds(db: Db, requestId: string, reason: string, at: string, by: string): Promise<string[]> {
  const live = await db.selectFrom('legal_holds').select('id').where('request_id', '=', requestId).where('reason', '=', reason).where('released_at', 'is', null).execute();
  for (const { id } of live) await releaseHold(db, id, at, by);
  return live.map((h) => h.id);
}
