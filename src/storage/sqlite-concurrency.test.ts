import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from './database.js';

const DATABASE_MODULE = pathToFileURL(resolve('dist/src/storage/database.js')).href;

/**
 * One process's share of the work: transactions that read a counter and then write it back, the shape
 * (read, decide, write) of the key store's clock and of most use cases. Prints how many it committed.
 */
const WORKER = `
import { sql } from 'kysely';
const { openDatabase } = await import(process.env.DATABASE_MODULE);
const database = openDatabase(process.env.FILE);
let committed = 0;
for (let i = 0; i < 40; i++) {
  await database.db.transaction().execute(async (trx) => {
    const row = await sql\`select value from counter where id = 1\`.execute(trx);
    await new Promise((r) => setTimeout(r, 1));
    await sql\`update counter set value = \${Number(row.rows[0].value) + 1} where id = 1\`.execute(trx);
  });
  committed++;
}
await database.close();
process.stdout.write(String(committed));
`;

function worker(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--input-type=module', '-e', WORKER], { env: { ...process.env, FILE: file, DATABASE_MODULE }, cwd: resolve('.') }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('SQLite shared by several processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'carrel-sqlite-concurrency-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs read-then-write transactions from four processes at once without "database is locked", losing no update', async () => {
    const file = join(dir, 'shared.db');
    const setup = openDatabase(file);
    await sql`create table counter (id integer primary key, value integer not null)`.execute(setup.db);
    await sql`insert into counter (id, value) values (1, 0)`.execute(setup.db);
    await setup.close();

    const runs = await Promise.all([worker(file), worker(file), worker(file), worker(file)]);
    for (const run of runs) expect({ code: run.code, stderr: run.stderr, committed: run.stdout }).toEqual({ code: 0, stderr: '', committed: '40' });

    const check = openDatabase(file);
    const row = await sql<{ value: number }>`select value from counter where id = 1`.execute(check.db);
    await check.close();
    expect(Number(row.rows[0]?.value)).toBe(160);
  });
});
