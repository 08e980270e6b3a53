import { sql, type Selectable } from 'kysely';
import { engineOf, type Db } from './database.js';
import { prepared, preparedInsert } from './prepared.js';
import type { AccessLogHeadsTable, AccessLogTable } from './schema.js';

/** One access-log row: who touched which patron's records, which categories (never the data), why. */
export interface AccessEntry {
  at: string;
  libraryId: string | null;
  actorKind: string;
  actorId: string;
  /** The role the actor acted in (a staff role, 'patron', 'guardian', 'system'); null on rows older than the chain. */
  actorRole: string | null;
  /** The library the actor belongs to (null: the system, consortium-wide staff, or rows older than the chain). */
  actorLibraryId: string | null;
  patronId: string | null;
  action: string;
  categories: string[];
  purpose: string;
  channel: string;
}

/** An entry as stored, with its place in its library's hash chain. */
export interface ChainedEntry extends AccessEntry {
  seq: number;
  chain: string | null;
  chainSeq: number | null;
  hash: string | null;
}

/** A chain's head: its last entry, and where it starts after retention removed its oldest entries. */
export interface ChainHead {
  chain: string;
  lastSeq: number;
  lastHash: string;
  baseSeq: number;
  baseHash: string;
  baseMac: string;
  /** Lane 0's head: how many lanes the library's log has (1 on every other lane), and their MAC (null: not attested). */
  lanes: number;
  lanesMac: string | null;
}

/** Where `verify-log` last found a chain intact. */
export interface Checkpoint {
  chain: string;
  seq: number;
  hash: string;
  verifiedAt: string;
  mac: string;
}

function toEntry(row: Selectable<AccessLogTable>): ChainedEntry {
  return {
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    libraryId: row.library_id,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    actorLibraryId: row.actor_library_id,
    patronId: row.patron_id,
    action: row.action,
    categories: row.categories === '' ? [] : row.categories.split(','),
    purpose: row.purpose,
    channel: row.channel,
    chain: row.chain,
    chainSeq: row.chain_seq === null ? null : Number(row.chain_seq),
    hash: row.hash,
  };
}

function toHead(row: Selectable<AccessLogHeadsTable>): ChainHead {
  return {
    chain: row.chain,
    lastSeq: Number(row.last_seq),
    lastHash: row.last_hash,
    baseSeq: Number(row.base_seq),
    baseHash: row.base_hash,
    baseMac: row.base_mac,
    lanes: Number(row.lanes ?? 1),
    lanesMac: row.lanes_mac ?? null,
  };
}

const insertAccessRow = preparedInsert<Omit<AccessLogTable, 'seq'>>('access_log', [
  'at',
  'library_id',
  'actor_kind',
  'actor_id',
  'patron_id',
  'action',
  'categories',
  'purpose',
  'channel',
  'actor_role',
  'actor_library_id',
  'chain',
  'chain_seq',
  'hash',
]);

/**
 * Inserts entries already placed in their chain (chain, chain_seq, hash computed by the caller, which
 * holds the chain's head locked). Only the chained append in usecases/access-chain.ts calls this.
 */
export async function insertChainedEntry(db: Db, entry: PlacedEntry): Promise<void> {
  await insertAccessRow(db, placedRow(entry));
}

// PostgreSQL: the head row is the chain's lock, held to the end of the transaction; appends to one chain
// queue there, at the end of each transaction. SQLite: a write transaction already excludes every other.
const selectHead = prepared((db: Db, chain: string) => {
  const query = db.selectFrom('access_log_heads').selectAll().where('chain', '=', chain);
  return engineOf(db) === 'postgres' ? query.forUpdate() : query;
});

/** A chain's head, locked for the rest of the transaction (PostgreSQL), or undefined if the chain has none. */
export async function lockHead(db: Db, chain: string): Promise<ChainHead | undefined> {
  const [row] = (await selectHead(db, chain)).rows;
  return row ? toHead(row) : undefined;
}

const selectFreeHead = prepared((db: Db, chain: string) => db.selectFrom('access_log_heads').selectAll().where('chain', '=', chain).forUpdate().skipLocked());

