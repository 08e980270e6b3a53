import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * Lawful disclosure (RR-7, CB-E1..E3, JC-II, JC-IVd-le, RF-2, IF-8, IF-9): the legal-request register,
 * the patrons each request names, and the notices patrons see once their records were released (after
 * any gag). The register holds no patron's personal field: patrons by id only, the manifest by record id.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  const instant = pg ? sql`timestamptz` : sql`text`;

  await db.schema
    .createTable('legal_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('received_at', instant, (c) => c.notNull())
    .addColumn('received_by', 'text', (c) => c.notNull())
    .addColumn('agency', 'text', (c) => c.notNull())
    .addColumn('officer_name', 'text', (c) => c.notNull())
    .addColumn('officer_id', 'text', (c) => c.notNull())
    .addColumn('instrument', 'text', (c) => c.notNull())
    .addColumn('case_number', 'text')
    .addColumn('scope_categories', 'text', (c) => c.notNull())
    .addColumn('scope_from', instant)
    .addColumn('scope_to', instant)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('referred_at', instant)
    .addColumn('referred_by', 'text')
    .addColumn('review_proper_form', 'integer')
    .addColumn('review_good_cause', 'integer')
    .addColumn('review_notes', 'text')
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', instant)
    .addColumn('decision', 'text')
    .addColumn('decision_reason', 'text')
    .addColumn('decision_notes', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', instant)
    .addColumn('gag_until', instant)
    .addColumn('released_at', instant)
    .addColumn('released_by', 'text')
    .addColumn('manifest', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('legal_requests_library').on('legal_requests').columns(['library_id', 'received_at']).execute();

  // The patrons a request names (or, for a public-records request, those its release listed). No
  // foreign key to patrons: the register outlives a deleted patron, whose id then identifies no one.
  await db.schema
    .createTable('legal_request_patrons')
    .addColumn('request_id', 'text', (c) => c.notNull().references('legal_requests.id'))
    .addColumn('patron_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('legal_request_patrons_pk', ['request_id', 'patron_id'])
    .execute();
  await db.schema.createIndex('legal_request_patrons_patron').on('legal_request_patrons').column('patron_id').execute();

  // What a patron is told (a release of their records), shown from `visible_from` (the end of a gag).
  // They go with the patron when the patron is deleted.
  await db.schema
    .createTable('patron_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patron_id', 'text', (c) => c.notNull().references('patrons.id').onDelete('cascade'))
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.references('legal_requests.id'))
    .addColumn('visible_from', instant, (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('patron_notices_patron').on('patron_notices').columns(['patron_id', 'visible_from']).execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
