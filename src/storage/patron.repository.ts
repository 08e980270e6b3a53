import type { GuardianLink, NoticeChannel, PatronStatus } from '../domain/types.js';
import { LEGACY_PIN_SCHEMES, type PinScheme } from '../domain/pin-schemes.js';
import { engineOf, type Db } from './database.js';
import { deleteDeskIdentificationsOf } from './identify.repository.js';
import { prepared } from './prepared.js';
import type { GuardianLinksTable, PatronsTable } from './schema.js';
import { forgetComplaintPatron } from './complaint.repository.js';
import { deleteHoldPatron } from './legal-hold.repository.js';
import { deleteArtefactsOfAccount } from './oidc-store.repository.js';
import { deleteAuthorisationsOf } from './vendor.repository.js';

/**
 * A patron as stored: the personal fields and card number are one sealed document (`sealed`), opened by
 * the vault in the use cases; look-ups use blind indexes (`cardHash`, patron_search). Storage never
 * sees a personal field in the clear.
 */
export interface StoredPatron {
  id: string;
  libraryId: string;
  cardHash: string;
  categoryCode: string;
  /** The patron's home branch (null: none given). */
  homeBranchId: string | null;
  status: PatronStatus;
  sealed: string;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
  /** When the patron opted in to keeping reading history (JC-IIIc); null when not. */
  readingHistorySince: string | null;
  /** The last check-out or remote access (CB-F3). */
  lastActiveAt: string | null;
  /** A coarse age band for statistics and the instant it next changes. */
  ageBand: string;
  ageBandUntil: string | null;
  /** Privacy choices: notice channel (JC-VI) and when consent was given to mailings (RR-3) and photos (RR-9). */
  noticeChannel: NoticeChannel;
  mailingConsentSince: string | null;
  photoConsentSince: string | null;
  /** What the desk must settle with the patron (an import's minor without a guardian: 'guardian-needed'). */
  deskFlag: string | null;
}

/** How a patron wants notices (JC-VI): declared in domain/types.ts. */
export { NOTICE_CHANNELS, type NoticeChannel } from '../domain/types.js';

/** What sealing a patron produces; the retention facts are set when the row is first written. */
export type SealedPatron = Omit<
  StoredPatron,
  'readingHistorySince' | 'lastActiveAt' | 'ageBand' | 'ageBandUntil' | 'noticeChannel' | 'mailingConsentSince' | 'photoConsentSince' | 'deskFlag'
>;

function toStored(row: PatronsTable): StoredPatron {
  return {
    id: row.id,
    libraryId: row.library_id,
    cardHash: row.card_hash,
    categoryCode: row.category_code,
    homeBranchId: row.home_branch_id,
    status: row.status as PatronStatus,
    sealed: row.personal,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    readingHistorySince: row.reading_history_since,
    lastActiveAt: row.last_active_at,
    ageBand: row.age_band,
    ageBandUntil: row.age_band_until,
    noticeChannel: row.notice_channel as NoticeChannel,
    mailingConsentSince: row.mailing_consent_since,
    photoConsentSince: row.photo_consent_since,
    deskFlag: row.desk_flag ?? null,
  };
}

/** Writes a new patron; the card's first activity is its registration. */
export async function insertPatron(db: Db, patron: SealedPatron, pinHash: string, band: { ageBand: string; ageBandUntil: string | null }): Promise<void> {
  await db.insertInto('patrons').values(patronRow(patron, { pinHash, pinScheme: 'argon2id', band })).execute();
}

/** What an import knows of a patron besides the sealed record (issue 21). */
export interface ImportedPatronFacts {
  pinHash: string;
  pinScheme: PinScheme;
  band: { ageBand: string; ageBandUntil: string | null };
  /** When they opted in to reading history in the old system, where the profile offers it (JC-IIIc). */
  readingHistorySince?: string | null;
  /** 'guardian-needed': a minor imported without a guardian. */
  deskFlag?: string | null;
}

/** Writes a page of imported patrons in one statement per few hundred (the import's batch). */
export async function insertPatrons(db: Db, patrons: readonly { patron: SealedPatron; facts: ImportedPatronFacts }[]): Promise<void> {
  // 20 columns a row: 100 rows stay far below SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
  for (let i = 0; i < patrons.length; i += 100)
    await db
      .insertInto('patrons')
      .values(patrons.slice(i, i + 100).map(({ patron, facts }) => patronRow(patron, facts)))
      .execute();
}

