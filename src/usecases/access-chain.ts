/**
 * The access log's hash chains (DESIGN.md invariant 3): one chain per library ('-' for entries of no
 * library). Each entry's `hash` is a keyed MAC (the vault's access-log key, which the database does not
 * hold) over the entry's fields, its place in the chain and the previous entry's hash; the chain's head
 * row holds its last entry and its base, where it starts once retention has removed its oldest entries.
 * Appends happen at the end of each use case's transaction (`run` in context.ts), under the head's lock.
 */
import * as log from '../storage/access-log.repository.js';
import type { AccessEntry, ChainedEntry, ChainHead } from '../storage/access-log.repository.js';
import type { Db } from '../storage/database.js';
import type { Vault } from '../vault/vault.js';

/** The chain of entries that name no library (backups, restores). */
export const NO_LIBRARY_CHAIN = '-';
/** What the first entry of a new chain links to. */
export const GENESIS_HASH = '0'.repeat(64);

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

/** The head of a chain that has no entry yet. */
function newHead(vault: Vault, chain: string): ChainHead {
  return { chain, lastSeq: 0, lastHash: GENESIS_HASH, baseSeq: 0, baseHash: GENESIS_HASH, baseMac: baseMac(vault, chain, 0, GENESIS_HASH) };
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
 * Appends entries to their chains in the caller's transaction: per chain (in chain order, so two
 * transactions never wait on each other's heads), lock the head, link each entry to the one before,
 * insert, move the head. Every writer of the access log comes through here.
 */
export async function appendChained(db: Db, vault: Vault, entries: readonly AccessEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const byChain = new Map<string, AccessEntry[]>();
  for (const entry of entries) {
    const chain = chainOf(entry);
    const list = byChain.get(chain);
    if (list) list.push(entry);
    else byChain.set(chain, [entry]);
  }
  for (const chain of [...byChain.keys()].sort()) {
    const head = await lockOrCreateHead(db, vault, chain);
    let chainSeq = head.lastSeq;
    let previous = head.lastHash;
    for (const entry of byChain.get(chain) as AccessEntry[]) {
      chainSeq++;
      const hash = entryMac(vault, { ...entry, chain, chainSeq }, previous);
      await log.insertChainedEntry(db, { ...entry, chain, chainSeq, hash });
      previous = hash;
    }
    await log.setHeadEnd(db, chain, chainSeq, previous);
  }
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
  for (const [chain, head] of heads) await log.createHead(db, { ...newHead(vault, chain), ...head });
  return chained;
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
