import { execFile } from 'node:child_process';
import type { Browser, Page } from '@playwright/test';
import { expect, fixture, test } from './fixtures';

/**
 * A new library (not the demo), set up entirely from the office's pages by the installation's
 * administrator — the library, a second branch with its hours, a holiday, a patron category, an item type,
 * a rule of the circulation matrix, its settings, a clerk — then a week of circulation run at the command
 * line with `--as-of`, against the same database the server serves: a due date moves past the holiday, a
 * hold that is not picked up expires and the item goes to the next hold, fines accrue, an item goes
 * long-overdue and is declared lost and charged, a card is renewed, and the clerk leaves (disabled from
 * the Staff page, their open session ends at once).
 */

const ZONE = 'America/Denver';
const unique = `${Date.now().toString(36).slice(-5)}${Math.floor(Math.random() * 1296).toString(36)}`;
const LIBRARY = `juniper-${unique}`;

/** The local date in the library's zone, `days` after today. */
function day(days: number): string {
  const at = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Noon (library time, near enough) of a local date, as an --as-of instant. */
const noon = (date: string) => `${date}T19:00:00Z`;

/** The local date in the library's zone of an instant. */
const localDate = (instant: string) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `carrel --json ARGS` on the database the browser's server serves. */
function carrel(...args: string[]): Promise<Run> {
  const database = process.env.CARREL_E2E_DATABASE;
  const keyFile = process.env.CARREL_E2E_KEY_FILE;
  if (!database || !keyFile) throw new Error('CARREL_E2E_DATABASE / CARREL_E2E_KEY_FILE are not set: run with `npm run test:browser`.');
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['bin/carrel.js', '--db', database, '--json', ...args],
      { env: { PATH: process.env.PATH, CARREL_KEY_FILE: keyFile, CARREL_LOG_LEVEL: 'warn' }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The JSON document a successful command printed. */
async function ok<T = Record<string, any>>(...args: string[]): Promise<T> {
  const run = await carrel(...args);
  expect(run.code, `carrel ${args[0]} ${args[1] ?? ''}: ${run.stdout.slice(0, 400)} ${run.stderr.slice(0, 400)}`).toBe(0);
  return JSON.parse(run.stdout) as T;
}

async function adminLogin(page: Page): Promise<void> {
  const admin = fixture().admin;
  if (!admin) throw new Error('no administrator account in this run');
  await page.goto('staff/login');
  await page.getByLabel('Username').fill(admin.username);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/app\/office/);
}

/** Opens an office page on the new library. */
async function officePage(page: Page, path: string, heading: string): Promise<void> {
  await page.goto(`office/${path}`);
  const chooser = page.getByLabel('Library', { exact: true });
  await expect(chooser).toBeVisible();
  await chooser.selectOption(LIBRARY);
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
}

async function clerkPage(browser: Browser, baseURL: string | undefined, username: string, password: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto('staff/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/staff\/login/);
  return page;
}

test('a new library is set up from the office’s pages and runs a week of circulation', async ({ page, browser, baseURL }) => {
  test.skip(!fixture().admin, 'no administrator account in this run');
  test.setTimeout(480_000);
  await adminLogin(page);

  // ---- The library, from the Libraries page
  await page.goto('office/libraries');
  await expect(page.getByRole('heading', { level: 1, name: 'Libraries' })).toBeVisible();
  await page.getByLabel('Library id').fill(LIBRARY);
  await page.getByLabel('Library name').fill('Juniper Valley Library');
  await page.getByLabel('Time zone').fill(ZONE);
  await page.getByLabel('First branch code').fill('main');
  await page.getByLabel('First branch name').fill('Juniper Main');
  await page.getByRole('button', { name: 'Add the library' }).click();
  await expect(page.getByRole('status')).toContainText(`Juniper Valley Library (${LIBRARY}) is added`);
  await expect(page.getByRole('row').filter({ hasText: LIBRARY })).toContainText('Juniper Main (main)');

  // ---- Its setup, from the Library setup page
  await officePage(page, 'library-setup', 'Library setup');
  // Settings: holds wait 2 days, two overdue items block, long-overdue after 2 days, a $3 processing fee
  await page.getByLabel('Hold pick-up days').fill('2');
  await page.getByLabel('Overdue items that block borrowing').fill('2');
  await page.getByLabel('Days overdue before an item is declared lost').fill('2');
  await page.getByLabel('Processing fee for a lost item').fill('3.00');
  await page.getByRole('button', { name: 'Save the settings' }).click();
  await expect(page.getByRole('status').first()).toBeVisible();
  await expect(page.getByLabel('Days overdue before an item is declared lost')).toHaveValue('2');
  // A second branch, open Monday to Saturday
  await page.getByLabel('Branch code').fill('north');
  await page.getByLabel('Branch name').fill('Juniper North');
  await page.getByLabel('Address (optional)').fill('400 Piñon Rd');
  for (const weekday of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']) {
    await page.getByLabel(`${weekday} opens`).fill('10:00');
    await page.getByLabel(`${weekday} closes`).fill('18:00');
  }
  await page.getByRole('button', { name: 'Add the branch' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'north' })).toContainText('10:00–18:00');
  // A holiday at the main branch, two days from today
  await page.getByLabel('Where').selectOption('main');
  await page.getByLabel('First closed day').fill(day(2));
  await page.getByLabel('Reason').fill('Founders’ Day');
  await page.getByRole('button', { name: 'Record the closure' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Founders’ Day' })).toContainText(day(2));
  // A category of older patrons whose cards last two years, and an item type
  await page.getByLabel('Category code').fill('senior');
  await page.getByLabel('Category name').fill('Senior');
  await page.getByLabel('Youngest age (optional)').fill('65');
  await page.getByLabel('Months a card stays valid (optional)').fill('24');
  await page.getByRole('button', { name: 'Add the category' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'senior' })).toContainText('24');
  await page.getByLabel('Item type code').fill('game');
  await page.getByLabel('Item type name').fill('Board game');
  await page.getByRole('button', { name: 'Add the item type' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Item type Board game (game) added.' })).toBeVisible();
  // The matrix: a board game goes out for 2 days, $1 a day up to $5
  await page.getByLabel('Rule branch').selectOption('*');
  await page.getByLabel('Rule patron category').selectOption('*');
  await page.getByLabel('Rule item type').selectOption('game');
  await page.getByLabel('Loan days').fill('2');
  await page.getByLabel('Renewals', { exact: true }).fill('0');
  await page.getByLabel('Fine per day').fill('1.00');
  await page.getByLabel('Most fine per item').fill('5.00');
  await page.getByRole('button', { name: 'Set the rule' }).click();
  await expect(page.getByRole('row').filter({ hasText: '* × * × game' })).toBeVisible();

  // ---- A clerk, from the Staff page
  await officePage(page, 'staff', 'Staff');
  const clerk = `juniper-clerk-${unique}`;
  const form = page.getByRole('region', { name: 'Add an account' });
  await form.getByLabel('Username').fill(clerk);
  await form.getByRole('button', { name: 'Add account' }).click();
  await expect(page.getByRole('heading', { name: `Password for ${clerk}` })).toBeVisible();
  const clerkPassword = ((await page.getByTestId('generated-password').textContent()) ?? '').trim();
  await page.getByRole('button', { name: 'I have given it; hide it' }).click();
  const clerkDesk = await clerkPage(browser, baseURL, clerk, clerkPassword);

  // What the pages set is what the command line reads
  const explained = await ok('loan-rule', 'explain', '--library', LIBRARY, '--category', 'adult', '--type', 'game', '--branch', 'main');
  expect(JSON.stringify(explained)).toContain('game');

  // ---- Day 0: the catalogue, three patrons, loans and holds
  for (const [barcode, type, branch] of [
    ['JV-GAME-1', 'game', 'main'],
    ['JV-BOOK-1', 'book', 'main'],
    ['JV-BOOK-2', 'book', 'north'],
  ] as const)
    await ok('item', 'add', '--library', LIBRARY, '--barcode', barcode, '--title', `Juniper ${barcode}`, '--type', type, '--branch', branch, '--replacement-cost', '20.00');
  const senior = await ok<{ cardNumber: string }>('patron', 'add', '--library', LIBRARY, '--name', 'Wilma Juniper', '--birth-date', '1948-03-09', '--category', 'senior');
  const second = await ok<{ cardNumber: string }>('patron', 'add', '--library', LIBRARY, '--name', 'Orrin Juniper', '--birth-date', '1980-07-21');
  const third = await ok<{ cardNumber: string }>('patron', 'add', '--library', LIBRARY, '--name', 'Pia Juniper', '--birth-date', '1991-11-02');

  // The game is due in 2 days; the main branch is closed that day, so it is due the day after.
  const game = await ok<{ dueAt: string }>('checkout', '--card', senior.cardNumber, '--item', 'JV-GAME-1', '--as-of', noon(day(0)));
  expect(localDate(game.dueAt)).toBe(day(3));
  await ok('checkout', '--card', senior.cardNumber, '--item', 'JV-BOOK-1', '--as-of', noon(day(0)));
  await ok('holds', 'place', '--card', second.cardNumber, '--item', 'JV-BOOK-1', '--as-of', noon(day(0)));
  await ok('holds', 'place', '--card', third.cardNumber, '--item', 'JV-BOOK-1', '--as-of', `${day(0)}T19:05:00Z`); // after the second's

  // ---- Day 1: the book comes back and waits for the first hold (2 days to pick it up)
  const returned = await ok<{ routing: Record<string, unknown> }>('checkin', '--item', 'JV-BOOK-1', '--as-of', noon(day(1)));
  expect(JSON.stringify(returned.routing)).toContain('hold');

  // ---- Day 2: the senior's card is renewed after re-verification
  const renewed = await ok<{ expiresAt: string; previousExpiresAt: string }>('patron', 'renew-card', '--card', senior.cardNumber, '--verified', '--as-of', noon(day(2)));
  expect(renewed.expiresAt > renewed.previousExpiresAt).toBe(true);

  // ---- Day 4: the first hold was not picked up: it expires, and the book goes to the next hold
  const expiry = await ok<{ runs: { status: string; outcome: Record<string, number> }[] }>('jobs', 'run', 'holds-expire', '--library', LIBRARY, '--as-of', noon(day(4)));
  expect(expiry.runs.map((r) => r.status)).toEqual(['ran']);
  expect(Object.values(expiry.runs[0]!.outcome).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
  const again = await ok<{ runs: { status: string }[] }>('jobs', 'run', 'holds-expire', '--library', LIBRARY, '--as-of', noon(day(4)));
  expect(again.runs.map((r) => r.status)).not.toContain('ran'); // once per period
  // The second patron cannot take the book: it waits for the third
  const refused = await carrel('checkout', '--card', second.cardNumber, '--item', 'JV-BOOK-1', '--as-of', noon(day(4)));
  expect(refused.code, `${JSON.stringify(expiry)} ${refused.stdout}`).toBe(1);
  await ok('checkout', '--card', third.cardNumber, '--item', 'JV-BOOK-1', '--as-of', noon(day(4)));

  // ---- Day 5: fines accrue on the late game
  await ok('jobs', 'run', 'fines-accrue', '--library', LIBRARY, '--as-of', noon(day(5)));

  // ---- Day 6: the game is long overdue: declared lost and charged its replacement cost and the fee
  const lost = await ok<{ runs: { status: string; outcome: Record<string, number> }[] }>('jobs', 'run', 'long-overdue', '--library', LIBRARY, '--as-of', noon(day(6)));
  expect(lost.runs.map((r) => r.status)).toEqual(['ran']);
  const exported = await ok<{ loans: { itemBarcode: string; status: string }[]; fines: { kind: string; amountCents: number }[] }>(
    'export-patron',
    '--card',
    senior.cardNumber,
    '--as-of',
    noon(day(6)),
  );
  expect(exported.loans.find((l) => l.itemBarcode === 'JV-GAME-1')?.status).toBe('lost');
  expect(exported.fines.map((f) => f.kind)).toContain('lost');
  // The replacement cost, and the processing fee set on the settings page, as its own charge
  expect(exported.fines.map((f) => [f.kind, f.amountCents])).toEqual(expect.arrayContaining([['lost', 2000], [expect.any(String), 300]]));

  // ---- Day 7: the clerk leaves. Disabled from the Staff page, their open session ends at once.
  await officePage(page, 'staff', 'Staff');
  await page.getByRole('button', { name: `Manage ${clerk}` }).click();
  await page.getByRole('button', { name: `Disable ${clerk}` }).click();
  await page.getByRole('button', { name: `Yes, disable ${clerk}` }).click();
  await expect(page.getByRole('row', { name: new RegExp(clerk) })).toContainText('Disabled');
  await clerkDesk.reload();
  await expect(clerkDesk).toHaveURL(/staff\/login/);
  const staff = await ok<{ username: string; disabled: boolean }[] | { accounts: { username: string; disabled: boolean }[] }>('staff', 'list', '--library', LIBRARY);
  const accounts = Array.isArray(staff) ? staff : staff.accounts;
  expect(accounts.find((a) => a.username === clerk)?.disabled).toBe(true);
  await clerkDesk.context().close();
});
