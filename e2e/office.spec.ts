import type { APIRequestContext, Page } from '@playwright/test';
import { BASE_URL, checkPage, expect, fixture, staffLogin, test } from './fixtures';

/**
 * The director's office and the public policy page, through the real server: each journey makes its own
 * patrons and records through the API (so no other spec's data is touched or relied on) and asserts on
 * what the API answered rather than on the demo's counts.
 */

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

/** Logs a demo staff member in on an API request context; answers a caller that sends the CSRF token. */
async function staffApi(request: APIRequestContext, role: string) {
  const account = fixture().staff[role];
  if (!account) throw new Error(`the demo has no ${role}`);
  const login = await request.post(`${BASE_URL()}/api/v1/auth/login`, { data: account });
  expect(login.status()).toBe(200);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return async <T>(path: string, data: unknown): Promise<T> => {
    const response = await request.post(`${BASE_URL()}/api/v1${path}`, { data, headers: { 'x-csrf-token': csrfToken } });
    expect(response.ok(), `${path} answered ${response.status()}: ${await response.text()}`).toBe(true);
    return (await response.json()) as T;
  };
}

/** A fresh adult patron of the demo library, registered at the desk through the API. */
async function newPatron(request: APIRequestContext): Promise<{ id: string; cardNumber: string }> {
  const post = await staffApi(request, 'circulation');
  return post<{ id: string; cardNumber: string }>('/patrons', { libraryId: fixture().libraryId, name: `Office Test ${unique()}`, birthDate: '1980-05-05' });
}

function officeNav(page: Page) {
  return page.getByRole('navigation', { name: 'Office' });
}

/** A month (YYYY-MM) `months` from this one. */
function month(months: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getFullYear(), now.getMonth() + months, 1)).toISOString().slice(0, 7);
}

