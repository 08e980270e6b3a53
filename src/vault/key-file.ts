import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The key file: 32 random bytes (base64), mode 0600, kept outside the database. It is the root of the
 * vault's key hierarchy (the key-encryption key of DESIGN.md, vault/). Carrel refuses to start with a key
 * file that others can read or that is not a key.
 */
export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

/** Creates the key file if absent; returns whether it was created. Never overwrites a key. */
export function ensureKeyFile(path: string): boolean {
  if (existsSync(path)) return false;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // 'wx': fail rather than overwrite if another process created it meanwhile.
  writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return true;
}
