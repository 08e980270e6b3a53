/**
 * Moving a library onto Carrel (issue 21): patrons, the loans they have out, their holds and what they
 * owe, imported from the old system's export a page at a time. Each page is one use case, one
 * transaction: its rows, the run's checkpoint (the page's last line) and the run's report commit
 * together, so a run killed half-way and started again resumes after the last page that committed and
 * imports nothing twice.
 *
 * Every patron goes through the vault as registration does (sealed, blind-indexed, a data key of their
 * own) and every record written is logged on the patron's record ('import-…'). What the library's policy
 * says it should not keep stays behind: returned loans, unless the patron opted in to reading history and
 * the profile would keep them today (the retention engine's own decider), counted in the report with the
 * clause. A reason in the report names a column, never a value from the row.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { ageBandOn } from '../domain/patron.rules.js';
import { cardExpiry, cardValidityMonthsFor, categoryAgeProblem, holdPickupDeadline, isMinor } from '../domain/circulation.rules.js';
import { DomainError, ErrorCode, refuse, type Problem } from '../domain/errors.js';
import {
  checkPatronRow,
  identityKey,
  importedStatus,
  readAmount,
  readCount,
  readDate,
  type FineImportRow,
  type HoldImportRow,
  type ImportFormat,
  type ImportKind,
  type LoanImportRow,
  type PatronImportRow,
} from '../domain/import.rules.js';
import { isLegacyScheme, type PinScheme } from '../domain/pin-schemes.js';
import type { FineKind, Library, Patron } from '../domain/types.js';
import { loanRetention } from '../policy/retention.policy.js';
import { profiles } from '../profile/profiles.js';
import { recordIdsByControlNumber } from '../storage/catalogue.repository.js';
import { insertFine } from '../storage/fine.repository.js';
import { insertHold, lastQueuedHold } from '../storage/hold.repository.js';
import * as runs from '../storage/import-run.repository.js';
import { findItemsByBarcodes, setItemStatus } from '../storage/item.repository.js';
import { findActiveLoanForItem, insertLoan } from '../storage/loan.repository.js';
import { listBranches, listCategories } from '../storage/library.repository.js';
import { dropLegacyPins as dropImportedPins, insertGuardianLink, insertPatrons, insertSearchTokens, patronsByCardHashes, type ImportedPatronFacts, type SealedPatron } from '../storage/patron.repository.js';
import { wrapLegacyPin } from '../vault/legacy-pins.js';
import { hashSecret } from '../vault/secrets.js';
import { nameWords } from '../vault/vault.js';
import { refuseUnlessOperator } from './authorization.js';
import { markErased, newId, recordAccess, type Context } from './context.js';
import { requireLibrary } from './library-access.js';
import { sealPatron, searchTokens } from './patron-records.js';

/** A report lists this many rejected rows, duplicates and fields left out; the counts are all of them. */
export const MAX_LISTED = 1000;

/** A row the import did not take, by its line in the file. */
export interface RejectedRow {
  line: number;
  code: ErrorCode;
  reason: string;
}

/** What a run did, kept with the run (so a resumed run goes on counting) and printed at the end. */
export interface ImportReport {
  runId: string | null;
  libraryId: string;
  kind: ImportKind;
  format: ImportFormat;
  fileSha256: string;
  dryRun: boolean;
  /** This run went on from a checkpoint an earlier, stopped run of the same file left. */
  resumed: boolean;
  /** Data rows read (the header is not one). */
  read: number;
  imported: number;
  rejected: RejectedRow[];
  rejectedCount: number;
  /** Rows that are the same person as an earlier row: the same card (not imported) or the same name, birth date and email under another card (imported both: merge them at the desk). */
  duplicates: { line: number; sameAs: number | null; by: 'card' | 'identity' }[];
  duplicateCount: number;
  /** Rows left behind on purpose, by reason, with the clause that says so. */
  leftBehind: { reason: string; clause: string | null; count: number }[];
  /** Fields of imported rows that were not well formed and are left out. */
  fieldsLeftOut: RejectedRow[];
  fieldsLeftOutCount: number;
  /** Minors imported without a guardian's card: flagged for the desk. */
  flagged: { guardianNeeded: number };
  /** Patrons by the scheme of the PIN they came with (patrons only). */
  pins: Partial<Record<PinScheme | 'hashed-at-import', number>>;
  /** Patrons imported per Carrel category and per home branch code ('' for none): the counts to compare with the old system. */
  byCategory: Record<string, number>;
  byBranch: Record<string, number>;
  /** Patrons imported per standing: a card lost or an account barred in the old system stays so. */
  byStatus: Record<string, number>;
  /** Columns of the file Carrel does not keep: read past, never stored. */
  columnsIgnored: string[];
  warnings: string[];
  startedAt: string;
  finishedAt: string | null;
}

/** The mapping from the old system's codes to the library's, checked against the library before a run. */
export interface ResolvedMapping {
  categories: Record<string, string>;
  branches: Record<string, string>;
  fineKinds: Record<string, FineKind>;
  dateFormat?: string | undefined;
}

