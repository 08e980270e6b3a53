import { randomKey } from './cipher.js';
import { KeyFileError } from './key-file.js';
import { readKeyFileKeys, writeKeyFile } from './keyring.js';
import type { Vault } from './vault.js';

export interface RotationReport {
  /** Fingerprint of the new current KEK. */
  current: string;
  /** Fingerprints of the KEKs retired from the key file. */
  retired: string[];
  rewrapped: number;
  /** Whether this run continued a rotation that had been interrupted. */
  resumed: boolean;
}

/**
 * Rotates the key-encryption key held in the key file, without downtime and resumably:
 * 1. a new KEK is put first in the key file, the old ones kept after it (running Carrel processes reread
 *    the file and from then on wrap new keys under the new KEK while still opening old ones);
 * 2. every wrapped key in the key store is rewrapped under the new KEK, one row at a time;
 * 3. after a grace period, anything still wrapped under an old KEK (a key a running process wrapped just
 *    before it noticed the change) is rewrapped too; then the old KEKs are removed from the key file.
 * Killed at any point, running it again finishes the job: a key file with more than one key means a
 * rotation is under way, and it is resumed rather than started anew.
 */
export async function rotateKeyFile(
  keyFile: string,
  openVault: () => Promise<Vault>,
  options: { onProgress?: (done: number, total: number) => void; graceMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<RotationReport> {
  if (process.env.CARREL_KEY) throw new KeyFileError('The key comes from CARREL_KEY: rotate by setting the new key in CARREL_KEY and the old one in CARREL_KEY_PREVIOUS, then run `carrel keys rewrap`.');
  const keys = readKeyFileKeys(keyFile);
  const resumed = keys.length > 1;
  if (!resumed) writeKeyFile(keyFile, [randomKey(), ...keys]);
  const vault = await openVault();
  const current = vault.keyring.current;
  let rewrapped = await vault.rewrapAll(options.onProgress);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  await sleep(options.graceMs ?? 2000);
  rewrapped += await vault.rewrapAll(options.onProgress);
  const retired = vault.keyring.ids.filter((id) => id !== current);
  const [newest] = readKeyFileKeys(keyFile);
  if (!newest) throw new KeyFileError(`The key file ${keyFile} became empty during the rotation.`);
  writeKeyFile(keyFile, [newest]);
  return { current, retired, rewrapped, resumed };
}
