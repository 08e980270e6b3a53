import type { Page } from '@playwright/test';
import { BASE_URL, checkPage, expect, fixture, patronLogin, test } from './fixtures';
import type { VendorsSeed } from './vendors-seed';

/**
 * Vendors and single sign-on (issue 19), through the real server and Chromium. The system administrator
 * opens "Vendors and sign-on" from the office's navigation, adds an OpenID vendor to the demo library
 * (whose policy sends vendors nothing but the fact of being a patron: the contract's claim is marked
 * withheld), sees its secret once with what the vendor needs, and disables it; adds an EZproxy instance
 * and sees the user.txt block to paste. A patron of the library e2e/vendors-seed.ts seeds sees the
 * services they signed in to, with what they agreed each may know, and revokes one. axe-core checks each
 * page.
 */

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

function seed(): VendorsSeed {
  return JSON.parse(process.env.CARREL_E2E_VENDORS as string) as VendorsSeed;
}

/** Logs the administrator in and opens the Vendors page on the demo library. */
async function openVendors(page: Page): Promise<void> {
  const admin = fixture().admin;
  if (!admin) throw new Error('no administrator account in this run');
  await page.goto('staff/login');
  await page.getByLabel('Username').fill(admin.username);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/app\/office/);
  await page.getByRole('navigation', { name: 'Office' }).getByRole('link', { name: 'Vendors and sign-on' }).click();
  const library = page.getByLabel('Library', { exact: true });
  if ((await library.count()) > 0) await library.selectOption(fixture().libraryId);
  await expect(page.getByRole('heading', { level: 1, name: 'Vendors and sign-on' })).toBeVisible();
}

test('the administrator adds an OpenID vendor, sees its secret once, and disables it', async ({ page }, testInfo) => {
  test.skip(!fixture().admin, 'no administrator account in this run');
  const name = `Books ${unique()}`;
  await openVendors(page);
  // The demo library's policy: nothing but the fact of being a patron
  await expect(page.getByText('nothing but the fact of being a patron')).toBeVisible();
  await checkPage(page, testInfo, 'office-vendors');

  // When the administrator registers an e-content vendor whose contract names the patron's name
  const form = page.getByRole('region', { name: 'Add a vendor' });
  await expect(form.getByLabel('How it signs patrons in')).toHaveValue('oidc');
  await form.getByLabel('Vendor name').fill(name);
  await form.getByLabel('Redirect addresses').fill('https://books.example.com/callback');
  await form.getByRole('group', { name: 'Claims the contract adds' }).getByLabel(/^patron’s name/).check();
  await form.getByRole('button', { name: 'Add vendor' }).click();

  // Then its secret is shown once, with what the vendor needs
  await expect(page.getByRole('heading', { name: `Secret for ${name}` })).toBeVisible();
  const secret = ((await page.getByTestId('vendor-secret').textContent()) ?? '').trim();
  expect(secret.length).toBeGreaterThanOrEqual(20);
  await expect(page.getByText('Copy this secret now: it is shown once.')).toBeVisible();
  const shown = page.getByRole('region', { name: `Secret for ${name}` });
  await expect(shown).toContainText(`${BASE_URL()}/oidc`);
  await expect(shown).toContainText(`${BASE_URL()}/oidc/.well-known/openid-configuration`);
  await checkPage(page, testInfo, 'office-vendors-secret');
  await page.getByRole('button', { name: 'I have copied it; hide it' }).click();
  await expect(page.getByTestId('vendor-secret')).toHaveCount(0);

  // And the list shows its address and marks the claim the library's policy withholds, with the clause
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('OpenID Connect');
  await expect(row).toContainText('https://books.example.com/callback');
  await expect(row).toContainText('patron’s name Withheld (RF-6)');
  await expect(row).toContainText('Active');

  // When the administrator manages it: what the vendor needs, never the secret
  await page.getByRole('button', { name: `Manage ${name}` }).click();
  const manage = page.getByRole('region', { name: `Manage ${name}` });
  await expect(manage).toContainText(`${BASE_URL()}/oidc/.well-known/openid-configuration`);
  await checkPage(page, testInfo, 'office-vendors-manage');
  // When the contract changes: a second redirect address, and the patron's name no longer asked for
  const change = manage.getByRole('form', { name: 'Change its settings' });
  await change.getByLabel('Redirect addresses').fill('https://books.example.com/callback\nhttps://books.example.com/return');
  await change.getByRole('group', { name: 'Claims the contract adds' }).getByLabel(/^patron’s name/).uncheck();
  await change.getByRole('button', { name: `Save the settings of ${name}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `The settings of ${name} are changed.` })).toBeVisible();
  await expect(row).toContainText('https://books.example.com/return');
  await expect(row).not.toContainText('patron’s name');
  // And disables it
  await page.getByRole('button', { name: `Disable ${name}` }).click();
  await page.getByRole('button', { name: `Yes, disable ${name}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `The vendor ${name} is disabled` })).toBeVisible();
  await expect(row).toContainText('Disabled');
  await expect(page.getByRole('button', { name: `Enable ${name}` })).toBeVisible();
  // The secret is nowhere on the page any more
  expect(await page.content()).not.toContain(secret);
});

