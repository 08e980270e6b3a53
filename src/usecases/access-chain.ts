/**
 * The access log's hash chains (DESIGN.md invariant 3): one log per library ('-' for entries of no
 * library), made of one or more chains, its lanes. Each entry's `hash` is a keyed MAC (the vault's
 * access-log key, which the database does not hold) over the entry's fields, its place in its lane and the
 * previous entry's hash; a lane's head row holds its last entry and its base, where it starts once
 * retention has removed its oldest entries. Appends happen at the end of each use case's transaction
 * (`run` in context.ts), under the lane head's lock.
 *
 * Lanes (PostgreSQL): lane 0 is the library's own chain (its id); lane k is `<id>/k`. A transaction takes
 * the first lane head no other transaction holds, so one library's commits no longer queue on one row.
 * Lane 0's head says how many lanes the library has, under a MAC bound to lane 0's last entry; a lane is
 * opened only by a transaction that appends to lane 0 in the same commit, so the count never changes
 * without lane 0's end moving. To make a lane disappear, one would have to forge that MAC, or roll lane 0
 * back to before the lane was opened (truncating lane 0, which its anchored head hash shows).
 */
import * as log from '../storage/access-log.repository.js';
import type { AccessEntry, ChainedEntry, ChainHead, PlacedEntry } from '../storage/access-log.repository.js';
import { engineOf, type Db } from '../storage/database.js';
import type { Vault } from '../vault/vault.js';

/** The chain of entries that name no library (backups, restores). */
export const NO_LIBRARY_CHAIN = '-';
/** What the first entry of a new chain links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** How many lanes a library's log uses on PostgreSQL unless the operator says otherwise (CARREL_ACCESS_LANES). */
export const DEFAULT_POSTGRES_LANES = 8;
/** The most lanes an operator may ask for. */
export const MAX_LANES = 64;

/** The chain id of a library's lane: the library's chain itself for lane 0, `<chain>/<lane>` after. */
export function laneChain(chain: string, lane: number): string {
  return lane === 0 ? chain : `${chain}/${lane}`;
}

/** The library chain and lane a chain id names (library ids and '-' hold no '/'). */
export function laneOf(chainId: string): { chain: string; lane: number } {
  const slash = chainId.indexOf('/');
  if (slash < 0) return { chain: chainId, lane: 0 };
  const lane = Number(chainId.slice(slash + 1));
  return { chain: chainId.slice(0, slash), lane: Number.isInteger(lane) && lane > 0 ? lane : -1 };
}

/** The lanes a log appends to with `lanes` configured: SQLite has one writer at a time, so one lane there. */
export function lanesFor(db: Db, configured: number | undefined): number {
  return engineOf(db) === 'postgres' ? Math.max(1, Math.min(MAX_LANES, configured ?? DEFAULT_POSTGRES_LANES)) : 1;
}

/** The chain an entry belongs to. */
export function chainOf(entry: Pick<AccessEntry, 'libraryId'>): string {
  return entry.libraryId ?? NO_LIBRARY_CHAIN;
}

/**
 * An entry's MAC. The encoding is a JSON array (unambiguous: no field can bleed into the next), the
 * instant normalised to ISO-8601 in UTC so both engines give the same bytes.
 */
export function entryMac(vault: Vault, entry: AccessEntry & { chain: string; chainSeq: number }, previousHash: string): string {
  return vault.accessLogMac(
    JSON.stringify([
      'carrel-access-entry-1',
      entry.chain,
      entry.chainSeq,
      new Date(entry.at).toISOString(),
      entry.libraryId,
      entry.actorKind,
      entry.actorId,
      entry.actorRole,
      entry.actorLibraryId,
      entry.patronId,
      entry.action,
      entry.categories.join(','),
      entry.purpose,
      entry.channel,
      previousHash,
    ]),
  );
}

