/**
 * The catalogue (issue 18): searching it, a record with its copies, cataloguing records and copies (one
 * by one, or a batch from an import), and the work on a copy (edit, withdraw, missing, damaged).
 *
 * Searching is public and writes nothing: no query log, no "who searched" (CB-A2 counts search records
 * as confidential; the surest way to keep them so is to keep none). It is catalogue data, so it needs no
 * permission and leaves no access-log entry: nothing about a patron is read.
 */
import {
  normalizeIsbn,
  parseQuery,
  RECORD_FORMATS,
  recordProblems,
  SEARCH_FIELDS,
  type BibRecord,
  type RecordFields,
  type RecordFormat,
  type SearchField,
  type SearchFilters,
} from '../domain/catalogue.js';
import { DomainError, ErrorCode, refuse, type Problem } from '../domain/errors.js';
import type { Branch, Item, ItemStatus } from '../domain/types.js';
import { canReachLibrary, homeLibrary } from '../policy/scope.policy.js';
import * as catalogue from '../storage/catalogue.repository.js';
import { countPendingHoldsForRecord } from '../storage/hold.repository.js';
import * as items from '../storage/item.repository.js';
import { findBranch, findLibrary, listBranches, listLibraries } from '../storage/library.repository.js';
import { offerShelfCopies } from './circulation.usecases.js';
import { findActiveLoanForItem } from '../storage/loan.repository.js';
import { requirePermission } from './authorization.js';
import { newId, recordLibraryChange, type Context } from './context.js';
import { addItems, itemProblems, requireItemByBarcode, type AddItemInput } from './item.usecases.js';
import { requireLibrary } from './library-access.js';
import { lendsTo } from './patron-access.js';

// ── Search ─────────────────────────────────────────────────────────────────────────────────────────

export interface SearchInput {
  q: string;
  /** keyword (default), title, author, subject, isbn. */
  field?: SearchField;
  /**
   * The library whose catalogue is searched (id or code): required for a search with no log-in; a
   * patron or staff member searches their own. Members of a consortium that lend to its patrons are
   * searched with it (RF-4).
   */
  library?: string;
  format?: string;
  language?: string;
  /** Branch code or id: only records with a copy there. */
  branch?: string;
  available?: boolean;
  limit?: number;
  offset?: number;
}

export interface CopiesAt {
  libraryId: string;
  branchId: string;
  branchCode: string;
  branchName: string;
  copies: number;
  available: number;
}

export interface SearchHit {
  id: string;
  libraryId: string;
  title: string;
  subtitle: string | null;
  authors: string[];
  format: RecordFormat;
  language: string | null;
  year: number | null;
  isbn: string | null;
  /** Copies per branch, and how many are on the shelf now. */
  availability: CopiesAt[];
}

export interface SearchResult {
  total: number;
  offset: number;
  hits: SearchHit[];
  facets: {
    format: { value: string; count: number }[];
    language: { value: string; count: number }[];
    branch: { value: string; code: string; name: string; count: number }[];
    /** Records with a copy on the shelf now. */
    available: number;
    /**
     * True when so many records match that branch and available were counted over the best
     * FACET_SAMPLE (2,000) of them only: "about" figures (format and language stay exact).
     */
    approximate: boolean;
  };
}

const MAX_PAGE = 50;
/** ISO 639 codes as records carry them (eng, spa…). */
const LANGUAGE_CODE = /^[A-Za-z]{2,3}$/;

/** The libraries a search covers: the one asked for (or the actor's), and the members that lend to its patrons. */
async function searchScope(ctx: Context, library: string | undefined): Promise<string[]> {
  const all = await listLibraries(ctx.trx);
  const bound = ctx.actor.kind === 'patron' ? ctx.actor.libraryId : homeLibrary(ctx.actor);
  // Library ids are short and public (the demo's is 'demo'); they name a catalogue in its address.
  const named = library === undefined ? undefined : all.find((l) => l.id === library);
  if (library !== undefined && !named) throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'library');
  const home = named?.id ?? bound;
  if (home === undefined) {
    if (all.length === 1) return [all[0]!.id];
    throw refuse(ErrorCode.VALIDATION_FAILED, 'Name the library whose catalogue to search.', 'library');
  }
  const scope = [home];
  for (const other of all) if (other.id !== home && (await lendsTo(ctx, other.id, home))) scope.push(other.id);
  return scope;
}

