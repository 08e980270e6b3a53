import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carrel, cliWorkspace, COMPILED, document } from './cli-helpers.js';
import { ENGINES, type TestDatabase } from './engines.js';

/**
 * `carrel catalogue import` end to end on both engines (the compiled dist/: `npm run build` first): a
 * Koha file, an Evergreen MARCXML file, a corrupt record reported by number, the dry run, all or
 * nothing, a bad --format and a bad --mapping.
 */

const FIXTURES = new URL('./fixtures/marc/', import.meta.url).pathname;

interface Report {
  read: number;
  imported: { created: number; updated: number };
  copiesAdded: number;
  copiesKept: number;
  rejected: { record: number; code: string; reason: string }[];
  rejectedCount: number;
}

describe.each(ENGINES)('carrel catalogue import on %s', (engine) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let target: string;
  let pg: TestDatabase | undefined;
  const json = (...args: string[]) => carrel(['--db', target, '--json', ...args], { env, cwd: dir });
  const human = (...args: string[]) => carrel(['--db', target, ...args], { env, cwd: dir });

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
    ({ dir, env, target, pg } = await cliWorkspace(engine, 'marc'));
    expect((await json('init')).code).toBe(0);
    for (const id of ['marc-a', 'marc-b', 'marc-c']) {
      expect((await json('library', 'add', '--id', id, '--name', id)).code).toBe(0);
      for (const code of ['central', 'east']) expect((await json('branch', 'add', '--library', id, '--code', code, '--name', code)).code).toBe(0);
    }
  }, 60_000);
  afterAll(async () => {
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a Koha file (format guessed), then updates it on a second run', async () => {
    const first = await json('catalogue', 'import', join(FIXTURES, 'koha.mrc'), '--library', 'marc-a');
    expect(first.code, first.stderr).toBe(0);
    expect(document<Report>(first)).toMatchObject({ read: 12, imported: { created: 12, updated: 0 }, copiesAdded: 16, rejectedCount: 0 });
    const again = document<Report>(await json('catalogue', 'import', join(FIXTURES, 'koha.mrc'), '--library', 'marc-a'));
    expect(again).toMatchObject({ imported: { created: 0, updated: 12 }, copiesAdded: 0, copiesKept: 16 });
  });

  it('imports an Evergreen MARCXML file and reports a corrupt record by its number', async () => {
    const xml = await json('catalogue', 'import', join(FIXTURES, 'evergreen.xml'), '--library', 'marc-b', '--mapping', 'evergreen');
    expect(xml.code, xml.stderr).toBe(0);
    expect(document<Report>(xml)).toMatchObject({ read: 8, imported: { created: 8 }, copiesAdded: 11 });
    const corrupt = await human('catalogue', 'import', join(FIXTURES, 'corrupt.mrc'), '--library', 'marc-b', '--format', 'marc');
    expect(corrupt.code, corrupt.stderr).toBe(0);
    expect(corrupt.stdout).toContain('Read 6 records');
    expect(corrupt.stdout).toContain('Rejected 1 record.');
    expect(corrupt.stdout).toMatch(/record 3: MARC_RECORD_INVALID: bad directory/);
  });

  it('writes nothing on a dry run or with --all-or-nothing and a bad record (exit 1)', async () => {
    const dry = await json('catalogue', 'import', join(FIXTURES, 'koha.mrc'), '--library', 'marc-c', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(document<Report & { dryRun: boolean }>(dry)).toMatchObject({ read: 12, dryRun: true, imported: { created: 0 } });
    const all = await json('catalogue', 'import', join(FIXTURES, 'corrupt.mrc'), '--library', 'marc-c', '--all-or-nothing');
    expect(all.code).toBe(1);
    const refused = document<{ error: { code: string; problems: { message: string }[] } }>(all).error;
    expect(refused.code).toBe('MARC_RECORD_INVALID');
    expect(refused.problems[1]?.message).toMatch(/^record 3: /);
    // Nothing reached marc-c (the corrupt file's five good records are the Koha file's first ones): a real import now creates every record.
    const real = document<Report>(await json('catalogue', 'import', join(FIXTURES, 'koha.mrc'), '--library', 'marc-c'));
    expect(real.imported).toEqual({ created: 12, updated: 0 });
  });

  it('refuses a bad --format (usage), a bad --mapping and a file that is not MARC', async () => {
    expect((await json('catalogue', 'import', join(FIXTURES, 'koha.mrc'), '--library', 'marc-a', '--format', 'csv')).code).toBe(2);
    const mapping = await json('catalogue', 'import', join(FIXTURES, 'koha.mrc'), '--library', 'marc-a', '--mapping', 'sierra');
    expect(mapping.code).toBe(1);
    expect(document<{ error: { code: string } }>(mapping).error.code).toBe('IMPORT_MAPPING_INVALID');
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello\n');
    const notMarc = await json('catalogue', 'import', text, '--library', 'marc-a');
    expect(notMarc.code).toBe(1);
    expect(document<{ error: { code: string } }>(notMarc).error.code).toBe('IMPORT_FAILED');
  });
});
