/**
 * From a MARC21 bibliographic record to the `RecordInput` of `saveRecords`: the bibliographic fields are
 * MARC21's own; the holdings (copies) are where each integrated library system puts them, so they are a
 * mapping: `koha` (952), `evergreen` (852) or a JSON file a library writes for any other.
 *
 * Evergreen exports its copies in 852 with the barcode in $p, the circulating library in $b and the call
 * number in $h (class part) and $i (item part). It has no item type in 852; Carrel reads the circulation
 * modifier from $9 when the export puts it there (Evergreen's own `marc_export --items` writes the
 * circulation modifier nowhere fixed; $9 is the common choice) and falls back to the library's default.
 */
import { readFileSync } from 'node:fs';
import { RECORD_FORMATS, type RecordFormat } from '../domain/catalogue.js';
import { refuse, ErrorCode } from '../domain/errors.js';
import { parseAmount } from '../domain/money.js';
import type { RecordInput } from '../usecases/catalogue.usecases.js';
import { subfieldValues, type MarcRecord } from './marc.reader.js';
import type { MarcField } from 'marcjs';

/** Where a system puts a copy: the field's tag and the subfield code of each part. */
export interface HoldingsMapping {
  name: string;
  tag: string;
  barcode: string;
  branch: string;
  /** Subfield codes whose values, in order, make the call number. */
  callNumber?: string;
  itemType?: string;
  replacementCost?: string;
  /** Subfields whose value, when not blank or "0", mark the copy withdrawn, lost or damaged. */
  withdrawn?: string;
  lost?: string;
  damaged?: string;
}

export const MAPPINGS: Record<'koha' | 'evergreen', HoldingsMapping> = {
  koha: { name: 'koha', tag: '952', barcode: 'p', branch: 'b', callNumber: 'o', itemType: 'y', replacementCost: 'v', withdrawn: '0', lost: '1', damaged: '4' },
  evergreen: { name: 'evergreen', tag: '852', barcode: 'p', branch: 'b', callNumber: 'hi', itemType: '9', replacementCost: 'y' },
};

const KEYS = ['tag', 'barcode', 'branch', 'callNumber', 'itemType', 'replacementCost', 'withdrawn', 'lost', 'damaged'] as const;

/** `koha`, `evergreen` or the path of a JSON mapping file; anything else is IMPORT_MAPPING_INVALID, and nothing is read. */
export function loadMapping(name: string): HoldingsMapping {
  if (name === 'koha' || name === 'evergreen') return MAPPINGS[name];
  const invalid = (why: string) => refuse(ErrorCode.IMPORT_MAPPING_INVALID, `The mapping ${why}; give koha, evergreen or a JSON file with a tag and subfield codes for barcode and branch.`, 'mapping');
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(name, 'utf8'));
  } catch (error) {
    throw invalid((error as NodeJS.ErrnoException).code ? 'file cannot be read' : 'file is not JSON');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw invalid('file is not a JSON object');
  const given = document as Record<string, unknown>;
  const unknown = Object.keys(given).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) throw invalid(`file has unknown keys (${unknown.join(', ')})`);
  if (typeof given.tag !== 'string' || !/^\d{3}$/.test(given.tag) || given.tag < '010') throw invalid('tag must be a data field tag of three digits (e.g. "952")');
  for (const key of KEYS.slice(1)) {
    const value = given[key];
    if (value === undefined && key !== 'barcode' && key !== 'branch') continue;
    const many = key === 'callNumber';
    if (typeof value !== 'string' || !(many ? /^[a-z0-9]{1,5}$/ : /^[a-z0-9]$/).test(value)) throw invalid(`${key} must be ${many ? 'one or more subfield codes' : 'a subfield code'} (a letter or digit)`);
  }
  return { name, ...(given as Omit<HoldingsMapping, 'name'>) };
}

/** A copy as the mapping found it, before its branch and item type are matched to the library's. */
export interface MappedCopy {
  barcode: string;
  branch: string;
  callNumber: string | null;
  itemType: string | null;
  replacementCostCents: number | null;
  status: 'available' | 'withdrawn' | 'lost';
  damaged: boolean;
}

export interface MappedRecord {
  record: Omit<RecordInput, 'copies'>;
  copies: MappedCopy[];
}

const first = (record: MarcRecord, tag: string): MarcField | undefined => record.fields.find((f) => f[0] === tag);
const all = (record: MarcRecord, ...tags: string[]): MarcField[] => record.fields.filter((f) => tags.includes(f[0]!));
const control = (record: MarcRecord, tag: string): string | undefined => first(record, tag)?.[1];

/** ISBD punctuation a cataloguer ends a subfield with (" /", " :", " ;", ",", ".") that is not part of the value. */
export function stripIsbd(value: string): string {
  return value
    .replace(/\s*[/:;=,]\s*$/, '')
    .replace(/(?<![A-Z]|\.\.)\.$/, '')
    .trim();
}

