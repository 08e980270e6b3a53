import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { checkPage, expect, test, BASE_URL } from './fixtures';
import type { VendorSeed } from './vendor-sign-in-seed';

/**
 * A patron signs in to a vendor through Carrel in Chromium (issue 19): the vendor's site (the example
 * relying party in examples/, with openid-client) sends the browser to Carrel's sign-in page; the patron
 * gives card and PIN, is asked on the consent page what the vendor's contract wants beyond the fact of a
 * patron (CB-D), shares only their kind of card, and lands back on the vendor's site, which shows what it
 * was told. A second sign-in in the same browser session asks for nothing. axe-core checks each page, and
 * the pages need nothing the content security policy forbids (a finished sign-in's redirect included).
 */

function seed(): VendorSeed {
  return JSON.parse(process.env.CARREL_E2E_VENDOR_SIGN_IN as string) as VendorSeed;
}

let relyingParty: ChildProcess | undefined;

test.beforeAll(async () => {
  const { vendor } = seed();
  relyingParty = spawn(process.execPath, ['examples/oidc-relying-party.mjs'], {
    env: { ...process.env, CARREL_ISSUER: `${BASE_URL()}/oidc`, CLIENT_ID: vendor.id, CLIENT_SECRET: vendor.secret, PORT: String(vendor.port), SCOPE: 'openid library category email' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: relyingParty!.stdout! }).on('line', (line) => line.startsWith('Open ') && resolve());
    relyingParty!.once('exit', (code) => reject(new Error(`the example relying party stopped (${String(code)})`)));
  });
});

test.afterAll(() => {
  relyingParty?.kill();
});

test('a patron signs in to a vendor with card and PIN, shares only what they choose, and is not asked twice', async ({ page }, testInfo) => {
  const { patron, vendor } = seed();
  const site = `http://127.0.0.1:${vendor.port}/`;

  // Given the vendor's site sends the patron to Carrel
  await page.goto(site);
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Lantern E-books' })).toBeVisible();
  await expect(page.getByText('will learn only that you are a patron of Sign-in Test Library')).toBeVisible();
  await checkPage(page, testInfo, 'vendor-sign-in');

  // When a wrong PIN is given, the page says so without repeating the card
  await page.getByLabel('Card number').fill(patron.cardNumber);
  await page.getByLabel('PIN').fill('00000000');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('The card number or PIN is wrong');
  await expect(page.getByLabel('Card number')).toHaveValue('');

  // When the right card and PIN are given
  await page.getByLabel('Card number').fill(patron.cardNumber);
  await page.getByLabel('PIN').fill(patron.pin);
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Then the consent page asks about the contract's two claims, both unticked
  await expect(page.getByRole('heading', { level: 1, name: 'What Lantern E-books may know about you' })).toBeVisible();
  await expect(page.getByLabel('Your kind of card (adult, child, …)')).not.toBeChecked();
  await expect(page.getByLabel('Your email address')).not.toBeChecked();
  await checkPage(page, testInfo, 'vendor-consent');

  // When the patron shares their kind of card only
  await page.getByLabel('Your kind of card (adult, child, …)').check();
  await page.getByRole('button', { name: 'Continue' }).click();

  // Then the vendor's site was told the library and the kind of card, under a pseudonym, and nothing else
  await expect(page.getByText('Signed in.')).toBeVisible();
  const told = JSON.parse(((await page.locator('body').textContent()) ?? '').replace(/^[^{]*/, '')) as Record<string, unknown>;
  expect(told.library).toBe('vendor-sign-in');
  expect(told.category).toBe('adult');
  expect(told).not.toHaveProperty('email');
  expect(String(told.sub)).not.toContain(patron.cardNumber);
  await page.screenshot({ path: testInfo.outputPath('vendor-signed-in.png') });

  // And a second sign-in in the same browser session asks nothing: no PIN, no consent page
  await page.goto(site);
  await expect(page.getByText('Signed in.')).toBeVisible();
  const again = JSON.parse(((await page.locator('body').textContent()) ?? '').replace(/^[^{]*/, '')) as Record<string, unknown>;
  expect(again.sub).toBe(told.sub);
});
