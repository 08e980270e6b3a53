import type { Command } from 'commander';
import type { SearchField } from '../domain/catalogue.js';
import { ErrorCode, refuse } from '../domain/errors.js';
import { searchCatalogue, showRecord, type CopiesAt, type RecordView, type SearchResult } from '../usecases/catalogue.usecases.js';
import { emit, tr } from './output.js';
import { itemStatus } from './words.js';
import type { CommandHelpers } from './command-helpers.js';

/**
 * `carrel catalogue search` and `carrel catalogue show`. Like the public search, a search here writes
 * nothing: the words typed are not logged, kept or echoed in an error (CB-A2).
 */
export function registerCatalogueSearchCommands(catalogue: Command, helpers: CommandHelpers): void {
  const { runAs, globals } = helpers;

  catalogue
    .command('search')
    .description(tr.t('cli.catalogue.search.help'))
    .argument('<query>', 'the words to search for (every word must match)')
    .option('--library <id>', 'the library whose catalogue is searched (with the members that lend to it)')
    .option('--field <field>', 'keyword (anywhere), title, author, subject or isbn', 'keyword')
    .option('--format <format>', 'only this format (book, dvd, audiobook, …)')
    .option('--language <code>', 'only this language (MARC code, e.g. eng, spa)')
    .option('--branch <code>', 'only titles with a copy at this branch')
    .option('--available', 'only titles with a copy on the shelf now')
    .option('--limit <n>', 'how many titles (1 to 50)', '20')
    .action(async (query: string, o: { library?: string; field: string; format?: string; language?: string; branch?: string; available?: boolean; limit: string }, command: Command) => {
      const opts = globals(command);
      if (!/^[1-9]\d?$/.test(o.limit) || Number(o.limit) > 50) throw refuse(ErrorCode.VALIDATION_FAILED, '--limit takes a number from 1 to 50.', 'limit');
      const result = await runAs(opts, 'circulation')(searchCatalogue, {
        q: query,
        field: o.field as SearchField,
        limit: Number(o.limit),
        ...(o.library !== undefined ? { library: o.library } : {}),
        ...(o.format !== undefined ? { format: o.format } : {}),
        ...(o.language !== undefined ? { language: o.language } : {}),
        ...(o.branch !== undefined ? { branch: o.branch } : {}),
        ...(o.available ? { available: true } : {}),
      });
      emit(opts.json, result, () => searchLines(result));
    });

  catalogue
    .command('show')
    .description(tr.t('cli.catalogue.show.help'))
    .argument('<record-id>', 'the record’s id (from `carrel catalogue search`)')
    .action(async (recordId: string, _o: unknown, command: Command) => {
      const opts = globals(command);
      const record = await runAs(opts, 'circulation')(showRecord, { recordId });
      emit(opts.json, record, () => recordLines(record));
    });
}

/** Copies on the shelf per branch, as "central 1/2, east 0/1" (on the shelf / copies). */
function availabilityText(availability: readonly CopiesAt[]): string {
  if (availability.length === 0) return tr.t('cli.catalogue.noCopiesShort');
  return availability.map((a) => `${a.branchCode} ${a.available}/${a.copies}`).join(', ');
}

/** A compact table: title, first author, year, format, copies on the shelf per branch, and the record id. */
function searchLines(result: SearchResult): string {
  if (result.total === 0) return tr.t('cli.catalogue.search.none');
  const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text).padEnd(width);
  const heading = [clip(tr.t('cli.catalogue.search.title'), 40), clip(tr.t('cli.catalogue.search.author'), 24), clip(tr.t('cli.catalogue.search.year'), 4), clip(tr.t('cli.catalogue.search.format'), 11), clip(tr.t('cli.catalogue.search.onShelf'), 25), tr.t('cli.catalogue.search.record')];
  const lines = [heading.join(' ')];
  for (const hit of result.hits) {
    const title = hit.subtitle ? `${hit.title}: ${hit.subtitle}` : hit.title;
    lines.push(`${clip(title, 40)} ${clip(hit.authors[0] ?? '', 24)} ${String(hit.year ?? '').padEnd(4)} ${clip(hit.format, 11)} ${clip(availabilityText(hit.availability), 25)} ${hit.id}`);
  }
  const shown = `${result.offset + 1}–${result.offset + result.hits.length}`;
  lines.push(tr.t('cli.catalogue.search.shown', { shown, total: result.total }));
  return lines.join('\n');
}

function recordLines(record: RecordView): string {
  const lines = [
    record.subtitle ? `${record.title}: ${record.subtitle}` : record.title,
    record.authors.length > 0 ? tr.t('cli.catalogue.show.by', { authors: record.authors.join('; ') }) : '',
    [record.publisher, record.year, record.format, record.language].filter((v) => v !== null && v !== '').join(' · '),
    record.isbns.length > 0 ? `ISBN ${record.isbns.join(', ')}` : '',
    record.subjects.length > 0 ? tr.t('cli.catalogue.show.subjects', { subjects: record.subjects.join('; ') }) : '',
    tr.t('cli.catalogue.show.record', { id: record.id, library: record.libraryId, onShelf: availabilityText(record.availability), holds: record.holdsWaiting }),
  ].filter(Boolean);
  if (record.copies.length === 0) lines.push(tr.t('cli.catalogue.show.noCopies'));
  else {
    lines.push('', `${tr.t('cli.catalogue.show.barcode').padEnd(20)} ${tr.t('cli.catalogue.show.branch').padEnd(12)} ${tr.t('cli.catalogue.show.callNumber').padEnd(20)} ${tr.t('cli.catalogue.show.status')}`);
    for (const c of record.copies) {
      const status = c.damaged ? tr.t('cli.catalogue.show.damaged', { status: itemStatus(c.status) }) : itemStatus(c.status);
      lines.push(`${c.barcode.padEnd(20)} ${c.branchCode.padEnd(12)} ${(c.callNumber ?? '').padEnd(20)} ${status}`);
    }
  }
  return lines.join('\n');
}
