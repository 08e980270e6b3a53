/**
 * The access log as its readers meet it: the operator's and privacy officer's verification of its hash
 * chains (`carrel verify-log`), a patron's view of who accessed their record, and the privacy officer's
 * view of one patron's entries (CB-A3, RF-10, DESIGN.md invariant 3).
 */
import { ErrorCode, refuse } from '../domain/errors.js';
import { ROLE_NAMES, ROLES, type Role } from '../policy/actors.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import * as log from '../storage/access-log.repository.js';
import type { ChainedEntry, ChainHead, Checkpoint } from '../storage/access-log.repository.js';
import { findBranch, findLibrary } from '../storage/library.repository.js';
import { findSip2AccountByName } from '../storage/sip2-account.repository.js';
import { findStaffById } from '../storage/staff.repository.js';
import type { Library } from '../domain/types.js';
import { attestLegacyLanes, baseMac, chainLegacyEntries, checkpointMac, entryMac, GENESIS_HASH, laneChain, laneOf, lanesMac } from './access-chain.js';
import { requirePermission } from './authorization.js';
import { recordAccess, recordLibraryChange, type Context, type Runtime } from './context.js';
import { requirePatron } from './patron-access.js';
import { localDay } from './retention.usecases.js';
import { accessEntriesShownToPatron } from './access-seen-by-patron.js';

/**
 * What a broken link is, as far as the chain can tell:
 * - `edited`: the entry does not match its MAC (its fields or hash were changed, or the entry before it
 *   was replaced, or an entry before it was removed and the later ones renumbered);
 * - `missing`: positions in the chain have no entry (deleted), in the middle or at the end;
 * - `reordered`: the entry that belongs at this position is found later in the chain, or entries were
 *   written in another order than the chain puts them in;
 * - `before-base`: an entry sits before the chain's start (retention removed the entries up to it);
 * - `base-moved`: the chain's start does not carry a valid MAC (it was moved, hiding its oldest entries);
 * - `head-mismatch`: the head does not name the chain's last entry (or there is no head);
 * - `unchained`: entries outside every chain (inserted behind Carrel's back);
 * - `lane-missing`: a lane the library's lane count names has no head and no entry (it was deleted);
 * - `lanes-moved`: the lane count on the library's lane 0 does not carry a valid MAC, or a lane exists
 *   beyond it (the count was changed, which would hide a deleted lane);
 * - `checkpoint-moved`: where an earlier `verify-log` found the chain intact does not carry a valid MAC,
 *   or lies past the chain's head (its newest entries were removed after they were verified).
 * Removing the newest entries of a lane and moving its head back with them cannot be told from a shorter
 * lane unless a checkpoint was recorded past them: that is what the reported head hashes, kept elsewhere, are for.
 */
export type LinkProblem = 'edited' | 'missing' | 'reordered' | 'before-base' | 'base-moved' | 'head-mismatch' | 'unchained' | 'lane-missing' | 'lanes-moved' | 'checkpoint-moved';

export interface BrokenLink {
  /** The chain (a library's lane: its id, or `<id>/<lane>`), or null outside every chain. */
  chain: string | null;
  /** The position in the chain where the problem shows: for `missing`, the first missing one (null when it concerns the chain as a whole). */
  chainSeq: number | null;
  /** The row number in the log of the entry at fault (null when there is no such entry, as for `missing`). */
  seq: number | null;
  problem: LinkProblem;
  detail: string;
}

/** One lane of a library's log: a chain of its own, verified from its base (or checkpoint) to its head. */
export interface LaneReport {
  lane: number;
  chain: string;
  /** Entries checked. */
  entries: number;
  ok: boolean;
  brokenLinks: number;
  /** The lane's head: anchor `hash` elsewhere to detect a truncation of the lane later. */
  head: { seq: number; hash: string } | null;
  base: { seq: number; hash: string };
  /** Where this check started when it was incremental and found a valid checkpoint (null: from the base). */
  from: { seq: number; hash: string } | null;
  firstBroken: BrokenLink | null;
}

export interface ChainReport {
  /** The library (or `-`): its log, lane 0 of which is the chain of this id. */
  chain: string;
  /** Entries checked, in every lane. */
  entries: number;
  ok: boolean;
  /** Entries whose link is broken (each entry is checked against the one stored before it), in every lane, and problems of the set of lanes. */
  brokenLinks: number;
  /** Lane 0's head: anchor `hash` elsewhere to detect a truncation of the chain later (each lane's is in `lanes`). */
  head: { seq: number; hash: string } | null;
  /** Where lane 0 starts (after retention). */
  base: { seq: number; hash: string };
  firstBroken: BrokenLink | null;
  /** The library's lanes, lane 0 first. */
  lanes: LaneReport[];
}

