/**
 * The SIP2 server against malformed input, on each engine: well over 100,000 messages a kiosk would
 * never send (cut short, oversized, wrong checksums, random bytes with NUL and high bytes, fields out of
 * order or unknown, impossible dates, unknown commands, floods of pipelined requests, a message left
 * without its '\r' before the connection ends, garbage before login) over a handful of connections,
 * sent fast and pipelined; when the server closes a connection, a new one logs in and carries on.
 * Meanwhile a kiosk logged in on its own connection keeps asking for its status (99) and an item (17)
 * and must always get the right answer, and at the end the server still accepts a fresh login. Every
 * answer to a malformed message must itself be a well-formed response, and the server must not log an
 * error (a stack trace for client input is a server bug).
 *
 * The generator is seeded (CARREL_SIP2_FUZZ_SEED replays a run; the seed is printed).
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldOf, kioskMessages, parseResponse, sip2Now, Sip2Connection, withChecksum } from '../../bench/lib/sip2-client.js';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, libraryWorld, type World } from '../../test/factories.js';
import { createLogger } from '../log.js';
import { createSip2Account } from '../usecases/sip2-account.usecases.js';
import { startSip2Server, type Sip2Server } from './server.js';

/** Malformed messages to send per engine (at least). */
const MESSAGES = Number(process.env.CARREL_SIP2_FUZZ_MESSAGES ?? 100_000);
/** Connections that log in and then send malformed messages. */
const FUZZ_CONNECTIONS = 4;
/** Messages in flight per connection (the server closes a connection with more than 32 waiting). */
const WINDOW = 16;
const SEED = Number(process.env.CARREL_SIP2_FUZZ_SEED ?? Date.now() % 2 ** 31);
const MAX_MESSAGE_BYTES = 4096;

/** The loopback addresses of each kind of client (the account may connect from 127.0.0.0/8). */
const ADDRESS = { valid: '127.0.2.1', fuzz: '127.0.2.2', beforeLogin: '127.0.2.3', fresh: '127.0.2.4' };

/** The response each request code is answered with (besides 96, "send that again"). */
const RESPONSE_OF: Record<string, string> = { '93': '94', '99': '98', '23': '24', '63': '64', '11': '12', '09': '10', '29': '30', '65': '66', '17': '18', '37': '38', '35': '36', '15': '16', '01': '24' };

/** A small seeded generator (mulberry32). */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;
  const digits = (n: number) => Array.from({ length: n }, () => String(int(10))).join('');
  return { next, int, pick, digits };
}

type Random = ReturnType<typeof generator>;

const BLANK_DATE = ' '.repeat(18);
const BAD_DATES = ['20261332    120000', '20260230    120000', '20260301    250000', 'abcdefghijklmnopqr', '2026-03-01T12:00:0', '20260301XXXX120000', '20260301   Q120000'.slice(0, 18), '\u0000'.repeat(18), '99999999    999999'];

/** Messages a kiosk might send, with made-up cards and barcodes (and no PIN: a PIN costs an argon2id verification). */
function templates(r: Random, barcode: string): string[] {
  const card = `2${r.digits(13)}`;
  const item = r.next() < 0.5 ? barcode : `3${r.digits(13)}`;
  const date = sip2Now();
  return [
    '9900302.00',
    `17${date}AO|AB${item}|`,
    `09N${date}${date}APx|AO|AB${item}|`,
    `11NN${date}${BLANK_DATE}AO|AA${card}|AB${item}|`,
    `23001${date}AO|AA${card}|`,
    `63001${date}Y         AO|AA${card}|BP1|BQ5|`,
    `29NN${date}${BLANK_DATE}AO|AA${card}|AB${item}|`,
    `65${date}AO|AA${card}|`,
    `37${date}0100USDBV1.00|AO|AA${card}|`,
    `35${date}AO|AA${card}|`,
    `15+${date}AO|AA${card}|AB${item}|`,
    `01N${date}AO|ALcard retained|AA${card}|`,
    '97',
  ];
}

/** Bytes never seen as a message of their own: no '\r' inside, not starting with '\n', 1 to MAX_MESSAGE_BYTES long. */
function framed(bytes: Buffer): Buffer {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0d) bytes[i] = 0x00;
  if (bytes.length === 0) return Buffer.from('?');
  if (bytes[0] === 0x0a) bytes[0] = 0x7c;
  return bytes.length > MAX_MESSAGE_BYTES ? bytes.subarray(0, MAX_MESSAGE_BYTES) : bytes;
}

function randomBytes(r: Random, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = r.next() < 0.3 ? r.pick([0x00, 0x7c, 0x0a, 0x7f, 0x80, 0xc3, 0xff, 0xfe, 0x41, 0x5a]) : r.int(256);
  return bytes;
}

