import { DateTime } from 'luxon';
import { parseInstant } from '../domain/clock.js';
import { ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import type { RecordSeries, SeriesDisposal } from '../domain/record-series.js';
import type { Library } from '../domain/types.js';
import { profiles } from '../profile/profiles.js';
import { translator } from '../i18n/messages.js';
import { seriesWords } from '../report/inventory-words.js';
import { checkDisposal, seriesDue, type SeriesDueReason } from '../policy/record-series.policy.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import { requirePermission } from './authorization.js';
import * as libraries from '../storage/library.repository.js';
import * as register from '../storage/record-series.repository.js';
import { newId, type Context } from './context.js';

/**
 * The register of records kept outside Carrel (security-camera footage CB-H / RF-9, paper sign-up sheets
 * JC-III): which series exist, how long each may be kept, what is due for disposal, and who confirmed
 * that it was destroyed. Nothing here is about a patron, so no access-log row is written; changes to the
 * register are administrative and need an administrator.
 */

/** How a series stands, as the API and the CLI show it. */
export type SeriesView = Omit<RecordSeries, 'id' | 'libraryId'> & {
  lastDisposal: { disposedThrough: string; method: string; confirmedBy: string; confirmedAt: string } | null;
  due: { status: 'due' | 'not-due'; dueThrough: string; overdueSince: string | null; reason: SeriesDueReason };
};

export interface SyncReport {
  libraryId: string;
  profileId: string;
  /** Codes of series the profile declares that the register lacked. */
  inserted: string[];
  /** Codes of profile series whose name, medium, retention or clause followed a profile change. */
  updated: string[];
  unchanged: string[];
  /**
   * Codes of profile series the profile no longer declares. They are kept: the records still exist
   * outside Carrel until someone destroys them, and their confirmations are the proof it was done.
   */
  notInProfile: string[];
  /** Codes the profile declares that an operator had already added; the operator's row is left as is. */
  heldByOperator: string[];
}

export interface AddSeriesInput {
  libraryId: string;
  code: string;
  name: string;
  medium: string;
  location?: string | null;
  retentionDays: number;
  clause?: string | null;
}

export interface ConfirmDisposalInput {
  libraryId: string;
  code: string;
  /** An ISO-8601 instant with an offset, or a date YYYY-MM-DD (through the end of that day, library time). */
  disposedThrough: string;
  /** How it was destroyed (overwritten by the recorder, shredded…). */
  method?: string;
}

const SERIES_CODE = /^[a-z0-9][a-z0-9-]{1,62}$/;
const CLAUSE = /^[A-Z]{2,6}-[A-Za-z0-9][A-Za-z0-9-]*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 36_500;
const DEFAULT_METHOD = 'destroyed';

function requireAdmin(ctx: Context): void {
  requirePermission(ctx, 'records.manage');
}

/** The library, if the actor may reach it; otherwise LIBRARY_NOT_FOUND (as requireLibrary answers). */
async function reachableLibrary(ctx: Context, libraryId: string): Promise<Library> {
  const library = await libraries.findLibrary(ctx.trx, libraryId);
  if (!library || !canReachLibrary(ctx.actor, library.id).allowed) throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'library');
  return library;
}

function view(series: RecordSeries, last: SeriesDisposal | undefined, now: Date): SeriesView {
  const decision = seriesDue(series, last?.disposedThrough ?? null, now);
  return {
    code: series.code,
    name: series.name,
    medium: series.medium,
    location: series.location,
    retentionDays: series.retentionDays,
    clause: series.clause,
    fromProfile: series.fromProfile,
    createdAt: series.createdAt,
    lastDisposal: last ? { disposedThrough: last.disposedThrough, method: last.method, confirmedBy: last.confirmedBy, confirmedAt: last.confirmedAt } : null,
    due: {
      status: decision.status,
      dueThrough: decision.dueThrough.toISOString(),
      overdueSince: decision.overdueSince?.toISOString() ?? null,
      reason: decision.reason,
    },
  };
}

