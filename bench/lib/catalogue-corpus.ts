/**
 * A generated catalogue for bench:search: records as an import would store them, with 1–3 copies each.
 *
 * Title words come from a made-up vocabulary drawn with a Zipf-like law (word k about 1/k as likely as
 * the first), so a search can ask for a rare, a medium or a common word and get a realistic number of
 * matches. Authors carry accents (the index folds them), subjects, formats and languages are drawn with
 * uneven weights, and copies sit on two or three branches with varied statuses.
 *
 * Records go in through the repository's own insert (`insertRecords`: the same folded search columns,
 * the same FTS5 triggers or PostgreSQL generated column as the application), copies as multi-row
 * INSERTs, a few thousand records per transaction.
 */
import { type BibRecord, type RecordFormat } from '../../src/domain/catalogue.js';
import { insertRecords } from '../../src/storage/catalogue.repository.js';
import type { Db } from '../../src/storage/database.js';
import type { ItemsTable } from '../../src/storage/schema.js';

/** A seeded generator: the same corpus on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mer', 'ti', 'van', 'su', 'dor', 'pel', 'ri', 'no', 'sha', 'bel', 'tor', 'mi', 'gan', 'ves', 'quo', 'lin', 'dra', 'fe', 'hol', 'zu', 'pra', 'cen', 'mar', 'ost', 'ul', 'bri', 'sel', 'tam'];

/** The vocabulary's size: word 0 is the commonest, word VOCABULARY - 1 the rarest. */
export const VOCABULARY = 20_000;

/** Word k of the vocabulary: three or four syllables, unique, never a stop word. */
export function wordOf(k: number): string {
  const n = SYLLABLES.length;
  const a = SYLLABLES[k % n]!;
  const b = SYLLABLES[Math.floor(k / n) % n]!;
  const c = SYLLABLES[Math.floor(k / (n * n)) % n]!;
  return k < n * n ? `${a}${b}${c}s` : `${a}${b}${c}${SYLLABLES[Math.floor(k / (n * n * n)) % n]}`;
}

/** A Zipf-like rank in [0, VOCABULARY): P(k) ∝ 1 / (k + 1). */
function zipf(random: () => number): number {
  return Math.min(VOCABULARY - 1, Math.floor(Math.exp(random() * Math.log(VOCABULARY + 1)) - 1));
}

const GIVEN = ['José', 'María', 'Zoë', 'Søren', 'François', 'Ana', 'Jürgen', 'Łucja', 'Chloé', 'Ingrid', 'Tomás', 'Aoife', 'Renée', 'Björn', 'Inés', 'Mark', 'Ellen', 'Dvora', 'Amélie', 'Kofi'];
const FAMILY = ['Núñez', 'García Márquez', 'Müller', 'Østergaard', 'Dvořák', 'Brontë', 'Peña', 'Smith', 'Łukasiewicz', 'Ibáñez', 'Okafor', 'Černý', 'Lindqvist', 'Dupré', 'Gómez', 'Nakamura', 'O’Brien', 'Ferreira', 'Schäfer', 'Andersen', 'Halloran', 'Kowalski', 'Moreau', 'Sørensen'];
const SUBJECTS = ['Fiction', 'History', 'Poetry', 'Cooking', 'Gardening', 'Mystery fiction', 'Science fiction', 'Biography', 'Travel', 'Local history', 'Whaling', 'Natural history', 'Music', 'Art', 'Children’s stories', 'Politics and government', 'Economics', 'Philosophy', 'Religion', 'Sports', 'Health', 'Mathematics', 'Astronomy', 'Geology', 'Law', 'Education', 'Psychology', 'Folklore', 'Architecture', 'Photography'];
const PLACES = ['Colombia', 'England', 'Montana', 'Connecticut', 'Spain', 'France', 'Norway', 'Mexico', 'Japan', 'Nigeria'];
const PUBLISHERS = ['Penguin', 'Ediciones Cátedra', 'Gallimard', 'HarperCollins', 'Anagrama', 'Vintage', 'Suhrkamp', 'Norton', 'Alfaguara', 'Local Press'];
const SUMMARY_WORDS = ['story', 'family', 'journey', 'village', 'river', 'winter', 'letters', 'war', 'garden', 'city', 'memory', 'sea', 'friendship', 'secret', 'mountain'];

/** Formats and languages, each with its weight (books and English the commonest). */
export const FORMAT_WEIGHTS: [RecordFormat, number][] = [
  ['book', 70],
  ['large-print', 5],
  ['audiobook', 7],
  ['ebook', 8],
  ['dvd', 6],
  ['music', 2],
  ['magazine', 1],
  ['map', 1],
];
export const LANGUAGE_WEIGHTS: [string, number][] = [
  ['eng', 72],
  ['spa', 15],
  ['fre', 5],
  ['ger', 4],
  ['nor', 2],
  ['jpn', 2],
];
/** Copy statuses and their weights: most on the shelf or out. */
const STATUS_WEIGHTS: [string, number][] = [
  ['available', 55],
  ['on-loan', 32],
  ['on-hold-shelf', 4],
  ['missing', 3],
  ['lost', 2],
  ['withdrawn', 4],
];

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

