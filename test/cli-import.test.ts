import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/storage/database.js';
import { keyStoreTargetFor } from '../src/storage/key-store.js';
import { BIN, carrel, cliWorkspace, COMPILED, document, type CliWorkspace } from './cli-helpers.js';
import { ENGINES } from './engines.js';
import { kohaPatrons } from './import-fixtures.js';

/**
 * `carrel import` end to end on both engines (the compiled dist/: `npm run build` first): the mapping
 * template on the first run, the dry run that writes nothing, the same file refused once imported, and an
 * import killed half-way (SIGKILL, no chance to tidy up) then run again: it resumes at its checkpoint and
 * ends exactly where an uninterrupted run of the same file ends, nothing imported twice.
 */

// Enough pages (of 20) for a kill to land between checkpoints; each MD5 PIN of the file is wrapped in argon2id at full cost.
const ROWS = 600;
const fixture = kohaPatrons({ count: ROWS, seed: 41, today: new Date().toISOString().slice(0, 10) });
const MAPPING = { categories: { PT: 'adult', J: 'juvenile', ST: 'staff', SR: 'senior' }, branches: { CPL: 'cpl', MPL: 'mpl', FPL: 'fpl' } };

interface Report {
  runId: string | null;
  dryRun: boolean;
  resumed: boolean;
  read: number;
  imported: number;
  rejected: { line: number; code: string; reason: string }[];
  duplicates: { line: number; sameAs: number | null; by: string }[];
  startedAt: string;
  finishedAt: string | null;
  [key: string]: unknown;
}

