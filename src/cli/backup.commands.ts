import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { SYSTEM } from '../policy/actors.js';
import { createBackup, restoreBackup } from '../usecases/backup.usecases.js';
import type { Caller } from '../usecases/context.js';
import { emit, tr } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** What main.ts lends the backup commands. */
export type BackupCommandHelpers = Pick<CommandHelpers, 'withRuntime' | 'globals' | 'asOf'>;

const OPERATOR: Caller = { actor: SYSTEM, purpose: 'administration', channel: 'cli' };

/** `carrel backup --out FILE` and `carrel restore FILE [--force]`. */
export function registerBackupCommands(program: Command, helpers: BackupCommandHelpers): void {
  const { withRuntime, globals, asOf } = helpers;

  program
    .command('backup')
    .description(tr.t('cli.backup.help'))
    .requiredOption('--out <file>', 'the backup file to write (mode 0600; replaced if it exists)')
    .addOption(asOf())
    .action(async (o: { out: string }, command: Command) => {
      const opts = globals(command);
      const backup = await withRuntime(opts, false, (runtime) => createBackup(runtime, OPERATOR));
      writePrivateFile(o.out, backup.data);
      const doc = { file: resolve(o.out), bytes: backup.data.length, createdAt: backup.header.createdAt, tables: backup.header.tables };
      emit(opts.json, doc, () => {
        const rows = Object.values(doc.tables).reduce((sum, n) => sum + n, 0);
        return tr.t('cli.backup.done', { file: doc.file, bytes: doc.bytes, rows, tables: Object.keys(doc.tables).length });
      });
    });

  program
    .command('restore')
    .description(tr.t('cli.restore.help'))
    .argument('<file>', 'a file written by `carrel backup`')
    .option('--force', 'replace everything in a database that already holds data')
    .option('--reinstate-deleted', 'bring back patrons deleted since the backup, if still within the key-store retention (undoing a mistaken deletion)')
    .addOption(asOf())
    .action(async (file: string, o: { force?: boolean; reinstateDeleted?: boolean }, command: Command) => {
      const opts = globals(command);
      const data = readBackupFile(file);
      // `create`: restoring into a new database (with the installation's key store beside it) is the usual case.
      const report = await withRuntime(opts, true, (runtime) => restoreBackup(runtime, OPERATOR, { data, force: o.force === true, reinstateDeleted: o.reinstateDeleted === true }));
      emit(opts.json, report, () => {
        const rows = Object.values(report.tables).reduce((sum, n) => sum + n, 0);
        const { intact, reinstated, deletionsHonoured, unrecoverable } = report.patrons;
        return [
          tr.t('cli.restore.done', { rows, tables: Object.keys(report.tables).length, createdAt: report.backupCreatedAt, engine: report.sourceEngine }),
          tr.t('cli.restore.patrons', { intact, deleted: deletionsHonoured, reinstated, unrecoverable }),
          report.keys.shredded > 0 ? tr.t('cli.restore.shredded', { count: report.keys.shredded }) : '',
        ]
          .filter(Boolean)
          .join('\n');
      });
    });
}

function readBackupFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    throw refuse(ErrorCode.BACKUP_UNREADABLE, `Cannot read ${file}.`, 'file');
  }
}

/**
 * Writes a file readable by its owner only, all or nothing: a temporary file beside it, flushed to disk,
 * then renamed over the target (an interrupted backup never leaves a truncated file under the name).
 */
export function writePrivateFile(file: string, data: Buffer): void {
  const target = resolve(file);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      for (let written = 0; written < data.length; ) written += writeSync(fd, data, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temporary, 0o600); // whatever the umask
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
