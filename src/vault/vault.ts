import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import * as keys from '../storage/key-store.js';
import type { KeyStore } from '../storage/key-store.js';
import { blindIndex, open, randomKey, seal, VaultError } from './cipher.js';
import type { Keyring } from './keyring.js';

/** What a blind index can be computed on (DESIGN.md, vault/). */
export type IndexKind = 'card' | 'email' | 'phone' | 'name' | 'identity';

/** What a sealed value is: the same data key seals several kinds of a patron's data, each bound to its kind. */
export type SealPurpose = 'personal' | 'fine-note' | 'service-details' | 'complaint' | 'override-note' | 'notice';

const INDEX_KEY = 'blind-index';
/** The HKDF label of the access log's MAC key (derived from the index key, so it is never stored). */
const ACCESS_LOG_MAC_LABEL = 'carrel:access-log-mac';
const CACHE_LIMIT = 20_000;
/** The HKDF label of a patron's pairwise-pseudonym key (derived from their data key, so it dies with it). */
const PAIRWISE_LABEL = 'carrel:pairwise-subject:v1';

/** Data keys a key rotation rewraps per transaction, unless told otherwise (`carrel keys rotate --batch-size`). */
export const REWRAP_BATCH = 500;

/**
 * The patron data vault. Every personal field is sealed (AES-256-GCM) under the patron's own data key;
 * data keys are wrapped by the key-encryption key and kept in the key store; look-ups go through blind
 * indexes (HMAC-SHA256 under the index key, itself wrapped in the key store). Shredding a patron takes
 * their data key out of use at once and destroys it after the key-store retention; from then on nothing
 * sealed for them, in any copy of the database, can be opened.
 */
export class Vault {
  readonly #keyring: () => Keyring;
  readonly #store: KeyStore;
  readonly #indexKey: Buffer;
  readonly #accessLogKey: KeyObject;
  /**
   * Unwrapped data keys, most recently used last, each with the wrapped value it came from. The key
   * store is read on every use and the cached key used only while its row is unchanged: a key shredded
   * by another process (or node) stops working here at once.
   */
  readonly #cache = new Map<string, { wrapped: string; key: Buffer }>();
  readonly retentionDays: number;
  /** Shredded keys this vault destroyed when it was opened (past the retention). */
  destroyedOnOpen = 0;

  private constructor(keyring: () => Keyring, store: KeyStore, indexKey: Buffer, retentionDays: number) {
    this.#keyring = keyring;
    this.#store = store;
    this.#indexKey = indexKey;
    // Derived from the index key, which a KEK rotation rewraps but never changes: the access log's chain
    // stays verifiable across rotations, and database access alone cannot recompute it.
    // A KeyObject made once: each MAC (one per entry appended or verified) does not import the key again.
    this.#accessLogKey = createSecretKey(Buffer.from(hkdfSync('sha256', indexKey, Buffer.alloc(0), ACCESS_LOG_MAC_LABEL, 32)));
    this.retentionDays = retentionDays;
  }

  /**
   * Opens the vault: unwraps the index key with the key ring (creating it on first use). A key ring that
   * cannot unwrap it is the wrong key, and Carrel refuses to start rather than write anything.
   */
  static async open(options: {
    /** The key ring, or a provider that returns the current one (reloaded when the key file changes). */
    keyring: Keyring | (() => Keyring);
    store: KeyStore;
    now: Date;
    retentionDays?: number;
    /** Whether a missing index key may be created (an empty installation); otherwise the key store is lost. */
    allowCreate?: () => Promise<boolean>;
  }): Promise<Vault> {
    const { store } = options;
    const provide = typeof options.keyring === 'function' ? options.keyring : ((ring: Keyring) => () => ring)(options.keyring);
    const keyring = provide();
    let wrapped = await keys.findVaultKey(store.db, INDEX_KEY);
    if (!wrapped) {
      if (options.allowCreate && !(await options.allowCreate()))
        throw new VaultError(
          `The key store (${store.location}) holds no keys, but the database holds patrons: their data cannot be opened without it. ` +
            'Restore the key store from its backup; Carrel will not start with an empty one.',
        );
      await keys.insertVaultKey(store.db, INDEX_KEY, keyring.wrap(`vault:${INDEX_KEY}`, randomKey()), options.now.toISOString()).catch(() => undefined);
      wrapped = await keys.findVaultKey(store.db, INDEX_KEY); // another process may have created it first
      if (!wrapped) throw new VaultError('could not create the index key');
    }
    let indexKey: Buffer;
    try {
      indexKey = keyring.unwrap(`vault:${INDEX_KEY}`, wrapped.kekId, wrapped.wrapped);
    } catch {
      throw new VaultError(
        `The key ring cannot open this key store (its keys are wrapped by key ${wrapped.kekId}; the key ring holds ${keyring.ids.join(', ')}). ` +
          'Carrel will not start with the wrong key: check CARREL_KEY_FILE or CARREL_KEY.',
      );
    }
    const vault = new Vault(provide, store, indexKey, options.retentionDays ?? 7);
    // Every opening enforces the key-store retention: shredded keys past it are destroyed now.
    vault.destroyedOnOpen = await vault.destroyExpired(options.now);
    return vault;
  }