/**
 * What a dry run remembers between its pages, since it writes nothing a later page could find: the
 * cards and identities seen, and the cards of patrons the file would create (for guardians, loans).
 */
export interface DryRunMemory {
  cards: Map<string, number>;
  identities: Map<string, number>;
  minors: Set<string>;
}

export function dryRunMemory(): DryRunMemory {
  return { cards: new Map(), identities: new Map(), minors: new Set() };
}

export interface StartImportInput {
  libraryId: string;
  kind: ImportKind;
  format: ImportFormat;
  fileSha256: string;
  columnsIgnored: string[];
  dryRun?: boolean;
}

/**
 * Starts a run, or finds the run of the same file (same bytes, library and kind) that stopped part-way
 * and answers it with its checkpoint: the caller skips the lines up to it. A file imported to the end
 * is refused (IMPORT_ALREADY_DONE): everything in it would be imported twice. A dry run has no run.
 */
export async function startImport(ctx: Context, input: StartImportInput): Promise<{ report: ImportReport; checkpointLine: number }> {
  refuseUnlessOperator(ctx);
  const library = await requireLibrary(ctx, input.libraryId);
  const at = ctx.now.toISOString();
  const fresh: ImportReport = {
    runId: null,
    libraryId: library.id,
    kind: input.kind,
    format: input.format,
    fileSha256: input.fileSha256,
    dryRun: input.dryRun ?? false,
    resumed: false,
    read: 0,
    imported: 0,
    rejected: [],
    rejectedCount: 0,
    duplicates: [],
    duplicateCount: 0,
    leftBehind: [],
    fieldsLeftOut: [],
    fieldsLeftOutCount: 0,
    flagged: { guardianNeeded: 0 },
    pins: {},
    byCategory: {},
    byBranch: {},
    byStatus: {},
    columnsIgnored: input.columnsIgnored,
    warnings: [],
    startedAt: at,
    finishedAt: null,
  };
  if (input.dryRun) return { report: fresh, checkpointLine: 0 };
  const existing = await runs.findImportRunOfFile(ctx.trx, library.id, input.kind, input.fileSha256);
  if (existing?.status === 'finished')
    throw refuse(ErrorCode.IMPORT_ALREADY_DONE, `This file was already imported into this library as ${input.kind} (run ${existing.id}, finished ${existing.finishedAt ?? ''}); nothing was imported again.`, 'file');
  if (existing?.status === 'running') return { report: { ...(JSON.parse(existing.report) as ImportReport), resumed: true }, checkpointLine: existing.checkpointLine };
  const report = { ...fresh, runId: newId() };
  await runs.insertImportRun(ctx.trx, {
    id: report.runId,
    libraryId: library.id,
    kind: input.kind,
    format: input.format,
    fileSha256: input.fileSha256,
    status: 'running',
    checkpointLine: 0,
    report: JSON.stringify(report),
    startedAt: at,
    updatedAt: at,
    finishedAt: null,
  });
  return { report, checkpointLine: 0 };
}

/** Ends a run: its report is final, and the identity keys it kept to find duplicates go. */
export async function finishImport(ctx: Context, input: { report: ImportReport }): Promise<ImportReport> {
  refuseUnlessOperator(ctx);
  const report = { ...input.report, finishedAt: ctx.now.toISOString() };
  if (report.runId === null) return report;
  const run = await runs.lockImportRun(ctx.trx, report.runId);
  if (!run) throw refuse(ErrorCode.IMPORT_FAILED, 'The import run is gone.', 'run');
  const stored = JSON.parse(run.report) as ImportReport;
  const final = { ...stored, resumed: report.resumed, finishedAt: report.finishedAt };
  await runs.finishImportRun(ctx.trx, run.id, JSON.stringify(final), report.finishedAt);
  await runs.deleteImportKeys(ctx.trx, run.id);
  return final;
}

/** Every run of an import (the libraries the actor reaches), the latest last. */
export async function listImports(ctx: Context, input: { libraryId?: string }): Promise<ImportReport[]> {
  refuseUnlessOperator(ctx);
  const libraries = input.libraryId === undefined ? null : [(await requireLibrary(ctx, input.libraryId)).id];
  return (await runs.listImportRuns(ctx.trx, libraries)).map((run) => ({ ...(JSON.parse(run.report) as ImportReport), runId: run.id }));
}

/** A page of rows and where it ends in the file. */
export interface ImportPage<R> {
  report: ImportReport;
  rows: R[];
  /** The file's last line this page covers (rows may have been skipped before it, blank lines). */
  lastLine: number;
  /** Data rows this page read. */
  read: number;
  mapping: ResolvedMapping;
  dryRun?: DryRunMemory | undefined;
}

// ── The run's bookkeeping ─────────────────────────────────────────────────────────────────────────

/** The page's report so far, with the run locked; undefined when an earlier run already committed the page. */
async function pageStart<R>(ctx: Context, page: ImportPage<R>): Promise<ImportReport | undefined> {
  refuseUnlessOperator(ctx);
  if (page.report.runId === null) return structuredClone(page.report);
  const run = await runs.lockImportRun(ctx.trx, page.report.runId);
  if (!run || run.status !== 'running') throw refuse(ErrorCode.IMPORT_FAILED, 'The import run is not running.', 'run');
  if (run.checkpointLine >= page.lastLine) return undefined;
  return JSON.parse(run.report) as ImportReport;
}

