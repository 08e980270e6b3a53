import { request as playwrightRequest, type Page } from '@playwright/test';
import { checkPage, expect, fixture, staffApi, staffLogin, test, type StaffCall } from './fixtures';

/**
 * The desk when a patron is opened (issue 15): the account at a glance before the first scan, lending
 * anyway past a block with a reason (staff with the override permission only), renew all, renewing a
 * card after re-verification, resetting a PIN, and registration with a pre-printed card and a home branch.
 * Each test makes its own items and patrons through the API, as the demo's librarian.
 */

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`.toUpperCase();
let serial = 0;
const barcode = () => `ACCT-${run}-${++serial}`;
const word = () => `Zq${run.toLowerCase()}y${++serial}`;

async function withApi<T>(role: string, body: (call: StaffCall) => Promise<T>): Promise<T> {
  const context = await playwrightRequest.newContext();
  try {
    return await body(await staffApi(context, role));
  } finally {
    await context.dispose();
  }
}

function scanBox(page: Page) {
  return page.getByLabel(/^Scan /);
}

async function scan(page: Page, value: string) {
  await scanBox(page).fill(value);
  await scanBox(page).press('Enter');
}

/** A 14-digit card number with its Luhn check digit (as src/domain/card-number.ts builds them). */
function cardWithCheckDigit(body13: string): string {
  let sum = 0;
  for (let i = 0; i < body13.length; i++) {
    let d = Number(body13[body13.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return `${body13}${(10 - (sum % 10)) % 10}`;
}

/**
 * A patron who owes more than the library allows while borrowing (a lost item's charge), with two other
 * items out: the block a senior member of staff may lend past.
 */
async function patronOverTheBalance(name: string) {
  return withApi('librarian', async (call) => {
    const libraryId = fixture().libraryId;
    const patron = await call<{ id: string; cardNumber: string }>('POST', '/patrons', { libraryId, name, birthDate: '1981-03-09' });
    const items: string[] = [];
    for (const title of ['Kept Out One', 'Kept Out Two', 'Gone Astray', 'Lent Anyway']) {
      const code = barcode();
      await call('POST', '/items', { libraryId, barcode: code, title: `${title} ${run}`, branch: 'central', replacementCostCents: 4000 });
      items.push(code);
    }
    const [one, two, lost, next] = items as [string, string, string, string];
    for (const item of [one, two, lost]) await call('POST', '/checkouts', { cardNumber: patron.cardNumber, itemBarcode: item });
    await call('POST', '/lost-items', { itemBarcode: lost, libraryId });
    return { ...patron, next };
  });
}

test('The account at a glance; a branch manager lends anyway with a reason; renew all; a card renewed; a PIN reset', async ({ page }, testInfo) => {
  const name = `Glance ${word()}`;
  const patron = await patronOverTheBalance(name);
  await staffLogin(page, 'branch-manager');
  await page.goto('desk');
  await scan(page, patron.cardNumber);
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();

  // At a glance, before the first scan: what is owed and the block, which a manager may lend past
  const summary = page.getByRole('region', { name: 'At a glance' });
  await expect(summary).toContainText(' owed');
  await expect(summary).toContainText('0 items overdue');
  await expect(summary).toContainText('Card: Valid until');
  const blocks = summary.getByRole('note', { name: 'Borrowing blocks' });
  await expect(blocks).toContainText('PATRON_OWES_FINES');
  await expect(blocks).toContainText('You may lend anyway, with a reason.');
  // Loans in the order they fall due
  await expect(page.getByRole('heading', { level: 3, name: 'Loans (2)' })).toBeVisible();
  await checkPage(page, testInfo, 'desk-account-summary');

  // The scan is refused; "Lend anyway" asks for the reason and lends once
  await scan(page, patron.next);
  const row = page.locator('section.scan').getByRole('row').filter({ hasText: patron.next });
  await expect(row).toContainText('Not checked out');
  await expect(row).toContainText('PATRON_OWES_FINES');
  await row.getByRole('button', { name: `Lend anyway: ${patron.next}` }).click();
  const reason = row.getByLabel('Reason for lending anyway (required)');
  await expect(reason).toBeFocused();
  await expect(row.getByRole('button', { name: 'Lend anyway', exact: true })).toBeDisabled();
  await reason.fill('Pays the charge on Friday; needed for a course');
  await checkPage(page, testInfo, 'desk-lend-anyway');
  await row.getByRole('button', { name: 'Lend anyway', exact: true }).click();
  await expect(row).toContainText('Lent anyway, due');
  await expect(page.getByRole('heading', { level: 3, name: 'Loans (3)' })).toBeVisible();

  // Renew all on the day of check-out: nothing renews, each says why (and no renewal is spent)
  await page.getByRole('button', { name: 'Renew all' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Renew all:' })).toContainText('0 renewed, 3 not renewed');
  await expect(page.getByRole('status').filter({ hasText: 'Renew all:' })).toContainText('would not move the due date');

  // The card: renewed after re-verification, then a PIN reset shown once
  await page.getByRole('button', { name: 'Renew card…' }).click();
  await page.getByRole('button', { name: 'Verified today, renew card' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Card renewed' })).toContainText('it now expires');
  await page.getByRole('button', { name: 'Reset PIN…' }).click();
  await page.getByRole('button', { name: 'Reset the PIN' }).click();
  await expect(page.getByRole('heading', { level: 4, name: 'New PIN' })).toBeFocused();
  await expect(page.locator('.new-card dd.secret')).toHaveText(/^\d{4,}$/);
  await checkPage(page, testInfo, 'desk-new-pin');
  await page.getByRole('button', { name: 'Done: hide the PIN' }).click();
  await expect(page.locator('.new-card')).toHaveCount(0);
});

test('A clerk sees the block but is not offered to lend anyway', async ({ page }) => {
  const name = `Clerkview ${word()}`;
  const patron = await patronOverTheBalance(name);
  await staffLogin(page, 'circulation');
  await page.goto('desk');
  await scan(page, patron.cardNumber);
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
  const blocks = page.getByRole('region', { name: 'At a glance' }).getByRole('note', { name: 'Borrowing blocks' });
  await expect(blocks).toContainText('PATRON_OWES_FINES');
  await expect(blocks).not.toContainText('You may lend anyway');
  await scan(page, patron.next);
  const row = page.locator('section.scan').getByRole('row').filter({ hasText: patron.next });
  await expect(row).toContainText('Not checked out');
  await expect(row.getByRole('button', { name: /Lend anyway/ })).toHaveCount(0);
});

test('Registration takes a pre-printed card (a mistyped one is refused) and a home branch', async ({ page }, testInfo) => {
  const printed = cardWithCheckDigit(`27${String(Date.now()).slice(-11)}`);
  const mistyped = `${printed.slice(0, 13)}${(Number(printed[13]) + 1) % 10}`;
  const name = `Printed ${word()}`;
  await staffLogin(page, 'circulation');
  await page.goto('desk/register');
  await page.getByLabel('Full name (required)').fill(name);
  await page.getByLabel('Date of birth (required)').fill('1977-11-02');
  await page.getByLabel('Pre-printed card number (optional)').fill(mistyped);
  await page.getByLabel('Home branch (optional)').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Register patron' }).click();
  await expect(page.getByText('The card number is not 14 digits with a valid check digit.').first()).toBeVisible();
  await checkPage(page, testInfo, 'desk-register-card-invalid');
  await page.getByLabel('Pre-printed card number (optional)').fill(printed);
  await page.getByRole('button', { name: 'Register patron' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Patron registered' })).toBeFocused();
  await expect(page.locator('dd.secret').first()).toHaveText(printed);
  const receipt = page.locator('.card.receipt');
  await expect(receipt.getByText('Home branch')).toBeVisible();
  await expect(receipt.getByText('None given')).toHaveCount(0);
});
