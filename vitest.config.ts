import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Vitest's order (the longest files of the last run first, or on a first run the largest), with the
 * end-to-end files of test/ ahead of the rest: they are the longest (each spawns `carrel` dozens of
 * times), and a long file started last would hold the whole run up while the other workers sit idle.
 */
class EndToEndFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const endToEnd = (file: TestSpecification) => relative(file.project.config.root, file.moduleId).startsWith('test/');
    return [...sorted.filter(endToEnd), ...sorted.filter((file) => !endToEnd(file))];
  }
}

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/secret-cost.setup.ts'],
    // Each test file gets its own SQLite file and its own PostgreSQL database, so files run in parallel.
    pool: 'forks',
    // Vitest's default is one worker less than the cores: one worker on a 2-core CI machine, so the files
    // ran one after another. Measured on 2 cores beside the browser tests: two workers kept the CPU busy
    // 56% of the time (the files wait on spawned `carrel` processes, fsync and timers) and took 1,032 s;
    // three, 63% and 890 s; four, 69% and 764 s. Four run side by side. Five were tried in a fresh-clone
    // run (2026-12-07): vitest 1,177 s against 1,075 s with four, and the browser tests beside it 18.0 min
    // against 15.2, so the whole run took 21.5 min against 19.6.
    maxWorkers: 4,
    // A hang guard, not a measure: with files side by side a test that spawns `carrel` two dozen times
    // takes longer than alone (one took 76 s in a fresh-clone CI run, and a loaded host has made the whole
    // run twice as slow as that).
    testTimeout: 240_000,
    hookTimeout: 240_000,
    sequence: { sequencer: EndToEndFirst },
    reporters: ['default'],
  },
});