async function pageEnd<R>(ctx: Context, page: ImportPage<R>, report: ImportReport): Promise<ImportReport> {
  report.read += page.read;
  report.rejected.sort((a, b) => a.line - b.line);
  report.duplicates.sort((a, b) => a.line - b.line);
  report.fieldsLeftOut.sort((a, b) => a.line - b.line);
  if (report.runId !== null) await runs.advanceImportRun(ctx.trx, report.runId, page.lastLine, JSON.stringify(report), ctx.now.toISOString());
  return report;
}

function reject(report: ImportReport, line: number, code: ErrorCode, reason: string): void {
  report.rejectedCount++;
  if (report.rejected.length < MAX_LISTED) report.rejected.push({ line, code, reason });
}

function rejectProblems(report: ImportReport, line: number, problems: readonly Problem[]): void {
  reject(report, line, problems[0]!.code, problems.map((p) => p.message).join(' '));
}

function leaveBehind(report: ImportReport, reason: string, clause: string | null): void {
  const entry = report.leftBehind.find((e) => e.reason === reason && e.clause === clause);
  if (entry) entry.count++;
  else report.leftBehind.push({ reason, clause, count: 1 });
}

function duplicate(report: ImportReport, line: number, sameAs: number | null, by: 'card' | 'identity'): void {
  report.duplicateCount++;
  if (report.duplicates.length < MAX_LISTED) report.duplicates.push({ line, sameAs, by });
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * A patron's id from the run and the line: the same row of the same run gives the same patron, so a data
 * key written before a killed page committed is found again rather than left behind unused.
 */
function importedId(runId: string | null, line: number): string {
  if (runId === null) return newId();
  const hex = createHash('sha256').update(`carrel-import:${runId}:${line}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function libraryToday(ctx: Context, library: Library): string {
  return DateTime.fromJSDate(ctx.now, { zone: library.timeZone }).toISODate() ?? '';
}

/** A minor by the age band the import stored (the birth date itself is sealed). */
function bandIsMinor(band: string): boolean {
  return band === '0-12' || band === '13-17';
}

// ── Patrons ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Imports a page of patrons: each checked as registration checks (RR-1, CB-A4), sealed and indexed by
 * the vault, with the card the old system gave them and their PIN hash as it was (flagged with its
 * scheme; a PIN in the clear is hashed now and never kept). A card already in Carrel or earlier in the
 * file is a duplicate and not imported; the same name, birth date and email under another card is
 * imported and reported. A minor is linked to the guardian whose card the row names (RR-8, CB-B3,
 * JC-IVc, IF-7) or, with none, imported and flagged for the desk.
 */
export async function importPatronPage(ctx: Context, page: ImportPage<PatronImportRow>): Promise<ImportReport> {
  const report = await pageStart(ctx, page);
  if (!report) return page.report;
  const library = await requireLibrary(ctx, report.libraryId);
  const profile = profiles().get(library.profileId);
  const today = libraryToday(ctx, library);
  const categories = new Map((await listCategories(ctx.trx, library.id)).map((c) => [c.code, c]));
  const branches = new Map((await listBranches(ctx.trx, library.id)).map((b) => [b.code, b]));
  const branchCodes = new Map([...branches.values()].map((b) => [b.id, b.code]));
  const at = ctx.now.toISOString();

  type Ready = { row: PatronImportRow; patron: Patron; facts: ImportedPatronFacts; guardianHash: string | null; cardHash: string; minor: boolean; plainPin: string | null; leftOut: Problem[]; warning: string | null };
  const ready: Ready[] = [];
  const pageCards = new Map<string, number>();
  for (const row of page.rows) {
    const checked = checkPatronRow(row, today, library.timeZone, page.mapping.dateFormat);
    if ('problems' in checked) {
      rejectProblems(report, row.line, checked.problems);
      continue;
    }
    const { personal, cardNumber } = checked.ok;
    const categoryCode = page.mapping.categories[row.category.trim()];
    const category = categoryCode === undefined ? undefined : categories.get(categoryCode);
    if (!category) {
      reject(report, row.line, ErrorCode.IMPORT_ROW_INVALID, 'The category column names a code the mapping does not map to a category of the library.');
      continue;
    }
    const branchCode = row.branch.trim() === '' ? undefined : page.mapping.branches[row.branch.trim()];
    if (row.branch.trim() !== '' && (branchCode === undefined || !branches.has(branchCode))) {
      reject(report, row.line, ErrorCode.IMPORT_ROW_INVALID, 'The branch column names a code the mapping does not map to a branch of the library.');
      continue;
    }
    // Registration would refuse a category that does not fit the age; an import keeps the patron as mapped
    // and says so, for the desk to settle.
    const warning = categoryAgeProblem(category, personal.birthDate, ctx.now, library.timeZone) ? `line ${row.line}: the category does not fit the patron's age; imported as mapped (change it at the desk).` : null;
    if (row.pin.scheme === 'plain' && !/^\d{4,12}$/.test(row.pin.pin)) {
      reject(report, row.line, ErrorCode.IMPORT_ROW_INVALID, 'The PIN column is not 4 to 12 digits.');
      continue;
    }
    const cardHash = ctx.vault.blind('card', cardNumber);
    const earlier = pageCards.get(cardHash) ?? page.dryRun?.cards.get(cardHash);
    if (earlier !== undefined) {
      duplicate(report, row.line, earlier, 'card');
      continue;
    }
    pageCards.set(cardHash, row.line);
    const id = importedId(report.runId, row.line);
    const minor = isMinor(personal.birthDate, ctx.now, library.timeZone);
    const expiresAt = checked.ok.expiresAt ?? cardExpiry(ctx.now, { timeZone: library.timeZone, cardValidityMonths: cardValidityMonthsFor(category, library) }).toISOString();
    const patron: Patron = {
      id,
      libraryId: library.id,
      cardNumber,
      categoryCode: category.code,
      homeBranchId: branchCode === undefined ? null : branches.get(branchCode)!.id,
      // A card lost or an account barred in the old system stays so (JC-IVa, IF-6).
      status: importedStatus(row.standing, today),
      personal,
      expiresAt,
      createdAt: at,
      updatedAt: at,
    };
    const pin = row.pin;
    const scheme: PinScheme = pin.scheme === 'plain' ? 'argon2id' : pin.scheme === 'unknown' ? 'none' : pin.scheme;
    const leftOut = [...checked.ok.leftOut];
    if (pin.scheme === 'unknown') leftOut.push({ code: ErrorCode.IMPORT_ROW_INVALID, message: 'The PIN hash is in no scheme Carrel can check; the patron sets a PIN at the desk.', field: 'pin' });
    // Reading history (JC-IIIc): kept only where the profile offers it, from the day the old system says
    // they chose it (or, not saying, the day they joined: their whole history there was kept by choice).
    const readingHistorySince = row.readingHistory && profile.retention.readingHistory.offered ? (checked.ok.readingHistorySince ?? at) : null;
    ready.push({
      row,
      patron,
      cardHash,
      minor,
      guardianHash: row.guardianCard.trim() === '' ? null : ctx.vault.blind('card', row.guardianCard.trim()),
      plainPin: pin.scheme === 'plain' ? pin.pin : null,
      leftOut,
      warning,
      facts: { pinHash: 'stored' in pin ? pin.stored : '', pinScheme: scheme, band: ageBandOn(personal.birthDate, ctx.now, library.timeZone), readingHistorySince },
    });
  }

  // A card an earlier page of this run imported: the line it was on (the run keeps its cards' keys).
  const cardSameAs = page.dryRun || report.runId === null ? new Map<number, number>() : await runs.claimImportKeys(ctx.trx, report.runId, ready.map((r) => ({ keyHash: `card:${r.cardHash}`, line: r.row.line })));
  // Cards already in Carrel (an earlier page, an earlier import, a patron registered at the desk).
  const existing = await patronsByCardHashes(ctx.trx, [...ready.map((r) => r.cardHash), ...ready.flatMap((r) => (r.guardianHash ? [r.guardianHash] : []))]);
  const kept = ready.filter((r) => {
    if (!existing.has(r.cardHash)) return true;
    duplicate(report, r.row.line, cardSameAs.get(r.row.line) ?? null, 'card');
    return false;
  });

  // The same person under two cards: reported, both imported (staff merge them knowing who they are).
  const identities = kept.flatMap((r) => {
    const key = identityKey(r.patron.personal, nameWords);
    return key === null ? [] : [{ keyHash: ctx.vault.blind('identity', key), line: r.row.line }];
  });
  let sameAs: Map<number, number>;
  if (page.dryRun) {
    sameAs = new Map();
    for (const { keyHash, line } of identities) {
      const first = page.dryRun.identities.get(keyHash);
      if (first !== undefined) sameAs.set(line, first);
      else page.dryRun.identities.set(keyHash, line);
    }
  } else sameAs = report.runId === null ? new Map() : await runs.claimImportKeys(ctx.trx, report.runId, identities);
  for (const [line, first] of sameAs) duplicate(report, line, first, 'identity');

  // Guardians: a patron already in Carrel (an earlier page or import) or earlier in this page, an adult.
  const newByCard = new Map(kept.map((r) => [r.cardHash, r]));
  const links: { minor: Ready; guardianId: string; guardianLibrary: string }[] = [];
  for (const r of kept) {
    if (!r.minor) continue;
    let guardian: { id: string; libraryId: string; minor: boolean } | undefined;
    if (r.guardianHash !== null) {
      const stored = existing.get(r.guardianHash);
      const fresh = newByCard.get(r.guardianHash);
      if (stored) guardian = { id: stored.id, libraryId: stored.libraryId, minor: bandIsMinor(stored.ageBand) };
      else if (fresh && fresh.row.line < r.row.line) guardian = { id: fresh.patron.id, libraryId: fresh.patron.libraryId, minor: fresh.minor };
      else if (page.dryRun?.cards.has(r.guardianHash)) guardian = { id: '', libraryId: library.id, minor: page.dryRun.minors.has(r.guardianHash) };
    }
    if (guardian && guardian.libraryId === library.id && !guardian.minor) links.push({ minor: r, guardianId: guardian.id, guardianLibrary: guardian.libraryId });
    else {
      r.facts.deskFlag = 'guardian-needed';
      report.flagged.guardianNeeded++;
    }
  }

  for (const r of kept) {
    report.imported++;
    // What a kept row leaves out or warns of (a duplicate's would not be the patron's).
    for (const problem of r.leftOut) {
      report.fieldsLeftOutCount++;
      if (report.fieldsLeftOut.length < MAX_LISTED) report.fieldsLeftOut.push({ line: r.row.line, code: problem.code, reason: `${problem.field}: ${problem.message}` });
    }
    if (r.warning !== null && report.warnings.length < MAX_LISTED) report.warnings.push(r.warning);
    bump(report.byStatus, r.patron.status);
    bump(report.pins, r.plainPin !== null ? 'hashed-at-import' : r.facts.pinScheme);
    bump(report.byCategory, r.patron.categoryCode);
    bump(report.byBranch, r.patron.homeBranchId === null ? '' : (branchCodes.get(r.patron.homeBranchId) ?? ''));
    if (page.dryRun) {
      page.dryRun.cards.set(r.cardHash, r.row.line);
      if (r.minor) page.dryRun.minors.add(r.cardHash);
    }
  }
  if (page.dryRun || kept.length === 0) return pageEnd(ctx, page, report);

  // The data keys exist before anything is sealed with them (one key-store transaction for the page).
  await ctx.vault.createPatronKeys(
    kept.map((r) => r.patron.id),
    ctx.now,
  );
  const sealed: { patron: SealedPatron; facts: ImportedPatronFacts }[] = [];
  for (const r of kept) {
    if (r.plainPin !== null) r.facts.pinHash = await hashSecret(r.plainPin);
    // An unsalted MD5 is never kept bare: it is wrapped in argon2id now (bcrypt stays as it came).
    else if (isLegacyScheme(r.facts.pinScheme)) r.facts.pinHash = await wrapLegacyPin(r.facts.pinScheme, r.facts.pinHash);
    sealed.push({ patron: await sealPatron(ctx.vault, r.patron), facts: r.facts });
  }
  await insertPatrons(ctx.trx, sealed);
  await insertSearchTokens(
    ctx.trx,
    kept.flatMap((r) => searchTokens(ctx.vault, r.patron.personal).map((t) => ({ ...t, patronId: r.patron.id, libraryId: library.id }))),
  );
  const linked = new Set<string>();
  for (const link of links) {
    await insertGuardianLink(ctx.trx, { minorPatronId: link.minor.patron.id, guardianPatronId: link.guardianId, libraryId: library.id, startedAt: at, endedAt: null });
    linked.add(link.minor.patron.id);
    await recordAccess(ctx, { id: link.guardianId, libraryId: link.guardianLibrary }, 'import-guardian-link', ['guardianship']);
  }
  for (const r of kept) await recordAccess(ctx, r.patron, 'import', linked.has(r.patron.id) ? ['registration', 'guardianship'] : ['registration']);
  return pageEnd(ctx, page, report);
}

// ── Loans ─────────────────────────────────────────────────────────────────────────────────────────

/** The patrons, items and records a page of rows names, looked up at once. */
async function lookUp(ctx: Context, library: Library, rows: readonly { cardNumber: string; itemBarcode: string }[]) {
  const cardHashes = new Map(rows.map((r) => [r.cardNumber.trim(), ctx.vault.blind('card', r.cardNumber.trim())]));
  const patrons = await patronsByCardHashes(ctx.trx, [...cardHashes.values()]);
  const barcodes = [...new Set(rows.map((r) => r.itemBarcode.trim()).filter((b) => b !== ''))];
  const items = new Map((await findItemsByBarcodes(ctx.trx, library.id, barcodes)).map((i) => [i.barcode, i]));
  const patronOf = (row: { cardNumber: string }) => {
    const found = patrons.get(cardHashes.get(row.cardNumber.trim()) ?? '');
    return found && found.libraryId === library.id ? found : undefined;
  };
  return { patronOf, items };
}

const NO_PATRON = 'The card column names no patron of the library (import the patrons first).';
const NO_ITEM = 'The item barcode column names no item of the library (import the catalogue first).';

/**
 * Imports a page of loans. A loan still out lands on its item, due date and renewals kept, the item
 * marked on loan. A returned loan is history: imported only for a patron who opted in to keeping it,
 * and only if the library's profile would keep it today (IF-3 breaks the link on return, CB-F3 keeps
 * twelve months, JC-IIIc keeps it for those who chose to); otherwise left behind and counted with the
 * clause that says so.
 */
export async function importLoanPage(ctx: Context, page: ImportPage<LoanImportRow>): Promise<ImportReport> {
  const report = await pageStart(ctx, page);
  if (!report) return page.report;
  const library = await requireLibrary(ctx, report.libraryId);
  const profile = profiles().get(library.profileId);
  const branches = new Map((await listBranches(ctx.trx, library.id)).map((b) => [b.code, b]));
  const { patronOf, items } = await lookUp(ctx, library, page.rows);
  const outInPage = new Set<string>();
  const logged = new Map<string, { id: string; libraryId: string }>();
  for (const row of page.rows) {
    const tz = library.timeZone;
    const out = readDate(row.checkedOutAt, tz, page.mapping.dateFormat);
    const due = readDate(row.dueAt, tz, page.mapping.dateFormat);
    const returned = readDate(row.returnedAt, tz, page.mapping.dateFormat);
    const renewals = readCount(row.renewals);
    if (!out || (returned === null && !due) || returned === undefined) {
      reject(report, row.line, ErrorCode.INVALID_DATE, 'The checked-out, due or returned date is missing or not a real date.');
      continue;
    }
    if (renewals === undefined) {
      reject(report, row.line, ErrorCode.IMPORT_ROW_INVALID, 'The renewals column is not a count.');
      continue;
    }
    const patron = patronOf(row);
    if (returned !== null) {
      // History: the policy decides before anything is looked up, so nothing it would not keep is read.
      const optedIn = row.readingHistory || patron?.readingHistorySince != null;
      if (!optedIn) {
        leaveBehind(report, 'not-opted-in', profile.retention.readingHistory.clause);
        continue;
      }
      const endedAt = returned.instant.toUTC().toISO()!;
      const readingHistory = patron?.readingHistorySince != null && endedAt >= patron.readingHistorySince;
      const decision = loanRetention({ status: 'returned', endedAt, openFines: 0, readingHistory }, profile, ctx.now);
      if (decision.dispose) {
        leaveBehind(report, decision.reason, profile.retention.loans.clause);
        continue;
      }
    }
    if (!patron) {
      reject(report, row.line, ErrorCode.PATRON_NOT_FOUND, NO_PATRON);
      continue;
    }
    const item = items.get(row.itemBarcode.trim());
    if (!item) {
      reject(report, row.line, ErrorCode.ITEM_NOT_FOUND, NO_ITEM);
      continue;
    }
    const branchCode = row.branch.trim() === '' ? undefined : page.mapping.branches[row.branch.trim()];
    const branch = branchCode === undefined ? undefined : branches.get(branchCode);
    if (returned === null) {
      if (outInPage.has(item.id) || item.status === 'on-loan' || (!page.dryRun && (await findActiveLoanForItem(ctx.trx, item.id)))) {
        reject(report, row.line, ErrorCode.ITEM_ALREADY_ON_LOAN, 'The item is already on loan (an earlier row, or in Carrel).');
        continue;
      }
      outInPage.add(item.id);
    }
    report.imported++;
    if (page.dryRun) continue;
    const dueAt = due ? (due.instant.hour === 0 && due.instant.minute === 0 ? due.instant.endOf('day') : due.instant).toUTC().toISO()! : out.instant.toUTC().toISO()!;
    await insertLoan(ctx.trx, {
      id: importedId(report.runId, row.line),
      libraryId: library.id,
      patronId: patron.id,
      itemId: item.id,
      branchId: branch?.id ?? item.branchId,
      checkedOutAt: out.instant.toUTC().toISO()!,
      dueAt,
      renewals,
      status: returned === null ? 'active' : 'returned',
      endedAt: returned === null ? null : returned.instant.toUTC().toISO()!,
    });
    if (returned === null) await setItemStatus(ctx.trx, item.id, 'on-loan');
    logged.set(patron.id, { id: patron.id, libraryId: patron.libraryId });
  }
  for (const patron of logged.values()) await recordAccess(ctx, patron, 'import-loans', ['circulation']);
  return pageEnd(ctx, page, report);
}

// ── Holds ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * Imports a page of holds. A hold waiting on the shelf lands on its item (trapped, to be picked up by
 * its date); a hold in a queue lands on its title (or its item), in the file's order: each one is placed
 * after the last one queued for the same title, so the queue Carrel serves is the old system's.
 */
