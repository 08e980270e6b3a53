import type { APIRequestContext, Page } from '@playwright/test';
import { BASE_URL, checkPage, expect, fixture, patronLogin, staffApi, staffLogin, test } from './fixtures';

/**
 * How the web app lives with the end of a session: one ended from elsewhere while a form is being filled
 * (a log-in in a dialog brings the form back as it was), one that runs out for lack of activity (the
 * screen is cleared and the log-in page says why), and a CSRF token made stale by a log-in in another tab
 * (the change goes through after one quiet retry). Patrons are made here through the API, with names of
 * the desk spec's shape (`Zq…`), which the end-of-run log scan looks for.
 */

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`.toLowerCase();
let serial = 0;
const word = () => `Zq${run}x${++serial}`;

const api = (path: string) => `${BASE_URL()}/api/v1${path}`;

/** Logs the page's own session out from outside the page (same cookie, its CSRF token read from the session). */
async function endSessionFromOutside(page: Page): Promise<void> {
  const request = page.context().request;
  const session = await request.get(api('/auth/session'));
  expect(session.status()).toBe(200);
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  const out = await request.post(api('/auth/logout'), { headers: { 'x-csrf-token': csrfToken } });
  expect(out.status()).toBe(204);
  expect((await request.get(api('/auth/session'))).status()).toBe(401);
}

/** A new adult patron of the demo library, registered by the demo's librarian in the test's own request context. */
async function newPatron(request: APIRequestContext, name: string): Promise<{ cardNumber: string; pin: string }> {
  const librarian = await staffApi(request, 'librarian');
  return librarian('POST', '/patrons', { libraryId: fixture().libraryId, name, birthDate: '1981-02-03' });
}

test('a session ended elsewhere while a form is filled: a log-in in the dialog keeps what was typed, and the form then sends', async ({ page }, testInfo) => {
  const clerk = fixture().staff.circulation as { username: string; password: string };
  const name = `Ada ${word()}`;
  await staffLogin(page, 'circulation');
  await page.goto('desk/register');
  const form = page.locator('form.register');
  await form.getByLabel('Full name (required)').fill(name);
  await form.getByLabel('Date of birth (required)').fill('1990-04-05');

  await endSessionFromOutside(page);
  await form.getByRole('button', { name: 'Register patron' }).click();

  // The page stays, inert behind a dialog that says why and asks for a log-in of the same kind.
  const dialog = page.getByRole('dialog', { name: 'Your session ended' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('log in again to continue');
  await expect(page.locator('main')).toHaveAttribute('inert', '');
  await checkPage(page, testInfo, 'session-lost-dialog');
  // Escape does not dismiss it: the question needs an answer.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible();

  // A wrong password is said in the dialog, which stays.
  await dialog.getByLabel('Username').fill(clerk.username);
  await dialog.getByLabel('Password').fill('not the password');
  await dialog.getByRole('button', { name: 'Log in' }).click();
  await expect(dialog.getByRole('alert')).toContainText('INVALID_CREDENTIALS');

  await dialog.getByLabel('Password').fill(clerk.password);
  await dialog.getByRole('button', { name: 'Log in' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator('main')).not.toHaveAttribute('inert', '');

  // The form is as it was, and now it sends.
  await expect(page).toHaveURL(/\/app\/desk\/register$/);
  await expect(form.getByLabel('Full name (required)')).toHaveValue(name);
  await expect(form.getByLabel('Date of birth (required)')).toHaveValue('1990-04-05');
  await form.getByRole('button', { name: 'Register patron' }).click();
  await expect(page.locator('.receipt').getByRole('heading', { name: 'Patron registered' })).toBeVisible();
});

/** Opens the demo's sample patron at the desk by scanning their card; answers the scan box. */
async function openSamplePatron(page: Page) {
  await page.goto('desk');
  await page.getByLabel('Scan the patron’s library card').fill(fixture().sample.cardNumber);
  await page.getByLabel('Scan the patron’s library card').press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: 'Sample Reader' })).toBeVisible();
  return page.getByLabel(/^Scan /);
}

test('a different person logging in in the dialog starts on their own first page, with nothing of the other’s desk kept', async ({ page }) => {
  const librarian = fixture().staff.librarian as { username: string; password: string };
  await staffLogin(page, 'circulation');
  const scan = await openSamplePatron(page);

  await endSessionFromOutside(page);
  await scan.fill(`NO-SUCH-${run}`);
  await scan.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Your session ended' });
  await dialog.getByLabel('Username').fill(librarian.username);
  await dialog.getByLabel('Password').fill(librarian.password);
  await dialog.getByRole('button', { name: 'Log in' }).click();
  await expect(dialog).toBeHidden();

  // The same address, but a fresh desk: the clerk's patron is not on the librarian's screen.
  await expect(page).toHaveURL(/\/app\/desk$/);
  await expect(page.getByLabel('Scan the patron’s library card')).toBeVisible();
  await expect(page.getByText('Sample Reader')).toHaveCount(0);
});

test('a patron idle past the limit: the warning comes first, then the screen is cleared and the log-in page says why', async ({ page, request }, testInfo) => {
  const name = `Cy ${word()}`;
  const patron = await newPatron(request, name);
  // The page's clock is a fake one that runs on from now, so fifteen minutes can pass in a moment.
  await page.clock.install();
  await patronLogin(page, patron.cardNumber, patron.pin);
  await expect(page.getByText(`Hello, ${name}.`)).toBeVisible();

  // Two minutes before the end, a warning; staying logged in asks Carrel, and the session goes on.
  await page.clock.fastForward('13:30');
  const warning = page.getByRole('alertdialog', { name: 'Are you still there?' });
  await expect(warning).toBeVisible();
  await checkPage(page, testInfo, 'session-ending-warning');
  await warning.getByRole('button', { name: 'Stay logged in' }).click();
  await expect(warning).toBeHidden();
  await page.clock.fastForward('05:00');
  await expect(page.getByText(`Hello, ${name}.`)).toBeVisible();

  // Then fifteen minutes with nothing: the account's pages go, and so does the session at Carrel.
  await page.clock.fastForward('16:00');
  await expect(page).toHaveURL(/\/app\/me\/login$/);
  await expect(page.getByRole('status')).toContainText('Your session ended after 15 minutes without activity');
  await expect(page.getByText(name)).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'My account' })).toHaveCount(0);
  await expect.poll(async () => (await page.context().request.get(api('/auth/session'))).status()).toBe(401);
  await checkPage(page, testInfo, 'session-idle-ended');

  // Logging in again leads back to the page the session ended on.
  await page.getByLabel('Library card number').fill(patron.cardNumber);
  await page.getByLabel('PIN').fill(patron.pin);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/app\/me$/);
  await expect(page.getByText(`Hello, ${name}.`)).toBeVisible();
});

test('a log-in in another tab makes the CSRF token stale: a change still goes through, after one retry', async ({ page }) => {
  const name = `Dee ${word()}`;
  await staffLogin(page, 'circulation');
  await page.goto('desk/register');
  const form = page.locator('form.register');
  await form.getByLabel('Full name (required)').fill(name);
  await form.getByLabel('Date of birth (required)').fill('1977-08-09');

  // The same clerk logs in in a second tab: a new session cookie for both tabs, the old session ended.
  const second = await page.context().newPage();
  await staffLogin(second, 'circulation');
  await second.close();

  const refused: number[] = [];
  page.on('response', (response) => {
    if (response.url().endsWith('/api/v1/patrons') && response.request().method() === 'POST') refused.push(response.status());
  });
  await form.getByRole('button', { name: 'Register patron' }).click();
  await expect(page.locator('.receipt').getByRole('heading', { name: 'Patron registered' })).toBeVisible();
  expect(refused).toEqual([403, 201]);
  await expect(page.getByRole('dialog')).toHaveCount(0);
});

test('a log-in as someone else in another tab: the change is not sent as them, and the first tab starts afresh', async ({ page }) => {
  await staffLogin(page, 'circulation');
  const scan = await openSamplePatron(page);

  const second = await page.context().newPage();
  await staffLogin(second, 'librarian');
  await second.close();

  const sent: number[] = [];
  page.on('response', (response) => {
    if (response.url().endsWith('/api/v1/checkouts')) sent.push(response.status());
  });
  await scan.fill(`NO-SUCH-${run}`);
  await scan.press('Enter');
  await expect(page.getByLabel('Scan the patron’s library card')).toBeVisible();
  await expect(page.getByText('Sample Reader')).toHaveCount(0);
  await expect(page).toHaveURL(/\/app\/desk$/);
  // Refused for the stale token, and not sent again under the librarian's session.
  expect(sent).toEqual([403]);
});
