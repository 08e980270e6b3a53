/**
 * Retention as use cases: each applies the checkers' decisions to one bounded page of records in its own
 * short transaction, and adds what it disposed of to the run's receipt in that same transaction, so a
 * killed run leaves every page either wholly done and counted or untouched. Also the patron's side:
 * opting in to reading history and out of it (which deletes it at once, JC-IIIc).
 */
import { nextAgeBand } from '../domain/patron.rules.js';
import { ErrorCode, refuse } from '../domain/errors.js';
import type { EndedRecords } from '../domain/records.js';
import type { Library } from '../domain/types.js';
import { SERVICE_CATEGORY } from '../policy/inventory.js';
import type { Profile } from '../policy/profile.schema.js';
import { profiles } from '../profile/profiles.js';
import { translator } from '../i18n/messages.js';
import { receiptWords } from '../report/inventory-words.js';
import {
  describeRule,
  daysBefore,
  ENDED_RECORD_CATEGORIES,
  loanCutoff,
  loanRetention,
  sharedLoanRetention,
  monthsBefore,
  patronRetention,
  RETENTION_CATEGORIES,
  vendorAuthorisationRetention,
  vendorAuthorisationRule,
  type Decision,
  type EndedCategory,
  type EndedRecordCategory,
  type RetentionCategory,
} from '../policy/retention.policy.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import { heldBy, NO_HOLDS, patronUnderHold, type HeldPatrons } from '../policy/legal-hold.policy.js';
import type { RecordCategory } from '../policy/inventory.js';
import { liveHeldPatrons } from '../storage/legal-hold.repository.js';
import { requirePermission } from './authorization.js';
import { findLibrary, listLibraries } from '../storage/library.repository.js';
import { deletePatronRows, endGuardianLinksOfMinor } from '../storage/patron.repository.js';
import * as retention from '../storage/retention.repository.js';
import { deleteNotices } from '../storage/notice.repository.js';
import { deleteGrant, grantIdsOf } from '../storage/oidc-store.repository.js';
import { deleteAuthorisation, staleAuthorisations } from '../storage/vendor.repository.js';
import { closeServiceRecord, serviceRecordsOfPatron } from '../storage/service-record.repository.js';
import { localDay } from '../domain/clock.js';
import {
  addServiceStats,
  markServicesCounted,
  NO_BRANCH,
  serviceStatsFacts,
  setServicesCountedThrough,
  uncountedServices,
  type ServiceFacts,
  type ServiceStatsRow,
} from '../storage/statistics.repository.js';
import type { BorrowerFacts, ClosedLoanRow, Cursor, EndedRecord } from '../storage/retention.repository.js';
import { laneChain, libraryLanes, pruneChainPage } from './access-chain.js';
import { flushAccess, markErased, recordAccess, type Context } from './context.js';
import { keepDeletionReceipt } from './deletion-receipts.js';
import { requirePatronRef } from './patron-access.js';

/** What a page did: where the next page starts (null when done), and its counts. */
export interface PageResult {
  next: Cursor | null;
  seen: number;
  disposed: number;
  kept: number;
  /** Of `kept`, the records a legal hold alone kept. */
  held: number;
}

/** A page request: the run it counts towards (null for a dry run, which changes nothing). */
export interface PageInput {
  runId: string | null;
  libraryId: string;
  /** The instant the policy is applied at (the run's as-of). */
  asOf: string;
  cursor: Cursor | null;
  limit: number;
}

/** A library and the profile it applies, or LIBRARY_NOT_FOUND (the retention use cases' first step). */
export async function libraryAndProfile(ctx: Context, libraryId: string): Promise<{ library: Library; profile: Profile }> {
  const library = await findLibrary(ctx.trx, libraryId);
  if (!library) throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'libraryId');
  return { library, profile: profiles().get(library.profileId) };
}

