import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fingerprint, open, seal, VaultError } from './cipher.js';
import { KeyFileError, missingKeyFile } from './key-file.js';

/**
 * The key-encryption keys (KEKs), kept outside the database: the key file (mode 0600, one base64 key per
 * line, the current key first, older keys after it while a rotation is under way) or, for containers,
 * CARREL_KEY (and CARREL_KEY_PREVIOUS during a rotation). KEKs only wrap and unwrap other keys.
 */
export class Keyring {
  readonly #keys: Map<string, Buffer>;
  readonly current: string;

  constructor(keys: readonly Buffer[], readonly source: { kind: 'file'; path: string } | { kind: 'env' }) {
    const first = keys[0];
    if (!first) throw new KeyFileError('The key ring is empty.', 'KEY_FILE_INVALID');
    this.#keys = new Map(keys.map((k) => [fingerprint(k), k]));
    this.current = fingerprint(first);
  }

  /** Fingerprints of every key, the current one first. */
  get ids(): string[] {
    return [this.current, ...[...this.#keys.keys()].filter((id) => id !== this.current)];
  }

  has(id: string): boolean {
    return this.#keys.has(id);
  }

  /** Wraps a key under the current KEK: `<kek id>:<sealed>`, bound to `context`. */
  wrap(context: string, key: Buffer): { kekId: string; wrapped: string } {
    return { kekId: this.current, wrapped: seal(this.#keys.get(this.current) as Buffer, `carrel-wrap:${context}`, key) };
  }

  unwrap(context: string, kekId: string, wrapped: string): Buffer {
    const kek = this.#keys.get(kekId);
    if (!kek) throw new VaultError(`no key-encryption key ${kekId} in the key ring`);
    return open(kek, `carrel-wrap:${context}`, wrapped);
  }
}

function parseKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32 || key.toString('base64') !== text.trim()) throw new KeyFileError(`${where} does not hold a 32-byte base64 key.`, 'KEY_FILE_INVALID');
  return key;
}

/** Loads the key ring: CARREL_KEY if set, otherwise the key file (which must be private). */
export function loadKeyring(keyFile: string, env: NodeJS.ProcessEnv = process.env): Keyring {
  if (env.CARREL_KEY !== undefined) {
    const keys = [parseKey(env.CARREL_KEY, 'CARREL_KEY')];
    if (env.CARREL_KEY_PREVIOUS) keys.push(parseKey(env.CARREL_KEY_PREVIOUS, 'CARREL_KEY_PREVIOUS'));
    return new Keyring(keys, { kind: 'env' });
  }
  if (!existsSync(keyFile)) throw missingKeyFile(keyFile);
  const mode = statSync(keyFile).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new KeyFileError(`The key file ${keyFile} is readable by other users (mode ${mode.toString(8)}); run \`chmod 600 ${keyFile}\`.`, 'KEY_FILE_UNSAFE');
  const lines = readFileSync(keyFile, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  return new Keyring(
    lines.map((line, i) => parseKey(line, `Line ${i + 1} of the key file ${keyFile}`)),
    { kind: 'file', path: keyFile },
  );
}

/**
 * A key-ring provider that rereads the key file when it changes (a rotation by `carrel keys rotate` while
 * this process runs), so a server never wraps a new key under a KEK that is being retired.
 */
export function keyringProvider(keyFile: string, env: NodeJS.ProcessEnv = process.env): () => Keyring {
  let cached: { mtimeMs: number; keyring: Keyring } | undefined;
  return () => {
    // A key file that is gone is refused in the key ring's own words (not the file system's ENOENT).
    if (env.CARREL_KEY === undefined && !existsSync(keyFile)) throw missingKeyFile(keyFile);
    const mtimeMs = env.CARREL_KEY !== undefined ? 0 : statSync(keyFile).mtimeMs;
    if (!cached || cached.mtimeMs !== mtimeMs) cached = { mtimeMs, keyring: loadKeyring(keyFile, env) };
    return cached.keyring;
  };
}

/** Rewrites the key file atomically (write beside it, then rename), mode 0600. */
export function writeKeyFile(path: string, keys: readonly Buffer[]): void {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeFileSync(fd, `${keys.map((k) => k.toString('base64')).join('\n')}\n`);
      fsyncSync(fd); // on disk before it replaces the old file: a power cut never leaves an empty key file
    } finally {
      closeSync(fd);
    }
    chmodSync(temp, 0o600);
    renameSync(temp, path);
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir); // and the rename itself is durable
    } finally {
      closeSync(dir);
    }
  } finally {
    rmSync(temp, { force: true });
  }
}

/** The raw keys of a key file, current first (for rotation). */
export function readKeyFileKeys(path: string): Buffer[] {
  if (!existsSync(path)) throw missingKeyFile(path);
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((line, i) => parseKey(line, `Line ${i + 1} of the key file ${path}`));
}
