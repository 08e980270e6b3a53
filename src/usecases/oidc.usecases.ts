/**
 * What the OpenID Connect provider (src/oidc/) keeps (issue 19): its short-lived artefacts (interactions,
 * sessions, authorisation codes, tokens, grants), its signing keys and the keys of its cookies, and the
 * vendors it knows as clients. The provider's adapter calls these; nothing here is reached from the API.
 *
 * An artefact that names a patron carries their id in `account_id`, so deleting a patron, or revoking a
 * vendor, takes every one of theirs at once; every artefact goes when it expires.
 */
import { createPrivateKey, generateKeyPairSync, hkdfSync, randomBytes } from 'node:crypto';
import * as store from '../storage/oidc-store.repository.js';
import * as vendors from '../storage/vendor.repository.js';
import { open as openSealed, seal } from '../vault/cipher.js';
import type { Context } from './context.js';
import { recordVendorSignIn } from './vendor-sign-in.usecases.js';
import { openVendorSecret } from './vendor.usecases.js';

const KEY_CONTEXT = 'carrel:oidc-signing-key:v1';
/** How long a retired signing key stays published: longer than any token it signed lives. */
const RETIRED_KEY_HOURS = 24;

/** A private signing key as a JSON Web Key (RS256; what every relying party accepts by default). */
export type SigningJwk = Record<string, unknown> & { kid: string; kty: string };

/** The models issued under a grant, which revoking the grant deletes. */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/** One artefact as the provider gives it. */
export interface ArtefactInput {
  model: string;
  id: string;
  payload: Record<string, unknown>;
  /** Seconds from now until it expires. */
  expiresIn: number;
}

/**
 * Saves an artefact. An authorisation code saved is a sign-in: the vendor is being told the patron is
 * valid, so it is recorded in the same transaction (recordVendorSignIn): the patron's authorisation of
 * the vendor, the month's count, the access-log entry.
 */
export async function saveArtefact(ctx: Context, input: ArtefactInput): Promise<void> {
  const payload = input.payload;
  const text = (key: string) => (typeof payload[key] === 'string' ? (payload[key] as string) : null);
  const accountId = text('accountId') ?? nestedAccount(payload);
  await store.upsertArtefact(ctx.trx, {
    model: input.model,
    id: input.id,
    payload: JSON.stringify(payload),
    accountId,
    // Only what is issued under a grant goes with it when the grant is revoked (an interaction also
    // names the grant it reuses, and must outlive its revocation: a second patron's sign-in ends the
    // first one's session, grants and all, half-way through the interaction).
    grantId: GRANTABLE.has(input.model) ? text('grantId') : null,
    uid: text('uid'),
    expiresAt: new Date(ctx.now.getTime() + Math.max(1, input.expiresIn) * 1000).toISOString(),
  });
  const clientId = text('clientId');
  if (input.model === 'AuthorizationCode' && accountId && clientId) await recordVendorSignIn(ctx, { patronId: accountId, vendorId: clientId });
}

/**
 * The patron an interaction names inside it: the session it came from, or the log-in just finished
 * (before the provider resumes). A deletion must find those too.
 */
function nestedAccount(payload: Record<string, unknown>): string | null {
  const at = (path: string[]) => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), payload);
  for (const path of [['session', 'accountId'], ['result', 'login', 'accountId'], ['lastSubmission', 'login', 'accountId']]) {
    const found = at(path);
    if (typeof found === 'string' && found.length > 0) return found;
  }
  return null;
}

/** An artefact's payload (with `consumed` when it was used), unless it expired. */
export async function findArtefact(ctx: Context, input: { model: string; id?: string; uid?: string }): Promise<Record<string, unknown> | undefined> {
  const now = ctx.now.toISOString();
  const found = input.uid !== undefined ? await store.findArtefactByUid(ctx.trx, input.model, input.uid, now) : await store.findArtefact(ctx.trx, input.model, input.id ?? '', now);
  if (!found) return undefined;
  const payload = JSON.parse(found.payload) as Record<string, unknown>;
  return found.consumedAt === null ? payload : { ...payload, consumed: Math.floor(Date.parse(found.consumedAt) / 1000) };
}

/** Marks an artefact used; false when it was already (the second of two racing uses). */
export async function consumeArtefact(ctx: Context, input: { model: string; id: string }): Promise<boolean> {
  return store.consumeArtefact(ctx.trx, input.model, input.id, ctx.now.toISOString());
}

export async function destroyArtefact(ctx: Context, input: { model: string; id: string }): Promise<void> {
  await store.deleteArtefact(ctx.trx, input.model, input.id);
}

export async function revokeGrant(ctx: Context, input: { grantId: string }): Promise<void> {
  await store.deleteArtefactsOfGrant(ctx.trx, input.grantId);
}

/** Deletes expired artefacts (a scheduled job), at most `limit` per run; answers how many went. */
export async function purgeExpiredArtefacts(ctx: Context, input: { limit: number }): Promise<number> {
  return store.deleteExpiredArtefacts(ctx.trx, ctx.now.toISOString(), input.limit);
}

