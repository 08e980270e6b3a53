/**
 * Written complaints (JC-VIII): any desk records a complaint it is handed; it goes to the director, who
 * answers by a due date. A complaint that names a patron keeps its summary and answer sealed under the
 * patron's data key (they go with the patron); an anonymous one keeps only a topic code.
 */
import { ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import { COMPLAINT_CHANNELS } from '../domain/complaints.js';
import type { Library } from '../domain/types.js';
import { COMPLAINT_ANSWER_DAYS } from '../policy/complaint.policy.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import * as complaints from '../storage/complaint.repository.js';
import type { StoredComplaint } from '../storage/complaint.repository.js';
import { findLibrary } from '../storage/library.repository.js';
import type { StoredPatron } from '../storage/patron.repository.js';
import { requirePermission } from './authorization.js';
import { newId, recordAccess, type Context } from './context.js';
import { listedComplaint, openedComplaint, type ComplaintView } from './complaint-records.js';
import { requirePatronRef } from './patron-access.js';

/** A topic code: what the complaint is about, without personal data (`privacy`, `staff-conduct`…). */
const TOPIC = /^[a-z0-9][a-z0-9-]{1,39}$/;
const TEXT_MAX = 4000;
const DAY_MS = 86_400_000;

export interface RecordComplaintInput {
  libraryId?: string;
  /** The complainant, when they are a patron and give their card or are known by id; absent: anonymous. */
  cardNumber?: string;
  patronId?: string;
  channel: string;
  topic: string;
  /** Free text, only for a named patron (sealed under their key). */
  summary?: string | null;
}

async function reachableLibrary(ctx: Context, libraryId: string | undefined): Promise<Library> {
  const id = libraryId ?? (ctx.actor.kind === 'system' ? undefined : ctx.actor.libraryId ?? undefined);
  const library = id === undefined ? undefined : await findLibrary(ctx.trx, id);
  if (!library || !canReachLibrary(ctx.actor, library.id).allowed) throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'libraryId');
  return library;
}

/** A complaint of a library the actor reaches; anything else is COMPLAINT_NOT_FOUND. */
async function reachableComplaint(ctx: Context, complaintId: string): Promise<StoredComplaint> {
  const complaint = await complaints.findComplaint(ctx.trx, complaintId);
  if (!complaint || !canReachLibrary(ctx.actor, complaint.libraryId).allowed) throw refuse(ErrorCode.COMPLAINT_NOT_FOUND, 'No complaint has that id.', 'complaintId');
  return complaint;
}

/** Whether a complaint holds sealed text (a named patron's summary or answer): reading it is a read of their record. */
function sealedText(c: StoredComplaint): boolean {
  return c.patronId !== null && (c.summary !== null || c.answerSummary !== null);
}

function textProblems(text: string | null | undefined, field: string): Problem[] {
  return text !== undefined && text !== null && text.length > TEXT_MAX ? [{ code: ErrorCode.VALIDATION_FAILED, message: `At most ${TEXT_MAX} characters.`, field }] : [];
}

/**
 * Records a written complaint (clerk and up, JC-VIII): due for the director's answer
 * COMPLAINT_ANSWER_DAYS after it was received. Free text only for a named patron (DETAILS_NEED_PATRON
 * otherwise); the patron's record gets an access-log entry.
 */
