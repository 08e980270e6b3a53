import type { Page } from '@playwright/test';
import { checkPage, expect, fixture, test } from './fixtures';

/**
 * SIP2 accounts in the office, through the real server and Chromium: the system administrator opens the
 * page from the office's navigation, adds a self-check kiosk (its password shown once, with the note
 * that it is), narrows what it receives, and disables it. axe-core checks the page at each step. The
 * account is the spec's own.
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

test('the administrator adds a self-check kiosk, sees its password once, and disables it', async ({ page }, testInfo) => {
  test.skip(!fixture().admin, 'no administrator account in this run');
  const name = `Kiosk ${unique()}`;
  await adminLogin(page);
  await page.getByRole('navigation', { name: 'Office' }).getByRole('link', { name: 'SIP2 accounts' }).click();
  const library = page.getByLabel('Library', { exact: true });
  if ((await library.count()) > 0) await library.selectOption(fixture().libraryId);
  await expect(page.getByRole('heading', { level: 1, name: 'SIP2 accounts' })).toBeVisible();
  await expect(page.getByText('learns only that the patron is valid (RF-6)')).toBeVisible();
  await checkPage(page, testInfo, 'office-sip2');

  // When the administrator adds a kiosk standing at the demo's first branch
  const form = page.getByRole('region', { name: 'Add an account' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Kind').selectOption('self-check');
  await form.getByLabel('Addresses it may connect from').fill('10.20.0.0/16\n192.0.2.7');
  await form.getByRole('button', { name: 'Add account' }).click();

  // Then its password is shown once, with the note
  await expect(page.getByRole('heading', { name: `Password for ${name}` })).toBeVisible();
  const shown = page.getByTestId('generated-password');
  expect(((await shown.textContent()) ?? '').trim()).toHaveLength(20);
  await expect(page.getByText('This password is shown once.')).toBeVisible();
  await checkPage(page, testInfo, 'office-sip2-password');
  await page.getByRole('button', { name: 'I have entered it; hide it' }).click();
  await expect(shown).toHaveCount(0);

  // And the list says where it connects from, what it may do and what it receives, in words
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('10.20.0.0/16, 192.0.2.7/32');
  await expect(row).toContainText('check-out');
  await expect(row).toContainText('first name, for the greeting');
  await expect(row).toContainText('Active');

  // When the administrator stops it greeting patrons by name
  await page.getByRole('button', { name: `Manage ${name}` }).click();
  const fields = page.getByRole('group', { name: `What ${name} receives about a patron` });
  await expect(fields.getByRole('checkbox')).toHaveCount(9);
  await fields.getByLabel('first name, for the greeting').uncheck();
  await page.getByRole('button', { name: `Save ${name}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `The account ${name} is saved.` })).toBeVisible();
  await expect(row).not.toContainText('first name, for the greeting');
  await checkPage(page, testInfo, 'office-sip2-manage');

  // And disables it
  await page.getByRole('button', { name: `Disable ${name}` }).click();
  await page.getByRole('button', { name: `Yes, disable ${name}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `The account ${name} is disabled` })).toBeVisible();
  await expect(row).toContainText('Disabled');
  await expect(page.getByRole('button', { name: `Enable ${name}` })).toBeVisible();
  // The password is nowhere on the page any more
  await expect(page.getByTestId('generated-password')).toHaveCount(0);
});