export interface VerificationReport {
  ok: boolean;
  verifiedAt: string;
  entries: number;
  chains: ChainReport[];
  /** Entries outside every chain. */
  unchained: number;
  /** The first broken link of each broken lane (and each problem of a library's set of lanes), then the first entry outside every chain, if any. */
  broken: BrokenLink[];
  firstBroken: BrokenLink | null;
  /** Whether each lane was checked from its last checkpoint only (`--incremental`) rather than from its base. */
  incremental: boolean;
}

const PAGE = 5000;

/**
 * Verifies the access log's hash chains (all, or one library's): every entry's MAC is recomputed from its
 * fields and the previous entry's hash, from each lane's MAC-checked base to its head, a page at a time;
 * each library's lanes are checked against the lane count its lane 0 carries under a MAC. Run it with
 * `{ snapshot: true }` so concurrent appends do not look like a broken head. Staff bound to one library
 * verify that library's log only.
 *
 * Each lane found intact leaves a checkpoint (its head's position and hash, under a MAC). `incremental`
 * starts each lane at its checkpoint instead of its base: a daily check reads only what was appended since
 * (entries before the checkpoint are the full check's to re-read). Both checks hold every checkpoint
 * against its lane: one without a valid MAC, past the lane's head, at the head with another hash, or of a
 * lane that has no head any more, is reported (and an incremental check reads that lane in full). A
 * checkpoint only moves forward: a lane cut back behind its checkpoint is a finding, never a new start.
 * The checkpoints are evidence only while their table is left alone: deleting a checkpoint row, or every
 * row of a library (heads, entries and checkpoints), is not seen here; an anchor kept outside the
 * database (the heads' hashes, one per lane) is what catches that.
 */
export async function verifyAccessLog(ctx: Context, input: { libraryId?: string; incremental?: boolean }): Promise<VerificationReport> {
  requirePermission(ctx, 'access-log.verify');
  const bound = ctx.actor.kind === 'staff' ? ctx.actor.libraryId : null;
  const only = input.libraryId ?? bound ?? undefined;
  if (only !== undefined && (!(await findLibrary(ctx.trx, only)) || !canReachLibrary(ctx.actor, only).allowed))
    throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'libraryId');

  const heads = new Map((only === undefined ? await log.listHeads(ctx.trx) : await log.laneHeads(ctx.trx, only)).map((h) => [h.chain, h]));
  const checkpoints = new Map((await log.listCheckpoints(ctx.trx)).map((c) => [c.chain, c]));
  const inScope = (chain: string) => only === undefined || laneOf(chain).chain === only;
  // A lane checked before (it has a checkpoint) is one to verify even when its head and entries are gone.
  const names = new Set([...heads.keys(), ...(await log.entryChains(ctx.trx)).filter(inScope), ...[...checkpoints.keys()].filter(inScope)]);
  const libraries = new Map<string, Set<string>>();
  for (const name of names) {
    const library = laneOf(name).chain;
    const set = libraries.get(library) ?? new Set<string>();
    set.add(name);
    libraries.set(library, set);
  }
  const incremental = input.incremental === true;
  const chains: ChainReport[] = [];
  for (const library of [...libraries.keys()].sort())
    chains.push(await verifyLibrary(ctx, library, libraries.get(library) as Set<string>, heads, checkpoints, incremental));

  // Each lane found intact up to its head: the next incremental check starts there. Forward only (a lane
  // behind its checkpoint is not intact: `verifyChain` reported it).
  for (const lane of chains.flatMap((c) => c.lanes)) {
    const head = lane.head;
    if (!lane.ok || !head || head.seq === 0) continue;
    const known = checkpoints.get(lane.chain);
    if (known && known.seq >= head.seq) continue;
    await log.saveCheckpoint(ctx.trx, { chain: lane.chain, seq: head.seq, hash: head.hash, verifiedAt: ctx.now.toISOString(), mac: checkpointMac(ctx.vault, lane.chain, head.seq, head.hash) });
  }

  const unchained = await log.unchainedSummary(ctx.trx, only);
  const broken: BrokenLink[] = [];
  for (const chain of chains) {
    const lanesBroken = chain.lanes.map((l) => l.firstBroken).filter((link): link is BrokenLink => link !== null);
    broken.push(...lanesBroken);
    if (chain.firstBroken && !lanesBroken.includes(chain.firstBroken)) broken.push(chain.firstBroken);
  }
  if (unchained.count > 0)
    broken.push({ chain: null, chainSeq: null, seq: unchained.firstSeq, problem: 'unchained', detail: `${unchained.count} entr${unchained.count === 1 ? 'y is' : 'ies are'} outside every chain.` });
  return {
    ok: broken.length === 0,
    verifiedAt: ctx.now.toISOString(),
    entries: chains.reduce((sum, c) => sum + c.entries, 0) + unchained.count,
    chains,
    unchained: unchained.count,
    broken,
    firstBroken: broken[0] ?? null,
    incremental,
  };
}