describe.each(ENGINES)('carrel import on %s', (engine) => {
  const spaces: CliWorkspace[] = [];
  const json = (space: CliWorkspace, ...args: string[]) => carrel(['--db', space.target, '--json', ...args], { env: space.env, cwd: space.dir });

  /** A workspace with the library, its branches and categories, and the export file. */
  async function library(): Promise<CliWorkspace & { file: string }> {
    const space = await cliWorkspace(engine, 'import');
    spaces.push(space);
    expect((await json(space, 'init')).code).toBe(0);
    expect((await json(space, 'library', 'add', '--id', 'lib', '--name', 'Lib', '--profile', 'imagineif-mt')).code).toBe(0);
    for (const code of ['cpl', 'mpl', 'fpl']) expect((await json(space, 'branch', 'add', '--library', 'lib', '--code', code, '--name', code)).code).toBe(0);
    for (const code of ['staff', 'senior']) expect((await json(space, 'category', 'add', '--library', 'lib', '--code', code, '--name', code)).code).toBe(0);
    const file = join(space.dir, 'borrowers.tsv');
    writeFileSync(file, fixture.text);
    return { ...space, file };
  }

  /** What two runs of one file must agree on: the report without its run's id and times, and the rows. */
  async function outcome(space: CliWorkspace, report: Report) {
    const { runId: _r, startedAt: _s, finishedAt: _f, resumed: _x, ...rest } = report;
    const database = openDatabase(space.target);
    const keys = openDatabase(keyStoreTargetFor(space.target));
    try {
      const n = async (db: Database, query: string) => Number((await sql<{ n: number }>`${sql.raw(query)}`.execute(db.db)).rows[0]!.n);
      return {
        report: rest,
        patrons: await n(database, 'select count(*) as n from patrons'),
        tokens: await n(database, 'select count(*) as n from patron_search'),
        guardians: await n(database, 'select count(*) as n from guardian_links'),
        logged: await n(database, "select count(*) as n from access_log where action = 'import'"),
        keys: await n(keys, engine === 'postgres' ? 'select count(*) as n from carrel_keys.data_keys' : 'select count(*) as n from data_keys'),
        importKeys: await n(database, 'select count(*) as n from import_keys'),
      };
    } finally {
      await database.close();
      await keys.close();
    }
  }

  beforeAll(() => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
  });
  afterAll(async () => {
    for (const space of spaces) {
      await space.pg?.drop();
      rmSync(space.dir, { recursive: true, force: true });
    }
  });

  it('writes a mapping template, refuses until it is filled, checks with a dry run that writes nothing, and refuses the same file twice', async () => {
    const space = await library();
    const first = await json(space, 'import', 'patrons', space.file, '--format', 'koha');
    expect(first.code).toBe(1);
    expect(document<{ error: { code: string; message: string } }>(first).error.code).toBe('IMPORT_MAPPING_NEEDED');
    const template = JSON.parse(readFileSync(`${space.file}.mapping.json`, 'utf8')) as { categories: Record<string, string | null> };
    expect(Object.keys(template.categories).sort()).toEqual(['J', 'PT', 'SR', 'ST']);
    expect((await json(space, 'import', 'patrons', space.file, '--format', 'koha')).code).toBe(1);
    writeFileSync(`${space.file}.mapping.json`, JSON.stringify(MAPPING));
    const dry = await json(space, 'import', 'patrons', space.file, '--format', 'koha', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(document<Report>(dry)).toMatchObject({ dryRun: true, read: ROWS, imported: fixture.people.filter((p) => p.expected === 'imported').length });
    expect(document<unknown[]>(await json(space, 'import', 'runs'))).toEqual([]);
    const real = await json(space, 'import', 'patrons', space.file, '--format', 'koha');
    expect(real.code, real.stderr).toBe(0);
    expect(document<Report>(real)).toMatchObject({ dryRun: false, resumed: false, imported: document<Report>(dry).imported, rejected: document<Report>(dry).rejected });
    const again = await json(space, 'import', 'patrons', space.file, '--format', 'koha');
    expect(again.code).toBe(1);
    expect(document<{ error: { code: string } }>(again).error.code).toBe('IMPORT_ALREADY_DONE');
    const human = await carrel(['--db', space.target, 'import', 'runs'], { env: space.env, cwd: space.dir });
    expect(human.stdout).toMatch(/patrons \(koha\) into lib: finished/);
    // Nothing personal in what the command printed.
    for (const person of fixture.people.slice(0, 200)) expect(real.stdout + human.stdout).not.toContain(person.email ?? '@@');
  }, 180_000);

  it('killed half-way, then run again: resumes at its checkpoint and ends where an uninterrupted run ends', async () => {
    const whole = await library();
    writeFileSync(`${whole.file}.mapping.json`, JSON.stringify(MAPPING));
    const uninterrupted = await json(whole, 'import', 'patrons', whole.file, '--format', 'koha', '--page-size', '20');
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    const expected = await outcome(whole, document<Report>(uninterrupted));

    const killed = await library();
    writeFileSync(`${killed.file}.mapping.json`, JSON.stringify(MAPPING));
    const child = spawn(process.execPath, [BIN, '--db', killed.target, '--json', 'import', 'patrons', killed.file, '--format', 'koha', '--page-size', '20'], { env: killed.env, cwd: killed.dir, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Watch the checkpoint move; kill the process (no chance to tidy up) once a third of the file is in.
    const watcher = openDatabase(killed.target);
    let checkpoint = 0;
    try {
      for (let i = 0; i < 3000 && checkpoint < ROWS / 3; i++) {
        await new Promise((r) => setTimeout(r, 10));
        const row = await watcher.db.selectFrom('import_runs').select('checkpoint_line').executeTakeFirst().catch(() => undefined);
        checkpoint = Number(row?.checkpoint_line ?? 0);
      }
      child.kill('SIGKILL');
      await exited;
      const run = await watcher.db.selectFrom('import_runs').select(['status', 'checkpoint_line']).executeTakeFirstOrThrow();
      expect(run.status).toBe('running');
      expect(Number(run.checkpoint_line)).toBeGreaterThan(1);
      expect(Number(run.checkpoint_line)).toBeLessThan(ROWS);
    } finally {
      await watcher.close();
    }
    const resumed = await json(killed, 'import', 'patrons', killed.file, '--format', 'koha', '--page-size', '20');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(document<Report>(resumed).resumed).toBe(true);
    expect(await outcome(killed, document<Report>(resumed))).toEqual(expected);
    expect(expected).toMatchObject({ patrons: fixture.people.filter((p) => p.expected === 'imported').length, importKeys: 0 });
    expect(expected.keys).toBe(expected.patrons);
  }, 240_000);
});
