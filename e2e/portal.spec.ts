import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { checkPage, expect, fixture, patronLogin, staffApi, test, type StaffCall } from './fixtures';
import type { GuardianSeed } from './portal-guardian-seed';

/**
 * The patron portal and the guardian view, through the real server. Every patron these tests change is
 * one they register themselves through the staff API (the demo's sample patron is left alone), and every
 * item they lend is one they add, so no other spec sees a difference and no count is relied on.
 */

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let serial = 0;
/** A name and barcode no other test or spec uses. */
function unique(): string {
  serial += 1;
  return `${Date.now().toString(36)}${process.pid.toString(36)}${serial}`.toUpperCase();
}

interface Registered {
  id: string;
  cardNumber: string;
  pin: string;
  name: string;
}

async function registerPatron(api: StaffCall, given: string, extra: Record<string, unknown> = {}): Promise<Registered> {
  const name = `${given} Portal${unique().replace(/[0-9]/g, '')}`;
  const answer = await api<{ id: string; cardNumber: string; pin: string }>('POST', '/patrons', { libraryId: fixture().libraryId, name, birthDate: '1984-05-06', ...extra });
  return { ...answer, name };
}

async function addItem(api: StaffCall, title: string): Promise<string> {
  const barcode = `PT-${unique()}`;
  await api('POST', '/items', { libraryId: fixture().libraryId, barcode, title, itemType: 'book', branch: 'central' });
  return barcode;
}

const myAccount = (page: Page) => page.getByRole('navigation', { name: 'My account' });
async function openTab(page: Page, name: string, heading: string | RegExp) {
  await myAccount(page).getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
}