/** PostgreSQL: a chain's head locked for the rest of the transaction if no other transaction holds it (no waiting), else undefined. */
export async function tryLockHead(db: Db, chain: string): Promise<ChainHead | undefined> {
  const [row] = (await selectFreeHead(db, chain)).rows;
  return row ? toHead(row) : undefined;
}

/**
 * PostgreSQL: the first of these heads no other transaction holds, locked for the rest of the transaction
 * without waiting (`SKIP LOCKED`), or undefined when every one is held or none exists.
 */
export async function lockFreeHead(db: Db, chains: readonly string[]): Promise<ChainHead | undefined> {
  const row = await db.selectFrom('access_log_heads').selectAll().where('chain', 'in', chains).orderBy('chain').limit(1).forUpdate().skipLocked().executeTakeFirst();
  return row ? toHead(row) : undefined;
}

/** Creates a chain's head unless another transaction did first (then this waits for it and does nothing). */
export async function createHead(db: Db, head: ChainHead): Promise<void> {
  await db
    .insertInto('access_log_heads')
    .values({
      chain: head.chain,
      last_seq: head.lastSeq,
      last_hash: head.lastHash,
      base_seq: head.baseSeq,
      base_hash: head.baseHash,
      base_mac: head.baseMac,
      lanes: head.lanes,
      lanes_mac: head.lanesMac,
    })
    .onConflict((oc) => oc.column('chain').doNothing())
    .execute();
}

const updateHeadEnd = prepared((db: Db, chain: string, lastSeq: number, lastHash: string) =>
  db.updateTable('access_log_heads').set({ last_seq: lastSeq, last_hash: lastHash }).where('chain', '=', chain),
);

const updateLaneZeroEnd = prepared((db: Db, chain: string, lastSeq: number, lastHash: string, lanes: number, lanesMac: string) =>
  db.updateTable('access_log_heads').set({ last_seq: lastSeq, last_hash: lastHash, lanes, lanes_mac: lanesMac }).where('chain', '=', chain),
);

/** An entry with its place in its chain, as the chained append writes it. */
export type PlacedEntry = AccessEntry & { chain: string; chainSeq: number; hash: string };

function placedRow(entry: PlacedEntry): Omit<AccessLogTable, 'seq'> {
  return {
    at: entry.at,
    library_id: entry.libraryId,
    actor_kind: entry.actorKind,
    actor_id: entry.actorId,
    patron_id: entry.patronId,
    action: entry.action,
    categories: entry.categories.join(','),
    purpose: entry.purpose,
    channel: entry.channel,
    actor_role: entry.actorRole,
    actor_library_id: entry.actorLibraryId,
    chain: entry.chain,
    chain_seq: entry.chainSeq,
    hash: entry.hash,
  };
}

const ROW_COLUMNS = ['at', 'library_id', 'actor_kind', 'actor_id', 'patron_id', 'action', 'categories', 'purpose', 'channel', 'actor_role', 'actor_library_id', 'chain', 'chain_seq', 'hash'] as const;

// PostgreSQL: one entry inserted and its chain's end moved in one statement (a data-modifying WITH), so
// a transaction holds its lane's head one round trip less. The end is the entry itself.
const insertMovingEnd = prepared((db: Db, ...values: unknown[]) =>
  db
    .with('entry', (w) => w.insertInto('access_log').values(Object.fromEntries(ROW_COLUMNS.map((c, i) => [c, values[i]])) as Omit<AccessLogTable, 'seq'>))
    .updateTable('access_log_heads')
    .set({ last_seq: values[12] as number, last_hash: values[13] as string })
    .where('chain', '=', values[11] as string),
);
const insertMovingLaneZeroEnd = prepared((db: Db, ...values: unknown[]) =>
  db
    .with('entry', (w) => w.insertInto('access_log').values(Object.fromEntries(ROW_COLUMNS.map((c, i) => [c, values[i]])) as Omit<AccessLogTable, 'seq'>))
    .updateTable('access_log_heads')
    .set({ last_seq: values[12] as number, last_hash: values[13] as string, lanes: values[14] as number, lanes_mac: values[15] as string })
    .where('chain', '=', values[11] as string),
);