/** The MAC of a chain's base: moving the start of a chain (hiding its oldest entries) needs the key. */
export function baseMac(vault: Vault, chain: string, baseSeq: number, baseHash: string): string {
  return vault.accessLogMac(JSON.stringify(['carrel-access-base-1', chain, baseSeq, baseHash]));
}

/** The MAC of a verification checkpoint: moving where the next incremental `verify-log` starts needs the key. */
export function checkpointMac(vault: Vault, chain: string, seq: number, hash: string): string {
  return vault.accessLogMac(JSON.stringify(['carrel-access-checkpoint-1', chain, seq, hash]));
}

/**
 * The MAC of a library's lane count, on lane 0's head: bound to lane 0's last entry, so an older count
 * (with fewer lanes) cannot be put back without rolling lane 0 back too.
 */
export function lanesMac(vault: Vault, chain: string, lanes: number, lastSeq: number, lastHash: string): string {
  return vault.accessLogMac(JSON.stringify(['carrel-access-lanes-1', chain, lanes, lastSeq, lastHash]));
}

/** The head of a chain that has no entry yet (a library's lane 0 says it has one lane). */
function newHead(vault: Vault, chain: string): ChainHead {
  const lanesMacValue = laneOf(chain).lane === 0 ? lanesMac(vault, chain, 1, 0, GENESIS_HASH) : null;
  return { chain, lastSeq: 0, lastHash: GENESIS_HASH, baseSeq: 0, baseHash: GENESIS_HASH, baseMac: baseMac(vault, chain, 0, GENESIS_HASH), lanes: 1, lanesMac: lanesMacValue };
}

/**
 * The lane this transaction appends a library's entries to, locked for the rest of the transaction: the
 * first lane head no one holds (PostgreSQL `SKIP LOCKED`); when every one is held, lane 0 (waiting for
 * it) while the library has fewer lanes than `lanes`, opening the next lane for the transactions after;
 * once it has them all, one at random (waiting), so waiters spread over the lanes. Answers the head and,
 * for lane 0, the lane count its end must carry.
 */
async function takeLane(db: Db, vault: Vault, chain: string, lanes: number): Promise<ChainHead> {
  if (lanes <= 1) return lockOrCreateHead(db, vault, chain);
  // Lane 0 first, one prepared statement: a library's transactions that do not meet pay nothing more.
  const zeroFree = await log.tryLockHead(db, chain);
  if (zeroFree) return zeroFree;
  const ids = Array.from({ length: lanes - 1 }, (_, lane) => laneChain(chain, lane + 1));
  const free = await log.lockFreeHead(db, ids);
  if (free) return free;
  const existing = await log.laneHeads(db, chain);
  const zero = existing.find((h) => h.chain === chain);
  // The library's first entry: its lane 0 (two first entries racing: the loser waits for the winner's).
  if (!zero) return lockOrCreateHead(db, vault, chain);
  if (zero.lanes < lanes) {
    const head = await lockOrCreateHead(db, vault, chain);
    if (head.lanes >= lanes) return head;
    // Opened under lane 0's lock, by a transaction that appends to lane 0: the new count is MAC'd with
    // lane 0's new end (appendChained), so it cannot be taken back without truncating lane 0.
    await log.createHead(db, newHead(vault, laneChain(chain, head.lanes)));
    return { ...head, lanes: head.lanes + 1 };
  }
  const lane = Math.floor(Math.random() * Math.min(lanes, zero.lanes));
  return lane === 0 ? lockOrCreateHead(db, vault, chain) : ((await log.lockHead(db, laneChain(chain, lane))) ?? lockOrCreateHead(db, vault, chain));
}

/** Locks a chain's head for the rest of the transaction, creating it on the chain's first entry. */
export async function lockOrCreateHead(db: Db, vault: Vault, chain: string): Promise<ChainHead> {
  const found = await log.lockHead(db, chain);
  if (found) return found;
  // Two first entries racing: the loser's insert waits for the winner's commit and does nothing.
  await log.createHead(db, newHead(vault, chain));
  const created = await log.lockHead(db, chain);
  if (!created) throw new Error(`the access log's chain ${chain} has no head`);
  return created;
}

