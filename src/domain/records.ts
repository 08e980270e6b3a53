/**
 * The names of the records Carrel keeps and the plain facts about them that cross layers: the record
 * categories of the data inventory (policy/inventory.ts declares each one), what a legal hold covers, and
 * what the transparency report reads of a legal request. Types only, and the category list: no rules.
 */

export const RECORD_CATEGORIES = [
  'registration',
  'guardianship',
  'circulation',
  'reading-history',
  'holds',
  'fines',
  'computer-sessions',
  'program-signups',
  'room-bookings',
  'ill-requests',
  'reference-requests',
  'complaints',
  'notices',
  /** The vendors a patron signed in to, when, and what they consented each may receive (issue 19). */
  'vendor-authorisations',
  'access-log',
  'circulation-statistics',
  'registration-statistics',
  'service-statistics',
  /** Sign-ins per vendor per month (issue 19, CB-D: usage tracked only for statistics): counts, no patron. */
  'vendor-statistics',
] as const;
export type RecordCategory = (typeof RECORD_CATEGORIES)[number];

/**
 * The aggregate statistics: counts with no patron in them (RR-4, CB-A6, RF-3, IF-4, JC-IVd). They are
 * declared like every other category (what is kept, why, for how long), but hold nothing about anyone:
 * no patron's export, disclosure or legal request reaches them.
 */
export const AGGREGATE_CATEGORIES = ['circulation-statistics', 'registration-statistics', 'service-statistics', 'vendor-statistics'] as const satisfies readonly RecordCategory[];
export type AggregateCategory = (typeof AGGREGATE_CATEGORIES)[number];
/** Every category that holds records about patrons: the inventory less the aggregate statistics. */
export type PatronRecordCategory = Exclude<RecordCategory, AggregateCategory>;

/**
 * The rows kept a period after they end, as retention pages over them: settled fines, ended hold
 * requests, closed service records (policy/retention.policy.ts says which values of each, and for how long).
 */
export type EndedRecords = 'fines' | 'holds' | 'service-records' | 'notices';

/** The categories a retention run walks, in order, as its receipt names them. */
export const RETENTION_CATEGORIES = [
  'circulation',
  'fines',
  'holds',
  'computer-sessions',
  'program-signups',
  'room-bookings',
  'ill-requests',
  'reference-requests',
  'notices',
  'vendor-authorisations',
  'inactive-patrons',
  'deceased-patrons',
  'access-log',
] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

/** What a live hold covers for one patron: categories and a period (null: unbounded on that side). */
export interface HoldScope {
  categories: readonly RecordCategory[];
  from: string | null;
  to: string | null;
}

/** The live holds of a library, by patron: what the retention engine consults for a page. */
export type HeldPatrons = ReadonlyMap<string, readonly HoldScope[]>;

/** A request as the report reads it: no patron, no agency, no case. */
export interface RequestFacts {
  instrument: string;
  status: string;
  gagUntil: string | null;
}