/** One malformed message (the kinds a logged-in connection can be answered for: each gets exactly one answer). */
function malformed(r: Random, barcode: string): { kind: string; bytes: Buffer } {
  const base = r.pick(templates(r, barcode));
  const kinds = ['truncated', 'checksum', 'random', 'order', 'date', 'long-field', 'flipped', 'unknown', 'utf8', 'trailer'] as const;
  // Well-formed requests (refusals that reach the database) one time in a hundred: the rest is what fuzzing is for.
  const kind = r.next() < 0.01 ? 'valid' : r.pick(kinds);
  let text: string | Buffer;
  switch (kind) {
    case 'truncated':
      text = base.slice(0, 1 + r.int(Math.max(1, base.length - 1)));
      break;
    case 'checksum': {
      const sealed = withChecksum(base, r.int(10));
      const wrong = ((parseInt(sealed.slice(-4), 16) + 1 + r.int(0xfffe)) & 0xffff).toString(16).toUpperCase().padStart(4, '0');
      text = r.next() < 0.8 ? sealed.slice(0, -4) + wrong : `${sealed.slice(0, -4)}${r.pick(['ZZZZ', '12', '', 'abcd', '12345'])}`;
      break;
    }
    case 'random':
      text = randomBytes(r, 1 + r.int(r.next() < 0.9 ? 80 : 3000));
      break;
    case 'order': {
      // The fields shuffled, repeated, unknown ones added, or the fixed part swapped behind them.
      const head = base.slice(0, 2);
      const parts = base.slice(2).split('|').filter(Boolean);
      for (let i = parts.length - 1; i > 0; i--) {
        const j = r.int(i + 1);
        [parts[i], parts[j]] = [parts[j] as string, parts[i] as string];
      }
      if (r.next() < 0.3) parts.push(`${r.pick(['ZZ', 'Q1', 'AY', 'AZ', 'aa', '||', 'A'])}${r.digits(3)}`);
      if (r.next() < 0.3) parts.push(parts[0] ?? 'AO');
      text = head + parts.join('|') + (r.next() < 0.5 ? '|' : '');
      break;
    }
    case 'date':
      text = base.replace(/\d{8}   Z\d{6}/, r.pick(BAD_DATES));
      break;
    case 'long-field':
      text = `${base}AB${'9'.repeat(256 + r.int(2000))}|`;
      break;
    case 'flipped': {
      const bytes = Buffer.from(base, 'latin1');
      for (let n = 1 + r.int(4); n > 0; n--) bytes[r.int(bytes.length)] = r.int(256);
      text = bytes;
      break;
    }
    case 'unknown':
      text = `${r.pick(['00', '19', '25', '98', '96', '94', 'ZZ', '9', '  ', '\u0000\u0000', '-1'])}${base.slice(2)}`;
      break;
    case 'utf8':
      // Characters beyond ASCII in the fields, some of them invalid UTF-8 sequences.
      text = Buffer.concat([Buffer.from(base.slice(0, -1)), Buffer.from(r.pick(['é', '😀', '\u0000', '\u2028', '\uFFFF'])), Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('|')]);
      break;
    case 'trailer':
      text = `${base}${r.pick(['AY', 'AZ', 'AY1', 'AY1AZ', 'AYxAZ1234', 'AZ12345', 'AY12AZ0000'])}`;
      break;
    case 'valid':
      // Well-formed requests with made-up cards and items: refusals that reach the database.
      text = r.next() < 0.5 ? withChecksum(base, r.int(10)) : base;
      break;
  }
  return { kind, bytes: framed(typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text)) };
}

