import { InvalidArgumentError, type Command } from 'commander';
import { DomainError, ErrorCode, refuse } from '../domain/errors.js';
import { IMPORT_FORMATS, IMPORT_KINDS, type ImportFormat, type ImportKind } from '../domain/import.rules.js';
import { runImport } from '../migration/run-import.js';
import { listImports, type ImportReport } from '../usecases/import.usecases.js';
import { listLibraries } from '../usecases/library.usecases.js';
import { systemRun, type CommandHelpers } from './command-helpers.js';
import { emit, tr } from './output.js';

/**
 * `carrel import patrons|loans|holds|fines FILE` and `carrel import runs` (issue 21): moving a library
 * onto Carrel from Koha, Evergreen or a generic CSV, run as the operator. Each prints the run's report
 * (or its JSON with --json): counts, rejected lines with a reason naming the column, duplicates, what was
 * left behind and the clause that says so. A file in which every row was rejected exits 1.
 */
/** Each kind's help, named in full so the message check sees every key used. */
const KIND_HELP: Record<ImportKind, string> = {
  patrons: tr.t('cli.import.patrons.help'),
  loans: tr.t('cli.import.loans.help'),
  holds: tr.t('cli.import.holds.help'),
  fines: tr.t('cli.import.fines.help'),
};

export function registerImportCommands(program: Command, { globals, withRuntime }: CommandHelpers): void {
  const command = program.command('import').description(tr.t('cli.import.help'));
  for (const kind of IMPORT_KINDS) {
    command
      .command(kind)
      .description(KIND_HELP[kind])
      .argument('<file>', 'the export file (CSV or TSV with a header row)')
      .requiredOption('--format <format>', 'koha, evergreen or csv', (value: string) => {
        if (!(IMPORT_FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError('--format is koha, evergreen or csv.');
        return value as ImportFormat;
      })
      .option('--mapping <file>', 'the mapping file (default FILE.mapping.json; written as a template when missing)')
      .option('--library <id>', 'the library (the only library when absent)')
      .option('--dry-run', 'read and check every row; write nothing')
      .option('--page-size <n>', 'rows per transaction', (value: string) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 5000) throw new InvalidArgumentError('--page-size is a whole number from 1 to 5000.');
        return n;
      })
      .action(async (file: string, o: { format: ImportFormat; mapping?: string; library?: string; dryRun?: boolean; pageSize?: number }, cmd: Command) => {
        const opts = globals(cmd);
        const report = await withRuntime(opts, false, async (runtime) => {
          const act = systemRun(runtime, 'administration');
          const libraryId = o.library ?? (await onlyLibrary(act));
          return runImport(act, { file, kind: kind as ImportKind, format: o.format, libraryId, mappingFile: o.mapping ?? `${file}.mapping.json`, dryRun: o.dryRun, pageSize: o.pageSize });
        });
        if (report.imported === 0 && report.rejectedCount > 0) throw nothingImported(report);
        emit(opts.json, report, () => describe(report));
      });
  }
  command
    .command('runs')
    .description(tr.t('cli.import.runs.help'))
    .option('--library <id>', 'only this library’s runs')
    .action(async (o: { library?: string }, cmd: Command) => {
      const opts = globals(cmd);
      const found = await withRuntime(opts, false, async (runtime) => systemRun(runtime, 'administration')(listImports, o.library === undefined ? {} : { libraryId: o.library }));
      emit(opts.json, found, () =>
        found.length === 0
          ? tr.t('cli.import.runs.none')
          : found
              .map((r) => tr.t('cli.import.runs.line', { runId: r.runId ?? '', kind: r.kind, format: r.format, library: r.libraryId, state: r.finishedAt === null ? 'running' : 'finished', imported: r.imported, rejected: r.rejectedCount, started: r.startedAt }))
              .join('\n'),
      );
    });
}

async function onlyLibrary(act: ReturnType<typeof systemRun>): Promise<string> {
  const libraries = await act(listLibraries, undefined);
  if (libraries.length !== 1) throw refuse(ErrorCode.VALIDATION_FAILED, 'This database has several libraries: give --library.', 'library');
  return libraries[0]!.id;
}

function nothingImported(report: ImportReport): DomainError {
  const listed = report.rejected.slice(0, 50).map((r) => ({ code: r.code, message: `line ${r.line}: ${r.reason}`, field: 'file' }));
  return new DomainError([{ code: ErrorCode.IMPORT_ROW_INVALID, message: `Nothing was imported: all ${report.rejectedCount} row(s) read were rejected.`, field: 'file' }, ...listed]);
}

/** The report in words; reasons are the importer's own (English) words, the line and code say the same to anyone. */
function describe(report: ImportReport): string {
  const lines = [
    report.dryRun ? tr.t('cli.import.checked', { count: report.read, kind: report.kind }) : tr.t('cli.import.read', { count: report.read, kind: report.kind }),
    report.dryRun ? tr.t('cli.import.wouldImport', { count: report.imported }) : tr.t('cli.import.imported', { count: report.imported }),
  ];
  if (report.resumed) lines.push(tr.t('cli.import.resumed'));
  if (report.rejectedCount > 0) lines.push(tr.t('cli.import.rejected', { count: report.rejectedCount }), ...report.rejected.map((r) => `  ${tr.t('cli.import.rejectedRow', { line: r.line, code: r.code, reason: r.reason })}`));
  if (report.rejectedCount > report.rejected.length) lines.push(`  ${tr.t('cli.import.more', { count: report.rejectedCount - report.rejected.length })}`);
  if (report.duplicateCount > 0)
    lines.push(
      tr.t('cli.import.duplicates', { count: report.duplicateCount }),
      ...report.duplicates.map((d) => `  ${d.by === 'card' ? tr.t('cli.import.duplicateCard', { line: d.line, sameAs: d.sameAs ?? 0 }) : tr.t('cli.import.duplicatePerson', { line: d.line, sameAs: d.sameAs ?? 0 })}`),
    );
  for (const left of report.leftBehind) lines.push(tr.t('cli.import.leftBehind', { count: left.count, reason: left.reason, clause: left.clause ?? '—' }));
  if (report.fieldsLeftOutCount > 0) lines.push(tr.t('cli.import.fieldsLeftOut', { count: report.fieldsLeftOutCount }), ...report.fieldsLeftOut.map((f) => `  ${tr.t('cli.import.rejectedRow', { line: f.line, code: f.code, reason: f.reason })}`));
  if (report.flagged.guardianNeeded > 0) lines.push(tr.t('cli.import.guardianNeeded', { count: report.flagged.guardianNeeded }));
  if (report.kind === 'patrons') {
    lines.push(tr.t('cli.import.pins', { schemes: Object.entries(report.pins).map(([s, n]) => `${s} ${n}`).join(', ') || '—' }));
    lines.push(tr.t('cli.import.byCategory', { counts: Object.entries(report.byCategory).map(([c, n]) => `${c} ${n}`).join(', ') || '—' }));
    lines.push(tr.t('cli.import.byBranch', { counts: Object.entries(report.byBranch).map(([b, n]) => `${b || '—'} ${n}`).join(', ') || '—' }));
  }
  for (const warning of report.warnings) lines.push(tr.t('cli.import.warning', { warning }));
  if (report.columnsIgnored.length > 0) lines.push(tr.t('cli.import.columnsIgnored', { columns: report.columnsIgnored.join(', ') }));
  return lines.join('\n');
}