export async function importHoldPage(ctx: Context, page: ImportPage<HoldImportRow>): Promise<ImportReport> {
  const report = await pageStart(ctx, page);
  if (!report) return page.report;
  const library = await requireLibrary(ctx, report.libraryId);
  const branches = new Map((await listBranches(ctx.trx, library.id)).map((b) => [b.code, b]));
  const { patronOf, items } = await lookUp(ctx, library, page.rows);
  const records = await recordIdsByControlNumber(ctx.trx, library.id, [...new Set(page.rows.map((r) => r.record.trim()).filter((r) => r !== ''))]);
  const lastPlaced = new Map<string, string | null>();
  const logged = new Map<string, { id: string; libraryId: string }>();
  for (const row of page.rows) {
    const tz = library.timeZone;
    const placed = readDate(row.placedAt, tz, page.mapping.dateFormat);
    const expires = readDate(row.expiresAt, tz, page.mapping.dateFormat);
    if (!placed || expires === undefined) {
      reject(report, row.line, ErrorCode.INVALID_DATE, 'The placed or expiry date is missing or not a real date.');
      continue;
    }
    const patron = patronOf(row);
    if (!patron) {
      reject(report, row.line, ErrorCode.PATRON_NOT_FOUND, NO_PATRON);
      continue;
    }
    const branchCode = page.mapping.branches[row.pickupBranch.trim()];
    const branch = branchCode === undefined ? undefined : branches.get(branchCode);
    if (!branch) {
      reject(report, row.line, ErrorCode.BRANCH_NOT_FOUND, 'The pick-up branch column names a code the mapping does not map to a branch of the library.');
      continue;
    }
    const item = row.itemBarcode.trim() === '' ? undefined : items.get(row.itemBarcode.trim());
    const recordId = row.record.trim() === '' ? null : (records.get(row.record.trim()) ?? null);
    if (row.status === 'waiting' && !item) {
      reject(report, row.line, ErrorCode.ITEM_NOT_FOUND, 'A hold waiting on the shelf needs the barcode of the item trapped for it, and the item barcode column names no item of the library.');
      continue;
    }
    if (row.status === 'queued' && !item && recordId === null) {
      reject(report, row.line, ErrorCode.RECORD_NOT_FOUND, 'The record and item columns name neither a record (by control number) nor an item of the library.');
      continue;
    }
    report.imported++;
    if (page.dryRun) continue;
    const id = importedId(report.runId, row.line);
    const placedAt = placed.instant.toUTC().toISO()!;
    if (row.status === 'waiting') {
      const pickupBy = expires ? expires.instant.endOf('day').toUTC().toISO()! : holdPickupDeadline(ctx.now, library).toISOString();
      await insertHold(ctx.trx, { id, libraryId: library.id, patronId: patron.id, itemId: item!.id, pickupBranchId: branch.id, status: 'ready', placedAt, readyAt: placedAt, pickupBy, endedAt: null, recordId: item!.recordId, suspendedUntil: null, expiresAt: null });
      if (item!.status === 'available') await setItemStatus(ctx.trx, item!.id, 'on-hold-shelf');
    } else {
      // A hold naming its copy (Koha's item-level hold, Evergreen's copy hold, a captured one) stays on it.
      const target = item ? { recordId: null, itemId: item.id } : { recordId: recordId as string, itemId: null };
      const key = target.recordId ?? `item:${target.itemId}`;
      if (!lastPlaced.has(key)) lastPlaced.set(key, await lastQueuedHold(ctx.trx, target));
      const last = lastPlaced.get(key) ?? null;
      // After the last one queued for the title: the queue keeps the file's order whatever dates it gives.
      const at = last !== null && last >= placedAt ? new Date(Date.parse(last) + 1).toISOString() : placedAt;
      lastPlaced.set(key, at);
      await insertHold(ctx.trx, { id, libraryId: library.id, patronId: patron.id, itemId: target.itemId, pickupBranchId: branch.id, status: 'pending', placedAt: at, readyAt: null, pickupBy: null, endedAt: null, recordId: target.recordId, suspendedUntil: null, expiresAt: expires ? expires.instant.endOf('day').toUTC().toISO()! : null });
    }
    logged.set(patron.id, { id: patron.id, libraryId: patron.libraryId });
  }
  for (const patron of logged.values()) await recordAccess(ctx, patron, 'import-holds', ['holds']);
  return pageEnd(ctx, page, report);
}

