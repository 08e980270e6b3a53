import { createHash, randomBytes, randomInt } from 'node:crypto';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * Secrets people type: staff passwords and patron PINs, hashed with argon2id (OWASP's recommended
 * parameters: 19 MiB, 2 passes). Tokens the server hands out are random and stored only as SHA-256.
 */
export const SECRET_COST = Object.freeze({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });

let cost: { memoryCost: number; timeCost: number; parallelism: number } = SECRET_COST;

/**
 * For Carrel's own test suite only (test/secret-cost.setup.ts, a vitest setup file): hashes made inside
 * the test process use argon2id's smallest cost, as Rails' test environment lowers bcrypt's, because
 * the suite registers thousands of patrons and staff and each hash at full cost is 30 ms of CPU. Nothing
 * in configuration or the environment reaches it: every `carrel` process, including those the tests
 * spawn, hashes at SECRET_COST (test/cli-staff.test.ts reads the stored parameters). A stored hash carries its
 * own parameters, so verification never depends on it.
 */
export function useMinimumSecretCostInTests(): void {
  cost = Object.freeze({ memoryCost: 8, timeCost: 1, parallelism: 1 });
}

export async function hashSecret(secret: string): Promise<string> {
  return hash(secret, { algorithm: Algorithm.Argon2id, ...cost });
}

/** Whether `secret` matches `encoded`. An empty secret never matches. */
export async function verifySecret(encoded: string, secret: string): Promise<boolean> {
  if (secret.length === 0) return false;
  try {
    return await verify(encoded, secret);
  } catch {
    return false;
  }
}

// A hash of a throw-away secret, verified against when an account does not exist, so an unknown
// username costs the same time as a wrong password.
let decoy: Promise<string> | undefined;
export async function verifyDecoy(secret: string): Promise<false> {
  decoy ??= hashSecret(randomBytes(16).toString('hex'));
  await verifySecret(await decoy, secret || 'x');
  return false;
}

/** A random session or API token (256 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** How a token is stored and looked up: its SHA-256, so a database reader cannot replay sessions. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A generated password: 20 characters from an unambiguous alphabet (~115 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let out = '';
  for (let i = 0; i < 20; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A generated PIN of `length` digits. */
export function generatePin(length = 6): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String(randomInt(10));
  return out;
}

/** `count` random decimal digits. */
export function randomDigits(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(randomInt(10));
  return out;
}
