import { request as playwrightRequest } from '@playwright/test';
import { checkPage, expect, fixture, staffApi, staffLogin, test, type StaffCall } from './fixtures';

/**
 * The desk's staff lists in a real browser against the demo library (which has something on each list):
 * items overdue, holds to pull, expired holds to reshelve, items in transit. Plain tables that print;
 * no patron on any of them. Each test makes its own items and patrons through the API as the librarian.
 */

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`.toUpperCase();
let serial = 0;
const barcode = () => `LIST-${run}-${++serial}`;

async function librarianApi(): Promise<{ call: StaffCall; dispose(): Promise<void> }> {
  const context = await playwrightRequest.newContext();
  return { call: await staffApi(context, 'librarian'), dispose: () => context.dispose() };
}

async function newItem(call: StaffCall, title: string, branch: string): Promise<string> {
  const code = barcode();
  await call('POST', '/items', { libraryId: fixture().libraryId, barcode: code, title, branch });
  return code;
}

async function newPatron(call: StaffCall, name: string): Promise<{ id: string; cardNumber: string }> {
  return call('POST', '/patrons', { libraryId: fixture().libraryId, name, birthDate: '1984-07-12' });
}

test('the clerk reads the overdue list, most overdue first, by branch and days, and prints it plain', async ({ page }, testInfo) => {
  await staffLogin(page, 'circulation');
  await page.getByRole('navigation', { name: 'Desk' }).getByRole('link', { name: 'Lists' }).click();
  await expect(page).toHaveURL(/\/app\/desk\/lists\/overdue$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Items overdue' })).toBeVisible();
  const table = page.getByRole('table');
  await expect(table.getByRole('columnheader')).toHaveText(['Item barcode', 'Title', 'Branch', 'Due', 'Days overdue']);
  const days = (await table.locator('tbody td.num').allTextContents()).map(Number);
  expect(days.length).toBeGreaterThan(0);
  expect(days).toEqual([...days].sort((a, b) => b - a));
  await checkPage(page, testInfo, 'desk-lists-overdue');

  // At least the most overdue's days: only those rows
  const most = days[0] as number;
  await page.getByLabel('At least this many days overdue').fill(String(most));
  await expect(table.locator('tbody tr')).toHaveCount(days.filter((d) => d >= most).length);
  await page.getByLabel('At least this many days overdue').fill('');
  // One branch
  await page.getByLabel('Branch').selectOption({ label: 'Eastside Branch' });
  await expect(table.getByRole('caption')).toContainText('at Eastside Branch');
  // (Waits for the rows as well as the caption: the body may redraw just after it.)
  await expect(table.locator('tbody tr td:nth-child(3)').filter({ hasNotText: /^Eastside Branch$/ })).toHaveCount(0);
  await expect(table.locator('tbody tr td:nth-child(3)').first()).toHaveText('Eastside Branch');

  // On paper: the table alone
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Lists' })).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Desk' })).toBeHidden();
  await expect(page.getByLabel('Branch')).toBeHidden();
  await expect(table).toBeVisible();
  await page.emulateMedia({ media: 'screen' });
});

test('a hold on an item on the shelves is pulled, travels to its pick-up branch and is received; no patron is shown', async ({ page }, testInfo) => {
  const librarian = await librarianApi();
  const title = `Pull Copy ${run}`;
  const item = await newItem(librarian.call, title, 'eastside');
  const holderName = `Hattie Pullmarker${run.toLowerCase()}`;
  const holder = await newPatron(librarian.call, holderName);
  await librarian.call('POST', '/holds', { cardNumber: holder.cardNumber, itemBarcode: item, pickupBranch: 'central' });
  await librarian.dispose();

  await staffLogin(page, 'circulation');
  await page.goto('desk/lists/pull');
  await expect(page.getByRole('heading', { level: 1, name: 'Holds to pull' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: item });
  await expect(row.getByRole('cell')).toHaveText([item, title, '—', 'Book', 'Eastside Branch', 'Central Library', /\w/, 'Pulled']);
  await expect(page.locator('main')).not.toContainText(holderName);
  await expect(page.locator('main')).not.toContainText(holder.cardNumber);
  await checkPage(page, testInfo, 'desk-lists-pull');
  // Central's shelves have other items to pull, not this one
  await page.getByLabel('Branch').selectOption({ label: 'Central Library' });
  await expect(page.getByRole('row').filter({ hasText: item })).toHaveCount(0);
  await page.getByLabel('Branch').selectOption({ label: 'All branches' });

  // Pulled: it leaves the pull list and is in transit to Central
  await page.getByRole('button', { name: `Pulled: ${item}` }).click();
  await expect(page.getByRole('row').filter({ hasText: item })).toHaveCount(0);
  await page.getByRole('navigation', { name: 'Lists' }).getByRole('link', { name: 'In transit' }).click();
  await expect(page).toHaveURL(/\/app\/desk\/lists\/in-transit$/);
  const moving = page.getByRole('row').filter({ hasText: item });
  await expect(moving.getByRole('cell')).toHaveText([item, title, 'Eastside Branch', 'Central Library', /\w/, 'Received']);
  await expect(page.locator('main')).not.toContainText(holderName);
  await checkPage(page, testInfo, 'desk-lists-in-transit');
  await page.getByRole('button', { name: `Received: ${item}` }).click();
  await expect(page.getByRole('row').filter({ hasText: item })).toHaveCount(0);
});

test('a cancelled hold left on the hold shelf is listed by its shelf code until reshelved', async ({ page }, testInfo) => {
  const librarian = await librarianApi();
  const item = await newItem(librarian.call, `Shelf Copy ${run}`, 'central');
  const holderName = `Hugo Shelfmarker${run.toLowerCase()}`;
  const holder = await newPatron(librarian.call, holderName);
  const hold = await librarian.call<{ id: string }>('POST', '/holds', { cardNumber: holder.cardNumber, itemBarcode: item });
  await librarian.call('POST', `/libraries/${fixture().libraryId}/lists/done`, { itemBarcode: item });
  await librarian.call('POST', `/holds/${hold.id}/cancel`);
  await librarian.dispose();

  await staffLogin(page, 'circulation');
  await page.goto('desk/lists/expired-holds');
  await expect(page.getByRole('heading', { level: 1, name: 'Expired holds to reshelve' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: item });
  await expect(row.locator('td.shelf-code')).toHaveText(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
  await expect(row).toContainText('Central Library');
  await expect(page.locator('main')).not.toContainText(holderName);
  await checkPage(page, testInfo, 'desk-lists-expired-holds');
  await row.getByRole('button', { name: `Reshelved: ${item}` }).click();
  await expect(page.getByRole('row').filter({ hasText: item })).toHaveCount(0);
});

test('a volunteer has no lists: no tab, and the page says so', async ({ page }) => {
  await staffLogin(page, 'volunteer');
  await expect(page.getByRole('link', { name: 'Lists' })).toHaveCount(0);
  await page.goto('desk/lists/pull');
  await expect(page.getByText('Working from the staff lists is not part of your role.')).toBeVisible();
  await expect(page.getByRole('table')).toHaveCount(0);
});
