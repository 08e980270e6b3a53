/**
 * Two real `carrel start` processes on one PostgreSQL database, each running the scheduler with a fast
 * tick: every job runs exactly once per period (one job_runs row each, and each effect happens once:
 * one fine per late loan, one lost charge, one hold expired and the item passed on once, one retention
 * run). Issue 15: "Two server processes on one PostgreSQL database: each scheduled job runs exactly
 * once per period."
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/domain/clock.js';
import { SYSTEM } from '../src/policy/actors.js';
import { keyStoreTargetFor, openKeyStore } from '../src/storage/key-store.js';
import { updateLibrarySettings } from '../src/storage/library.repository.js';
import { checkout } from '../src/usecases/circulation.usecases.js';
import { run, type Runtime, type UseCase } from '../src/usecases/context.js';
import { placeHold } from '../src/usecases/hold.usecases.js';
import { addItem } from '../src/usecases/item.usecases.js';
import { createLibrary } from '../src/usecases/library.usecases.js';
import { registerPatron } from '../src/usecases/patron.usecases.js';
import { createFirstAdmin } from '../src/usecases/setup.usecases.js';
import { Keyring } from '../src/vault/keyring.js';
import { Vault } from '../src/vault/vault.js';
import { BIN, cleanEnv, COMPILED } from './cli-helpers.js';
import { ENGINES, freshDatabase, type TestDatabase } from './engines.js';

const DAY = 86_400_000;

describe.skipIf(!ENGINES.includes('postgres'))('two carrel start processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let dataDir: string;
  const key = randomBytes(32).toString('base64');
  const children: ChildProcess[] = [];
  const today = new Date().toISOString().slice(0, 10);
  const ids = { library: `two-${randomBytes(3).toString('hex')}`, lostLoanItem: '', lateLoanItem: '', heldItem: '', firstHold: '', secondHold: '', lostPatron: '', latePatron: '' };

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before this test (`npm test` does it).');
    database = await freshDatabase('postgres');
    dataDir = mkdtempSync(join(tmpdir(), 'carrel-two-'));
    // The library's history, written through the use cases with the key both servers will hold: a
    // clock 40 days back, moved forward as the days pass.
    const clock = new ManualClock(new Date(Date.now() - 40 * DAY).toISOString());
    const store = await openKeyStore(keyStoreTargetFor(database.target));
    database.onDrop(store.close);
    const vault = await Vault.open({ keyring: new Keyring([Buffer.from(key, 'base64')], { kind: 'env' }), store, now: clock.now() });
    const runtime: Runtime = { db: database.db, clock, vault };
    const act = <I, O>(useCase: UseCase<I, O>, input: I) => run(runtime, { actor: SYSTEM, purpose: 'circulation', channel: 'cli' }, useCase, input);
    await act(createFirstAdmin, undefined);
    // UTC, so that "today" is the same date for the test and the library.
    const { library } = await act(createLibrary, { id: ids.library, name: 'Two Servers Library', timeZone: 'UTC' });
    await updateLibrarySettings(database.db, library.id, { ...library, longOverdueDays: 10, processingFeeCents: 500 });
    const patron = () => act(registerPatron, { libraryId: library.id, name: 'Pat Twoservers', birthDate: '1980-01-01', email: `two.${randomBytes(4).toString('hex')}@example.org` });
    const [lost, late, first, second] = [await patron(), await patron(), await patron(), await patron()];
    ids.lostPatron = lost.id;
    ids.latePatron = late.id;
    // 40 days ago: a book that is now 19 days late (long overdue past 10 days)
    const lostItem = await act(addItem, { libraryId: library.id, barcode: `L${randomBytes(4).toString('hex')}`, title: 'Gone Book', replacementCostCents: 3000 });
    await act(checkout, { cardNumber: lost.cardNumber, itemBarcode: lostItem.barcode });
    ids.lostLoanItem = lostItem.id;
    // 25 days ago: a book now 4 days late
    clock.advanceDays(15);
    const lateItem = await act(addItem, { libraryId: library.id, barcode: `T${randomBytes(4).toString('hex')}`, title: 'Late Book' });
    await act(checkout, { cardNumber: late.cardNumber, itemBarcode: lateItem.barcode });
    ids.lateLoanItem = lateItem.id;
    // 10 days ago: a hold trapped at once (7 pick-up days, long past), another waiting behind it
    clock.advanceDays(15);
    const heldItem = await act(addItem, { libraryId: library.id, barcode: `H${randomBytes(4).toString('hex')}`, title: 'Wanted Book' });
    ids.heldItem = heldItem.id;
    ids.firstHold = (await act(placeHold, { cardNumber: first.cardNumber, itemBarcode: heldItem.barcode })).id;
    clock.advanceMinutes(5);
    ids.secondHold = (await act(placeHold, { cardNumber: second.cardNumber, itemBarcode: heldItem.barcode })).id;
  });

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** What each started process printed. */
  const printed = new Map<ChildProcess, () => string>();

  /** Spawns `carrel start` on the shared database; resolves once it serves. */
  async function startServer(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--no-demo'], {
      cwd: dataDir,
      env: cleanEnv({ DATABASE_URL: database.target, CARREL_KEY: key, CARREL_DATA_DIR: dataDir, CARREL_SCHEDULER_TICK_MS: '150' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (out += chunk));
    printed.set(child, () => out);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`carrel start did not serve in time:\n${out}`)), 30_000);
      child.stdout?.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('Carrel is serving on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`carrel start exited (${code}) before serving:\n${out}`));
      });
    });
    return child;
  }

  const jobRows = () => database.db.selectFrom('job_runs').selectAll().execute();

  it('runs each job once per period, whichever process claims it', async () => {
    const [a, b] = await Promise.all([startServer(), startServer()]);
    // Every job of this period done (the per-library ones for this library)
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = await jobRows();
      const done = new Set(rows.filter((r) => r.status === 'done').map((r) => r.job));
      if (['fines-accrue', 'long-overdue', 'holds-expire', 'retention', 'key-purge'].every((j) => done.has(j))) break;
      if (rows.some((r) => r.status === 'failed')) throw new Error(`a job failed: ${JSON.stringify(rows.filter((r) => r.status === 'failed'))}`);
      if (Date.now() > deadline) throw new Error(`the jobs did not all run in time: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Both keep ticking a while longer: nothing may run twice
    await new Promise((r) => setTimeout(r, 1_500));

    const rows = await jobRows();
    for (const job of ['fines-accrue', 'long-overdue', 'holds-expire'])
      expect(rows.filter((r) => r.job === job && r.period === `${today}@${ids.library}`).map((r) => r.status), job).toEqual(['done']);
    expect(rows.filter((r) => r.job === 'retention')).toHaveLength(1);
    expect(rows.filter((r) => r.job === 'key-purge').length).toBeGreaterThanOrEqual(1);
    expect(rows.every((r) => r.status === 'done' && r.finished_at !== null)).toBe(true);
    const outcome = (job: string) => JSON.parse(rows.find((r) => r.job === job && r.period.endsWith(`@${ids.library}`))?.outcome ?? 'null') as Record<string, number>;
    expect(outcome('fines-accrue')).toMatchObject({ loans: 2, created: 2, addedCents: 19 * 25 + 4 * 25 });
    expect(outcome('long-overdue')).toMatchObject({ lost: 1, chargedCents: 3000, feesCents: 500 });
    expect(outcome('holds-expire')).toMatchObject({ expired: 1, trapped: 1 });

    // The effects, once each
    const fines = await database.db.selectFrom('fines').select(['patron_id', 'kind', 'amount_cents']).where('library_id', '=', ids.library).execute();
    const of = (patronId: string) => fines.filter((f) => f.patron_id === patronId).map((f) => `${f.kind}:${f.amount_cents}`).sort();
    expect(of(ids.lostPatron)).toEqual(['fee:500', 'lost:3000', 'overdue:475']);
    expect(of(ids.latePatron)).toEqual(['overdue:100']);
    const holds = await database.db.selectFrom('holds').select(['id', 'status']).where('item_id', '=', ids.heldItem).execute();
    // The expired hold may already be gone: the retention run that followed disposes of ended holds by the profile.
    expect(holds.find((h) => h.id === ids.secondHold)?.status).toBe('ready');
    expect(holds.find((h) => h.id === ids.firstHold)?.status ?? 'disposed').toMatch(/^(expired|disposed)$/);
    const item = await database.db.selectFrom('items').select('status').where('id', '=', ids.heldItem).executeTakeFirstOrThrow();
    expect(item.status).toBe('on-hold-shelf');
    const actions = await database.db.selectFrom('access_log').select('action').where('library_id', '=', ids.library).where('action', 'in', ['hold-expired', 'hold-trapped', 'long-overdue-lost']).execute();
    expect(actions.map((a) => a.action).sort()).toEqual(['hold-expired', 'hold-trapped', 'long-overdue-lost']);
    const retentionRuns = await database.db.selectFrom('retention_runs').select('id').where('library_id', '=', ids.library).execute();
    expect(retentionRuns).toHaveLength(1);

    // Both ran the scheduler (each under its own name), and neither logged a failed job
    const runners = [a, b].map((child) => /Scheduled jobs run in this process as (\S+) /.exec(printed.get(child)?.() ?? '')?.[1]);
    expect(runners.every((r) => r !== undefined)).toBe(true);
    expect(new Set(runners).size).toBe(2);
    expect(rows.every((r) => runners.includes(r.runner))).toBe(true);
    for (const child of [a, b]) expect(printed.get(child)?.() ?? '').not.toContain('scheduled job failed');

    // Both stop cleanly on SIGTERM
    for (const child of [a, b]) {
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    }
  }, 180_000);
});