export async function recordComplaint(ctx: Context, input: RecordComplaintInput): Promise<ComplaintView> {
  requirePermission(ctx, 'complaints.record');
  const library = await reachableLibrary(ctx, input.libraryId);
  const problems: Problem[] = [];
  if (!(COMPLAINT_CHANNELS as readonly string[]).includes(input.channel))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `The channel is one of ${COMPLAINT_CHANNELS.join(', ')}.`, field: 'channel' });
  if (!TOPIC.test(input.topic)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'The topic is a short code: lower-case letters, digits and hyphens.', field: 'topic' });
  const named = input.cardNumber !== undefined || input.patronId !== undefined;
  const summary = input.summary?.trim() || null;
  if (summary !== null && !named)
    problems.push({ code: ErrorCode.DETAILS_NEED_PATRON, message: 'An anonymous complaint is recorded by its topic only; free text is kept for a named patron.', field: 'summary' });
  problems.push(...textProblems(summary, 'summary'));
  refuseAll(problems);

  let patron: StoredPatron | null = null;
  if (named) patron = await requirePatronRef(ctx, input);
  const complaint: StoredComplaint = {
    id: newId(),
    libraryId: library.id,
    patronId: patron?.id ?? null,
    receivedAt: ctx.now.toISOString(),
    receivedBy: ctx.actor.id,
    channel: input.channel,
    topic: input.topic,
    summary: patron && summary !== null ? await ctx.vault.seal(patron.id, 'complaint', summary) : null,
    dueAt: new Date(ctx.now.getTime() + COMPLAINT_ANSWER_DAYS * DAY_MS).toISOString(),
    answeredAt: null,
    answeredBy: null,
    answerSummary: null,
  };
  await complaints.insertComplaint(ctx.trx, complaint);
  if (patron) await recordAccess(ctx, patron, 'complaint-recorded', ['complaints']);
  return openedComplaint(ctx, complaint);
}

/** The director's answer to a complaint (JC-VIII): once; its summary sealed like the complaint's. */
export async function answerComplaint(ctx: Context, input: { complaintId: string; summary?: string | null }): Promise<ComplaintView> {
  requirePermission(ctx, 'complaints.answer');
  const complaint = await reachableComplaint(ctx, input.complaintId);
  if (complaint.answeredAt !== null) throw refuse(ErrorCode.COMPLAINT_ANSWERED, 'That complaint has already been answered.', 'complaintId');
  const summary = input.summary?.trim() || null;
  const problems = textProblems(summary, 'summary');
  if (summary !== null && complaint.patronId === null)
    problems.push({ code: ErrorCode.DETAILS_NEED_PATRON, message: 'An anonymous complaint’s answer is recorded without free text.', field: 'summary' });
  refuseAll(problems);
  const at = ctx.now.toISOString();
  const sealed = complaint.patronId !== null && summary !== null ? await ctx.vault.seal(complaint.patronId, 'complaint', summary) : null;
  if (!(await complaints.answerComplaint(ctx.trx, complaint.id, { at, by: ctx.actor.id, summary: sealed })))
    throw refuse(ErrorCode.COMPLAINT_ANSWERED, 'That complaint has already been answered.', 'complaintId');
  if (complaint.patronId !== null) await recordAccess(ctx, { id: complaint.patronId, libraryId: complaint.libraryId }, 'complaint-answered', ['complaints']);
  return openedComplaint(ctx, { ...complaint, answeredAt: at, answeredBy: ctx.actor.id, answerSummary: sealed });
}

/**
 * A library's complaints, newest first (the director), each flagged `overdue` when unanswered past its
 * due date. No sealed text is opened here (`summary` and `answerSummary` are null, `hasSummary` and
 * `hasAnswerSummary` say whether there is one), so listing reads no patron's record and logs nothing:
 * the director opens one complaint at a time (getComplaint), and that read is logged.
 */
export async function listComplaints(ctx: Context, input: { libraryId?: string; open?: boolean; limit?: number }): Promise<ComplaintView[]> {
  requirePermission(ctx, 'complaints.answer');
  const library = await reachableLibrary(ctx, input.libraryId);
  const list = await complaints.complaintsOfLibrary(ctx.trx, library.id, { open: input.open === true, limit: Math.min(Math.max(input.limit ?? 100, 1), 500) });
  return list.map((c) => listedComplaint(ctx, c));
}

/**
 * One complaint with its texts opened (the director). Opening a named patron's summary or answer is a
 * read of their record, and is logged (`complaint-read`); an anonymous complaint has nothing to open.
 */
export async function getComplaint(ctx: Context, input: { complaintId: string }): Promise<ComplaintView> {
  requirePermission(ctx, 'complaints.answer');
  const complaint = await reachableComplaint(ctx, input.complaintId);
  const shown = await openedComplaint(ctx, complaint);
  if (complaint.patronId !== null && sealedText(complaint)) await recordAccess(ctx, { id: complaint.patronId, libraryId: complaint.libraryId }, 'complaint-read', ['complaints']);
  return shown;
}
