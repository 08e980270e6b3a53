import { existsSync, rmSync } from 'node:fs';
import { isPostgresUrl } from '../storage/database.js';
import { keyStoreTargetFor, openKeyStore, type KeyStore } from '../storage/key-store.js';
import { ensureKeyFile, KeyFileError } from './key-file.js';
import { VaultError } from './cipher.js';
import { keyringProvider } from './keyring.js';
import { Vault } from './vault.js';

export interface OpenedVault {
  vault: Vault;
  store: KeyStore;
  /** Whether this opening created the key file (a new installation). */
  keyFileCreated: boolean;
  close(): Promise<void>;
}

/**
 * Opens the vault of a database: the key ring (key file or CARREL_KEY), the key store beside the
 * database, and the vault's keys. Refuses, with a message an operator can act on, a wrong key, or a key
 * store that is missing while the database holds patrons (their data would be unreadable).
 */
export async function openVaultFor(
  databaseTarget: string,
  options: {
    keyFile: string;
    now: Date;
    databaseHasPatrons: () => Promise<boolean>;
    keyStoreTarget?: string;
    retentionDays?: number;
    /** Create the key file if there is none (a new installation: `init`, `start`, `demo`). */
    createKeyFile?: boolean;
  },
): Promise<OpenedVault> {
  const keyStoreTarget = options.keyStoreTarget ?? keyStoreTargetFor(databaseTarget);
  const keyFileCreated = options.createKeyFile === true && createKeyFileIfNew(options.keyFile, databaseTarget, keyStoreTarget);
  try {
    return { ...(await openWithKeyFile(keyStoreTarget, options)), keyFileCreated };
  } catch (error) {
    // A key this opening just created, refused by the vault (an installation that has keys already):
    // it must not stay behind, where it could be taken for the installation's key.
    if (keyFileCreated) rmSync(options.keyFile, { force: true });
    throw error;
  }
}

/**
 * Creates the key file of a new installation, unless the key comes from CARREL_KEY. An installation that
 * already has a key store never gets a new key: a lost key file is refused, not replaced.
 */
function createKeyFileIfNew(keyFile: string, databaseTarget: string, keyStoreTarget: string): boolean {
  if (process.env.CARREL_KEY !== undefined || existsSync(keyFile)) return false;
  if (!isPostgresUrl(databaseTarget) && existsSync(keyStoreTarget))
    throw new KeyFileError(
      `The key file ${keyFile} is missing, but this installation's key store (${keyStoreTarget}) exists: a new key would open nothing. ` +
        'Restore the key file, or point CARREL_KEY_FILE at it.',
      'KEY_FILE_MISSING',
    );
  return ensureKeyFile(keyFile);
}

async function openWithKeyFile(
  keyStoreTarget: string,
  options: { keyFile: string; now: Date; databaseHasPatrons: () => Promise<boolean>; retentionDays?: number },
): Promise<Omit<OpenedVault, 'keyFileCreated'>> {
  const keyring = keyringProvider(options.keyFile);
  keyring(); // refuses a missing, unreadable or malformed key before anything is opened
  const store = await openKeyStore(keyStoreTarget);
  try {
    const vault = await Vault.open({
      keyring,
      store,
      now: options.now,
      retentionDays: options.retentionDays ?? 7,
      allowCreate: async () => !(await options.databaseHasPatrons()),
    });
    return { vault, store, close: store.close };
  } catch (error) {
    await store.close();
    throw error instanceof VaultError ? error : new VaultError(error instanceof Error ? error.message : String(error));
  }
}
