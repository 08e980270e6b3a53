/**
 * Reading written complaints (JC-VIII): the view of one complaint with its sealed texts opened or left
 * shut, and a patron's own complaints for their record. The recording and answering use cases are in
 * complaint.usecases.ts; a patron's export and a legal disclosure read complaints through this module.
 */
import * as complaints from '../storage/complaint.repository.js';
import type { StoredComplaint } from '../storage/complaint.repository.js';
import type { ComplaintEntry } from '../domain/patron-document.js';
import type { Context } from './context.js';

/**
 * A complaint as the director sees it: the stored complaint with its texts opened (`summary`,
 * `answerSummary` in the clear), `overdue` when unanswered past its due date, and whether it holds a
 * summary and an answer summary at all. In a list the texts are not opened (both null there): the flags
 * say what one complaint's own read (getComplaint, logged) would show.
 */
export type ComplaintView = StoredComplaint & { overdue: boolean; hasSummary: boolean; hasAnswerSummary: boolean };

/** Whether a complaint was not answered by its due date (as of `now`). */
export function isOverdue(c: Pick<StoredComplaint, 'dueAt' | 'answeredAt'>, now: Date): boolean {
  const due = Date.parse(c.dueAt);
  return c.answeredAt === null ? due < now.getTime() : Date.parse(c.answeredAt) > due;
}

function flags(c: StoredComplaint, now: Date): { overdue: boolean; hasSummary: boolean; hasAnswerSummary: boolean } {
  return { overdue: isOverdue(c, now), hasSummary: c.patronId !== null && c.summary !== null, hasAnswerSummary: c.patronId !== null && c.answerSummary !== null };
}

/**
 * One complaint with a named patron's summary and answer opened from under their data key; the caller
 * logs the read when there was sealed text to open.
 */
export async function openedComplaint(ctx: Context, c: StoredComplaint): Promise<ComplaintView> {
  const open = (sealed: string | null) => (sealed === null || c.patronId === null ? Promise.resolve(null) : ctx.vault.open(c.patronId, 'complaint', sealed));
  return { ...c, summary: await open(c.summary), answerSummary: await open(c.answerSummary), ...flags(c, ctx.now) };
}

/** A complaint in a list: nothing opened, so nothing of the patron's is read (the flags say what there is to open). */
export function listedComplaint(ctx: Context, c: StoredComplaint): ComplaintView {
  return { ...c, summary: null, answerSummary: null, ...flags(c, ctx.now) };
}

/**
 * A patron's own complaints, opened, for their record (CB-A8, JC-IVb): what they wrote, when it is due,
 * the answer. No permission of its own: the caller has already been allowed to read the record.
 */
export async function complaintsOf(ctx: Context, patronId: string): Promise<ComplaintEntry[]> {
  const mine = await complaints.complaintsOfPatron(ctx.trx, patronId);
  return Promise.all(
    mine.map(async (c) => {
      // The patron's own record (and an export of it) shows the texts themselves; the flags are the list's.
      const { receivedBy: _by, answeredBy: _answeredBy, patronId: _patron, hasSummary: _s, hasAnswerSummary: _a, ...shown } = await openedComplaint(ctx, c);
      return shown;
    }),
  );
}
