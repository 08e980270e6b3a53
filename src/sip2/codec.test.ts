import { describe, expect, it } from 'vitest';
import {
  REQUEST_LAYOUTS,
  Sip2Framer,
  checksum,
  decodeText,
  encodeText,
  formatResponse,
  parseRequest,
  parseSip2Date,
  sip2Date,
  type ParseOutcome,
  type Sip2Request,
} from './codec.js';

/** The spec's checksum, written out the long way: the binary sum, then its two's complement in 16 bits. */
function handChecksum(bytes: Iterable<number>): string {
  let sum = 0;
  for (const byte of bytes) sum += byte;
  const complement = (0x10000 - (sum % 0x10000)) % 0x10000;
  return complement.toString(16).toUpperCase().padStart(4, '0');
}

function charCodes(text: string): number[] {
  return [...text].map((char) => char.charCodeAt(0));
}

function expectRequest(outcome: ParseOutcome): Sip2Request {
  if (!outcome.ok) throw new Error(`expected a request, got ${outcome.reason}`);
  return outcome.request;
}

/** Appends AY<sequence>AZ<checksum>, as a kiosk does. */
function withChecksum(message: string, sequence = '1'): string {
  const covered = `${message}AY${sequence}AZ`;
  return covered + handChecksum(charCodes(covered));
}