async function viewsOf(ctx: Context, libraryId: string): Promise<SeriesView[]> {
  const all = await register.listSeries(ctx.trx, libraryId);
  // A library has a handful of series; each latest confirmation is one indexed look-up.
  return Promise.all(all.map(async (s) => view(s, await register.latestDisposal(ctx.trx, s.id), ctx.now)));
}

/**
 * Makes the library's register hold every series its policy profile declares (CB-H, RF-9, JC-III…):
 * missing ones are added, profile series follow a changed profile (name, medium, retention, clause),
 * and nothing is ever deleted. Idempotent and safe to run concurrently: createLibrary calls it, and the
 * retention engine calls it on every run.
 */
export async function syncProfileSeries(ctx: Context, input: { libraryId: string }): Promise<SyncReport> {
  requireAdmin(ctx);
  const library = await reachableLibrary(ctx, input.libraryId);
  const profile = profiles().get(library.profileId);
  const existing = new Map((await register.listSeries(ctx.trx, library.id)).map((s) => [s.code, s]));
  const report: SyncReport = { libraryId: library.id, profileId: profile.id, inserted: [], updated: [], unchanged: [], notInProfile: [], heldByOperator: [] };
  for (const declared of profile.externalRecords) {
    const wanted = { name: declared.name, medium: declared.medium, retentionDays: declared.days, clause: declared.clause };
    const row = existing.get(declared.code);
    if (!row) {
      const added = await register.insertSeriesIfAbsent(ctx.trx, {
        id: newId(),
        libraryId: library.id,
        code: declared.code,
        location: null,
        fromProfile: true,
        createdAt: ctx.now.toISOString(),
        ...wanted,
      });
      (added ? report.inserted : report.unchanged).push(declared.code);
    } else if (!row.fromProfile) {
      // The operator registered it first; their figures stand until they change them.
      report.heldByOperator.push(declared.code);
    } else if (row.name !== wanted.name || row.medium !== wanted.medium || row.retentionDays !== wanted.retentionDays || row.clause !== wanted.clause) {
      await register.updateSeriesDeclaration(ctx.trx, row.id, wanted);
      report.updated.push(declared.code);
    } else report.unchanged.push(declared.code);
  }
  const declaredCodes = new Set(profile.externalRecords.map((s) => s.code));
  for (const series of existing.values()) if (series.fromProfile && !declaredCodes.has(series.code)) report.notInProfile.push(series.code);
  return report;
}

/** The library's register: every series with its latest confirmation and whether it is due for disposal. */
export async function listSeries(ctx: Context, input: { libraryId: string; language?: string }): Promise<SeriesView[]> {
  const library = await reachableLibrary(ctx, input.libraryId);
  return (await viewsOf(ctx, library.id)).map(wordedIn(input.language));
}

/** Only the series due for disposal now (CB-H, RF-9): what someone must go and destroy. */
export async function dueForDisposal(ctx: Context, input: { libraryId: string; language?: string }): Promise<SeriesView[]> {
  const library = await reachableLibrary(ctx, input.libraryId);
  return (await viewsOf(ctx, library.id)).filter((s) => s.due.status === 'due').map(wordedIn(input.language));
}

/**
 * A series named in the reader's language where Carrel has words for one the shipped profiles declare;
 * in English, and for a library's own series, as the register names it.
 */
function wordedIn(language: string | undefined): (series: SeriesView) => SeriesView {
  const tr = translator(language);
  return (series) => ({ ...series, ...seriesWords(tr, series) });
}

/**
 * Adds a series the profile does not declare (an operator's own records, such as a branch's paper
 * sign-up sheets). Every problem with the input is answered at once; a refused request adds nothing.
 */