/**
 * Appends entries to their chains in the caller's transaction: per library's log (in chain order, so two
 * transactions never wait on each other's heads), take a lane (`takeLane`), link each entry to the one
 * before, insert, move the head. Every writer of the access log comes through here. `lanes`: the
 * operator's lane count (CARREL_ACCESS_LANES); always one on SQLite.
 */
export async function appendChained(db: Db, vault: Vault, entries: readonly AccessEntry[], options: { lanes?: number } = {}): Promise<void> {
  if (entries.length === 0) return;
  const byChain = new Map<string, AccessEntry[]>();
  for (const entry of entries) {
    const chain = chainOf(entry);
    const list = byChain.get(chain);
    if (list) list.push(entry);
    else byChain.set(chain, [entry]);
  }
  const lanes = lanesFor(db, options.lanes);
  for (const library of [...byChain.keys()].sort()) {
    const head = await takeLane(db, vault, library, lanes);
    const chain = head.chain;
    let chainSeq = head.lastSeq;
    let previous = head.lastHash;
    const placed: PlacedEntry[] = [];
    for (const entry of byChain.get(library) as AccessEntry[]) {
      chainSeq++;
      const hash = entryMac(vault, { ...entry, chain, chainSeq }, previous);
      placed.push({ ...entry, chain, chainSeq, hash });
      previous = hash;
    }
    const laneZero = chain === library ? { lanes: head.lanes, lanesMac: lanesMac(vault, chain, head.lanes, chainSeq, previous) } : undefined;
    await log.appendPlaced(db, placed, laneZero);
  }
}

/**
 * Attests the lane count (one) of every library chain whose head has none: the heads a database had
 * before lanes existed (migration 0028), once, by the opening that upgrades it or the restore of an
 * older backup. Afterwards a lane 0 head without a valid count is reported by `verify-log`. Each head is
 * locked and read again, and attested only while it still has no count: a process that appended to lane 0
 * (or opened a lane) since the migration committed has written a count with its end, which stands.
 */
export async function attestLegacyLanes(db: Db, vault: Vault): Promise<number> {
  let attested = 0;
  for (const listed of await log.listHeads(db)) {
    if (listed.lanesMac !== null || laneOf(listed.chain).lane !== 0) continue;
    const head = await log.lockHead(db, listed.chain);
    if (!head || head.lanesMac !== null) continue;
    await log.setHeadLanes(db, head.chain, 1, lanesMac(vault, head.chain, 1, head.lastSeq, head.lastHash), { onlyUnattested: true });
    attested++;
  }
  return attested;
}

const LEGACY_PAGE = 1000;

/**
 * Chains the entries written before the chain existed (migration 0003), in the order they were written,
 * once: only while no chain exists at all. Afterwards an entry outside every chain can only have been
 * put there behind Carrel's back, and `verify-log` reports it rather than this vouching for it. Runs in
 * the caller's transaction; on PostgreSQL it takes the heads table, so appends wait until it is done.
 * Returns how many entries it chained.
 */
export async function chainLegacyEntries(db: Db, vault: Vault): Promise<number> {
  if (!(await log.anyUnchained(db))) return 0;
  await log.lockAllHeads(db);
  if (await log.anyHead(db)) return 0;
  const heads = new Map<string, { lastSeq: number; lastHash: string }>();
  let after = 0;
  let chained = 0;
  for (;;) {
    const page = await log.unchainedPage(db, after, LEGACY_PAGE);
    for (const entry of page) {
      const chain = chainOf(entry);
      const head = heads.get(chain) ?? { lastSeq: 0, lastHash: GENESIS_HASH };
      const chainSeq = head.lastSeq + 1;
      const hash = entryMac(vault, { ...entry, chain, chainSeq }, head.lastHash);
      await log.setChainPosition(db, entry.seq, { chain, chainSeq, hash });
      heads.set(chain, { lastSeq: chainSeq, lastHash: hash });
      after = entry.seq;
      chained++;
    }
    if (page.length < LEGACY_PAGE) break;
  }
  for (const [chain, head] of heads) await log.createHead(db, { ...newHead(vault, chain), ...head, lanesMac: lanesMac(vault, chain, 1, head.lastSeq, head.lastHash) });
  return chained;
}