async function receipt(ctx: Context, input: PageInput, profile: Profile, category: RetentionCategory, counts: { disposed: number; kept: number; held: number }): Promise<void> {
  if (input.runId === null) return;
  const at = ctx.now.toISOString();
  await retention.addToReceipt(ctx.trx, input.runId, { category, ...describeRule(profile, category), ...counts, firstAt: at, lastAt: at });
  // A run another one has taken over (its heartbeat had gone stale) stops here; this page rolls back.
  // The owner's lease is renewed on the wall clock, not the run's (an --as-of run's clock stands still).
  if (!(await retention.heartbeat(ctx.trx, input.runId, at, ctx.wallNow.toISOString())))
    throw refuse(ErrorCode.RETENTION_RUN_IN_PROGRESS, 'This retention run was taken over by another; it stops.');
}

function pageEnd<T extends { id: string }>(rows: readonly T[], at: (row: T) => string, limit: number): Cursor | null {
  const last = rows[rows.length - 1];
  return rows.length < limit || last === undefined ? null : { at: at(last), id: last.id };
}

/**
 * The common end of a page: the checker's releases are disposed of (unless this is a dry run) and
 * counted on the run's receipt, in the page's transaction, with what a legal hold kept.
 */
async function settlePage<Row extends { id: string }>(
  ctx: Context,
  input: PageInput,
  profile: Profile,
  category: RetentionCategory,
  page: { rows: readonly Row[]; endOf: (row: Row) => string; decide: (row: Row) => Decision<string>; dispose: (rows: Row[]) => Promise<unknown> },
): Promise<PageResult> {
  const release: Row[] = [];
  let held = 0;
  for (const row of page.rows) {
    const decision = page.decide(row);
    if (decision.dispose) release.push(row);
    else if (decision.reason === 'legal-hold') held++;
  }
  if (input.runId !== null && release.length > 0) await page.dispose(release);
  const counts = { disposed: release.length, kept: page.rows.length - release.length, held };
  await receipt(ctx, input, profile, category, counts);
  return { next: pageEnd(page.rows, page.endOf, input.limit), seen: page.rows.length, ...counts };
}

// ── Statistics ───────────────────────────────────────────────────────────────────────────────────
//
// When things are counted (statistics.usecases.ts states the rule): a loan when it is lent, a
// registration when it is made, a service once it has ended — by the first retention run after its end
// (`countEndedServices`), or when its record is deleted before that run, whichever comes first; never
// when a record is anonymised or disposed of later. Each is counted under the day of that instant, so
// nothing is ever added to a month after it has ended and a run as of a later instant has finished.

/** The library-local calendar day of an instant (domain/clock.ts; re-exported for older importers). */
export { localDay } from '../domain/clock.js';

/**
 * Anonymises complete loans: their rows go and the settled fines on them lose the item (IF-3; invariant 1
 * of DESIGN.md). Statistics counted each loan when it was lent (circulation.usecases.ts `checkout`), so
 * nothing is added here: a month's counts must not change when a loan is anonymised later.
 */
export async function anonymiseLoans(ctx: Context, _library: Pick<Library, 'id' | 'timeZone'>, rows: readonly ClosedLoanRow[]): Promise<void> {
  if (rows.length === 0) return;
  await retention.deleteLoans(ctx.trx, rows);
}

/**
 * Counts service records into statistics cells: day (when the service ended: the session's log-off, the
 * event's end, the request's closing), branch, kind, patron category, age band; computer sessions add
 * their minutes. A guest pass counts as `guest`, a record of no one as `unknown`. No patron, no station,
 * program or room code (CB-A6, RF-3, IF-4, JC-IVd).
 */
export function serviceStatisticsOf(rows: readonly ServiceFacts[], library: Pick<Library, 'id' | 'timeZone'>): ServiceStatsRow[] {
  const cells = new Map<string, ServiceStatsRow>();
  for (const row of rows) {
    if (row.endsAt === null) continue; // not over: nothing to count yet
    const day = localDay(row.endsAt, library.timeZone);
    const branchId = row.branchId ?? NO_BRANCH;
    const patronCategory = row.patronCategory ?? (row.guestPass ? 'guest' : 'unknown');
    const ageBand = row.ageBand ?? 'unknown';
    const minutes = row.kind === 'computer-session' ? Math.max(0, Math.round((Date.parse(row.endsAt) - Date.parse(row.startsAt)) / 60_000)) : 0;
    const key = `${day}\u0000${branchId}\u0000${row.kind}\u0000${patronCategory}\u0000${ageBand}`;
    const cell = cells.get(key);
    if (cell) {
      cell.records++;
      cell.minutes += minutes;
    } else cells.set(key, { libraryId: library.id, day, branchId, kind: row.kind, patronCategory, ageBand, records: 1, minutes });
  }
  return [...cells.values()];
}

