import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/storage/database.js';
import { keyStoreTargetFor, openKeyStore } from '../src/storage/key-store.js';
import { randomKey } from '../src/vault/cipher.js';
import { readKeyFileKeys } from '../src/vault/keyring.js';
import { openVaultFor } from '../src/vault/open-vault.js';
import { BIN, carrel, cliWorkspace, document } from './cli-helpers.js';
import { ENGINES, type TestDatabase } from './engines.js';

/**
 * The vault through the operator's command: find and delete patrons, refuse a wrong key, and a key
 * rotation killed (SIGKILL) half-way that is run again and finishes with every patron readable.
 */
/** A process of its own holding a SQLite connection open (a server, say), until killed. */
async function holdOpen(file: string): Promise<ChildProcess> {
  const script = `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(file)}); db.prepare('select count(*) from sqlite_master').get(); console.log('open'); setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the connection holder exited (${code})`)));
  });
  return child;
}

describe.each(ENGINES)('carrel vault commands on %s', (engine) => {
  let dir: string;
  let target: string;
  let env: NodeJS.ProcessEnv;
  let pg: TestDatabase | undefined;
  const cards: string[] = [];
  const json = (...args: string[]) => carrel(['--db', target, '--json', ...args], { env, cwd: dir });

  beforeAll(async () => {
    ({ dir, env, target, pg } = await cliWorkspace(engine, 'vault'));
    expect((await json('init')).code).toBe(0);
    expect((await json('library', 'add', '--id', 'vault-lib', '--name', 'Vault Library')).code).toBe(0);
    for (const name of ['Ingrid Okonkwo-Vault', 'Tobias Vault', 'Ingrid Marsh']) {
      const added = await json('patron', 'add', '--library', 'vault-lib', '--name', name, '--birth-date', '1975-05-05', '--email', `${name.split(' ')[1]?.toLowerCase()}@example.org`);
      expect(added.code, added.stderr).toBe(0);
      cards.push(document<{ cardNumber: string }>(added).cardNumber);
    }
  });
  afterAll(async () => {
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds patrons by exact name word and email, through the blind index', async () => {
    const ingrids = document<{ name: string }[]>(await json('patron', 'find', '--name', 'INGRID'));
    expect(ingrids.map((p) => p.name).sort()).toEqual(['Ingrid Marsh', 'Ingrid Okonkwo-Vault']);
    const byEmail = document<{ cardNumber: string }[]>(await json('patron', 'find', '--email', 'Marsh@Example.org'));
    expect(byEmail.map((p) => p.cardNumber)).toEqual([cards[2]]);
    expect((await json('patron', 'find')).code).toBe(1);
  });

  it('refuses to start with a wrong key, and says why', async () => {
    const wrong = join(dir, 'wrong.key');
    writeFileSync(wrong, `${randomKey().toString('base64')}\n`, { mode: 0o600 });
    const run = await carrel(['--db', target, 'export-patron', '--card', cards[0] as string], { env: { ...env, CARREL_KEY_FILE: wrong }, cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/wrong key/);
    expect(run.stdout).toBe('');
  });

  it('never answers a lost key file with a new key', async () => {
    const lost = join(dir, 'lost', 'carrel.key');
    const run = await carrel(['--db', target, 'init'], { env: { ...env, CARREL_KEY_FILE: lost }, cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(engine === 'sqlite' ? /key file .* is missing, but this installation's key store/ : /wrong key/);
    expect(existsSync(lost)).toBe(false); // nothing left behind that could be mistaken for the key
  });

  it('resumes a rotation killed half-way; afterwards every patron decrypts under the new key', async () => {
    // Enough keys that the rotation is still running when it is killed: a thousand batches of 10, so the
    // kill at the first progress past 5% leaves some 950 commits still to do.
    const opened = await openVaultFor(target, { keyFile: join(dir, 'carrel.key'), now: new Date(), databaseHasPatrons: async () => true });
    for (let page = 0; page < 10; page++)
      await opened.vault.createPatronKeys(
        Array.from({ length: 1000 }, () => randomUUID()),
        new Date(),
      );
    const oldKek = opened.vault.keyring.current;
    await opened.close();

    const child = spawn(process.execPath, [BIN, '--db', target, 'keys', 'rotate', '--batch-size', '10'], { env, cwd: dir });
    let stderr = '';
    const killed = await new Promise<boolean>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const percents = [...stderr.matchAll(/(\d+)% \(/g)].map((m) => Number(m[1]));
        if (percents.some((p) => p >= 5 && p < 90) && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve(true);
        }
      });
      child.on('exit', () => resolve(false));
    });
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.on('exit', resolve)));
    expect(killed, `the rotation finished before it could be killed:\n${stderr}`).toBe(true);
    expect(readKeyFileKeys(join(dir, 'carrel.key'))).toHaveLength(2); // interrupted: new key first, old kept

    const status = document<{ dataKeys: { byKek: Record<string, number> } }>(await json('keys', 'status'));
    expect(Object.keys(status.dataKeys.byKek)).toHaveLength(2); // some rewrapped, some not

    const again = await json('keys', 'rotate');
    expect(again.code, again.stderr).toBe(0);
    const report = document<{ resumed: boolean; retired: string[]; current: string }>(again);
    expect(report).toMatchObject({ resumed: true, retired: [oldKek] });
    expect(readKeyFileKeys(join(dir, 'carrel.key'))).toHaveLength(1);
    const after = document<{ current: string; dataKeys: { byKek: Record<string, number> } }>(await json('keys', 'status'));
    expect(Object.keys(after.dataKeys.byKek)).toEqual([report.current]);
    for (const card of cards) {
      const exported = await carrel(['--db', target, 'export-patron', '--card', card], { env, cwd: dir });
      expect(exported.code, exported.stderr).toBe(0);
      expect(document<{ patron: { cardNumber: string } }>(exported).patron.cardNumber).toBe(card);
    }
  }, 180_000);

  it('after a rotation, no key wrapped under the retired key is left in the key store’s files (WAL included), with a server’s connection open', async () => {
    const opened = await openVaultFor(target, { keyFile: join(dir, 'carrel.key'), now: new Date(), databaseHasPatrons: async () => true });
    for (let i = 0; i < 300; i++) await opened.vault.createPatronKey(randomUUID(), new Date());
    await opened.close();
    // Every wrapped key as it is now: under the key about to be retired.
    const wrappedBefore = new Set<string>();
    const store = await openKeyStore(keyStoreTargetFor(target));
    try {
      for (const table of ['data_keys', 'vault_keys', 'shredded_keys'] as const)
        for (const row of await store.db.selectFrom(table).select('wrapped').execute()) wrappedBefore.add(row.wrapped);
    } finally {
      await store.close();
    }
    expect(wrappedBefore.size).toBeGreaterThan(300);
    const files = () => ['', '-wal', '-shm', '-journal'].map((s) => `${keyStoreTargetFor(target)}${s}`).filter((f) => existsSync(f));
    // Each wrapping begins with its version and its own random IV: found by that head, then compared whole
    // (one pass over each file, however many keys there are).
    const head = (wrapped: string) => wrapped.slice(0, wrapped.indexOf('.', wrapped.indexOf('.') + 1) + 1);
    const byHead = new Map([...wrappedBefore].map((w) => [head(w), w]));
    const oldOnDisk = () =>
      files().flatMap((file) => {
        const text = readFileSync(file).toString('latin1');
        return [...text.matchAll(/v\d+\.[A-Za-z0-9_-]{16}\./g)].filter((m) => text.startsWith(byHead.get(m[0]) ?? '\u0000', m.index)).map(() => file);
      });
    // The control: the scan finds the current wrappings where they are.
    if (engine === 'sqlite') expect(oldOnDisk().length).toBeGreaterThanOrEqual(wrappedBefore.size);

    // A server's connection to the key store stays open throughout, in a process of its own (SQLite then
    // leaves the WAL in place when the rotating command closes; and reading the files from this process
    // would drop this process's own SQLite locks).
    const server = engine === 'sqlite' ? await holdOpen(keyStoreTargetFor(target)) : undefined;
    const admin = engine === 'postgres' ? openDatabase(target) : undefined;
    const relfile = async () => (admin ? (await sql<{ f: number }>`select pg_relation_filenode('carrel_keys.data_keys')::int as f`.execute(admin.db)).rows[0]?.f : undefined);
    try {
      const fileBefore = await relfile();
      // When the key is rotated
      const rotated = await json('keys', 'rotate');
      expect(rotated.code, rotated.stderr).toBe(0);
      const report = document<{ rewrapped: number; oldWrappings: { log: string; tablesRewritten?: boolean } }>(rotated);
      expect(report.rewrapped).toBeGreaterThanOrEqual(300);
      if (engine === 'sqlite') {
        // Then neither the file nor its WAL holds any wrapping the retired key opens
        expect(report.oldWrappings).toEqual({ log: 'truncated' });
        expect(existsSync(`${keyStoreTargetFor(target)}-wal`)).toBe(true); // the server's connection kept it
        expect(oldOnDisk()).toEqual([]);
      } else {
        // PostgreSQL: the tables were rewritten (no dead row version left in their files) and CHECKPOINT ran
        expect(report.oldWrappings).toEqual({ log: 'checkpointed', tablesRewritten: true });
        expect(await relfile()).not.toBe(fileBefore);
      }
    } finally {
      server?.kill();
      await admin?.close();
    }
  }, 180_000);

  it('deletes a patron: afterwards the card is unknown and the key is out of use', async () => {
    const card = cards[1] as string;
    const receipt = document<{ patronId: string; keyDestroyedAfter: string }>(await json('patron', 'delete', '--card', card));
    expect(receipt.patronId).toMatch(/-/);
    const gone = await json('export-patron', '--card', card);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toContain('PATRON_NOT_FOUND');
    // The shredded key is destroyed once the retention has passed.
    const early = document<{ destroyed: number }>(await json('keys', 'purge'));
    expect(early.destroyed).toBe(0);
    const later = new Date(Date.parse(receipt.keyDestroyedAfter) + 86_400_000).toISOString();
    const purged = document<{ destroyed: number }>(await json('keys', 'purge', '--as-of', later));
    expect(purged.destroyed).toBe(1);
  });
});
