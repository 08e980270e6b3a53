import type { Page } from '@playwright/test';
import { checkPage, expect, fixture, patronLogin, staffApi, staffLogin, test, type StaffCall } from './fixtures';

/**
 * Notices (issue 17) through the real server and Chromium: the administrator edits a template with its
 * live preview (a field the demo's profile forbids is refused), the director records a breach for listed
 * cards, sees it in the register and marks the letter it made posted, a patron chooses how and in which
 * language notices come and sees the notices the library sent, and the public unsubscribe page refuses a
 * bad link. Every patron is the spec's own, registered through the staff API; the template is put back.
 *
 * Screenshots (checkPage) are taken before a card number is typed into a form: they are kept as
 * artifacts of the run, and must not carry one.
 */

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

interface Registered {
  id: string;
  cardNumber: string;
  pin: string;
  name: string;
}

/** A fresh adult patron of the demo library; the name has the shape the run's log is scanned for (global-setup.ts). */
async function registerPatron(api: StaffCall, extra: Record<string, unknown> = {}): Promise<Registered> {
  const name = `Office Test ${unique()}`;
  const answer = await api<{ id: string; cardNumber: string; pin: string }>('POST', '/patrons', { libraryId: fixture().libraryId, name, birthDate: '1979-04-03', ...extra });
  return { ...answer, name };
}

async function adminLogin(page: Page): Promise<void> {
  const admin = fixture().admin;
  if (!admin) throw new Error('no administrator account in this run');
  await page.goto('staff/login');
  await page.getByLabel('Username').fill(admin.username);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/app\/office/);
}

/** Opens an office page from the office's navigation, on the demo library. */
async function openOffice(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Office' }).getByRole('link', { name: label, exact: true }).click();
  const library = page.getByLabel('Library', { exact: true });
  if ((await library.count()) > 0) await library.selectOption(fixture().libraryId);
  await expect(page.getByRole('heading', { level: 1, name: label })).toBeVisible();
}