/** A service that took place by `at`: over by then, and not cancelled (a cancelled sign-up, booking or request). */
const tookPlace = (f: ServiceFacts, at: string) => f.status !== 'cancelled' && f.endsAt !== null && f.endsAt <= at;

/**
 * Counts, once, one page of the library's service records that have ended by `asOf` and were not
 * counted yet (the retention run's first step, after ending stale sessions): those that took place add
 * to the aggregate service statistics under the day they ended, and every one of them is marked, so
 * it is never counted again (a cancelled one is passed over). When the last page is done, the run
 * records that services are counted through `asOf`: statistics then answer the months before it.
 */
export async function countEndedServices(ctx: Context, input: { runId: string | null; libraryId: string; asOf: string; limit: number }): Promise<{ seen: number; counted: number; done: boolean }> {
  const { library } = await libraryAndProfile(ctx, input.libraryId);
  const facts = await uncountedServices(ctx.trx, library.id, input.asOf, input.limit);
  const done = facts.length < input.limit;
  // A dry run changes nothing: it says what a run would count.
  if (input.runId === null) return { seen: facts.length, counted: facts.filter((f) => tookPlace(f, input.asOf)).length, done };
  const { counted } = await countServices(ctx, { library, ids: facts.map((f) => f.id), asOf: input.asOf });
  if (done) await setServicesCountedThrough(ctx.trx, input.runId, input.asOf);
  return { seen: facts.length, counted, done };
}

/**
 * Counts service records that ended by `asOf` into statistics, once: each is marked first, and only
 * those this transaction marked (not counted yet, still there) are read again and counted, so a page
 * read before another transaction counted or deleted one of its records counts it no second time.
 * Exported for tests (the retention run calls it through `countEndedServices`).
 */
export async function countServices(ctx: Context, input: { library: Pick<Library, 'id' | 'timeZone'>; ids: readonly string[]; asOf: string }): Promise<{ counted: number }> {
  const marked = await markServicesCounted(ctx.trx, input.ids, ctx.now.toISOString(), input.asOf);
  const counted = (await serviceStatsFacts(ctx.trx, [...marked])).filter((f) => tookPlace(f, input.asOf));
  await addServiceStats(ctx.trx, serviceStatisticsOf(counted, input.library));
  return { counted: counted.length };
}

/**
 * Disposes of service records: their rows go. One that took place and was not counted yet (its patron is
 * deleted between its end and the next retention run) is counted now, under the day it ended, in the
 * same transaction: the records are first marked counted where they were not (the same guarded update
 * as the run's, so a run counting them at the same time counts each one or this does, never both),
 * and only those this transaction marked and really deleted are counted; one still to come or still
 * open, or cancelled, never took place and is not counted.
 */
export async function disposeServiceRecords(ctx: Context, library: Pick<Library, 'id' | 'timeZone'>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const now = ctx.now.toISOString();
  const marked = await markServicesCounted(ctx.trx, ids, now);
  const facts = await serviceStatsFacts(ctx.trx, [...marked]);
  const deleted = await retention.deleteServiceRecords(ctx.trx, ids);
  await addServiceStats(ctx.trx, serviceStatisticsOf(facts.filter((f) => deleted.has(f.id) && tookPlace(f, now)), library));
}
// ── end of service statistics (0006) ──

/**
 * Whether a live legal hold covers a complete loan: a hold on the patron's circulation or reading
 * history whose period the loan's life (check-out to return) overlaps.
 */
function loanHeld(held: HeldPatrons, row: ClosedLoanRow): boolean {
  return heldBy(held, row.patronId, 'circulation', row.checkedOutAt, row.endedAt) || heldBy(held, row.patronId, 'reading-history', row.checkedOutAt, row.endedAt);
}

/** Whether a live legal hold covers a record that ended (a fine, a hold request, a service record). */
function endedHeld(held: HeldPatrons, category: RecordCategory, row: EndedRecord): boolean {
  return heldBy(held, row.patronId, category, row.startedAt, row.endedAt);
}

