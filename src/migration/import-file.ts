/**
 * Reading an export file of another library system (issue 21), a row at a time: CSV (comma, RFC 4180
 * quoting, as psql's `\copy … CSV HEADER` writes) or TSV (tab, no quoting, as `mysql --batch` writes,
 * with its backslash escapes and the word NULL for a missing value), told apart by the header line.
 * Memory stays that of one row; each row comes with its line number in the file, which the report uses.
 */
import { createHash } from 'node:crypto';
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { parse } from 'csv-parse';
import { ErrorCode, refuse } from '../domain/errors.js';

export interface FileRow {
  /** The file's line the row starts on (the header is line 1). */
  line: number;
  cells: Record<string, string>;
}

/** The file's SHA-256, streamed: the same bytes are the same run (a second run of them resumes it). */
export async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch {
    throw refuse(ErrorCode.IMPORT_FAILED, `Cannot read ${file}.`, 'file');
  }
  return hash.digest('hex');
}

/** The header's column names and whether the file is tab-separated, from its first line. */
export function readHeader(file: string): { columns: string[]; tabs: boolean } {
  const head = Buffer.alloc(64 * 1024);
  let length: number;
  try {
    const fd = openSync(file, 'r');
    length = readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
  } catch {
    throw refuse(ErrorCode.IMPORT_FAILED, `Cannot read ${file}.`, 'file');
  }
  const text = head.subarray(0, length).toString('utf8').replace(/^\uFEFF/, '');
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  if (first.trim() === '') throw refuse(ErrorCode.IMPORT_FAILED, 'The file is empty or its first line is not a header of column names.', 'file');
  const tabs = first.includes('\t');
  const columns = (tabs ? first.split('\t') : first.split(',')).map((c) => c.trim().replace(/^"|"$/g, '').trim().toLowerCase());
  return { columns, tabs };
}

/** MySQL's --batch escapes (\t, \n, \\, \0) and its NULL, read back. */
function unescapeTsv(value: string): string {
  if (value === 'NULL') return '';
  if (!value.includes('\\')) return value;
  return value.replace(/\\([tn0\\r])/g, (_, c: string) => ({ t: '\t', n: '\n', '0': '', '\\': '\\', r: '\r' })[c] ?? c);
}

/**
 * The file's rows after the header, each with its line. A row that cannot be read as CSV stops the file
 * with its line number (a broken quote would shift every later row: nothing past it can be trusted).
 */
export async function* readRows(file: string, tabs: boolean): AsyncGenerator<FileRow> {
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      delimiter: tabs ? '\t' : ',',
      quote: tabs ? false : '"',
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number; records: number } }>) {
      const cells: Record<string, string> = {};
      for (const [key, value] of Object.entries(record)) cells[key] = tabs ? unescapeTsv(value ?? '') : (value ?? '');
      yield { line: info.lines, cells };
    }
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw refuse(ErrorCode.IMPORT_FAILED, `The file is not valid ${tabs ? 'TSV' : 'CSV'}${line ? ` at line ${line}` : ''}; the import stopped there (what was before it is kept, and a second run resumes).`, 'file');
  }
}
