import type { Insertable } from 'kysely';
import { cardNumberFrom } from '../../src/domain/card-number.js';
import type { Patron } from '../../src/domain/types.js';
import { SYSTEM } from '../../src/policy/actors.js';
import type { Schema } from '../../src/storage/schema.js';
import type { Caller } from '../../src/usecases/context.js';
import type { sealPatron } from '../../src/usecases/patron-records.js';
import type { Vault } from '../../src/vault/vault.js';

/** The benches' library. */
export const LIBRARY_ID = 'bench';
/** The operator who seeds a bench library. */
export const SYSTEM_CALLER: Caller = { actor: SYSTEM, purpose: 'administration', channel: 'cli' };
/** Data keys created at once while seeding, as registration does a few at a time. */
export const KEY_CONCURRENCY = 4;

/** Patron i's card: a valid 14-digit Luhn card number (2 + 12 digits + check digit). */
export function cardOf(i: number): string {
  return cardNumberFrom(String(i).padStart(12, '0'));
}

/** Item i's barcode: 14 characters starting with 3, as item barcodes conventionally do. */
export function barcodeOf(i: number): string {
  return `3${String(i).padStart(13, '0')}`;
}

/** Patron i of the bench library: an adult, or (`juveniles`) a juvenile one patron in ten. */
export function patronOf(i: number, id: string, now: string, options: { juveniles?: boolean } = {}): Patron {
  const juvenile = options.juveniles === true && i % 10 === 0;
  return {
    id,
    libraryId: LIBRARY_ID,
    cardNumber: cardOf(i),
    categoryCode: juvenile ? 'juvenile' : 'adult',
    homeBranchId: null,
    status: 'active',
    personal: {
      name: `Patron ${i}`,
      birthDate: juvenile ? `201${i % 10}-0${1 + (i % 9)}-1${i % 10}` : `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
      address: `${i} Main Street`,
      email: `patron${i}@example.org`,
      phone: `505-555-${String(i % 10_000).padStart(4, '0')}`,
    },
    expiresAt: '2099-12-31T00:00:00.000Z',
    createdAt: now,
    updatedAt: now,
  };
}

/** Creates the data keys of patrons [from, to) in the key store, KEY_CONCURRENCY at a time. */
export async function createPatronKeys(vault: Vault, patronIds: readonly string[], from: number, to: number, now: Date): Promise<void> {
  for (let i = from; i < to; i += KEY_CONCURRENCY) {
    const ids = patronIds.slice(i, Math.min(to, i + KEY_CONCURRENCY));
    await Promise.all(ids.map((id) => vault.createPatronKey(id, now)));
  }
}

/** A sealed patron as its `patrons` row. */
export function patronRow(stored: Awaited<ReturnType<typeof sealPatron>>, pinHash: string, ageBand: string): Insertable<Schema['patrons']> {
  return {
    id: stored.id,
    library_id: stored.libraryId,
    card_hash: stored.cardHash,
    pin_hash: pinHash,
    pin_scheme: 'argon2id',
    category_code: stored.categoryCode,
    status: stored.status,
    personal: stored.sealed,
    expires_at: stored.expiresAt,
    created_at: stored.createdAt,
    updated_at: stored.updatedAt,
    last_active_at: stored.createdAt,
    age_band: ageBand,
    notice_channel: 'none',
  };
}

/** A logged-in desk session: its cookie, its token, and the CSRF token every POST sends back. */
export interface BenchSession {
  cookie: string;
  token: string;
  csrfToken: string;
}

/** Logs the bench's desk account in over the API. */
export async function logIn(baseUrl: string, account: { username: string; password: string }): Promise<BenchSession> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: account.username, password: account.password }),
  });
  if (response.status !== 200) throw new Error(`log-in answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('carrel_session='));
  if (!cookie) throw new Error('log-in set no carrel_session cookie');
  const { csrfToken } = (await response.json()) as { csrfToken?: unknown };
  if (typeof csrfToken !== 'string') throw new Error('log-in answered no csrfToken');
  return { cookie, token: cookie.slice('carrel_session='.length), csrfToken };
}