/** Whether a complete loan is reading history: it ended after its borrower opted in (JC-IIIc). */
/** Whether a loan is part of its borrower's reading history: it ended after they opted in (JC-IIIc). */
function isReadingHistory(row: ClosedLoanRow, borrower: BorrowerFacts | undefined): boolean {
  const since = borrower?.readingHistorySince ?? null;
  return since !== null && row.endedAt >= since;
}

// ── Pages ────────────────────────────────────────────────────────────────────────────────────────

/** The profiles of the other libraries whose patrons this library may lend to (none unless it shares patrons, RF-4). */
async function borrowerProfiles(ctx: Context, libraryId: string, profile: Profile): Promise<Map<string, Profile>> {
  const found = new Map<string, Profile>();
  if (!profile.access.sharedPatrons.allowed) return found;
  for (const other of await listLibraries(ctx.trx)) {
    const theirs = profiles().get(other.profileId);
    if (other.id !== libraryId && theirs.access.sharedPatrons.allowed) found.set(other.id, theirs);
  }
  return found;
}

/** One page of complete loans of one status: anonymise those the loan checker releases. */
export async function retainLoanPage(ctx: Context, input: PageInput & { status: 'returned' | 'lost' }): Promise<PageResult> {
  const { library, profile } = await libraryAndProfile(ctx, input.libraryId);
  const asOf = new Date(input.asOf);
  // Loans to other members' patrons follow the stricter profile (RF-4): the page reaches as far as the
  // most eager of the profiles involved, and each loan is decided under its own two.
  const borrowers = await borrowerProfiles(ctx, library.id, profile);
  const involved = [profile, ...borrowers.values()];
  const cutoff = new Date(Math.max(...involved.map((p) => loanCutoff(p, asOf).getTime())));
  const rows = await retention.closedLoans(ctx.trx, {
    libraryId: library.id,
    status: input.status,
    cutoff: cutoff.toISOString(),
    cursor: input.cursor,
    limit: input.limit,
  });
  const held = rows.length === 0 ? NO_HOLDS : await liveHeldPatrons(ctx.trx);
  // The borrowers are read only when something turns on them: the library lends to other members'
  // patrons, or a profile involved keeps reading history for those who opt in. Otherwise every loan is
  // the library's own patron's, decided without a reading history.
  const borrowerOf = borrowers.size > 0 || involved.some((p) => p.retention.readingHistory.offered) ? await retention.borrowerFacts(ctx.trx, rows.map((r) => r.patronId)) : undefined;
  return settlePage(ctx, input, profile, 'circulation', {
    rows,
    endOf: (r) => r.endedAt,
    decide: (row) => {
      const borrowerFacts = borrowerOf?.get(row.patronId);
      const facts = { status: input.status, endedAt: row.endedAt, openFines: row.openFine ? 1 : 0, readingHistory: isReadingHistory(row, borrowerFacts), held: loanHeld(held, row) };
      const borrower = borrowerFacts === undefined || borrowerFacts.libraryId === library.id ? undefined : borrowers.get(borrowerFacts.libraryId);
      return borrower ? sharedLoanRetention(facts, profile, borrower, asOf) : loanRetention(facts, profile, asOf);
    },
    dispose: (release) => anonymiseLoans(ctx, library, release),
  });
}

export { SERVICE_CATEGORY } from '../policy/inventory.js';

/**
 * How a page of each sort of ended record is disposed of: fines with their payments, hold requests,
 * service records (counted in statistics first when no run has counted them yet).
 */
const DISPOSE: Record<EndedRecords, (ctx: Context, library: Library, ids: readonly string[]) => Promise<unknown>> = {
  fines: (ctx, _library, ids) => retention.deleteFines(ctx.trx, ids),
  holds: (ctx, _library, ids) => retention.deleteHolds(ctx.trx, ids),
  'service-records': disposeServiceRecords,
  notices: (ctx, _library, ids) => deleteNotices(ctx.trx, ids),
};

/**
 * One page of one category of records kept a period after they end (settled fines, ended holds, each
 * kind of service record), of one status or kind of that category: delete those past the profile's
 * days, unless a live legal hold covers them. The category table (policy/retention.policy.ts
 * `ENDED_RECORD_CATEGORIES`) says which rows, which values and which rule.
 */
