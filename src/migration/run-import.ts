/**
 * `carrel import patrons|loans|holds|fines` (issue 21), the run: the header and mapping checked, the
 * codes the file uses checked against the library, then the file streamed a page at a time, each page
 * one use case (one transaction: its rows, the checkpoint and the report together). A run killed
 * half-way and started again with the same file finds its checkpoint and reads past the lines already
 * committed, so nothing is imported twice. Memory stays that of one page.
 */
import type { ImportFormat, ImportKind } from '../domain/import.rules.js';
import {
  checkMapping,
  dryRunMemory,
  finishImport,
  importFinePage,
  importHoldPage,
  importLoanPage,
  importPatronPage,
  startImport,
  type ImportPage,
  type ImportReport,
  type ResolvedMapping,
} from '../usecases/import.usecases.js';
import type { UseCase } from '../usecases/context.js';
import { listBranches, listCategories } from '../usecases/library-config.usecases.js';
import { fileDigest, readHeader, readRows } from './import-file.js';
import { proposeColumns, readMapping, writeTemplate } from './mapping.js';
import { checkHeader, shapeOf } from './shapes.js';

/** Runs a use case in its own transaction as the importing actor (the CLI's `systemRun`, a test's `w.act`). */
export type Act = <I, O>(useCase: UseCase<I, O>, input: I) => Promise<O>;

export interface RunImportOptions {
  file: string;
  kind: ImportKind;
  format: ImportFormat;
  libraryId: string;
  /** The mapping file; written as a template when it does not exist. */
  mappingFile: string;
  dryRun?: boolean;
  /** Rows per page (one transaction each). */
  pageSize?: number;
  /** Told after each page with the rows read so far. */
  progress?: (read: number) => void;
}

export const DEFAULT_PAGE_SIZE = 500;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const PAGE_USE_CASES: Record<ImportKind, UseCase<ImportPage<any>, ImportReport>> = {
  patrons: importPatronPage,
  loans: importLoanPage,
  holds: importHoldPage,
  fines: importFinePage,
};

export async function runImport(act: Act, options: RunImportOptions): Promise<ImportReport> {
  const { file, kind, format, libraryId } = options;
  const header = readHeader(file);
  const mapping = readMapping(options.mappingFile);
  if (!mapping && format === 'csv') {
    // A generic CSV's template proposes columns first: its codes can be read only once they are known.
    throw writeTemplate(options.mappingFile, { format, kind, used: { categories: new Set(), branches: new Set(), fineKinds: new Set() }, library: await libraryCodes(act, libraryId), columns: proposeColumns(kind, header.columns) });
  }
  const shape = shapeOf(format, kind, mapping?.columns);
  checkHeader(shape, header.columns, format, kind);

  // First pass: the codes the file uses, for the mapping (and its template).
  const used = { categories: new Set<string>(), branches: new Set<string>(), fineKinds: new Set<string>() };
  for await (const row of readRows(file, header.tabs)) {
    const codes = shape.codes(row);
    if (codes.category) used.categories.add(codes.category);
    if (codes.branch) used.branches.add(codes.branch);
    if (codes.fineKind) used.fineKinds.add(codes.fineKind);
  }
  if (!mapping) throw writeTemplate(options.mappingFile, { format, kind, used, library: await libraryCodes(act, libraryId) });
  const resolved: ResolvedMapping = {
    categories: clean(mapping.categories),
    branches: clean(mapping.branches),
    fineKinds: clean(mapping.fineKinds) as ResolvedMapping['fineKinds'],
    dateFormat: mapping.dateFormat,
  };
  await act(checkMapping, { libraryId, kind, mapping: { ...resolved, categories: mapping.categories ?? {}, branches: mapping.branches ?? {}, fineKinds: mapping.fineKinds ?? {} } as ResolvedMapping, used: { categories: [...used.categories], branches: [...used.branches], fineKinds: [...used.fineKinds] } });

  const columnsIgnored = header.columns.filter((c) => !shape.known.includes(c));
  const started = await act(startImport, { libraryId, kind, format, fileSha256: await fileDigest(file), columnsIgnored, dryRun: options.dryRun });
  let report = started.report;
  const memory = options.dryRun ? dryRunMemory() : undefined;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const useCase = PAGE_USE_CASES[kind];
  let rows: unknown[] = [];
  let lastLine = started.checkpointLine;
  const flush = async () => {
    if (rows.length === 0) return;
    const page: ImportPage<unknown> = { report, rows, lastLine, read: rows.length, mapping: resolved, dryRun: memory };
    rows = [];
    report = await act(useCase, page);
    options.progress?.(report.read);
  };
  for await (const row of readRows(file, header.tabs)) {
    if (row.line <= started.checkpointLine) continue;
    rows.push(shape.row(row));
    lastLine = row.line;
    if (rows.length >= pageSize) await flush();
  }
  await flush();
  return act(finishImport, { report: { ...report, resumed: started.report.resumed } });
}

function clean<T extends string>(section: Record<string, T | null> | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(section ?? {})) if (value !== null) out[key] = value;
  return out;
}

async function libraryCodes(act: Act, libraryId: string): Promise<{ categories: string[]; branches: string[] }> {
  const [categories, branches] = [await act(listCategories, { libraryId }), await act(listBranches, { libraryId })];
  return { categories: categories.map((c) => c.code), branches: branches.map((b) => b.code) };
}
