/**
 * A short run of the HTTP fuzzer (bench/lib/fuzz.ts; the full run is `npm run fuzz`, 20,000 requests
 * per engine) against the seeded demo library on each engine: no answer is a 500, every status is
 * declared for its operation, every error is in Carrel's shape (issue 22).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport, fuzz, type FuzzReport } from '../bench/lib/fuzz.js';
import { startFuzzWorld, type FuzzWorld } from '../bench/lib/fuzz-world.js';
import { ENGINES, freshDatabase, type TestDatabase } from './engines.js';
import { world } from './factories.js';

const REQUESTS = Number(process.env.CARREL_FUZZ_REQUESTS ?? 1500);

describe.each(ENGINES)('the fuzzer on %s', (engine) => {
  let database: TestDatabase;
  let fuzzWorld: FuzzWorld;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    fuzzWorld = await startFuzzWorld((await world(database)).runtime);
  }, 120_000);
  afterAll(async () => {
    await fuzzWorld?.close();
    await database?.drop();
  });

  it(`answers ${REQUESTS} generated requests with no 500, only declared statuses, every error in Carrel’s shape`, async () => {
    // One request at a time: the run is about what input can do, and stays the same run every time (two
    // requests of one patron racing their own deletion are for `npm run fuzz`, four at a time).
    const report: FuzzReport = await fuzz({ baseUrl: fuzzWorld.baseUrl, identities: fuzzWorld.identities, requests: REQUESTS, seed: engine === 'sqlite' ? 7 : 8, concurrency: 1, ...fuzzWorld.pools, skip: fuzzWorld.skip });
    const summary = formatReport(engine, report);
    expect(report.findingCounts, summary).toEqual({ 'status-500': 0, 'undeclared-status': 0, 'not-error-shape': 0 });
    expect(fuzzWorld.errors, summary).toEqual([]);
    // The run reached past the permission checks into the use cases.
    expect(report.byStatus['200'] ?? 0, summary).toBeGreaterThan(0);
  }, 120_000);
});