test.describe('on a phone', () => {
  test.use({ viewport: PHONE });

  test('A patron downloads their data, opts into reading history, and then sees it kept', async ({ page, request }, testInfo) => {
    const api = await staffApi(request, 'librarian');
    const me = await registerPatron(api, 'Dana', { email: 'dana.portal@example.org' });
    const someoneElse = await registerPatron(api, 'Ezra');
    // Out and back before any choice: a loan the loan rule keeps for now, not a reading history.
    const before = { title: 'The Portal Primer Kept for Now', barcode: '' };
    before.barcode = await addItem(api, before.title);
    await api('POST', '/checkouts', { cardNumber: me.cardNumber, itemBarcode: before.barcode });
    await api('POST', '/checkins', { itemBarcode: before.barcode, libraryId: fixture().libraryId });

    await patronLogin(page, me.cardNumber, me.pin);
    await openTab(page, 'My data', 'My data');
    await expect(page.getByRole('heading', { level: 3, name: 'Registration' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 3, name: 'Reading history' })).toBeVisible();
    // Not chosen: no reading history is kept (as the Privacy page says); the returned loan is a loan kept for now.
    const readingHistory = page.getByRole('region', { name: 'Reading history' });
    const loans = page.getByRole('region', { name: 'Current loans' });
    await expect(readingHistory.getByText('Nothing held (not chosen).')).toBeVisible();
    await expect(readingHistory).not.toContainText(before.title);
    const kept = loans.locator('li', { hasText: before.title });
    await expect(kept).toContainText('Returned; kept for a short time after return, per the library’s rule');
    await checkPage(page, testInfo, 'portal-data-phone');

    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data (JSON)' }).click()]);
    expect(file.suggestedFilename()).toBe('carrel-record.json');
    const text = readFileSync((await file.path()) as string, 'utf8');
    const document = JSON.parse(text) as { format: string; patron: { name: string; cardNumber: string }; contents: Record<string, string[]> };
    expect(document.format).toBe('carrel.patron-export.v1');
    expect(document.patron.name).toBe(me.name);
    expect(document.patron.cardNumber).toBe(me.cardNumber);
    expect(Object.keys(document.contents)).toContain('reading-history');
    expect(text).not.toContain(someoneElse.name);
    expect(text).not.toContain(someoneElse.cardNumber);
    expect(text).not.toContain('Sample Reader');
    await expect(page.getByRole('status').filter({ hasText: 'Your record was downloaded' })).toBeVisible();

    await openTab(page, 'Privacy', 'Privacy settings');
    const history = page.getByRole('checkbox', { name: 'Keep my reading history' });
    // Every choice is off until chosen.
    await expect(history).not.toBeChecked();
    await expect(page.getByRole('checkbox', { name: /newsletters/ })).not.toBeChecked();
    await expect(page.getByRole('checkbox', { name: /photograph/ })).not.toBeChecked();
    await expect(page.getByRole('radio', { name: 'No notices by email or text' })).toBeChecked();
    await checkPage(page, testInfo, 'portal-privacy-phone');

    await history.check();
    await page.getByRole('button', { name: 'Save privacy settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Your privacy settings are saved.' })).toBeVisible();
    await expect(page.getByText(/^On since /)).toBeVisible();
    await page.reload();
    await expect(page.getByRole('checkbox', { name: 'Keep my reading history' })).toBeChecked();
    await expect(page.getByRole('checkbox', { name: /newsletters/ })).not.toBeChecked();

    // Chosen: an item out and back at the desk is kept as reading history, on the page and in the download.
    const after = { title: 'The Portal Reading History Primer', barcode: '' };
    after.barcode = await addItem(api, after.title);
    await api('POST', '/checkouts', { cardNumber: me.cardNumber, itemBarcode: after.barcode });
    await api('POST', '/checkins', { itemBarcode: after.barcode, libraryId: fixture().libraryId });
    await openTab(page, 'My data', 'My data');
    await expect(readingHistory.getByText(/You chose to keep your reading history/)).toBeVisible();
    await expect(readingHistory.getByRole('list', { name: 'Reading history' }).locator('li', { hasText: after.title })).toBeVisible();
    await expect(loans).not.toContainText(after.title);
    const [again] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data (JSON)' }).click()]);
    const exported = JSON.parse(readFileSync((await again.path()) as string, 'utf8')) as { privacy: { readingHistory: boolean }; contents: Record<string, string[]>; loans: { title: string; itemBarcode: string; status: string }[] };
    expect(exported.privacy.readingHistory).toBe(true);
    expect(exported.contents['reading-history']).toEqual(['loans']);
    expect(exported.loans).toContainEqual(expect.objectContaining({ title: after.title, itemBarcode: after.barcode, status: 'returned' }));

    // Turning it off deletes it: the PIN is typed again first (a wrong one deletes nothing).
    await openTab(page, 'Privacy', 'Privacy settings');
    await page.getByRole('checkbox', { name: 'Keep my reading history' }).uncheck();
    await page.getByLabel('Your PIN').fill(me.pin === '9999' ? '8888' : '9999');
    await page.getByRole('button', { name: 'Save privacy settings' }).click();
    await expect(page.getByText('That PIN is wrong. Nothing was deleted.')).toBeVisible();
    await page.reload();
    await expect(page.getByRole('checkbox', { name: 'Keep my reading history' })).toBeChecked();
    await page.getByRole('checkbox', { name: 'Keep my reading history' }).uncheck();
    await page.getByLabel('Your PIN').fill(me.pin);
    await page.getByRole('button', { name: 'Save privacy settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Your privacy settings are saved.' })).toBeVisible();
    await expect(page.getByRole('checkbox', { name: 'Keep my reading history' })).not.toBeChecked();
  });

  test('a patron reports their card lost after changing their PIN, and the card stops', async ({ page, request }, testInfo) => {
    const api = await staffApi(request, 'librarian');
    const me = await registerPatron(api, 'Farah');
    await patronLogin(page, me.cardNumber, me.pin);
    await openTab(page, 'Card & PIN', 'Card and PIN');
    await checkPage(page, testInfo, 'portal-pin-phone');

    await page.getByLabel('Current PIN').fill('0000');
    await page.getByLabel('New PIN', { exact: true }).fill('24681357');
    await page.getByLabel('Repeat the new PIN').fill('24681357');
    await page.getByRole('button', { name: 'Change my PIN' }).click();
    // A patron reads words, never the error's code.
    await expect(page.getByRole('alert')).toContainText('The current PIN is wrong.');
    await expect(page.getByRole('alert')).not.toContainText('INVALID_CREDENTIALS');
    await page.getByLabel('Current PIN').fill(me.pin);
    await page.getByRole('button', { name: 'Change my PIN' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Your PIN is changed.' })).toBeVisible();
    // The session goes on with the new token: a change still works.
    await page.getByRole('button', { name: 'Report my card lost…' }).click();
    await expect(page.getByRole('heading', { name: 'Stop your card now?' })).toBeFocused();
    await page.getByRole('button', { name: 'Cancel, keep my card' }).click();
    await page.getByRole('button', { name: 'Report my card lost…' }).click();
    await page.getByRole('button', { name: 'Yes, stop my card' }).click();

    await expect(page).toHaveURL(/\/app\/me\/login$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Your card is stopped' })).toBeVisible();
    await expect(page.getByRole('status')).toContainText('staff will issue you a new card');
    await checkPage(page, testInfo, 'portal-card-lost-phone');
    await page.getByLabel('Library card number').fill(me.cardNumber);
    await page.getByLabel('PIN').fill('24681357');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert')).toContainText('The card number or PIN is wrong.');
    await expect(page.getByRole('alert')).not.toContainText('INVALID_CREDENTIALS');
  });
});

test('A guardian without the child’s card sees only overdue items and fines', async ({ page }, testInfo) => {
  const seed = JSON.parse(process.env.CARREL_E2E_GUARDIANS as string) as GuardianSeed;
  await page.setViewportSize(DESKTOP);
  await patronLogin(page, seed.guardian.cardNumber, seed.guardian.pin);
  await openTab(page, 'Children', 'Children you signed for');
  // The limit, in the library's own published words.
  await expect(page.getByText(/with the child’s card or card number, and only the child’s overdue or lost items and the fines owed without it/)).toBeVisible();
  const child = page.getByRole('region', { name: seed.child.firstName });
  await expect(child.getByText(/Without Kit’s card you can see only the child’s overdue or lost items and the fines owed/)).toBeVisible();

  await child.getByRole('button', { name: /See Kit.s record without the card/ }).click();
  const shown = child.locator('.portal-category');
  await expect(shown.getByRole('heading', { name: /without the card/ })).toBeVisible();
  await expect(shown.getByText(seed.titles.overdue)).toBeVisible();
  await expect(shown.locator('li', { hasText: seed.titles.overdue }).getByText('Overdue', { exact: true })).toBeVisible();
  await expect(shown.getByText(new RegExp(seed.titles.fined))).toBeVisible();
  await expect(shown).toContainText('$3.50');
  for (const hidden of [seed.titles.current, seed.titles.returned, seed.titles.held, seed.child.email, seed.child.address, 'Reading history', 'Holds'])
    await expect(shown).not.toContainText(hidden);
  await checkPage(page, testInfo, 'portal-dependents-without-card');

  // A number that is not the child's card is no card: still only what is overdue and owed.
  await child.getByLabel('Kit’s library card number').fill('99999999999999');
  await child.getByRole('button', { name: /See Kit.s record with the card/ }).click();
  await expect(shown.getByText(/That number is not Kit’s card/)).toBeVisible();
  await expect(shown).not.toContainText(seed.titles.current);
  await expect(shown).not.toContainText(seed.titles.held);
  await expect(child.getByLabel('Kit’s library card number')).toHaveValue('99999999999999');

  // With the card, the profile (CB-B3) shows the whole record: the contrast proves the limit above.
  await child.getByLabel('Kit’s library card number').fill(seed.child.cardNumber);
  await child.getByRole('button', { name: /See Kit.s record with the card/ }).click();
  await expect(shown.getByRole('heading', { name: /with the card/ })).toBeVisible();
  await expect(shown).toContainText(seed.titles.current);
  await expect(shown).toContainText(seed.titles.returned);
  // The child's hold (still waiting for the item) is in the whole record, and only there.
  await expect(shown.getByRole('heading', { name: 'Holds' })).toBeVisible();
  await expect(shown.getByRole('list', { name: 'Holds' }).locator('li', { hasText: seed.titles.held })).toContainText('Waiting for the item');
  await expect(shown).toContainText(seed.child.email);
  await expect(child.getByLabel('Kit’s library card number')).toHaveValue('');
});

test('who looked shows the staff look-up, and a patron corrects their details', async ({ page, request }, testInfo) => {
  await page.setViewportSize(DESKTOP);
  const api = await staffApi(request, 'librarian');
  const me = await registerPatron(api, 'Gita', { email: 'gita.portal@example.org' });
  await api('POST', '/patrons/lookup', { cardNumber: me.cardNumber });

  await patronLogin(page, me.cardNumber, me.pin);
  await openTab(page, 'Who looked', 'Who looked at my record');
  const lookUp = page.locator('.portal-log > li', { hasText: 'Looked at your account' }).filter({ hasText: 'Librarian, Carrel Demo Library' });
  await expect(lookUp.first()).toBeVisible();
  await expect(lookUp.first()).toContainText('Checking items out or in, renewing, or a hold');
  await expect(page.getByText(/may be left out while a court forbids/)).toBeVisible();
  await expect(page.locator('.portal-who', { hasText: /^You,/ }).first()).toBeVisible();
  await page.getByRole('checkbox', { name: /Show only what others did/ }).check();
  await expect(page.locator('.portal-who', { hasText: /^You,/ })).toHaveCount(0);
  await expect(lookUp.first()).toBeVisible();

  // Notices by text need a phone number: refused beside the choice, nothing changed.
  await openTab(page, 'Privacy', 'Privacy settings');
  await page.getByRole('radio', { name: 'By text message' }).check();
  await page.getByRole('button', { name: 'Save privacy settings' }).click();
  await expect(page.getByRole('alert')).toContainText('notices by text need a phone number');
  await expect(page.getByRole('alert')).not.toContainText('NOTICE_CHANNEL_UNREACHABLE');
  await expect(page.locator('#privacy-channel-error')).toContainText('need a phone number on file');
  await expect(page.getByRole('radio', { name: 'By text message' })).toBeChecked();
  await checkPage(page, testInfo, 'portal-privacy-refused');

  await openTab(page, 'My data', 'My data');
  const phone = page.getByLabel('Phone (optional)');
  await page.getByLabel('Email (optional)').fill('not an address');
  await phone.fill('505-555-0142');
  await page.getByRole('button', { name: 'Save my details' }).click();
  await expect(page.getByRole('alert')).toContainText('Something in the form is missing or not filled in correctly.');
  await expect(page.getByRole('alert')).not.toContainText('VALIDATION_FAILED');
  await expect(page.getByText('The email address is not well formed.').first()).toBeVisible();
  await expect(phone).toHaveValue('505-555-0142'); // what was typed is kept
  await page.getByLabel('Email (optional)').fill('gita.new@example.org');
  await page.getByRole('button', { name: 'Save my details' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your details are saved.' })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Phone (optional)')).toHaveValue('505-555-0142');
  await expect(page.getByLabel('Email (optional)')).toHaveValue('gita.new@example.org');
  await expect(page.getByRole('region', { name: 'Registration' })).toContainText('gita.new@example.org');

  // Now the text channel can be chosen.
  await openTab(page, 'Privacy', 'Privacy settings');
  await page.getByRole('radio', { name: 'By text message' }).check();
  await page.getByRole('button', { name: 'Save privacy settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your privacy settings are saved.' })).toBeVisible();
});

