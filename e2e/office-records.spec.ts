import { checkPage, expect, fixture, staffApi, staffLogin, test } from './fixtures';

/**
 * The office's record pages: a patron's access log and service records (the director), the register of
 * records kept outside Carrel (a branch manager), and the catalogue (a librarian). Each test makes its
 * own patrons, series and items through the API. Screenshots are taken before a card number is typed.
 */

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

test('the director opens a patron’s access log and, for a violation review, their computer sessions', async ({ page, request }, testInfo) => {
  const clerk = await staffApi(request, 'circulation');
  const patron = await clerk<{ id: string; cardNumber: string }>('POST', '/patrons', { libraryId: fixture().libraryId, name: `Records Test ${unique()}`, birthDate: '1982-03-04' });
  const clerkId = (await clerk<{ actor: { id: string } }>('GET', '/auth/session')).actor.id;
  // The look-up the director should see in the log, and a computer session to review.
  await clerk('POST', '/patrons/lookup', { cardNumber: patron.cardNumber });
  const station = `PC-${unique()}`;
  await clerk('POST', '/computer-sessions', { cardNumber: patron.cardNumber, branch: 'central', station });
  const topic = `topic-${unique()}`;
  await clerk('POST', '/program-signups', { cardNumber: patron.cardNumber, branch: 'central', program: topic, startsAt: new Date(Date.now() + 86_400_000).toISOString(), endsAt: new Date(Date.now() + 90_000_000).toISOString() });

  await staffLogin(page, 'director');
  await page.goto('office');
  await page.getByRole('navigation', { name: 'Office' }).getByRole('link', { name: 'Access log and service records' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Patron’s access log and service records' })).toBeVisible();
  await checkPage(page, testInfo, 'office-patron-records');

  await page.getByLabel('Library card number').fill(patron.cardNumber);
  // No look-up runs without a purpose: the browser's required check stops it before any request.
  const lookups: string[] = [];
  page.on('request', (r) => r.url().includes('/patrons/lookup') && lookups.push(r.url()));
  await page.getByRole('button', { name: 'Find the patron' }).click();
  await expect(page.getByLabel('Purpose of the look-up')).toHaveJSProperty('validity.valid', false);
  expect(lookups).toEqual([]);
  await page.getByLabel('Purpose of the look-up').selectOption('violation-review');
  await page.getByRole('button', { name: 'Find the patron' }).click();
  await expect(page.getByRole('heading', { name: `Access log of patron ${patron.id}` })).toBeVisible();
  expect(lookups).toHaveLength(1);
  // The card number is not kept on the page, nor in its address.
  await expect(page.getByLabel('Library card number')).toHaveValue('');
  expect(page.url()).not.toContain(patron.cardNumber);
  // Who looked is named by their username and library, never by an account id.
  const clerkName = fixture().staff.circulation?.username ?? '';
  const clerkRow = page.getByRole('row').filter({ hasText: clerkName });
  await expect(clerkRow.first()).toContainText('circulation');
  await expect(page.getByRole('row').filter({ hasText: clerkId })).toHaveCount(0);
  // The director's own look-up is logged under the purpose named, never as a desk transaction.
  const director = await staffApi(request, 'director');
  const directorId = (await director<{ actor: { id: string } }>('GET', '/auth/session')).actor.id;
  const log = await director<{ entries: { actorId: string; action: string; purpose: string }[] }>('GET', `/patrons/${patron.id}/access-log`);
  expect(log.entries.filter((e) => e.actorId === directorId && e.action === 'view-account').map((e) => e.purpose)).toEqual(['violation-review']);

  // The review's purpose starts as the look-up's.
  await expect(page.getByLabel('Purpose of the review')).toHaveValue('violation-review');
  await page.getByRole('button', { name: 'Open the service records' }).click();
  const reviewed = page.getByRole('table').filter({ hasText: 'Violation review' });
  await expect(reviewed.getByRole('row').filter({ hasText: station })).toContainText('Public-computer session');
  await expect(reviewed).not.toContainText(topic);
  await expect(page.getByRole('status')).toContainText('public-computer sessions only');
  await checkPage(page, testInfo, 'office-patron-records-review');

  // Any other purpose withholds the computer logs and says so.
  await page.getByLabel('Purpose of the review').selectOption('account-service');
  await page.getByRole('button', { name: 'Open the service records' }).click();
  const served = page.getByRole('table').filter({ hasText: 'Account service' });
  await expect(served.getByRole('row').filter({ hasText: topic })).toContainText('Program sign-up');
  await expect(served).not.toContainText(station);
  await expect(page.getByRole('status')).toContainText('withheld');
  expect(page.url()).not.toContain(patron.cardNumber);
});

test('a branch manager adds a record series and confirms its disposal', async ({ page }, testInfo) => {
  const code = `e2e-${unique()}`;
  const name = `Test footage ${code}`;
  await staffLogin(page, 'branch-manager');
  await page.goto('office');
  await page.getByRole('navigation', { name: 'Office' }).getByRole('link', { name: 'Records kept outside Carrel' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Records kept outside Carrel' })).toBeVisible();
  await checkPage(page, testInfo, 'office-record-series');

  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Medium', { exact: true }).fill('digital video');
  await page.getByLabel('Where they are kept (optional)').fill('server room');
  await page.getByLabel('Kept for (days)').fill('30');
  await page.getByLabel('Policy clause (optional)').fill('CB-H');
  await page.getByRole('button', { name: 'Add the series' }).click();
  await expect(page.getByRole('status')).toContainText(`${name} (${code}) is in the register`);
  const row = page.getByRole('row').filter({ hasText: code });
  await expect(row).toContainText('digital video, server room');
  await expect(row).toContainText('None confirmed');

  await row.getByRole('button', { name: `Confirm disposal of ${code}` }).click();
  await row.getByLabel(`How (${code})`).fill('overwritten');
  await row.getByRole('button', { name: 'Yes, it was destroyed' }).click();
  await expect(page.getByRole('status')).toContainText(`Disposal of ${name} confirmed`);
  await expect(row).toContainText('(overwritten)');
  await checkPage(page, testInfo, 'office-record-series-confirmed');
});

test('a librarian adds an item to the catalogue and looks it up by barcode', async ({ page }, testInfo) => {
  const barcode = `E2E-${unique()}`.toUpperCase();
  const title = `Catalogue Test ${barcode}`;
  await staffLogin(page, 'librarian');
  await page.goto('office');
  await page.getByRole('navigation', { name: 'Office' }).getByRole('link', { name: 'Catalogue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Catalogue' })).toBeVisible();
  await checkPage(page, testInfo, 'office-catalogue');

  await page.getByLabel('Barcode of the new item').fill(barcode);
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Author (optional)').fill('A. Writer');
  await page.getByLabel('Branch (optional)').fill('central');
  await page.getByLabel('Replacement cost (optional)').fill('12.50');
  await page.getByRole('button', { name: 'Add the item' }).click();
  await expect(page.getByRole('status')).toContainText(`${title} (${barcode}) is in the catalogue`);

  await page.getByLabel('Barcode to look up').fill(barcode);
  await page.getByRole('button', { name: 'Look it up' }).click();
  await expect(page.getByRole('heading', { name: `Item ${barcode}`, exact: true })).toBeVisible();
  const found = page.locator('dl').first();
  await expect(found).toContainText(title);
  await expect(found).toContainText('A. Writer');
  await expect(found).toContainText('available');

  await page.getByLabel('Barcode to look up').fill(`NONE-${unique()}`);
  await page.getByRole('button', { name: 'Look it up' }).click();
  await expect(page.getByRole('alert')).toContainText('NOT_FOUND');
  await checkPage(page, testInfo, 'office-catalogue-lookup');
});
