import { checkPage, expect, patronLogin, test } from './fixtures';
import type { CirculationSeed } from './portal-circulation-seed';

/**
 * The patron's own circulation in the portal, through the real server, on the library global-setup
 * seeds for it (e2e/portal-circulation-seed.ts): search the catalogue (the words never reach the
 * address bar), place a hold with a pick-up branch, see its place in the queue, suspend, resume and
 * cancel it; renew one loan, then renew all, one refused with its reason in words.
 */
function seed(): CirculationSeed {
  return JSON.parse(process.env.CARREL_E2E_CIRCULATION as string) as CirculationSeed;
}

test('A patron searches, holds a title for pick-up at a branch, suspends and cancels the hold', async ({ page }, testInfo) => {
  const { patron, record } = seed();
  await patronLogin(page, patron.cardNumber, patron.pin);
  await page.getByRole('navigation', { name: 'My account' }).getByRole('link', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Search the catalogue' })).toBeVisible();
  await page.getByLabel('Search for').fill('quillfeather tides');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('heading', { name: '1 title found' })).toBeVisible();
  // Confidential: the words are in the page's state only.
  expect(page.url()).not.toContain('quillfeather');
  await page.getByRole('button', { name: record.title }).click();
  await expect(page.getByRole('heading', { level: 2, name: record.title })).toBeVisible();
  await checkPage(page, testInfo, 'portal search record');
  await page.getByLabel('Pick up at').selectOption({ label: 'East Branch' });
  await page.getByRole('button', { name: 'Place hold' }).click();
  await expect(page.getByText(`Hold placed on “${record.title}”: you are number 1 in the queue.`)).toBeVisible();
  expect(page.url()).not.toContain('quillfeather');

  await page.getByRole('navigation', { name: 'My account' }).getByRole('link', { name: 'Holds', exact: true }).click();
  const hold = page.getByRole('list', { name: 'My holds' }).getByRole('listitem').filter({ hasText: record.title });
  await expect(hold).toContainText('Place in queue1');
  await expect(hold).toContainText('Pick up atEast Branch');
  await expect(hold).toContainText('Waiting');
  await checkPage(page, testInfo, 'portal holds');

  const later = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await hold.getByLabel(/Suspend until/).fill(later);
  await hold.getByRole('button', { name: 'Suspend' }).click();
  await expect(page.getByText(`Suspended your hold on “${record.title}”`)).toBeVisible();
  await expect(hold).toContainText('Suspended until');
  await hold.getByRole('button', { name: 'Resume' }).click();
  await expect(hold).toContainText('Waiting');

  await hold.getByRole('button', { name: 'Cancel hold' }).click();
  await expect(hold.getByText('Cancel this hold? You lose your place in the queue.')).toBeVisible();
  await hold.getByRole('button', { name: 'Yes, cancel the hold' }).click();
  await expect(page.getByText(`Cancelled your hold on “${record.title}”.`)).toBeVisible();
  await expect(page.getByText('You have no holds.')).toBeVisible();
});

test('A patron renews one loan, then all, and sees why one cannot be renewed', async ({ page }, testInfo) => {
  const { patron, loans } = seed();
  await patronLogin(page, patron.cardNumber, patron.pin);
  await page.getByRole('navigation', { name: 'My account' }).getByRole('link', { name: 'Loans', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'My loans' })).toBeVisible();
  const list = page.getByRole('list', { name: 'My loans' });
  const wanted = list.getByRole('listitem').filter({ hasText: loans.wanted });
  await expect(wanted).toContainText('Cannot be renewed now:');
  await expect(wanted).toContainText('Another patron is waiting for this item.');
  await checkPage(page, testInfo, 'portal loans');

  await page.getByRole('button', { name: `Renew ${loans.single}` }).click();
  await expect(page.getByText(new RegExp(`Renewed “${loans.single}”: now due`))).toBeVisible();

  await page.getByRole('button', { name: 'Renew all' }).click();
  const outcomes = page.getByRole('list', { name: 'Renew all outcomes' });
  await expect(outcomes.getByRole('listitem').filter({ hasText: loans.renewable })).toContainText('Renewed: now due');
  const refused = outcomes.getByRole('listitem').filter({ hasText: loans.wanted });
  await expect(refused).toContainText('Not renewed: still due');
  await expect(refused).toContainText('Another patron is waiting for this item.');
  await checkPage(page, testInfo, 'portal renew all');
});