/**
 * Searches the catalogue: every word must match (in any field, or in the field asked for), best first,
 * with facets of the whole result and each hit's copies per branch. Reads catalogue data only; writes
 * nothing, anywhere.
 */
export async function searchCatalogue(ctx: Context, input: SearchInput): Promise<SearchResult> {
  const field = input.field ?? 'keyword';
  if (!SEARCH_FIELDS.includes(field)) throw refuse(ErrorCode.VALIDATION_FAILED, `A search field is one of ${SEARCH_FIELDS.join(', ')}.`, 'field');
  const parsed = parseQuery(input.q ?? '', field);
  if (!parsed) throw refuse(ErrorCode.QUERY_EMPTY, field === 'isbn' ? 'That is not a valid ISBN.' : 'Type a word to search for.', 'q');
  const libraryIds = await searchScope(ctx, input.library);
  const branches = new Map<string, Branch>();
  for (const libraryId of libraryIds) for (const branch of await listBranches(ctx.trx, libraryId)) branches.set(branch.id, branch);
  const filters: SearchFilters = {};
  if (input.format !== undefined) {
    if (!(RECORD_FORMATS as readonly string[]).includes(input.format)) throw refuse(ErrorCode.VALIDATION_FAILED, `A format is one of ${RECORD_FORMATS.join(', ')}.`, 'format');
    filters.format = input.format;
  }
  if (input.language !== undefined) {
    if (!LANGUAGE_CODE.test(input.language)) throw refuse(ErrorCode.VALIDATION_FAILED, 'A language is a code of two or three letters, such as spa.', 'language');
    filters.language = input.language.toLowerCase();
  }
  if (input.available) filters.available = true;
  if (input.branch !== undefined) {
    const branch = [...branches.values()].find((b) => b.id === input.branch || b.code === input.branch);
    if (!branch) throw refuse(ErrorCode.BRANCH_NOT_FOUND, 'No branch has that id or code.', 'branch');
    filters.branchId = branch.id;
  }
  const limit = Math.min(Math.max(Math.trunc(input.limit ?? 20), 1), MAX_PAGE);
  const offset = Math.min(Math.max(Math.trunc(input.offset ?? 0), 0), 10_000);
  const page = await catalogue.searchRecords(ctx.trx, parsed, libraryIds, filters, { limit, offset });
  const copies = await catalogue.availabilityOf(
    ctx.trx,
    page.records.map((r) => r.id),
  );
  return {
    total: page.total,
    offset,
    hits: page.records.map((record) => ({
      id: record.id,
      libraryId: record.libraryId,
      title: record.title,
      subtitle: record.subtitle,
      authors: record.authors,
      format: record.format,
      language: record.language,
      year: record.year,
      isbn: record.isbn,
      availability: copies.filter((c) => c.recordId === record.id).map((c) => copiesAt(branches, c)),
    })),
    facets: {
      format: page.facets.format,
      language: page.facets.language,
      branch: page.facets.branch.map((b) => ({ value: b.value, code: branches.get(b.value)?.code ?? '', name: branches.get(b.value)?.name ?? '', count: b.count })),
      available: page.facets.available,
      approximate: page.facets.approximate,
    },
  };
}

function copiesAt(branches: Map<string, Branch>, c: { branchId: string; total: number; available: number }): CopiesAt {
  const branch = branches.get(c.branchId);
  return { libraryId: branch?.libraryId ?? '', branchId: c.branchId, branchCode: branch?.code ?? '', branchName: branch?.name ?? '', copies: c.total, available: c.available };
}

export interface CopyView {
  barcode: string;
  branchId: string;
  branchCode: string;
  callNumber: string | null;
  /** available, on-loan, on-hold-shelf (waiting for a patron), missing, lost, withdrawn. */
  status: ItemStatus;
  damaged: boolean;
}

export interface RecordView extends BibRecord {
  copies: CopyView[];
  availability: CopiesAt[];
  /** How many holds wait for this title (no one named). */
  holdsWaiting: number;
}