  get keyring(): Keyring {
    return this.#keyring();
  }

  /** Creates and stores a new patron's data key. Call before writing anything sealed for them. */
  async createPatronKey(patronId: string, at: Date): Promise<void> {
    const key = randomKey();
    const wrapped = this.#keyring().wrap(`patron:${patronId}`, key);
    await keys.insertDataKey(this.#store.db, patronId, wrapped, at.toISOString());
    this.#remember(patronId, wrapped.wrapped, key);
  }

  /**
   * Creates the data keys of many new patrons at once (an import's page), in one key-store transaction.
   * A patron that already has a key keeps it: an import killed after its keys were written but before its
   * page committed, run again, gives the same patrons the same ids and finds their keys waiting.
   */
  async createPatronKeys(patronIds: readonly string[], at: Date): Promise<void> {
    const existing = await keys.dataKeysAmong(this.#store.db, patronIds);
    const made = patronIds.filter((id) => !existing.has(id)).map((patronId) => ({ patronId, plain: randomKey() }));
    const wrapped = made.map(({ patronId, plain }) => ({ patronId, key: this.#keyring().wrap(`patron:${patronId}`, plain) }));
    await keys.insertDataKeys(this.#store.db, wrapped, at.toISOString());
    made.forEach(({ patronId, plain }, i) => this.#remember(patronId, wrapped[i]!.key.wrapped, plain));
  }

  async seal(patronId: string, purpose: SealPurpose, plaintext: string): Promise<string> {
    return seal(await this.#dataKey(patronId), `carrel:${purpose}:${patronId}`, plaintext);
  }

  async open(patronId: string, purpose: SealPurpose, sealed: string): Promise<string> {
    return open(await this.#dataKey(patronId), `carrel:${purpose}:${patronId}`, sealed).toString('utf8');
  }

  /**
   * A named key of the vault itself (not a patron's), created on first use and kept wrapped in the key
   * store, rewrapped with everything else by a rotation. Backups are sealed under the `backup` key; the
   * links that unsubscribe and that reset a PIN under `unsubscribe` and `pin-reset`; vendors' secrets
   * under `vendors`; the OpenID provider's signing and cookie keys under `oidc`.
   */
  async namedKey(name: 'backup' | 'unsubscribe' | 'pin-reset' | 'vendors' | 'oidc', at: Date): Promise<Buffer> {
    let wrapped = await keys.findVaultKey(this.#store.db, name);
    if (!wrapped) {
      await keys.insertVaultKey(this.#store.db, name, this.#keyring().wrap(`vault:${name}`, randomKey()), at.toISOString()).catch(() => undefined);
      wrapped = await keys.findVaultKey(this.#store.db, name);
      if (!wrapped) throw new VaultError(`could not create the ${name} key`);
    }
    return this.#keyring().unwrap(`vault:${name}`, wrapped.kekId, wrapped.wrapped);
  }

  /**
   * A patron's pseudonym for one sector (a vendor, an EZproxy instance): an HMAC of the sector under a key
   * derived from the patron's own data key. Stable for that sector, across KEK rotations (they rewrap the
   * data key, never change it); unlinkable across sectors without the key; and dead once the patron is
   * shredded, when the data key goes (issue 19, RF-6). Throws VaultError for a shredded patron.
   */
  async pairwise(patronId: string, sector: string): Promise<string> {
    const key = Buffer.from(hkdfSync('sha256', await this.#dataKey(patronId), Buffer.alloc(0), PAIRWISE_LABEL, 32));
    return createHmac('sha256', key).update(sector, 'utf8').digest('base64url');
  }

  /** Whether the patron's data can still be opened (their key exists). */
  async hasKey(patronId: string): Promise<boolean> {
    return (await keys.findDataKey(this.#store.db, patronId)) !== undefined;
  }

  /** Whether the patron's key was destroyed after the retention (rather than never having been here). */
  async wasDestroyed(patronId: string): Promise<boolean> {
    return keys.wasDestroyed(this.#store.db, patronId);
  }

  /** The blind index of a value: equal inputs (after normalisation) give equal indexes; nothing else is revealed. */
  blind(kind: IndexKind, value: string): string {
    return blindIndex(this.#indexKey, kind, normalizeForIndex(kind, value));
  }

  /** The access log's keyed MAC (HMAC-SHA256, hex) of a canonical encoding of an entry or a chain's base. */
  accessLogMac(data: string): string {
    return createHmac('sha256', this.#accessLogKey).update(data, 'utf8').digest('hex');
  }

  /** Blind indexes of each token of a name, for exact surname / first-name look-ups. */
  nameTokens(name: string): string[] {
    return [...new Set(nameWords(name))].map((word) => blindIndex(this.#indexKey, 'name', word));
  }

  /**
   * Shreds a patron: their data key leaves use at once; its wrapped copy is destroyed for good once the
   * key-store retention has passed (`destroyExpired`). Returns whether there was a key.
   */
  async shred(patronId: string, now: Date): Promise<boolean> {
    this.#cache.delete(patronId);
    const at = await keys.advanceClock(this.#store.db, now.toISOString());
    const destroyAfter = new Date(Date.parse(at) + this.retentionDays * 86_400_000).toISOString();
    return keys.shredDataKey(this.#store.db, patronId, at, destroyAfter);
  }

  /**
   * Destroys shredded keys past the retention; afterwards those patrons cannot come back from any backup.
   * Time never runs backwards here: an earlier `now` than the key store has seen counts as that latest.
   */
  async destroyExpired(now: Date): Promise<number> {
    return keys.destroyExpiredShreddedKeys(this.#store.db, await keys.advanceClock(this.#store.db, now.toISOString()));
  }

  /** Whether a shredded key is still within the retention, so `reinstate` would succeed. Changes nothing. */
  async canReinstate(patronId: string, now: Date): Promise<boolean> {
    return (await keys.findShreddedKey(this.#store.db, patronId, await keys.advanceClock(this.#store.db, now.toISOString()))) !== undefined;
  }

  /** The patrons whose data key is in use. */
  async patronsWithKeys(): Promise<string[]> {
    return keys.dataKeyPatronIds(this.#store.db);
  }

  /** Puts a shredded key back in use, if it is still within the retention (restore of a backup). */
  async reinstate(patronId: string, now: Date): Promise<boolean> {
    const at = await keys.advanceClock(this.#store.db, now.toISOString());
    if (!(await keys.findShreddedKey(this.#store.db, patronId, at))) return false;
    return keys.reinstateShreddedKey(this.#store.db, patronId, at);
  }

  /**
   * Rewraps every key under the key ring's current KEK, a batch at a time, each batch one transaction
   * (one commit, one wait for the disk, per `batchSize` keys, not per key: a million patrons' keys are
   * 2,000 commits). Killed half-way, it resumes after the last batch committed, and every key opens with
   * one KEK or the other meanwhile. Each row is rewrapped only if it is still under the KEK it was read
   * under, so a key another process rewrapped or shredded meanwhile is left as it is. Progress counts
   * committed keys.
   */
  async rewrapAll(onProgress: (done: number, total: number) => void = () => undefined, batchSize = REWRAP_BATCH): Promise<number> {
    const keyring = this.#keyring();
    const current = keyring.current;
    const { total, byKek } = await keys.countDataKeys(this.#store.db);
    let done = byKek[current] ?? 0;
    onProgress(done, total);
    for (const row of await keys.vaultKeysNotWrappedBy(this.#store.db, current)) {
      const key = keyring.unwrap(`vault:${row.name}`, row.kekId, row.wrapped);
      await keys.rewrapVaultKey(this.#store.db, row.name, row.kekId, keyring.wrap(`vault:${row.name}`, key));
    }
    for (const row of await keys.shreddedKeysNotWrappedBy(this.#store.db, current)) {
      const key = keyring.unwrap(`patron:${row.patronId}`, row.kekId, row.wrapped);
      await keys.rewrapShreddedKey(this.#store.db, row.patronId, row.kekId, keyring.wrap(`patron:${row.patronId}`, key));
    }
    let rewrapped = 0;
    for (;;) {
      const batch = await keys.dataKeysNotWrappedBy(this.#store.db, current, batchSize);
      if (batch.length === 0) break;
      rewrapped += await this.#store.db.transaction().execute(async (trx) => {
        let changed = 0;
        for (const row of batch) {
          const key = keyring.unwrap(`patron:${row.patronId}`, row.kekId, row.wrapped);
          if (await keys.rewrapDataKey(trx, row.patronId, row.kekId, keyring.wrap(`patron:${row.patronId}`, key))) changed++;
        }
        return changed;
      });
      done += batch.length;
      onProgress(done, total);
    }
    return rewrapped;
  }

  /**
   * After `rewrapAll`: the earlier wrappings leave the key store's files (SQLite: its WAL is emptied;
   * PostgreSQL: its tables rewritten and a CHECKPOINT asked for), so a retired KEK opens nothing there.
   */
  async eraseOldWrappings(): Promise<keys.OldVersionsErased> {
    return keys.eraseOldVersions(this.#store.db);
  }

  /** How many data keys each KEK wraps (for `carrel keys status`). */
  async keyCounts(): Promise<{ total: number; byKek: Record<string, number>; notUnderCurrent: number }> {
    return { ...(await keys.countDataKeys(this.#store.db)), notUnderCurrent: await keys.countKeysNotWrappedBy(this.#store.db, this.#keyring().current) };
  }

  async #dataKey(patronId: string): Promise<Buffer> {
    const wrapped = await keys.findDataKey(this.#store.db, patronId);
    if (!wrapped) {
      this.#cache.delete(patronId);
      throw new VaultError('this patron has no data key (shredded)');
    }
    const cached = this.#cache.get(patronId);
    if (cached && cached.wrapped === wrapped.wrapped) {
      this.#cache.delete(patronId);
      this.#cache.set(patronId, cached);
      return cached.key;
    }
    // The provider rereads the key file if it changed: a rotation by another process is picked up here.
    const key = this.#keyring().unwrap(`patron:${patronId}`, wrapped.kekId, wrapped.wrapped);
    this.#remember(patronId, wrapped.wrapped, key);
    return key;
  }

  #remember(patronId: string, wrapped: string, key: Buffer): void {
    this.#cache.set(patronId, { wrapped, key });
    if (this.#cache.size > CACHE_LIMIT) this.#cache.delete(this.#cache.keys().next().value as string);
  }
}

/** Words of a name as the index sees them: case, accents and punctuation folded ("José O'Brien" → jose, obrien). */
export function nameWords(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’.]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** How a value is normalised before its blind index is computed (case, accents, punctuation folded). */
export function normalizeForIndex(kind: IndexKind, value: string): string {
  switch (kind) {
    case 'card':
      return value.trim().toUpperCase();
    case 'email':
      return value.normalize('NFC').trim().toLowerCase();
    case 'phone': {
      const digits = value.replace(/\D/g, '');
      return digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits; // +1 505… = 505…
    }
    case 'name':
      return nameWords(value).join(' ');
    // A person as an import compares them (issue 21): name words, birth date and email, already joined.
    case 'identity':
      return value.normalize('NFC').toLowerCase();
  }
}
