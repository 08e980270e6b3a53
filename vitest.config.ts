import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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

/**
 * The unit files of src/ that change what a module holds for the whole process: they set an environment
 * variable a module reads once (CARREL_PROFILES_DIR before the profiles load), or mock, spy on or stub a
 * module, a global or the timers. Found by reading each file, so a new one is kept apart without a list to
 * remember.
 */
const MODULE_STATE = /\bvi\.(mock|doMock|spyOn|stub\w*|useFakeTimers)\b|process\.env(\.\w+|\[[^\]]+\])\s*=(?!=)|delete process\.env/;
const changesModuleState = readdirSync('src', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => join('src', file).split('\\').join('/'))
  .filter((file) => MODULE_STATE.test(readFileSync(file, 'utf8')));

export default defineConfig({
  test: {
    // The end-to-end files of test/ and the unit files that change module state run each in a fresh
    // process (vitest's isolation). The other unit files share their worker's modules (`isolate: false`):
    // each file's own database, server and clock are its own, and what modules keep between files is
    // keyed by database or by its input (the configuration shelves, the remembered masks). Measured on
    // this machine (2 cores, quiet), the unit files alone: 447 CPU-seconds isolated, 261 shared (import
    // 203 s → 27 s), of a suite bound by its CPU.
    projects: [
      { extends: true, test: { name: 'isolated', include: ['test/**/*.test.ts', ...changesModuleState] } },
      { extends: true, test: { name: 'shared', include: ['src/**/*.test.ts'], exclude: changesModuleState, isolate: false } },
    ],
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
