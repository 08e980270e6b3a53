/**
 * The catalogue's own rules (issue 18): what a bibliographic record holds, how its words are folded for
 * the search index, how a patron's query is read, and ISBNs.
 *
 * Folding is done here, once, for both engines: lower case, accents removed (NFKD, combining marks
 * dropped, so "Núñez" is "nunez"), everything that is not a letter or a digit turned into a space. The
 * index then only ever sees plain words, and SQLite's FTS5 and PostgreSQL's `simple` text search tokenise
 * them identically: the same query finds the same records on both.
 *
 * A query is never passed to an engine's query syntax: it is read into words (and field prefixes) here,
 * and the storage layer builds the engine's query from those words alone. Quotes, operators, 10 kB of
 * text or control characters can change which words are searched, never the syntax.
 */
import { isStorableText } from './storable.js';

export const RECORD_FORMATS = ['book', 'large-print', 'audiobook', 'ebook', 'dvd', 'music', 'magazine', 'map', 'other'] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

export interface BibRecord {
  id: string;
  libraryId: string;
  controlNumber: string | null;
  title: string;
  subtitle: string | null;
  authors: string[];
  subjects: string[];
  isbns: string[];
  /** The first ISBN as ISBN-13 digits; null when the record has none. */
  isbn: string | null;
  issn: string | null;
  publisher: string | null;
  year: number | null;
  format: RecordFormat;
  /** ISO 639-2 (eng, spa…). */
  language: string | null;
  summary: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A record's fields as a cataloguer or an import gives them (the id and times are the use case's). */
export type RecordFields = Omit<BibRecord, 'id' | 'libraryId' | 'isbn' | 'createdAt' | 'updatedAt'>;

/** The folded words of a record that the index is built from. */
export interface RecordSearchText {
  title: string;
  authors: string;
  subjects: string;
  other: string;
  sortTitle: string;
}

const MARKS = /\p{M}+/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;
/** Words longer than this are cut (a word of 10 kB is not a word anyone searches for). */
const MAX_WORD = 40;

/** Lower case, no accents, words of letters and digits separated by single spaces. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(MARKS, '')
    .toLowerCase()
    .replace(NOT_WORD, ' ')
    .trim()
    .split(' ')
    .filter((w) => w !== '')
    .map((w) => (w.length > MAX_WORD ? w.slice(0, MAX_WORD) : w))
    .join(' ');
}

/** Leading articles left out of a title's sort key (English and Spanish). */
const ARTICLES = /^(the|a|an|el|la|los|las|un|una|unos|unas) /;

export function searchTextOf(record: Pick<BibRecord, 'title' | 'subtitle' | 'authors' | 'subjects' | 'isbns' | 'issn' | 'publisher' | 'summary' | 'year'>): RecordSearchText {
  const title = fold([record.title, record.subtitle ?? ''].join(' '));
  return {
    title,
    authors: fold(record.authors.join(' ')),
    subjects: fold(record.subjects.join(' ')),
    other: fold([record.publisher ?? '', record.summary ?? '', record.isbns.join(' '), record.issn ?? '', record.year?.toString() ?? ''].join(' ')),
    sortTitle: fold(record.title).replace(ARTICLES, '').slice(0, 200),
  };
}