export async function retainPage(ctx: Context, input: PageInput & { category: EndedCategory; value: string }): Promise<PageResult> {
  const spec: EndedRecordCategory = ENDED_RECORD_CATEGORIES[input.category];
  if (!spec.values.includes(input.value)) throw refuse(ErrorCode.VALIDATION_FAILED, `${input.category} has no records of that status or kind.`, 'value');
  const { library, profile } = await libraryAndProfile(ctx, input.libraryId);
  const asOf = new Date(input.asOf);
  const rule = spec.rule(profile);
  const rows = await retention.endedRecords(ctx.trx, spec.records, {
    libraryId: input.libraryId,
    kind: input.value,
    cutoff: daysBefore(asOf, rule.days).toISOString(),
    cursor: input.cursor,
    limit: input.limit,
  });
  const held = rows.length === 0 ? NO_HOLDS : await liveHeldPatrons(ctx.trx);
  return settlePage(ctx, input, profile, input.category, {
    rows,
    endOf: (r) => r.endedAt,
    decide: (row) => spec.decide({ value: input.value, endedAt: row.endedAt, held: endedHeld(held, input.category, row) }, profile, asOf),
    dispose: (release) => DISPOSE[spec.records](ctx, library, release.map((r) => r.id)),
  });
}

/**
 * Forgets that patrons used vendors: each authorisation goes with the consent it carried, and so do the
 * sign-in provider's grants of that vendor for that patron (with the codes and tokens issued under
 * them), as the patron's own revocation does (usecases/vendor.usecases.ts `revokeMyVendor`); their next
 * sign-in starts afresh and asks consent again.
 */
async function forgetAuthorisations(ctx: Context, release: readonly { patronId: string; vendorId: string }[]): Promise<void> {
  for (const { patronId, vendorId } of release) {
    await deleteAuthorisation(ctx.trx, patronId, vendorId);
    for (const grantId of await grantIdsOf(ctx.trx, patronId, vendorId)) await deleteGrant(ctx.trx, grantId);
  }
}

/**
 * One page of the vendors a library's patrons signed in to (issue 19): an authorisation last used longer
 * ago than the profile's months (`retention.vendor_authorisations`, or the default) is forgotten
 * (RF-6, RF-7: the record exists to show the patron their vendors and let them revoke each, not to keep
 * their habits), unless a live legal hold covers it. A sign-in moves the last use on, so a vendor in
 * use stays remembered.
 */
export async function retainVendorAuthorisationPage(ctx: Context, input: PageInput): Promise<PageResult> {
  const { profile } = await libraryAndProfile(ctx, input.libraryId);
  const asOf = new Date(input.asOf);
  // The cursor's id is the primary key, the patron and the vendor (ids hold no space).
  const [patronId = '', vendorId = ''] = input.cursor?.id.split(' ') ?? [];
  const rows = (
    await staleAuthorisations(ctx.trx, {
      libraryId: input.libraryId,
      cutoff: monthsBefore(asOf, vendorAuthorisationRule(profile).months).toISOString(),
      after: input.cursor === null ? null : { lastAt: input.cursor.at, patronId, vendorId },
      limit: input.limit,
    })
  ).map((row) => ({ ...row, id: `${row.patronId} ${row.vendorId}` }));
  const held = rows.length === 0 ? NO_HOLDS : await liveHeldPatrons(ctx.trx);
  return settlePage(ctx, input, profile, 'vendor-authorisations', {
    rows,
    endOf: (row) => row.lastAt,
    decide: (row) => vendorAuthorisationRetention({ lastAt: row.lastAt, held: heldBy(held, row.patronId, 'vendor-authorisations', row.firstAt, row.lastAt) }, profile, asOf),
    dispose: (release) => forgetAuthorisations(ctx, release),
  });
}

/**
 * One page of the library's access log (its hash chains, one per lane): in each lane in turn, entries
 * older than the profile's months go, oldest first, and the lane's start moves past them so `verify-log`
 * still passes. An entry whose link does not verify is kept, with everything after it in its lane
 * (counted as kept): the evidence stays. The cursor is `<lane>:<chain_seq>` (a bare number: lane 0).
 */
