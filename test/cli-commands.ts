import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardNumberFrom } from '../src/domain/card-number.js';
import { openDatabase, type Database, type Engine } from '../src/storage/database.js';
import { carrel, cleanEnv, document } from './cli-helpers.js';
import { freshDatabase, type TestDatabase } from './engines.js';

/**
 * The operator's commands end to end on one engine: each case spawns `node bin/carrel.js …` (the compiled
 * dist/) against a real database. test/cli.test.ts runs them on SQLite, test/cli-postgres.test.ts on
 * PostgreSQL: two files, so the two engines' runs go to different workers.
 */

interface ErrorDocument {
  error: { code: string; message: string; problems: { code: string; message: string; field?: string }[] };
}

/** Today's date minus `years`, as YYYY-MM-DD (UTC). */
function yearsAgo(years: number): string {
  const date = new Date();
  date.setUTCFullYear(date.getUTCFullYear() - years);
  return date.toISOString().slice(0, 10);
}

export function describeCommands(engine: Engine): void {
  describe(`carrel CLI on ${engine}`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let target: string;
    let keyFile: string;
    /** The database, opened by the test itself to look at what the CLI wrote. */
    let database: Database | undefined;
    let pgDatabase: TestDatabase | undefined;

    /** carrel --db <target> --json …args */
    const json = (...args: string[]) => carrel(['--db', target, '--json', ...args], { env, cwd: dir });
    /** carrel --db <target> …args (human output; errors on stderr) */
    const human = (...args: string[]) => carrel(['--db', target, ...args], { env, cwd: dir });

    const db = () => {
      if (!database) throw new Error('the database is not open yet: the init test must run first');
      return database.db;
    };
    const countPatrons = async () => Number((await db().selectFrom('patrons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const countItems = async (barcodes: string[]) =>
      Number((await db().selectFrom('items').select((eb) => eb.fn.countAll<number>().as('n')).where('barcode', 'in', barcodes).executeTakeFirstOrThrow()).n);

    const LIBRARY = 'cli-lib';
    const ITEM = 'CLI-0001';
    let adultCard = '';

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `carrel-cli-${engine}-`));
      keyFile = join(dir, 'carrel.key');
      env = cleanEnv({ CARREL_DATA_DIR: dir, CARREL_KEY_FILE: keyFile });
      if (engine === 'sqlite') {
        target = join(dir, 'carrel.db'); // brand new: `init` creates it
      } else {
        pgDatabase = await freshDatabase('postgres'); // migrated, no staff yet: `init` must still create the admin once
        target = pgDatabase.target;
        database = pgDatabase;
      }
    });

    afterAll(async () => {
      if (pgDatabase) await pgDatabase.drop();
      else await database?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('init creates the first administrator once, with a generated password, and a private key file', async () => {
      const first = await json('init');
      expect(first.code, first.stderr).toBe(0);
      const created = document<{ keyFile: string; keyFileCreated: boolean; admin: { username: string; password: string } | null }>(first);
      expect(created.admin).not.toBeNull();
      expect(created.admin?.username).toBe('admin');
      expect(created.admin?.password.length).toBeGreaterThanOrEqual(16);
      expect(created.keyFile).toBe(keyFile);
      expect(created.keyFileCreated).toBe(true);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      if (engine === 'sqlite') {
        expect(existsSync(target)).toBe(true);
        // The database and whatever SQLite keeps beside it (WAL, shared memory) are the owner's only.
        const files = readdirSync(dir).filter((f) => f.startsWith('carrel.db'));
        expect(files).toContain('carrel.db');
        for (const file of files) expect(statSync(join(dir, file)).mode & 0o077, `${file} is readable by others`).toBe(0);
      }

      const second = await json('init');
      expect(second.code, second.stderr).toBe(0);
      const again = document<{ keyFileCreated: boolean; admin: unknown }>(second);
      expect(again.admin).toBeNull();
      expect(again.keyFileCreated).toBe(false);
      expect(second.stdout).not.toContain(created.admin?.password);

      const text = await human('init');
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('An administrator already exists');

      if (engine === 'postgres') {
        // A password in the URL is never printed back (trust authentication ignores it here).
        const withPassword = new URL(target);
        withPassword.password = 'Sekr1tPassw0rd';
        const shown = await carrel(['--db', withPassword.toString(), '--json', 'init'], { env, cwd: dir });
        expect(shown.code, shown.stderr).toBe(0);
        expect(shown.stdout + shown.stderr).not.toContain('Sekr1tPassw0rd');
      }

      if (engine === 'sqlite') database = openDatabase(target);
    });

    it('adds a library and registers an adult; a minor needs a guardian', async () => {
      const library = await json('library', 'add', '--id', LIBRARY, '--name', 'CLI Test Library');
      expect(library.code, library.stdout + library.stderr).toBe(0);
      expect(document(library)).toMatchObject({ id: LIBRARY, name: 'CLI Test Library' });

      const adult = await json('patron', 'add', '--library', LIBRARY, '--name', 'Ada Adult', '--birth-date', '1980-04-12', '--email', 'ada@example.org');
      expect(adult.code, adult.stdout + adult.stderr).toBe(0);
      const registered = document<{ id: string; cardNumber: string; pin: string }>(adult);
      expect(Object.keys(registered).sort()).toEqual(['cardNumber', 'id', 'pin']);
      expect(registered.id).toMatch(/\S/);
      expect(registered.cardNumber).toMatch(/^\d{8,}$/);
      expect(registered.pin).toMatch(/^\d{4,}$/);
      adultCard = registered.cardNumber;

      const before = await countPatrons();
      const childBirth = yearsAgo(10);
      const refused = await json('patron', 'add', '--library', LIBRARY, '--name', 'Kim Kid', '--birth-date', childBirth);
      expect(refused.code).toBe(1);
      expect(document<ErrorDocument>(refused).error.code).toBe('GUARDIAN_REQUIRED');
      expect(await countPatrons()).toBe(before);

      const minor = await json('patron', 'add', '--library', LIBRARY, '--name', 'Kim Kid', '--birth-date', childBirth, '--guardian', adultCard);
      expect(minor.code, minor.stdout + minor.stderr).toBe(0);
      const child = document<{ id: string; cardNumber: string; pin: string }>(minor);
      expect(child.cardNumber).not.toBe(adultCard);
      expect(await countPatrons()).toBe(before + 1);
    });

    it('adds an item; imports a CSV all or nothing, naming the bad line', async () => {
      const added = await json('item', 'add', '--library', LIBRARY, '--barcode', ITEM, '--title', 'The Quiet Reading Room', '--author', 'A. Writer', '--replacement-cost', '24.95');
      expect(added.code, added.stdout + added.stderr).toBe(0);
      expect(document(added)).toMatchObject({ barcode: ITEM, title: 'The Quiet Reading Room', libraryId: LIBRARY, replacementCostCents: 2495, status: 'available' });

      const header = 'barcode,title,author,isbn,type,branch,replacement_cost,library';
      const good = join(dir, 'good.csv');
      writeFileSync(good, [header, `CSV-G1,First Good Book,An Author,,book,,12.50,${LIBRARY}`, 'CSV-G2,Second Good Book,,,dvd,,,', `CSV-G3,"Third, With A Comma",,,,,3,${LIBRARY}`, ''].join('\n'));
      const imported = await json('item', 'import', good, '--library', LIBRARY);
      expect(imported.code, imported.stdout + imported.stderr).toBe(0);
      expect(document(imported)).toEqual({ imported: 3 });
      expect(await countItems(['CSV-G1', 'CSV-G2', 'CSV-G3'])).toBe(3);

      // An empty title on line 3: the whole file is refused, the good rows around it included.
      const badTitle = join(dir, 'bad-title.csv');
      writeFileSync(badTitle, [header, `CSV-T1,Fine Title,,,,,,${LIBRARY}`, `CSV-T2,,,,,,,${LIBRARY}`, `CSV-T3,Another Fine Title,,,,,,${LIBRARY}`, ''].join('\n'));
      const refusedTitle = await json('item', 'import', badTitle);
      expect(refusedTitle.code).toBe(1);
      const titleError = document<ErrorDocument>(refusedTitle).error;
      expect(titleError.message).toContain('line 3');
      expect(titleError.problems.every((p) => p.message.includes('line 3'))).toBe(true);
      expect(await countItems(['CSV-T1', 'CSV-T2', 'CSV-T3'])).toBe(0);
      const notThere = await json('checkout', '--card', adultCard, '--item', 'CSV-T1');
      expect(notThere.code).toBe(1);
      expect(document<ErrorDocument>(notThere).error.code).toBe('ITEM_NOT_FOUND');

      // A replacement cost that is not an amount on line 3, reported on stderr without --json.
      const badCost = join(dir, 'bad-cost.csv');
      writeFileSync(badCost, [header, 'CSV-C1,Cost Ok,,,,,1.00,', 'CSV-C2,Cost Bad,,,,,twelve,', 'CSV-C3,Cost Ok Too,,,,,2.00,', ''].join('\n'));
      const refusedCost = await human('item', 'import', badCost, '--library', LIBRARY);
      expect(refusedCost.code).toBe(1);
      expect(refusedCost.stderr).toMatch(/^carrel: INVALID_AMOUNT: .*line 3/m);
      expect(refusedCost.stdout).toBe('');
      expect(await countItems(['CSV-C1', 'CSV-C2', 'CSV-C3'])).toBe(0);
    });

    it('checks out, refuses a second checkout, charges the overdue fine at check-in, and takes payments', async () => {
      const out = await json('checkout', '--card', adultCard, '--item', ITEM, '--as-of', '2026-03-02');
      expect(out.code, out.stdout + out.stderr).toBe(0);
      const loan = document<{ loanId: string; itemBarcode: string; dueAt: string }>(out);
      expect(loan.itemBarcode).toBe(ITEM);
      expect(Number.isNaN(Date.parse(loan.dueAt))).toBe(false);
      expect(Date.parse(loan.dueAt)).toBeGreaterThan(Date.parse('2026-03-02T12:00:00Z'));
      expect(Date.parse(loan.dueAt)).toBeLessThan(Date.parse('2026-05-01T00:00:00Z'));

      const twice = await json('checkout', '--card', adultCard, '--item', ITEM, '--as-of', '2026-03-03');
      expect(twice.code).toBe(1);
      expect(document<ErrorDocument>(twice).error.code).toBe('ITEM_ALREADY_ON_LOAN');

      const back = await json('checkin', '--item', ITEM, '--as-of', '2026-05-01');
      expect(back.code, back.stdout + back.stderr).toBe(0);
      const returned = document<{ loanId: string; daysLate: number; fine: { amountCents: number } | null }>(back);
      expect(returned.loanId).toBe(loan.loanId);
      expect(returned.daysLate).toBeGreaterThan(0);
      expect(returned.fine?.amountCents).toBe(500); // 25¢ a day, capped at $5.00

      const paid = await json('pay', '--card', adultCard, '--amount', '2.50');
      expect(paid.code, paid.stdout + paid.stderr).toBe(0);
      expect(document(paid)).toMatchObject({ amountCents: 250, balanceCents: 250, amount: '2.50', balance: '2.50' });

      const tooMuch = await json('pay', '--card', adultCard, '--amount', '2.51');
      expect(tooMuch.code).toBe(1);
      expect(document<ErrorDocument>(tooMuch).error.code).toBe('PAYMENT_EXCEEDS_BALANCE');

      const notMoney = await human('pay', '--card', adultCard, '--amount', 'abc');
      expect(notMoney.code).toBe(1);
      expect(notMoney.stderr).toMatch(/^carrel: INVALID_AMOUNT: /);
    });

    it('refuses an --as-of that is not a date', async () => {
      for (const bad of ['2026-02-30', 'yesterday']) {
        const run = await json('checkout', '--card', adultCard, '--item', 'CSV-G1', '--as-of', bad);
        expect(run.code, bad).toBe(1);
        expect(document<ErrorDocument>(run).error.code).toBe('INVALID_DATE');
      }
      const text = await human('renew', '--item', ITEM, '--as-of', 'yesterday');
      expect(text.code).toBe(1);
      expect(text.stderr).toMatch(/^carrel: INVALID_DATE: /);
      // Nothing was checked out by the refused commands.
      const loans = await db().selectFrom('loans').innerJoin('items', 'items.id', 'loans.item_id').select('loans.id').where('items.barcode', '=', 'CSV-G1').execute();
      expect(loans).toHaveLength(0);
    });

    it('export-patron prints one JSON document with the patron, the loan, the fine and the payment', async () => {
      const run = await human('export-patron', '--card', adultCard); // a JSON document even without --json
      expect(run.code, run.stderr).toBe(0);
      const exported = document<{
        format: string;
        patron: { name: string; cardNumber: string; email: string | null };
        loans: { itemBarcode: string; status: string }[];
        fines: { amountCents: number; balanceCents: number; kind: string }[];
        payments: { amountCents: number }[];
        balanceCents: number;
      }>(run);
      expect(exported.format).toBe('carrel.patron-export.v1');
      expect(exported.patron).toMatchObject({ name: 'Ada Adult', cardNumber: adultCard, email: 'ada@example.org' });
      expect(exported.loans).toHaveLength(1);
      expect(exported.loans[0]).toMatchObject({ itemBarcode: ITEM, status: 'returned' });
      expect(exported.fines).toHaveLength(1);
      expect(exported.fines[0]).toMatchObject({ kind: 'overdue', amountCents: 500, balanceCents: 250 });
      expect(exported.payments.map((p) => p.amountCents)).toEqual([250]);
      expect(exported.balanceCents).toBe(250);
    });

    it('renews a card after re-verification, resets a PIN, changes a membership, renews all, and overrides a block with a reason (issue 15)', async () => {
      // A pre-printed card: a mistyped one and a taken one are refused
      const printed = cardNumberFrom(engine === 'sqlite' ? '555555555551' : '555555555552');
      const mistyped = `${printed.slice(0, 13)}${(Number(printed[13]) + 1) % 10}`;
      const bad = await json('patron', 'add', '--library', LIBRARY, '--name', 'Cora Card', '--birth-date', '1975-05-05', '--card-number', mistyped);
      expect(bad.code).toBe(1);
      expect(document<ErrorDocument>(bad).error.code).toBe('CARD_NUMBER_INVALID');
      expect(bad.stdout + bad.stderr).not.toContain(mistyped);
      const added = await json('patron', 'add', '--library', LIBRARY, '--name', 'Cora Card', '--birth-date', '1975-05-05', '--card-number', printed, '--home-branch', 'main');
      expect(added.code, added.stdout + added.stderr).toBe(0);
      expect(document<{ cardNumber: string }>(added).cardNumber).toBe(printed);
      const taken = await human('patron', 'add', '--library', LIBRARY, '--name', 'Cora Again', '--birth-date', '1975-05-05', '--card-number', printed);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toMatch(/^carrel: CARD_NUMBER_TAKEN: /);
      expect(taken.stderr).not.toContain(printed);

      // Two years on, the card has expired: re-verified and renewed, the check-out goes through
      const later = new Date(Date.now() + 2 * 365 * 86_400_000).toISOString().slice(0, 10);
      const dayAfter = new Date(Date.now() + (2 * 365 + 2) * 86_400_000).toISOString().slice(0, 10);
      const expired = await json('checkout', '--card', printed, '--item', 'CSV-G3', '--as-of', later);
      expect(document<ErrorDocument>(expired).error.code).toBe('PATRON_EXPIRED');
      const unverified = await json('patron', 'renew-card', '--card', printed, '--as-of', later);
      expect(unverified.code).toBe(1);
      expect(document<ErrorDocument>(unverified).error.code).toBe('VALIDATION_FAILED');
      const renewed = await json('patron', 'renew-card', '--card', printed, '--verified', '--as-of', later);
      expect(renewed.code, renewed.stdout + renewed.stderr).toBe(0);
      expect(Date.parse(document<{ expiresAt: string }>(renewed).expiresAt)).toBeGreaterThan(Date.parse(later) + 360 * 86_400_000);
      const out = await json('checkout', '--card', printed, '--item', 'CSV-G3', '--as-of', later);
      expect(out.code, out.stdout + out.stderr).toBe(0);

      // Renew all on the day of check-out spends nothing; two days later it renews
      const sameDay = await json('renew-all', '--card', printed, '--as-of', later);
      expect(sameDay.code, sameDay.stderr).toBe(0);
      expect(document<{ renewed: unknown[]; refused: { problems: { code: string }[] }[] }>(sameDay)).toMatchObject({ renewed: [], refused: [{ problems: [{ code: 'RENEWAL_NOT_DUE' }] }] });
      const renewOne = await json('renew', '--item', 'CSV-G3', '--as-of', later);
      expect(document<ErrorDocument>(renewOne).error.code).toBe('RENEWAL_NOT_DUE');
      const text = await human('renew-all', '--card', printed, '--as-of', dayAfter);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain('1 renewed, 0 not renewed.');

      // A PIN reset prints the new PIN once, in the output only
      const reset = await human('patron', 'reset-pin', '--card', printed, '--as-of', dayAfter);
      expect(reset.code, reset.stderr).toBe(0);
      expect(reset.stdout).toMatch(/PIN: +\d{4,} \(shown once/);
      expect(reset.stdout).not.toContain(printed);

      // Membership: an adult is not a juvenile; the home branch can be cleared
      const juvenile = await json('patron', 'membership', '--card', printed, '--category', 'juvenile');
      expect(document<ErrorDocument>(juvenile).error.code).toBe('CATEGORY_AGE_MISMATCH');
      const branch = await json('patron', 'membership', '--card', printed, '--home-branch', 'none');
      expect(branch.code, branch.stderr).toBe(0);
      expect(document(branch)).toMatchObject({ categoryCode: 'adult', homeBranchId: null });

      // A lost item's charge puts the patron over the balance limit; an override lends once, with a reason
      expect((await json('checkout', '--card', printed, '--item', 'CSV-G2', '--as-of', dayAfter)).code).toBe(0);
      expect((await json('lost', '--item', 'CSV-G2', '--as-of', dayAfter)).code).toBe(0); // the library's default charge, $25
      const blocked = await json('checkout', '--card', printed, '--item', 'CSV-G1', '--as-of', dayAfter);
      expect(document<ErrorDocument>(blocked).error.code).toBe('PATRON_OWES_FINES');
      const overridden = await human('checkout', '--card', printed, '--item', 'CSV-G1', '--as-of', dayAfter, '--override-reason', 'Paying the charge on Friday');
      expect(overridden.code, overridden.stderr).toBe(0);
      expect(overridden.stdout).toContain('Overridden: PATRON_OWES_FINES.');
      const logged = await db().selectFrom('access_log').select('action').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect(logged.action).toBe('checkout-override');
      const note = await db().selectFrom('loans').innerJoin('items', 'items.id', 'loans.item_id').select('loans.override_note').where('items.barcode', '=', 'CSV-G1').where('loans.status', '=', 'active').executeTakeFirstOrThrow();
      expect(note.override_note).toBeTruthy();
      expect(note.override_note).not.toContain('Friday');
    }, 240_000);

    it('refuses an unknown card or barcode without echoing it', async () => {
      const unknownCard = '99999999999999';
      const noPatron = await json('checkout', '--card', unknownCard, '--item', 'CSV-G2');
      expect(noPatron.code).toBe(1);
      expect(document<ErrorDocument>(noPatron).error.code).toBe('PATRON_NOT_FOUND');
      expect(noPatron.stdout).not.toContain(unknownCard);

      const noPatronText = await human('export-patron', '--card', unknownCard);
      expect(noPatronText.code).toBe(1);
      expect(noPatronText.stderr).toMatch(/^carrel: PATRON_NOT_FOUND: /);
      expect(noPatronText.stderr).not.toContain(unknownCard);

      const [noItem, noItemText] = await Promise.all([
        json('checkout', '--card', adultCard, '--item', 'NO-SUCH-ITEM'),
        human('checkin', '--item', 'NO-SUCH-ITEM'),
      ]);
      expect(noItem.code).toBe(1);
      expect(document<ErrorDocument>(noItem).error.code).toBe('ITEM_NOT_FOUND');
      expect(noItem.stdout).not.toContain(adultCard);
      expect(noItemText.code).toBe(1);
      expect(noItemText.stderr).toMatch(/^carrel: ITEM_NOT_FOUND: /);
    });

    it('exits 2 on a usage mistake', async () => {
      const [unknown, missing, badChoice] = await Promise.all([
        human('frobnicate'),
        json('checkout', '--card', adultCard), // --item is required
        json('library', 'add', '--id', 'x', '--name', 'X', '--profile', 'no-such-profile'),
      ]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("unknown command 'frobnicate'");
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('--item');
      expect(badChoice.code).toBe(2);
    });

    it('refuses every other command on a SQLite path that does not exist, and does not create it', async () => {
      const missing = join(dir, 'nowhere', 'carrel.db');
      const other = join(dir, 'typo.db');
      const runs = await Promise.all([
        carrel(['--db', missing, '--json', 'library', 'add', '--id', 'ghost', '--name', 'Ghost'], { env, cwd: dir }),
        carrel(['--db', other, '--json', 'checkout', '--card', adultCard, '--item', ITEM], { env, cwd: dir }),
        carrel(['--db', other, 'export-patron', '--card', adultCard], { env, cwd: dir }),
      ]);
      expect(runs.map((r) => r.code)).toEqual([1, 1, 1]);
      expect(document<ErrorDocument>(runs[0]!).error.code).toBe('NOT_INITIALIZED');
      expect(document<ErrorDocument>(runs[1]!).error.code).toBe('NOT_INITIALIZED');
      expect(runs[2]!.stderr).toMatch(/^carrel: NOT_INITIALIZED: /);
      expect(existsSync(missing)).toBe(false);
      expect(existsSync(join(dir, 'nowhere'))).toBe(false);
      expect(existsSync(other)).toBe(false);
    });
  });
}