test('a long list of who looked is shown 25 at a time', async ({ page, request }) => {
  await page.setViewportSize(DESKTOP);
  const api = await staffApi(request, 'librarian');
  const me = await registerPatron(api, 'Lena');
  // 30 look-ups at the desk, each one an entry in the patron's access log (with the registration: 31).
  for (let i = 0; i < 30; i++) await api('POST', '/patrons/lookup', { cardNumber: me.cardNumber });

  await patronLogin(page, me.cardNumber, me.pin);
  await openTab(page, 'Who looked', 'Who looked at my record');
  await page.getByRole('checkbox', { name: /Show only what others did/ }).check();
  const pages = page.getByRole('navigation', { name: 'Pages' });
  await expect(pages).toContainText(/Showing 1–25 of 3\d/);
  await expect(page.locator('.portal-log > li')).toHaveCount(25);
  await expect(pages.getByRole('button', { name: 'Previous' })).toBeDisabled();
  await pages.getByRole('button', { name: 'Next' }).click();
  await expect(pages).toContainText(/Showing 26–3\d of 3\d/);
  const rest = await page.locator('.portal-log > li').count();
  expect(rest).toBeGreaterThanOrEqual(6);
  expect(rest).toBeLessThan(25);
  await expect(pages.getByRole('button', { name: 'Next' })).toBeDisabled();
  await pages.getByRole('button', { name: 'Previous' }).click();
  await expect(page.locator('.portal-log > li')).toHaveCount(25);
});