// ── Fines ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * Imports a page of outstanding fines, each with its origin: the kind the mapping gives its code, the
 * item when the row names one, the date it was charged and the old system's code (sealed, as a fine's
 * note is). A fine owing nothing is left behind. An overdue fine on a loan still out is tied to the
 * loan, so Carrel's accrual tops it up rather than charging the same lateness twice.
 */
export async function importFinePage(ctx: Context, page: ImportPage<FineImportRow>): Promise<ImportReport> {
  const report = await pageStart(ctx, page);
  if (!report) return page.report;
  const library = await requireLibrary(ctx, report.libraryId);
  const { patronOf, items } = await lookUp(ctx, library, page.rows);
  const logged = new Map<string, { id: string; libraryId: string }>();
  for (const row of page.rows) {
    const amount = readAmount(row.amount);
    const original = row.originalAmount.trim() === '' ? amount : readAmount(row.originalAmount);
    if (amount === undefined || original === undefined) {
      reject(report, row.line, ErrorCode.INVALID_AMOUNT, 'The amount column is not an amount.');
      continue;
    }
    if (amount <= 0) {
      leaveBehind(report, 'nothing-owed', null);
      continue;
    }
    const charged = readDate(row.createdAt, library.timeZone, page.mapping.dateFormat);
    if (!charged) {
      reject(report, row.line, ErrorCode.INVALID_DATE, 'The date column is missing or not a real date.');
      continue;
    }
    const kind = page.mapping.fineKinds[row.kind.trim()];
    if (kind === undefined) {
      reject(report, row.line, ErrorCode.IMPORT_ROW_INVALID, 'The kind column names a code the mapping does not map to a kind of fine.');
      continue;
    }
    const patron = patronOf(row);
    if (!patron) {
      reject(report, row.line, ErrorCode.PATRON_NOT_FOUND, NO_PATRON);
      continue;
    }
    const item = row.itemBarcode.trim() === '' ? undefined : items.get(row.itemBarcode.trim());
    if (row.itemBarcode.trim() !== '' && !item) {
      reject(report, row.line, ErrorCode.ITEM_NOT_FOUND, NO_ITEM);
      continue;
    }
    report.imported++;
    if (page.dryRun) continue;
    let createdAt = charged.instant.toUTC().toISO()!;
    let loanId: string | null = null;
    const loan = item && kind === 'overdue' ? await findActiveLoanForItem(ctx.trx, item.id) : undefined;
    if (loan && loan.patronId === patron.id) {
      loanId = loan.id;
      // Accrual finds "the overdue fine since the due date" and tops it up: this is that fine.
      if (createdAt <= loan.dueAt) createdAt = new Date(Date.parse(loan.dueAt) + 1000).toISOString();
    }
    await insertFine(ctx.trx, {
      id: importedId(report.runId, row.line),
      libraryId: library.id,
      patronId: patron.id,
      loanId,
      itemId: item?.id ?? null,
      kind,
      // What was charged, and what is still owed: a part already paid is not charged again when Carrel's
      // accrual tops the fine up to its own figure.
      amountCents: Math.max(original, amount),
      balanceCents: amount,
      status: 'open',
      note: await ctx.vault.seal(patron.id, 'fine-note', `${report.format}: ${row.kind.trim()}`),
      createdAt,
      settledAt: null,
    });
    logged.set(patron.id, { id: patron.id, libraryId: patron.libraryId });
  }
  for (const patron of logged.values()) await recordAccess(ctx, patron, 'import-fines', ['fines']);
  return pageEnd(ctx, page, report);
}

