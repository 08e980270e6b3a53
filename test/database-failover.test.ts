/**
 * Losing PostgreSQL (issue 23, a consortium outgrows one box): while the server is unreachable or its
 * connections are cut (an operator's pg_terminate_backend, a primary that dies, a standby promoted at the
 * same address), every request answers 503 DATABASE_UNAVAILABLE with a Retry-After, never a 500; what it
 * was writing is all there or not there at all (one transaction per use case); and the process serves
 * again by itself once the server answers, without a restart. PostgreSQL only: an embedded SQLite file has
 * no connection to lose (`isUnavailable` is checked for its codes below).
 */
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../src/policy/actors.js';
import { openDatabase, type Database } from '../src/storage/database.js';
import { isUnavailable } from '../src/storage/errors.js';
import { verifyAccessLog } from '../src/usecases/access-log.usecases.js';
import { run } from '../src/usecases/context.js';
import { createStaff } from '../src/usecases/staff.usecases.js';
import { createSip2Account } from '../src/usecases/sip2-account.usecases.js';
import { sip2Date } from '../src/sip2/codec.js';
import { startSip2Server } from '../src/sip2/server.js';
import { capturedLogger, connectSip2, parseResponse, withErrorDetection } from './sip2.js';
import { ENGINES, freshDatabase, type TestDatabase } from './engines.js';
import { buildItem, buildLibrary, buildPatron, world, type World } from './factories.js';
import { startServer, type Answer } from './http.js';

describe('which errors mean the database is out of reach', () => {
  it('counts lost connections, refusals, shutdowns and a standby not yet promoted; not a constraint, a lock or SQLite', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', '57P01', '57P02', '57P03', '08006', '08001', '08P01', '25006', '53300'])
      expect(isUnavailable(Object.assign(new Error('x'), { code })), code).toBe(true);
    expect(isUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    // pg-pool's wait for a free connection: a busy pool (Carrel sets no limit on that wait), not an outage.
    expect(isUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(false);
    expect(isUnavailable(new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })]))).toBe(true);
    for (const code of ['23505', '40001', '40P01', '42P01', 'SQLITE_BUSY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_IOERR'])
      expect(isUnavailable(Object.assign(new Error('x'), { code })), code).toBe(false);
    expect(isUnavailable(new Error('Connection refused by the library'))).toBe(false);
  });
});

