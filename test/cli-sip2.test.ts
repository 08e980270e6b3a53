/**
 * Issue 16's "done when", against a real `carrel start --sip2-port`, on each engine: accounts added with
 * `carrel sip2 account add` as the README says; a kiosk session (login, SC status, patron information
 * with PIN, two check-outs, end session); an EZproxy-style authentication; a sorter's check-in of an
 * item with a hold, which says which bin; and `carrel sip2 ping`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/domain/clock.js';
import { SYSTEM } from '../src/policy/actors.js';
import { keyStoreTargetFor, openKeyStore } from '../src/storage/key-store.js';
import { run, type Runtime, type UseCase } from '../src/usecases/context.js';
import { placeHold } from '../src/usecases/hold.usecases.js';
import { addItem } from '../src/usecases/item.usecases.js';
import { addBranch } from '../src/usecases/library-config.usecases.js';
import { createLibrary } from '../src/usecases/library.usecases.js';
import { registerPatron } from '../src/usecases/patron.usecases.js';
import { createFirstAdmin } from '../src/usecases/setup.usecases.js';
import { checkout } from '../src/usecases/circulation.usecases.js';
import { Keyring } from '../src/vault/keyring.js';
import { Vault } from '../src/vault/vault.js';
import { BIN, carrel, cleanEnv, COMPILED, document } from './cli-helpers.js';
import { ENGINES, freshDatabase, type TestDatabase } from './engines.js';

/** A line-at-a-time SIP2 client over TCP. */
function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let buffer = '';
  const waiting: ((line: string) => void)[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\r'); end >= 0; end = buffer.indexOf('\r')) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      waiting.shift()?.(line);
    }
  });
  return {
    ask: (message: string) =>
      new Promise<string>((resolve) => {
        waiting.push(resolve);
        socket.write(`${message}\r`);
      }),
    close: () => socket.destroy(),
  };
}

const fields = (line: string) => new Map(line.split('|').map((f) => [f.slice(0, 2), f.slice(2)]));
const NOW = '20260302    100000';
const BLANK = ' '.repeat(18);