/** The checks a mapping must pass against the library before a run reads a row. */
export async function checkMapping(ctx: Context, input: { libraryId: string; kind: ImportKind; mapping: ResolvedMapping; used: { categories: string[]; branches: string[]; fineKinds: string[] } }): Promise<void> {
  refuseUnlessOperator(ctx);
  const library = await requireLibrary(ctx, input.libraryId);
  const categories = new Set((await listCategories(ctx.trx, library.id)).map((c) => c.code));
  const branches = new Set((await listBranches(ctx.trx, library.id)).map((b) => b.code));
  const problems: Problem[] = [];
  const check = (section: 'categories' | 'branches' | 'fineKinds', known: (code: string) => boolean) => {
    for (const value of input.used[section]) {
      const target = (input.mapping[section] as Record<string, string | null | undefined>)[value];
      if (target === undefined) problems.push({ code: ErrorCode.IMPORT_MAPPING_INCOMPLETE, message: `${section}: the file uses "${value}", which the mapping leaves out.`, field: section });
      else if (target === null || !known(target)) problems.push({ code: ErrorCode.IMPORT_MAPPING_INCOMPLETE, message: `${section}: "${value}" is mapped to ${target === null ? 'nothing' : `"${target}", which the library does not have`}.`, field: section });
    }
  };
  if (input.kind === 'patrons') check('categories', (c) => categories.has(c));
  check('branches', (b) => branches.has(b));
  if (input.kind === 'fines') check('fineKinds', (k) => ['overdue', 'lost', 'fee'].includes(k));
  if (problems.length > 0) throw new DomainError(problems);
}

