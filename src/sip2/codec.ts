/**
 * The wire format of 3M SIP2 2.00, the protocol self-check kiosks speak: framing a byte stream into
 * messages, the two character sets kiosks use, the checksum, reading requests and writing responses,
 * and SIP2's 18-character dates. Pure functions and one small stateful framer; the server in
 * `server.ts` owns the sockets and decides what each request means.
 */
import { DateTime } from 'luxon';
import { REQUEST_LAYOUTS } from './messages.js';

export { REQUEST_LAYOUTS, type RequestLayout } from './messages.js';

/**
 * The character sets a connection may use. SIP2 2.00 predates Unicode and most kiosks send ASCII;
 * older European kiosks send IBM code page 850, newer ones UTF-8.
 */
import type { Sip2Charset } from '../domain/sip2.js';
export type { Sip2Charset };

const CR = 0x0d;
const LF = 0x0a;

/**
 * Splits a byte stream into messages, one per '\r'. A '\n' right after '\r' (clients that end lines with
 * CRLF) or at the start of a message is dropped, and empty messages are skipped. The framer bounds how
 * much a client can make the server hold: a message longer than `maxMessageBytes` is an overflow.
 */
export class Sip2Framer {
  readonly #maxMessageBytes: number;
  #parts: Buffer[] = [];
  #pendingBytes = 0;

  /** `maxMessageBytes` is the longest message accepted, not counting its '\r'. */
  constructor(options: { maxMessageBytes: number }) {
    this.#maxMessageBytes = options.maxMessageBytes;
  }

  /**
   * Feeds bytes; returns the messages they complete (bytes without the '\r'), and whether a message grew
   * past `maxMessageBytes`. On overflow the framer discards the message and the rest of the chunk, and
   * the caller closes the connection; the messages completed before it are still returned.
   */
  push(chunk: Buffer): { messages: Buffer[]; overflow: boolean } {
    const messages: Buffer[] = [];
    let start = 0;
    while (start < chunk.length) {
      if (this.#pendingBytes === 0) {
        while (start < chunk.length && chunk[start] === LF) start++;
        if (start === chunk.length) break;
      }
      const cr = chunk.indexOf(CR, start);
      const end = cr === -1 ? chunk.length : cr;
      const length = this.#pendingBytes + (end - start);
      if (length > this.#maxMessageBytes) {
        this.#reset();
        return { messages, overflow: true };
      }
      if (cr === -1) {
        // Copied: the caller may reuse its buffer once push returns.
        this.#parts.push(Buffer.from(chunk.subarray(start)));
        this.#pendingBytes = length;
        break;
      }
      const message = Buffer.concat([...this.#parts, chunk.subarray(start, cr)]);
      this.#reset();
      if (message.length > 0) messages.push(message);
      start = cr + 1;
    }
    return { messages, overflow: false };
  }

  /** Bytes waiting for their '\r'. */
  get pending(): number {
    return this.#pendingBytes;
  }

  #reset(): void {
    this.#parts = [];
    this.#pendingBytes = 0;
  }
}

/**
 * IBM code page 850 (DOS Latin-1), bytes 0x80–0xFF; bytes below 0x80 are ASCII. Every byte maps to a
 * distinct character, so CP850 text survives a decode/encode round trip byte for byte.
 */
const CP850_HIGH =
  'ÇüéâäàåçêëèïîìÄÅ' + // 0x80
  'ÉæÆôöòûùÿÖÜø£Ø×ƒ' + // 0x90
  'áíóúñÑªº¿®¬½¼¡«»' + // 0xA0
  '░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐' + // 0xB0
  '└┴┬├─┼ãÃ╚╔╩╦╠═╬¤' + // 0xC0
  'ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀' + // 0xD0
  'ÓßÔÒõÕµþÞÚÛÙýÝ¯´' + // 0xE0
  '\u00AD±‗¾¶§÷¸°¨·¹³²■\u00A0'; // 0xF0 (soft hyphen … no-break space)

const CP850_BYTE_OF = new Map<string, number>([...CP850_HIGH].map((char, index) => [char, 0x80 + index]));

const QUESTION_MARK = 0x3f;

/** Decodes a received message. Never throws: invalid UTF-8 becomes U+FFFD, and every CP850 byte is a character. */
export function decodeText(bytes: Buffer, charset: Sip2Charset): string {
  if (charset === 'utf-8') return bytes.toString('utf8');
  let text = '';
  for (const byte of bytes) text += byte < 0x80 ? String.fromCharCode(byte) : CP850_HIGH[byte - 0x80];
  return text;
}

/**
 * Encodes a message to send. Characters CP850 lacks become '?', so a title in another script still
 * reaches the kiosk's screen as something, and the message's length and fields stay intact.
 */
export function encodeText(text: string, charset: Sip2Charset): Buffer {
  if (charset === 'utf-8') return Buffer.from(text, 'utf8');
  // NFC first, so a 'u' followed by a combining diaeresis is sent as CP850's 'ü' rather than 'u?'.
  const chars = [...text.normalize('NFC')];
  const bytes = Buffer.alloc(chars.length);
  chars.forEach((char, index) => {
    const code = char.codePointAt(0) ?? QUESTION_MARK;
    bytes[index] = code < 0x80 ? code : (CP850_BYTE_OF.get(char) ?? QUESTION_MARK);
  });
  return bytes;
}

/**
 * The SIP2 checksum of everything up to and including 'AZ': the sum of the characters, negated (two's
 * complement), kept to 16 bits, as four uppercase hex digits. The spec sums the bytes as sent. Without a
 * charset this sums the JS string's char codes, which is the same for ASCII (what nearly every kiosk
 * sends); with one it sums `encodeText(text, charset)`, exactly the bytes on the wire.
 */
export function checksum(text: string, charset?: Sip2Charset): string {
  let sum = 0;
  if (charset === undefined) {
    for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i);
  } else {
    for (const byte of encodeText(text, charset)) sum += byte;
  }
  return ((-sum) & 0xffff).toString(16).toUpperCase().padStart(4, '0');
}

