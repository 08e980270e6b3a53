import { existsSync } from 'node:fs';
import { beforeAll, describe, it } from 'vitest';
import { COMPILED } from './cli-helpers.js';
import { describeCommands } from './cli-commands.js';
import { ENGINES } from './engines.js';

/**
 * The operator's commands (test/cli-commands.ts) on PostgreSQL: spawns `node bin/carrel.js …` (the compiled
 * dist/, so `npm run build` first; `npm test` does it). A file of its own so that it runs beside the SQLite
 * run (test/cli.test.ts) rather than after it.
 */

beforeAll(() => {
  if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
});

if (ENGINES.includes('postgres')) describeCommands('postgres');
else describe.skip('carrel CLI on postgres (PostgreSQL unreachable: see the run\'s warning)', () => it.skip('needs PostgreSQL'));