export async function addSeries(ctx: Context, input: AddSeriesInput): Promise<SeriesView> {
  requireAdmin(ctx);
  const library = await reachableLibrary(ctx, input.libraryId);
  const name = input.name.trim();
  const medium = input.medium.trim();
  const location = input.location?.trim() || null;
  const clause = input.clause?.trim() || null;
  const problems: Problem[] = [];
  if (!SERIES_CODE.test(input.code)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A series code is 2–63 lower-case letters, digits or hyphens.', field: 'code' });
  if (name === '' || name.length > 200) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A series needs a name of at most 200 characters.', field: 'name' });
  if (medium === '' || medium.length > 100) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'Say what the records are on (at most 100 characters).', field: 'medium' });
  if (location !== null && location.length > 200) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A location is at most 200 characters.', field: 'location' });
  if (!Number.isInteger(input.retentionDays) || input.retentionDays < 0 || input.retentionDays > MAX_DAYS)
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `Retention is a whole number of days from 0 to ${MAX_DAYS}.`, field: 'retentionDays' });
  if (clause !== null && !CLAUSE.test(clause)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A clause is written like CB-H or RF-9.', field: 'clause' });
  refuseAll(problems);
  // Checked before inserting: on PostgreSQL a failed insert would abort the transaction.
  if (await register.findSeries(ctx.trx, library.id, input.code)) throw refuse(ErrorCode.RECORD_SERIES_EXISTS, 'The register already has a series with that code.', 'code');
  const series: RecordSeries = {
    id: newId(),
    libraryId: library.id,
    code: input.code,
    name,
    medium,
    location,
    retentionDays: input.retentionDays,
    clause,
    fromProfile: false,
    createdAt: ctx.now.toISOString(),
  };
  await register.insertSeries(ctx.trx, series);
  return view(series, undefined, ctx.now);
}

/**
 * The instant a confirmation reaches: an ISO-8601 instant as given, or for a date the end of that day in
 * the library's time zone (everything recorded on or before that day is gone).
 */
function throughInstant(text: string, library: Library): Date | undefined {
  if (ISO_DATE.test(text)) {
    const day = DateTime.fromISO(text, { zone: library.timeZone });
    return day.isValid ? day.plus({ days: 1 }).startOf('day').toJSDate() : undefined;
  }
  return parseInstant(text);
}

/**
 * Records that everything of a series recorded before `disposedThrough` has been destroyed (CB-H, RF-9),
 * with who confirmed it and when. Refused if it reaches into the future (DISPOSAL_IN_FUTURE) or behind
 * the latest confirmation (DISPOSAL_BEFORE_LAST_CONFIRMATION): the register only moves forward.
 */
export async function confirmDisposal(ctx: Context, input: ConfirmDisposalInput): Promise<{ disposal: SeriesDisposal; series: SeriesView }> {
  requireAdmin(ctx);
  const library = await reachableLibrary(ctx, input.libraryId);
  const method = input.method?.trim() || DEFAULT_METHOD;
  if (method.length > 200) throw refuse(ErrorCode.VALIDATION_FAILED, 'A method is at most 200 characters.', 'method');
  const through = throughInstant(input.disposedThrough, library);
  if (!through) throw refuse(ErrorCode.INVALID_DATE, 'Give a date (YYYY-MM-DD) or an ISO-8601 instant with an offset.', 'disposedThrough');
  const series = await register.findSeriesForUpdate(ctx.trx, library.id, input.code);
  if (!series) throw refuse(ErrorCode.RECORD_SERIES_NOT_FOUND, 'The register has no series with that code.', 'code');
  const last = await register.latestDisposal(ctx.trx, series.id);
  const refusal = checkDisposal(through, last?.disposedThrough ?? null, ctx.now);
  if (refusal === 'in-future') throw refuse(ErrorCode.DISPOSAL_IN_FUTURE, 'Records not yet made cannot have been destroyed: confirm through an instant no later than now.', 'disposedThrough');
  if (refusal === 'before-last-confirmation')
    throw refuse(ErrorCode.DISPOSAL_BEFORE_LAST_CONFIRMATION, 'A later disposal of this series is already confirmed.', 'disposedThrough');
  const disposal: SeriesDisposal = {
    id: newId(),
    seriesId: series.id,
    disposedThrough: through.toISOString(),
    method,
    confirmedBy: ctx.actor.id,
    confirmedAt: ctx.now.toISOString(),
  };
  await register.insertDisposal(ctx.trx, disposal);
  return { disposal, series: view(series, disposal, ctx.now) };
}
