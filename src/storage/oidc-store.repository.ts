/**
 * The OpenID provider's artefacts (issue 19): interactions, sessions, authorisation codes, tokens and
 * grants, as the provider's adapter reads and writes them, each until it expires; and the provider's
 * signing keys, sealed.
 */
import { sql } from 'kysely';
import { engineOf, type Db } from './database.js';

export interface OidcArtefact {
  payload: string;
  expiresAt: string;
  consumedAt: string | null;
}

const iso = (v: string | Date): string => new Date(v).toISOString();

/** Saves an artefact (a new one, or the provider's next version of one). */
export async function upsertArtefact(
  db: Db,
  row: { model: string; id: string; payload: string; accountId: string | null; grantId: string | null; uid: string | null; expiresAt: string },
): Promise<void> {
  const values = { model: row.model, id: row.id, payload: row.payload, account_id: row.accountId, grant_id: row.grantId, uid: row.uid, expires_at: row.expiresAt, consumed_at: null };
  await db
    .insertInto('oidc_store')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['model', 'id']).doUpdateSet({ payload: row.payload, account_id: row.accountId, grant_id: row.grantId, uid: row.uid, expires_at: row.expiresAt }),
    )
    .execute();
}

/** An artefact by id, unless it has expired. */
export async function findArtefact(db: Db, model: string, id: string, now: string): Promise<OidcArtefact | undefined> {
  const row = await db.selectFrom('oidc_store').select(['payload', 'expires_at', 'consumed_at']).where('model', '=', model).where('id', '=', id).where('expires_at', '>', now).executeTakeFirst();
  return row && { payload: row.payload, expiresAt: iso(row.expires_at), consumedAt: row.consumed_at === null ? null : iso(row.consumed_at) };
}

/** An artefact by its interaction uid (the provider's sessions), unless it has expired. */
export async function findArtefactByUid(db: Db, model: string, uid: string, now: string): Promise<OidcArtefact | undefined> {
  const row = await db.selectFrom('oidc_store').select(['payload', 'expires_at', 'consumed_at']).where('model', '=', model).where('uid', '=', uid).where('expires_at', '>', now).executeTakeFirst();
  return row && { payload: row.payload, expiresAt: iso(row.expires_at), consumedAt: row.consumed_at === null ? null : iso(row.consumed_at) };
}

/** Marks an artefact used, only if it was not already: answers whether this call did. */
export async function consumeArtefact(db: Db, model: string, id: string, at: string): Promise<boolean> {
  const result = await db.updateTable('oidc_store').set({ consumed_at: at }).where('model', '=', model).where('id', '=', id).where('consumed_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteArtefact(db: Db, model: string, id: string): Promise<void> {
  await db.deleteFrom('oidc_store').where('model', '=', model).where('id', '=', id).execute();
}

/** Deletes everything issued under a grant (revoked). */
export async function deleteArtefactsOfGrant(db: Db, grantId: string): Promise<number> {
  const result = await db.deleteFrom('oidc_store').where('grant_id', '=', grantId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Deletes a grant itself and everything issued under it (a patron revoked the vendor, or its
 * authorisation's retention ended): the grant's row carries no `grant_id` of its own, so
 * `deleteArtefactsOfGrant` alone would leave it, and with it the patron's link to the vendor.
 */
export async function deleteGrant(db: Db, grantId: string): Promise<number> {
  const result = await db
    .deleteFrom('oidc_store')
    .where((eb) => eb.or([eb('grant_id', '=', grantId), eb.and([eb('model', '=', 'Grant'), eb('id', '=', grantId)])]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes every artefact of a patron (deleted, or revoking a vendor: then only the given grants). */
export async function deleteArtefactsOfAccount(db: Db, accountId: string): Promise<number> {
  const result = await db.deleteFrom('oidc_store').where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The ids of a patron's grants for one client (to revoke them). */
export async function grantIdsOf(db: Db, accountId: string, clientId: string): Promise<string[]> {
  const rows = await db.selectFrom('oidc_store').select(['id', 'payload']).where('model', '=', 'Grant').where('account_id', '=', accountId).execute();
  return rows.filter((r) => (JSON.parse(r.payload) as { clientId?: string }).clientId === clientId).map((r) => r.id);
}

/** Deletes expired artefacts, at most `limit` (the purge job). */
export async function deleteExpiredArtefacts(db: Db, now: string, limit: number): Promise<number> {
  const ids = await db.selectFrom('oidc_store').select(['model', 'id']).where('expires_at', '<=', now).limit(limit).execute();
  for (const r of ids) await deleteArtefact(db, r.model, r.id);
  return ids.length;
}

// --- signing keys ------------------------------------------------------------------------------------

export interface SigningKeyRow {
  kid: string;
  sealed: string;
  createdAt: string;
  retiredAt: string | null;
}

/** The signing keys still published, newest first (the first signs). */
export async function listSigningKeys(db: Db): Promise<SigningKeyRow[]> {
  const rows = await db.selectFrom('oidc_signing_keys').selectAll().orderBy('created_at', 'desc').orderBy('kid', 'desc').execute();
  return rows.map((r) => ({ kid: r.kid, sealed: r.sealed, createdAt: iso(r.created_at), retiredAt: r.retired_at === null ? null : iso(r.retired_at) }));
}

export async function insertSigningKey(db: Db, row: { kid: string; sealed: string; createdAt: string }): Promise<void> {
  await db.insertInto('oidc_signing_keys').values({ kid: row.kid, sealed: row.sealed, created_at: row.createdAt, retired_at: null }).execute();
}

export async function retireSigningKeys(db: Db, exceptKid: string, at: string): Promise<void> {
  await db.updateTable('oidc_signing_keys').set({ retired_at: at }).where('kid', '!=', exceptKid).where('retired_at', 'is', null).execute();
}

/** Removes keys retired before an instant (the tokens they signed have all expired). */
export async function deleteSigningKeysRetiredBefore(db: Db, before: string): Promise<number> {
  const result = await db.deleteFrom('oidc_signing_keys').where('retired_at', 'is not', null).where('retired_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Serialises creating and rotating keys (PostgreSQL: an advisory lock; SQLite's one writer already does). */
export async function lockSigningKeys(db: Db): Promise<void> {
  if (engineOf(db) === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('carrel:oidc-signing-keys'))`.execute(db);
}
