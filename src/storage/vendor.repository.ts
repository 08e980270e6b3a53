/**
 * Vendors (OpenID Connect clients and EZproxy instances), the patrons' authorisations of them, and the
 * monthly count of sign-ins (issue 19).
 */
import { sql } from 'kysely';
import type { ExtraClaim, Vendor, VendorAuthorisation, VendorProtocol, VendorSettings } from '../domain/vendors.js';
import type { Db } from './database.js';
import type { VendorsTable } from './schema.js';

const iso = (v: string | Date): string => new Date(v).toISOString();

function toVendor(row: VendorsTable): Vendor {
  const settings = JSON.parse(row.settings) as Omit<VendorSettings, 'protocol'>;
  return {
    ...settings,
    protocol: row.protocol as VendorProtocol,
    id: row.id,
    libraryId: row.library_id,
    name: row.name,
    disabled: Number(row.disabled) !== 0,
    createdAt: iso(row.created_at),
  } as Vendor;
}

/** The protocol's settings of a vendor, as the `settings` column keeps them (its own columns left out). */
function settingsOf(vendor: Vendor): string {
  const { protocol: _p, id: _i, libraryId: _l, name: _n, disabled: _d, createdAt: _c, ...settings } = vendor;
  return JSON.stringify(settings);
}

export async function insertVendor(db: Db, vendor: Vendor, secretSealed: string): Promise<void> {
  await db
    .insertInto('vendors')
    .values({
      id: vendor.id,
      library_id: vendor.libraryId,
      name: vendor.name,
      protocol: vendor.protocol,
      settings: settingsOf(vendor),
      secret_sealed: secretSealed,
      disabled: vendor.disabled ? 1 : 0,
      created_at: vendor.createdAt,
    })
    .execute();
}

export async function findVendor(db: Db, id: string): Promise<Vendor | undefined> {
  const row = await db.selectFrom('vendors').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toVendor(row);
}

/** A vendor and its sealed secret, for signing a patron in (never for display). */
export async function findVendorWithSecret(db: Db, id: string): Promise<{ vendor: Vendor; secretSealed: string } | undefined> {
  const row = await db.selectFrom('vendors').selectAll().where('id', '=', id).executeTakeFirst();
  return row && { vendor: toVendor(row), secretSealed: row.secret_sealed };
}

export async function findVendorByName(db: Db, libraryId: string, name: string): Promise<Vendor | undefined> {
  const row = await db.selectFrom('vendors').selectAll().where('library_id', '=', libraryId).where('name', '=', name).executeTakeFirst();
  return row && toVendor(row);
}

/** A library's vendors by name (no secrets). */
export async function listVendors(db: Db, libraryId: string): Promise<Vendor[]> {
  const rows = await db.selectFrom('vendors').selectAll().where('library_id', '=', libraryId).orderBy('name').execute();
  return rows.map(toVendor);
}

export async function updateVendor(db: Db, vendor: Vendor): Promise<void> {
  await db
    .updateTable('vendors')
    .set({ name: vendor.name, settings: settingsOf(vendor), disabled: vendor.disabled ? 1 : 0 })
    .where('id', '=', vendor.id)
    .execute();
}

export async function setVendorSecret(db: Db, id: string, secretSealed: string): Promise<void> {
  await db.updateTable('vendors').set({ secret_sealed: secretSealed }).where('id', '=', id).execute();
}

// --- a patron's authorisations ---------------------------------------------------------------------

function claimsOf(text: string | null): ExtraClaim[] {
  return text ? (JSON.parse(text) as ExtraClaim[]) : [];
}

/** A patron's authorisation of one vendor, if they signed in to it. */
export async function findAuthorisation(db: Db, patronId: string, vendorId: string): Promise<VendorAuthorisation | undefined> {
  return (await authorisationsOf(db, patronId, vendorId))[0];
}

/** Records a sign-in: the first one creates the row, later ones move its last time. */
export async function touchAuthorisation(db: Db, patronId: string, vendorId: string, at: string): Promise<void> {
  await db
    .insertInto('vendor_authorisations')
    .values({ patron_id: patronId, vendor_id: vendorId, first_at: at, last_at: at, consented_claims: null, declined_claims: null, consented_at: null })
    .onConflict((oc) => oc.columns(['patron_id', 'vendor_id']).doUpdateSet({ last_at: at }))
    .execute();
}

/**
 * Sets the claims a patron agreed to and declined for a vendor (creating the row when it is their first
 * visit); a declined claim is not asked about again until the patron revokes the vendor.
 */
export async function setConsent(db: Db, patronId: string, vendorId: string, claims: readonly ExtraClaim[], at: string, declined: readonly ExtraClaim[] = []): Promise<void> {
  const answer = { consented_claims: JSON.stringify(claims), declined_claims: JSON.stringify(declined), consented_at: at };
  await db
    .insertInto('vendor_authorisations')
    .values({ patron_id: patronId, vendor_id: vendorId, first_at: at, last_at: at, ...answer })
    .onConflict((oc) => oc.columns(['patron_id', 'vendor_id']).doUpdateSet(answer))
    .execute();
}

/** A patron's vendors, most recently used first. */
export async function listAuthorisations(db: Db, patronId: string): Promise<VendorAuthorisation[]> {
  return authorisationsOf(db, patronId);
}