/**
 * A record with its copies, where they are and whether they are on the shelf; public like the search
 * (any record, to anyone: a catalogue is published). Withdrawn copies are shown only to the record's
 * own library's staff, and to the system at work outside HTTP.
 */
export async function showRecord(ctx: Context, input: { recordId: string }): Promise<RecordView> {
  const record = await catalogue.findRecord(ctx.trx, input.recordId);
  if (!record) throw refuse(ErrorCode.RECORD_NOT_FOUND, 'No record has that id.', 'recordId');
  const branches = new Map<string, Branch>();
  for (const branch of await listBranches(ctx.trx, record.libraryId)) branches.set(branch.id, branch);
  const staffView = catalogues(ctx, record.libraryId);
  const copies = (await items.itemsOfRecord(ctx.trx, record.id)).filter((c) => c.status !== 'withdrawn' || staffView);
  const availability = await catalogue.availabilityOf(ctx.trx, [record.id]);
  return {
    ...record,
    copies: copies.map((c) => ({ barcode: c.barcode, branchId: c.branchId, branchCode: branches.get(c.branchId)?.code ?? '', callNumber: c.callNumber, status: c.status, damaged: c.damaged })),
    availability: availability.map((c) => copiesAt(branches, c)),
    holdsWaiting: await countPendingHoldsForRecord(ctx.trx, record.id),
  };
}

/** Whether the actor keeps this library's catalogue: its staff, or the system at work (an import, a job) — not the system answering an HTTP request with no log-in, which is the public. */
function catalogues(ctx: Context, libraryId: string): boolean {
  if (ctx.actor.kind === 'system') return ctx.channel !== 'http';
  return ctx.actor.kind === 'staff' && canReachLibrary(ctx.actor, libraryId).allowed;
}

// ── Cataloguing ────────────────────────────────────────────────────────────────────────────────────

/** A record as given to `saveRecords`: its fields, and the copies below it (each added if its barcode is new). */
export interface RecordInput extends Partial<Omit<RecordFields, 'title'>> {
  title: string;
  copies?: Omit<AddItemInput, 'libraryId' | 'title' | 'author' | 'isbn' | 'recordId'>[];
}

export interface SaveRecordsResult {
  created: number;
  updated: number;
  copiesAdded: number;
  /** Copies whose barcode the library already had: linked to the record, left otherwise as they are. */
  copiesKept: number;
  recordIds: string[];
}

/** A record's fields with every default filled in, and the problems found in them. */
function recordFieldsOf(input: RecordInput): { fields: RecordFields; problems: Problem[] } {
  const isbns = [...new Set((input.isbns ?? []).map((i) => normalizeIsbn(i) ?? i.replace(/[^\dXx]/g, '')).filter((i) => i !== ''))];
  const fields: RecordFields = {
    controlNumber: input.controlNumber?.trim() || null,
    title: (input.title ?? '').trim(),
    subtitle: input.subtitle?.trim() || null,
    authors: (input.authors ?? []).map((a) => a.trim()).filter((a) => a !== ''),
    subjects: (input.subjects ?? []).map((a) => a.trim()).filter((a) => a !== ''),
    isbns,
    issn: input.issn?.trim() || null,
    publisher: input.publisher?.trim() || null,
    year: input.year ?? null,
    format: input.format ?? 'book',
    language: input.language?.trim().toLowerCase() || null,
    summary: input.summary?.trim() || null,
  };
  const problems: Problem[] = recordProblems(fields).map((p) => ({ code: ErrorCode.VALIDATION_FAILED, message: p.message, field: p.field }));
  for (const copy of input.copies ?? []) problems.push(...itemProblems({ ...copy, libraryId: '', title: fields.title || 'x' }));
  return { fields, problems };
}

/** The problems of one record, before anything is written (an import reports them by record number). */
export function recordInputProblems(input: RecordInput): Problem[] {
  return recordFieldsOf(input).problems;
}

/**
 * Saves a batch of records with their copies in one library: a record whose control number the library
 * already has is updated, any other is created; each copy whose barcode is new is added below its
 * record. All or nothing: any problem (reported with the record's position) and nothing is written.
 * The MARC import calls this a batch at a time; the office calls it for one record.
 */