test('deleting an account asks first with the PIN, refuses while an item is out, then answers a receipt', async ({ page, request }, testInfo) => {
  await page.setViewportSize(DESKTOP);
  const api = await staffApi(request, 'librarian');
  const me = await registerPatron(api, 'Hana');
  const barcode = await addItem(api, 'A Book to Bring Back');
  await api('POST', '/checkouts', { cardNumber: me.cardNumber, itemBarcode: barcode });

  await patronLogin(page, me.cardNumber, me.pin);
  await openTab(page, 'My data', 'My data');
  const open = page.getByRole('button', { name: 'Delete my account…' });
  await open.click();
  await expect(page.getByRole('heading', { name: 'Delete your account for good?' })).toBeFocused();
  await checkPage(page, testInfo, 'portal-delete-confirm');
  await page.getByRole('button', { name: 'Cancel, keep my account' }).click();
  await expect(page.getByRole('button', { name: 'Yes, delete my account' })).toHaveCount(0);
  await expect(open).toBeFocused();

  // The PIN is typed again: without it the button does nothing; a wrong one deletes nothing and asks again.
  await open.click();
  await expect(page.getByRole('button', { name: 'Yes, delete my account' })).toBeDisabled();
  await page.getByLabel('Your PIN').fill(me.pin === '9999' ? '8888' : '9999');
  await page.getByRole('button', { name: 'Yes, delete my account' }).click();
  await expect(page.getByText('That PIN is wrong. Nothing was deleted.')).toBeVisible();
  await page.getByLabel('Your PIN').fill(me.pin);
  await page.getByRole('button', { name: 'Yes, delete my account' }).click();
  await expect(page.getByText('Your account was not deleted.')).toBeVisible();
  await expect(page.getByText(/You still have items checked out/)).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('This account still has items checked out.');
  await expect(page.getByRole('alert')).not.toContainText('PATRON_HAS_ITEMS_OUT');

  await api('POST', '/checkins', { itemBarcode: barcode, libraryId: fixture().libraryId });
  await open.click();
  await page.getByLabel('Your PIN').fill(me.pin);
  await page.getByRole('button', { name: 'Yes, delete my account' }).click();
  await expect(page).toHaveURL(/\/app\/me\/login$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Your account is deleted' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('Receipt');
  await checkPage(page, testInfo, 'portal-deleted');
  await page.getByLabel('Library card number').fill(me.cardNumber);
  await page.getByLabel('PIN').fill(me.pin);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('The card number or PIN is wrong.');
  await expect(page.getByRole('alert')).not.toContainText('INVALID_CREDENTIALS');
});

test('the overview shows loans and holds, and the other portal pages pass axe on a desktop and on a phone', async ({ page, request }, testInfo) => {
  const api = await staffApi(request, 'librarian');
  const me = await registerPatron(api, 'Ines');
  const other = await registerPatron(api, 'Jonas');
  const mine = await addItem(api, 'The Portal Test Atlas');
  const wanted = await addItem(api, 'The Portal Test Almanac');
  await api('POST', '/checkouts', { cardNumber: me.cardNumber, itemBarcode: mine });
  await api('POST', '/checkouts', { cardNumber: other.cardNumber, itemBarcode: wanted });
  await api('POST', '/holds', { cardNumber: me.cardNumber, itemBarcode: wanted, pickupBranch: 'central' });

  await page.setViewportSize(DESKTOP);
  await page.goto('me/login');
  await checkPage(page, testInfo, 'portal-login-desktop');
  await patronLogin(page, me.cardNumber, me.pin);
  await expect(page.getByRole('heading', { level: 1, name: 'My account' })).toBeVisible();
  await expect(page.getByText('The Portal Test Atlas')).toBeVisible();
  await expect(page.getByText('The Portal Test Almanac')).toBeVisible();
  await expect(page.getByText('Waiting for the item')).toBeVisible();

  // Jonas brings it back: the item goes to the hold shelf, where its slip carries the code the patron sees.
  await api('POST', '/checkins', { itemBarcode: wanted, libraryId: fixture().libraryId });
  const shelf = await api<{ shelfCode: string; itemBarcode: string }[]>('GET', `/libraries/${fixture().libraryId}/hold-shelf`);
  const code = shelf.find((entry) => entry.itemBarcode === wanted)?.shelfCode;
  expect(code, 'the hold shelf lists the item').toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
  await page.reload();
  const hold = page.getByRole('list', { name: 'Holds' }).locator('li', { hasText: 'The Portal Test Almanac' });
  await expect(hold.getByText('Ready to pick up').first()).toBeVisible();
  await expect(hold.locator('dd', { hasText: code as string })).toBeVisible();

  // My data, Privacy and Card & PIN are checked on a phone by the tests above, My data (its deletion
  // step), Privacy (a refusal) and Children (a child's record) on a desktop: the rest here, both sizes.
  const pages: [string, string, ('desktop' | 'phone')[]][] = [
    ['Overview', 'My account', ['desktop', 'phone']],
    ['Who looked', 'Who looked at my record', ['desktop', 'phone']],
    ['Card & PIN', 'Card and PIN', ['desktop']],
    ['Children', 'Children you signed for', ['phone']],
  ];
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    await page.setViewportSize(viewport);
    for (const [tab, heading, sizes] of pages) {
      if (!sizes.includes(size)) continue;
      await openTab(page, tab, heading);
      await expect(page.locator('.loading')).toHaveCount(0);
      await checkPage(page, testInfo, `portal-${tab.toLowerCase().replace(/[^a-z]+/g, '-')}-${size}`);
    }
  }
  // The tab bar stays in reach on a phone: every link is keyboard-focusable.
  await myAccount(page).getByRole('link', { name: 'Overview' }).focus();
  await expect(myAccount(page).getByRole('link', { name: 'Overview' })).toBeFocused();

  // At 200% zoom (a 1280 px window zoomed twice: 640 CSS pixels, each drawn twice as large) the overview
  // and My data read down the page, never sideways, and axe stays clean (WCAG 1.4.4, 1.4.10).
  await page.setViewportSize({ width: DESKTOP.width / 2, height: DESKTOP.height / 2 });
  for (const [tab, heading] of [
    ['Overview', 'My account'],
    ['My data', 'My data'],
  ] as const) {
    await openTab(page, tab, heading);
    await expect(page.locator('.loading')).toHaveCount(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${tab} at 200%`).toBeLessThanOrEqual(DESKTOP.width / 2);
    await checkPage(page, testInfo, `portal-${tab.toLowerCase().replace(/[^a-z]+/g, '-')}-zoom-200`);
  }
});
