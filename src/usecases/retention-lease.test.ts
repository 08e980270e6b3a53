import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { libraryWorld, type World } from '../../test/factories.js';
import { ManualClock } from '../domain/clock.js';
import { DomainError } from '../domain/errors.js';
import { SYSTEM } from '../policy/actors.js';
import { run, type Caller, type Runtime } from './context.js';
import { claimRetentionRun, retentionSetup } from './retention-run.usecases.js';

/**
 * A retention run's lease (issue 22, defect 9) is kept on real time, never on the run's clock: a run
 * owned by a process on another host holds the library for ten minutes of the wall clock after its last
 * renewal, however far an operator's `--as-of` moves, and is taken over once they have passed.
 */
describe.each(ENGINES)('the retention run’s lease on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  const caller: Caller = { actor: SYSTEM, purpose: 'retention', channel: 'job' };

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
  });
  afterAll(() => database.drop());

  it('holds a remote run for ten minutes of real time after its last renewal, whatever the run’s clock says', async () => {
    const wall = new ManualClock('2026-12-07T03:00:00Z');
    const runtime: Runtime = { ...w.runtime, wallClock: wall };
    const { profile } = await run(runtime, caller, retentionSetup, { libraryId });
    const claim = (owner: string) => run(runtime, caller, claimRetentionRun, { libraryId, profile: { id: profile.id, version: profile.version }, asOf: w.clock.now().toISOString(), owner });
    // Given a run claimed by a process on another host (its liveness cannot be looked for from here)
    const first = await claim('another-host.example:4242:a1b2c3');

    // When a second run comes five minutes of real time later, with the same --as-of: refused, the lease holds
    wall.set('2026-12-07T03:05:00Z');
    const refused = await claim('another-host.example:4343:d4e5f6').catch((error: unknown) => error);
    expect(refused instanceof DomainError && refused.code).toBe('RETENTION_RUN_IN_PROGRESS');

    // Then eleven minutes after the claim, the lease has run out and the run is taken over
    wall.set('2026-12-07T03:11:00Z');
    const second = await claim('another-host.example:4444:0a0b0c');
    expect(second.resumedFrom).toBe(first.runId);
  });
});
