/**
 * Reads MARC21 files a record at a time: binary ISO 2709 and MARCXML. The file is streamed — a record is
 * cut from the bytes read so far, handed on, and the next is read only when the consumer asks (an async
 * generator pulls the file stream, so back-pressure is the stream's own). A 500,000-record file runs in
 * the memory of one chunk and one batch.
 *
 * A record that cannot be read (bad leader or lengths, bad directory, broken UTF-8, MARC-8 that is not
 * plain ASCII, truncated, no 245 title) is answered as a problem with its number in the file (1-based)
 * and a reason; the reading goes on with the next record. A reason never quotes the record.
 */
import { createReadStream } from 'node:fs';
import { Marc, type MarcField } from 'marcjs';

export type MarcFormat = 'marc' | 'marcxml';
export const MARC_FORMATS: readonly MarcFormat[] = ['marc', 'marcxml'];

/** A record as read: its leader and fields in marcjs's shape. */
export interface MarcRecord {
  leader: string;
  fields: MarcField[];
}

export type ReadResult = { number: number; record: MarcRecord } | { number: number; problem: string };

const RECORD_TERMINATOR = 0x1d;
const FIELD_TERMINATOR = 0x1e;
/** The largest record ISO 2709 can describe (five digits of length): bytes beyond it with no terminator are not a record. */
const MAX_RECORD = 99_999;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Guesses a file's format from its first bytes: `<` (after a BOM or blanks) is MARCXML, five digits are ISO 2709. */
export function guessFormat(head: Buffer): MarcFormat | null {
  const text = head.toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  if (text.startsWith('<')) return 'marcxml';
  if (/^\d{5}/.test(text)) return 'marc';
  return null;
}

/** Reads the records of a file, one at a time, in order. */
export function readMarcFile(file: string, format: MarcFormat): AsyncGenerator<ReadResult> {
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
  return format === 'marc' ? readIso2709(stream) : readMarcxml(stream);
}

/** ISO 2709: the byte stream is cut on the record terminator (0x1D) and each record is checked on its own. */
export async function* readIso2709(chunks: AsyncIterable<Buffer>): AsyncGenerator<ReadResult> {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let number = 0;
  let skipping = false;
  for await (const chunk of chunks) {
    let start = 0;
    for (let end = chunk.indexOf(RECORD_TERMINATOR, start); end !== -1; end = chunk.indexOf(RECORD_TERMINATOR, start)) {
      const piece = chunk.subarray(start, end);
      start = end + 1;
      if (skipping) {
        // The end of an overlong run of bytes that was already reported.
        skipping = false;
        pending = [];
        pendingLength = 0;
        continue;
      }
      const raw = pendingLength === 0 ? piece : Buffer.concat([...pending, piece]);
      pending = [];
      pendingLength = 0;
      if (blank(raw)) continue;
      number++;
      yield parseIso2709(number, raw);
    }
    if (start < chunk.length && !skipping) {
      pending.push(chunk.subarray(start));
      pendingLength += chunk.length - start;
      if (pendingLength > MAX_RECORD) {
        number++;
        yield { number, problem: `no record terminator within ${MAX_RECORD} bytes` };
        skipping = true;
        pending = [];
        pendingLength = 0;
      }
    }
  }
  if (pendingLength > 0 && !skipping) {
    const raw = Buffer.concat(pending);
    if (!blank(raw)) {
      number++;
      yield { number, problem: 'truncated: the file ends inside the record' };
    }
  }
}

/** Only blanks and line ends (what some systems write between or after records), without copying the bytes to a string. */
function blank(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return false;
  return true;
}