test('the administrator edits a template with its preview, and {{titles}} is refused', async ({ page }, testInfo) => {
  test.skip(!fixture().admin, 'no administrator account in this run');
  const mark = `Edited ${unique()}`;
  await adminLogin(page);
  await openOffice(page, 'Notices');
  const templates = page.getByRole('region', { name: 'Templates' });
  const preview = templates.getByTestId('template-preview');
  await expect(preview).toContainText('Central Branch');
  // The administrator has no look at patrons' notices: no failed list, no letters.
  await expect(page.getByRole('heading', { name: 'Failed notices' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Letters to post' })).toHaveCount(0);
  await checkPage(page, testInfo, 'office-notices-admin');

  // When the administrator changes the hold-ready subject, the preview fills its fields for a fictional patron
  await templates.getByLabel('Kind of notice').selectOption('hold-ready');
  await templates.getByLabel('Language', { exact: true }).selectOption('en');
  await expect(templates.getByRole('list', { name: 'Fields this kind offers' })).toContainText('{{pickupBy}}');
  await expect(templates.getByRole('list', { name: 'Fields this kind offers' })).not.toContainText('{{titles}}');
  await templates.getByLabel('Subject').fill(`${mark}: {{library}} has a hold for you at {{branch}}`);
  await expect(preview).toContainText(`${mark}: `);
  await expect(preview).toContainText('has a hold for you at Central Branch');
  await expect(preview).not.toContainText('{{');
  await templates.getByRole('button', { name: 'Save template' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The hold ready to pick up template in English is saved.' })).toBeVisible();
  await expect(templates.getByText(/^The library’s own, saved /)).toBeVisible();

  // When it names the titles, which the demo's privacy policy keeps out of notices, the preview says saving is refused
  const body = templates.getByLabel('Body');
  await body.fill(`${await body.inputValue()}\nYour items: {{titles}}\n`);
  await expect(templates.getByText('Saving this template would be refused:')).toBeVisible();
  await expect(templates.getByText(/The template uses \{\{titles\}\}: the library’s privacy policy does not let notices name it/)).toBeVisible();
  await checkPage(page, testInfo, 'office-notices-template-refused');
  // And saving it is refused by Carrel
  await templates.getByRole('button', { name: 'Save template' }).click();
  await expect(templates.getByRole('alert').filter({ hasText: 'TEMPLATE_FIELD_NOT_ALLOWED' })).toBeVisible();

  // The library goes back to the shipped template
  await templates.getByRole('button', { name: 'Reset to the shipped template' }).click();
  await templates.getByRole('button', { name: 'Yes, reset it' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'is the one Carrel ships again' })).toBeVisible();
  await expect(templates.getByLabel('Subject')).toHaveValue('{{library}}: a hold is ready for you');
  await expect(templates.getByText('The template Carrel ships: the library has not changed it.')).toBeVisible();

  // The settings save, and a bad one is refused beside its field
  const settings = page.getByRole('region', { name: 'Settings' });
  const dueSoon = settings.getByLabel('Due-soon notice, days before the due date');
  const before = await dueSoon.inputValue();
  await settings.getByLabel('Second overdue notice').fill('');
  await settings.getByLabel('Third overdue notice').fill('');
  await settings.getByLabel('First overdue notice').fill('2');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The notice settings are saved.' })).toBeVisible();
  await settings.getByLabel('First overdue notice').fill('1');
  await settings.getByLabel('Second overdue notice').fill('8');
  await settings.getByLabel('Third overdue notice').fill('15');
  await dueSoon.fill(before);
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The notice settings are saved.' })).toBeVisible();
  await expect(settings.getByLabel('Second overdue notice')).toHaveValue('8');
});

test('the director records a breach for listed cards, sees it in the register, and posts its letter', async ({ page, request }, testInfo) => {
  const desk = await staffApi(request, 'circulation');
  const byEmail = await registerPatron(desk, { email: `breach.${unique()}@example.org` });
  const byPost = await registerPatron(desk);
  const actions = `We have reset every staff password (${unique()}).`;

  await staffLogin(page, 'director');
  await page.goto('office');
  await openOffice(page, 'Breaches');
  await checkPage(page, testInfo, 'office-breaches');

  const form = page.getByRole('region', { name: 'Record a breach' });
  const found = await form.getByLabel('When the library found out').inputValue();
  await form.getByLabel('When it happened').fill(found);
  await form.getByRole('group', { name: 'Records exposed' }).getByLabel('Registration (name, contact details, card)').check();
  await form.getByLabel('Only the patrons whose card numbers I list').check();
  await form.getByLabel('What happened').fill('A staff laptop with an export of registrations was stolen from a car.');
  await form.getByLabel('What the library is doing').fill(actions);
  await form.getByLabel('Card numbers of the patrons affected').fill(`${byEmail.cardNumber}\n${byPost.cardNumber}`);
  await form.getByRole('button', { name: 'Record the breach' }).click();

  // Then the director is asked first, and told the patrons will be told
  const confirm = page.getByRole('group', { name: 'Tell the patrons?' });
  await expect(confirm).toContainText('tells 2 patrons at once');
  await confirm.getByRole('button', { name: 'Yes, record it and tell the patrons' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The breach is recorded. 2 patrons are being told: 0 notices by email or text, 2 letters to post' })).toBeVisible();
  // (The patron with an email address chose no channel: a breach notice goes by post to both.)
  await expect(form.getByLabel('What the library is doing')).toHaveValue('');

  const row = page.getByRole('region', { name: 'The register' }).getByRole('row', { name: new RegExp(actions.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
  await expect(row).toContainText('Registration');
  await expect(row).toContainText('Those listed');
  await checkPage(page, testInfo, 'office-breaches-recorded');

  // The letters wait under Notices, with the patrons' names; marking one posted takes it off the list
  await openOffice(page, 'Notices');
  const letters = page.getByRole('region', { name: 'Letters to post' });
  await letters.getByRole('button', { name: 'Open the letters to post' }).click();
  const letter = letters.getByRole('listitem').filter({ has: page.getByRole('heading', { name: byPost.name }) });
  await expect(letter).toContainText(actions);
  await expect(letter).toContainText('Security incident affecting records');
  await letter.getByRole('button', { name: `Mark the letter to ${byPost.name} posted` }).click();
  await expect(page.getByRole('status').filter({ hasText: `The letter to ${byPost.name} is marked posted` })).toBeVisible();
  await expect(letters.getByRole('heading', { name: byPost.name })).toHaveCount(0);
  await expect(letters.getByRole('heading', { name: byEmail.name })).toBeVisible();
  await checkPage(page, testInfo, 'office-notices-director');
});

test('a patron chooses how and in which language notices come, and sees the notices sent', async ({ page, request }, testInfo) => {
  const desk = await staffApi(request, 'circulation');
  const me = await registerPatron(desk, { email: `notices.${unique()}@example.org`, phone: '+1 555 0100' });
  await patronLogin(page, me.cardNumber, me.pin);
  await page.getByRole('navigation', { name: 'My account' }).getByRole('link', { name: 'Privacy', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Privacy settings' })).toBeVisible();
  await expect(page.getByRole('radio', { name: 'No notices by email or text' })).toBeChecked();
  await expect(page.getByRole('radio', { name: 'The library’s usual language' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Email me when the library changes its privacy policy' })).toBeChecked();
  await expect(page.getByRole('region', { name: 'Notices' }).getByText('No notices.')).toBeVisible();
  await checkPage(page, testInfo, 'portal-notices-settings');

  // When the patron chooses both channels, in Spanish, and no policy emails
  await page.getByRole('radio', { name: 'Both email and text message' }).check();
  await page.getByRole('radio', { name: 'Español' }).check();
  await page.getByRole('checkbox', { name: 'Email me when the library changes its privacy policy' }).uncheck();
  await page.getByRole('button', { name: 'Save privacy settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your privacy settings are saved.' })).toBeVisible();
  // The patron's language is also their notices': the portal now speaks Spanish too.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByRole('radio', { name: 'Por correo electrónico y por mensaje de texto' })).toBeChecked();
  await expect(page.getByRole('radio', { name: 'Español' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Enviarme un correo cuando la biblioteca cambie su política de privacidad' })).not.toBeChecked();
  // Back to English with the header's switch.
  await page.getByLabel('Idioma', { exact: true }).selectOption('en');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('radio', { name: 'English' })).toBeChecked();

  // Then email only
  await page.getByRole('radio', { name: 'By email', exact: true }).check();
  await page.getByRole('button', { name: 'Save privacy settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your privacy settings are saved.' })).toBeVisible();

  // When the library tells the patron of a breach, the list shows it: kind, channel, when, status; never the text
  const director = await staffApi(request, 'director');
  const today = new Date().toISOString().slice(0, 10);
  const secret = `Told by email ${unique()}`;
  await director('POST', `/libraries/${fixture().libraryId}/breaches`, {
    occurredOn: '2024-01-02',
    discoveredOn: today > '2024-01-02' ? '2024-01-03' : today,
    categories: ['registration'],
    scope: 'listed',
    cardNumbers: [me.cardNumber],
    description: 'A test of the portal’s list of notices.',
    actions: secret,
  });
  await page.reload();
  const notices = page.getByRole('region', { name: 'Notices' });
  const row = notices.getByRole('row', { name: /Security incident affecting records/ });
  await expect(row).toContainText('Email');
  await expect(row).toContainText('Waiting to be sent');
  await expect(notices).not.toContainText(secret);
  await checkPage(page, testInfo, 'portal-notices-list');
});

test('the unsubscribe page refuses a link that is not one, and needs the whole link', async ({ page }, testInfo) => {
  await page.goto('unsubscribe#garbage');
  await expect(page.getByRole('heading', { level: 1, name: 'Unsubscribe' })).toBeVisible();
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await expect(page.getByRole('alert')).toContainText('This unsubscribe link does not work. Nothing was changed.');
  await expect(page.getByRole('alert')).not.toContainText('UNSUBSCRIBE_TOKEN_INVALID');
  await checkPage(page, testInfo, 'public-unsubscribe-refused');

  await page.goto('unsubscribe');
  await expect(page.getByText('This page needs the whole link from the message.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Unsubscribe' })).toHaveCount(0);
});