export async function saveRecords(ctx: Context, input: { libraryId: string; records: readonly (RecordInput & { position?: number })[] }): Promise<SaveRecordsResult> {
  requirePermission(ctx, 'items.manage');
  const library = await requireLibrary(ctx, input.libraryId);
  const problems: Problem[] = [];
  const prepared = input.records.map((record, index) => {
    const { fields, problems: own } = recordFieldsOf(record);
    const where = `record ${record.position ?? index + 1}: `;
    problems.push(...own.map((p) => ({ ...p, message: where + p.message })));
    return { fields, copies: record.copies ?? [] };
  });
  if (problems.length > 0) throw new DomainError(problems);
  const at = ctx.now.toISOString();
  const existing = await catalogue.recordIdsByControlNumber(
    ctx.trx,
    library.id,
    prepared.flatMap((p) => (p.fields.controlNumber === null ? [] : [p.fields.controlNumber])),
  );
  const toCreate: BibRecord[] = [];
  const recordIds: string[] = [];
  let updated = 0;
  const seen = new Map<string, string>();
  /** Records of this batch still to be inserted, by id: a control number given twice in one batch is one record, the later fields winning. */
  const pending = new Map<string, number>();
  for (const { fields } of prepared) {
    const known = fields.controlNumber === null ? undefined : (seen.get(fields.controlNumber) ?? existing.get(fields.controlNumber));
    const record: BibRecord = { ...fields, id: known ?? newId(), libraryId: library.id, isbn: fields.isbns.find((i) => /^\d{13}$/.test(i)) ?? null, createdAt: at, updatedAt: at };
    const queued = known === undefined ? undefined : pending.get(known);
    if (queued !== undefined) toCreate[queued] = record;
    else if (known) {
      await catalogue.updateRecord(ctx.trx, record);
      updated++;
    } else {
      pending.set(record.id, toCreate.length);
      toCreate.push(record);
    }
    if (fields.controlNumber !== null) seen.set(fields.controlNumber, record.id);
    recordIds.push(record.id);
  }
  await catalogue.insertRecords(ctx.trx, toCreate);

  // Copies: new barcodes are added under their record; a barcode the library has is linked, not changed.
  const copies = prepared.flatMap((p, index) =>
    p.copies.map((copy) => ({ ...copy, libraryId: library.id, title: p.fields.title, author: p.fields.authors[0] ?? null, isbn: p.fields.isbns[0] ?? null, recordId: recordIds[index]! })),
  );
  const known = new Map<string, Item>();
  for (const item of await items.findItemsByBarcodes(ctx.trx, library.id, [...new Set(copies.map((c) => c.barcode))])) known.set(item.barcode, item);
  for (const [barcode, item] of known) {
    const copy = copies.find((c) => c.barcode === barcode)!;
    if (item.recordId !== copy.recordId) await items.updateItem(ctx.trx, item.id, { recordId: copy.recordId });
  }
  const fresh = copies.filter((c) => !known.has(c.barcode));
  if (fresh.length > 0) await addItems(ctx, fresh);
  if (toCreate.length + updated > 0) await recordLibraryChange(ctx, library.id, `catalogue-save:${toCreate.length}+${updated}`);
  return { created: toCreate.length, updated, copiesAdded: fresh.length, copiesKept: known.size, recordIds };
}

/** Changes a record's fields (the office's edit form). */
export async function editRecord(ctx: Context, input: { recordId: string } & Partial<RecordInput>): Promise<BibRecord> {
  requirePermission(ctx, 'items.manage');
  const current = await catalogue.findRecord(ctx.trx, input.recordId);
  if (!current || !canReachLibrary(ctx.actor, current.libraryId).allowed) throw refuse(ErrorCode.RECORD_NOT_FOUND, 'No record has that id.', 'recordId');
  const { recordId: _id, copies: _copies, ...changes } = input;
  const { fields, problems } = recordFieldsOf({ ...current, ...changes, title: changes.title ?? current.title });
  if (problems.length > 0) throw new DomainError(problems);
  const record: BibRecord = { ...current, ...fields, isbn: fields.isbns.find((i) => /^\d{13}$/.test(i)) ?? null, updatedAt: ctx.now.toISOString() };
  await catalogue.updateRecord(ctx.trx, record);
  await recordLibraryChange(ctx, current.libraryId, `record-edit:${current.id}`);
  return record;
}

