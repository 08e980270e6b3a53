/**
 * The mapping file of an import (issue 21): the old system's patron categories, branches and fine codes
 * to the library's, and for a generic CSV the file's column for each field. The first run of a file
 * without one writes a template (every code the file uses, with the library's code where one matches
 * and null where none does) for the library to fill in: nothing is guessed silently.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DomainError, ErrorCode, refuse, type Problem } from '../domain/errors.js';
import { guessFineKind, type ImportFormat, type ImportKind } from '../domain/import.rules.js';
import type { FineKind } from '../domain/types.js';
import { CSV_FIELDS } from './shapes.js';

export interface MappingFile {
  format?: ImportFormat;
  categories?: Record<string, string | null>;
  branches?: Record<string, string | null>;
  fineKinds?: Record<string, FineKind | null>;
  columns?: Record<string, string>;
  dateFormat?: string;
}

const KEYS = ['format', 'categories', 'branches', 'fineKinds', 'columns', 'dateFormat', 'note'];

/** The mapping at `path`, or undefined when there is none yet; a file that is not a mapping is refused. */
export function readMapping(path: string): MappingFile | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw refuse(ErrorCode.IMPORT_MAPPING_INCOMPLETE, `The mapping file ${path} is not JSON.`, 'mapping');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw refuse(ErrorCode.IMPORT_MAPPING_INCOMPLETE, `The mapping file ${path} is not a JSON object.`, 'mapping');
  const problems: Problem[] = [];
  for (const key of Object.keys(parsed)) if (!KEYS.includes(key)) problems.push({ code: ErrorCode.IMPORT_MAPPING_INCOMPLETE, message: `The mapping has an unknown key "${key}" (it has ${KEYS.join(', ')}).`, field: 'mapping' });
  const mapping = parsed as MappingFile;
  for (const section of ['categories', 'branches', 'fineKinds', 'columns'] as const) {
    const value = mapping[section];
    if (value === undefined) continue;
    if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.values(value).some((v) => v !== null && typeof v !== 'string'))
      problems.push({ code: ErrorCode.IMPORT_MAPPING_INCOMPLETE, message: `"${section}" maps codes to codes: an object of strings (or null).`, field: section });
  }
  if (mapping.dateFormat !== undefined && typeof mapping.dateFormat !== 'string') problems.push({ code: ErrorCode.IMPORT_MAPPING_INCOMPLETE, message: '"dateFormat" is a Luxon format such as MM/dd/yyyy.', field: 'dateFormat' });
  if (problems.length > 0) throw new DomainError(problems);
  return mapping;
}

/** What a template proposes for each code: the library's code when one matches (any case), else null. */
function propose(codes: Iterable<string>, known: readonly string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const code of [...codes].sort()) out[code] = known.find((k) => k.toLowerCase() === code.toLowerCase()) ?? null;
  return out;
}

/** For a generic CSV, the file's column proposed for each field: the one whose name matches the field's (any case, punctuation aside). */
export function proposeColumns(kind: ImportKind, header: readonly string[]): Record<string, string> {
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const out: Record<string, string> = {};
  for (const field of [...CSV_FIELDS[kind].required, ...CSV_FIELDS[kind].optional]) {
    const column = header.find((h) => squash(h) === squash(field));
    if (column) out[field] = column;
  }
  return out;
}

/** Writes a template mapping for the codes a file uses, and answers the refusal that says where. */
export function writeTemplate(
  path: string,
  input: { format: ImportFormat; kind: ImportKind; used: { categories: Set<string>; branches: Set<string>; fineKinds: Set<string> }; library: { categories: string[]; branches: string[] }; columns?: Record<string, string> },
): DomainError {
  const template: Record<string, unknown> = {
    note: 'Map each code of the old system (left) to the library’s code in Carrel (right); a null is left to you. Then run the import again.',
    format: input.format,
  };
  if (input.format === 'csv') template.columns = input.columns ?? {};
  if (input.kind === 'patrons') template.categories = propose(input.used.categories, input.library.categories);
  template.branches = propose(input.used.branches, input.library.branches);
  if (input.kind === 'fines') template.fineKinds = Object.fromEntries([...input.used.fineKinds].sort().map((code) => [code, guessFineKind(code)]));
  try {
    writeFileSync(path, `${JSON.stringify(template, null, 2)}\n`, { flag: 'wx' });
  } catch {
    return refuse(ErrorCode.IMPORT_FAILED, `Cannot write the mapping template to ${path}.`, 'mapping');
  }
  const open = [...Object.values((template.categories as Record<string, string | null>) ?? {}), ...Object.values(template.branches as Record<string, string | null>)].filter((v) => v === null).length;
  return refuse(
    ErrorCode.IMPORT_MAPPING_NEEDED,
    `Wrote a mapping template to ${path}${open > 0 ? ` with ${open} code(s) to map` : ''}: check it, fill in every null, and run the import again. Nothing was imported.`,
    'mapping',
  );
}
