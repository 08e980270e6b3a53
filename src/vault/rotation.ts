import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomKey } from './cipher.js';
import { KeyFileError } from './key-file.js';
import { readKeyFileKeys, writeKeyFile } from './keyring.js';
import type { OldVersionsErased } from '../storage/key-store.js';
import type { Vault } from './vault.js';

export interface RotationReport {
  /** Fingerprint of the new current KEK. */
  current: string;
  /** Fingerprints of the KEKs retired (from the key file; with CARREL_KEY, ready to drop). */
  retired: string[];
  rewrapped: number;
  /** Whether this run continued a rotation that had been interrupted. */
  resumed: boolean;
  /**
   * Whether the key store's files still hold earlier wrappings (the retired KEK would open them): SQLite
   * `log: truncated` (none left) or `busy` (a reader held an older snapshot: run it again); PostgreSQL
   * `checkpointed` or `not-permitted`, and `tablesRewritten`.
   */
  oldWrappings: OldVersionsErased;
}

/**
 * Rotates the key-encryption key, without downtime and resumably.
 * Key file: 1. a new KEK is put first in the key file, the old ones kept after it (running Carrel
 * processes reread the file and from then on wrap new keys under the new KEK while still opening old
 * ones); 2. every wrapped key in the key store is rewrapped under it, a batch to a transaction; 3. after a grace
 * period, anything still under an old KEK (wrapped by a process just before it noticed) is rewrapped
 * too; the old KEKs leave the key file only once no key of any kind is wrapped by them.
 * Killed at any point, running it again finishes the job: a key file with more than one key means a
 * rotation is under way. A lock file stops two rotations at once (a dead run's lock is taken over).
 * CARREL_KEY: the operator has put the new key in CARREL_KEY and the old one in CARREL_KEY_PREVIOUS;
 * this rewraps everything under CARREL_KEY, after which CARREL_KEY_PREVIOUS can be dropped.
 */
export async function rotateKeyFile(
  keyFile: string,
  openVault: () => Promise<Vault>,
  options: { onProgress?: (done: number, total: number) => void; graceMs?: number; sleep?: (ms: number) => Promise<void>; batchSize?: number } = {},
): Promise<RotationReport> {
  const fromEnv = process.env.CARREL_KEY !== undefined;
  const release = fromEnv ? () => undefined : lock(`${keyFile}.rotating`);
  try {
    let resumed = fromEnv;
    if (!fromEnv) {
      const keys = readKeyFileKeys(keyFile);
      resumed = keys.length > 1;
      if (!resumed) writeKeyFile(keyFile, [randomKey(), ...keys]);
    }
    const vault = await openVault();
    const current = vault.keyring.current;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    let rewrapped = await vault.rewrapAll(options.onProgress, options.batchSize);
    for (let pass = 0; ; pass++) {
      await sleep(options.graceMs ?? 2000);
      rewrapped += await vault.rewrapAll(options.onProgress, options.batchSize);
      if ((await vault.keyCounts()).notUnderCurrent === 0) break;
      if (pass >= 4)
        throw new KeyFileError('Keys are still being wrapped under the old key-encryption key (another host with an old key file?); the old key stays until they are rewrapped. Run `carrel keys rotate` again.');
    }
    const retired = vault.keyring.ids.filter((id) => id !== current);
    if (!fromEnv) {
      const [newest] = readKeyFileKeys(keyFile);
      if (!newest) throw new KeyFileError(`The key file ${keyFile} became empty during the rotation.`);
      writeKeyFile(keyFile, [newest]);
    }
    // Every key is rewrapped: the files of the key store must not keep the earlier wrappings either.
    const oldWrappings = await vault.eraseOldWrappings();
    return { current, retired, rewrapped, resumed, oldWrappings };
  } finally {
    release();
  }
}

/** Takes a lock file holding this process's id; a lock left by a process that no longer runs is taken over. */
function lock(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => rmSync(path, { force: true });
    } catch {
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder))
        throw new KeyFileError(`Another key rotation is running (process ${holder}); wait for it to finish.`);
      rmSync(path, { force: true });
    }
  }
  throw new KeyFileError(`Could not take the rotation lock ${path}.`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
/** The data keys a rotation rewraps per transaction unless told otherwise (the vault's default). */
export { REWRAP_BATCH } from './vault.js';

