/**
 * Written complaints (JC-VIII): received, due for the director's answer, answered. A named patron's
 * summary and answer are stored sealed (the use case seals them); an anonymous complaint has a topic only.
 */
import type { Db } from './database.js';
import type { ComplaintsTable } from './schema.js';

export interface StoredComplaint {
  id: string;
  libraryId: string;
  patronId: string | null;
  receivedAt: string;
  receivedBy: string;
  channel: string;
  topic: string;
  /** Sealed text, or null. */
  summary: string | null;
  dueAt: string;
  answeredAt: string | null;
  answeredBy: string | null;
  /** Sealed text, or null. */
  answerSummary: string | null;
}

function toComplaint(row: ComplaintsTable): StoredComplaint {
  return {
    id: row.id,
    libraryId: row.library_id,
    patronId: row.patron_id,
    receivedAt: row.received_at,
    receivedBy: row.received_by,
    channel: row.channel,
    topic: row.topic,
    summary: row.summary,
    dueAt: row.due_at,
    answeredAt: row.answered_at,
    answeredBy: row.answered_by,
    answerSummary: row.answer_summary,
  };
}

export async function insertComplaint(db: Db, c: StoredComplaint): Promise<void> {
  await db
    .insertInto('complaints')
    .values({
      id: c.id,
      library_id: c.libraryId,
      patron_id: c.patronId,
      received_at: c.receivedAt,
      received_by: c.receivedBy,
      channel: c.channel,
      topic: c.topic,
      summary: c.summary,
      due_at: c.dueAt,
      answered_at: c.answeredAt,
      answered_by: c.answeredBy,
      answer_summary: c.answerSummary,
    })
    .execute();
}

export async function findComplaint(db: Db, id: string): Promise<StoredComplaint | undefined> {
  const row = await db.selectFrom('complaints').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toComplaint(row);
}

/** Records the answer of a complaint not yet answered; false when it already was. */
export async function answerComplaint(db: Db, id: string, answer: { at: string; by: string; summary: string | null }): Promise<boolean> {
  const result = await db
    .updateTable('complaints')
    .set({ answered_at: answer.at, answered_by: answer.by, answer_summary: answer.summary })
    .where('id', '=', id)
    .where('answered_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** A library's complaints, newest first (unanswered only with `open`). */
export async function complaintsOfLibrary(db: Db, libraryId: string, options: { open: boolean; limit: number }): Promise<StoredComplaint[]> {
  let query = db.selectFrom('complaints').selectAll().where('library_id', '=', libraryId);
  if (options.open) query = query.where('answered_at', 'is', null);
  const rows = await query.orderBy('received_at', 'desc').orderBy('id').limit(options.limit).execute();
  return rows.map(toComplaint);
}

/**
 * Complaints of a library (or every library) for the transparency report: received and answered in
 * [from, to), and those due in [from, overdueBy) that were not answered by their due date.
 */
export async function complaintCounts(
  db: Db,
  options: { libraryId: string | null; from: string; to: string; overdueBy: string },
): Promise<{ received: number; answered: number; overdue: number }> {
  const { libraryId } = options;
  const count = async (column: 'received_at' | 'answered_at') => {
    const row = await db
      .selectFrom('complaints')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(column, '>=', options.from)
      .where(column, '<', options.to)
      .$if(libraryId !== null, (q) => q.where('library_id', '=', libraryId as string))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const overdue = await db
    .selectFrom('complaints')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('due_at', '>=', options.from)
    .where('due_at', '<', options.overdueBy)
    .where((eb) => eb.or([eb('answered_at', 'is', null), eb('answered_at', '>', eb.ref('due_at'))]))
    .$if(libraryId !== null, (q) => q.where('library_id', '=', libraryId as string))
    .executeTakeFirstOrThrow();
  return { received: await count('received_at'), answered: await count('answered_at'), overdue: Number(overdue.n) };
}

/** A deleted patron's complaints stay, as topics only: their sealed text could not be opened any more. */
export async function forgetComplaintPatron(db: Db, patronId: string): Promise<void> {
  await db.updateTable('complaints').set({ patron_id: null, summary: null, answer_summary: null }).where('patron_id', '=', patronId).execute();
}

/** The complaints a patron made, oldest first. */
export async function complaintsOfPatron(db: Db, patronId: string): Promise<StoredComplaint[]> {
  const rows = await db.selectFrom('complaints').selectAll().where('patron_id', '=', patronId).orderBy('received_at').orderBy('id').execute();
  return rows.map(toComplaint);
}