export async function retainAccessLogPage(ctx: Context, input: PageInput): Promise<PageResult> {
  const { profile } = await libraryAndProfile(ctx, input.libraryId);
  const lanes = await libraryLanes(ctx.trx, input.libraryId);
  const [laneText = '0', afterText = ''] = input.cursor === null ? [] : input.cursor.id.includes(':') ? input.cursor.id.split(':') : ['0', input.cursor.id];
  const lane = lanes.find((l) => l >= Number(laneText));
  if (lane === undefined) return { next: null, seen: 0, disposed: 0, kept: 0, held: 0 };
  // An entry about a patron under a live hold on the access log, in the hold's period, stops the prune.
  const held = await liveHeldPatrons(ctx.trx);
  const page = await pruneChainPage(ctx.trx, ctx.vault, {
    chain: laneChain(input.libraryId, lane),
    cutoff: monthsBefore(new Date(input.asOf), profile.retention.accessLog.months).toISOString(),
    limit: input.limit,
    after: lane === Number(laneText) && afterText !== '' ? Number(afterText) : null,
    dryRun: input.runId === null,
    ...(held.size > 0 ? { held: (entry: { patronId: string | null; at: string }) => heldBy(held, entry.patronId, 'access-log', entry.at, entry.at) } : {}),
  });
  await receipt(ctx, input, profile, 'access-log', { disposed: page.disposed, kept: page.kept, held: page.held });
  const nextLane = lanes.find((l) => l > lane);
  const next = page.next !== null ? `${lane}:${page.next}` : nextLane !== undefined ? `${nextLane}:` : null;
  return { next: next === null ? null : { at: '', id: next }, seen: page.seen, disposed: page.disposed, kept: page.kept, held: page.held };
}

/**
 * Purges one patron's whole record: their complete loans are anonymised and their service records
 * disposed of first (see `anonymisePatronLoans`), then every row that is theirs goes and their data key is shredded (from that instant no copy of their sealed fields, in
 * the database or any backup, can be opened).
 */
export async function purgePatron(ctx: Context, library: Pick<Library, 'id' | 'timeZone'>, patron: { id: string; libraryId: string }, reason: string): Promise<void> {
  await anonymisePatronLoans(ctx, library, patron.id);
  await deletePatronRows(ctx.trx, patron.id);
  await recordAccess(ctx, patron, `purge-${reason}`, ['registration', 'guardianship', 'circulation', 'reading-history', 'holds', 'fines', ...Object.values(SERVICE_CATEGORY), 'vendor-authorisations']);
  await keepDeletionReceipt(ctx, patron.libraryId, 'retention');
  // The access log is written before the key goes: nothing may fail after the shred, which cannot be undone.
  await flushAccess(ctx);
  await ctx.vault.shred(patron.id, ctx.now);
}

/**
 * Before a patron's rows go: their service records are disposed of (one that took place and that no
 * retention run has counted yet is counted now, under the day it ended), and their complete loans are
 * anonymised (each was counted when it was lent). Nothing is added to a month that has been published.
 */
export async function anonymisePatronLoans(ctx: Context, library: Pick<Library, 'id' | 'timeZone'>, patronId: string): Promise<void> {
  await disposeServiceRecords(ctx, library, (await serviceRecordsOfPatron(ctx.trx, patronId)).map((r) => r.id));
  for (const status of ['returned', 'lost'] as const) {
    let cursor: Cursor | null = null;
    do {
      const rows = await retention.closedLoans(ctx.trx, { libraryId: library.id, status, cutoff: '9999-12-31T23:59:59.999Z', cursor, limit: 1000, patronId });
      await anonymiseLoans(ctx, library, rows);
      cursor = pageEnd(rows, (r) => r.endedAt, 1000);
    } while (cursor !== null);
  }
}