/** A request read off the wire, before anything checks what it asks for. */
export interface Sip2Request {
  /** The two-digit command code: '93', '99', '23', … */
  code: string;
  /** Fixed-length fields by the names in `REQUEST_LAYOUTS`, exactly as received (dates may be blank). */
  fixed: Record<string, string>;
  /** Variable fields by two-character id, values in the order received; repeats kept. */
  fields: Map<string, string[]>;
  /** The AY sequence digit when the client sent one, to echo in the response. */
  sequence: string | null;
  /** Whether the request carried a checksum (AZ), so the response must carry one too. */
  errorDetection: boolean;
}

/**
 * What reading a request gives: the request, or why not. A bad checksum asks the client to resend (96);
 * the sequence, when it could be read, lets the server answer in kind.
 */
export type ParseOutcome =
  | { ok: true; request: Sip2Request }
  | { ok: false; reason: 'bad-checksum' | 'unknown-command' | 'malformed'; sequence: string | null };

/**
 * The error-detection trailer: `AY<digit>AZ<4 hex>` at the very end, or `AZ<4 hex>` alone (the spec's
 * own resend request is `97AZFEF5`). The AY may follow the last field's '|' or not.
 */
const TRAILER = /(?:AY(\d))?AZ([0-9A-Fa-f]{4})$/;

const FIELD_ID = /^[A-Z0-9]{2}$/;

/**
 * Reads one received message (already decoded, without its '\r'). Variable fields are accepted in any
 * order, since kiosks do not all keep the spec's; fields outside the layout are kept for the server to
 * ignore. The checksum covers the text from the start through 'AZ'; it is checked on the decoded text's
 * char codes and, when `charset` is given, also on the bytes that text encodes to (a non-ASCII message
 * from a kiosk that sums its bytes). Never throws: whatever it cannot read is `malformed`.
 */
export function parseRequest(text: string, charset?: Sip2Charset): ParseOutcome {
  try {
    return parseTrusted(withoutLineEnd(text), charset);
  } catch {
    // Defence in depth: the parser is written not to throw, and a client must never crash the server.
    return { ok: false, reason: 'malformed', sequence: null };
  }
}

/** The text without trailing '\r' and '\n' (a framer other than `Sip2Framer` may leave them). */
function withoutLineEnd(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '\r' || text[end - 1] === '\n')) end--;
  return text.slice(0, end);
}

function parseTrusted(text: string, charset: Sip2Charset | undefined): ParseOutcome {
  const trailer = readTrailer(text);
  const sequence = trailer?.sequence ?? null;
  const failure = (reason: 'bad-checksum' | 'unknown-command' | 'malformed'): ParseOutcome => ({
    ok: false,
    reason,
    sequence,
  });

  if (trailer) {
    const covered = text.slice(0, trailer.checksumAt);
    const expected = trailer.checksum.toUpperCase();
    const matches =
      checksum(covered) === expected || (charset !== undefined && checksum(covered, charset) === expected);
    if (!matches) return failure('bad-checksum');
  }
  const body = trailer ? text.slice(0, trailer.start) : text;

  const code = body.slice(0, 2);
  if (code.length < 2) return failure('malformed');
  const layout = Object.hasOwn(REQUEST_LAYOUTS, code) ? REQUEST_LAYOUTS[code] : undefined;
  if (!layout) return failure(/^\d\d$/.test(code) ? 'unknown-command' : 'malformed');

  const fixed: Record<string, string> = {};
  let at = 2;
  for (const [name, width] of layout.fixed) {
    if (at + width > body.length) return failure('malformed');
    fixed[name] = body.slice(at, at + width);
    at += width;
  }

  const fields = readFields(body.slice(at));
  if (!fields) return failure('malformed');
  if (layout.required.some((id) => !fields.has(id))) return failure('malformed');

  return {
    ok: true,
    request: { code, fixed, fields, sequence, errorDetection: trailer !== null },
  };
}