test('the administrator adds an EZproxy instance and sees the user.txt block to paste', async ({ page }, testInfo) => {
  test.skip(!fixture().admin, 'no administrator account in this run');
  const name = `Proxy ${unique()}`;
  await openVendors(page);
  const form = page.getByRole('region', { name: 'Add a vendor' });
  await form.getByLabel('How it signs patrons in').selectOption('ezproxy');
  await form.getByLabel('Vendor name').fill(name);
  await form.getByLabel('EZproxy login address').fill('https://ezproxy.example.org/login');
  await form.getByRole('button', { name: 'Add a category and group' }).click();
  await form.getByLabel('Category, row 1').selectOption('adult');
  await form.getByLabel('Group, row 1').fill('General');
  await form.getByRole('button', { name: 'Add vendor' }).click();

  await expect(page.getByRole('heading', { name: `Secret for ${name}` })).toBeVisible();
  const secret = ((await page.getByTestId('vendor-secret').textContent()) ?? '').trim();
  const block = page.getByLabel(`The user.txt block for ${name}`);
  const vendorId = new RegExp(`${BASE_URL()}/ezproxy/([^/]+)/login`).exec((await block.textContent()) ?? '')?.[1] ?? '';
  await expect(block).toHaveText([`::CGI=${BASE_URL()}/ezproxy/${vendorId}/login?url=^U`, '::Ticket', 'TimeValid 2', `SHA256 ${secret}`, 'Expired; Deny expired.html', '/Ticket'].join('\n'));
  await expect(page.getByRole('region', { name: `Secret for ${name}` })).toContainText(`${BASE_URL()}/ezproxy/`);
  await checkPage(page, testInfo, 'office-vendors-ezproxy-secret');
  await page.getByRole('button', { name: 'I have copied it; hide it' }).click();

  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('https://ezproxy.example.org/login');
  await expect(row).toContainText('adult → General');
  await page.getByRole('button', { name: `Manage ${name}` }).click();
  const manage = page.getByRole('region', { name: `Manage ${name}` });
  await expect(manage).toContainText(`${BASE_URL()}/ezproxy/`);
  await expect(manage).toContainText('/login?url=^U');
  expect(await page.content()).not.toContain(secret);
});

test('a patron sees the services they signed in to, with what each may know, and revokes one', async ({ page }, testInfo) => {
  const { patron, vendors } = seed();
  await patronLogin(page, patron.cardNumber, patron.pin);
  await page.getByRole('navigation', { name: 'My account' }).getByRole('link', { name: 'Services', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Services you sign in to' })).toBeVisible();
  const list = page.getByRole('list', { name: 'Services you sign in to' });
  const audiobooks = list.getByRole('listitem').filter({ hasText: vendors.audiobooks });
  const journals = list.getByRole('listitem').filter({ hasText: vendors.journals });
  // The audiobooks service may know the category the patron agreed to, not the email its contract names
  await expect(audiobooks).toContainText('That you are a patron, and your patron category');
  await expect(audiobooks).not.toContainText('email');
  await expect(journals).toContainText('Only that you are a patron of the library');
  await checkPage(page, testInfo, 'portal-services');

  await audiobooks.getByRole('button', { name: `Revoke ${vendors.audiobooks}` }).click();
  await expect(audiobooks.getByText(`Revoke ${vendors.audiobooks}? The library forgets that you used it`)).toBeVisible();
  await audiobooks.getByRole('button', { name: `Yes, revoke ${vendors.audiobooks}` }).click();
  await expect(page.getByText(`Revoked ${vendors.audiobooks}.`)).toBeVisible();
  await expect(list.getByRole('listitem').filter({ hasText: vendors.audiobooks })).toHaveCount(0);
  await expect(journals).toBeVisible();
  await checkPage(page, testInfo, 'portal-services-revoked');
});