/**
 * A library's log: each lane verified on its own, and the set of lanes against the count lane 0 carries
 * (a MAC bound to lane 0's end): a lane deleted whole, head and entries, is a lane the count names and
 * nothing holds; a count lowered to hide it does not match its MAC.
 */
async function verifyLibrary(ctx: Context, library: string, names: Set<string>, heads: Map<string, ChainHead>, checkpoints: Map<string, Checkpoint>, incremental: boolean): Promise<ChainReport> {
  const zero = heads.get(library);
  const problems: BrokenLink[] = [];
  let count = 1;
  if (zero) {
    count = zero.lanes;
    if (zero.lanesMac !== lanesMac(ctx.vault, library, zero.lanes, zero.lastSeq, zero.lastHash))
      problems.push({ chain: library, chainSeq: null, seq: null, problem: 'lanes-moved', detail: 'The library’s lane count does not carry a valid MAC: it was changed (which could hide a deleted lane), or lane 0’s head was moved.' });
  }
  const byLane = new Map<number, string>();
  for (const name of names) byLane.set(laneOf(name).lane, name);
  for (let lane = 0; lane < count; lane++) if (!byLane.has(lane)) byLane.set(lane, laneChain(library, lane));
  const lanes: LaneReport[] = [];
  for (const lane of [...byLane.keys()].sort((a, b) => a - b)) {
    const chain = byLane.get(lane) as string;
    const head = heads.get(chain);
    if (lane < 0 || lane >= count)
      problems.push({ chain, chainSeq: null, seq: null, problem: 'lanes-moved', detail: `The lane is not one of the library’s ${count} lane${count === 1 ? '' : 's'}: its lane count was changed, or the lane was added behind Carrel’s back.` });
    if (!head && !names.has(chain)) {
      const link: BrokenLink = { chain, chainSeq: null, seq: null, problem: 'lane-missing', detail: `Lane ${lane} of the library’s ${count} has no head and no entry: it was deleted.` };
      lanes.push({ lane, chain, entries: 0, ok: false, brokenLinks: 1, head: null, base: { seq: 0, hash: GENESIS_HASH }, from: null, firstBroken: link });
      continue;
    }
    lanes.push(await verifyChain(ctx, chain, lane, head, checkpoints.get(chain), incremental));
  }
  const first = lanes.find((l) => l.lane === 0);
  // A lane's own broken link says more than the count's MAC (moving lane 0's head back breaks both).
  const firstBroken = lanes.find((l) => l.firstBroken !== null)?.firstBroken ?? problems[0] ?? null;
  return {
    chain: library,
    entries: lanes.reduce((sum, l) => sum + l.entries, 0),
    ok: firstBroken === null,
    brokenLinks: problems.length + lanes.reduce((sum, l) => sum + l.brokenLinks, 0),
    head: first?.head ?? null,
    base: first?.base ?? { seq: 0, hash: GENESIS_HASH },
    firstBroken,
    lanes,
  };
}

