/**
 * The notices outbox, the library's templates and notice settings, and the breach register (migration
 * 0017). Plain rows: what a notice says is sealed before it gets here, and the recipient's address never
 * does.
 */
import { sql, type Selectable } from 'kysely';
import type { NoticesTable } from './schema.js';
import { engineOf, type Db } from './database.js';

export interface NoticeRow {
  id: string;
  libraryId: string;
  patronId: string;
  recipient: 'patron' | 'guardian';
  kind: string;
  channel: string;
  language: string;
  status: string;
  idempotencyKey: string;
  payload: string | null;
  breachId: string | null;
  attempts: number;
  nextAttemptAt: string;
  errorCode: string | null;
  createdAt: string;
  sentAt: string | null;
  endedAt: string | null;
}

/** A notice row as read (the claim columns are the repository's own business). */
type Selected = Omit<Selectable<NoticesTable>, 'claimed_by' | 'claimed_until'>;

const COLUMNS = [
  'id',
  'library_id',
  'patron_id',
  'recipient',
  'kind',
  'channel',
  'language',
  'status',
  'idempotency_key',
  'payload',
  'breach_id',
  'attempts',
  'next_attempt_at',
  'error_code',
  'created_at',
  'sent_at',
  'ended_at',
] as const;

const iso = (v: string | Date | null): string | null => (v === null ? null : new Date(v).toISOString());

function toRow(r: Selected): NoticeRow {
  return {
    id: r.id,
    libraryId: r.library_id,
    patronId: r.patron_id,
    recipient: r.recipient as NoticeRow['recipient'],
    kind: r.kind,
    channel: r.channel,
    language: r.language,
    status: r.status,
    idempotencyKey: r.idempotency_key,
    payload: r.payload,
    breachId: r.breach_id,
    attempts: Number(r.attempts),
    nextAttemptAt: iso(r.next_attempt_at) as string,
    errorCode: r.error_code,
    createdAt: iso(r.created_at) as string,
    sentAt: iso(r.sent_at),
    endedAt: iso(r.ended_at),
  };
}

export type NewNotice = Omit<NoticeRow, 'attempts' | 'errorCode' | 'sentAt'>;

