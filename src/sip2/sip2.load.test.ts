/**
 * Load on the SIP2 server, on each engine: 50 self-check kiosks at once, each on its own connection,
 * account and address (127.0.1.x, as kiosks each have their own), log in (93) and verify their patron's
 * PIN once (63, argon2id: before the clock starts), then check items out (11) and back in (09) for 30 s,
 * relying on the connection's patron session for the card. Every kiosk has its own patron and
 * items; 20 of them also fight over 5 shared items, so a double loan would show. On SQLite another
 * process (as `carrel` commands beside the server are) holds the write lock for longer than the busy
 * timeout once, so the kiosks meet a busy database: they must be told "busy, try again", not dropped.
 *
 * Nothing may be answered but the expected refusal of a contended item (or "busy"), no connection may
 * drop, no item may have two active loans, and the loans in the database must be what the kiosks were
 * told: as many as the 12s with ok=1, as many returned as the 10s with ok=1.
 */
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldOf, kioskMessages, parseResponse, Sip2Connection, withChecksum, type Sip2Response } from '../../bench/lib/sip2-client.js';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildPatron, libraryWorld, type World } from '../../test/factories.js';
import { ErrorCode } from '../domain/errors.js';
import { createLogger } from '../log.js';
import { createSip2Account } from '../usecases/sip2-account.usecases.js';
import { screenMessage } from './screen-messages.js';
import { startSip2Server, type Sip2Server } from './server.js';

const KIOSKS = 50;
/** Kiosks 0 … CONTENDERS-1 also take items from the shared pool every other turn. */
const CONTENDERS = 20;
const SHARED_ITEMS = 5;
const OWN_ITEMS = 4;
const SECONDS = Number(process.env.CARREL_SIP2_LOAD_SECONDS ?? 30);
/** No answer within this long is a stall (a busy SQLite waits 5 s per attempt, and the lock is held twice that). */
const ANSWER_WITHIN_MS = 30_000;

const BUSY = screenMessage([ErrorCode.STORAGE_BUSY]);
const ALREADY_OUT = screenMessage([ErrorCode.ITEM_ALREADY_ON_LOAN]);

interface Tally {
  checkoutsOk: number;
  checkinsOk: number;
  /** Check-outs of a shared item refused because another kiosk had it. */
  contendedRefusals: number;
  /** Answers "busy, try again" (the request is retried). */
  busy: number;
  /** Times a kiosk was told a shared item was lent while another kiosk still held it. */
  doubleLoansSeen: number;
  errors: string[];
}

interface Kiosk {
  /** The kiosk's own address (127.0.1.<k+1>): its account may connect from there alone. */
  address: string;
  loginId: string;
  password: string;
  card: string;
  pin: string;
  own: string[];
  contends: boolean;
}

