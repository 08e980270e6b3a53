import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The key file: 32 random bytes (base64), mode 0600, kept outside the database. It is the root of the
 * vault's key hierarchy (the key-encryption key of docs/DESIGN.md, vault/). Carrel refuses to start with
 * a key file that is missing, that others can read or that is not a key; each refusal carries a stable
 * code (docs/ERRORS.md, *Key and address faults*) beside its message, which names the file and what to do.
 */
export type KeyFaultCode = 'KEY_FILE_MISSING' | 'KEY_FILE_UNSAFE' | 'KEY_FILE_INVALID' | 'KEY_FAULT';

export class KeyFileError extends Error {
  override name = 'KeyFileError';
  constructor(
    message: string,
    readonly code: KeyFaultCode = 'KEY_FAULT',
  ) {
    super(message);
  }
}

/** The refusal of a key file that does not exist, in the words the README promises. */
export function missingKeyFile(path: string): KeyFileError {
  return new KeyFileError(`The key file ${path} does not exist; run \`carrel init\`, restore the key file, or set CARREL_KEY_FILE.`, 'KEY_FILE_MISSING');
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