async function authorisationsOf(db: Db, patronId: string, vendorId?: string): Promise<VendorAuthorisation[]> {
  let query = db
    .selectFrom('vendor_authorisations as a')
    .innerJoin('vendors as v', 'v.id', 'a.vendor_id')
    .select(['a.vendor_id', 'v.name', 'v.protocol', 'a.first_at', 'a.last_at', 'a.consented_claims', 'a.declined_claims', 'a.consented_at'])
    .where('a.patron_id', '=', patronId);
  if (vendorId !== undefined) query = query.where('a.vendor_id', '=', vendorId);
  const rows = await query.orderBy('a.last_at', 'desc').execute();
  return rows.map((r) => ({
    vendorId: r.vendor_id,
    vendorName: r.name,
    protocol: r.protocol as VendorProtocol,
    firstAt: iso(r.first_at),
    lastAt: iso(r.last_at),
    consentedClaims: claimsOf(r.consented_claims),
    declinedClaims: claimsOf(r.declined_claims),
    consentedAt: r.consented_at === null ? null : iso(r.consented_at),
  }));
}

/** Forgets a patron's use of a vendor (revoked). Answers whether there was one. */
export async function deleteAuthorisation(db: Db, patronId: string, vendorId: string): Promise<boolean> {
  const result = await db.deleteFrom('vendor_authorisations').where('patron_id', '=', patronId).where('vendor_id', '=', vendorId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Forgets every vendor a patron used (the patron is deleted). */
export async function deleteAuthorisationsOf(db: Db, patronId: string): Promise<number> {
  const result = await db.deleteFrom('vendor_authorisations').where('patron_id', '=', patronId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A patron's authorisation of a vendor as retention reads it (no claims: what is decided is when). */
export interface AuthorisationCandidate {
  patronId: string;
  vendorId: string;
  firstAt: string;
  lastAt: string;
}

export interface StaleAuthorisationsOptions {
  libraryId: string;
  cutoff: string;
  after: { lastAt: string; patronId: string; vendorId: string } | null;
  limit: number;
}

/**
 * The page query of `staleAuthorisations`, unexecuted (its plan is tested). The cursor is one row-value
 * comparison, read as one range of the (last_at, patron_id, vendor_id) index (migration 0029).
 */
export function staleAuthorisationsQuery(db: Db, options: StaleAuthorisationsOptions) {
  // A CROSS JOIN is SQLite's way of keeping the join order written: authorisations in cursor order, each
  // looking up its vendor, so a page stops after `limit` rows. Left free, SQLite drove from the library's
  // vendors and sorted all of their authorisations for every page. PostgreSQL reads it as an inner join.
  let query = db
    .selectFrom('vendor_authorisations as a')
    .crossJoin('vendors as v')
    .whereRef('v.id', '=', 'a.vendor_id')
    .select(['a.patron_id', 'a.vendor_id', 'a.first_at', 'a.last_at'])
    .where('v.library_id', '=', options.libraryId)
    .where('a.last_at', '<=', options.cutoff);
  const c = options.after;
  if (c !== null) query = query.where((eb) => eb(eb.refTuple('a.last_at', 'a.patron_id', 'a.vendor_id'), '>', eb.tuple(c.lastAt, c.patronId, c.vendorId)));
  return query.orderBy('a.last_at').orderBy('a.patron_id').orderBy('a.vendor_id').limit(options.limit);
}

/**
 * A page of the authorisations of a library's vendors last used at or before `cutoff`, oldest last use
 * first, strictly after the cursor (a last use, then the patron and the vendor: the primary key breaks
 * ties). Retention decides which go; `deleteAuthorisation` disposes of them.
 */
export async function staleAuthorisations(db: Db, options: StaleAuthorisationsOptions): Promise<AuthorisationCandidate[]> {
  const rows = await staleAuthorisationsQuery(db, options).execute();
  return rows.map((r) => ({ patronId: r.patron_id, vendorId: r.vendor_id, firstAt: iso(r.first_at), lastAt: iso(r.last_at) }));
}

// --- counts ------------------------------------------------------------------------------------------

/** Counts one sign-in to a vendor in a month (no patron in the row). */
export async function countSignIn(db: Db, libraryId: string, vendorId: string, month: string): Promise<void> {
  await db
    .insertInto('vendor_sign_in_counts')
    .values({ library_id: libraryId, vendor_id: vendorId, month, count: 1 })
    .onConflict((oc) => oc.columns(['vendor_id', 'month']).doUpdateSet({ count: sql`vendor_sign_in_counts.count + 1` }))
    .execute();
}

/** A library's sign-ins per vendor per month, from one month to another (inclusive). */
export async function signInCounts(db: Db, libraryId: string, from: string, to: string): Promise<{ vendorId: string; vendorName: string; month: string; count: number }[]> {
  const rows = await db
    .selectFrom('vendor_sign_in_counts as c')
    .innerJoin('vendors as v', 'v.id', 'c.vendor_id')
    .select(['c.vendor_id', 'v.name', 'c.month', 'c.count'])
    .where('c.library_id', '=', libraryId)
    .where('c.month', '>=', from)
    .where('c.month', '<=', to)
    .orderBy('c.month')
    .orderBy('v.name')
    .execute();
  return rows.map((r) => ({ vendorId: r.vendor_id, vendorName: r.name, month: r.month, count: Number(r.count) }));
}
