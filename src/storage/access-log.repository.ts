import type { Db } from './database.js';
import { preparedInsert } from './prepared.js';
import type { AccessLogTable } from './schema.js';

/** One access-log row: who touched which patron's records, which categories (never the data), why. */
export interface AccessEntry {
  at: string;
  libraryId: string | null;
  actorKind: string;
  actorId: string;
  patronId: string | null;
  action: string;
  categories: string[];
  purpose: string;
  channel: string;
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

export async function appendAccess(db: Db, entry: AccessEntry): Promise<void> {
  await insertAccessRow(db, {
      at: entry.at,
      library_id: entry.libraryId,
      actor_kind: entry.actorKind,
      actor_id: entry.actorId,
      patron_id: entry.patronId,
      action: entry.action,
      categories: entry.categories.join(','),
      purpose: entry.purpose,
      channel: entry.channel,
      actor_role: null,
      actor_library_id: null,
      chain: null,
      chain_seq: null,
      hash: null,
  });
}

export async function accessEntriesForPatron(db: Db, patronId: string): Promise<AccessEntry[]> {
  const rows = await db.selectFrom('access_log').selectAll().where('patron_id', '=', patronId).orderBy('seq').execute();
  return rows.map((row) => ({
    at: row.at,
    libraryId: row.library_id,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    patronId: row.patron_id,
    action: row.action,
    categories: row.categories === '' ? [] : row.categories.split(','),
    purpose: row.purpose,
    channel: row.channel,
  }));
}