// ── Copies ─────────────────────────────────────────────────────────────────────────────────────────

export interface ItemChangeInput {
  itemBarcode: string;
  libraryId?: string;
  /** Branch id or code. */
  branch?: string;
  callNumber?: string | null;
  itemType?: string;
  replacementCostCents?: number | null;
  /**
   * withdrawn (taken out of the collection), missing (not found on the shelf), available (found again,
   * or back from withdrawn by mistake). Lost is declared by circulation (a loan), not here.
   */
  status?: 'withdrawn' | 'missing' | 'available';
  damaged?: boolean;
  /** Move the copy under another record of the library. */
  recordId?: string;
}

/**
 * Changes a copy. A copy out on loan or waiting on a hold shelf cannot be withdrawn or marked missing
 * (check it in, or cancel the hold, first). A withdrawn copy keeps no history of its own: its ended loans
 * follow the profile's retention like any other, and no row links it to a reader.
 */
export async function changeItem(ctx: Context, input: ItemChangeInput): Promise<Item> {
  requirePermission(ctx, 'items.manage');
  const item = await requireItemByBarcode(ctx, input.itemBarcode, input.libraryId, { lock: true });
  const problems: Problem[] = [];
  const changes: items.ItemChanges = {};
  if (input.branch !== undefined) {
    const branch = await findBranch(ctx.trx, item.libraryId, input.branch);
    if (!branch) problems.push({ code: ErrorCode.BRANCH_NOT_FOUND, message: 'The library has no branch with that id or code.', field: 'branch' });
    else changes.branchId = branch.id;
  }
  if (input.callNumber !== undefined) changes.callNumber = input.callNumber?.trim() || null;
  if (input.itemType !== undefined || input.replacementCostCents !== undefined)
    problems.push(...itemProblems({ libraryId: item.libraryId, barcode: item.barcode, title: item.title, ...(input.itemType !== undefined ? { itemType: input.itemType } : {}), replacementCostCents: input.replacementCostCents ?? null }));
  if (input.itemType !== undefined) changes.itemType = input.itemType;
  if (input.replacementCostCents !== undefined) changes.replacementCostCents = input.replacementCostCents;
  if (input.damaged !== undefined) changes.damaged = input.damaged;
  if (input.recordId !== undefined) {
    const record = await catalogue.findRecord(ctx.trx, input.recordId);
    if (!record || record.libraryId !== item.libraryId) problems.push({ code: ErrorCode.RECORD_NOT_FOUND, message: 'The library has no record with that id.', field: 'recordId' });
    else changes.recordId = record.id;
  }
  if (input.status !== undefined) {
    if (!['withdrawn', 'missing', 'available'].includes(input.status)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A copy is set withdrawn, missing or available.', field: 'status' });
    else if (input.status !== item.status) {
      if (item.status === 'on-loan' || (await findActiveLoanForItem(ctx.trx, item.id)))
        problems.push({ code: ErrorCode.ITEM_ON_LOAN, message: 'The copy is out on loan: check it in first.', field: 'status' });
      else if (item.status === 'on-hold-shelf') problems.push({ code: ErrorCode.ITEM_ON_LOAN, message: 'The copy is held for a patron: cancel the hold first.', field: 'status' });
      else if (item.status === 'lost' && input.status === 'available') problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A lost copy comes back by being checked in.', field: 'status' });
      else changes.status = input.status;
    }
  }
  if (problems.length > 0) throw new DomainError(problems);
  await items.updateItem(ctx.trx, item.id, changes);
  const what = Object.keys(changes).sort().join(',') || 'nothing';
  await recordLibraryChange(ctx, item.libraryId, `item-change:${item.barcode}:${what}`);
  const changed = { ...item, ...changes, ...(changes.status ? { status: changes.status } : {}) } as Item;
  // A copy found again, or repaired, goes to the holds waiting for it
  if (changed.status === 'available' && (item.status !== 'available' || (item.damaged && changed.damaged === false))) {
    const library = await findLibrary(ctx.trx, item.libraryId);
    if (library) await offerShelfCopies(ctx, [changed], library);
    return (await items.findItemById(ctx.trx, item.id)) ?? changed;
  }
  return changed;
}