async function verifyChain(ctx: Context, chain: string, lane: number, head: ChainHead | undefined, checkpoint: Checkpoint | undefined, incremental: boolean): Promise<LaneReport> {
  const { vault } = ctx;
  const base = head ? { seq: head.baseSeq, hash: head.baseHash } : { seq: 0, hash: GENESIS_HASH };
  const report: LaneReport = { lane, chain, entries: 0, ok: true, brokenLinks: 0, head: head ? { seq: head.lastSeq, hash: head.lastHash } : null, base, from: null, firstBroken: null };
  const broken = (link: Omit<BrokenLink, 'chain'>) => {
    report.brokenLinks++;
    report.firstBroken ??= { chain, ...link };
  };
  if (!head && checkpoint) broken({ chainSeq: null, seq: null, problem: 'checkpoint-moved', detail: `The chain was found intact up to entry ${checkpoint.seq} before, and has no head now: it was deleted.` });
  else if (!head) broken({ chainSeq: null, seq: null, problem: 'head-mismatch', detail: 'The chain has entries but no head.' });
  else if (head.baseMac !== baseMac(vault, chain, head.baseSeq, head.baseHash))
    broken({ chainSeq: head.baseSeq, seq: null, problem: 'base-moved', detail: 'The chain’s start does not carry a valid MAC: it was moved, which hides or brings back its oldest entries.' });

  // Every check holds the checkpoint against the lane; an incremental one starts there when it is genuine,
  // within the chain, and past its base.
  let start = base;
  if (checkpoint && head) {
    if (checkpoint.mac !== checkpointMac(vault, chain, checkpoint.seq, checkpoint.hash))
      broken({ chainSeq: checkpoint.seq, seq: null, problem: 'checkpoint-moved', detail: 'The chain’s checkpoint does not carry a valid MAC: it was moved; the chain was checked in full.' });
    else if (checkpoint.seq > head.lastSeq)
      broken({ chainSeq: head.lastSeq + 1, seq: null, problem: 'checkpoint-moved', detail: `Entries ${head.lastSeq + 1} to ${checkpoint.seq}, verified earlier, are gone and the head was moved back.` });
    else if (checkpoint.seq === head.lastSeq && checkpoint.hash !== head.lastHash)
      broken({ chainSeq: head.lastSeq, seq: null, problem: 'checkpoint-moved', detail: `Entry ${head.lastSeq} was verified earlier with another hash: the head was rewritten.` });
    else if (incremental && checkpoint.seq > base.seq) {
      start = { seq: checkpoint.seq, hash: checkpoint.hash };
      report.from = start;
    }
  }

  let expected = start.seq + 1;
  let previous = start.hash;
  let previousRow = -1;
  let cursor: number | null = report.from ? start.seq : null;
  for (;;) {
    const page: ChainedEntry[] = await log.chainPage(ctx.trx, chain, cursor, PAGE);
    page.forEach((row, i) => {
      report.entries++;
      const at = row.chainSeq as number;
      const where = { chainSeq: at, seq: row.seq };
      if (at <= base.seq) {
        // Not a link of the chain: the entries after the base still link to the base's hash.
        broken({ ...where, problem: 'before-base', detail: `The entry sits before the chain’s start (${base.seq}): retention removed the entries up to there.` });
        return;
      }
      if (at > expected)
        broken({ chainSeq: expected, seq: null, problem: 'missing', detail: at - 1 === expected ? `Entry ${expected} is missing.` : `Entries ${expected} to ${at - 1} are missing.` });
      else if (row.seq <= previousRow) broken({ ...where, problem: 'reordered', detail: 'The entry was written before the one the chain puts ahead of it.' });
      else if (row.hash !== entryMac(vault, { ...row, chain, chainSeq: at }, previous)) {
        const later = page.slice(i + 1);
        const next = later[0];
        if (report.firstBroken === null && later.some((other) => other.hash === entryMac(vault, { ...other, chain, chainSeq: at }, previous)))
          broken({ ...where, problem: 'reordered', detail: 'The entry that belongs at this position is found later in the chain.' });
        else if (next !== undefined && next.chainSeq === at + 1 && next.hash === entryMac(vault, { ...next, chain, chainSeq: at + 1 }, row.hash ?? ''))
          broken({ ...where, problem: 'edited', detail: 'The entry’s fields were changed (the next entry still links to its hash).' });
        else
          broken({ ...where, problem: 'edited', detail: 'The entry does not match its MAC: its fields or hash were changed, or the entry before it was removed or replaced.' });
      }
      previous = row.hash ?? '';
      expected = Math.max(expected, at + 1);
      previousRow = row.seq;
    });
    const last = page[page.length - 1];
    if (page.length < PAGE || !last) break;
    cursor = last.chainSeq;
  }

  const lastSeq = expected - 1;
  if (head) {
    if (lastSeq < head.lastSeq)
      broken({ chainSeq: lastSeq + 1, seq: null, problem: 'missing', detail: lastSeq + 1 === head.lastSeq ? `Entry ${head.lastSeq}, the last of the chain, is missing.` : `Entries ${lastSeq + 1} to ${head.lastSeq}, the last of the chain, are missing.` });
    else if (lastSeq > head.lastSeq) broken({ chainSeq: head.lastSeq + 1, seq: null, problem: 'head-mismatch', detail: 'The chain has entries after the one its head names.' });
    else if (previous !== head.lastHash) broken({ chainSeq: head.lastSeq, seq: null, problem: 'head-mismatch', detail: 'The head’s hash is not the last entry’s.' });
  }
  report.ok = report.firstBroken === null;
  return report;
}

