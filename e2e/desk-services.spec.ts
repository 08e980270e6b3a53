import { request as playwrightRequest, type Page } from '@playwright/test';
import { checkPage, expect, fixture, staffApi, staffLogin, test, type StaffCall } from './fixtures';

/**
 * The desk's services, the patron's standing, a loan declared lost and a complaint, in a real browser
 * against a real Carrel. Each test makes its own patrons and items through the API (as the demo's
 * librarian), so no test depends on another's data or order. Names follow desk.spec.ts's shape (Zq…),
 * which the run's log scan looks for.
 */

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`.toUpperCase();
let serial = 0;
const word = () => `Zq${run.toLowerCase()}x${++serial}`;

async function withApi<T>(role: string, work: (call: StaffCall) => Promise<T>): Promise<T> {
  const context = await playwrightRequest.newContext();
  try {
    return await work(await staffApi(context, role));
  } finally {
    await context.dispose();
  }
}

async function newPatron(call: StaffCall, name: string): Promise<{ id: string; cardNumber: string }> {
  return call('POST', '/patrons', { libraryId: fixture().libraryId, name, birthDate: '1984-07-12' });
}

/** Opens a patron at the desk by scanning their card into the scan box. */
async function scanCard(page: Page, cardNumber: string, name: string) {
  const box = page.getByLabel(/^Scan /);
  await box.fill(cardNumber);
  await box.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
}

test('A clerk records a computer session and a program sign-up for the patron they scanned, then ends and cancels them', async ({ page }, testInfo) => {
  const name = `Sam ${word()}`;
  const patron = await withApi('librarian', (call) => newPatron(call, name));
  await staffLogin(page, 'circulation');
  await scanCard(page, patron.cardNumber, name);

  // The services page, from the desk's own navigation: the card never goes in the URL.
  await page.getByRole('navigation', { name: 'Desk' }).getByRole('link', { name: 'Services' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Services' })).toBeVisible();
  await expect(page).toHaveURL(/\/app\/desk\/services$/);
  await expect(page.getByText(`For the patron at the desk: ${name}`)).toBeVisible();
  await checkPage(page, testInfo, 'desk-services');

  // A computer session on a station.
  const station = `PC-${serial}`;
  await page.getByLabel('Service', { exact: true }).selectOption('computer-session');
  await page.getByLabel('Station code').fill(station);
  await page.getByRole('button', { name: 'Record computer session' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Recorded: Computer session ${station}, for the patron at the desk.` })).toBeVisible();
  const sessionRow = page.getByRole('row').filter({ hasText: station });
  await expect(sessionRow).toContainText('In use');

  // A program sign-up: the times default to the next hour.
  const program = `storytime-${serial}`;
  await page.getByLabel('Service', { exact: true }).selectOption('program-signup');
  await page.getByLabel('Program code').fill(program);
  await page.getByRole('button', { name: 'Record program sign-up' }).click();
  const signupRow = page.getByRole('row').filter({ hasText: program });
  await expect(signupRow).toContainText('Booked');
  await expect(page.getByRole('heading', { name: 'Recorded in this visit (2)' })).toBeVisible();
  await checkPage(page, testInfo, 'desk-services-recorded');

  // End the session and cancel the sign-up, from the list.
  await page.getByRole('button', { name: `End session: Computer session ${station}` }).click();
  await expect(sessionRow).toContainText('Ended');
  await expect(page.getByRole('heading', { name: /^Recorded in this visit/ })).toBeFocused();
  await page.getByRole('button', { name: `Cancel sign-up: Program sign-up ${program}` }).click();
  await expect(signupRow).toContainText('Cancelled');
  await expect(page.getByRole('button', { name: /^Cancel sign-up/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^End session/ })).toHaveCount(0);

  // A refusal shows Carrel's stable code: a program that ended already.
  await page.getByLabel('Program code').fill(program);
  await page.getByLabel('Starts').fill('2020-01-01T10:00');
  await page.getByLabel('Ends').fill('2020-01-01T11:00');
  await page.getByRole('button', { name: 'Record program sign-up' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'EVENT_OVER' })).toBeVisible();
  await checkPage(page, testInfo, 'desk-services-refused');
  // Nothing personal in the page's address or title.
  expect(page.url()).not.toContain(patron.cardNumber);
  expect(await page.title()).not.toContain('Sam');
});