/** One page of patrons to purge: inactive for the profile's months (CB-F3), or deceased. */
export async function retainPatronPage(ctx: Context, input: PageInput & { deceased: boolean }): Promise<PageResult> {
  const { library, profile } = await libraryAndProfile(ctx, input.libraryId);
  const asOf = new Date(input.asOf);
  const candidates = {
    libraryId: library.id,
    deceased: input.deceased,
    inactiveBefore: monthsBefore(asOf, profile.retention.inactivePatrons.months).toISOString(),
  };
  const rows = await retention.patronCandidates(ctx.trx, { ...candidates, after: input.cursor, limit: input.limit });
  let disposed = 0;
  let keptByHold = 0;
  for (const row of rows) {
    // Pages of patrons are small (a purge is one patron per transaction): ask about this patron's holds only.
    let decision = patronRetention({ ...row, held: patronUnderHold(await liveHeldPatrons(ctx.trx, row.id), row.id) }, profile, asOf);
    if (decision.reason === 'legal-hold') keptByHold++;
    if (!decision.dispose) continue;
    if (input.runId !== null) {
      // Decide again on the locked row: a check-out, a fine or a legal hold since the page was read keeps the patron.
      await retention.lockPatron(ctx.trx, row.id);
      const [now] = await retention.patronCandidates(ctx.trx, { ...candidates, after: null, limit: 1, patronId: row.id });
      decision = now ? patronRetention({ ...now, held: patronUnderHold(await liveHeldPatrons(ctx.trx, row.id), row.id) }, profile, asOf) : decision;
      if (decision.reason === 'legal-hold') keptByHold++;
      if (!now || !decision.dispose) continue;
      await purgePatron(ctx, library, row, decision.reason);
    }
    disposed++;
  }
  await receipt(ctx, input, profile, input.deceased ? 'deceased-patrons' : 'inactive-patrons', { disposed, kept: rows.length - disposed, held: keptByHold });
  const last = rows[rows.length - 1];
  return { next: rows.length < input.limit || !last ? null : { at: last.lastActiveAt ?? '', id: last.id }, seen: rows.length, disposed, kept: rows.length - disposed, held: keptByHold };
}

/** A public-computer session nobody logged off from is taken to have ended this long after it began. */
const LONGEST_SESSION_MS = 24 * 3_600_000;

/**
 * Ends computer sessions still open a day after they began (the station was switched off, or nobody
 * logged on there again), so that they too reach the end their retention is counted from (JC-IIId).
 */
export async function endStaleSessions(ctx: Context, input: { libraryId: string; asOf: string }): Promise<number> {
  const stale = await retention.staleComputerSessions(ctx.trx, input.libraryId, new Date(Date.parse(input.asOf) - LONGEST_SESSION_MS).toISOString());
  for (const session of stale) await closeServiceRecord(ctx.trx, session.id, 'ended', new Date(Date.parse(session.startsAt) + LONGEST_SESSION_MS).toISOString());
  return stale.length;
}

/** Moves age bands on for patrons who passed a band's birthday (statistics only; no seal is opened). */
export async function rebandPatrons(ctx: Context, input: { libraryId: string; asOf: string }): Promise<number> {
  const { library, profile } = await libraryAndProfile(ctx, input.libraryId);
  const due = await retention.patronsToReband(ctx.trx, library.id, input.asOf);
  for (const patron of due) {
    let band: { ageBand: string; ageBandUntil: string | null } = { ageBand: patron.ageBand, ageBandUntil: patron.ageBandUntil };
    let cameOfAgeAt: string | null = null;
    while (band.ageBandUntil !== null && band.ageBandUntil <= input.asOf) {
      if (band.ageBand === '13-17') cameOfAgeAt = band.ageBandUntil;
      band = nextAgeBand(band.ageBand, band.ageBandUntil, library.timeZone);
    }
    await retention.setAgeBand(ctx.trx, patron.id, band);
    // A guardian link ends by itself on the 18th birthday (policy/guardian.policy.ts decides that on every
    // read); the stored link is closed here so the record says so. Another age of majority is left to that check.
    if (cameOfAgeAt !== null && profile.access.guardians.ageOfMajority === 18 && (await endGuardianLinksOfMinor(ctx.trx, patron.id, cameOfAgeAt)) > 0)
      await recordAccess(ctx, { id: patron.id, libraryId: library.id }, 'guardian-link-ended', ['guardianship']);
  }
  return due.length;
}

// ── Reading history (JC-IIIc) ────────────────────────────────────────────────────────────────────