/**
 * A vendor as the provider's client: its metadata, with its secret opened from the vault (the provider
 * compares it in constant time). Undefined for a vendor that is not an enabled OpenID client.
 */
export async function oidcClient(ctx: Context, input: { clientId: string }): Promise<Record<string, unknown> | undefined> {
  const found = await vendors.findVendorWithSecret(ctx.trx, input.clientId);
  if (!found || found.vendor.disabled || found.vendor.protocol !== 'oidc') return undefined;
  const vendor = found.vendor;
  const scopes = ['openid', 'library', ...vendor.claims.map((c) => CLAIM_SCOPE[c])];
  return {
    client_id: vendor.id,
    client_secret: await openVendorSecret(ctx, vendor.id, found.secretSealed),
    client_name: vendor.name,
    redirect_uris: vendor.redirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
    subject_type: 'pairwise',
    scope: [...new Set(scopes)].join(' '),
  };
}

/** The scope that asks for each claim a contract may add. */
export const CLAIM_SCOPE = { category: 'category', age_band: 'age_band', name: 'profile', email: 'email' } as const;

function newSigningKey(): SigningJwk {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { ...jwk, kty: 'RSA', kid: randomBytes(12).toString('base64url'), alg: 'RS256', use: 'sig' };
}

async function sealKey(ctx: Context, jwk: SigningJwk): Promise<string> {
  return seal(await ctx.vault.namedKey('oidc', ctx.now), `${KEY_CONTEXT}:${jwk.kid}`, JSON.stringify(jwk));
}

/**
 * The provider's signing keys, newest first (the first signs; the others are still published for the
 * tokens they signed): created on first use, kept sealed under the vault's `oidc` key. And the keys its
 * cookies are signed with, derived from the same vault key (never stored). `version` changes when the keys do.
 */
export async function oidcKeys(ctx: Context, _input: Record<string, never> = {}): Promise<{ signing: SigningJwk[]; cookieKeys: string[]; version: string }> {
  await store.lockSigningKeys(ctx.trx);
  let rows = await store.listSigningKeys(ctx.trx);
  if (!rows.some((r) => r.retiredAt === null)) {
    const jwk = newSigningKey();
    await store.insertSigningKey(ctx.trx, { kid: jwk.kid, sealed: await sealKey(ctx, jwk), createdAt: ctx.now.toISOString() });
    rows = await store.listSigningKeys(ctx.trx);
  }
  rows = published(ctx, rows);
  const vaultKey = await ctx.vault.namedKey('oidc', ctx.now);
  const signing = rows.map((r) => JSON.parse(openSealed(vaultKey, `${KEY_CONTEXT}:${r.kid}`, r.sealed).toString('utf8')) as SigningJwk);
  // Checked here so a corrupt key fails at start, not at the first sign-in.
  for (const jwk of signing) createPrivateKey({ key: jwk as never, format: 'jwk' });
  const cookieKeys = [Buffer.from(hkdfSync('sha256', vaultKey, Buffer.alloc(0), 'carrel:oidc-cookies:v1', 32)).toString('base64url')];
  return { signing, cookieKeys, version: rows.map((r) => r.kid).join(',') };
}

/**
 * The keys published now: the one in use first (two keys made in one instant sort by nothing else), then
 * those retired within the last day, newest first. What `oidcKeys` builds on and `oidcKeysVersion` names.
 */
function published(ctx: Context, rows: store.SigningKeyRow[]): store.SigningKeyRow[] {
  const oldest = ctx.now.getTime() - RETIRED_KEY_HOURS * 3_600_000;
  return rows.filter((r) => r.retiredAt === null || Date.parse(r.retiredAt) > oldest).sort((a, b) => Number(a.retiredAt !== null) - Number(b.retiredAt !== null));
}

/** What the provider's keys are now, cheaply (to notice a rotation by another process, or a key ageing out). */
export async function oidcKeysVersion(ctx: Context, _input: Record<string, never> = {}): Promise<string> {
  return published(ctx, await store.listSigningKeys(ctx.trx))
    .map((r) => r.kid)
    .join(',');
}

/**
 * Rotates the signing keys (`carrel oidc keys rotate`): a new key signs from now on; the previous ones are
 * still published for a day, so tokens they signed still verify, then removed. Answers the new key's id
 * and the ids still published. Servers pick the new keys up within a minute.
 */
export async function rotateOidcKeys(ctx: Context, _input: Record<string, never> = {}): Promise<{ kid: string; published: string[] }> {
  await store.lockSigningKeys(ctx.trx);
  const jwk = newSigningKey();
  await store.insertSigningKey(ctx.trx, { kid: jwk.kid, sealed: await sealKey(ctx, jwk), createdAt: ctx.now.toISOString() });
  await store.retireSigningKeys(ctx.trx, jwk.kid, ctx.now.toISOString());
  await store.deleteSigningKeysRetiredBefore(ctx.trx, new Date(ctx.now.getTime() - RETIRED_KEY_HOURS * 3_600_000).toISOString());
  return { kid: jwk.kid, published: (await store.listSigningKeys(ctx.trx)).map((r) => r.kid) };
}
