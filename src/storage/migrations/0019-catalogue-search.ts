import type { Kysely } from 'kysely';

/**
 * Catalogue search at size (issue 18's bench:search): one index of a copy's record, status and branch.
 *
 * A search reads copies three ways, all by record: whether a record has a copy at a branch (the branch
 * filter), whether it has one on the shelf (the available filter and facet), and the copies per branch
 * (the branch facet and each hit's availability). With the branch in the index every one of them is
 * answered from the index alone, without reading the item rows. It replaces 0018's items(record_id,
 * status), which is its prefix.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('items_record_status_branch').on('items').columns(['record_id', 'status', 'branch_id']).execute();
  await db.schema.dropIndex('items_record').execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