/**
 * A patron opts in to keeping their reading history, or out of it. Refused where the profile does not
 * offer it. Opting out deletes the history at once: every complete loan the profile's rule would not
 * keep without the opt-in is anonymised in this same transaction (JC-IIIc; DESIGN.md invariant 2).
 */
export async function setReadingHistory(ctx: Context, input: { patronId?: string; cardNumber?: string; keep: boolean }) {
  // Staff record the choice for the patron in front of them; a patron makes it for themselves (their own
  // record only: requirePatron reaches nobody else for a patron).
  if (ctx.actor.kind !== 'patron') requirePermission(ctx, 'patron.reading-history');
  const stored = await requirePatronRef(ctx, input);
  const { library, profile } = await libraryAndProfile(ctx, stored.libraryId);
  if (!profile.retention.readingHistory.offered)
    throw refuse(ErrorCode.READING_HISTORY_NOT_OFFERED, 'This library’s policy does not offer keeping reading history.', 'keep');
  const at = ctx.now.toISOString();
  let deleted = 0;
  if (input.keep) {
    if (stored.readingHistorySince === null) await retention.setReadingHistorySince(ctx.trx, stored.id, at, at);
  } else {
    await retention.setReadingHistorySince(ctx.trx, stored.id, null, at);
    // A loan a live legal hold covers stays, opt-out or not, until the hold is released; retention then takes it.
    const held = await liveHeldPatrons(ctx.trx, stored.id);
    for (const status of ['returned', 'lost'] as const) {
      let cursor: Cursor | null = null;
      do {
        const rows = await retention.closedLoans(ctx.trx, { libraryId: library.id, status, cutoff: at, cursor, limit: 1000, patronId: stored.id });
        const release = rows.filter((row) => loanRetention({ status, endedAt: row.endedAt, openFines: row.openFine ? 1 : 0, readingHistory: false, held: loanHeld(held, row) }, profile, ctx.now).dispose);
        await anonymiseLoans(ctx, library, release);
        deleted += release.length;
        cursor = pageEnd(rows, (r) => r.endedAt, 1000);
      } while (cursor !== null);
    }
    if (deleted > 0) markErased(ctx);
  }
  await recordAccess(ctx, stored, input.keep ? 'reading-history-opt-in' : 'reading-history-opt-out', ['reading-history']);
  return { patronId: stored.id, readingHistory: input.keep, since: input.keep ? (stored.readingHistorySince ?? at) : null, loansDeleted: deleted };
}

export { describeRule, RETENTION_CATEGORIES, type RetentionCategory } from '../policy/retention.policy.js';

// ── Evidence ─────────────────────────────────────────────────────────────────────────────────────

const RETENTION_ORDER: readonly string[] = RETENTION_CATEGORIES;

/** Refuses anyone but an administrator (or the system) for a library they can reach. */
export async function requireRetentionAdmin(ctx: Context, input: { libraryId: string }): Promise<Library> {
  requirePermission(ctx, 'retention.run');
  const library = await findLibrary(ctx.trx, input.libraryId);
  if (!library || !canReachLibrary(ctx.actor, library.id).allowed) throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'libraryId');
  return library;
}

/**
 * A library's latest retention runs with their receipts: the evidence that the profile's retention
 * promises were kept (rule, clause, counts, times; never personal data or record ids).
 */
export async function retentionHistory(ctx: Context, input: { libraryId: string; limit?: number; language?: string }) {
  const library = await requireRetentionAdmin(ctx, input);
  const profile = profiles().get(library.profileId);
  const runs = await retention.latestRuns(ctx.trx, library.id, Math.min(Math.max(input.limit ?? 10, 1), 100));
  // Receipts in the reader's language (the rule and how records were disposed of); English as stored.
  const tr = input.language !== undefined && input.language !== 'en' ? translator(input.language) : undefined;
  return {
    libraryId: library.id,
    profile: { id: profile.id, version: profile.version },
    runs: await Promise.all(
      runs.map(async (r) => ({
        ...r,
        receipts: (await retention.receiptsOfRun(ctx.trx, r.id))
          .sort((a, b) => RETENTION_ORDER.indexOf(a.category) - RETENTION_ORDER.indexOf(b.category))
          .map((receipt) => (tr ? receiptWords(tr, profile, receipt) : receipt)),
      })),
    ),
  };
}