function patronRow(patron: SealedPatron, facts: ImportedPatronFacts) {
  return {
      id: patron.id,
      library_id: patron.libraryId,
      card_hash: patron.cardHash,
      pin_hash: facts.pinHash,
      pin_scheme: facts.pinScheme,
      category_code: patron.categoryCode,
      home_branch_id: patron.homeBranchId,
      status: patron.status,
      personal: patron.sealed,
      expires_at: patron.expiresAt,
      created_at: patron.createdAt,
      updated_at: patron.updatedAt,
      reading_history_since: facts.readingHistorySince ?? null,
      last_active_at: patron.createdAt,
      age_band: facts.band.ageBand,
      age_band_until: facts.band.ageBandUntil,
      notice_channel: 'none',
      mailing_consent_since: null,
      photo_consent_since: null,
      desk_flag: facts.deskFlag ?? null,
  };
}

const patronById = prepared((db: Db, id: string) => db.selectFrom('patrons').selectAll().where('id', '=', id));
const patronByCardHash = prepared((db: Db, cardHash: string) => db.selectFrom('patrons').selectAll().where('card_hash', '=', cardHash));
// The same look-up locking the row it finds on PostgreSQL, as `lockPatronRow` locks it (SQLite has one writer).
const lockedPatronByCardHash = prepared((db: Db, cardHash: string) => {
  const query = db.selectFrom('patrons').selectAll().where('card_hash', '=', cardHash);
  return engineOf(db) === 'postgres' ? query.forNoKeyUpdate() : query;
});

export async function findPatronById(db: Db, id: string): Promise<StoredPatron | undefined> {
  const [row] = (await patronById(db, id)).rows;
  return row && toStored(row);
}

/**
 * The patron whose card has this blind index. With `lock`, the row is locked as `lockPatronRow` locks it
 * and read under the lock, in the one statement that finds it.
 */
export async function findPatronByCardHash(db: Db, cardHash: string, options: { lock?: boolean } = {}): Promise<StoredPatron | undefined> {
  const [row] = (await (options.lock ? lockedPatronByCardHash : patronByCardHash)(db, cardHash)).rows;
  return row && toStored(row);
}

export async function cardHashExists(db: Db, cardHash: string): Promise<boolean> {
  return (await findPatronByCardHash(db, cardHash)) !== undefined;
}

export async function setPatronStatus(db: Db, id: string, status: PatronStatus, at: string): Promise<void> {
  await db.updateTable('patrons').set({ status, updated_at: at }).where('id', '=', id).execute();
}

const activity = prepared((db: Db, id: string, at: string) => db.updateTable('patrons').set({ last_active_at: at }).where('id', '=', id));

/** Records a check-out or remote access: the patron is active (CB-F3). */
export async function touchActivity(db: Db, id: string, at: string): Promise<void> {
  await activity(db, id, at);
}

export async function countPatrons(db: Db, libraryId?: string): Promise<number> {
  let query = db.selectFrom('patrons').select((eb) => eb.fn.countAll<number>().as('n'));
  if (libraryId) query = query.where('library_id', '=', libraryId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Replaces a patron's search tokens (blind indexes of email, phone and name words). */
export async function replaceSearchTokens(db: Db, patronId: string, libraryId: string, tokens: readonly { kind: string; hash: string }[]): Promise<void> {
  await db.deleteFrom('patron_search').where('patron_id', '=', patronId).execute();
  const unique = [...new Map(tokens.map((t) => [`${t.kind}:${t.hash}`, t])).values()];
  if (unique.length > 0)
    await db
      .insertInto('patron_search')
      .values(unique.map((t) => ({ patron_id: patronId, library_id: libraryId, kind: t.kind, token_hash: t.hash })))
      .execute();
}

/** Patrons having every one of these blind-index tokens, in the given libraries (at most `limit`). */
export async function findPatronIdsByTokens(db: Db, tokens: readonly { kind: string; hash: string }[], libraryIds: readonly string[] | null, limit: number): Promise<string[]> {
  if (tokens.length === 0) return [];
  let query = db.selectFrom('patron_search').select('patron_id').distinct();
  for (const [i, token] of tokens.entries()) {
    const alias = `t${i}`;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom(`patron_search as ${alias}` as 'patron_search')
          .select('patron_id')
          .whereRef(`${alias}.patron_id` as 'patron_search.patron_id', '=', 'patron_search.patron_id')
          .where(`${alias}.kind` as 'patron_search.kind', '=', token.kind)
          .where(`${alias}.token_hash` as 'patron_search.token_hash', '=', token.hash),
      ),
    );
  }
  if (libraryIds !== null) query = query.where('library_id', 'in', libraryIds.length > 0 ? [...libraryIds] : ['']);
  const rows = await query.limit(limit).execute();
  return rows.map((r) => r.patron_id);
}

