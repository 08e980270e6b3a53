import { keyStoreTargetFor, openKeyStore, type KeyStore } from '../storage/key-store.js';
import { VaultError } from './cipher.js';
import { keyringProvider } from './keyring.js';
import { Vault } from './vault.js';

export interface OpenedVault {
  vault: Vault;
  store: KeyStore;
  close(): Promise<void>;
}

/**
 * Opens the vault of a database: the key ring (key file or CARREL_KEY), the key store beside the
 * database, and the vault's keys. Refuses, with a message an operator can act on, a wrong key, or a key
 * store that is missing while the database holds patrons (their data would be unreadable).
 */
export async function openVaultFor(
  databaseTarget: string,
  options: { keyFile: string; now: Date; databaseHasPatrons: () => Promise<boolean>; keyStoreTarget?: string; retentionDays?: number },
): Promise<OpenedVault> {
  const keyring = keyringProvider(options.keyFile);
  keyring(); // refuses a missing, unreadable or malformed key before anything is opened
  const store = await openKeyStore(options.keyStoreTarget ?? keyStoreTargetFor(databaseTarget));
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
