/**
 * What the transparency report reads from the legal-request register: per request only its instrument,
 * status and gag — never a patron, an agency, an officer or a case.
 */
import type { RequestFacts } from '../domain/records.js';
import type { Db } from './database.js';

/** Requests received in [from, to) by a library (or every library). */
export async function requestsReceived(db: Db, options: { libraryId: string | null; from: string; to: string }): Promise<RequestFacts[]> {
  const { libraryId } = options;
  const rows = await db
    .selectFrom('legal_requests')
    .select(['instrument', 'status', 'gag_until'])
    .where('received_at', '>=', options.from)
    .where('received_at', '<', options.to)
    .$if(libraryId !== null, (q) => q.where('library_id', '=', libraryId as string))
    .execute();
  return rows.map((r) => ({ instrument: r.instrument, status: r.status, gagUntil: r.gag_until }));
}