/** One ISO 2709 record (without its terminator), checked against its own leader and directory. */
export function parseIso2709(number: number, raw: Buffer): ReadResult {
  const fail = (problem: string): ReadResult => ({ number, problem });
  if (raw.length < 25) return fail('too short to hold a leader');
  const leader = raw.toString('latin1', 0, 24);
  if (!/^\d{5}$/.test(leader.slice(0, 5))) return fail('the leader has no record length');
  if (Number(leader.slice(0, 5)) !== raw.length + 1) return fail(`the leader gives a record length of ${Number(leader.slice(0, 5))} bytes, the record has ${raw.length + 1}`);
  if (!/^\d{5}$/.test(leader.slice(12, 17))) return fail('the leader has no base address of data');
  const base = Number(leader.slice(12, 17));
  if (base < 25 || base > raw.length || raw[base - 1] !== FIELD_TERMINATOR || (base - 25) % 12 !== 0) return fail('bad directory: its length does not match the base address of data');
  const encoding = leader[9];
  if (encoding !== 'a' && encoding !== ' ') return fail(`unknown character coding (leader/09 is "${encoding}")`);
  if (encoding === ' ' && raw.some((byte) => byte > 0x7f)) return fail('MARC-8 encoded (leader/09 blank) with non-ASCII characters; only UTF-8 records are read');
  let text: string;
  const fields: MarcField[] = [];
  for (let entry = 24; entry < base - 1; entry += 12) {
    const directory = raw.toString('latin1', entry, entry + 12);
    if (!/^[0-9A-Za-z]{3}\d{9}$/.test(directory)) return fail(`bad directory entry ${(entry - 24) / 12 + 1}`);
    const tag = directory.slice(0, 3);
    const length = Number(directory.slice(3, 7));
    const at = base + Number(directory.slice(7, 12));
    if (length < 1 || at + length > raw.length || raw[at + length - 1] !== FIELD_TERMINATOR) return fail(`bad directory: field ${tag} lies outside the record`);
    try {
      text = utf8.decode(raw.subarray(at, at + length - 1));
    } catch {
      return fail(`broken UTF-8 in field ${tag}`);
    }
    if (tag < '010' && /^\d+$/.test(tag)) fields.push([tag, text]);
    else {
      const [indicators = '', ...subfields] = text.split('\x1f');
      const field: MarcField = [tag, indicators.padEnd(2, ' ').slice(0, 2)];
      for (const subfield of subfields) if (subfield !== '') field.push(subfield.slice(0, 1), subfield.slice(1));
      fields.push(field);
    }
  }
  return checked(number, { leader, fields });
}

/** The problems every format shares once a record is read: a title is required. */
function checked(number: number, record: MarcRecord): ReadResult {
  const title = record.fields.find((f) => f[0] === '245');
  if (!title || !subfieldValues(title, 'a').some((v) => v.trim() !== '')) return { number, problem: 'no title (245 $a)' };
  return { number, record };
}

const OPEN = /<(?:[A-Za-z_][\w.-]*:)?record[\s>]/;
const CLOSE = /<\/(?:[A-Za-z_][\w.-]*:)?record\s*>/;

/** MARCXML: each `<record>` element is cut from the text read so far and parsed with marcjs on its own. */
export async function* readMarcxml(chunks: AsyncIterable<Buffer>): AsyncGenerator<ReadResult> {
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  let number = 0;
  for await (const chunk of chunks) {
    buffer += decoder.decode(chunk, { stream: true });
    for (;;) {
      const open = OPEN.exec(buffer);
      if (!open) {
        // Keep only a tail that could be the start of a `<record` tag split across chunks.
        buffer = buffer.slice(Math.max(0, buffer.lastIndexOf('<')));
        break;
      }
      const close = CLOSE.exec(buffer.slice(open.index));
      if (!close) {
        buffer = buffer.slice(open.index);
        if (buffer.length > 4 * MAX_RECORD) {
          number++;
          yield { number, problem: 'the record element does not end' };
          buffer = buffer.slice(1);
        }
        break;
      }
      const end = open.index + close.index + close[0].length;
      const raw = buffer.slice(open.index, end);
      buffer = buffer.slice(end);
      number++;
      yield parseMarcxmlRecord(number, raw);
    }
  }
  buffer += decoder.decode();
  if (OPEN.test(buffer)) yield { number: number + 1, problem: 'truncated: the file ends inside the record' };
}

/** One `<record>` element; the namespace prefix is dropped (marcjs reads the plain element names). */
export function parseMarcxmlRecord(number: number, raw: string): ReadResult {
  if (raw.includes('\uFFFD')) return { number, problem: 'broken UTF-8' };
  const plain = raw.replace(/<(\/?)[A-Za-z_][\w.-]*:/g, '<$1');
  let parsed: MarcRecord;
  try {
    parsed = Marc.parse(plain, 'marcxml');
  } catch {
    return { number, problem: 'not a well-formed MARCXML record' };
  }
  if (!/^[\d ]{5}.{19}$/s.test(parsed.leader)) return { number, problem: 'the leader is missing or not 24 characters' };
  if (parsed.fields.some((f) => !/^[0-9A-Za-z]{3}$/.test(f[0] ?? ''))) return { number, problem: 'a field has no valid tag' };
  return checked(number, { leader: parsed.leader, fields: parsed.fields });
}

/** The values of a data field's subfields with one of the codes, in order. */
export function subfieldValues(field: MarcField, codes: string): string[] {
  const values: string[] = [];
  for (let i = 2; i + 1 < field.length; i += 2) if (codes.includes(field[i]!)) values.push(field[i + 1]!);
  return values;
}
