import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/domain/clock.js';
import { SYSTEM } from '../src/policy/actors.js';
import { openRuntime } from '../src/cli/runtime.js';
import { saveRecords } from '../src/usecases/catalogue.usecases.js';
import { run } from '../src/usecases/context.js';
import { openDatabase, type Database } from '../src/storage/database.js';
import { carrel, cliWorkspace, COMPILED, document } from './cli-helpers.js';
import { ENGINES, type TestDatabase } from './engines.js';

/**
 * `carrel catalogue search|show`, `carrel item change`, `carrel holds place --record` and `carrel holds
 * suspend` end to end on SQLite and PostgreSQL, on a two-branch library. The records are catalogued
 * through the use case on the CLI's own database and key file (the MARC import has its own tests); all
 * the rest goes through the compiled CLI. Runs dist/: `npm run build` first.
 */

interface Refusal {
  error: { code: string };
}
interface Hit {
  id: string;
  title: string;
  availability: { branchCode: string; copies: number; available: number }[];
}
interface Hold {
  id: string;
  recordId: string | null;
  itemId: string | null;
  status: string;
  suspendedUntil: string | null;
}

/** Each command is a fresh node process: several of them need more than the default 30 s on a busy machine. */
const CLI_TIMEOUT = 180_000;

describe.each(ENGINES)('carrel catalogue, item change and title holds on %s', (engine) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let target: string;
  let pg: TestDatabase | undefined;
  let database: Database | undefined;
  let card = '';
  const records: Record<string, string> = {};
  const cli = (...args: string[]) => carrel(['--db', target, ...args], { env, cwd: dir });
  const json = async <T>(...args: string[]) => {
    const result = await cli('--json', ...args);
    expect(result.code, `${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
    return document<T>(result);
  };
  const refused = async (...args: string[]) => {
    const result = await cli('--json', ...args);
    expect(result.code, `${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(1);
    return document<Refusal>(result).error.code;
  };

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
    ({ dir, env, target, pg } = await cliWorkspace(engine, 'catalogue'));
    await json('init');
    await json('library', 'add', '--id', 'cat-lib', '--name', 'Catalogue Library');
    database = pg ?? openDatabase(target);
    // A second branch, added directly (as test/cli-staff-lists.test.ts does).
    await database.db.insertInto('branches').values({ id: `east-${engine}`, library_id: 'cat-lib', code: 'east', name: 'East Branch', address: null, opening_hours: '{}' }).execute();
    card = (await json<{ cardNumber: string }>('patron', 'add', '--library', 'cat-lib', '--name', 'Ida Catalogue', '--birth-date', '1975-04-04')).cardNumber;

    const opened = await openRuntime(target, systemClock, { create: false, keyFile: join(dir, 'carrel.key') });
    try {
      const saved = await run(opened.runtime, { actor: SYSTEM, purpose: 'administration', channel: 'cli' }, saveRecords, {
        libraryId: 'cat-lib',
        records: [
          {
            title: 'Cuentos de la selva',
            authors: ['Quiroga, Horacio'],
            language: 'spa',
            year: 1918,
            isbns: ['9780306406157'],
            copies: [
              { barcode: 'SELVA-M', branch: 'main', callNumber: 'SP QUI' },
              { barcode: 'SELVA-E', branch: 'east', callNumber: 'SP QUI' },
            ],
          },
          { title: 'The Secret Garden', authors: ['Burnett, Frances Hodgson'], year: 1911, format: 'audiobook', copies: [{ barcode: 'GARDEN-M', branch: 'main' }] },
        ],
      });
      [records.selva, records.garden] = saved.recordIds as [string, string];
    } finally {
      await opened.close();
    }
  }, CLI_TIMEOUT);
  afterAll(async () => {
    if (!pg) await database?.close();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('searches by keyword, author and ISBN, with filters, in a table or as JSON', async () => {
    const found = await json<{ total: number; hits: Hit[] }>('catalogue', 'search', 'quiroga', '--library', 'cat-lib', '--field', 'author');
    expect(found.hits.map((h) => h.title)).toEqual(['Cuentos de la selva']);
    expect(found.hits[0]!.availability.map((a) => [a.branchCode, a.copies, a.available]).sort()).toEqual([
      ['east', 1, 1],
      ['main', 1, 1],
    ]);
    expect((await json<{ hits: Hit[] }>('catalogue', 'search', '978-0-306-40615-7', '--library', 'cat-lib', '--field', 'isbn')).hits.map((h) => h.id)).toEqual([records.selva]);
    expect((await json<{ total: number }>('catalogue', 'search', 'quiroga', '--library', 'cat-lib', '--field', 'title')).total).toBe(0);
    expect((await json<{ hits: Hit[] }>('catalogue', 'search', 'garden', '--library', 'cat-lib', '--format', 'audiobook')).hits.map((h) => h.id)).toEqual([records.garden]);
    expect((await json<{ total: number }>('catalogue', 'search', 'garden', '--library', 'cat-lib', '--branch', 'east')).total).toBe(0);
    expect((await json<{ total: number }>('catalogue', 'search', 'selva', '--library', 'cat-lib', '--language', 'spa', '--available', '--limit', '5')).total).toBe(1);

    const table = await cli('catalogue', 'search', 'selva', '--library', 'cat-lib');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^TITLE\s+AUTHOR\s+YEAR\s+FORMAT/);
    expect(table.stdout).toContain('Cuentos de la selva');
    expect(table.stdout).toMatch(/main 1\/1/);
    expect(table.stdout).toContain(records.selva);
    expect(table.stdout).toContain('1 of 1 title.');
    expect((await cli('catalogue', 'search', 'zzyzx', '--library', 'cat-lib')).stdout.trim()).toBe('No titles found.');

    expect(await refused('catalogue', 'search', 'selva', '--library', 'cat-lib', '--limit', '500')).toBe('VALIDATION_FAILED');
    expect(await refused('catalogue', 'search', 'selva', '--library', 'cat-lib', '--field', 'shelf')).toBe('VALIDATION_FAILED');
    expect(await refused('catalogue', 'search', '"()', '--library', 'cat-lib')).toBe('QUERY_EMPTY');
    // A refusal never repeats the words searched for.
    const words = await cli('catalogue', 'search', 'confidential-words', '--library', 'cat-lib', '--branch', 'nowhere');
    expect(words.code).toBe(1);
    expect(words.stdout + words.stderr).not.toContain('confidential-words');
  }, CLI_TIMEOUT);

  it('shows a title with its copies', async () => {
    const shown = await json<{ id: string; copies: { barcode: string; branchCode: string; callNumber: string | null }[] }>('catalogue', 'show', records.selva!);
    expect(shown.copies.map((c) => [c.barcode, c.branchCode, c.callNumber]).sort()).toEqual([
      ['SELVA-E', 'east', 'SP QUI'],
      ['SELVA-M', 'main', 'SP QUI'],
    ]);
    const human = await cli('catalogue', 'show', records.selva!);
    expect(human.stdout).toContain('Cuentos de la selva');
    expect(human.stdout).toContain('By Quiroga, Horacio');
    expect(human.stdout).toMatch(/SELVA-E\s+east\s+SP QUI\s+available/);
    expect(await refused('catalogue', 'show', '00000000-0000-4000-8000-000000000000')).toBe('RECORD_NOT_FOUND');
  }, CLI_TIMEOUT);

  it('changes a copy: damaged, missing, found, its call number; refuses a copy on loan', async () => {
    expect(await json('item', 'change', 'GARDEN-M', '--damaged', '--call-number', 'AUDIO BUR')).toMatchObject({ barcode: 'GARDEN-M', damaged: true, callNumber: 'AUDIO BUR', status: 'available' });
    expect(await json('item', 'change', 'GARDEN-M', '--not-damaged', '--status', 'missing')).toMatchObject({ damaged: false, status: 'missing' });
    expect((await json<{ hits: Hit[] }>('catalogue', 'search', 'garden', '--library', 'cat-lib')).hits[0]!.availability[0]!.available).toBe(0);
    expect(await json('item', 'change', 'GARDEN-M', '--status', 'available')).toMatchObject({ status: 'available' });
    const human = await cli('item', 'change', 'GARDEN-M', '--damaged');
    expect(human.stdout.trim()).toBe('Item GARDEN-M (The Secret Garden): available, damaged, call number AUDIO BUR.');

    await json('checkout', '--card', card, '--item', 'GARDEN-M');
    expect(await refused('item', 'change', 'GARDEN-M', '--status', 'withdrawn')).toBe('ITEM_ON_LOAN');
    expect(await refused('item', 'change', 'GARDEN-M', '--status', 'lost')).toBe('VALIDATION_FAILED');
    expect(await refused('item', 'change', 'GARDEN-M', '--damaged', '--not-damaged')).toBe('VALIDATION_FAILED');
    expect(await refused('item', 'change', 'GARDEN-M')).toBe('VALIDATION_FAILED');
    expect(await refused('item', 'change', 'GARDEN-M', '--branch', 'nowhere')).toBe('BRANCH_NOT_FOUND');
    expect(await refused('item', 'change', 'NO-SUCH-COPY', '--damaged')).toBe('ITEM_NOT_FOUND');
    await json('checkin', '--item', 'GARDEN-M');
    expect(await json('item', 'change', 'GARDEN-M', '--status', 'withdrawn')).toMatchObject({ status: 'withdrawn' });
  }, CLI_TIMEOUT);

  it('places a hold on a title for pick-up at east: east’s copy is trapped and goes on the pull list', async () => {
    const hold = await json<Hold>('holds', 'place', '--card', card, '--record', records.selva!, '--pickup', 'east');
    expect([hold.recordId, hold.status]).toEqual([records.selva, 'ready']);
    const pull = await json<{ itemBarcode: string; pickupBranchCode: string }[]>('lists', 'pull', '--library', 'cat-lib');
    expect(pull.map((r) => [r.itemBarcode, r.pickupBranchCode])).toEqual([['SELVA-E', 'east']]);
    expect(await refused('holds', 'place', '--card', card, '--record', records.selva!, '--item', 'SELVA-M')).toBe('VALIDATION_FAILED');
    expect(await refused('holds', 'place', '--card', card)).toBe('VALIDATION_FAILED');
    expect(await refused('holds', 'place', '--card', card, '--record', '00000000-0000-4000-8000-000000000000')).toBe('RECORD_NOT_FOUND');
  }, CLI_TIMEOUT);

  it('suspends a waiting hold until a day and resumes it', async () => {
    // The main copy goes out, so the next hold on the title waits in the queue.
    const other = (await json<{ cardNumber: string }>('patron', 'add', '--library', 'cat-lib', '--name', 'Otto Queue', '--birth-date', '1980-02-02')).cardNumber;
    const reader = (await json<{ cardNumber: string }>('patron', 'add', '--library', 'cat-lib', '--name', 'Rhea Reader', '--birth-date', '1990-03-03')).cardNumber;
    await json('checkout', '--card', reader, '--item', 'SELVA-M');
    const waiting = await json<Hold>('holds', 'place', '--card', other, '--record', records.selva!);
    expect([waiting.status, waiting.itemId]).toEqual(['pending', null]);
    const day = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    expect((await json<Hold>('holds', 'suspend', waiting.id, '--until', day)).suspendedUntil).toBe(day);
    const stored = async () => (await database!.db.selectFrom('holds').select('suspended_until').where('id', '=', waiting.id).executeTakeFirstOrThrow()).suspended_until;
    expect(await stored()).toBe(day);
    expect(await refused('holds', 'suspend', waiting.id, '--until', '2026-02-31')).toBe('VALIDATION_FAILED');
    expect(await refused('holds', 'suspend', waiting.id)).toBe('VALIDATION_FAILED');
    expect(await refused('holds', 'suspend', waiting.id, '--until', day, '--resume')).toBe('VALIDATION_FAILED');
    expect(await stored()).toBe(day);
    const resumed = await cli('holds', 'suspend', waiting.id, '--resume');
    expect(resumed.stdout.trim()).toBe(`Hold ${waiting.id} resumed.`);
    expect(await stored()).toBeNull();
    expect(await refused('holds', 'suspend', '00000000-0000-4000-8000-000000000000', '--resume')).toBe('HOLD_NOT_FOUND');
  }, CLI_TIMEOUT);
});
