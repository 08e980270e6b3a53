import type { GuardianLink, Patron, PatronPersonal, PatronStatus } from '../domain/types.js';
import type { Db } from './database.js';
import { prepared } from './prepared.js';
import type { GuardianLinksTable, PatronsTable } from './schema.js';

// The personal fields travel as one JSON document, the unit the vault will encrypt per patron.
function toPatron(row: PatronsTable): Patron {
  return {
    id: row.id,
    libraryId: row.library_id,
    cardNumber: row.card_number,
    categoryCode: row.category_code,
    status: row.status as PatronStatus,
    personal: JSON.parse(row.personal) as PatronPersonal,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertPatron(db: Db, patron: Patron, pinHash: string): Promise<void> {
  await db
    .insertInto('patrons')
    .values({
      id: patron.id,
      library_id: patron.libraryId,
      card_number: patron.cardNumber,
      pin_hash: pinHash,
      category_code: patron.categoryCode,
      status: patron.status,
      personal: JSON.stringify(patron.personal),
      expires_at: patron.expiresAt,
      created_at: patron.createdAt,
      updated_at: patron.updatedAt,
    })
    .execute();
}

const patronById = prepared((db: Db, id: string) => db.selectFrom('patrons').selectAll().where('id', '=', id));
const patronByCard = prepared((db: Db, cardNumber: string) => db.selectFrom('patrons').selectAll().where('card_number', '=', cardNumber));

export async function findPatronById(db: Db, id: string): Promise<Patron | undefined> {
  const [row] = (await patronById(db, id)).rows;
  return row && toPatron(row);
}

export async function findPatronByCard(db: Db, cardNumber: string): Promise<Patron | undefined> {
  const [row] = (await patronByCard(db, cardNumber)).rows;
  return row && toPatron(row);
}

export async function cardNumberExists(db: Db, cardNumber: string): Promise<boolean> {
  const row = await db.selectFrom('patrons').select('id').where('card_number', '=', cardNumber).executeTakeFirst();
  return row !== undefined;
}

export async function setPatronStatus(db: Db, id: string, status: PatronStatus, at: string): Promise<void> {
  await db.updateTable('patrons').set({ status, updated_at: at }).where('id', '=', id).execute();
}

export async function countPatrons(db: Db, libraryId?: string): Promise<number> {
  let query = db.selectFrom('patrons').select((eb) => eb.fn.countAll<number>().as('n'));
  if (libraryId) query = query.where('library_id', '=', libraryId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
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