/**
 * Writes a chain's new entries, in order, and moves the chain's end to the last (on a library's lane 0,
 * with its lane count and their MAC). On PostgreSQL a single entry (a use case's usual one) is written
 * with its end in one statement; otherwise the entries, then the end.
 */
export async function appendPlaced(db: Db, entries: readonly PlacedEntry[], lanes?: { lanes: number; lanesMac: string }): Promise<void> {
  const last = entries[entries.length - 1];
  if (last === undefined) return;
  if (entries.length === 1 && engineOf(db) === 'postgres') {
    const values = ROW_COLUMNS.map((c) => placedRow(last)[c]);
    if (lanes) await insertMovingLaneZeroEnd(db, ...values, lanes.lanes, lanes.lanesMac);
    else await insertMovingEnd(db, ...values);
    return;
  }
  for (const entry of entries) await insertChainedEntry(db, entry);
  await setHeadEnd(db, last.chain, last.chainSeq, last.hash, lanes);
}

/** Moves a chain's end to its newest entry (on a library's lane 0, with its lane count and their MAC). */
export async function setHeadEnd(db: Db, chain: string, lastSeq: number, lastHash: string, lanes?: { lanes: number; lanesMac: string }): Promise<void> {
  if (lanes) await updateLaneZeroEnd(db, chain, lastSeq, lastHash, lanes.lanes, lanes.lanesMac);
  else await updateHeadEnd(db, chain, lastSeq, lastHash);
}

/** Sets the lane count of a lane 0 head with its MAC (the upgrade's attestation of the heads it found). */
export async function setHeadLanes(db: Db, chain: string, lanes: number, lanesMac: string, options: { onlyUnattested?: boolean } = {}): Promise<void> {
  let query = db.updateTable('access_log_heads').set({ lanes, lanes_mac: lanesMac }).where('chain', '=', chain);
  if (options.onlyUnattested) query = query.where('lanes_mac', 'is', null);
  await query.execute();
}

/** Moves a chain's start past the entries retention removed. */
export async function setHeadBase(db: Db, chain: string, base: { baseSeq: number; baseHash: string; baseMac: string }): Promise<void> {
  await db.updateTable('access_log_heads').set({ base_seq: base.baseSeq, base_hash: base.baseHash, base_mac: base.baseMac }).where('chain', '=', chain).execute();
}

/** Every chain's head (or one chain's), by chain. */
export async function listHeads(db: Db, chain?: string): Promise<ChainHead[]> {
  let query = db.selectFrom('access_log_heads').selectAll().orderBy('chain');
  if (chain !== undefined) query = query.where('chain', '=', chain);
  return (await query.execute()).map(toHead);
}

/** The heads of one library's lanes (its own chain and `<chain>/<k>`), by chain. */
export async function laneHeads(db: Db, chain: string): Promise<ChainHead[]> {
  const rows = await db
    .selectFrom('access_log_heads')
    .selectAll()
    // Library ids and '-' hold no '/', '%' or '_': the pattern matches this library's lanes only, under any collation.
    .where((eb) => eb.or([eb('chain', '=', chain), eb('chain', 'like', `${chain}/%`)]))
    .orderBy('chain')
    .execute();
  return rows.map(toHead);
}

/** Whether any chain exists yet. */
export async function anyHead(db: Db): Promise<boolean> {
  return (await db.selectFrom('access_log_heads').select('chain').limit(1).executeTakeFirst()) !== undefined;
}

/**
 * The chains the log's entries name (not only those with a head): a loose index scan over the
 * (chain, chain_seq) index, one probe per chain, rather than reading every entry.
 */
export async function entryChains(db: Db): Promise<string[]> {
  const rows = await sql<{ chain: string | null }>`
    with recursive c(chain) as (
      select min(chain) from access_log
      union all
      select (select min(a.chain) from access_log a where a.chain > c.chain) from c where c.chain is not null
    )
    select chain from c where chain is not null`.execute(db);
  return rows.rows.map((r) => r.chain as string);
}

/** A page of one chain's entries in chain order, after `afterChainSeq`. */
export async function chainPage(db: Db, chain: string, afterChainSeq: number | null, limit: number): Promise<ChainedEntry[]> {
  let query = db.selectFrom('access_log').selectAll().where('chain', '=', chain);
  if (afterChainSeq !== null) query = query.where('chain_seq', '>', afterChainSeq);
  return (await query.orderBy('chain_seq').limit(limit).execute()).map(toEntry);
}