/**
 * Attests the lane count of the heads a database had before lanes (migration 0028), once, when the
 * runtime opens (`openRuntime`, only for the opening that ran the migration). Returns how many.
 */
export async function attestAccessLanes(runtime: Runtime): Promise<number> {
  return runtime.db.transaction().execute((trx) => attestLegacyLanes(trx, runtime.vault));
}

/**
 * Chains the entries written before the access log was chained (the upgrade to migration 0003), once,
 * when the runtime opens (`openRuntime`; a restore does it for an older backup). Returns how many.
 */
export async function chainLegacyAccessLog(runtime: Runtime): Promise<number> {
  return runtime.db.transaction().execute((trx) => chainLegacyEntries(trx, runtime.vault));
}

// ── Who accessed a patron's record ─────────────────────────────────────────────────────────────────

/** What a patron sees of one access to their record: never the staff member's id or name. */
export interface AccessSeen {
  /** The calendar day of the access, in the patron's library's time zone. */
  date: string;
  /** In words: 'you', 'guardian', 'system', or a staff role ('circulation clerk', 'director / privacy officer' …). */
  role: string;
  /** The name of the library the actor works for (null: the system, or staff of the whole consortium). */
  library: string | null;
  purpose: string;
  action: string;
  categories: string[];
}

/** A staff role in words; an unknown role (or an entry from before roles were logged) is 'staff'. */
function roleName(role: string | null): string {
  return role !== null && (ROLES as readonly string[]).includes(role) ? ROLE_NAMES[role as Role] : 'staff';
}

/**
 * A machine's access in words the patron recognises: 'self-check at Central Library', 'returns sorter at
 * Eastside', 'authentication for EZproxy' (the account's name is the vendor's, given by the library).
 */
async function machineSeen(ctx: Context, entry: ChainedEntry): Promise<string> {
  const name = entry.actorId.replace(/^sip2:/, '');
  const account = entry.actorLibraryId === null ? undefined : await findSip2AccountByName(ctx.trx, entry.actorLibraryId, name);
  if (entry.actorRole === 'authentication') return `authentication for ${name}`;
  const branch = account ? (await findBranch(ctx.trx, account.libraryId, account.branchId))?.name : undefined;
  const what = entry.actorRole === 'sorter' ? 'returns sorter' : 'self-check';
  return branch ? `${what} at ${branch}` : what;
}

function roleSeenBy(entry: ChainedEntry, patronId: string): string {
  if (entry.actorKind === 'system') return 'system';
  if (entry.actorRole === 'guardian') return 'guardian';
  if (entry.actorKind === 'patron') return entry.actorId === patronId ? 'you' : 'guardian';
  return roleName(entry.actorRole);
}

/**
 * Who accessed a patron's record, as the patron sees it: the day (in their library's time zone: the
 * instant would say more about a member of staff than the patron needs), the actor's role in words and
 * library, the purpose, the action and the categories touched, oldest first. No permission check: the
 * caller (the patron's own route, GET /me/access-log) has established who asks.
 */
export async function accessHistoryOf(ctx: Context, patronId: string): Promise<AccessSeen[]> {
  const entries = await accessEntriesShownToPatron(ctx, patronId);
  const libraries = new Map<string, Library | undefined>();
  const library = async (id: string | null) => {
    if (id === null) return undefined;
    if (!libraries.has(id)) libraries.set(id, await findLibrary(ctx.trx, id));
    return libraries.get(id);
  };
  const seen: AccessSeen[] = [];
  for (const entry of entries) {
    const home = await library(entry.libraryId);
    seen.push({
      date: home ? localDay(entry.at, home.timeZone) : entry.at.slice(0, 10),
      role: entry.actorKind === 'sip2' ? await machineSeen(ctx, entry) : roleSeenBy(entry, patronId),
      library: entry.actorKind === 'system' ? null : ((await library(entry.actorLibraryId))?.name ?? null),
      purpose: entry.purpose,
      action: entry.action,
      categories: entry.categories,
    });
  }
  return seen;
}