/** A deterministic pseudo-random source (mulberry32), so a failing case can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DATE = '20240115    093000';
const BLANK_DATE = ' '.repeat(18);

describe('Sip2Framer', () => {
  const bytes = (text: string) => Buffer.from(text, 'latin1');
  const texts = (messages: Buffer[]) => messages.map((message) => message.toString('latin1'));

  it('splits one chunk into its messages and keeps the partial one pending', () => {
    const framer = new Sip2Framer({ maxMessageBytes: 100 });
    const { messages, overflow } = framer.push(bytes('9900302.00\r9300CNuser|COpw|\r2300'));
    expect(texts(messages)).toEqual(['9900302.00', '9300CNuser|COpw|']);
    expect(overflow).toBe(false);
    expect(framer.pending).toBe(4);
    expect(texts(framer.push(bytes('1' + DATE + 'AOlib|AApatron|\r')).messages)).toEqual([
      `23001${DATE}AOlib|AApatron|`,
    ]);
    expect(framer.pending).toBe(0);
  });

  it('gives the same messages however the stream is cut into chunks', () => {
    const stream = '9900302.00\r\n9300CNuser|COpw|\r\n\n17' + DATE + 'AOlib|ABitem|\r97\r';
    const expected = ['9900302.00', '9300CNuser|COpw|', `17${DATE}AOlib|ABitem|`, '97'];
    for (let cut = 0; cut <= stream.length; cut++) {
      const framer = new Sip2Framer({ maxMessageBytes: 100 });
      const first = framer.push(bytes(stream.slice(0, cut))).messages;
      const second = framer.push(bytes(stream.slice(cut))).messages;
      expect(texts([...first, ...second])).toEqual(expected);
    }
    const byteByByte = new Sip2Framer({ maxMessageBytes: 100 });
    const messages = [...bytes(stream)].flatMap((byte) => byteByByte.push(Buffer.from([byte])).messages);
    expect(texts(messages)).toEqual(expected);
  });

  it('drops the \\n of CRLF, a leading \\n, and empty lines', () => {
    const framer = new Sip2Framer({ maxMessageBytes: 100 });
    expect(texts(framer.push(bytes('\n97\r\n\r\r\n\n99\r')).messages)).toEqual(['97', '99']);
    // The '\n' of a CRLF split across two chunks.
    expect(texts(framer.push(bytes('97\r')).messages)).toEqual(['97']);
    expect(texts(framer.push(bytes('\n97\r')).messages)).toEqual(['97']);
    // A '\n' inside a message is data.
    expect(texts(framer.push(bytes('9\n7\r')).messages)).toEqual(['9\n7']);
  });

  it('keeps multi-byte characters whole across chunks', () => {
    const framer = new Sip2Framer({ maxMessageBytes: 100 });
    const utf8 = Buffer.from('AEMüller|\r', 'utf8');
    framer.push(utf8.subarray(0, 4));
    const [message] = framer.push(utf8.subarray(4)).messages;
    expect(decodeText(message!, 'utf-8')).toBe('AEMüller|');
  });

  it('reports an overflow when the pending message grows past the limit, and discards it', () => {
    const framer = new Sip2Framer({ maxMessageBytes: 10 });
    expect(framer.push(bytes('0123456789')).overflow).toBe(false);
    expect(framer.pending).toBe(10);
    const result = framer.push(bytes('A'));
    expect(result).toEqual({ messages: [], overflow: true });
    expect(framer.pending).toBe(0);
  });

  it('reports an overflow for a complete message past the limit, returning the ones before it', () => {
    const framer = new Sip2Framer({ maxMessageBytes: 10 });
    const result = framer.push(bytes('0123456789\r0123456789A\r97\r'));
    expect(texts(result.messages)).toEqual(['0123456789']);
    expect(result.overflow).toBe(true);
    expect(framer.pending).toBe(0);
  });

  it('does not count the \\r or dropped \\n against the limit', () => {
    const framer = new Sip2Framer({ maxMessageBytes: 2 });
    const result = framer.push(bytes('\n\n\n97\r\n99\r\n'));
    expect(texts(result.messages)).toEqual(['97', '99']);
    expect(result.overflow).toBe(false);
  });
});

describe('decodeText and encodeText', () => {
  it('encodes and decodes CP850', () => {
    const bytes = encodeText('Müller Ñandú ©', 'cp850');
    expect([...bytes]).toEqual([
      0x4d, 0x81, 0x6c, 0x6c, 0x65, 0x72, 0x20, 0xa5, 0x61, 0x6e, 0x64, 0xa3, 0x20, 0xb8,
    ]);
    expect(decodeText(bytes, 'cp850')).toBe('Müller Ñandú ©');
  });

  it('sends "?" for characters CP850 lacks, one per character', () => {
    expect(encodeText('5 €', 'cp850').toString('latin1')).toBe('5 ?');
    expect(encodeText('a😀b', 'cp850').toString('latin1')).toBe('a?b');
    expect(encodeText('Ω', 'cp850').toString('latin1')).toBe('?');
  });

  it('composes accents before encoding CP850', () => {
    expect([...encodeText('u\u0308', 'cp850')]).toEqual([0x81]);
  });

  it('maps bytes 0x80–0xFF as IBM code page 850 publishes them', () => {
    // Code points of CP850 0x80–0xFF, one row of 16 per line, from the published table.
    const published = [
      0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7, 0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5,
      0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9, 0x00ff, 0x00d6, 0x00dc, 0x00f8, 0x00a3, 0x00d8, 0x00d7, 0x0192,
      0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba, 0x00bf, 0x00ae, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
      0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x00c1, 0x00c2, 0x00c0, 0x00a9, 0x2563, 0x2551, 0x2557, 0x255d, 0x00a2, 0x00a5, 0x2510,
      0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x00e3, 0x00c3, 0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x00a4,
      0x00f0, 0x00d0, 0x00ca, 0x00cb, 0x00c8, 0x0131, 0x00cd, 0x00ce, 0x00cf, 0x2518, 0x250c, 0x2588, 0x2584, 0x00a6, 0x00cc, 0x2580,
      0x00d3, 0x00df, 0x00d4, 0x00d2, 0x00f5, 0x00d5, 0x00b5, 0x00fe, 0x00de, 0x00da, 0x00db, 0x00d9, 0x00fd, 0x00dd, 0x00af, 0x00b4,
      0x00ad, 0x00b1, 0x2017, 0x00be, 0x00b6, 0x00a7, 0x00f7, 0x00b8, 0x00b0, 0x00a8, 0x00b7, 0x00b9, 0x00b3, 0x00b2, 0x25a0, 0x00a0,
    ];
    const high = Buffer.from(Array.from({ length: 128 }, (_, index) => 0x80 + index));
    expect([...decodeText(high, 'cp850')].map((char) => char.codePointAt(0))).toEqual(published);
  });

  it('round-trips every CP850 byte', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte));
    expect(encodeText(decodeText(all, 'cp850'), 'cp850')).toEqual(all);
  });

  it('decodes invalid UTF-8 to replacement characters without throwing', () => {
    expect(decodeText(Buffer.from([0x41, 0xff, 0x42, 0xc3]), 'utf-8')).toBe('A\uFFFDB\uFFFD');
    expect(decodeText(Buffer.from('Müller Ñandú ©', 'utf8'), 'utf-8')).toBe('Müller Ñandú ©');
    expect(encodeText('Müller', 'utf-8')).toEqual(Buffer.from('Müller', 'utf8'));
  });
});

describe('checksum', () => {
  it("matches the SIP2 Developer's Guide example, 990 402.00AY1AZFCB4", () => {
    expect(handChecksum(charCodes('990 402.00AY1AZ'))).toBe('FCB4');
    expect(checksum('990 402.00AY1AZ')).toBe('FCB4');
  });

  it('is the two\'s complement of the sum: "96AZ" sums to 57+54+65+90 = 266, 0x10000 - 266 = 0xFEF6', () => {
    expect(checksum('96AZ')).toBe('FEF6');
    expect(checksum('97AZ')).toBe('FEF5');
  });

  it('agrees with the long-hand sum on the guide\'s checkin message', () => {
    const message =
      `09N${'19980821    085721'}${BLANK_DATE}APCertification Terminal Location|` +
      'AOCertification Institute ID|ABcheckin item id|ACterminal password|AY2AZ';
    expect(checksum(message)).toBe(handChecksum(charCodes(message)));
  });

  it('pads to four digits and wraps at 16 bits', () => {
    expect(checksum('')).toBe('0000');
    expect(checksum('\u0001')).toBe('FFFF');
    // 0xFF00 + 0x0100 = 0x10000, which wraps to 0.
    expect(checksum('\uFF00\u0100')).toBe('0000');
  });

  it('sums the encoded bytes when given a charset', () => {
    expect(checksum('Müller', 'cp850')).toBe(handChecksum(encodeText('Müller', 'cp850')));
    expect(checksum('Müller', 'utf-8')).toBe(handChecksum(Buffer.from('Müller', 'utf8')));
    expect(checksum('Müller', 'utf-8')).not.toBe(checksum('Müller'));
  });
});

/** A realistic value for each fixed field, by name. */
const SAMPLE_FIXED: Record<string, string> = {
  uidAlgorithm: '0',
  pwdAlgorithm: '0',
  statusCode: '0',
  maxPrintWidth: '030',
  protocolVersion: '2.00',
  language: '001',
  transactionDate: DATE,
  summary: ' Y        ',
  scRenewalPolicy: 'N',
  noBlock: 'N',
  nbDueDate: BLANK_DATE,
  returnDate: BLANK_DATE,
  thirdPartyAllowed: 'N',
  feeType: '01',
  paymentType: '00',
  currencyType: 'USD',
  holdMode: '+',
  cardRetained: 'N',
};