/** Sends a request and waits for its answer, at most ANSWER_WITHIN_MS. */
async function ask(connection: Sip2Connection, message: string): Promise<Sip2Response> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms to ${message.slice(0, 2)}`)), ANSWER_WITHIN_MS);
  });
  try {
    return parseResponse(await Promise.race([connection.request(message), stalled]));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Holds SQLite's write lock from another process for `holdMs` (longer than the server's 5 s busy
 * timeout): resolves once the lock is taken, with a promise of its release.
 */
async function holdWriteLock(file: string, holdMs: number): Promise<{ released: Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 20000');
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('ROLLBACK'); db.close(); }, Number(process.argv[2]));
  `;
  const child = spawn(process.execPath, ['-e', script, file, String(holdMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const released = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the lock holder exited with ${code}`))));
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve();
    });
    child.once('exit', () => reject(new Error('the lock holder ended before taking the lock')));
  });
  return { released };
}

describe.each(ENGINES)('SIP2 under load on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let server: Sip2Server;
  const logLines: string[] = [];
  const kiosks: Kiosk[] = [];
  const shared: string[] = [];

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
    for (let s = 0; s < SHARED_ITEMS; s++) shared.push((await buildItem(w, { libraryId, title: `Shared ${s}` })).barcode);
    for (let k = 0; k < KIOSKS; k++) {
      const address = `127.0.1.${k + 1}`;
      const { account, password } = await w.act(createSip2Account, { libraryId, name: `Kiosk ${k}`, kind: 'self-check', branch: 'main', allowedCidrs: [`${address}/32`] });
      const patron = await buildPatron(w, { libraryId });
      const own: string[] = [];
      for (let i = 0; i < OWN_ITEMS; i++) own.push((await buildItem(w, { libraryId, title: `Kiosk ${k} item ${i}` })).barcode);
      kiosks.push({ address, loginId: account.loginId, password, card: patron.cardNumber, pin: patron.pin, own, contends: k < CONTENDERS });
    }
  });
  afterAll(() => database.drop());

  it(
    `serves ${KIOSKS} kiosks checking items out and in for ${SECONDS} s: no error, no dropped connection, no double loan`,
    async () => {
      const tally: Tally = { checkoutsOk: 0, checkinsOk: 0, contendedRefusals: 0, busy: 0, doubleLoansSeen: 0, errors: [] };
      /** How many kiosks believe they hold each shared item (from the 12 ok=1 until they send the 09). */
      const holders = new Map<string, number>(shared.map((b) => [b, 0]));
      const fail = (k: number, what: string) => {
        if (tally.errors.length < 50) tally.errors.push(`kiosk ${k}: ${what}`);
      };
      let deadline = Number.POSITIVE_INFINITY;

      /** Logs the kiosk in and verifies its patron's PIN once (argon2id: not part of the measured load). */
      const startKiosk = async (k: number, kiosk: Kiosk) => {
        const connection = await Sip2Connection.connect(server.port, { localAddress: kiosk.address });
        let sequence = 0;
        const send = async (message: string, expectedCode: string): Promise<Sip2Response> => {
          const seq = sequence++ % 10;
          const answer = await ask(connection, withChecksum(message, seq));
          if (answer.code !== expectedCode) throw new Error(`answered ${answer.code} to a request for ${expectedCode}`);
          if (answer.checksumValid !== true || answer.sequence !== String(seq)) throw new Error(`answered ${answer.code} without a right checksum and sequence`);
          return answer;
        };
        try {
          const login = await send(kioskMessages.login(kiosk.loginId, kiosk.password), '94');
          if (login.fixed !== '1') throw new Error('the login was refused');
          const patron = await send(kioskMessages.patronInformation(kiosk.card, kiosk.pin), '64');
          if (fieldOf(patron, 'BL') !== 'Y' || fieldOf(patron, 'CQ') !== 'Y') throw new Error('the patron and PIN were not accepted');
        } catch (error) {
          fail(k, error instanceof Error ? error.message : String(error));
        }
        return { connection, send };
      };

      /** Checks items out and back in until the deadline, on the connection's patron session. */
      const runKiosk = async (k: number, kiosk: Kiosk, { connection, send }: Awaited<ReturnType<typeof startKiosk>>): Promise<void> => {
        try {
          for (let turn = 0; performance.now() < deadline; turn++) {
            const fromShared = kiosk.contends && turn % 2 === 1;
            const barcode = fromShared ? (shared[(k + turn) % SHARED_ITEMS] as string) : (kiosk.own[turn % OWN_ITEMS] as string);
            const out = await send(kioskMessages.checkout(kiosk.card, barcode), '12');
            if (fieldOf(out, 'AB') !== barcode) throw new Error(`the check-out answered for ${fieldOf(out, 'AB')} instead of ${barcode}`);
            if (out.fixed[0] !== '1') {
              const screen = fieldOf(out, 'AF');
              if (screen === BUSY) tally.busy++;
              else if (fromShared && screen === ALREADY_OUT) tally.contendedRefusals++;
              else fail(k, `check-out of ${fromShared ? 'a shared' : 'its own'} item refused: ${screen}`);
              continue;
            }
            tally.checkoutsOk++;
            if (fromShared) {
              const held = (holders.get(barcode) ?? 0) + 1;
              holders.set(barcode, held);
              if (held > 1) tally.doubleLoansSeen++;
            }
            // Back in, until the server says so (a busy database is asked again).
            for (let attempt = 0; ; attempt++) {
              if (fromShared && attempt === 0) holders.set(barcode, (holders.get(barcode) ?? 1) - 1);
              const back = await send(kioskMessages.checkin(barcode), '10');
              if (back.fixed[0] === '1' && fieldOf(back, 'AB') === barcode) {
                tally.checkinsOk++;
                break;
              }
              const screen = fieldOf(back, 'AF');
              if (screen === BUSY && attempt < 20) {
                tally.busy++;
                continue;
              }
              throw new Error(`the check-in of an item it had just checked out was refused: ${screen}`);
            }
          }
        } catch (error) {
          fail(k, error instanceof Error ? error.message : String(error));
        } finally {
          if (connection.closed && !connection.endedHere) fail(k, 'the server closed the connection');
          connection.end();
        }
      };

      const sessions = await Promise.all(kiosks.map((kiosk, k) => startKiosk(k, kiosk)));
      const started = performance.now();
      deadline = started + SECONDS * 1000;
      const running = Promise.all(kiosks.map((kiosk, k) => runKiosk(k, kiosk, sessions[k] as Awaited<ReturnType<typeof startKiosk>>)));
      let lockEpisodes = 0;
      if (engine === 'sqlite') {
        // A third of the way in, another process takes the write lock for longer than two busy timeouts.
        await new Promise((resolve) => setTimeout(resolve, (SECONDS * 1000) / 3));
        const lock = await holdWriteLock(database.target, 11_000);
        lockEpisodes++;
        await lock.released;
      }
      await running;
      const elapsed = (performance.now() - started) / 1000;

      // The database agrees with what the kiosks were told.
      const db = database.db;
      const doubled = await db.selectFrom('loans').select(['item_id']).select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'active').groupBy('item_id').having((eb) => eb.fn.countAll(), '>', 1).execute();
      const byStatus = await db.selectFrom('loans').select(['status']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy('status').execute();
      const count = (status: string) => Number(byStatus.find((r) => r.status === status)?.n ?? 0);
      const total = byStatus.reduce((sum, r) => sum + Number(r.n), 0);
      const notOnShelf = await db.selectFrom('items').select(['barcode', 'status']).where('library_id', '=', libraryId).where('status', '<>', 'available').execute();
      const serverErrors = logLines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);

      // The figures, for the run's log.
      process.stdout.write(
        `[sip2 load, ${engine}] ${KIOSKS} kiosks, ${elapsed.toFixed(1)} s: ${tally.checkoutsOk} check-outs and ${tally.checkinsOk} check-ins ok ` +
          `(${(tally.checkinsOk / elapsed).toFixed(1)} pairs/s), ${tally.contendedRefusals} contended check-outs refused, ${tally.busy} busy answers` +
          `${lockEpisodes > 0 ? ` (write lock held by another process ${lockEpisodes}× 11 s)` : ''}, ${tally.errors.length} errors; loans in the database: ${total} (${count('returned')} returned, ${count('active')} active)\n` +
          serverErrors.map((line) => `  server: ${line.slice(0, 600)}\n`).join(''),
      );

      expect(tally.errors).toEqual([]);
      expect(serverErrors).toEqual([]);
      expect(tally.doubleLoansSeen).toBe(0);
      expect(doubled).toEqual([]);
      expect(total).toBe(tally.checkoutsOk);
      expect(count('returned')).toBe(tally.checkinsOk);
      expect(count('active')).toBe(0);
      expect(notOnShelf).toEqual([]);
      // The load really ran, and really contended.
      expect(tally.checkinsOk).toBeGreaterThan(KIOSKS);
      expect(tally.contendedRefusals).toBeGreaterThan(0);
      if (lockEpisodes > 0) expect(tally.busy).toBeGreaterThan(0);
    },
    120_000,
  );
});