function weighted<T>(random: () => number, weights: readonly [T, number][]): T {
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [value, w] of weights) if ((r -= w) < 0) return value;
  return weights[weights.length - 1]![0];
}

/** A valid ISBN-13 for record i (978 + nine digits + check digit). */
function isbnOf(i: number): string {
  const twelve = `978${String(i).padStart(9, '0')}`;
  let sum = 0;
  for (let k = 0; k < 12; k++) sum += Number(twelve[k]) * (k % 2 === 0 ? 1 : 3);
  return twelve + String((10 - (sum % 10)) % 10);
}

export interface CorpusRecord {
  record: BibRecord;
  copies: { branchIndex: number; status: string }[];
}

/** Record i of the corpus (the same record for the same seed and i). */
export function corpusRecord(random: () => number, i: number, libraryId: string, now: string): CorpusRecord {
  const titleWords = 2 + Math.floor(random() * 4);
  const words: string[] = [];
  for (let k = 0; k < titleWords; k++) words.push(wordOf(zipf(random)));
  const title = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
  const authorCount = random() < 0.85 ? 1 : 2;
  const authors = Array.from({ length: authorCount }, () => `${pick(random, FAMILY)}, ${pick(random, GIVEN)}`);
  const subjects = [pick(random, SUBJECTS), ...(random() < 0.5 ? [`${pick(random, PLACES)} -- ${pick(random, SUBJECTS)}`] : [])];
  const copyCount = 1 + Math.floor(random() * 3);
  const copies = Array.from({ length: copyCount }, () => ({ branchIndex: Math.floor(random() * 3), status: weighted(random, STATUS_WEIGHTS) }));
  return {
    record: {
      id: `rec-${String(i).padStart(7, '0')}`,
      libraryId,
      controlNumber: `b${i}`,
      title,
      subtitle: random() < 0.3 ? `${pick(random, SUMMARY_WORDS)} ${wordOf(zipf(random))}` : null,
      authors,
      subjects,
      isbns: random() < 0.8 ? [isbnOf(i)] : [],
      isbn: null,
      issn: null,
      publisher: pick(random, PUBLISHERS),
      year: 1850 + Math.floor(random() * 176),
      format: weighted(random, FORMAT_WEIGHTS),
      language: weighted(random, LANGUAGE_WEIGHTS),
      summary: random() < 0.5 ? `A ${pick(random, SUMMARY_WORDS)} of ${pick(random, SUMMARY_WORDS)} and ${wordOf(zipf(random))}.` : null,
      createdAt: now,
      updatedAt: now,
    },
    copies,
  };
}

/** Records per transaction while seeding. */
const BATCH = 5_000;

/**
 * Seeds `count` records and their copies into a library whose branches are given (two or three), and
 * reports progress every 50,000 records.
 */
export async function seedCatalogue(db: Db, options: { libraryId: string; branchIds: readonly string[]; count: number; now: string; seed?: number; progress?: (done: number) => void }): Promise<{ items: number }> {
  const random = seeded(options.seed ?? 18);
  let items = 0;
  for (let start = 0; start < options.count; start += BATCH) {
    const batch: CorpusRecord[] = [];
    for (let i = start; i < Math.min(options.count, start + BATCH); i++) batch.push(corpusRecord(random, i, options.libraryId, options.now));
    const rows: ItemsTable[] = [];
    for (const { record, copies } of batch) {
      record.isbn = record.isbns[0] ?? null;
      copies.forEach((copy, c) => {
        rows.push({
          id: `${record.id}-${c}`,
          library_id: options.libraryId,
          branch_id: options.branchIds[copy.branchIndex % options.branchIds.length]!,
          barcode: `3${record.id.slice(4)}${c}`,
          title: record.title,
          author: record.authors[0] ?? null,
          isbn: record.isbn,
          item_type: record.format === 'dvd' || record.format === 'audiobook' ? record.format : 'book',
          status: copy.status,
          replacement_cost_cents: 2500,
          created_at: options.now,
          record_id: record.id,
          call_number: null,
          damaged: 0,
        });
      });
    }
    await db.transaction().execute(async (trx) => {
      await insertRecords(trx, batch.map((b) => b.record));
      for (let k = 0; k < rows.length; k += 500) await trx.insertInto('items').values(rows.slice(k, k + 500)).execute();
    });
    items += rows.length;
    if (options.progress && Math.floor((start + BATCH) / 50_000) !== Math.floor(start / 50_000)) options.progress(Math.min(options.count, start + BATCH));
  }
  return { items };
}