function toGuardianLink(row: GuardianLinksTable): GuardianLink {
  return {
    minorPatronId: row.minor_patron_id,
    guardianPatronId: row.guardian_patron_id,
    libraryId: row.library_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

export async function insertGuardianLink(db: Db, link: GuardianLink): Promise<void> {
  await db
    .insertInto('guardian_links')
    .values({
      minor_patron_id: link.minorPatronId,
      guardian_patron_id: link.guardianPatronId,
      library_id: link.libraryId,
      started_at: link.startedAt,
      ended_at: link.endedAt,
    })
    .execute();
}

/** Every guardian link in which the patron is the minor or the guardian. */
export async function guardianLinksOf(db: Db, patronId: string): Promise<GuardianLink[]> {
  const rows = await db
    .selectFrom('guardian_links')
    .selectAll()
    .where((eb) => eb.or([eb('minor_patron_id', '=', patronId), eb('guardian_patron_id', '=', patronId)]))
    .orderBy('started_at')
    .execute();
  return rows.map(toGuardianLink);
}

/** Ends a minor's guardian links still open, at `at` (the minor came of age); how many ended. */
export async function endGuardianLinksOfMinor(db: Db, minorPatronId: string, at: string): Promise<number> {
  const result = await db.updateTable('guardian_links').set({ ended_at: at }).where('minor_patron_id', '=', minorPatronId).where('ended_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Removes a shredded patron's rows. What stays (loans, fines, payments, holds without the patron link)
 * is decided by the caller; this deletes the patron's own rows and every row that points at them.
 */
export async function deletePatronRows(db: Db, patronId: string): Promise<void> {
  await db.deleteFrom('patron_search').where('patron_id', '=', patronId).execute();
  await db
    .deleteFrom('guardian_links')
    .where((eb) => eb.or([eb('minor_patron_id', '=', patronId), eb('guardian_patron_id', '=', patronId)]))
    .execute();
  await db.deleteFrom('payment_allocations').where('payment_id', 'in', (eb) => eb.selectFrom('payments').select('id').where('patron_id', '=', patronId)).execute();
  await db.deleteFrom('payment_allocations').where('fine_id', 'in', (eb) => eb.selectFrom('fines').select('id').where('patron_id', '=', patronId)).execute();
  await db.deleteFrom('payments').where('patron_id', '=', patronId).execute();
  await db.deleteFrom('fines').where('patron_id', '=', patronId).execute();
  await db.deleteFrom('holds').where('patron_id', '=', patronId).execute();
  await db.deleteFrom('loans').where('patron_id', '=', patronId).execute();
  await db.deleteFrom('service_records').where('patron_id', '=', patronId).execute();
  // Notices (migration 0017): the proofs of what was sent to them go with them.
  await db.deleteFrom('notices').where('patron_id', '=', patronId).execute();
  // Vendors (migration 0020): which vendors they signed in to, their consents, and every artefact of the
  // sign-in provider that names them (sessions, codes, tokens, grants). Before the patron row: the
  // authorisations' foreign key would refuse the patron's deletion.
  await deleteAuthorisationsOf(db, patronId);
  await deleteArtefactsOfAccount(db, patronId);
  // Legal holds and complaints (migration 0005): released holds forget the patron; complaints keep their topic.
  await deleteHoldPatron(db, patronId);
  await forgetComplaintPatron(db, patronId);
  // Vendors (migration 0020): which ones they used and consented to, and the OpenID provider's sessions,
  // codes, tokens and grants naming them (issue 19).
  await db.deleteFrom('vendor_authorisations').where('patron_id', '=', patronId).execute();
  await db.deleteFrom('oidc_store').where('account_id', '=', patronId).execute();
  // Identification at the desk (migration 0027): a handle standing in for their card.
  await deleteDeskIdentificationsOf(db, patronId);
  await db.deleteFrom('patrons').where('id', '=', patronId).execute();
}

// ── Credentials, corrections and privacy choices ─────────────────────────────────────────────────

/** A PIN's hash as kept, and how it was made (argon2id, or an imported scheme until the first log-in). */
export interface StoredPin {
  hash: string;
  scheme: PinScheme;
}

/** A patron and their PIN's hash, by the card's blind index (for the card-and-PIN log-in). */
export async function findPatronCredentials(db: Db, cardHash: string): Promise<{ patron: StoredPatron; pinHash: string; pin: StoredPin } | undefined> {
  const row = await db.selectFrom('patrons').selectAll().where('card_hash', '=', cardHash).executeTakeFirst();
  return row && { patron: toStored(row), pinHash: row.pin_hash, pin: { hash: row.pin_hash, scheme: row.pin_scheme as PinScheme } };
}

export async function findPinHash(db: Db, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('patrons').select('pin_hash').where('id', '=', id).executeTakeFirst();
  return row?.pin_hash;
}

/** A patron's PIN hash and its scheme. */
export async function findPin(db: Db, id: string): Promise<StoredPin | undefined> {
  const row = await db.selectFrom('patrons').select(['pin_hash', 'pin_scheme']).where('id', '=', id).executeTakeFirst();
  return row && { hash: row.pin_hash, scheme: row.pin_scheme as PinScheme };
}

/** Sets a PIN Carrel hashed (argon2id), replacing whatever was there, an imported hash included. */
export async function setPinHash(db: Db, id: string, pinHash: string, at: string): Promise<void> {
  await db.updateTable('patrons').set({ pin_hash: pinHash, pin_scheme: 'argon2id', updated_at: at }).where('id', '=', id).execute();
}

/**
 * Drops the imported PIN hashes, still in an old scheme, of patrons of a library imported before `before`
 * (the library's `legacyPinDays` have passed): they reset their PIN at the desk. Answers whose were dropped.
 */
export async function dropLegacyPins(db: Db, libraryId: string, before: string, at: string): Promise<string[]> {
  const rows = await db
    .selectFrom('patrons')
    .select('id')
    .where('library_id', '=', libraryId)
    .where('pin_scheme', 'in', [...LEGACY_PIN_SCHEMES])
    .where('created_at', '<', before)
    .execute();
  const ids = rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 500)
    await db.updateTable('patrons').set({ pin_hash: '', pin_scheme: 'none', updated_at: at }).where('id', 'in', ids.slice(i, i + 500)).execute();
  return ids;
}

/**
 * Sets a new PIN hash only if the stored one is still `expected`: of two uses of one PIN-reset link at
 * once, one changes the PIN and the other finds it changed. Answers whether this one did.
 */
export async function replacePinHash(db: Db, id: string, expected: string, pinHash: string, at: string): Promise<boolean> {
  const result = await db.updateTable('patrons').set({ pin_hash: pinHash, pin_scheme: 'argon2id', updated_at: at }).where('id', '=', id).where('pin_hash', '=', expected).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A renewed card (CB-F2): its new expiry, and the patron's standing (an expired card is active again). */
export async function setCardExpiry(db: Db, id: string, expiresAt: string, status: PatronStatus, at: string): Promise<void> {
  await db.updateTable('patrons').set({ expires_at: expiresAt, status, updated_at: at }).where('id', '=', id).execute();
}

/** A patron's membership: their category and home branch (null: none). */
export async function setMembership(db: Db, id: string, categoryCode: string, homeBranchId: string | null, at: string): Promise<void> {
  await db.updateTable('patrons').set({ category_code: categoryCode, home_branch_id: homeBranchId, updated_at: at }).where('id', '=', id).execute();
}

/** Writes a re-sealed patron document and its card's blind index (a correction, a new card). */
export async function updateSealed(db: Db, patron: Pick<SealedPatron, 'id' | 'cardHash' | 'sealed' | 'updatedAt'>): Promise<void> {
  await db.updateTable('patrons').set({ personal: patron.sealed, card_hash: patron.cardHash, updated_at: patron.updatedAt }).where('id', '=', patron.id).execute();
}

/** Privacy choices (JC-VI, RR-3, RF-8, RR-9); a consent is the instant it was given, null when not. */
export interface PrivacyChoices {
  noticeChannel: NoticeChannel;
  mailingConsentSince: string | null;
  photoConsentSince: string | null;
}

export async function setPrivacyChoices(db: Db, id: string, choices: PrivacyChoices, at: string): Promise<void> {
  await db
    .updateTable('patrons')
    .set({ notice_channel: choices.noticeChannel, mailing_consent_since: choices.mailingConsentSince, photo_consent_since: choices.photoConsentSince, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** Sets or clears what the desk must settle with the patron. */
export async function setDeskFlag(db: Db, id: string, flag: string | null, at: string): Promise<void> {
  await db.updateTable('patrons').set({ desk_flag: flag, updated_at: at }).where('id', '=', id).execute();
}

/** Whether any patron's PIN is an imported bcrypt hash (Koha's or Evergreen's), still waiting for its first log-in. */
export async function holdsBcryptPins(db: Db): Promise<boolean> {
  const row = await db.selectFrom('patrons').select('id').where('pin_scheme', 'in', ['bcrypt', 'evergreen']).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Marks a patron's card lost, keeping the standing they had (blocked, expired, active) to give back
 * with a new card; a card already lost, or a deceased patron, is left as it is.
 */
export async function markCardLost(db: Db, id: string, at: string): Promise<void> {
  // SET reads the row as it was before the update on both engines: the old status is what is kept.
  await db
    .updateTable('patrons')
    .set((eb) => ({ status: 'card-lost', status_before_loss: eb.ref('status'), updated_at: at }))
    .where('id', '=', id)
    .where('status', 'not in', ['card-lost', 'deceased'])
    .execute();
}

/** The standing a patron whose card was lost had before (active when not recorded). */
export async function standingBeforeLoss(db: Db, id: string): Promise<PatronStatus> {
  const row = await db.selectFrom('patrons').select('status_before_loss').where('id', '=', id).executeTakeFirst();
  return (row?.status_before_loss as PatronStatus | null | undefined) ?? 'active';
}

/** Gives a patron a standing after a lost card is replaced, and forgets the one kept. */
export async function endCardLoss(db: Db, id: string, status: PatronStatus, at: string): Promise<void> {
  await db.updateTable('patrons').set({ status, status_before_loss: null, updated_at: at }).where('id', '=', id).execute();
}

/** Patrons of a library by their cards' blind indexes (an import's page looks up its rows' cards at once). */
export async function patronsByCardHashes(db: Db, cardHashes: readonly string[]): Promise<Map<string, { id: string; libraryId: string; categoryCode: string; readingHistorySince: string | null; ageBand: string }>> {
  const found = new Map<string, { id: string; libraryId: string; categoryCode: string; readingHistorySince: string | null; ageBand: string }>();
  const unique = [...new Set(cardHashes)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('patrons')
      .select(['id', 'library_id', 'card_hash', 'category_code', 'reading_history_since', 'age_band'])
      .where('card_hash', 'in', unique.slice(i, i + 500))
      .execute();
    for (const row of rows) found.set(row.card_hash, { id: row.id, libraryId: row.library_id, categoryCode: row.category_code, readingHistorySince: row.reading_history_since, ageBand: row.age_band });
  }
  return found;
}

/** Writes the blind-index search tokens of new patrons (an import's page). */
export async function insertSearchTokens(db: Db, tokens: readonly { patronId: string; libraryId: string; kind: string; hash: string }[]): Promise<void> {
  const unique = [...new Map(tokens.map((t) => [`${t.patronId}:${t.kind}:${t.hash}`, t])).values()];
  for (let i = 0; i < unique.length; i += 500)
    await db
      .insertInto('patron_search')
      .values(unique.slice(i, i + 500).map((t) => ({ patron_id: t.patronId, library_id: t.libraryId, kind: t.kind, token_hash: t.hash })))
      .execute();
}

/**
 * Locks a patron's row until the transaction ends (PostgreSQL; SQLite's writer is alone anyway), so use
 * cases that count what a patron has and then add to it (loans against the limit, a sign-up, a hold on a
 * title) take turns per patron. `FOR NO KEY UPDATE`: it waits for another such lock and for an update of
 * the row, but not for rows that merely point at the patron (a fine or a loan inserted elsewhere), so it
 * adds no wait to check-ins. False when the row is gone (deleted while this transaction waited).
 */
export async function lockPatronRow(db: Db, id: string): Promise<boolean> {
  if (engineOf(db) !== 'postgres') return true;
  const rows = await db.selectFrom('patrons').select('id').where('id', '=', id).forNoKeyUpdate().execute();
  return rows.length > 0;
}