test('A director records and releases a court order', async ({ page, request }, testInfo) => {
  const patron = await newPatron(request);
  const caseNumber = `CO-${unique()}`;
  await staffLogin(page, 'director');

  await page.goto('office');
  await expect(page.getByRole('heading', { level: 1, name: 'Office' })).toBeVisible();
  await checkPage(page, testInfo, 'office-home');

  await officeNav(page).getByRole('link', { name: 'Legal requests' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Legal requests' })).toBeVisible();
  await checkPage(page, testInfo, 'office-legal-requests');

  await page.getByRole('link', { name: 'Record a new request' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Record a legal request' })).toBeVisible();
  await page.getByLabel('Instrument presented').selectOption('court-order');
  await expect(page.getByText('The library’s policy:')).toBeVisible();
  await page.getByLabel('Agency').fill('County Sheriff’s Office');
  await page.getByLabel('Officer’s name').fill('Sergeant Example');
  await page.getByLabel('Officer’s badge or id').fill('B-1234');
  await page.getByLabel('Case or docket number (optional)').fill(caseNumber);
  await page.getByLabel('Card numbers of the patrons named').fill(patron.cardNumber);
  await page.getByLabel('Registration (name, contact details, card)').check();
  await page.getByLabel('Current loans').check();
  await expect(page.getByText('No patron data in the fields below.')).toBeVisible();
  await checkPage(page, testInfo, 'office-legal-request-new');
  await page.getByRole('button', { name: 'Record the request' }).click();

  // The request's own page: received, its records kept under a preservation hold.
  await expect(page).toHaveURL(/\/office\/legal-requests\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Court order from County Sheriff’s Office' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('is in the register');
  // No card number in the address: the request is named by its id only.
  expect(page.url()).not.toContain(patron.cardNumber);
  const hold = page.getByRole('region', { name: 'Preservation hold' });
  await expect(hold).toContainText('Live');
  await expect(hold).toContainText('1 patron');
  await expect(page.getByText('No gag order.')).toBeVisible();
  await checkPage(page, testInfo, 'office-legal-request');

  // Counsel's review, then the decision to comply.
  await page.getByRole('group', { name: 'Is the instrument in proper form?' }).getByLabel('Yes').check();
  await page.getByRole('group', { name: 'Does it show good cause?' }).getByLabel('Yes').check();
  await page.getByRole('button', { name: 'Record the review' }).click();
  await expect(page.getByRole('status')).toContainText('Counsel’s review is recorded.');
  await page.getByLabel('Comply: approve the release').check();
  await page.getByRole('button', { name: 'Record the decision' }).click();
  await expect(page.getByRole('status')).toContainText('The request is approved.');
  await expect(page.getByText('Approved, not yet released')).toBeVisible();

  // The release asks first, then saves the export (produced once) and shows its manifest.
  await page.getByRole('button', { name: 'Release the records' }).click();
  const saved = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Release and save the export' }).click();
  const file = await saved;
  expect(file.suggestedFilename()).toMatch(/^legal-disclosure-[0-9a-f-]{36}\.json$/);
  const manifest = page.getByRole('table', { name: 'What was released (the manifest the register keeps)' });
  await expect(manifest).toBeVisible();
  await expect(manifest.getByRole('row', { name: /Registration/ })).toContainText('1');
  await expect(page.getByText(/the records of 1 patron/)).toBeVisible();
  await expect(page.getByText('Fingerprint (SHA-256)')).toBeVisible();
  await expect(hold).toContainText('Released');
  await expect(page.getByText(/were told in their own record at release/)).toBeVisible();
  await checkPage(page, testInfo, 'office-legal-request-released');

  // The register shows its final state.
  await page.getByRole('link', { name: 'Back to the register' }).first().click();
  const row = page.getByRole('row').filter({ hasText: caseNumber });
  await expect(row).toContainText('Released');

  // The transparency report counts it, as the API answers it.
  const answered = page.waitForResponse((r) => r.url().includes('/api/v1/transparency-report') && r.request().method() === 'GET');
  await officeNav(page).getByRole('link', { name: 'Transparency report' }).click();
  const report = (await (await answered).json()) as { requests: { byInstrument: { instrument: string; released: number }[] } };
  const released = report.requests.byInstrument.find((i) => i.instrument === 'court-order')?.released ?? 0;
  expect(released).toBeGreaterThanOrEqual(1);
  await expect(page.getByRole('row', { name: /^Court order/ }).getByRole('cell').first()).toHaveText(String(released));
  await checkPage(page, testInfo, 'office-transparency');
});

test('a director places a legal hold and releases it', async ({ page, request }, testInfo) => {
  const patron = await newPatron(request);
  const reason = `Litigation hold ${unique()}`;
  await staffLogin(page, 'director');
  await page.goto('office/legal-holds');
  await expect(page.getByRole('heading', { level: 1, name: 'Legal holds' })).toBeVisible();

  await page.getByLabel('Card numbers of the patrons').fill(patron.cardNumber);
  await page.getByRole('checkbox', { name: 'Holds', exact: true }).check();
  await page.getByLabel('Fines, fees and payments').check();
  await page.getByLabel('Reason for the hold').fill(reason);
  await page.getByRole('button', { name: 'Place the hold' }).click();
  await expect(page.getByRole('status')).toContainText('The hold is placed');
  // The form forgets the card number once the hold is placed.
  await expect(page.getByLabel('Card numbers of the patrons')).toHaveValue('');
  const row = page.getByRole('row').filter({ hasText: reason });
  await expect(row).toContainText('Live');
  await checkPage(page, testInfo, 'office-legal-holds');

  await row.getByRole('button', { name: 'Release this hold' }).click();
  await row.getByRole('button', { name: 'Yes, release it' }).click();
  await expect(page.getByRole('status')).toContainText('is released');
  await expect(page.getByRole('row').filter({ hasText: reason })).toHaveCount(0);
  await page.getByLabel('Show released holds too').check();
  await expect(page.getByRole('row').filter({ hasText: reason })).toContainText('Released');
});

test('the retention dashboard shows the demo’s runs, what is due, the log’s state, and runs on request', async ({ page }, testInfo) => {
  await staffLogin(page, 'director');
  const runsAnswer = page.waitForResponse((r) => r.url().includes('/api/v1/libraries/') && r.url().includes('/retention/runs') && r.request().method() === 'GET');
  await page.goto('office/retention');
  const runs = (await (await runsAnswer).json()) as { runs: { asOf: string }[] };
  // The demo replays its history through the retention engine: there are runs to show.
  expect(runs.runs.length).toBeGreaterThan(0);
  await expect(page.locator('details.office-run')).toHaveCount(runs.runs.length);
  await expect(page.getByRole('table', { name: /^Receipts of the run as of/ }).first()).toBeVisible();
  await expect(page.getByRole('region', { name: 'Access log' }).getByRole('status')).toContainText('Intact.');
  await expect(page.getByRole('heading', { name: 'Due for disposal' })).toBeVisible();

  await checkPage(page, testInfo, 'office-retention');
  await page.getByRole('button', { name: 'Check what is due now' }).click();
  await expect(page.getByRole('table', { name: 'What a run would do now (dry run)' })).toBeVisible();

  await page.getByRole('button', { name: 'Run retention now' }).click();
  await expect(page.getByText(/What it disposes of cannot be recovered/)).toBeVisible();
  await page.getByRole('button', { name: 'Yes, run it' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Retention ran as of' })).toBeVisible();
  await expect(page.locator('details.office-run')).toHaveCount(Math.min(runs.runs.length + 1, 10));
});

test('the audit report shows its five sections, findings in red, and downloads', async ({ page }, testInfo) => {
  await staffLogin(page, 'director');
  const answer = page.waitForResponse((r) => r.url().includes('/api/v1/libraries/') && r.url().includes('/audit-report') && r.request().method() === 'GET');
  await page.goto('office/audit-report');
  const report = (await (await answer).json()) as { findings: unknown[] };
  for (const question of ['(a) What is collected', '(b) Why and how it is used', '(c) Who collects it and who can access it', '(d) Where it is kept and how it is secured', '(e) How long it is kept and how it is disposed of'])
    await expect(page.getByRole('heading', { level: 2, name: question })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Findings' })).toBeVisible();
  if (report.findings.length > 0) await expect(page.locator('#audit-findings ~ ul li.finding')).toHaveCount(report.findings.length);
  else await expect(page.getByText(/^No findings/)).toBeVisible();
  await checkPage(page, testInfo, 'office-audit-report');

  const html = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download as HTML' }).click();
  expect((await html).suggestedFilename()).toMatch(/\.html$/);
  const md = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download as Markdown' }).click();
  expect((await md).suggestedFilename()).toMatch(/\.md$/);
});

test('statistics show a table with hidden small counts, a chart and a CSV', async ({ page }, testInfo) => {
  await staffLogin(page, 'director');
  await page.goto('office/statistics');
  await expect(page.getByRole('heading', { level: 1, name: 'Statistics' })).toBeVisible();
  await page.getByLabel('What to count').selectOption('circulation');
  await page.getByLabel('Rows').selectOption('item-type');
  await page.getByLabel('Columns').selectOption('branch');
  await page.getByLabel('First month').fill(month(-2));
  await page.getByLabel('Last month (included)').fill(month(-1));
  const answer = page.waitForResponse((r) => r.url().includes('/api/v1/libraries/') && r.url().includes('/statistics?') && r.request().method() === 'GET');
  await page.getByRole('button', { name: 'Show the table' }).click();
  const response = await answer;
  const body = (await response.json()) as { threshold?: number; table?: { rowLabels: string[] }; suppressed?: { total: number }; error?: { code: string } };
  if (!response.ok()) {
    // Whatever the server's rules for the period, its refusal is shown with its code.
    await expect(page.getByRole('alert')).toContainText(body.error?.code ?? '');
  } else if (body.table && body.table.rowLabels.length === 0) {
    await expect(page.getByText(/^No data:/)).toBeVisible();
  } else {
    const table = page.getByRole('table', { name: /Loans by item type/ });
    await expect(table).toBeVisible();
    await expect(table.getByRole('row')).toHaveCount((body.table?.rowLabels.length ?? 0) + 2);
    if ((body.suppressed?.total ?? 0) > 0) {
      await expect(table.getByText(`<${body.threshold}`).first()).toBeVisible();
      await expect(page.getByText(`“<${body.threshold}” marks a count hidden`)).toBeVisible();
      await expect(page.getByRole('img', { name: /row totals/ })).toBeVisible();
    }
    await expect(page.getByRole('img', { name: /row totals/ })).toBeVisible();
    const csv = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download as CSV' }).click();
    expect((await csv).suggestedFilename()).toMatch(/\.csv$/);
  }
  await checkPage(page, testInfo, 'office-statistics');
});

test('the director answers a complaint', async ({ page, request }, testInfo) => {
  const topic = `office-${unique()}`.slice(0, 40);
  const post = await staffApi(request, 'circulation');
  await post('/complaints', { libraryId: fixture().libraryId, channel: 'letter', topic });
  await staffLogin(page, 'director');
  await page.goto('office/complaints');
  const card = page.getByRole('region', { name: new RegExp(topic) });
  await expect(card).toContainText('anonymous');
  await checkPage(page, testInfo, 'office-complaints');
  await card.getByRole('button', { name: 'Record the answer' }).click();
  await expect(page.getByRole('status')).toContainText('is recorded');
  await expect(page.getByRole('region', { name: new RegExp(topic) })).toHaveCount(0);
});

test('the system administrator sees only the office pages of their role', async ({ page }, testInfo) => {
  const admin = fixture().admin;
  test.skip(!admin, 'no administrator account in this run');
  await page.goto('staff/login');
  await page.getByLabel('Username').fill(admin?.username ?? '');
  await page.getByLabel('Password').fill(admin?.password ?? '');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/app\/office/);
  const nav = officeNav(page);
  for (const shown of ['Retention', 'Audit report', 'Transparency report', 'Statistics']) await expect(nav.getByRole('link', { name: shown })).toBeVisible();
  for (const hidden of ['Legal requests', 'Legal holds', 'Complaints']) await expect(nav.getByRole('link', { name: hidden })).toHaveCount(0);
  await page.goto('office/legal-requests');
  await expect(page.getByRole('alert')).toContainText('Your role does not include the legal-request register');
  await checkPage(page, testInfo, 'office-admin-refused');
});

test('a clerk sees no office and is told so when opening it', async ({ page }, testInfo) => {
  await staffLogin(page, 'circulation');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Office' })).toHaveCount(0);
  await page.goto('office');
  await expect(page.getByRole('alert')).toContainText('Your role does not include');
  await expect(officeNav(page)).toHaveCount(0);
  await checkPage(page, testInfo, 'office-clerk-refused');
});

test('the public policy page loads with no session and shows its history', async ({ page, request }, testInfo) => {
  const { libraryId } = fixture();
  await page.goto(`policy/${libraryId}`);
  await expect(page.getByRole('heading', { level: 1, name: /^Privacy policy of / })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Log out' })).toHaveCount(0);
  for (const section of ['What we keep, why and for how long', 'Who can see it', 'When your records could be disclosed, and on what basis', 'Your rights', 'What changed and when'])
    await expect(page.getByRole('heading', { level: 2, name: section })).toBeVisible();
  await expect(page.getByRole('region', { name: 'What changed and when' })).toContainText(/Version \d+/);
  const printable = page.getByRole('link', { name: /one page to print or save/ });
  const href = await printable.getAttribute('href');
  expect(href).toBe(`/libraries/${libraryId}/privacy-policy`);
  expect((await request.get(`${BASE_URL()}${href}`)).status()).toBe(200);
  await checkPage(page, testInfo, 'policy');

  await page.goto('policy/no-such-library');
  await expect(page.getByRole('heading', { level: 1, name: 'No library has that code' })).toBeVisible();
  await checkPage(page, testInfo, 'policy-missing');
});