describe.each(ENGINES)('SIP2 server under malformed input on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let server: Sip2Server;
  let login: { loginId: string; password: string };
  let barcode: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    const sink = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        callback();
      },
    });
    server = await startSip2Server(w.runtime, { port: 0, log: createLogger('info', sink) });
    database.onDrop(() => server.close());
    const { account, password } = await w.act(createSip2Account, { libraryId, name: 'Fuzzed kiosk', kind: 'self-check', branch: 'main', allowedCidrs: ['127.0.0.0/8'] });
    login = { loginId: account.loginId, password };
    barcode = (await buildItem(w, { libraryId, title: 'Stays Put' })).barcode;
  });
  afterAll(() => database.drop());

  it(`answers a valid kiosk throughout ${MESSAGES.toLocaleString('en')} malformed messages, and still accepts a login after them`, async () => {
    const r = generator(SEED);
    const problems: string[] = [];
    const problem = (what: string) => {
      if (problems.length < 30) problems.push(what);
    };
    const counts = { sent: 0, answered: 0, closedAsExpected: 0, reconnects: 0, beforeLogin: 0, kinds: {} as Record<string, number> };
    let done = false;

    const loggedIn = async (address: string): Promise<Sip2Connection> => {
      const connection = await Sip2Connection.connect(server.port, { localAddress: address });
      const answer = await connection.request(kioskMessages.login(login.loginId, login.password));
      if (answer !== '941') throw new Error(`a login with the right password was answered ${JSON.stringify(answer)}`);
      return connection;
    };
    /** Checks one answer to a malformed message: a response the server may give to what was sent. */
    const checkAnswer = (sent: Buffer, line: string) => {
      try {
        const response = parseResponse(line);
        if (response.checksumValid === false) throw new Error('a wrong checksum');
        const code = sent.subarray(0, 2).toString('latin1');
        if (code !== '97' && response.code !== '96' && response.code !== RESPONSE_OF[code]) throw new Error(`answered ${response.code} to ${JSON.stringify(code)}`);
      } catch (error) {
        problem(`${error instanceof Error ? error.message : String(error)} for ${JSON.stringify(sent.subarray(0, 60).toString('latin1'))}: ${JSON.stringify(line.slice(0, 120))}`);
      }
    };
    const closes = async (connection: Sip2Connection, what: string) => {
      if (await connection.closedWithin(10_000)) counts.closedAsExpected++;
      else problem(`the server kept a connection open after ${what}`);
      connection.end();
    };

    /** One logged-in connection sending malformed messages, WINDOW at a time; now and then one that ends the connection. */
    const fuzzer = async (index: number): Promise<void> => {
      let connection = await loggedIn(ADDRESS.fuzz);
      const reconnect = async () => {
        connection.end();
        connection = await loggedIn(ADDRESS.fuzz);
        counts.reconnects++;
      };
      while (counts.sent < MESSAGES) {
        const roll = r.next();
        if (roll < 0.004) {
          // Longer than the longest message the server reads, without a '\r' in sight.
          connection.write(Buffer.from(randomBytes(r, MAX_MESSAGE_BYTES + 1 + r.int(4000)).map((b) => (b === 0x0d ? 0x20 : b))));
          counts.sent++;
          counts.kinds['oversized'] = (counts.kinds['oversized'] ?? 0) + 1;
          await closes(connection, 'an oversized message');
          await reconnect();
          continue;
        }
        if (roll < 0.006) {
          // Half a message, then the kiosk hangs up.
          connection.write(malformed(r, barcode).bytes.subarray(0, 10));
          connection.finish();
          counts.sent++;
          counts.kinds['unterminated'] = (counts.kinds['unterminated'] ?? 0) + 1;
          await closes(connection, 'a message without its \\r and the end of the stream');
          await reconnect();
          continue;
        }
        if (roll < 0.008) {
          // A flood: more pipelined requests at once than the server queues.
          const flood = 40 + r.int(200);
          connection.write(Array.from({ length: flood }, () => '9900302.00\r').join(''));
          counts.sent += flood;
          counts.kinds['flood'] = (counts.kinds['flood'] ?? 0) + flood;
          const closed = await connection.closedWithin(10_000);
          if (closed) counts.closedAsExpected++;
          for (const line of connection.unclaimed.splice(0)) checkAnswer(Buffer.from('99'), line);
          if (!closed) problem(`the server kept a connection open after a flood of ${flood} requests`);
          await reconnect();
          continue;
        }
        const batch = Array.from({ length: WINDOW }, () => malformed(r, barcode));
        const answers = batch.map(({ kind, bytes }) => {
          counts.kinds[kind] = (counts.kinds[kind] ?? 0) + 1;
          return connection.request(bytes);
        });
        counts.sent += batch.length;
        const settled = await Promise.allSettled(answers);
        settled.forEach((outcome, i) => {
          const sent = (batch[i] as { bytes: Buffer }).bytes;
          if (outcome.status === 'fulfilled') {
            counts.answered++;
            checkAnswer(sent, outcome.value);
          } else problem(`fuzzer ${index}: no answer (${String(outcome.reason)}) to ${JSON.stringify(sent.subarray(0, 60).toString('latin1'))}`);
        });
        if (connection.closed) await reconnect();
      }
      connection.end();
    };

    /** Fresh connections that never log in: garbage, messages before login, logins with a wrong password. */
    const stranger = async (): Promise<void> => {
      for (let n = 0; counts.sent < MESSAGES; n++) {
        const connection = await Sip2Connection.connect(server.port, { localAddress: ADDRESS.beforeLogin });
        const choice = n < 8 ? 'wrong-password' : r.pick(['garbage', 'before-login', 'bad-checksum', 'wrong-password', 'nul-login']);
        const message =
          choice === 'wrong-password'
            ? Buffer.from(kioskMessages.login(login.loginId, `not-${r.digits(6)}`))
            : choice === 'nul-login'
              ? Buffer.from(kioskMessages.login(`${login.loginId}\u0000`, `\u0000${r.digits(6)}`))
            : choice === 'before-login'
              ? Buffer.from(kioskMessages.itemInformation(barcode))
              : choice === 'bad-checksum'
                ? Buffer.from(`${withChecksum('9900302.00', 1).slice(0, -4)}0000`)
                : malformed(r, barcode).bytes;
        counts.sent++;
        counts.beforeLogin++;
        counts.kinds[`before-login:${choice}`] = (counts.kinds[`before-login:${choice}`] ?? 0) + 1;
        const answer = await connection.request(message).catch(() => null);
        if (answer !== null) {
          // A wrong password is refused (94 0); a garbled message asked for again (96).
          const code = answer.slice(0, 2);
          if (!(answer === '940' || code === '96')) problem(`before login, ${choice} was answered ${JSON.stringify(answer.slice(0, 60))}`);
        } else if (choice === 'wrong-password' && n < 5) problem('the server closed the connection on a first wrong password');
        connection.end();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };

    /** The kiosk that does its job throughout: every answer right, and in time. */
    const valid = { asked: 0, slowestMs: 0 };
    const kiosk = async (): Promise<void> => {
      const connection = await loggedIn(ADDRESS.valid);
      for (let n = 0; !done; n++) {
        const started = performance.now();
        const sequence = n % 10;
        try {
          if (n % 2 === 0) {
            const status = parseResponse(await connection.request(withChecksum(kioskMessages.scStatus(), sequence)));
            if (status.code !== '98' || status.checksumValid !== true || status.sequence !== String(sequence)) throw new Error(`SC status answered ${status.code}`);
            if (status.fixed.slice(0, 4) !== 'YYYY' || fieldOf(status, 'BX') === undefined || fieldOf(status, 'AO') !== libraryId) throw new Error(`SC status answered ${JSON.stringify(status.fixed)}`);
          } else {
            const item = parseResponse(await connection.request(withChecksum(kioskMessages.itemInformation(barcode), sequence)));
            if (item.code !== '18' || item.checksumValid !== true || item.sequence !== String(sequence)) throw new Error(`item information answered ${item.code}`);
            if (item.fixed.slice(0, 2) !== '03' || fieldOf(item, 'AB') !== barcode || fieldOf(item, 'AJ') !== 'Stays Put') throw new Error(`item information answered ${JSON.stringify([item.fixed, fieldOf(item, 'AB'), fieldOf(item, 'AJ')])}`);
          }
        } catch (error) {
          problem(`the valid kiosk: ${error instanceof Error ? error.message : String(error)}`);
          if (connection.closed) return;
        }
        valid.asked++;
        valid.slowestMs = Math.max(valid.slowestMs, performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      connection.end();
    };

    const started = performance.now();
    const validRun = kiosk();
    await Promise.all([...Array.from({ length: FUZZ_CONNECTIONS }, (_, i) => fuzzer(i)), stranger()]);
    done = true;
    await validRun;
    const seconds = (performance.now() - started) / 1000;

    // Still open for business: a fresh login, then a status; the address that tried wrong passwords is refused, but answered.
    const fresh = await loggedIn(ADDRESS.fresh);
    const status = parseResponse(await fresh.request(kioskMessages.scStatus()));
    fresh.end();
    const throttled = await Sip2Connection.connect(server.port, { localAddress: ADDRESS.beforeLogin });
    const refused = await throttled.request(kioskMessages.login(login.loginId, login.password));
    throttled.end();

    const serverErrors = logLines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50 || line.includes('"stack"'));
    process.stdout.write(
      `[sip2 fuzz, ${engine}] seed ${SEED}: ${counts.sent.toLocaleString('en')} malformed messages in ${seconds.toFixed(1)} s ` +
        `(${counts.answered.toLocaleString('en')} answered on logged-in connections, ${counts.beforeLogin} before login, ${counts.closedAsExpected} connections closed as expected, ${counts.reconnects} reconnects); ` +
        `the valid kiosk asked ${valid.asked} times, slowest answer ${valid.slowestMs.toFixed(0)} ms; ${problems.length} problems, ${serverErrors.length} server errors\n` +
        `  ${Object.entries(counts.kinds)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}\n` +
        serverErrors
          .slice(0, 5)
          .map((line) => `  server: ${line.slice(0, 800)}\n`)
          .join(''),
    );

    expect(problems).toEqual([]);
    expect(serverErrors).toEqual([]);
    expect(counts.sent).toBeGreaterThanOrEqual(MESSAGES);
    expect(valid.asked).toBeGreaterThan(20);
    expect(status.code).toBe('98');
    expect(refused).toBe('940');
  // A hang guard, not a measure: on 2 cores beside three other test files and the browser tests, one
  // engine's 100,000 messages took about 110 s and the other passed 120 s in a CI run.
  }, 300_000);
});