/** Deletes one chain's entries up to and including `throughChainSeq` (retention; the caller moves the base). */
export async function deleteChainPrefix(db: Db, chain: string, throughChainSeq: number): Promise<number> {
  const result = await db.deleteFrom('access_log').where('chain', '=', chain).where('chain_seq', '<=', throughChainSeq).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Every chain's checkpoint (or those of the given chains). */
export async function listCheckpoints(db: Db): Promise<Checkpoint[]> {
  const rows = await db.selectFrom('access_log_checkpoints').selectAll().execute();
  return rows.map((r) => ({ chain: r.chain, seq: Number(r.seq), hash: r.hash, verifiedAt: r.verified_at, mac: r.mac }));
}

/** Records where a chain was last found intact. */
export async function saveCheckpoint(db: Db, checkpoint: Checkpoint): Promise<void> {
  await db
    .insertInto('access_log_checkpoints')
    .values({ chain: checkpoint.chain, seq: checkpoint.seq, hash: checkpoint.hash, verified_at: checkpoint.verifiedAt, mac: checkpoint.mac })
    .onConflict((oc) => oc.column('chain').doUpdateSet({ seq: checkpoint.seq, hash: checkpoint.hash, verified_at: checkpoint.verifiedAt, mac: checkpoint.mac }))
    .execute();
}

/** Whether any entry is outside every chain (written before the chain existed, or inserted behind its back). */
export async function anyUnchained(db: Db): Promise<boolean> {
  return (await db.selectFrom('access_log').select('seq').where('chain', 'is', null).limit(1).executeTakeFirst()) !== undefined;
}

/** Entries outside every chain (of one library's patrons, or all): how many, and the first (by seq). */
export async function unchainedSummary(db: Db, libraryId?: string): Promise<{ count: number; firstSeq: number | null }> {
  let query = db
    .selectFrom('access_log')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('seq').as('first')])
    .where('chain', 'is', null);
  if (libraryId !== undefined) query = query.where('library_id', '=', libraryId);
  const row = await query.executeTakeFirstOrThrow();
  return { count: Number(row.n), firstSeq: row.first === null ? null : Number(row.first) };
}

/** A page of the entries outside every chain, in seq order. */
export async function unchainedPage(db: Db, afterSeq: number, limit: number): Promise<ChainedEntry[]> {
  return (await db.selectFrom('access_log').selectAll().where('chain', 'is', null).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute()).map(toEntry);
}

/** Places an entry written before the chain existed into its chain. */
export async function setChainPosition(db: Db, seq: number, position: { chain: string; chainSeq: number; hash: string }): Promise<void> {
  await db.updateTable('access_log').set({ chain: position.chain, chain_seq: position.chainSeq, hash: position.hash }).where('seq', '=', seq).execute();
}

/** PostgreSQL: takes the heads table for this transaction (writers of any chain wait). SQLite needs nothing. */
export async function lockAllHeads(db: Db): Promise<void> {
  if (engineOf(db) === 'postgres') await sql`lock table access_log_heads in share row exclusive mode`.execute(db);
}

/**
 * A library's alerts to the director (entries of its chain whose action starts with `alert:`, no patron),
 * newest first, at most `limit`, since `since` when given.
 */
export async function libraryAlerts(db: Db, libraryId: string, options: { since?: string; limit: number }): Promise<ChainedEntry[]> {
  let query = db.selectFrom('access_log').selectAll().where('library_id', '=', libraryId).where('patron_id', 'is', null).where('action', 'like', 'alert:%');
  if (options.since !== undefined) query = query.where('at', '>=', options.since);
  const rows = await query.orderBy('seq', 'desc').limit(options.limit).execute();
  return rows.map(toEntry);
}

/** A patron's entries, oldest first (the patron's export, and who accessed their record). */
export async function accessEntriesForPatron(db: Db, patronId: string): Promise<ChainedEntry[]> {
  const rows = await db.selectFrom('access_log').selectAll().where('patron_id', '=', patronId).orderBy('seq').execute();
  return rows.map(toEntry);
}