export const SEARCH_FIELDS = ['keyword', 'title', 'author', 'subject', 'isbn'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

/** A query as the storage layer receives it: folded words per field, never the patron's syntax. */
export interface ParsedQuery {
  /** Words every result must contain (in any field for keyword), the last of each may be a prefix. */
  terms: { field: Exclude<SearchField, 'isbn'>; word: string; prefix: boolean }[];
  /** ISBN-13s asked for (an ISBN query, or a keyword query that is an ISBN). */
  isbns: string[];
}

/** At most this many words are searched; the rest of a long query is ignored. */
export const MAX_QUERY_WORDS = 12;
/** A query longer than this is cut before it is read. */
export const MAX_QUERY_LENGTH = 1000;

/**
 * Reads a query typed in a search box. `field` is the box's choice (keyword unless told); within a
 * keyword query, `title:`, `author:` and `subject:` prefixes narrow a word. Anything else — quotes,
 * AND/OR/NOT, stars, brackets — is punctuation. The last word is matched as a prefix (search as you type)
 * when it has three or more letters. Null when nothing searchable is left.
 */
export function parseQuery(raw: string, field: SearchField = 'keyword'): ParsedQuery | null {
  const text = raw.slice(0, MAX_QUERY_LENGTH);
  if (field === 'isbn') {
    const isbn = normalizeIsbn(text);
    return isbn ? { terms: [], isbns: [isbn] } : null;
  }
  if (field === 'keyword') {
    const asIsbn = normalizeIsbn(text);
    if (asIsbn && /^[\s\d-]+[\dxX]?\s*$/.test(text)) return { terms: [], isbns: [asIsbn] };
  }
  const terms: ParsedQuery['terms'] = [];
  const prefixed = /^(title|author|subject):(.*)$/i;
  for (const chunk of text.split(/\s+/)) {
    if (chunk === '') continue;
    const match = field === 'keyword' ? prefixed.exec(chunk) : null;
    const chunkField = (match ? match[1]!.toLowerCase() : field) as Exclude<SearchField, 'isbn'>;
    for (const word of fold(match ? match[2]! : chunk).split(' ')) {
      if (word === '' || STOP_WORDS.has(word)) continue;
      terms.push({ field: chunkField, word, prefix: false });
    }
  }
  const kept = terms.slice(0, MAX_QUERY_WORDS);
  const last = kept.at(-1);
  if (last && last.word.length >= 3 && !/^\d+$/.test(last.word)) last.prefix = true;
  return kept.length > 0 ? { terms: kept, isbns: [] } : null;
}

/** Words a query leaves out: operators typed as words, and the commonest articles. */
const STOP_WORDS = new Set(['and', 'or', 'not', 'near', 'the', 'a', 'an', 'of', 'el', 'la', 'los', 'las', 'de', 'y']);

/** ISBN-10 or ISBN-13 (hyphens and spaces allowed) as ISBN-13 digits; null when the check digit fails. */
export function normalizeIsbn(text: string): string | null {
  const compact = text.replace(/[\s-]/g, '').toUpperCase();
  if (/^\d{9}[\dX]$/.test(compact)) {
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += (compact[i] === 'X' ? 10 : Number(compact[i])) * (10 - i);
    if (sum % 11 !== 0) return null;
    const core = `978${compact.slice(0, 9)}`;
    return core + isbn13Check(core);
  }
  if (/^97[89]\d{10}$/.test(compact)) return isbn13Check(compact.slice(0, 12)) === compact[12] ? compact : null;
  return null;
}

function isbn13Check(twelve: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(twelve[i]) * (i % 2 === 0 ? 1 : 3);
  return String((10 - (sum % 10)) % 10);
}

/** The facets a search answers with, and the values a search may be narrowed to. */
export interface SearchFilters {
  format?: string;
  language?: string;
  /** A branch id: records with a copy there. */
  branchId?: string;
  /** Only records with a copy on the shelf now. */
  available?: boolean;
}

/** Checks a record's fields; each problem names its field. */
export function recordProblems(fields: Pick<RecordFields, 'title' | 'format' | 'year' | 'language'>): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (fields.title.trim() === '' || !isStorableText(fields.title, 1000)) problems.push({ field: 'title', message: 'A record needs a title of 1–1,000 characters.' });
  if (!RECORD_FORMATS.includes(fields.format)) problems.push({ field: 'format', message: `A format is one of ${RECORD_FORMATS.join(', ')}.` });
  if (fields.year !== null && (!Number.isInteger(fields.year) || fields.year < 0 || fields.year > 9999)) problems.push({ field: 'year', message: 'A year is a whole number up to 9999.' });
  if (fields.language !== null && !/^[a-z]{3}$/.test(fields.language)) problems.push({ field: 'language', message: 'A language is a three-letter ISO 639-2 code (eng, spa…).' });
  return problems;
}