interface Trailer {
  /** Where the trailer starts (the 'AY', or the 'AZ' when alone): the variable fields end here. */
  start: number;
  /** Where the four checksum digits start: the checksum covers everything before. */
  checksumAt: number;
  sequence: string | null;
  checksum: string;
}

function readTrailer(text: string): Trailer | null {
  const match = TRAILER.exec(text);
  if (!match) return null;
  const [whole, sequence, digits] = match;
  if (digits === undefined) return null;
  const start = match.index;
  // A bare AZ must sit where a field may start, so that a last field sent without its '|' and ending in
  // "AZ" and four hex digits (an odd barcode) is not taken for a checksum.
  if (sequence === undefined && start > 0 && text[start - 1] !== '|' && text.slice(0, start).includes('|')) {
    return null;
  }
  return { start, checksumAt: start + whole.length - 4, sequence: sequence ?? null, checksum: digits };
}

/**
 * Reads `XXvalue|XXvalue|…`; the last field may lack its '|'. Empty segments ('||') are skipped. AY and
 * AZ are the trailer's, so finding one here means a broken trailer: unreadable.
 */
function readFields(text: string): Map<string, string[]> | null {
  const fields = new Map<string, string[]>();
  if (text === '') return fields;
  const segments = text.split('|');
  if (segments.at(-1) === '') segments.pop();
  for (const segment of segments) {
    if (segment === '') continue;
    const id = segment.slice(0, 2);
    if (!FIELD_ID.test(id) || id === 'AY' || id === 'AZ') return null;
    const values = fields.get(id);
    if (values) values.push(segment.slice(2));
    else fields.set(id, [segment.slice(2)]);
  }
  return fields;
}

/** Characters a value must not carry: the field delimiter, and control characters (C0, DEL, C1). */
const FORBIDDEN = /[|\u0000-\u001F\u007F-\u009F]/g;

/**
 * Builds a response line, '\r' included: the code, the fixed fields in order, the variable fields in the
 * order given, and, when `sequence` is not null, `AY<sequence>AZ<checksum>`. Values are cleaned so that
 * no data (a title with a '|', a note with a newline) can break the framing: '|' and control characters
 * are removed from variable fields, and replaced by a space in fixed ones to keep their width. A field
 * whose value is undefined is left out; '' is sent as an empty field (`AE|`). Pass the connection's
 * charset so the checksum sums the bytes as sent; without it, it sums char codes (right for ASCII).
 */
export function formatResponse(
  code: string,
  fixed: readonly string[],
  fields: readonly (readonly [string, string | undefined])[],
  sequence: string | null,
  charset?: Sip2Charset,
): string {
  // Programming errors, not client input: the server's own code chose these.
  if (!/^\d\d$/.test(code)) throw new RangeError(`SIP2 response code must be two digits, got ${JSON.stringify(code)}`);
  if (sequence !== null && !/^\d$/.test(sequence)) {
    throw new RangeError(`SIP2 sequence must be one digit, got ${JSON.stringify(sequence)}`);
  }
  let line = code + fixed.map((value) => value.replace(FORBIDDEN, ' ')).join('');
  for (const [id, value] of fields) {
    if (!FIELD_ID.test(id)) {
      throw new RangeError(`SIP2 field id must be two letters or digits, got ${JSON.stringify(id)}`);
    }
    if (value === undefined) continue;
    line += `${id}${value.replace(FORBIDDEN, '')}|`;
  }
  if (sequence !== null) {
    line += `AY${sequence}AZ`;
    line += checksum(line, charset);
  }
  return `${line}\r`;
}

const SIP2_DATE = /^(\d{4})(\d{2})(\d{2})(    |   Z)(\d{2})(\d{2})(\d{2})$/;

/**
 * A moment as SIP2's `YYYYMMDDZZZZHHMMSS`, in the library's local time (ZZZZ four spaces, which the spec
 * reads as local): kiosks print due dates as they are, without converting.
 */
export function sip2Date(at: Date, timeZone: string): string {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  if (!local.isValid) throw new RangeError(`Cannot express ${String(at)} in time zone ${JSON.stringify(timeZone)}`);
  return local.toFormat("yyyyMMdd'    'HHmmss");
}

/**
 * Reads a SIP2 date: ZZZZ four spaces is local time in `timeZone`, '   Z' is UTC. Null when the text is
 * not a real date and time (wrong length, month 13, 30 February, non-digits, blank). A local time that
 * a daylight-saving change skips is moved forward past the gap, as a wall clock would show it.
 */
export function parseSip2Date(text: string, timeZone: string): Date | null {
  const match = SIP2_DATE.exec(text);
  if (!match) return null;
  const [, year, month, day, , hour, minute, second] = match.map(Number);
  // Luxon reads hour 24 as the next day's midnight (ISO 8601's end of day); SIP2 has no such hour.
  if (hour === undefined || hour > 23) return null;
  const at = DateTime.fromObject(
    { year, month, day, hour, minute, second },
    { zone: match[4] === '   Z' ? 'utc' : timeZone },
  );
  return at.isValid ? at.toJSDate() : null;
}
