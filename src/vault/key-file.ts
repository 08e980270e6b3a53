import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

/** Reads and checks the key file: present, private (no group/other access), 32 bytes. */
export function loadKeyFile(path: string): Buffer {
  if (!existsSync(path)) throw new KeyFileError(`The key file ${path} does not exist; run \`carrel init\` or set CARREL_KEY_FILE.`);
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0)
    throw new KeyFileError(`The key file ${path} is readable by other users (mode ${mode.toString(8)}); run \`chmod 600 ${path}\`.`);
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new KeyFileError(`The key file ${path} does not hold a 32-byte key.`);
  return key;
}
