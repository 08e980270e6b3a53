import { request as playwrightRequest } from '@playwright/test';
import { checkPage, expect, fixture, settle, staffApi, staffLogin, test, type StaffCall } from './fixtures';

/**
 * The desk's catalogue in a real browser: a clerk finds a title by author and by ISBN, opens it, places
 * a hold on the title for a patron and finds the copy on the list of holds to pull; a librarian marks a
 * copy damaged. The titles are catalogued here through the API as the librarian (the demo's own titles
 * are not relied on). The words searched for never reach the address bar.
 */

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`.toUpperCase();
const author = `Quillfeather${run.toLowerCase()}`;
const title = `Marginalia of the Lantern ${run}`;
const central = `CAT-${run}-C`;
const eastside = `CAT-${run}-E`;

/** A valid ISBN-13 of its own for this run: 978, nine random digits, the check digit. */
function freshIsbn(): string {
  const body = `978${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
  const sum = [...body].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}
const isbn = freshIsbn();

async function librarianApi(): Promise<{ call: StaffCall; dispose(): Promise<void> }> {
  const context = await playwrightRequest.newContext();
  return { call: await staffApi(context, 'librarian'), dispose: () => context.dispose() };
}

let holder: { cardNumber: string };

test.beforeAll(async () => {
  const librarian = await librarianApi();
  await librarian.call('POST', `/libraries/${fixture().libraryId}/records`, {
    title,
    authors: [`${author}, Ada`],
    subjects: ['Lighthouses'],
    isbns: [isbn],
    year: 1897,
    language: 'eng',
    copies: [
      { barcode: central, branch: 'central', callNumber: 'FIC QUI' },
      { barcode: eastside, branch: 'eastside', callNumber: 'FIC QUI' },
    ],
  });
  holder = await librarian.call('POST', '/patrons', { libraryId: fixture().libraryId, name: `Lena Holdwell${run.toLowerCase()}`, birthDate: '1979-05-05' });
  await librarian.dispose();
});

test('the clerk finds a title by author and by ISBN, places a hold on it, and the copy is on the pull list', async ({ page }, testInfo) => {
  await staffLogin(page, 'circulation');
  await page.getByRole('navigation', { name: 'Desk' }).getByRole('link', { name: 'Catalogue' }).click();
  await expect(page).toHaveURL(/\/app\/desk\/catalogue$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Catalogue' })).toBeVisible();

  // By author: one title, its copies on the shelf at each branch
  await page.getByLabel('Search in').selectOption({ label: 'Author' });
  await page.getByLabel('Search for').fill(author);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'One title found' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: title });
  await expect(row).toContainText('Central Library: 1 of 1 on the shelf');
  await expect(row).toContainText('Eastside Branch: 1 of 1 on the shelf');
  await expect(page.getByRole('button', { name: /On the shelf now \(1\)/ })).toBeVisible();
  expect(page.url()).not.toContain(author.toLowerCase());
  await checkPage(page, testInfo, 'desk-catalogue-results');

  // A facet narrows the results: a format the title is not in is not offered, the branch is
  await page.getByRole('button', { name: 'Eastside Branch (1)' }).click();
  await expect(page.getByRole('button', { name: 'Eastside Branch (1)' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('row').filter({ hasText: title })).toHaveCount(1);

  // By ISBN, typed with hyphens
  await page.getByLabel('Search in').selectOption({ label: 'ISBN' });
  await page.getByLabel('Search for').fill(`${isbn.slice(0, 3)}-${isbn.slice(3, 4)}-${isbn.slice(4, 12)}-${isbn.slice(12)}`);
  await page.getByRole('button', { name: 'Search' }).click();
  // The author search's results say "One title found" too: the new search's answer is the one with the
  // branch facet reset, once nothing is in flight any more.
  await settle(page);
  await expect(page.getByRole('button', { name: 'Eastside Branch (1)' })).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByRole('heading', { level: 2, name: 'One title found' })).toBeVisible();
  expect(page.url()).not.toContain(isbn.slice(4, 12));

  // The title's page: its copies, no change buttons for a clerk
  await page.getByRole('button', { name: title }).click();
  await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: central })).toContainText('On the shelf');
  await expect(page.getByRole('row').filter({ hasText: eastside })).toContainText('FIC QUI');
  await expect(page.getByRole('button', { name: `Mark ${central} damaged` })).toHaveCount(0);
  await checkPage(page, testInfo, 'desk-catalogue-record');

  // A hold on the title for pick-up at Eastside: Eastside's own copy is set aside
  await page.getByLabel('Patron’s card number').fill(holder.cardNumber);
  await page.getByLabel('Pick-up branch').selectOption({ label: 'Eastside Branch' });
  await page.getByRole('button', { name: 'Place hold' }).click();
  await expect(page.getByRole('status')).toContainText('Hold placed. A copy on the shelf is set aside');
  await expect(page.getByLabel('Patron’s card number')).toHaveValue('');
  expect(page.url()).not.toContain(holder.cardNumber);

  await page.getByRole('link', { name: 'Open the holds to pull' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Holds to pull' })).toBeVisible();
  const pull = page.getByRole('row').filter({ hasText: eastside });
  await expect(pull).toContainText(title);
  await expect(pull).toContainText('Eastside Branch');
  await expect(page.getByRole('row').filter({ hasText: central })).toHaveCount(0);
  await expect(page.locator('main')).not.toContainText(holder.cardNumber);
});

test('an unknown card number is refused in words beside the field', async ({ page }) => {
  await staffLogin(page, 'circulation');
  await page.goto('desk/catalogue');
  await page.getByLabel('Search for').fill(title);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('button', { name: title }).click();
  await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  await page.getByLabel('Patron’s card number').fill('29999999999999');
  await page.getByRole('button', { name: 'Place hold' }).click();
  // Said beside the field, which is marked invalid; the form stays as it was
  const field = page.getByLabel('Patron’s card number');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('.field-error')).toHaveText('No patron has that card number.');
  await expect(page.getByRole('status')).toHaveCount(0);
});

test('the librarian marks a copy damaged and back', async ({ page }, testInfo) => {
  await staffLogin(page, 'librarian');
  await page.goto('desk/catalogue');
  await page.getByLabel('Search for').fill(title);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('button', { name: title }).click();
  const copy = page.getByRole('row').filter({ hasText: central });
  await expect(copy).toContainText('On the shelf');
  await page.getByRole('button', { name: `Mark ${central} damaged` }).click();
  await expect(page.getByRole('status')).toContainText(`${central}: marked damaged.`);
  await expect(copy).toContainText('Damaged');
  await checkPage(page, testInfo, 'desk-catalogue-damaged');
  await page.getByRole('button', { name: `Mark ${central} not damaged` }).click();
  await expect(page.getByRole('status')).toContainText(`${central}: no longer damaged.`);
  await expect(copy).not.toContainText('Damaged');
});