/**
 * Drops the imported PIN hashes no log-in replaced within the library's `legacyPinDays` (issue 21): an
 * old scheme (unsalted MD5 above all) is kept no longer than it takes a patron who uses their card to
 * log in once. Each patron's record logs it; they set a new PIN at the desk.
 */
export async function dropLegacyPins(ctx: Context, input: { libraryId: string }): Promise<{ dropped: number; abandoned: number }> {
  refuseUnlessOperator(ctx);
  const library = await requireLibrary(ctx, input.libraryId);
  const before = DateTime.fromJSDate(ctx.now).minus({ days: library.legacyPinDays }).toUTC().toISO()!;
  const dropped = await dropImportedPins(ctx.trx, library.id, before, ctx.now.toISOString());
  for (const id of dropped) await recordAccess(ctx, { id, libraryId: library.id }, 'legacy-pin-dropped', ['registration']);
  // An import nobody resumed for a week is abandoned: the keyed hashes it kept to find duplicates go.
  const idle = DateTime.fromJSDate(ctx.now).minus({ days: ABANDONED_AFTER_DAYS }).toUTC().toISO()!;
  const abandoned = await runs.abandonIdleImportRuns(ctx.trx, library.id, idle, ctx.now.toISOString());
  if (dropped.length > 0 || abandoned > 0) markErased(ctx);
  return { dropped: dropped.length, abandoned };
}

/** Days an import left part-way waits to be resumed before it is abandoned (its duplicate-finding keys deleted). */
export const ABANDONED_AFTER_DAYS = 7;
