import type { DisclosureManifest, Instrument, LegalRequest, RequestStatus } from '../domain/disclosure.js';
import type { Db } from './database.js';
import { engineOf } from './database.js';
import type { LegalRequestsTable } from './schema.js';

/** The legal-request register (migration 0004): requests, the patrons they name, patrons' notices. */

const bit = (value: number | null): boolean | null => (value === null ? null : value === 1);
const toBit = (value: boolean | null): number | null => (value === null ? null : value ? 1 : 0);

function toRequest(row: LegalRequestsTable): LegalRequest {
  return {
    id: row.id,
    libraryId: row.library_id,
    receivedAt: row.received_at,
    receivedBy: row.received_by,
    agency: row.agency,
    officerName: row.officer_name,
    officerId: row.officer_id,
    instrument: row.instrument as Instrument,
    caseNumber: row.case_number,
    scopeCategories: JSON.parse(row.scope_categories) as string[],
    scopeFrom: row.scope_from,
    scopeTo: row.scope_to,
    status: row.status as RequestStatus,
    referredAt: row.referred_at,
    referredBy: row.referred_by,
    reviewProperForm: bit(row.review_proper_form === null ? null : Number(row.review_proper_form)),
    reviewGoodCause: bit(row.review_good_cause === null ? null : Number(row.review_good_cause)),
    reviewNotes: row.review_notes,
    reviewedBy: row.reviewed_by,
    reviewedAt: row.reviewed_at,
    decision: row.decision as LegalRequest['decision'],
    decisionReason: row.decision_reason,
    decisionNotes: row.decision_notes,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    gagUntil: row.gag_until,
    releasedAt: row.released_at,
    releasedBy: row.released_by,
    manifest: row.manifest === null ? null : (JSON.parse(row.manifest) as DisclosureManifest),
    createdAt: row.created_at,
    withdrawnAt: row.withdrawn_at,
    withdrawnBy: row.withdrawn_by,
    withdrawalNotes: row.withdrawal_notes,
  };
}

function toRow(r: LegalRequest): LegalRequestsTable {
  return {
    id: r.id,
    library_id: r.libraryId,
    received_at: r.receivedAt,
    received_by: r.receivedBy,
    agency: r.agency,
    officer_name: r.officerName,
    officer_id: r.officerId,
    instrument: r.instrument,
    case_number: r.caseNumber,
    scope_categories: JSON.stringify(r.scopeCategories),
    scope_from: r.scopeFrom,
    scope_to: r.scopeTo,
    status: r.status,
    referred_at: r.referredAt,
    referred_by: r.referredBy,
    review_proper_form: toBit(r.reviewProperForm),
    review_good_cause: toBit(r.reviewGoodCause),
    review_notes: r.reviewNotes,
    reviewed_by: r.reviewedBy,
    reviewed_at: r.reviewedAt,
    decision: r.decision,
    decision_reason: r.decisionReason,
    decision_notes: r.decisionNotes,
    decided_by: r.decidedBy,
    decided_at: r.decidedAt,
    gag_until: r.gagUntil,
    released_at: r.releasedAt,
    released_by: r.releasedBy,
    manifest: r.manifest === null ? null : JSON.stringify(r.manifest),
    created_at: r.createdAt,
    withdrawn_at: r.withdrawnAt,
    withdrawn_by: r.withdrawnBy,
    withdrawal_notes: r.withdrawalNotes,
  };
}

export async function insertLegalRequest(db: Db, request: LegalRequest, patronIds: readonly string[]): Promise<void> {
  await db.insertInto('legal_requests').values(toRow(request)).execute();
  await addRequestPatrons(db, request.id, patronIds);
}

/** Names more patrons for a request (a public-records release lists the accounts it released). */
export async function addRequestPatrons(db: Db, requestId: string, patronIds: readonly string[]): Promise<void> {
  const unique = [...new Set(patronIds)];
  if (unique.length > 0) await db.insertInto('legal_request_patrons').values(unique.map((patron_id) => ({ request_id: requestId, patron_id }))).execute();
}

