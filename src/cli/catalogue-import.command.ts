import { closeSync, openSync, readSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { DomainError, ErrorCode, refuse } from '../domain/errors.js';
import { importMarc, type ImportReport } from '../marc/marc.import.js';
import { loadMapping } from '../marc/marc.mapping.js';
import { guessFormat, MARC_FORMATS, readMarcFile, type MarcFormat } from '../marc/marc.reader.js';
import { listLibraries } from '../usecases/library.usecases.js';
import { systemRun, type CommandHelpers } from './command-helpers.js';
import { emit, tr } from './output.js';

/** `carrel catalogue import FILE`: MARC21 records and their holdings. */
export function registerCatalogueImportCommand(catalogue: Command, { globals, withRuntime }: CommandHelpers): void {
  catalogue
    .command('import')
    .description(tr.t('cli.catalogue.import.help'))
    .argument('<file>', 'MARC file (.mrc) or MARCXML file')
    .option('--library <id>', 'library the records belong to (the only library when absent)')
    .option('--format <format>', 'marc or marcxml (guessed from the first bytes when absent)', (value: string) => {
      if (!(MARC_FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError('--format is marc or marcxml.');
      return value as MarcFormat;
    })
    .option('--mapping <mapping>', 'where the copies are: koha (952), evergreen (852) or a JSON mapping file', 'koha')
    .option('--dry-run', 'read, map and check every record; write nothing')
    .option('--all-or-nothing', 'write nothing if any record is rejected')
    .action(async (file: string, o: { library?: string; format?: MarcFormat; mapping: string; dryRun?: boolean; allOrNothing?: boolean }, command: Command) => {
      const opts = globals(command);
      const mapping = loadMapping(o.mapping);
      const format = o.format ?? formatOf(file);
      const report = await withRuntime(opts, false, async (runtime) => {
        const act = systemRun(runtime, 'administration');
        const libraryId = o.library ?? (await onlyLibrary(act));
        return importMarc(act, () => readMarcFile(file, format), { libraryId, mapping, dryRun: o.dryRun, allOrNothing: o.allOrNothing });
      });
      const imported = report.dryRun ? report.read - report.rejectedCount : report.imported.created + report.imported.updated;
      // Nothing imported is a refusal (exit 1): the error document lists the rejected records by number.
      if (report.aborted || (imported === 0 && report.rejectedCount > 0)) throw nothingImported(report);
      emit(opts.json, report, () => humanReport(file, report));
    });
}

/** The format from the file's first bytes; a file that is neither is refused before anything is read. */
function formatOf(file: string): MarcFormat {
  const head = Buffer.alloc(64);
  let length: number;
  try {
    const fd = openSync(file, 'r');
    length = readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
  } catch {
    throw refuse(ErrorCode.IMPORT_FAILED, `Cannot read ${file}.`, 'file');
  }
  const format = guessFormat(head.subarray(0, length));
  if (!format) throw refuse(ErrorCode.IMPORT_FAILED, 'The file is neither ISO 2709 nor MARCXML; give --format if it is.', 'file');
  return format;
}

/** With no --library, the database's one library; several is a question only the operator answers. */
async function onlyLibrary(act: ReturnType<typeof systemRun>): Promise<string> {
  const libraries = await act(listLibraries, undefined);
  if (libraries.length !== 1) throw refuse(ErrorCode.VALIDATION_FAILED, 'This database has several libraries: give --library.', 'library');
  return libraries[0]!.id;
}

function nothingImported(report: ImportReport): DomainError {
  const why = report.aborted ? `--all-or-nothing and ${report.rejectedCount} of ${report.read} record(s) were rejected` : `all ${report.rejectedCount} record(s) read were rejected`;
  const listed = report.rejected.map((r) => ({ code: r.code, message: `record ${r.record}: ${r.reason}`, field: 'file' }));
  return new DomainError([{ code: ErrorCode.MARC_RECORD_INVALID, message: `Nothing was imported: ${why}.`, field: 'file' }, ...listed]);
}

function humanReport(file: string, report: ImportReport): string {
  const lines = [
    report.dryRun ? tr.t('cli.catalogue.import.checked', { count: report.read, file }) : tr.t('cli.catalogue.import.read', { count: report.read, file }),
    report.aborted
      ? tr.t('cli.catalogue.import.aborted')
      : report.dryRun
        ? tr.t('cli.catalogue.import.wouldImport', { count: report.read - report.rejectedCount })
        : tr.t('cli.catalogue.import.imported', {
            count: report.imported.created + report.imported.updated,
            created: report.imported.created,
            updated: report.imported.updated,
            copiesAdded: report.copiesAdded,
            copiesKept: report.copiesKept,
          }),
    tr.t('cli.catalogue.import.rejected', { count: report.rejectedCount }),
    // The reason is the reader's own (English) words; the record's number and the code say the same to anyone.
    ...report.rejected.map((r) => `  ${tr.t('cli.catalogue.import.rejectedRecord', { record: r.record, code: r.code, reason: r.reason })}`),
    ...(report.rejectedCount > report.rejected.length ? [`  ${tr.t('cli.catalogue.import.more', { count: report.rejectedCount - report.rejected.length })}`] : []),
    ...report.warnings.map((w) => tr.t('cli.catalogue.import.warning', { warning: w })),
  ];
  return lines.join('\n');
}
