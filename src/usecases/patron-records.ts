import { ErrorCode, refuse } from '../domain/errors.js';
import type { Fine, Patron, PatronPersonal } from '../domain/types.js';
import type { SealedPatron, StoredPatron } from '../storage/patron.repository.js';
import { VaultError } from '../vault/cipher.js';
import { normalizeForIndex, type Vault } from '../vault/vault.js';
import type { Context } from './context.js';

/** What is sealed for a patron: every personal field and the card number, as one JSON document. */
interface SealedDocument extends PatronPersonal {
  cardNumber: string;
}

/**
 * Opens a stored patron's sealed document. A patron whose key is gone was deleted after the row was read
 * (their own DELETE /me racing another of their requests on PostgreSQL): answered as not found, not as a
 * fault (issue 22). Any other failure to open stays loud.
 */
export async function openPatron(ctx: Pick<Context, 'vault'>, stored: SealedPatron | StoredPatron): Promise<Patron> {
  let opened: string;
  try {
    opened = await ctx.vault.open(stored.id, 'personal', stored.sealed);
  } catch (error) {
    if (error instanceof VaultError && !(await ctx.vault.hasKey(stored.id))) throw refuse(ErrorCode.PATRON_NOT_FOUND, 'No such patron: the record has been deleted.');
    throw error;
  }
  const document = JSON.parse(opened) as SealedDocument;
  const { cardNumber, ...personal } = document;
  return {
    id: stored.id,
    libraryId: stored.libraryId,
    cardNumber,
    categoryCode: stored.categoryCode,
    homeBranchId: stored.homeBranchId,
    status: stored.status,
    personal,
    expiresAt: stored.expiresAt,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}

/** Seals a patron for storage: the document under their data key, the card number as a blind index. */
export async function sealPatron(vault: Vault, patron: Patron): Promise<SealedPatron> {
  const document: SealedDocument = { cardNumber: patron.cardNumber, ...patron.personal };
  return {
    id: patron.id,
    libraryId: patron.libraryId,
    cardHash: vault.blind('card', patron.cardNumber),
    categoryCode: patron.categoryCode,
    homeBranchId: patron.homeBranchId,
    status: patron.status,
    sealed: await vault.seal(patron.id, 'personal', JSON.stringify(document)),
    expiresAt: patron.expiresAt,
    createdAt: patron.createdAt,
    updatedAt: patron.updatedAt,
  };
}

/** The blind indexes the desk finds a patron by, besides the card: email, phone, each word of the name. */
export function searchTokens(vault: Vault, personal: PatronPersonal): { kind: string; hash: string }[] {
  const tokens = vault.nameTokens(personal.name).map((hash) => ({ kind: 'name', hash }));
  // A value that normalises to nothing (a phone with no digits) is not indexed: it would match everyone alike.
  if (personal.email && normalizeForIndex('email', personal.email) !== '') tokens.push({ kind: 'email', hash: vault.blind('email', personal.email) });
  if (personal.phone && normalizeForIndex('phone', personal.phone) !== '') tokens.push({ kind: 'phone', hash: vault.blind('phone', personal.phone) });
  return tokens;
}

/** Opens the sealed notes of a patron's fines (waiver reasons and other free text). */
export async function openFineNotes<F extends Pick<Fine, 'patronId' | 'note'>>(ctx: Pick<Context, 'vault'>, fines: readonly F[]): Promise<F[]> {
  return Promise.all(fines.map(async (f) => (f.note === null ? f : { ...f, note: await ctx.vault.open(f.patronId, 'fine-note', f.note) })));
}