describe.each(ENGINES)('SIP2 against carrel start on %s', (engine) => {
  let database: TestDatabase;
  let dataDir: string;
  let child: ChildProcess | undefined;
  let sip2Port = 0;
  let env: NodeJS.ProcessEnv;
  const key = randomBytes(32).toString('base64');
  const libraryId = `sip-${randomBytes(3).toString('hex')}`;
  const given = { card: '', pin: '', items: [] as string[], held: '' };

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before this test (`npm test` does it).');
    database = await freshDatabase(engine);
    dataDir = mkdtempSync(join(tmpdir(), 'carrel-sip2-'));
    const clock = new ManualClock(new Date(Date.now() - 3_600_000).toISOString());
    const store = await openKeyStore(keyStoreTargetFor(database.target));
    database.onDrop(store.close);
    const vault = await Vault.open({ keyring: new Keyring([Buffer.from(key, 'base64')], { kind: 'env' }), store, now: clock.now() });
    const runtime: Runtime = { db: database.db, clock, vault };
    const act = <I, O>(useCase: UseCase<I, O>, input: I) => run(runtime, { actor: SYSTEM, purpose: 'circulation', channel: 'cli' }, useCase, input);
    await act(createFirstAdmin, undefined);
    await act(createLibrary, { id: libraryId, name: 'Kiosk Library', timeZone: 'America/Denver' });
    await act(addBranch, { libraryId, code: 'north', name: 'North Branch' });
    const patron = await act(registerPatron, { libraryId, name: 'Ana Kiosk', birthDate: '1980-01-01' });
    const waiting = await act(registerPatron, { libraryId, name: 'Ben Waiting', birthDate: '1981-01-01' });
    given.card = patron.cardNumber;
    given.pin = patron.pin;
    for (const title of ['River Songs', 'Mesa Stories']) given.items.push((await act(addItem, { libraryId, barcode: `K${randomBytes(4).toString('hex')}`, title })).barcode);
    // An item out with someone, and a hold on it to be picked up at the north branch.
    given.held = (await act(addItem, { libraryId, barcode: `H${randomBytes(4).toString('hex')}`, title: 'Wanted Book' })).barcode;
    await act(checkout, { cardNumber: patron.cardNumber, itemBarcode: given.held });
    await act(placeHold, { cardNumber: waiting.cardNumber, itemBarcode: given.held, pickupBranch: 'north' });

    env = cleanEnv({ DATABASE_URL: database.target, CARREL_KEY: key, CARREL_DATA_DIR: dataDir });
    child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--no-demo', '--no-scheduler', '--sip2-port', '0'], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (out += chunk));
    sip2Port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`carrel start did not serve SIP2 in time:\n${out}`)), 40_000);
      child?.stdout?.on('data', (chunk: string) => {
        out += chunk;
        const match = /SIP2 is served on 127\.0\.0\.1:(\d+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child?.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`carrel start exited (${code}):\n${out}`));
      });
    });
  }, 90_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function addAccount(name: string, kind: string, branch: string): Promise<{ loginId: string; password: string }> {
    const added = await carrel(['--json', 'sip2', 'account', 'add', '--library', libraryId, '--name', name, '--kind', kind, '--branch', branch], { env });
    expect(added.code, added.stderr).toBe(0);
    return document<{ loginId: string; password: string }>(added);
  }

  it('serves a kiosk session: login, SC status, patron information with PIN, two check-outs, end session', async () => {
    const account = await addAccount('Main kiosk 1', 'self-check', 'main');
    const kiosk = connect(sip2Port);
    try {
      expect(await kiosk.ask(`9300CN${account.loginId}|CO${account.password}|CPmain|`)).toBe('941');
      const status = await kiosk.ask('9900802.00');
      expect(status.slice(0, 3)).toBe('98Y');
      expect(fields(status.slice(36)).get('AM')).toBe('Kiosk Library');
      const info = await kiosk.ask(`63001${NOW}          AO${libraryId}|AA${given.card}|AD${given.pin}|`);
      const patron = fields(info.slice(61));
      expect([patron.get('BL'), patron.get('CQ'), patron.get('AE')]).toEqual(['Y', 'Y', 'Ana']);
      for (const [index, barcode] of given.items.entries()) {
        // The PIN was verified once; the check-outs of the same patron ride on the connection's patron session.
        const out = await kiosk.ask(`11YN${NOW}${BLANK}AO${libraryId}|AA${given.card}|AB${barcode}|`);
        expect(out.slice(0, 3), out).toBe('121');
        expect(fields(out.slice(24)).get('AJ')).toBe(['River Songs', 'Mesa Stories'][index]);
        expect(fields(out.slice(24)).get('AH')).toMatch(/^\d{8} {4}\d{6}$/);
      }
      expect((await kiosk.ask(`35${NOW}AO${libraryId}|AA${given.card}|`)).slice(0, 3)).toBe('36Y');
      // After End Patron Session a check-out without the PIN is refused: the connection forgot the patron.
      expect((await kiosk.ask(`11YN${NOW}${BLANK}AO${libraryId}|AA${given.card}|AB${given.items[0]}|`)).slice(0, 3)).toBe('120');
    } finally {
      kiosk.close();
    }
    // The kiosk's check-outs are loans like the desk's, logged as the kiosk.
    const logged = await database.db.selectFrom('access_log').select(['actor_id', 'purpose', 'channel']).where('action', '=', 'checkout').where('channel', '=', 'sip2').execute();
    expect(logged).toEqual([
      { actor_id: 'sip2:Main kiosk 1', purpose: 'circulation', channel: 'sip2' },
      { actor_id: 'sip2:Main kiosk 1', purpose: 'circulation', channel: 'sip2' },
    ]);
  });

  it('answers an EZproxy-style authentication with the validity of card and PIN, and nothing else', async () => {
    const account = await addAccount('EZproxy', 'authentication', 'main');
    const ezproxy = connect(sip2Port);
    try {
      expect(await ezproxy.ask(`9300CN${account.loginId}|CO${account.password}|`)).toBe('941');
      const valid = await ezproxy.ask(`23001${NOW}AO${libraryId}|AA${given.card}|AD${given.pin}|`);
      expect(valid).toMatch(new RegExp(`^24 {14}001\\d{8} {4}\\d{6}AO${libraryId}\\|AA${given.card}\\|AE\\|BLY\\|CQY\\|$`));
      const wrong = await ezproxy.ask(`23001${NOW}AO${libraryId}|AA${given.card}|AD0000|`);
      const refused = fields(wrong.slice(37));
      expect([refused.get('BL'), refused.get('CQ'), refused.get('AE')]).toEqual(['N', 'N', '']);
    } finally {
      ezproxy.close();
    }
  });

  it('tells a sorter which bin an item with a hold drops into, and where it goes, never for whom', async () => {
    const account = await addAccount('Returns sorter', 'sorter', 'main');
    const sorter = connect(sip2Port);
    try {
      expect(await sorter.ask(`9300CN${account.loginId}|CO${account.password}|`)).toBe('941');
      const back = await sorter.ask(`09N${NOW}${NOW}APmain|AO${libraryId}|AB${given.held}|`);
      expect(back.slice(0, 5)).toBe('101YU');
      expect(back[5]).toBe('Y'); // alert: a hold
      const seen = fields(back.slice(24));
      expect(seen.get('CL')).toBe('2'); // the default bin of a hold picked up elsewhere
      expect(seen.get('CV')).toBe('02');
      expect(seen.get('CT')).toBe('north');
      expect([...seen.keys()].filter((id) => ['AA', 'AE', 'CY', 'DA'].includes(id))).toEqual([]);
    } finally {
      sorter.close();
    }
  });

  it('tests a connection with carrel sip2 ping', async () => {
    const { password } = await addAccount('Ping kiosk', 'self-check', 'main');
    const ping = await carrel(['sip2', 'ping', '--library', libraryId, '--account', 'Ping kiosk', '--port', String(sip2Port)], { env: { ...env, CARREL_SIP2_PASSWORD: password } });
    expect(ping.code, ping.stderr).toBe(0);
    expect(ping.stdout).toMatch(/Logged in as Ping kiosk/);
    expect(ping.stdout).toMatch(/checkout/);
    const refused = await carrel(['sip2', 'ping', '--library', libraryId, '--account', 'Ping kiosk', '--port', String(sip2Port)], { env: { ...env, CARREL_SIP2_PASSWORD: 'not-the-password' } });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/refused the login/);
  });
});
