import type { Browser, Page } from '@playwright/test';
import { checkPage, expect, fixture, test } from './fixtures';

/**
 * Staff accounts in the office, through the real server and Chromium: the system administrator adds two
 * clerks (each password shown once), disables one while the clerk is logged in (their next page is the
 * log-in page), and resets the other's password (their next log-in leads only to choosing a new one).
 * The clerks are the spec's own: the demo's accounts, which other specs use, are left alone.
 */

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

async function adminLogin(page: Page): Promise<void> {
  const admin = fixture().admin;
  if (!admin) throw new Error('no administrator account in this run');
  await page.goto('staff/login');
  await page.getByLabel('Username').fill(admin.username);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/app\/office/);
}

/** Opens the Staff page on the demo library. */
async function staffPage(page: Page): Promise<void> {
  await page.goto('office/staff');
  const library = page.getByLabel('Library', { exact: true });
  if ((await library.count()) > 0) await library.selectOption(fixture().libraryId);
  await expect(page.getByRole('heading', { level: 1, name: 'Staff' })).toBeVisible();
}

/** Adds a clerk on the Staff page and answers the password shown once. */
async function addClerk(page: Page, username: string): Promise<string> {
  const form = page.getByRole('region', { name: 'Add an account' });
  await form.getByLabel('Username').fill(username);
  await form.getByRole('button', { name: 'Add account' }).click();
  const shown = page.getByTestId('generated-password');
  await expect(page.getByRole('heading', { name: `Password for ${username}` })).toBeVisible();
  const password = (await shown.textContent())?.trim() ?? '';
  expect(password).toHaveLength(20);
  await page.getByRole('button', { name: 'I have given it; hide it' }).click();
  await expect(shown).toHaveCount(0);
  return password;
}

/** A clerk logged in through the log-in page in a browser context of their own. */
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

test('the administrator disables a clerk who is logged in: the clerk’s next page is the log-in page', async ({ page, browser, baseURL }, testInfo) => {
  test.skip(!fixture().admin, 'no administrator account in this run');
  const username = `e2e-leaving-${unique()}`;
  await adminLogin(page);
  await staffPage(page);
  await checkPage(page, testInfo, 'office-staff');
  const password = await addClerk(page, username);
  await expect(page.getByRole('row', { name: new RegExp(username) })).toContainText('Active');

  // Given the clerk at the desk
  const clerk = await clerkPage(browser, baseURL, username, password);
  await expect(clerk).toHaveURL(/\/app\/desk/);

  // When the administrator disables the account
  await page.getByRole('button', { name: `Manage ${username}` }).click();
  await page.getByRole('button', { name: `Disable ${username}` }).click();
  await page.getByRole('button', { name: `Yes, disable ${username}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `The account ${username} is disabled` })).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(username) })).toContainText('Disabled');

  // Then the clerk's next page sends them to log in, and the password no longer works
  await clerk.reload();
  await expect(clerk).toHaveURL(/staff\/login/);
  await clerk.getByLabel('Username').fill(username);
  await clerk.getByLabel('Password').fill(password);
  await clerk.getByRole('button', { name: 'Log in' }).click();
  await expect(clerk.getByRole('alert')).toContainText('The username or password is wrong');
  await clerk.context().close();
});

test('a clerk whose password was reset must choose a new one before anything else', async ({ page, browser, baseURL }, testInfo) => {
  test.skip(!fixture().admin, 'no administrator account in this run');
  const username = `e2e-reset-${unique()}`;
  await adminLogin(page);
  await staffPage(page);
  await addClerk(page, username);

  // Given the administrator resets the clerk's password
  await page.getByRole('button', { name: `Manage ${username}` }).click();
  await page.getByRole('button', { name: `Reset the password of ${username}` }).click();
  await page.getByRole('button', { name: 'Yes, reset it' }).click();
  const temporary = ((await page.getByTestId('generated-password').textContent()) ?? '').trim();
  expect(temporary).toHaveLength(20);
  await expect(page.getByRole('row', { name: new RegExp(username) })).toContainText('Must change password at next log-in');

  // When the clerk logs in with it, they land on the change-password page, and the desk sends them back
  const clerk = await clerkPage(browser, baseURL, username, temporary);
  await expect(clerk).toHaveURL(/staff\/password/);
  await expect(clerk.getByText('An administrator reset your password')).toBeVisible();
  await clerk.goto('desk');
  await expect(clerk).toHaveURL(/staff\/password/);
  await checkPage(clerk, testInfo, 'staff-change-password');

  // A common password is refused with the reason
  await clerk.getByLabel('Password you were given').fill(temporary);
  await clerk.getByLabel('New password', { exact: true }).fill('Password1234');
  await clerk.getByLabel('New password again').fill('Password1234');
  await clerk.getByRole('button', { name: 'Change password' }).click();
  await expect(clerk.getByText('one of the first an attacker tries').first()).toBeVisible();
  await expect(clerk).toHaveURL(/staff\/password/);

  // Then a good one is taken and the desk opens
  await clerk.getByLabel('Password you were given').fill(temporary);
  await clerk.getByLabel('New password', { exact: true }).fill('kettle under the reading lamp');
  await clerk.getByLabel('New password again').fill('kettle under the reading lamp');
  await clerk.getByRole('button', { name: 'Change password' }).click();
  await expect(clerk).toHaveURL(/\/app\/desk/);
  await expect(clerk.getByRole('link', { name: 'Change password' })).toBeVisible();

  // And the administrator's list no longer shows a change pending
  await page.reload();
  await staffPage(page);
  await expect(page.getByRole('row', { name: new RegExp(username) })).not.toContainText('Must change password');
  await clerk.context().close();
});