/** Adds a notice unless one with its idempotency key exists; answers whether it was added. */
export async function insertNotice(db: Db, notice: NewNotice): Promise<boolean> {
  const result = await db
    .insertInto('notices')
    .values({
      id: notice.id,
      library_id: notice.libraryId,
      patron_id: notice.patronId,
      recipient: notice.recipient,
      kind: notice.kind,
      channel: notice.channel,
      language: notice.language,
      status: notice.status,
      idempotency_key: notice.idempotencyKey,
      payload: notice.payload,
      breach_id: notice.breachId,
      attempts: 0,
      next_attempt_at: notice.nextAttemptAt,
      created_at: notice.createdAt,
      ended_at: notice.endedAt,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** The idempotency keys among these that are taken already (so a plan skips sealing what exists). */
export async function takenKeys(db: Db, keys: readonly string[]): Promise<Set<string>> {
  const taken = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db.selectFrom('notices').select('idempotency_key').where('idempotency_key', 'in', keys.slice(i, i + 500)).execute();
    for (const r of rows) taken.add(r.idempotency_key);
  }
  return taken;
}

/**
 * Claims up to `limit` queued notices whose time has come, on the given channels, for `runner` until
 * `until`: on PostgreSQL rows another transaction is claiming are skipped (FOR UPDATE SKIP LOCKED), so
 * two processes never claim the same notice; SQLite has one writer at a time. A claim whose holder died
 * lapses at its `claimed_until`.
 */
export async function claimDueNotices(db: Db, input: { now: string; runner: string; until: string; limit: number; channels: readonly string[] }): Promise<NoticeRow[]> {
  if (input.channels.length === 0) return [];
  let candidates = db
    .selectFrom('notices')
    .select('id')
    .where('status', '=', 'queued')
    .where('channel', 'in', input.channels)
    .where('next_attempt_at', '<=', input.now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', input.now)]))
    .orderBy('next_attempt_at')
    .limit(input.limit);
  if (engineOf(db) === 'postgres') candidates = candidates.forUpdate().skipLocked();
  const ids = (await candidates.execute()).map((r) => r.id);
  if (ids.length === 0) return [];
  await db.updateTable('notices').set({ claimed_by: input.runner, claimed_until: input.until }).where('id', 'in', ids).execute();
  const rows = (await db.selectFrom('notices').select(COLUMNS).where('id', 'in', ids).execute()) as Selected[];
  return rows.map(toRow);
}

/** Marks a claimed notice sent and forgets what it said. Nothing happens when the claim is no longer the runner's. */
export async function markSent(db: Db, id: string, runner: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('notices')
    .set({ status: 'sent', sent_at: at, ended_at: at, payload: null, error_code: null, claimed_by: null, claimed_until: null })
    .where('id', '=', id)
    .where('claimed_by', '=', runner)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Puts a claimed notice back in the queue for a later try (a temporary failure). */
export async function markRetry(db: Db, id: string, runner: string, nextAt: string, code: string): Promise<boolean> {
  const r = await db
    .updateTable('notices')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: nextAt, error_code: code, claimed_by: null, claimed_until: null }))
    .where('id', '=', id)
    .where('claimed_by', '=', runner)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Ends a notice that will not be sent: `failed` (kept, with what it says, for staff to retry) or
 * `cancelled` (what it was about is over: forgotten). `runner` null: the notice need not be claimed.
 */
export async function markEnded(db: Db, id: string, runner: string | null, status: 'failed' | 'cancelled', at: string, code: string | null): Promise<boolean> {
  let query = db
    .updateTable('notices')
    .set((eb) => ({
      status,
      ended_at: at,
      error_code: code,
      claimed_by: null,
      claimed_until: null,
      attempts: eb('attempts', '+', status === 'failed' ? 1 : 0),
      ...(status === 'cancelled' ? { payload: null } : {}),
    }))
    .where('id', '=', id)
    .where('status', '=', 'queued');
  if (runner !== null) query = query.where('claimed_by', '=', runner);
  return Number((await query.executeTakeFirst()).numUpdatedRows) > 0;
}

/** Queues a failed notice again, at once (staff asked to retry). */
export async function requeue(db: Db, id: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('notices')
    .set({ status: 'queued', next_attempt_at: at, ended_at: null, error_code: null, claimed_by: null, claimed_until: null, attempts: 0 })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Marks letters posted (staff printed and sent them) and forgets what they said. */
export async function markPosted(db: Db, id: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('notices')
    .set({ status: 'posted', sent_at: at, ended_at: at, payload: null })
    .where('id', '=', id)
    .where('status', '=', 'letter')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function findNotice(db: Db, id: string): Promise<NoticeRow | undefined> {
  const row = (await db.selectFrom('notices').select(COLUMNS).where('id', '=', id).executeTakeFirst()) as Selected | undefined;
  return row ? toRow(row) : undefined;
}

/** A library's notices, newest first, optionally of some statuses or kinds only. */
export async function listNotices(db: Db, input: { libraryId: string; statuses?: readonly string[]; kinds?: readonly string[]; breachId?: string; limit: number }): Promise<NoticeRow[]> {
  let query = db.selectFrom('notices').select(COLUMNS).where('library_id', '=', input.libraryId);
  if (input.statuses && input.statuses.length > 0) query = query.where('status', 'in', input.statuses);
  if (input.kinds && input.kinds.length > 0) query = query.where('kind', 'in', input.kinds);
  if (input.breachId !== undefined) query = query.where('breach_id', '=', input.breachId);
  const rows = (await query.orderBy('created_at', 'desc').orderBy('id').limit(input.limit).execute()) as Selected[];
  return rows.map(toRow);
}

/** A patron's notices (as the recipient), newest first. */
export async function noticesOfPatron(db: Db, patronId: string): Promise<NoticeRow[]> {
  const rows = (await db.selectFrom('notices').select(COLUMNS).where('patron_id', '=', patronId).orderBy('created_at', 'desc').orderBy('id').execute()) as Selected[];
  return rows.map(toRow);
}

/** How many notices of a library are in each status (for the office and the audit report). */
export async function countNotices(db: Db, libraryId: string): Promise<{ kind: string; channel: string; status: string; count: number }[]> {
  const rows = await db
    .selectFrom('notices')
    .select(['kind', 'channel', 'status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('library_id', '=', libraryId)
    .groupBy(['kind', 'channel', 'status'])
    .execute();
  return rows.map((r) => ({ kind: r.kind, channel: r.channel, status: r.status, count: Number(r.n) }));
}

/** How many of each breach's notices are in each status, by breach. */
export async function breachNoticeCounts(db: Db, libraryId: string): Promise<Map<string, Record<string, number>>> {
  const rows = await db
    .selectFrom('notices')
    .select(['breach_id', 'status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('library_id', '=', libraryId)
    .where('breach_id', 'is not', null)
    .groupBy(['breach_id', 'status'])
    .execute();
  const counts = new Map<string, Record<string, number>>();
  for (const r of rows) counts.set(r.breach_id as string, { ...(counts.get(r.breach_id as string) ?? {}), [r.status]: Number(r.n) });
  return counts;
}

/** A library's failed notices that still hold what they say (those a retry can send). */
export async function retryableFailedIds(db: Db, libraryId: string): Promise<{ id: string; patronId: string; kind: string }[]> {
  const rows = await db.selectFrom('notices').select(['id', 'patron_id', 'kind']).where('library_id', '=', libraryId).where('status', '=', 'failed').where('payload', 'is not', null).execute();
  return rows.map((r) => ({ id: r.id, patronId: r.patron_id, kind: r.kind }));
}

/** Deletes a patron's notices (the patron's record is deleted). */
export async function deleteNoticesOfPatron(db: Db, patronId: string): Promise<void> {
  await db.deleteFrom('notices').where('patron_id', '=', patronId).execute();
}

/** Deletes ended notices (retention). */
export async function deleteNotices(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('notices').where('id', 'in', ids).execute();
}

// ── Templates ────────────────────────────────────────────────────────────────────────────────────

export interface TemplateRow {
  kind: string;
  language: string;
  subject: string;
  body: string;
  updatedAt: string;
}

export async function listTemplates(db: Db, libraryId: string): Promise<TemplateRow[]> {
  const rows = await db.selectFrom('notice_templates').select(['kind', 'language', 'subject', 'body', 'updated_at']).where('library_id', '=', libraryId).execute();
  return rows.map((r) => ({ kind: r.kind, language: r.language, subject: r.subject, body: r.body, updatedAt: iso(r.updated_at) as string }));
}

export async function upsertTemplate(db: Db, libraryId: string, t: TemplateRow): Promise<void> {
  await db
    .insertInto('notice_templates')
    .values({ library_id: libraryId, kind: t.kind, language: t.language, subject: t.subject, body: t.body, updated_at: t.updatedAt })
    .onConflict((oc) => oc.columns(['library_id', 'kind', 'language']).doUpdateSet({ subject: t.subject, body: t.body, updated_at: t.updatedAt }))
    .execute();
}

export async function deleteTemplate(db: Db, libraryId: string, kind: string, language: string): Promise<boolean> {
  const r = await db.deleteFrom('notice_templates').where('library_id', '=', libraryId).where('kind', '=', kind).where('language', '=', language).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// ── Settings ─────────────────────────────────────────────────────────────────────────────────────

export async function findNoticeSettings(db: Db, libraryId: string): Promise<{ settings: string; announcedPolicy: string | null } | undefined> {
  const row = await db.selectFrom('notice_settings').select(['settings', 'announced_policy']).where('library_id', '=', libraryId).executeTakeFirst();
  return row ? { settings: row.settings, announcedPolicy: row.announced_policy } : undefined;
}

export async function saveNoticeSettings(db: Db, libraryId: string, settings: string, at: string): Promise<void> {
  await db
    .insertInto('notice_settings')
    .values({ library_id: libraryId, settings, announced_policy: null, updated_at: at })
    .onConflict((oc) => oc.column('library_id').doUpdateSet({ settings, updated_at: at }))
    .execute();
}

/** Records the policy version patrons were told of; answers false when another run recorded it first. */
export async function setAnnouncedPolicy(db: Db, libraryId: string, previous: string | null, next: string, at: string): Promise<boolean> {
  const existing = await findNoticeSettings(db, libraryId);
  if (!existing) {
    const r = await db
      .insertInto('notice_settings')
      .values({ library_id: libraryId, settings: '{}', announced_policy: next, updated_at: at })
      .onConflict((oc) => oc.column('library_id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
  let query = db.updateTable('notice_settings').set({ announced_policy: next, updated_at: at }).where('library_id', '=', libraryId);
  query = previous === null ? query.where('announced_policy', 'is', null) : query.where('announced_policy', '=', previous);
  return Number((await query.executeTakeFirst()).numUpdatedRows) > 0;
}

// ── Breaches ─────────────────────────────────────────────────────────────────────────────────────

export interface BreachRow {
  id: string;
  libraryId: string;
  occurredOn: string;
  discoveredOn: string;
  categories: string[];
  scope: 'all' | 'listed';
  description: string;
  actions: string;
  recordedBy: string;
  recordedAt: string;
  patronsAffected: number;
  noticesQueued: number;
  letters: number;
}

export async function insertBreach(db: Db, b: BreachRow): Promise<void> {
  await db
    .insertInto('breaches')
    .values({
      id: b.id,
      library_id: b.libraryId,
      occurred_on: b.occurredOn,
      discovered_on: b.discoveredOn,
      categories: JSON.stringify(b.categories),
      scope: b.scope,
      description: b.description,
      actions: b.actions,
      recorded_by: b.recordedBy,
      recorded_at: b.recordedAt,
      patrons_affected: b.patronsAffected,
      notices_queued: b.noticesQueued,
      letters: b.letters,
    })
    .execute();
}

/** Adds a page's counts to a breach's (in SQL: two pages at once cannot lose each other's). */
export async function addBreachCounts(db: Db, id: string, counts: { patronsAffected: number; noticesQueued: number; letters: number }): Promise<void> {
  await db
    .updateTable('breaches')
    .set((eb) => ({
      patrons_affected: eb('patrons_affected', '+', counts.patronsAffected),
      notices_queued: eb('notices_queued', '+', counts.noticesQueued),
      letters: eb('letters', '+', counts.letters),
    }))
    .where('id', '=', id)
    .execute();
}

/** A library's breach, by id. */
export async function findBreach(db: Db, libraryId: string, id: string): Promise<BreachRow | undefined> {
  return (await breachesOf(db, libraryId, id))[0];
}

export function listBreaches(db: Db, libraryId: string): Promise<BreachRow[]> {
  return breachesOf(db, libraryId);
}

async function breachesOf(db: Db, libraryId: string, id?: string): Promise<BreachRow[]> {
  let query = db.selectFrom('breaches').selectAll().where('library_id', '=', libraryId);
  if (id !== undefined) query = query.where('id', '=', id);
  const rows = await query.orderBy('recorded_at', 'desc').execute();
  return rows.map((r) => ({
    id: r.id,
    libraryId: r.library_id,
    occurredOn: r.occurred_on,
    discoveredOn: r.discovered_on,
    categories: JSON.parse(r.categories) as string[],
    scope: r.scope as BreachRow['scope'],
    description: r.description,
    actions: r.actions,
    recordedBy: r.recorded_by,
    recordedAt: iso(r.recorded_at) as string,
    patronsAffected: Number(r.patrons_affected),
    noticesQueued: Number(r.notices_queued),
    letters: Number(r.letters),
  }));
}

// ── What a day's plan reads ──────────────────────────────────────────────────────────────────────

/** A patron's choices about notices. */
export interface NoticePrefs {
  patronId: string;
  libraryId: string;
  channel: string;
  language: string | null;
  mailingsOff: boolean;
  status: string;
}

const PREF_COLUMNS = ['id', 'library_id', 'notice_channel', 'notice_language', 'mailings_off_since', 'status'] as const;

function prefsOfRow(r: { id: string; library_id: string; notice_channel: string; notice_language: string | null; mailings_off_since: string | null; status: string }): NoticePrefs {
  return { patronId: r.id, libraryId: r.library_id, channel: r.notice_channel, language: r.notice_language, mailingsOff: r.mailings_off_since !== null, status: r.status };
}

/** The notice choices of these patrons. */
export async function noticePrefs(db: Db, patronIds: readonly string[]): Promise<Map<string, NoticePrefs>> {
  const prefs = new Map<string, NoticePrefs>();
  for (let i = 0; i < patronIds.length; i += 500) {
    const rows = await db
      .selectFrom('patrons')
      .select(PREF_COLUMNS)
      .where('id', 'in', patronIds.slice(i, i + 500))
      .execute();
    for (const r of rows) prefs.set(r.id, prefsOfRow(r));
  }
  return prefs;
}

/** A loan as a day's plan reads it. */
export type PlannedLoan = { loanId: string; patronId: string; itemId: string; dueAt: string };

/** Loans of a library with a status whose `column` falls in the window (`to` included or not). */
async function loansInWindow(db: Db, libraryId: string, status: 'active' | 'lost', column: 'due_at' | 'ended_at', from: string, to: string, toIncluded: boolean): Promise<PlannedLoan[]> {
  const rows = await db
    .selectFrom('loans')
    .select(['id', 'patron_id', 'item_id', 'due_at'])
    .where('library_id', '=', libraryId)
    .where('status', '=', status)
    .where(column, '>=', from)
    .where(column, toIncluded ? '<=' : '<', to)
    .orderBy('patron_id')
    .orderBy('due_at')
    .execute();
  return rows.map((r) => ({ loanId: r.id, patronId: r.patron_id, itemId: r.item_id, dueAt: iso(r.due_at) as string }));
}

/** Active loans of a library due in [from, to): who has how many, due when. */
export function activeLoansDueBetween(db: Db, libraryId: string, from: string, to: string): Promise<PlannedLoan[]> {
  return loansInWindow(db, libraryId, 'active', 'due_at', from, to, false);
}

/**
 * Loans of a library declared lost in [from, to] (long overdue, or by staff). `to` is the plan's own
 * instant and is included: a loan billed as lost at that very instant (the long-overdue job and the plan
 * run in one tick, or both with one `--as-of`) is told today, not a day late.
 */
export function loansLostBetween(db: Db, libraryId: string, from: string, to: string): Promise<PlannedLoan[]> {
  return loansInWindow(db, libraryId, 'lost', 'ended_at', from, to, true);
}

/** Active patrons of a library whose card expires in [from, to). */
export async function patronsExpiringBetween(db: Db, libraryId: string, from: string, to: string): Promise<{ patronId: string; expiresAt: string }[]> {
  const rows = await db
    .selectFrom('patrons')
    .select(['id', 'expires_at'])
    .where('library_id', '=', libraryId)
    .where('status', '=', 'active')
    .where('expires_at', '>=', from)
    .where('expires_at', '<', to)
    .execute();
  return rows.map((r) => ({ patronId: r.id, expiresAt: iso(r.expires_at) as string }));
}

/** The guardians (their patron ids) of these minors, by minor, where the link is live. */
export async function guardiansOfMinors(db: Db, minorIds: readonly string[]): Promise<Map<string, string[]>> {
  const byMinor = new Map<string, string[]>();
  for (let i = 0; i < minorIds.length; i += 500) {
    const rows = await db
      .selectFrom('guardian_links')
      .select(['minor_patron_id', 'guardian_patron_id'])
      .where('minor_patron_id', 'in', minorIds.slice(i, i + 500))
      .where('ended_at', 'is', null)
      .execute();
    for (const r of rows) byMinor.set(r.minor_patron_id, [...(byMinor.get(r.minor_patron_id) ?? []), r.guardian_patron_id]);
  }
  return byMinor;
}

/**
 * A page of a library's patrons (by id, after `afterId`), with their notice choices: `withEmail` keeps
 * only those with an email address on file (a blind index of one exists), for policy-change mailings.
 */
export async function patronPage(db: Db, input: { libraryId: string; afterId: string | null; limit: number; withEmail?: boolean; ids?: readonly string[] }): Promise<NoticePrefs[]> {
  let query = db
    .selectFrom('patrons')
    .select(PREF_COLUMNS)
    .where('library_id', '=', input.libraryId)
    .where('status', 'in', ['active', 'expired', 'blocked']);
  if (input.afterId !== null) query = query.where('id', '>', input.afterId);
  if (input.ids) query = query.where('id', 'in', input.ids.length > 0 ? input.ids : ['']);
  if (input.withEmail)
    query = query.where((eb) => eb.exists(eb.selectFrom('patron_search').select(sql<number>`1`.as('one')).whereRef('patron_search.patron_id', '=', 'patrons.id').where('patron_search.kind', '=', 'email')));
  const rows = await query.orderBy('id').limit(input.limit).execute();
  return rows.map(prefsOfRow);
}

/** Sets a patron's notice language (null: the library's). */
export async function setNoticeLanguage(db: Db, patronId: string, language: string | null, at: string): Promise<void> {
  await db.updateTable('patrons').set({ notice_language: language, updated_at: at }).where('id', '=', patronId).execute();
}

/** Unsubscribes (or resubscribes, with null) a patron from mailings. */
export async function setMailingsOff(db: Db, patronId: string, since: string | null): Promise<boolean> {
  const r = await db.updateTable('patrons').set({ mailings_off_since: since }).where('id', '=', patronId).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