/** A request by id; `lock` takes its row for the rest of the transaction (PostgreSQL), so two decisions cannot cross. */
export async function findLegalRequest(db: Db, id: string, options: { lock?: boolean } = {}): Promise<LegalRequest | undefined> {
  let query = db.selectFrom('legal_requests').selectAll().where('id', '=', id);
  if (options.lock && engineOf(db) === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toRequest(row);
}

/** A library's register, newest first. */
export async function listLegalRequests(db: Db, libraryId: string): Promise<LegalRequest[]> {
  const rows = await db.selectFrom('legal_requests').selectAll().where('library_id', '=', libraryId).orderBy('received_at', 'desc').orderBy('id').execute();
  return rows.map(toRequest);
}

export async function requestPatronIds(db: Db, requestId: string): Promise<string[]> {
  const rows = await db.selectFrom('legal_request_patrons').select('patron_id').where('request_id', '=', requestId).orderBy('patron_id').execute();
  return rows.map((r) => r.patron_id);
}

/** Writes every field of a request back (the use case changed what its step changes). */
export async function saveLegalRequest(db: Db, request: LegalRequest): Promise<void> {
  const { id, ...rest } = toRow(request);
  await db.updateTable('legal_requests').set(rest).where('id', '=', id).execute();
}

/**
 * The library's patrons with an item overdue at `now` or money owed (CB-E3: the accounts an overdue
 * notice would go to), by id.
 */
export async function overdueAccountIds(db: Db, libraryId: string, now: string): Promise<string[]> {
  const overdue = await db
    .selectFrom('loans')
    .select('patron_id')
    .distinct()
    .where('library_id', '=', libraryId)
    .where('status', '=', 'active')
    .where('due_at', '<', now)
    .execute();
  const owing = await db
    .selectFrom('fines')
    .select('patron_id')
    .distinct()
    .where('library_id', '=', libraryId)
    .where('status', '=', 'open')
    .where('balance_cents', '>', 0)
    .execute();
  return [...new Set([...overdue, ...owing].map((r) => r.patron_id))].sort();
}

export interface NoticeRow {
  id: string;
  patronId: string;
  libraryId: string;
  kind: string;
  requestId: string | null;
  visibleFrom: string;
  createdAt: string;
}

export async function insertNotices(db: Db, notices: readonly NoticeRow[]): Promise<void> {
  if (notices.length === 0) return;
  await db
    .insertInto('patron_notices')
    .values(
      notices.map((n) => ({
        id: n.id,
        patron_id: n.patronId,
        library_id: n.libraryId,
        kind: n.kind,
        request_id: n.requestId,
        visible_from: n.visibleFrom,
        created_at: n.createdAt,
      })),
    )
    .execute();
}

/** A patron's notices visible at `now` (never one whose gag still holds), with what their request says of itself. */
export async function visibleNoticesOf(db: Db, patronId: string, now: string) {
  const rows = await db
    .selectFrom('patron_notices')
    .leftJoin('legal_requests', 'legal_requests.id', 'patron_notices.request_id')
    .select([
      'patron_notices.id',
      'patron_notices.kind',
      'patron_notices.visible_from',
      'legal_requests.agency',
      'legal_requests.instrument',
      'legal_requests.released_at',
      'legal_requests.manifest',
    ])
    .where('patron_notices.patron_id', '=', patronId)
    .where('patron_notices.visible_from', '<=', now)
    .orderBy('patron_notices.visible_from', 'desc')
    .orderBy('patron_notices.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    visibleFrom: r.visible_from,
    agency: r.agency,
    instrument: r.instrument,
    releasedAt: r.released_at,
    categories: r.manifest === null ? [] : (JSON.parse(r.manifest) as DisclosureManifest).categories,
  }));
}

/** Every notice of a patron, visible or not: for tests and the operator's checks. */
export async function countNotices(db: Db, patronId: string): Promise<number> {
  const row = await db.selectFrom('patron_notices').select((eb) => eb.fn.countAll<number>().as('n')).where('patron_id', '=', patronId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Whether a request under a gag order that has not expired (JC-II) concerns the patron: it names them,
 * or a legal hold placed for it does.
 */
export async function underLiveGag(db: Db, patronId: string, now: string): Promise<boolean> {
  const named = await db
    .selectFrom('legal_request_patrons')
    .innerJoin('legal_requests', 'legal_requests.id', 'legal_request_patrons.request_id')
    .select('legal_requests.id')
    .where('legal_request_patrons.patron_id', '=', patronId)
    .where('legal_requests.gag_until', '>', now)
    .executeTakeFirst();
  if (named) return true;
  const held = await db
    .selectFrom('legal_hold_patrons')
    .innerJoin('legal_holds', 'legal_holds.id', 'legal_hold_patrons.hold_id')
    .innerJoin('legal_requests', 'legal_requests.id', 'legal_holds.request_id')
    .select('legal_requests.id')
    .where('legal_hold_patrons.patron_id', '=', patronId)
    .where('legal_requests.gag_until', '>', now)
    .executeTakeFirst();
  return held !== undefined;
}
