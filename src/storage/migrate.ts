import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-circulation.js';
import * as m0002 from './migrations/0002-retention.js';
import * as m0003 from './migrations/0003-access.js';
import * as m0004 from './migrations/0004-disclosure.js';
// Legal holds and complaints (after the legal-request register, 0004).
import * as m0005 from './migrations/0005-holds.js';
// Statistics: registration and service aggregates (after 0005; before 0007).
import * as m0006 from './migrations/0006-statistics.js';
// Policy version history (RR-10, CB-A9): must stay after 0006.
import * as m0007 from './migrations/0007-policy-versions.js';
// Statistics counted once, when a loan is lent and when a service has ended (after 0006 and 0007).
import * as m0008 from './migrations/0008-statistics-counting.js';
// A withdrawal's own columns, so it no longer writes over the decision's notes (after 0004).
import * as m0009 from './migrations/0009-withdrawal.js';
// The library's own configuration, staff password changes and the scheduler's runs (after 0001).
import * as m0010 from './migrations/0010-library-operations.js';
// The sealed reason of a block overridden at the desk, on the loan it let out (after 0001).
import * as m0011 from './migrations/0011-block-overrides.js';
// Staff lists: the work an item waits for (pull, transit, reshelve), active loans by due date (after 0010).
import * as m0015 from './migrations/0015-staff-lists.js';
// SIP2 accounts: the kiosks, sorters and authentication clients of a library (after 0010's branches).
import * as m0016 from './migrations/0016-sip2-accounts.js';
// Notices: the outbox, templates, settings and breaches (after 0010's libraries and job runs).
import * as m0017 from './migrations/0017-notices.js';
// The catalogue: records, the search index, title-level holds (after 0015's item tasks and 0017).
import * as m0018 from './migrations/0018-catalogue.js';
// Catalogue search: copies indexed by record, status and branch (after 0018's items.record_id).
import * as m0019 from './migrations/0019-catalogue-search.js';
// Vendors and single sign-on: OpenID Connect clients, EZproxy instances, consents, the provider's store (after 0010).
import * as m0020 from './migrations/0020-vendors.js';
// The library's languages, payment methods and printed slips; a payment's method (after 0001 and 0010).
import * as m0021 from './migrations/0021-library-desk-settings.js';
import * as m0022 from './migrations/0022-migration-import.js';
import * as m0023 from './migrations/0023-card-loss-keeps-standing.js';
// A retention run's lease on real time and its owner's process (issue 22, defect 9).
import * as m0025 from './migrations/0025-retention-run-lease.js';
// Staff accounts of several libraries that share patrons; accounts without a library placed (issue 22, defect 7).
import * as m0026 from './migrations/0026-staff-libraries.js';
// Limits on identifying a patron without their card, and the desk's handles (issue 22, defect 2).
import * as m0027 from './migrations/0027-identify-limits.js';
// The access log in several lanes per library, and verification checkpoints (issue 23).
import * as m0028 from './migrations/0028-access-lanes.js';
// Retention keeps pace: cursor indexes ending with the id (issue 23).
import * as m0029 from './migrations/0029-retention-cursors.js';
// Indexes for the audit report's reads of the access log (issue 23, scale).
import * as m0030 from './migrations/0030-access-log-report-indexes.js';
import * as m0031 from './migrations/0031-held-count-indexes.js';
import * as m0032 from './migrations/0032-library-config-version.js';
import * as m0033 from './migrations/0033-record-hold-index.js';

/** Every migration, in order. Forward-only; the same list runs on SQLite and PostgreSQL. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-circulation': m0001,
  '0002-retention': m0002,
  '0003-access': m0003,
  '0004-disclosure': m0004,
  '0005-holds': m0005,
  '0006-statistics': m0006,
  // Policy version history (RR-10, CB-A9): must stay after 0006.
  '0007-policy-versions': m0007,
  '0008-statistics-counting': m0008,
  '0009-withdrawal': m0009,
  '0010-library-operations': m0010,
  '0011-block-overrides': m0011,
  '0015-staff-lists': m0015,
  '0016-sip2-accounts': m0016,
  '0017-notices': m0017,
  '0018-catalogue': m0018,
  '0019-catalogue-search': m0019,
  '0020-vendors': m0020,
  '0021-library-desk-settings': m0021,
  '0022-migration-import': m0022,
  '0023-card-loss-keeps-standing': m0023,
  '0025-retention-run-lease': m0025,
  '0026-staff-libraries': m0026,
  '0027-identify-limits': m0027,
  '0028-access-lanes': m0028,
  '0029-retention-cursors': m0029,
  '0030-access-log-report-indexes': m0030,
  '0031-held-count-indexes': m0031,
  '0032-library-config-version': m0032,
  '0033-record-hold-index': m0033,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Brings the schema up to date. Safe to run from several processes at once (Kysely's migration lock). */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Whether the schema has been created at all (Carrel's first migration has run). */
export async function isInitialized(db: Kysely<any>): Promise<boolean> {
  const migrator = new Migrator({ db, provider });
  const migrations = await migrator.getMigrations();
  return migrations.some((m) => m.executedAt !== undefined);
}
