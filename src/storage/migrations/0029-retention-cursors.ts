import type { Kysely } from 'kysely';

/**
 * Retention's pages are read in (end, id) order from a cursor written as a row-value comparison,
 * `(ended_at, id) > (?, ?)` (storage/retention.repository.ts). Each index that serves a page now ends
 * with the id, so the comparison is one index range on both engines, read in the page's order with no
 * sort: the page costs what it returns, not what is left of the table (issue 23, growth run). Each
 * index replaces the one before it, which it extends, so a check-in writes no more index entries than
 * it did. Patrons whose age band ends by the run's instant are read through an index of their own.
 */
const CURSOR_INDEXES: readonly { old: string; name: string; table: string; columns: string[] }[] = [
  { old: 'loans_closed', name: 'loans_closed_cursor', table: 'loans', columns: ['library_id', 'status', 'ended_at', 'id'] },
  { old: 'fines_settled', name: 'fines_settled_cursor', table: 'fines', columns: ['library_id', 'status', 'settled_at', 'id'] },
  { old: 'holds_ended', name: 'holds_ended_cursor', table: 'holds', columns: ['library_id', 'status', 'ended_at', 'id'] },
  { old: 'service_records_due', name: 'service_records_due_cursor', table: 'service_records', columns: ['library_id', 'kind', 'ends_at', 'id'] },
  { old: 'notices_library_status', name: 'notices_ended_cursor', table: 'notices', columns: ['library_id', 'status', 'ended_at', 'id'] },
  { old: 'patrons_last_active', name: 'patrons_last_active_cursor', table: 'patrons', columns: ['library_id', 'last_active_at', 'id'] },
  { old: 'vendor_authorisations_last', name: 'vendor_authorisations_last_cursor', table: 'vendor_authorisations', columns: ['last_at', 'patron_id', 'vendor_id'] },
];

export async function up(db: Kysely<any>): Promise<void> {
  // Each run moves on the age bands that ended (`patronsToReband`): read through this index, only those.
  await db.schema.createIndex('patrons_age_band_until').on('patrons').columns(['library_id', 'age_band_until']).execute();
  // Deceased patrons are walked by id (a patron's status changes seldom: the entry costs little).
  await db.schema.createIndex('patrons_status_cursor').on('patrons').columns(['library_id', 'status', 'id']).execute();
  for (const index of CURSOR_INDEXES) {
    await db.schema.createIndex(index.name).on(index.table).columns(index.columns).execute();
    await db.schema.dropIndex(index.old).ifExists().execute();
  }
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