function sampleRequest(code: string, order: 'spec' | 'reversed'): { text: string; ids: string[] } {
  const layout = REQUEST_LAYOUTS[code]!;
  const fixed = layout.fixed.map(([name, width]) => {
    const value = SAMPLE_FIXED[name]!;
    expect(value).toHaveLength(width);
    return value;
  });
  const ids = [...layout.required, ...layout.optional];
  if (order === 'reversed') ids.reverse();
  const fields = ids.map((id) => `${id}value of ${id}|`).join('');
  return { text: code + fixed.join('') + fields, ids };
}

describe('parseRequest', () => {
  for (const code of Object.keys(REQUEST_LAYOUTS)) {
    const { name } = REQUEST_LAYOUTS[code]!;
    for (const order of ['spec', 'reversed'] as const) {
      it(`reads ${code} ${name} with its fields in ${order} order`, () => {
        const { text, ids } = sampleRequest(code, order);
        for (const message of [text, withChecksum(text, '4')]) {
          const request = expectRequest(parseRequest(message));
          expect(request.code).toBe(code);
          for (const [fieldName] of REQUEST_LAYOUTS[code]!.fixed) {
            expect(request.fixed[fieldName]).toBe(SAMPLE_FIXED[fieldName]);
          }
          expect([...request.fields.keys()]).toEqual(ids);
          for (const id of ids) expect(request.fields.get(id)).toEqual([`value of ${id}`]);
          expect(request.errorDetection).toBe(message !== text);
          expect(request.sequence).toBe(message !== text ? '4' : null);
        }
      });
    }
  }

  it("reads the guide's checkin example", () => {
    const message = withChecksum(
      `09N${'19980821    085721'}${BLANK_DATE}APCertification Terminal Location|` +
        'AOCertification Institute ID|ABcheckin item id|ACterminal password|',
      '2',
    );
    const request = expectRequest(parseRequest(message));
    expect(request.fixed).toEqual({ noBlock: 'N', transactionDate: '19980821    085721', returnDate: BLANK_DATE });
    expect(request.fields.get('AP')).toEqual(['Certification Terminal Location']);
    expect(request.fields.get('AB')).toEqual(['checkin item id']);
    expect(request.sequence).toBe('2');
  });

  it('reads the guide\'s SC status example with its checksum', () => {
    const request = expectRequest(parseRequest('990 402.00AY1AZFCB4'));
    expect(request.fixed).toEqual({ statusCode: '0', maxPrintWidth: ' 40', protocolVersion: '2.00' });
    expect(request.sequence).toBe('1');
    expect(request.errorDetection).toBe(true);
  });

  it('accepts the trailer with or without a "|" before AY, and lower-case hex', () => {
    const base = `17${DATE}AOlib|ABitem`;
    for (const text of [`${base}|`, base]) {
      const message = withChecksum(text, '7');
      expect(expectRequest(parseRequest(message)).fields.get('AB')).toEqual(['item']);
      expect(expectRequest(parseRequest(message.slice(0, -4) + message.slice(-4).toLowerCase())).sequence).toBe('7');
    }
  });

  it('accepts a checksum without a sequence number, as in 97AZFEF5', () => {
    const request = expectRequest(parseRequest('97AZFEF5'));
    expect(request).toMatchObject({ code: '97', sequence: null, errorDetection: true });
    const patron = `23001${DATE}AOlib|AApatron|AZ`;
    expect(expectRequest(parseRequest(patron + checksum(patron))).errorDetection).toBe(true);
  });

  it('does not take a last field ending in "AZ" and four hex digits for a checksum', () => {
    const request = expectRequest(parseRequest(`17${DATE}AOlib|ABBOXAZ1234`));
    expect(request.fields.get('AB')).toEqual(['BOXAZ1234']);
    expect(request.errorDetection).toBe(false);
  });

  it('accepts a last field without its "|", empty values, repeats and fields outside the layout', () => {
    const request = expectRequest(parseRequest(`63001${DATE}          AO|AApatron|XYextension|BP1|BP2|ADpin`));
    expect(request.fields.get('AO')).toEqual(['']);
    expect(request.fields.get('BP')).toEqual(['1', '2']);
    expect(request.fields.get('XY')).toEqual(['extension']);
    expect(request.fields.get('AD')).toEqual(['pin']);
  });

  it('keeps blank dates and flags as received', () => {
    const request = expectRequest(parseRequest(`11YX${BLANK_DATE}${BLANK_DATE}AOlib|AApatron|ABitem|`));
    expect(request.fixed).toEqual({
      scRenewalPolicy: 'Y',
      noBlock: 'X',
      transactionDate: BLANK_DATE,
      nbDueDate: BLANK_DATE,
    });
  });

  it('tolerates a trailing \\r or \\n', () => {
    expect(parseRequest('9900302.00\r\n').ok).toBe(true);
  });

  it('refuses a wrong checksum, keeping the sequence', () => {
    const message = withChecksum(`23001${DATE}AOlib|AApatron|`, '5');
    const corrupted = message.replace('patron', 'patrom');
    expect(parseRequest(corrupted)).toEqual({ ok: false, reason: 'bad-checksum', sequence: '5' });
    const wrongDigits = message.slice(0, -4) + (message.endsWith('0000') ? '0001' : '0000');
    expect(parseRequest(wrongDigits)).toMatchObject({ ok: false, reason: 'bad-checksum' });
  });

  it('refuses a request without a required field', () => {
    expect(parseRequest(`23001${DATE}AOlib|`)).toEqual({ ok: false, reason: 'malformed', sequence: null });
    expect(parseRequest(withChecksum('9300CNuser|', '3'))).toEqual({ ok: false, reason: 'malformed', sequence: '3' });
    expect(parseRequest(`09N${DATE}${BLANK_DATE}AOlib|ABitem|`)).toMatchObject({ reason: 'malformed' });
  });

  it('refuses a fixed part shorter than the layout', () => {
    expect(parseRequest('9900302.0')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parseRequest(`23001${DATE.slice(0, 17)}`)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parseRequest('93')).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('tells an unknown command from an unreadable one', () => {
    expect(parseRequest('42hello')).toEqual({ ok: false, reason: 'unknown-command', sequence: null });
    expect(parseRequest(withChecksum('19N', '6'))).toEqual({ ok: false, reason: 'unknown-command', sequence: '6' });
    expect(parseRequest('XY')).toMatchObject({ reason: 'malformed' });
    expect(parseRequest('9')).toMatchObject({ reason: 'malformed' });
    expect(parseRequest('')).toMatchObject({ reason: 'malformed' });
  });

  it('refuses bad field ids and a broken trailer', () => {
    expect(parseRequest(`17${DATE}AOlib|abitem|`)).toMatchObject({ reason: 'malformed' });
    expect(parseRequest(`17${DATE}AOlib|AB`)).toMatchObject({ ok: true });
    expect(parseRequest(`17${DATE}AOlib|A`)).toMatchObject({ reason: 'malformed' });
    expect(parseRequest(`17${DATE}AOlib|ABitem|AY1AZ12`)).toMatchObject({ reason: 'malformed' });
    expect(parseRequest(`17${DATE}AOlib|ABitem|AY1`)).toMatchObject({ reason: 'malformed' });
  });

  it('accepts a non-ASCII request whose checksum sums its CP850 bytes, when told the charset', () => {
    const covered = `23001${DATE}AOlib|AAMüller|AY0AZ`;
    const message = covered + handChecksum(encodeText(covered, 'cp850'));
    expect(parseRequest(message)).toMatchObject({ ok: false, reason: 'bad-checksum' });
    expect(expectRequest(parseRequest(message, 'cp850')).fields.get('AA')).toEqual(['Müller']);
  });

  it('never throws, whatever it is given', () => {
    const random = seededRandom(850);
    const valid = [
      ...Object.keys(REQUEST_LAYOUTS).map((code) => withChecksum(sampleRequest(code, 'spec').text)),
      '97AZFEF5',
      '990 402.00AY1AZFCB4',
    ];
    const alphabet = 'AYZ|0123456789 \r\n\u0000\uFFFDéABCDEFabcdef';
    const inputs: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const length = Math.floor(random() * 120);
      inputs.push(Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
      const bytes = Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
      inputs.push(decodeText(bytes, 'utf-8'), decodeText(bytes, 'cp850'));
      inputs.push(String.fromCharCode(...Array.from({ length }, () => Math.floor(random() * 0x10000))));
    }
    for (const message of valid) {
      for (let cut = 0; cut <= message.length; cut++) inputs.push(message.slice(0, cut), message.slice(cut));
      for (let i = 0; i < 200; i++) {
        const at = Math.floor(random() * message.length);
        const char = alphabet[Math.floor(random() * alphabet.length)];
        const mutation = Math.floor(random() * 3);
        if (mutation === 0) inputs.push(message.slice(0, at) + char + message.slice(at + 1));
        else if (mutation === 1) inputs.push(message.slice(0, at) + char + message.slice(at));
        else inputs.push(message.slice(0, at) + message.slice(at + 1));
      }
    }
    expect(inputs.length).toBeGreaterThan(10_000);
    let accepted = 0;
    for (const input of inputs) {
      const outcome = parseRequest(input);
      if (outcome.ok) {
        // Whatever is accepted has the shape the server relies on.
        accepted++;
        const { code, fixed, fields, sequence } = outcome.request;
        const layout = REQUEST_LAYOUTS[code]!;
        for (const [name, width] of layout.fixed) expect(fixed[name]).toHaveLength(width);
        for (const id of layout.required) expect(fields.has(id)).toBe(true);
        for (const [id, values] of fields) {
          expect(id).toMatch(/^[A-Z0-9]{2}$/);
          for (const value of values) expect(value).not.toContain('|');
        }
        if (sequence !== null) expect(sequence).toMatch(/^\d$/);
      } else {
        expect(['bad-checksum', 'unknown-command', 'malformed']).toContain(outcome.reason);
      }
      parseRequest(input, 'cp850');
      parseRequest(input, 'utf-8');
    }
    expect(accepted).toBeGreaterThan(100);
    // Every valid message still reads.
    for (const message of valid) expect(parseRequest(message).ok).toBe(true);
  });
});

describe('formatResponse', () => {
  it('writes the code, fixed fields, variable fields in order, and the line end', () => {
    const fields = [['AO', 'lib'], ['AA', 'patron'], ['AE', ''], ['BL', 'Y']] as const;
    expect(formatResponse('24', ['              ', '001', DATE], fields, null)).toBe(
      `24              001${DATE}AOlib|AApatron|AE|BLY|\r`,
    );
  });

  it('leaves out fields whose value is undefined', () => {
    expect(formatResponse('10', ['1'], [['AO', 'lib'], ['AF', undefined], ['AG', '']], null)).toBe('101AOlib|AG|\r');
  });

  it('appends AY and a checksum that the long-hand sum agrees with', () => {
    const line = formatResponse('94', ['1'], [], '3');
    expect(line.slice(0, -5)).toBe('941AY3AZ');
    expect(line.slice(-5, -1)).toBe(handChecksum(charCodes('941AY3AZ')));
    expect(line.endsWith('\r')).toBe(true);
  });

  it('cleans values so no data can break a message', () => {
    const line = formatResponse(
      '18',
      ['01', '|1', '\r\n'],
      [['AJ', 'Cats | dogs\r\n\tand\u0000 birds\u0085\u007F'], ['AB', 'item']],
      null,
    );
    expect(line).toBe('1801 1  AJCats  dogsand birds|ABitem|\r');
  });

  it('refuses a malformed code, field id or sequence, which only a bug in Carrel could produce', () => {
    expect(() => formatResponse('9', [], [], null)).toThrow(RangeError);
    expect(() => formatResponse('94', [], [['A', 'x']], null)).toThrow(RangeError);
    expect(() => formatResponse('94', [], [], '10')).toThrow(RangeError);
  });

  it('round-trips through parseRequest with its checksum', () => {
    const line = formatResponse(
      '23',
      ['001', DATE],
      [['AO', 'lib'], ['AA', 'patron|42'], ['AC', ''], ['AD', 'pin']],
      '8',
    );
    expect(line.endsWith('\r')).toBe(true);
    const request = expectRequest(parseRequest(line.slice(0, -1)));
    expect(request).toMatchObject({ code: '23', sequence: '8', errorDetection: true });
    expect(request.fields.get('AA')).toEqual(['patron42']);
    expect(request.fields.get('AC')).toEqual(['']);
  });

  it('sums the bytes as sent when given the charset', () => {
    for (const charset of ['cp850', 'utf-8'] as const) {
      const line = formatResponse('23', ['001', DATE], [['AO', 'lib'], ['AA', 'Ñandú €']], '2', charset);
      const wire = encodeText(line, charset);
      const received = decodeText(wire.subarray(0, -1), charset);
      const digitsAt = received.length - 4;
      expect(received.slice(digitsAt)).toBe(handChecksum(encodeText(received.slice(0, digitsAt), charset)));
      expect(parseRequest(received, charset).ok).toBe(true);
    }
  });
});

describe('sip2Date', () => {
  it('writes local time in America/Denver across the spring and autumn changes', () => {
    // 2024-03-10: 02:00 MST becomes 03:00 MDT (09:00 UTC).
    expect(sip2Date(new Date('2024-03-10T08:59:59Z'), 'America/Denver')).toBe('20240310    015959');
    expect(sip2Date(new Date('2024-03-10T09:00:00Z'), 'America/Denver')).toBe('20240310    030000');
    // 2024-11-03: 02:00 MDT becomes 01:00 MST (08:00 UTC); 01:30 happens twice.
    expect(sip2Date(new Date('2024-11-03T07:30:00Z'), 'America/Denver')).toBe('20241103    013000');
    expect(sip2Date(new Date('2024-11-03T08:30:00Z'), 'America/Denver')).toBe('20241103    013000');
    expect(sip2Date(new Date('2024-01-15T23:30:00Z'), 'America/Denver')).toBe('20240115    163000');
  });

  it('writes local time in Pacific/Auckland across the autumn and spring changes', () => {
    // 2024-04-07: 03:00 NZDT (UTC+13) becomes 02:00 NZST (UTC+12), at 14:00 UTC the day before.
    expect(sip2Date(new Date('2024-04-06T13:59:59Z'), 'Pacific/Auckland')).toBe('20240407    025959');
    expect(sip2Date(new Date('2024-04-06T14:00:00Z'), 'Pacific/Auckland')).toBe('20240407    020000');
    // 2024-09-29: 02:00 NZST becomes 03:00 NZDT, at 14:00 UTC the day before.
    expect(sip2Date(new Date('2024-09-28T13:59:59Z'), 'Pacific/Auckland')).toBe('20240929    015959');
    expect(sip2Date(new Date('2024-09-28T14:00:00Z'), 'Pacific/Auckland')).toBe('20240929    030000');
    // Already tomorrow in Auckland.
    expect(sip2Date(new Date('2024-01-15T12:00:00Z'), 'Pacific/Auckland')).toBe('20240116    010000');
  });

  it('refuses an unknown time zone or an invalid date', () => {
    expect(() => sip2Date(new Date('2024-01-15T12:00:00Z'), 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => sip2Date(new Date(Number.NaN), 'UTC')).toThrow(RangeError);
  });
});

describe('parseSip2Date', () => {
  it('reads local time in the zone, and UTC when ZZZZ is "   Z"', () => {
    expect(parseSip2Date('20240115    163000', 'America/Denver')).toEqual(new Date('2024-01-15T23:30:00Z'));
    expect(parseSip2Date('20240715    163000', 'America/Denver')).toEqual(new Date('2024-07-15T22:30:00Z'));
    expect(parseSip2Date('20240116    010000', 'Pacific/Auckland')).toEqual(new Date('2024-01-15T12:00:00Z'));
    expect(parseSip2Date('20240115   Z120000', 'Pacific/Auckland')).toEqual(new Date('2024-01-15T12:00:00Z'));
    expect(parseSip2Date('20240229    000000', 'UTC')).toEqual(new Date('2024-02-29T00:00:00Z'));
  });

  it('round-trips sip2Date', () => {
    for (const iso of ['2024-03-10T09:00:00Z', '2024-09-28T14:00:00Z', '2024-12-31T23:59:59Z']) {
      for (const zone of ['America/Denver', 'Pacific/Auckland']) {
        expect(parseSip2Date(sip2Date(new Date(iso), zone), zone)).toEqual(new Date(iso));
      }
    }
  });

  it('moves a time that the spring change skips forward past the gap', () => {
    // 02:30 on 2024-03-10 never happens in Denver; the wall clock reads 03:30 MDT.
    expect(parseSip2Date('20240310    023000', 'America/Denver')).toEqual(new Date('2024-03-10T09:30:00Z'));
  });

  it('returns null for anything that is not a real date and time', () => {
    for (const text of [
      '20241301    120000', // month 13
      '20240230    120000', // 30 February
      '20230229    120000', // 29 February, not a leap year
      '20240100    120000', // day 0
      '20240101    240000', // hour 24
      '20240101    126000', // minute 60
      '20240101    120060', // second 60
      '2024011    120000', // 17 characters
      '202401155    120000', // 19 characters
      '2024O115    120000', // a letter O
      '20240115  Z 120000', // Z in the wrong place
      '20240115EST 120000', // a zone name
      '２０２４0115    120000', // full-width digits
      BLANK_DATE,
      '',
    ]) {
      expect(parseSip2Date(text, 'America/Denver'), text).toBeNull();
    }
  });
});