/** A library's lanes that exist, by lane number (lane 0 first). */
export async function libraryLanes(db: Db, chain: string): Promise<number[]> {
  return (await log.laneHeads(db, chain))
    .map((h) => laneOf(h.chain).lane)
    .filter((lane) => lane >= 0)
    .sort((a, b) => a - b);
}

/** What one page of access-log retention did. */
export interface PrunePage {
  seen: number;
  disposed: number;
  kept: number;
  /** Of `kept`, the entry a legal hold kept (the prune stops at it). */
  held: number;
  /** Where the next page starts (the last chain_seq seen), or null when the chain is done. */
  next: number | null;
}

/**
 * One page of a chain's retention: its oldest entries, in chain order, that were written at or before
 * `cutoff` go, and the head's base moves to the last of them (its hash becomes what the first remaining
 * entry links to, under a fresh base MAC), so the chain still verifies. Stops at the first entry newer
 * than the cutoff. An entry whose link does not verify is kept with everything after it: retention never
 * destroys the evidence of tampering. A dry run counts from `after` and changes nothing.
 */
export async function pruneChainPage(
  db: Db,
  vault: Vault,
  input: { chain: string; cutoff: string; limit: number; after: number | null; dryRun: boolean; held?: (entry: ChainedEntry) => boolean },
): Promise<PrunePage> {
  const head = await log.lockHead(db, input.chain);
  if (!head) return { seen: 0, disposed: 0, kept: 0, held: 0, next: null };
  const cutoff = Date.parse(input.cutoff);
  const from = input.dryRun && input.after !== null ? Math.max(input.after, head.baseSeq) : head.baseSeq;
  const rows = await log.chainPage(db, input.chain, from, input.limit);
  const due: ChainedEntry[] = [];
  let ended = false;
  let broken = false;
  // An entry a legal hold covers is kept, and with it everything after it: the chain only loses a prefix.
  let held = false;
  let expected = from + 1;
  let previous = head.baseHash;
  const baseValid = head.baseMac === baseMac(vault, head.chain, head.baseSeq, head.baseHash);
  for (const row of rows) {
    if (Date.parse(row.at) > cutoff) {
      ended = true;
      break;
    }
    if (input.held?.(row)) {
      held = true;
      break;
    }
    if (!input.dryRun && (!baseValid || row.chainSeq !== expected || row.hash !== entryMac(vault, { ...row, chain: input.chain, chainSeq: expected }, previous))) {
      broken = true;
      break;
    }
    due.push(row);
    expected = (row.chainSeq ?? expected) + 1;
    previous = row.hash ?? '';
  }
  const last = due[due.length - 1];
  if (!input.dryRun && last && last.chainSeq !== null && last.hash !== null) {
    await log.deleteChainPrefix(db, input.chain, last.chainSeq);
    await log.setHeadBase(db, input.chain, { baseSeq: last.chainSeq, baseHash: last.hash, baseMac: baseMac(vault, input.chain, last.chainSeq, last.hash) });
  }
  // Kept: the entry whose link is broken, if it too is past the cutoff (the rest are counted by verify-log).
  const kept = broken || held ? 1 : 0;
  const done = ended || broken || held || rows.length < input.limit;
  return { seen: due.length + kept, disposed: due.length, kept, held: held ? 1 : 0, next: done || !last ? null : (last.chainSeq ?? null) };
}