/** The bibliographic fields and the copies of one record. */
export function mapRecord(record: MarcRecord, mapping: HoldingsMapping): MappedRecord {
  const title = first(record, '245')!;
  const join = (field: MarcField, codes: string) => subfieldValues(field, codes).map(stripIsbd).filter((v) => v !== '').join(' ');
  const authors = all(record, '100', '110', '700', '710').map((f) => join(f, 'abcd').replace(/,$/, '')).filter((a) => a !== '');
  const subjects = all(record, '600', '610', '650', '651').map((f) => subfieldValues(f, 'abcdvxyz').map(stripIsbd).filter((v) => v !== '').join(' -- ')).filter((s) => s !== '');
  const isbns = all(record, '020').flatMap((f) => subfieldValues(f, 'a').map((v) => v.trim().split(/\s/)[0]!)).filter((v) => v !== '');
  const issn = all(record, '022').flatMap((f) => subfieldValues(f, 'a'))[0]?.trim() || null;
  const imprint = first(record, '264') ?? first(record, '260');
  const publisher = imprint ? subfieldValues(imprint, 'b').map(stripIsbd).join(' ') || null : null;
  const fixed = control(record, '008') ?? '';
  const yearText = (imprint ? subfieldValues(imprint, 'c').join(' ') : '').match(/\d{4}/)?.[0] ?? (/^\d{4}$/.test(fixed.slice(7, 11)) ? fixed.slice(7, 11) : undefined);
  const language = languageOf(record, fixed);
  const summary = all(record, '520').flatMap((f) => subfieldValues(f, 'a')).join(' ').trim() || null;
  return {
    record: {
      controlNumber: control(record, '001')?.trim() || kohaBiblionumber(record, mapping) || null,
      title: join(title, 'a') || subfieldValues(title, 'a').join(' ').trim(),
      subtitle: join(title, 'b') || null,
      authors,
      subjects,
      isbns,
      issn,
      publisher,
      year: yearText ? Number(yearText) : null,
      format: formatOf(record, fixed),
      language,
      summary,
    },
    copies: all(record, mapping.tag).map((field) => copyOf(field, mapping)),
  };
}

/**
 * Koha keeps a record's biblionumber in 999 $c, and in 001 only when `autoControlNumber` says so: with no
 * 001, a Koha record's control number is its biblionumber (what a Koha holds export names the title by).
 */
function kohaBiblionumber(record: MarcRecord, mapping: HoldingsMapping): string | undefined {
  if (mapping.name !== 'koha') return undefined;
  const field = first(record, '999');
  return field ? subfieldValues(field, 'c')[0]?.trim() || undefined : undefined;
}

function languageOf(record: MarcRecord, fixed: string): string | null {
  const code = fixed.slice(35, 38).trim().toLowerCase();
  if (/^[a-z]{3}$/.test(code) && code !== 'und' && code !== 'zxx') return code;
  const given = all(record, '041').flatMap((f) => subfieldValues(f, 'a'))[0]?.trim().toLowerCase();
  return given && /^[a-z]{3}$/.test(given) ? given : null;
}

/**
 * The format from leader/06 (type of record), leader/07 (bibliographic level) and the 007/008 details:
 * large print is a book with 008/23 'd'; an ebook a book with 008/23 'o'/'q' or a 007 'c'; a DVD a
 * projected medium (leader/06 'g') with 007 'v'; spoken word 'i' an audiobook; music 'j'/'c'/'d';
 * a serial (leader/07 's') a magazine; cartographic 'e'/'f' a map.
 */
export function formatOf(record: MarcRecord, fixed = control(record, '008') ?? ''): RecordFormat {
  const type = record.leader[6];
  const level = record.leader[7];
  const physical = control(record, '007') ?? '';
  let format: RecordFormat = 'other';
  if (type === 'a' || type === 't') {
    if (level === 's') format = 'magazine';
    else if (fixed[23] === 'd') format = 'large-print';
    else if (fixed[23] === 'o' || fixed[23] === 'q' || physical[0] === 'c') format = 'ebook';
    else format = 'book';
  } else if (type === 'g') format = physical[0] === 'v' || physical[0] === 'm' || physical === '' ? 'dvd' : 'other';
  else if (type === 'i') format = 'audiobook';
  else if (type === 'j' || type === 'c' || type === 'd') format = 'music';
  else if (type === 'e' || type === 'f') format = 'map';
  else if (type === 'm') format = 'ebook';
  return RECORD_FORMATS.includes(format) ? format : 'other';
}

const flag = (field: MarcField, code: string | undefined): boolean => code !== undefined && subfieldValues(field, code).some((v) => v.trim() !== '' && v.trim() !== '0');

function copyOf(field: MarcField, mapping: HoldingsMapping): MappedCopy {
  const one = (code: string | undefined) => (code === undefined ? '' : (subfieldValues(field, code)[0] ?? '').trim());
  const callNumber = mapping.callNumber ? subfieldValues(field, mapping.callNumber).map((v) => v.trim()).filter((v) => v !== '').join(' ') : '';
  const cost = one(mapping.replacementCost);
  const cents = cost === '' ? undefined : parseAmount(cost.replace(/^\$/, ''));
  return {
    barcode: one(mapping.barcode),
    branch: one(mapping.branch),
    callNumber: callNumber || null,
    itemType: one(mapping.itemType).toLowerCase() || null,
    replacementCostCents: cents ?? null,
    status: flag(field, mapping.withdrawn) ? 'withdrawn' : flag(field, mapping.lost) ? 'lost' : 'available',
    damaged: flag(field, mapping.damaged),
  };
}