/**
 * One patron's access-log entries for the privacy officer (`access-log.read`): who (the actor's kind, id,
 * role and library), when, through which channel, why, what. Reading them is itself logged.
 */
export async function patronAccessLog(ctx: Context, input: { patronId: string }) {
  requirePermission(ctx, 'access-log.read');
  const patron = await requirePatron(ctx, input.patronId);
  // Who, as the director reads it: a staff member by their username and a library by its name, never
  // only by an id. Staff accounts and libraries are the library's own records, not a patron's.
  const staffNames = new Map<string, string | null>();
  const libraryNames = new Map<string, string | null>();
  const staffName = async (id: string) => {
    if (!staffNames.has(id)) staffNames.set(id, (await findStaffById(ctx.trx, id))?.username ?? null);
    return staffNames.get(id) ?? null;
  };
  const libraryName = async (id: string | null) => {
    if (id === null) return null;
    if (!libraryNames.has(id)) libraryNames.set(id, (await findLibrary(ctx.trx, id))?.name ?? null);
    return libraryNames.get(id) ?? null;
  };
  const entries = [];
  for (const e of await log.accessEntriesForPatron(ctx.trx, patron.id))
    entries.push({
      at: e.at,
      actorKind: e.actorKind,
      actorId: e.actorId,
      actorName: e.actorKind === 'staff' ? await staffName(e.actorId) : null,
      actorRole: e.actorRole,
      actorLibraryId: e.actorLibraryId,
      actorLibraryName: await libraryName(e.actorLibraryId),
      action: e.action,
      categories: e.categories,
      purpose: e.purpose,
      channel: e.channel,
    });
  await recordAccess(ctx, patron, 'view-access-log', ['access-log']);
  return { patronId: patron.id, entries };
}

/** How many alerts `securityAlerts` answers at most (the newest). */
export const ALERTS_LISTED = 200;

/** An alert to the director, as the director reads it: what tripped, when, and the staff account whose attempt tripped it. */
export interface SecurityAlert {
  at: string;
  libraryId: string;
  /** `identify-limit-staff`: a staff account reached the library's limit of refused identifications; `identify-limit-patron`: a patron did (IF-5, issue 22). */
  kind: string;
  staff: { id: string; username: string | null } | null;
}

/**
 * The alerts raised for the director in a library (issue 22): entries of the library's chain of the access
 * log (tamper-evident, kept as the access log is), newest first. An alert names the staff account and
 * never a patron; the patron concerned by a patron-limit alert has it on their own record
 * (`identity-check-locked`, read with GET /patrons/:id/access-log).
 */
export async function securityAlerts(ctx: Context, input: { libraryId?: string; since?: string }): Promise<SecurityAlert[]> {
  requirePermission(ctx, 'access-log.read');
  const libraryId = input.libraryId ?? (ctx.actor.kind === 'staff' ? ctx.actor.libraryId : null) ?? undefined;
  if (libraryId === undefined || !(await findLibrary(ctx.trx, libraryId)) || !canReachLibrary(ctx.actor, libraryId).allowed)
    throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'libraryId');
  const entries = await log.libraryAlerts(ctx.trx, libraryId, { ...(input.since !== undefined ? { since: input.since } : {}), limit: ALERTS_LISTED });
  const names = new Map<string, string | null>();
  const alerts: SecurityAlert[] = [];
  for (const entry of entries) {
    let staff: SecurityAlert['staff'] = null;
    if (entry.actorKind === 'staff') {
      if (!names.has(entry.actorId)) names.set(entry.actorId, (await findStaffById(ctx.trx, entry.actorId))?.username ?? null);
      staff = { id: entry.actorId, username: names.get(entry.actorId) ?? null };
    }
    alerts.push({ at: entry.at, libraryId, kind: entry.action.slice('alert:'.length), staff });
  }
  return alerts;
}

/**
 * Raises an alert to the director of a library (issue 22): an entry of the library's chain of the access
 * log, `alert:<kind>`, by the actor whose action tripped it; never a patron in it. Listed by `securityAlerts`.
 */
export async function raiseAlert(ctx: Context, libraryId: string | null, kind: string): Promise<void> {
  await recordLibraryChange(ctx, libraryId, `alert:${kind}`);
}