test('A manager blocks and unblocks a patron', async ({ page }, testInfo) => {
  const name = `Bea ${word()}`;
  const patron = await withApi('librarian', (call) => newPatron(call, name));
  await staffLogin(page, 'branch-manager');
  await scanCard(page, patron.cardNumber, name);
  const panel = page.locator('section.patron');

  await panel.getByLabel('Change the standing to').selectOption('blocked');
  await panel.getByRole('button', { name: 'Change standing' }).click();
  await expect(panel.getByRole('status').filter({ hasText: 'Standing changed to blocked.' })).toBeVisible();
  await expect(panel.locator('.patron-head .badge')).toHaveText('Blocked');
  await checkPage(page, testInfo, 'desk-patron-blocked');

  await panel.getByLabel('Change the standing to').selectOption('active');
  await panel.getByRole('button', { name: 'Change standing' }).click();
  await expect(panel.getByRole('status').filter({ hasText: 'Standing changed to active.' })).toBeVisible();
  await expect(panel.locator('.patron-head .badge')).toHaveText('Active');

  // The manager may also delete: asked first, and refused in plain words only when something stops it.
  await panel.getByRole('button', { name: 'Delete the record…' }).click();
  await expect(panel.getByRole('button', { name: 'Yes, delete the record' })).toBeVisible();
  await checkPage(page, testInfo, 'desk-patron-delete-confirm');
  await panel.getByRole('button', { name: 'Keep the record' }).click();
  await expect(panel.getByRole('button', { name: 'Delete the record…' })).toBeVisible();
});

test('A loan declared lost at the desk adds a lost item charge', async ({ page }, testInfo) => {
  const name = `Lou ${word()}`;
  const title = `Lost Atlas ${run}`;
  const itemBarcode = `SVC-${run}-${++serial}`;
  const patron = await withApi('librarian', async (call) => {
    await call('POST', '/items', { libraryId: fixture().libraryId, barcode: itemBarcode, title, replacementCostCents: 2500 });
    const created = await newPatron(call, name);
    await call('POST', '/checkouts', { cardNumber: created.cardNumber, itemBarcode });
    return created;
  });
  await staffLogin(page, 'circulation');
  await scanCard(page, patron.cardNumber, name);
  const panel = page.locator('section.patron');

  await panel.getByRole('button', { name: `Declare lost: ${title} (${itemBarcode})` }).click();
  await expect(panel.getByRole('button', { name: `Yes, declare ${title} lost` })).toBeFocused();
  await checkPage(page, testInfo, 'desk-declare-lost-confirm');
  await panel.getByRole('button', { name: `Yes, declare ${title} lost` }).click();
  await expect(panel.getByRole('status').filter({ hasText: `Declared lost: ${title}. A lost item charge of $25.00` })).toBeVisible();
  await expect(panel.getByRole('heading', { name: 'Loans (0)' })).toBeVisible();
  await expect(panel.getByRole('row').filter({ hasText: `Lost item charge: ${title}` })).toContainText('$25.00');
  await checkPage(page, testInfo, 'desk-declared-lost');
});

test('A complaint is recorded at the desk, named or anonymous', async ({ page }, testInfo) => {
  const name = `Cy ${word()}`;
  const patron = await withApi('librarian', (call) => newPatron(call, name));
  await staffLogin(page, 'circulation');

  // Nobody open at the desk: anonymous, with the warning, and no summary to write.
  await page.getByRole('navigation', { name: 'Desk' }).getByRole('link', { name: 'Record a complaint' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Record a complaint' })).toBeVisible();
  await expect(page.getByText('An anonymous complaint carries no patron data')).toBeVisible();
  await expect(page.getByLabel('Summary (optional)')).toHaveCount(0);
  await checkPage(page, testInfo, 'desk-complaint');
  await page.getByLabel('Received by').selectOption('phone');
  await page.getByLabel('Topic code').fill('Not A Code');
  await page.getByRole('button', { name: 'Record complaint' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'VALIDATION_FAILED' })).toBeVisible();
  await page.getByLabel('Topic code').fill('opening-hours');
  await page.getByRole('button', { name: 'Record complaint' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Complaint recorded' })).toBeVisible();
  await expect(page.locator('.card.receipt')).toContainText('Anonymous');

  // The patron scanned at the desk: named, with a summary.
  await page.getByRole('navigation', { name: 'Desk' }).getByRole('link', { name: 'Check out and in' }).click();
  await scanCard(page, patron.cardNumber, name);
  await page.getByRole('navigation', { name: 'Desk' }).getByRole('link', { name: 'Record a complaint' }).click();
  await expect(page.getByLabel(`The patron at the desk: ${name}`)).toBeChecked();
  await page.getByLabel('Topic code').fill('privacy');
  await page.getByLabel('Summary (optional)').fill('Asked why a notice went to an old address.');
  await page.getByRole('button', { name: 'Record complaint' }).click();
  await expect(page.locator('.card.receipt')).toContainText('The patron at the desk');
  await checkPage(page, testInfo, 'desk-complaint-recorded');
});
