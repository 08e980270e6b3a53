import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carrel, cleanEnv, COMPILED, document } from './cli-helpers.js';

/**
 * `carrel backup` and `carrel restore` end to end on SQLite (the compiled dist/: `npm run build` first):
 * a private, sealed file; a restore that refuses a non-empty database; a deleted patron who comes back
 * within the key-store retention and never after it.
 */

interface RestoreReport {
  tables: Record<string, number>;
  patrons: { intact: number; reinstated: number; deletionsHonoured: number; unrecoverable: number };
}

interface ErrorDocument {
  error: { code: string };
}

/** Today plus `days`, as YYYY-MM-DD (UTC): an `--as-of` date. */
function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('carrel backup and restore on sqlite', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let target: string;
  const json = (...args: string[]) => carrel(['--db', target, '--json', ...args], { env, cwd: dir });
  const people: { card: string; name: string; email: string; phone: string; address: string }[] = [];

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
    dir = mkdtempSync(join(tmpdir(), 'carrel-cli-backup-'));
    env = cleanEnv({ CARREL_DATA_DIR: dir, CARREL_KEY_FILE: join(dir, 'carrel.key') });
    target = join(dir, 'carrel.db');
    expect((await json('init')).code).toBe(0);
    expect((await json('library', 'add', '--id', 'bk-lib', '--name', 'Backup Library')).code).toBe(0);
    for (const label of ['Wenceslas', 'Ottoline']) {
      const person = { name: `${label} Brightwater-Qx`, email: `${label.toLowerCase()}.qx@example.org`, phone: '+1 505 555 0199', address: `12 ${label} Crescent` };
      const added = await json('patron', 'add', '--library', 'bk-lib', '--name', person.name, '--birth-date', '1970-03-03', '--email', person.email, '--phone', person.phone, '--address', person.address);
      expect(added.code, added.stderr).toBe(0);
      people.push({ ...person, card: document<{ cardNumber: string }>(added).cardNumber });
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a private backup with no personal field in it, and refuses to restore over data without --force', async () => {
    const file = join(dir, 'nightly.backup');
    const made = await json('backup', '--out', file);
    expect(made.code, made.stderr).toBe(0);
    const written = document<{ file: string; bytes: number; tables: Record<string, number> }>(made);
    expect(written.file).toBe(file);
    expect(written.bytes).toBe(statSync(file).size);
    expect(written.tables.patrons).toBe(2);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const raw = readFileSync(file).toString('latin1');
    for (const p of people) for (const value of [p.name, p.email, p.phone, p.address, p.card, 'Brightwater']) expect(raw).not.toContain(value);

    const refused = await json('restore', file);
    expect(refused.code).toBe(1);
    expect(document<ErrorDocument>(refused).error.code).toBe('RESTORE_TARGET_NOT_EMPTY');
    const human = await carrel(['--db', target, 'restore', file], { env, cwd: dir });
    expect(human.stderr).toContain('RESTORE_TARGET_NOT_EMPTY');
  });

  it('brings a deleted patron back within the key-store retention, and never after it', async () => {
    const file = join(dir, 'before-deletion.backup');
    expect((await json('backup', '--out', file)).code).toBe(0);
    const [gone, kept] = people as [(typeof people)[0], (typeof people)[0]];

    expect((await json('patron', 'delete', '--card', gone.card, '--as-of', daysFromNow(1))).code).toBe(0);
    const within = await json('restore', file, '--force', '--reinstate-deleted', '--as-of', daysFromNow(2));
    expect(within.code, within.stdout + within.stderr).toBe(0);
    expect(document<RestoreReport>(within).patrons).toEqual({ intact: 1, reinstated: 1, deletionsHonoured: 0, unrecoverable: 0 });
    expect(document<{ patron: { name: string } }>(await json('export-patron', '--card', gone.card)).patron.name).toBe(gone.name);

    expect((await json('patron', 'delete', '--card', gone.card, '--as-of', daysFromNow(3))).code).toBe(0);
    const after = await json('restore', file, '--force', '--reinstate-deleted', '--as-of', daysFromNow(11));
    expect(after.code, after.stdout + after.stderr).toBe(0);
    const report = document<RestoreReport>(after);
    expect(report.patrons).toEqual({ intact: 1, reinstated: 0, deletionsHonoured: 0, unrecoverable: 1 });
    expect(after.stdout).not.toContain(gone.name);
    const lookedUp = await json('export-patron', '--card', gone.card);
    expect(lookedUp.code).toBe(1);
    expect(document<ErrorDocument>(lookedUp).error.code).toBe('PATRON_NOT_FOUND');
    expect(document<{ patron: { name: string; email: string } }>(await json('export-patron', '--card', kept.card)).patron).toMatchObject({ name: kept.name, email: kept.email });
  });

  it('restores into a new database only beside a copy of the key store, and refuses a damaged file', async () => {
    const file = join(dir, 'move.backup');
    expect((await json('backup', '--out', file)).code).toBe(0);
    const [, kept] = people as [(typeof people)[0], (typeof people)[0]];

    const bare = join(dir, 'bare.db');
    const withoutKeys = await carrel(['--db', bare, '--json', 'restore', file], { env, cwd: dir });
    expect(withoutKeys.code).toBe(1);
    expect(document<ErrorDocument>(withoutKeys).error.code).toBe('BACKUP_UNREADABLE');

    const moved = join(dir, 'moved.db');
    copyFileSync(join(dir, 'carrel-keys.db'), join(dir, 'moved-keys.db'));
    const restored = await carrel(['--db', moved, 'restore', file], { env, cwd: dir });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/Patrons: 1 intact, 0 deleted since the backup \(left deleted\), 0 reinstated, 0 unrecoverable/);
    const exported = await carrel(['--db', moved, 'export-patron', '--card', kept.card], { env, cwd: dir });
    expect(document<{ patron: { name: string } }>(exported).patron.name).toBe(kept.name);

    const damaged = Buffer.from(readFileSync(file));
    damaged[damaged.length - 30] = damaged[damaged.length - 30] === 0x41 ? 0x42 : 0x41;
    writeFileSync(join(dir, 'damaged.backup'), damaged);
    for (const bad of [join(dir, 'damaged.backup'), join(dir, 'no-such.backup')]) {
      const run = await json('restore', bad, '--force');
      expect(run.code).toBe(1);
      expect(document<ErrorDocument>(run).error.code).toBe('BACKUP_UNREADABLE');
    }
    expect(document<{ patron: { name: string } }>(await json('export-patron', '--card', kept.card)).patron.name).toBe(kept.name);
  });
});
