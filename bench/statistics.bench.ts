/**
 * How long a statistics answer takes with small-cell suppression and its bounds audit (a maximum flow per
 * question): `npm run build --silent && node dist/bench/statistics.bench.js`.
 *
 * 1. The suppression alone (policy/statistics.policy.ts) on random tables of 24×24, 36×24 and 60×8
 *    cells at several shares of small counts (threshold 10), each timed over a few runs, with its audit
 *    by maximum flow (as Carrel runs it) and, for comparison, by the linear programme (HiGHS).
 * 2. The whole request (statistics.usecases.ts) on an embedded SQLite database: circulation by month ×
 *    item type over 24 months and 24 item types (the largest table a library asks for), both ways round,
 *    and computer use by month × age band. The aggregate rows are seeded directly. The floor, measured in
 *    the same run, is the aggregate read alone; the ratio says what suppression and its audit cost. The
 *    first request of a table audits it; the next ones find its mask remembered (statistics-masks.ts), as
 *    the table's chart, its CSV or a reload do. The table the other way round shares the first's mask.
 *    The process's very first requests (code and statements cold, once a process) are printed apart.
 * A benchmark reports; it never asserts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fixedClock } from '../src/domain/clock.js';
import { SYSTEM } from '../src/policy/actors.js';
import { suppressedTable } from '../src/policy/statistics.policy.js';
import { tableBounds } from '../src/solver/table-bounds.js';
import { flowBounds } from '../src/solver/table-flow.js';
import { openDatabase } from '../src/storage/database.js';
import { keyStoreTargetFor, openKeyStore } from '../src/storage/key-store.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { run, type Caller, type Runtime } from '../src/usecases/context.js';
import { createLibrary } from '../src/usecases/library.usecases.js';
import { statistics, type StatisticsInput } from '../src/usecases/statistics.usecases.js';
import { statsCells } from '../src/storage/statistics.repository.js';
import { randomKey } from '../src/vault/cipher.js';
import { Keyring } from '../src/vault/keyring.js';
import { Vault } from '../src/vault/vault.js';
import { median } from './lib/stats.js';

/** A seeded generator: the same tables on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function policyTimings(): Promise<void> {
  const bounds = await tableBounds();
  const random = seeded(2026);
  const k = 10;
  console.log('suppression alone, its audit by maximum flow as Carrel runs it (threshold 10; counts 0 one time in five, else small with the share given)');
  for (const [rows, columns] of [
    [24, 24],
    [36, 24],
    [60, 8],
  ] as const)
    for (const share of [0.1, 0.3, 0.6, 0.9]) {
      const times: number[] = [];
      const byProgramme: number[] = [];
      let hidden = 0;
      let complements = 0;
      for (let n = 0; n < 5; n++) {
        const matrix = Array.from({ length: rows }, () => Array.from({ length: columns }, () => (random() < 0.2 ? 0 : random() < share ? 1 + Math.floor(random() * (k - 1)) : k + Math.floor(random() * 40))));
        const counts = new Map(matrix.map((row, i) => [`r${i}`, new Map(row.map((v, j) => [`c${j}`, v]))]));
        const suppress = (oracle: typeof bounds) =>
          suppressedTable(
            matrix.map((_, i) => `r${i}`),
            (matrix[0] ?? []).map((_, j) => `c${j}`),
            counts,
            k,
            oracle,
          );
        let started = performance.now();
        const table = suppress(flowBounds);
        times.push(performance.now() - started);
        started = performance.now();
        suppress(bounds);
        byProgramme.push(performance.now() - started);
        hidden += table.suppressedCount;
        complements += table.complementaryCount;
      }
      console.log(
        `  ${rows}×${columns}, ${Math.round(share * 100)}% small: median ${ms(median(times))}, max ${ms(Math.max(...times))} (with the linear programme: median ${ms(median(byProgramme))}); hidden ${hidden / 5}, of which complements ${complements / 5}`,
      );
    }
}

async function requestTimings(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'carrel-stats-bench-'));
  const target = join(dir, 'carrel.db');
  const database = openDatabase(target);
  const keyStore = await openKeyStore(keyStoreTargetFor(target));
  try {
    await migrateToLatest(database.db);
    const clock = fixedClock('2026-04-10T16:00:00.000Z');
    const vault = await Vault.open({ keyring: new Keyring([randomKey()], { kind: 'env' }), store: keyStore, now: clock.now() });
    const runtime: Runtime = { db: database.db, clock, vault };
    const caller: Caller = { actor: SYSTEM, purpose: 'statistics', channel: 'cli' };
    const { library, branches } = await run(runtime, { ...caller, purpose: 'administration' }, createLibrary, { id: 'bench', name: 'Bench Library', profileId: 'imagineif-mt', timeZone: 'America/Denver' });
    const branch = (branches[0] as { id: string }).id;
    const random = seeded(7);
    const bands = ['0-12', '13-17', '18-64', '65+', 'unknown'];
    const circulation = [];
    const services = [];
    for (let m = 0; m < 24; m++) {
      const day = `${2024 + Math.floor((m + 3) / 12)}-${String(((m + 3) % 12) + 1).padStart(2, '0')}-15`;
      for (let t = 0; t < 24; t++)
        circulation.push({ library_id: library.id, day, branch_id: branch, item_type: `type-${String(t).padStart(2, '0')}`, patron_category: 'adult', age_band: '18-64', loans: random() < 0.3 ? 1 + Math.floor(random() * 4) : 5 + Math.floor(random() * 60) });
      for (const band of bands)
        services.push({ library_id: library.id, day, branch_id: branch, kind: 'computer-session', patron_category: 'adult', age_band: band, records: random() < 0.4 ? 1 + Math.floor(random() * 4) : 5 + Math.floor(random() * 30), minutes: 0 });
    }
    for (let i = 0; i < circulation.length; i += 100) await database.db.insertInto('circulation_stats').values(circulation.slice(i, i + 100)).execute();
    await database.db.insertInto('service_stats').values(services).execute();
    // Services are published once a retention run has counted them: say one has, as of the clock.
    await database.db
      .insertInto('retention_runs')
      .values({ id: 'bench-run', library_id: library.id, profile_id: 'imagineif-mt', profile_version: 1, as_of: clock.now().toISOString(), started_at: clock.now().toISOString(), heartbeat_at: clock.now().toISOString(), finished_at: clock.now().toISOString(), status: 'finished', services_counted_through: clock.now().toISOString() })
      .execute();

    console.log('whole request on SQLite (24 months, 2024-04 to 2026-03)');
    // The floor: the same aggregate read alone (the repository's GROUP BY), no suppression, no use case.
    type Floor = Parameters<typeof statsCells>[1];
    const requests: [string, Omit<StatisticsInput, 'libraryId'>, Floor][] = [
      ['circulation, month × item type (24×24)', { kind: 'circulation', rows: 'period', columns: 'item-type', from: '2024-04-01', to: '2026-04-01' }, { table: 'circulation_stats', libraryId: library.id, fromDay: '2024-04-01', toDay: '2026-04-01', rows: 'month', columns: 'item_type' }],
      ['circulation, item type × month (24×24)', { kind: 'circulation', rows: 'item-type', columns: 'period', from: '2024-04-01', to: '2026-04-01' }, { table: 'circulation_stats', libraryId: library.id, fromDay: '2024-04-01', toDay: '2026-04-01', rows: 'item_type', columns: 'month' }],
      ['computer use, month × age band (24×5)', { kind: 'computer-use', rows: 'period', columns: 'age-band', from: '2024-04-01', to: '2026-04-01' }, { table: 'service_stats', libraryId: library.id, fromDay: '2024-04-01', toDay: '2026-04-01', rows: 'month', columns: 'age_band', kind: 'computer-session' }],
    ];
    // A server answers its first request of all with its code and statements not yet compiled; that is
    // paid once a process, not once a table. It is printed apart, from a table of one year (another grid,
    // so another mask), and each table below then finds the server running, as a library's would.
    for (const kind of ['circulation', 'computer-use'] as const) {
      const started = performance.now();
      await run(runtime, caller, statistics, { libraryId: library.id, kind, rows: 'period', columns: kind === 'circulation' ? 'item-type' : 'age-band', from: '2024-04-01', to: '2025-04-01' });
      console.log(`  the process's first ${kind} request (of 2024-04 to 2025-03, its code and statements cold): ${ms(performance.now() - started)}`);
    }
    for (const [label, input, floorQuery] of requests) {
      const floor: number[] = [];
      for (let n = 0; n < 10; n++) {
        const started = performance.now();
        await statsCells(database.db, floorQuery);
        floor.push(performance.now() - started);
      }
      const times: number[] = [];
      let result: Awaited<ReturnType<typeof statistics>> | undefined;
      for (let n = 0; n < 10; n++) {
        const started = performance.now();
        result = await run(runtime, caller, statistics, { libraryId: library.id, ...input });
        times.push(performance.now() - started);
      }
      console.log(`  ${label}: first ${ms(times[0] as number)}, median ${ms(median(times))}, max ${ms(Math.max(...times))}; hidden ${result?.suppressed.total}`);
      console.log(
        `    floor (the aggregate read alone): median ${ms(median(floor))}; request / floor: first (audited) ${((times[0] as number) / median(floor)).toFixed(1)}×, again (remembered mask) ${(median(times.slice(1)) / median(floor)).toFixed(1)}×`,
      );
    }
  } finally {
    await keyStore.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await policyTimings();
await requestTimings();