/** A TCP relay to PostgreSQL on a port of its own: stopping it is the server going away, mid-query too. */
class Relay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async onFreePort(target: { host: string; port: number }): Promise<Relay> {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return new Relay(port, target);
  }

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  /** Nothing listens any more, and every open connection is cut (a reset, as when a server dies). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.resetAndDestroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function expectUnavailable(answer: Answer): void {
  expect(answer.status).toBe(503);
  expect(answer.body.error.code).toBe('DATABASE_UNAVAILABLE');
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
}

const postgres = ENGINES.includes('postgres');

describe.runIf(postgres)('PostgreSQL out of reach', () => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  const staff = { username: 'failover-desk', password: '' };

  beforeAll(async () => {
    database = await freshDatabase('postgres');
    w = await world(database);
    libraryId = (await buildLibrary(w, { id: 'lib-failover', name: 'Failover Library' })).library.id;
    staff.password = (await w.act(createStaff, { username: staff.username, libraryId, roles: ['librarian'] })).password;
  });

  afterAll(async () => {
    await database?.drop();
  });

  /** Patrons with three items each to borrow. */
  async function desk(patrons: number): Promise<{ cardNumber: string; itemBarcode: string }[]> {
    const pairs: { cardNumber: string; itemBarcode: string }[] = [];
    for (let p = 0; p < patrons; p++) {
      const { cardNumber } = await buildPatron(w, { libraryId });
      for (let i = 0; i < 3; i++) pairs.push({ cardNumber, itemBarcode: (await buildItem(w, { libraryId })).barcode });
    }
    return pairs;
  }

  /**
   * What a check-out leaves behind, all or nothing: the loan, the item marked on loan, its access-log
   * entry; and the access log's chains still verify (no entry half-appended).
   */
  async function expectWhole(barcodes: readonly string[]): Promise<{ lent: Set<string> }> {
    const items = await database.db.selectFrom('items').select(['id', 'barcode', 'status']).where('library_id', '=', libraryId).where('barcode', 'in', barcodes).execute();
    const open = await database.db.selectFrom('loans').select(['item_id']).where('library_id', '=', libraryId).where('ended_at', 'is', null).execute();
    const loanedItems = new Set(open.map((l) => l.item_id));
    expect(open.length).toBe(loanedItems.size); // one open loan per item at most
    const lent = new Set<string>();
    for (const item of items) {
      expect(item.status === 'on-loan', item.barcode).toBe(loanedItems.has(item.id));
      if (loanedItems.has(item.id)) lent.add(item.barcode);
    }
    const loans = await database.db.selectFrom('loans').select((eb) => eb.fn.countAll<number>().as('n')).where('library_id', '=', libraryId).executeTakeFirstOrThrow();
    const entries = await database.db
      .selectFrom('access_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('library_id', '=', libraryId)
      .where('action', '=', 'checkout')
      .executeTakeFirstOrThrow();
    expect(Number(entries.n)).toBe(Number(loans.n));
    const report = await run(w.runtime, { actor: SYSTEM, purpose: 'administration', channel: 'cli' }, verifyAccessLog, { libraryId });
    expect(report.ok).toBe(true);
    return { lent };
  }

  it('a request waiting for a free pooled connection longer than a connection attempt may take still runs: a busy pool is not an outage', async () => {
    const narrow = openDatabase(database.target, { poolSize: 1, connectRetry: { attemptTimeoutMs: 200, maxWaitMs: 300 } });
    try {
      const holder = sql`select pg_sleep(0.8)`.execute(narrow.db);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const waiting = await sql<{ one: number }>`select 1 as one`.execute(narrow.db);
      expect(waiting.rows[0]?.one).toBe(1);
      await holder;
    } finally {
      await narrow.close();
    }
  });

  it('answers 503 with Retry-After while its connections are terminated under load, leaves no partial check-out, and serves again untouched', async () => {
    const pairs = await desk(16);
    const server = await startServer(w);
    const admin = new pg.Client({ connectionString: database.target });
    await admin.connect();
    const name = new URL(database.target).pathname.slice(1);
    try {
      const cookie = await server.login(staff);
      // Terminate every other connection to this database every few milliseconds while the desk works.
      let killing = true;
      let terminated = 0;
      const killer = (async () => {
        while (killing) {
          const { rows } = await admin.query<{ n: string }>('select count(pg_terminate_backend(pid)) as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
          terminated += Number(rows[0]?.n ?? 0);
          await new Promise((resolve) => setTimeout(resolve, 15));
        }
      })();
      const answers: { barcode: string; answer: Answer }[] = [];
      const queue = [...pairs];
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          for (let pair = queue.shift(); pair; pair = queue.shift()) answers.push({ barcode: pair.itemBarcode, answer: await server.call('POST', '/checkouts', { cookie, body: pair }) });
        }),
      );
      killing = false;
      await killer;
      // A connection terminated in the last instant may still sit idle in a pool until its socket's close
      // is read; a request that takes it meets a lost connection (503) once. Let the pools notice.
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(terminated).toBeGreaterThan(0);
      const refused = answers.filter((a) => a.answer.status !== 201);
      for (const { answer } of refused) expectUnavailable(answer);
      expect(refused.length, 'some check-outs met a terminated connection').toBeGreaterThan(0);

      // Every acknowledged check-out is whole; a refused one is whole or absent (its COMMIT may have
      // reached the server before the connection went: then it is all there).
      const { lent } = await expectWhole(pairs.map((p) => p.itemBarcode));
      for (const { barcode, answer } of answers) if (answer.status === 201) expect(lent.has(barcode), barcode).toBe(true);

      // With the terminations stopped, the same process serves: each refused check-out, tried again,
      // goes through (or finds it went through: ITEM_ALREADY_ON_LOAN).
      for (const { barcode, answer } of refused) {
        const pair = pairs.find((p) => p.itemBarcode === barcode) as { cardNumber: string; itemBarcode: string };
        let again = await server.call('POST', '/checkouts', { cookie, body: pair });
        for (let attempt = 0; attempt < 3 && again.status === 503; attempt++) again = await server.call('POST', '/checkouts', { cookie, body: pair });
        if (lent.has(barcode)) expect(again.body.error?.problems?.map((p: { code: string }) => p.code) ?? [again.status]).toContain('ITEM_ALREADY_ON_LOAN');
        else expect(again.status, answer.text).toBe(201);
      }
      expect((await expectWhole(pairs.map((p) => p.itemBarcode))).lent.size).toBe(pairs.length);
    } finally {
      await admin.end();
      await server.close();
    }
  }, 60_000);

  it('answers 503 with Retry-After while nothing listens at the address, and serves as soon as the server is back', async () => {
    const target = new URL(database.target);
    const relay = await Relay.onFreePort({ host: target.hostname, port: Number(target.port || 5432) });
    const viaRelay = new URL(database.target);
    viaRelay.port = String(relay.port);
    // Half a second of retries, so an outage is answered quickly; a second process on its own
    // address; the key store stays on the direct address (it is another pool, opened once).
    const relayed: Database = openDatabase(viaRelay.toString(), { poolSize: 3, connectRetry: { maxWaitMs: 500 } });
    const relayWorld: World = { ...w, runtime: { ...w.runtime, db: relayed.db } };
    await relay.start();
    const server = await startServer(relayWorld);
    try {
      const [first, second, third] = await desk(1);
      const cookie = await server.login(staff);
      expect((await server.call('POST', '/checkouts', { cookie, body: first })).status).toBe(201);

      // The server goes away: connections cut, nothing listening.
      await relay.stop();
      const health = await fetch(`${server.base}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'unavailable' });
      expectUnavailable(await server.call('POST', '/checkouts', { cookie, body: second }));
      expectUnavailable(await server.call('GET', `/items/${encodeURIComponent(second!.itemBarcode)}`, { cookie }));
      const notLent = await database.db.selectFrom('items').select('status').where('barcode', '=', second!.itemBarcode).executeTakeFirstOrThrow();
      expect(notLent.status).toBe('available');

      // It comes back at the same address: the same process serves again, no restart.
      await relay.start();
      expect((await fetch(`${server.base}/health`)).status).toBe(200);
      expect((await server.call('POST', '/checkouts', { cookie, body: second })).status).toBe(201);

      // Down again; a request made while it is down waits out the retries and goes through once the
      // server answers within them (a new connection is retried with backoff; nothing was sent yet).
      await relay.stop();
      const slow = openDatabase(viaRelay.toString(), { poolSize: 2, connectRetry: { maxWaitMs: 5_000 } });
      const patient = await startServer({ ...w, runtime: { ...w.runtime, db: slow.db } });
      try {
        const pending = patient.call('POST', '/auth/login', { body: staff });
        await new Promise((resolve) => setTimeout(resolve, 400));
        await relay.start();
        expect((await pending).status).toBe(200);
      } finally {
        await patient.close();
        await slow.close();
      }
      expect((await server.call('POST', '/checkouts', { cookie, body: third })).status).toBe(201);
      await expectWhole([first!.itemBarcode, second!.itemBarcode, third!.itemBarcode]);
    } finally {
      await server.close();
      await relay.stop();
      await relayed.close();
    }
  }, 60_000);

  it('over SIP2, says the system is offline (SC status online N, a refusal on the screen) while the server is away, and serves again after', async () => {
    const target = new URL(database.target);
    const relay = await Relay.onFreePort({ host: target.hostname, port: Number(target.port || 5432) });
    const viaRelay = new URL(database.target);
    viaRelay.port = String(relay.port);
    const relayed: Database = openDatabase(viaRelay.toString(), { poolSize: 2, connectRetry: { maxWaitMs: 300 } });
    const { account, password } = await w.act(createSip2Account, { libraryId, branch: 'main', name: 'Failover kiosk', kind: 'self-check' });
    const [pair] = await desk(1);
    await relay.start();
    const captured = capturedLogger();
    const sip2 = await startSip2Server({ ...w.runtime, db: relayed.db }, { port: 0, log: captured.log });
    const kiosk = await connectSip2(sip2.port);
    let sequence = 0;
    const send = async (message: string) => parseResponse(await kiosk.request(withErrorDetection(message, String(sequence++ % 10))));
    const patronStatus = () => `23001${sip2Date(w.clock.now(), 'America/Denver')}AO${libraryId}|AA${pair!.cardNumber}|AC|`;
    try {
      expect((await send(`9300CN${account.loginId}|CO${password}|CPmain|`)).fixed[0]).toBe('1');
      expect((await send('9900402.00')).fixed.slice(0, 3)).toEqual(['Y', 'Y', 'Y']);

      await relay.stop();
      const offline = await send('9900402.00');
      expect(offline.code).toBe('98');
      expect(offline.fixed.slice(0, 3)).toEqual(['N', 'N', 'N']);
      const refused = await send(patronStatus());
      expect(refused.code).toBe('24');
      expect(refused.get('AF')).toContain('offline');
      expect(kiosk.closed).toBe(false);

      await relay.start();
      expect((await send('9900402.00')).fixed[0]).toBe('Y');
      const served = await send(patronStatus());
      expect(served.code).toBe('24');
      expect(served.get('AF') ?? '').not.toContain('offline');
      expect(captured.lines.join('\n')).not.toContain(pair!.cardNumber);
    } finally {
      kiosk.end();
      await sip2.close();
      await relay.stop();
      await relayed.close();
    }
  }, 60_000);
});
