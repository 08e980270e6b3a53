/**
 * `carrel catalogue import` (issue 18): a MARC21 file read a record at a time, mapped, checked against
 * the library's branches and item types, and saved in batches through `saveRecords` (a record whose 001
 * the library has is updated; a copy whose barcode it has is linked). Memory stays that of one batch.
 *
 * A batch that fails is retried record by record, so one bad record (a barcode used twice, say) does not
 * sink the others; the bad one is reported with its number in the file and a reason, never its content.
 * A dry run reads, maps and checks everything and writes nothing; all-or-nothing does a dry run first and
 * writes only if no record was rejected.
 */
import { DomainError, ErrorCode } from '../domain/errors.js';
import { recordInputProblems, saveRecords, type RecordInput, type SaveRecordsResult } from '../usecases/catalogue.usecases.js';
import type { UseCase } from '../usecases/context.js';
import { listBranches, listItemTypes } from '../usecases/library-config.usecases.js';
import { mapRecord, type HoldingsMapping } from './marc.mapping.js';
import type { ReadResult } from './marc.reader.js';

/** Runs a use case in its own transaction as the importing actor (the CLI's `systemRun`, a test's `w.act`). */
export type Act = <I, O>(useCase: UseCase<I, O>, input: I) => Promise<O>;

export interface ImportOptions {
  libraryId: string;
  mapping: HoldingsMapping;
  dryRun?: boolean;
  allOrNothing?: boolean;
  /** Records per `saveRecords` call. */
  batchSize?: number;
  /** Told after each batch, with the records read so far. */
  progress?: (read: number) => void;
}

export interface Rejection {
  record: number;
  code: ErrorCode;
  reason: string;
}

export interface ImportReport {
  read: number;
  imported: { created: number; updated: number };
  copiesAdded: number;
  copiesKept: number;
  /** The first MAX_LISTED rejections; `rejectedCount` is all of them. */
  rejected: Rejection[];
  rejectedCount: number;
  warnings: string[];
  dryRun: boolean;
  /** All-or-nothing found a rejected record, so nothing was written. */
  aborted: boolean;
}

export const DEFAULT_BATCH = 500;
/** A report lists this many rejections (and warnings); a file of a million bad records still reports in a screen. */
export const MAX_LISTED = 1000;
/** The item type a copy gets when the file names one the library does not have. */
export const FALLBACK_ITEM_TYPE = 'book';

type Numbered = RecordInput & { position: number };

/** Imports what `read()` yields; `read` is called once per pass (all-or-nothing reads the file twice). */
export async function importMarc(act: Act, read: () => AsyncIterable<ReadResult>, options: ImportOptions): Promise<ImportReport> {
  if (options.allOrNothing && !options.dryRun) {
    const dry = await pass(act, read, { ...options, dryRun: true });
    if (dry.rejectedCount > 0) return { ...dry, dryRun: false, aborted: true };
  }
  return pass(act, read, options);
}

async function pass(act: Act, read: () => AsyncIterable<ReadResult>, options: ImportOptions): Promise<ImportReport> {
  const branches = await act(listBranches, { libraryId: options.libraryId });
  const branchByCode = new Map(branches.map((b) => [b.code.toLowerCase(), b.code]));
  const itemTypes = new Set((await act(listItemTypes, { libraryId: options.libraryId })).map((t) => t.code));
  const fallbackType = itemTypes.size === 0 || itemTypes.has(FALLBACK_ITEM_TYPE) ? FALLBACK_ITEM_TYPE : [...itemTypes][0]!;
  const report: ImportReport = { read: 0, imported: { created: 0, updated: 0 }, copiesAdded: 0, copiesKept: 0, rejected: [], rejectedCount: 0, warnings: [], dryRun: options.dryRun ?? false, aborted: false };
  const unknownTypes = new Map<string, number>();
  const reject = (record: number, code: ErrorCode, reason: string) => {
    report.rejectedCount++;
    if (report.rejected.length < MAX_LISTED) report.rejected.push({ record, code, reason });
  };
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  let batch: Numbered[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    if (!options.dryRun) await save(act, options.libraryId, records, report, reject);
    options.progress?.(report.read);
  };

  for await (const result of read()) {
    report.read++;
    if ('problem' in result) {
      reject(result.number, ErrorCode.MARC_RECORD_INVALID, result.problem);
      continue;
    }
    const mapped = mapRecord(result.record, options.mapping);
    const unknownBranch = mapped.copies.find((c) => !branchByCode.has(c.branch.toLowerCase()));
    if (unknownBranch) {
      reject(result.number, ErrorCode.MARC_RECORD_INVALID, unknownBranch.branch === '' ? 'a copy names no branch' : `a copy names the branch "${unknownBranch.branch}", which the library does not have`);
      continue;
    }
    const input: Numbered = {
      ...mapped.record,
      position: result.number,
      copies: mapped.copies.map((c) => {
        let itemType = c.itemType ?? fallbackType;
        if (itemTypes.size > 0 && !itemTypes.has(itemType)) {
          unknownTypes.set(itemType, (unknownTypes.get(itemType) ?? 0) + 1);
          itemType = fallbackType;
        }
        return { barcode: c.barcode, branch: branchByCode.get(c.branch.toLowerCase())!, callNumber: c.callNumber, itemType, replacementCostCents: c.replacementCostCents, status: c.status };
      }),
    };
    const problems = recordInputProblems(input);
    if (problems.length > 0) {
      reject(result.number, problems[0]!.code, problems.map((p) => p.message).join(' '));
      continue;
    }
    batch.push(input);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  for (const [type, count] of unknownTypes) report.warnings.push(`${count} cop${count === 1 ? 'y names' : 'ies name'} the item type "${type}", which the library does not have; imported as "${fallbackType}".`);
  return report;
}

/** Saves a batch; if it fails, record by record, so only the bad ones are rejected. */
async function save(act: Act, libraryId: string, records: Numbered[], report: ImportReport, reject: (record: number, code: ErrorCode, reason: string) => void): Promise<void> {
  const add = (saved: SaveRecordsResult) => {
    report.imported.created += saved.created;
    report.imported.updated += saved.updated;
    report.copiesAdded += saved.copiesAdded;
    report.copiesKept += saved.copiesKept;
  };
  try {
    add(await act(saveRecords, { libraryId, records }));
    return;
  } catch (error) {
    if (!(error instanceof DomainError) || records.length === 1) {
      if (records.length === 1 && error instanceof DomainError) return reject(records[0]!.position, error.code, reasonOf(error));
      throw error;
    }
  }
  for (const record of records) {
    try {
      add(await act(saveRecords, { libraryId, records: [record] }));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      reject(record.position, error.code, reasonOf(error));
    }
  }
}

/** A refusal's messages without the "record N:" or "item N:" prefix the use cases add (the report has the number). */
function reasonOf(error: DomainError): string {
  return error.problems.map((p) => p.message.replace(/^(record|item|line) \d+: /, '')).join(' ');
}
