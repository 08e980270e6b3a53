import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carrel, cleanEnv, COMPILED, document } from './cli-helpers.js';

/**
 * `carrel records …` end to end on SQLite (the compiled dist/: `npm run build` first): the register of
 * records kept outside Carrel, what is due, and a disposal confirmation, with `--as-of` moving time.
 */

interface Register {
  libraryId: string;
  series: { code: string; retentionDays: number; clause: string | null; due: { status: string; dueThrough: string } }[];
}

/** Today plus `days`, as YYYY-MM-DD (UTC): an `--as-of` date. */
function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('carrel records on sqlite', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let target: string;
  const json = (...args: string[]) => carrel(['--db', target, '--json', ...args], { env, cwd: dir });

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
    dir = mkdtempSync(join(tmpdir(), 'carrel-cli-records-'));
    env = cleanEnv({ CARREL_DATA_DIR: dir, CARREL_KEY_FILE: join(dir, 'carrel.key') });
    target = join(dir, 'carrel.db');
    expect((await json('init')).code).toBe(0);
    expect((await json('library', 'add', '--id', 'rf-lib', '--name', 'Ridgefield', '--profile', 'ridgefield-ct')).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the profile’s camera series, shows it due after 30 days, and clears it with a confirmation (RF-9)', async () => {
    // Given a ridgefield-ct library created today
    const listed = await json('records', 'list', '--library', 'rf-lib');
    expect(listed.code, listed.stderr).toBe(0);
    expect(document<Register[]>(listed)[0]?.series.map((s) => [s.code, s.retentionDays, s.clause, s.due.status])).toEqual([['security-camera', 30, 'RF-9', 'not-due']]);
    // When 31 days have passed
    const later = daysFromNow(31);
    const due = document<Register[]>(await json('records', 'due', '--as-of', later));
    // Then the footage is due
    expect(due).toEqual([{ libraryId: 'rf-lib', series: [expect.objectContaining({ code: 'security-camera', due: expect.objectContaining({ status: 'due' }) })] }]);
    // When disposal is confirmed through the day of the cutoff
    const through = due[0]!.series[0]!.due.dueThrough.slice(0, 10);
    const confirmed = await json('records', 'confirm', '--library', 'rf-lib', '--series', 'security-camera', '--through', through, '--method', 'DVR overwrite', '--as-of', later);
    expect(confirmed.code, confirmed.stdout + confirmed.stderr).toBe(0);
    expect(document<{ disposal: { method: string; confirmedBy: string } }>(confirmed).disposal).toMatchObject({ method: 'DVR overwrite', confirmedBy: 'system' });
    // Then nothing is due at that instant
    expect(document<Register[]>(await json('records', 'due', '--library', 'rf-lib', '--as-of', later))).toEqual([{ libraryId: 'rf-lib', series: [] }]);
  });

  it('refuses a confirmation reaching into the future with exit 1 and its code, and adds an operator series', async () => {
    const refused = await json('records', 'confirm', '--library', 'rf-lib', '--series', 'security-camera', '--through', daysFromNow(400));
    expect(refused.code).toBe(1);
    expect(document<{ error: { code: string } }>(refused).error.code).toBe('DISPOSAL_IN_FUTURE');
    const added = await json('records', 'add', '--library', 'rf-lib', '--code', 'sign-up-sheets', '--name', 'Program sign-up sheets', '--medium', 'paper', '--days', '7');
    expect(added.code, added.stdout + added.stderr).toBe(0);
    expect(document(added)).toMatchObject({ code: 'sign-up-sheets', retentionDays: 7, fromProfile: false });
  });
});
