import type { Command } from 'commander';
import type { SearchField } from '../domain/catalogue.js';
import { ErrorCode, refuse } from '../domain/errors.js';
import { searchCatalogue, showRecord, type CopiesAt, type RecordView, type SearchResult } from '../usecases/catalogue.usecases.js';
import { emit } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/**
 * `carrel catalogue search` and `carrel catalogue show`. Like the public search, a search here writes
 * nothing: the words typed are not logged, kept or echoed in an error (CB-A2).
 */
export function registerCatalogueSearchCommands(catalogue: Command, helpers: CommandHelpers): void {
  const { runAs, globals } = helpers;

  catalogue
    .command('search')
    .description('search the catalogue: titles best first, with copies on the shelf per branch')
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
    .description('a title with its copies: where each is, its call number, whether it is on the shelf or damaged')
    .argument('<record-id>', 'the record’s id (from `carrel catalogue search`)')
    .action(async (recordId: string, _o: unknown, command: Command) => {
      const opts = globals(command);
      const record = await runAs(opts, 'circulation')(showRecord, { recordId });
      emit(opts.json, record, () => recordLines(record));
    });
}

/** Copies on the shelf per branch, as "central 1/2, east 0/1" (on the shelf / copies). */
function availabilityText(availability: readonly CopiesAt[]): string {
  if (availability.length === 0) return 'no copies';
  return availability.map((a) => `${a.branchCode} ${a.available}/${a.copies}`).join(', ');
}

/** A compact table: title, first author, year, format, copies on the shelf per branch, and the record id. */
function searchLines(result: SearchResult): string {
  if (result.total === 0) return 'No titles found.';
  const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text).padEnd(width);
  const lines = [`${clip('TITLE', 40)} ${clip('AUTHOR', 24)} YEAR ${clip('FORMAT', 11)} ON THE SHELF / COPIES     RECORD`];
  for (const hit of result.hits) {
    const title = hit.subtitle ? `${hit.title}: ${hit.subtitle}` : hit.title;
    lines.push(`${clip(title, 40)} ${clip(hit.authors[0] ?? '', 24)} ${String(hit.year ?? '').padEnd(4)} ${clip(hit.format, 11)} ${clip(availabilityText(hit.availability), 25)} ${hit.id}`);
  }
  const shown = `${result.offset + 1}–${result.offset + result.hits.length}`;
  lines.push(`${shown} of ${result.total} title(s).`);
  return lines.join('\n');
}

function recordLines(record: RecordView): string {
  const lines = [
    record.subtitle ? `${record.title}: ${record.subtitle}` : record.title,
    record.authors.length > 0 ? `By ${record.authors.join('; ')}` : '',
    [record.publisher, record.year, record.format, record.language].filter((v) => v !== null && v !== '').join(' · '),
    record.isbns.length > 0 ? `ISBN ${record.isbns.join(', ')}` : '',
    record.subjects.length > 0 ? `Subjects: ${record.subjects.join('; ')}` : '',
    `Record ${record.id} (${record.libraryId}); on the shelf: ${availabilityText(record.availability)}; holds waiting: ${record.holdsWaiting}`,
  ].filter(Boolean);
  if (record.copies.length === 0) lines.push('No copies.');
  else {
    lines.push('', `${'BARCODE'.padEnd(20)} ${'BRANCH'.padEnd(12)} ${'CALL NUMBER'.padEnd(20)} STATUS`);
    for (const c of record.copies) lines.push(`${c.barcode.padEnd(20)} ${c.branchCode.padEnd(12)} ${(c.callNumber ?? '').padEnd(20)} ${c.status}${c.damaged ? ' (damaged)' : ''}`);
  }
  return lines.join('\n');
}
