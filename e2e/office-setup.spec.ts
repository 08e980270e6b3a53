import { checkPage, expect, fixture, staffLogin, test } from './fixtures';

/**
 * The office's library setup (issue 15): the system administrator sets up a branch with its hours, a
 * holiday there, a patron category, an item type and a rule of the circulation matrix for them, from the
 * page alone, and the page explains that the new rule is the one a loan there gets. A clerk reads it only.
 */

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`.slice(-8);

test('an administrator adds a branch with hours, a holiday, a category, an item type and a matrix rule from the pages', async ({ page }, testInfo) => {
  const admin = fixture().admin;
  test.skip(!admin, 'no administrator account in this run');
  const id = unique();
  const branch = `br-${id}`;
  const category = `cat-${id}`;
  const type = `type-${id}`;

  await page.goto('staff/login');
  await page.getByLabel('Username').fill(admin?.username ?? '');
  await page.getByLabel('Password').fill(admin?.password ?? '');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/app\/office/);
  await page.getByRole('navigation', { name: 'Office' }).getByRole('link', { name: 'Library setup' }).click();
  // The administrator works for every library: pick the demo library.
  const chooser = page.getByLabel('Library', { exact: true });
  if (await chooser.count()) await chooser.selectOption(fixture().libraryId);
  await expect(page.getByRole('heading', { level: 1, name: 'Library setup' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Circulation matrix' })).toBeVisible();
  await checkPage(page, testInfo, 'office-library-setup');

  // A branch open Monday 9–5 and Saturday 10–2
  await page.getByLabel('Branch code').fill(branch);
  await page.getByLabel('Branch name').fill(`Branch ${id}`);
  await page.getByLabel('Address (optional)').fill('12 Test Lane');
  await page.getByLabel('Monday opens').fill('09:00');
  await page.getByLabel('Monday closes').fill('17:00');
  await page.getByLabel('Saturday opens').fill('10:00');
  await page.getByLabel('Saturday closes').fill('14:00');
  await page.getByRole('button', { name: 'Add the branch' }).click();
  await expect(page.getByRole('status')).toContainText(`Branch Branch ${id} (${branch}) added.`);
  await expect(page.getByRole('row').filter({ hasText: branch })).toContainText('Mon 09:00–17:00; Sat 10:00–14:00');

  // A holiday at that branch
  await page.getByLabel('Where').selectOption(branch);
  await page.getByLabel('First closed day').fill('2027-07-05');
  await page.getByLabel('Reason').fill(`Holiday ${id}`);
  await page.getByRole('button', { name: 'Record the closure' }).click();
  await expect(page.getByRole('status')).toContainText(`Branch ${id} closed from 2027-07-05 to 2027-07-05`);
  await expect(page.getByRole('row').filter({ hasText: `Holiday ${id}` })).toContainText('2027-07-05');

  // A category whose cards last two years, and an item type
  await page.getByLabel('Category code').fill(category);
  await page.getByLabel('Category name').fill(`Category ${id}`);
  await page.getByLabel('Youngest age (optional)').fill('60');
  await page.getByLabel('Months a card stays valid (optional)').fill('24');
  await page.getByRole('button', { name: 'Add the category' }).click();
  await expect(page.getByRole('row').filter({ hasText: category })).toContainText('24');
  await page.getByLabel('Item type code').fill(type);
  await page.getByLabel('Item type name').fill(`Type ${id}`);
  await page.getByRole('button', { name: 'Add the item type' }).click();
  await expect(page.getByRole('status')).toContainText(`Item type Type ${id} (${type}) added.`);

  // A bad rule is refused beside its field, and nothing is set
  await page.getByLabel('Rule branch').selectOption(branch);
  await page.getByLabel('Rule patron category').selectOption(category);
  await page.getByLabel('Rule item type').selectOption(type);
  await page.getByLabel('Loan days').fill('10');
  await page.getByLabel('Renewals', { exact: true }).fill('1');
  await page.getByLabel('Fine per day').fill('-1');
  await page.getByLabel('Most fine per item').fill('3.00');
  await page.getByRole('button', { name: 'Set the rule' }).click();
  await expect(page.getByText('finePerDayCents cannot be negative.').first()).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: `${branch} × ${category} × ${type}` })).toHaveCount(0);
  // The rule, set
  await page.getByLabel('Fine per day').fill('0.20');
  await page.getByRole('button', { name: 'Set the rule' }).click();
  await expect(page.getByRole('status').first()).toContainText(`The rule for ${branch} × ${category} × ${type} is set.`);
  await expect(page.getByRole('row').filter({ hasText: `${branch} × ${category} × ${type}` })).toContainText('10');

  // The page explains that a loan at the branch, for the category and type, gets the new rule
  await page.getByLabel('Item’s branch').selectOption(branch);
  await page.getByLabel('Patron’s category').selectOption(category);
  await page.getByLabel('Item’s type').selectOption(type);
  await page.getByRole('button', { name: 'Explain' }).click();
  const explanation = page.locator('.explanation');
  await expect(explanation).toContainText(`branch ${branch} × category ${category} × type ${type} applies`);
  await expect(explanation).toContainText('10 days, 1 renewal');
  await checkPage(page, testInfo, 'office-library-setup-done');
});

test('a clerk reads the library setup but has no form to change it', async ({ page }) => {
  await staffLogin(page, 'circulation');
  await page.goto('office/library-setup');
  await expect(page.getByRole('heading', { level: 1, name: 'Library setup' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Circulation matrix' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: '* × * × *' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Set the rule' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add the branch' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Explain' })).toBeVisible();
});

test('an administrator chooses the library’s languages, how its desk takes payments and what its slips print', async ({ page }) => {
  const admin = fixture().admin;
  test.skip(!admin, 'no administrator account in this run');
  await page.goto('staff/login');
  await page.getByLabel('Username').fill(admin?.username ?? '');
  await page.getByLabel('Password').fill(admin?.password ?? '');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/app\/office/);
  await page.goto('office/library-setup');
  const chooser = page.getByLabel('Library', { exact: true });
  if (await chooser.count()) await chooser.selectOption(fixture().libraryId);
  const languages = page.getByRole('group', { name: 'Languages' });
  const payments = page.getByRole('group', { name: 'Payments at the desk' });
  const slips = page.getByRole('group', { name: 'Printed slips' });
  await expect(languages.getByRole('checkbox', { name: 'Español' })).toBeChecked();
  await expect(payments.getByRole('checkbox', { name: 'Check' })).toBeChecked();

  // A default language the library does not offer is refused, in words, and nothing is saved.
  await languages.getByRole('checkbox', { name: 'Español' }).uncheck();
  await page.getByRole('group', { name: 'Default language' }).getByRole('radio', { name: 'Español' }).check();
  await page.getByRole('button', { name: 'Save the settings' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'The default language must be one of the languages the library offers.' })).toBeVisible();
  await page.reload();
  if (await chooser.count()) await chooser.selectOption(fixture().libraryId);
  await expect(languages.getByRole('checkbox', { name: 'Español' })).toBeChecked();

  // No checks at this desk, and a line at the top of every slip; kept, then put back as they were.
  await payments.getByRole('checkbox', { name: 'Check' }).uncheck();
  await slips.getByLabel('Top of the slip (the library’s name, hours, telephone)').fill('Demo Library · 505-555-0100');
  await page.getByRole('button', { name: 'Save the settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The settings are saved.' })).toBeVisible();
  await page.reload();
  if (await chooser.count()) await chooser.selectOption(fixture().libraryId);
  await expect(payments.getByRole('checkbox', { name: 'Check' })).not.toBeChecked();
  await expect(payments.getByRole('checkbox', { name: 'Cash' })).toBeChecked();
  await expect(slips.getByLabel('Top of the slip (the library’s name, hours, telephone)')).toHaveValue('Demo Library · 505-555-0100');
  await payments.getByRole('checkbox', { name: 'Check' }).check();
  await slips.getByLabel('Top of the slip (the library’s name, hours, telephone)').fill('');
  await page.getByRole('button', { name: 'Save the settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The settings are saved.' })).toBeVisible();
});
