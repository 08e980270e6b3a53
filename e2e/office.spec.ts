import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { APIRequestContext, APIResponse, Page, Response } from '@playwright/test';
import { BASE_URL, checkPage, expect, fixture, staffApi, staffLogin, test } from './fixtures';

/**
 * The director's office and the public policy page, through the real server: each journey makes its own
 * patrons and records through the API (so no other spec's data is touched or relied on) and asserts on
 * what the API answered rather than on the demo's counts.
 *
 * Screenshots (checkPage) are taken before a card number is typed into a form: they are kept as
 * artifacts of the run, and must not carry one.
 */

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const API = () => `${BASE_URL()}/api/v1`;

/** A demo staff member logged in on an API request context: raw calls, the CSRF token sent on changes. */
async function apiAs(request: APIRequestContext, role: string) {
  const account = fixture().staff[role];
  if (!account) throw new Error(`the demo has no ${role}`);
  const login = await request.post(`${API()}/auth/login`, { data: account });
  expect(login.status()).toBe(200);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return {
    get: (path: string): Promise<APIResponse> => request.get(`${API()}${path}`),
    post: (path: string, data?: unknown): Promise<APIResponse> =>
      request.post(`${API()}${path}`, { ...(data !== undefined ? { data } : {}), headers: { 'x-csrf-token': csrfToken } }),
  };
}

/** A fresh adult patron of the demo library, registered at the desk through the API. */
async function newPatron(request: APIRequestContext): Promise<{ id: string; cardNumber: string; name: string }> {
  const post = await staffApi(request, 'circulation');
  const name = `Office Test ${unique()}`;
  const patron = await post<{ id: string; cardNumber: string }>('POST', '/patrons', { libraryId: fixture().libraryId, name, birthDate: '1980-05-05' });
  return { ...patron, name };
}

/** The POST of the page's session (same cookie), with its CSRF token: a second try of something it did. */
async function postAsPage(page: Page, path: string): Promise<APIResponse> {
  const session = (await (await page.request.get(`${API()}/auth/session`)).json()) as { csrfToken: string };
  return page.request.post(`${API()}${path}`, { headers: { 'x-csrf-token': session.csrfToken } });
}

/** The demo library's time zone, as the page's session reads it. */
async function libraryZone(page: Page): Promise<string> {
  const libraries = (await (await page.request.get(`${API()}/libraries`)).json()) as { id: string; timeZone: string }[];
  const zone = libraries.find((l) => l.id === fixture().libraryId)?.timeZone;
  if (!zone) throw new Error('the demo library is not listed');
  return zone;
}

/** Today's month (YYYY-MM) in a time zone. */
function monthIn(timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(new Date());
  return `${parts.find((p) => p.type === 'year')?.value}-${parts.find((p) => p.type === 'month')?.value}`;
}

/** A month (YYYY-MM) moved by `months`. */
function shiftMonth(month: string, months: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 7);
}

function officeNav(page: Page) {
  return page.getByRole('navigation', { name: 'Office' });
}

const isGet = (r: Response, path: RegExp) => r.request().method() === 'GET' && path.test(new URL(r.url()).pathname);

/** Opens the transparency report from the office's menu; answers the court orders it counts as released. */
async function courtOrdersReleased(page: Page): Promise<number> {
  const answered = page.waitForResponse((r) => isGet(r, /\/api\/v1\/transparency-report$/));
  await officeNav(page).getByRole('link', { name: 'Transparency report' }).click();
  const response = await answered;
  expect(response.status()).toBe(200);
  const report = (await response.json()) as { requests: { byInstrument: { instrument: string; released: number }[] } };
  const released = report.requests.byInstrument.find((i) => i.instrument === 'court-order')?.released ?? 0;
  // The page draws the number the API answered (the row's first cell after its heading is "Released").
  await expect(page.getByRole('row', { name: /^Court order/ }).getByRole('cell').first()).toHaveText(String(released));
  return released;
}

test('A director records and releases a court order', async ({ page, request }, testInfo) => {
  const patron = await newPatron(request);
  const caseNumber = `CO-${unique()}`;
  await staffLogin(page, 'director');

  await page.goto('office');
  await expect(page.getByRole('heading', { level: 1, name: 'Office' })).toBeVisible();
  await checkPage(page, testInfo, 'office-home');
  // The transparency report before the release, to compare with after.
  const releasedBefore = await courtOrdersReleased(page);

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
  await page.getByLabel('Registration (name, contact details, card)').check();
  await page.getByLabel('Current loans').check();
  await expect(page.getByText('No patron data in the fields below.')).toBeVisible();
  // The screenshot first, then the card number.
  await checkPage(page, testInfo, 'office-legal-request-new');
  await page.getByLabel('Card numbers of the patrons named').fill(patron.cardNumber);
  // The request's page asks for its own hold only, by the request's id.
  const holdsAsked = page.waitForRequest((r) => r.method() === 'GET' && r.url().includes('/legal-holds?') && /[?&]requestId=[0-9a-f-]{36}/.test(r.url()));
  await page.getByRole('button', { name: 'Record the request' }).click();

  // The request's own page: received, its records kept under a preservation hold.
  await expect(page).toHaveURL(/\/office\/legal-requests\/[0-9a-f-]{36}$/);
  const requestId = /legal-requests\/([0-9a-f-]{36})$/.exec(page.url())?.[1] as string;
  expect(new URL((await holdsAsked).url()).searchParams.get('requestId')).toBe(requestId);
  await expect(page.getByRole('heading', { level: 1, name: 'Legal request' })).toBeVisible();
  await expect(page.getByText('Court order from County Sheriff’s Office')).toBeVisible();
  // The tab's title (kept in the browser's history) names no agency.
  await expect(page).toHaveTitle('Legal request · Carrel');
  await expect(page.getByRole('status')).toContainText('is in the register');
  // No card number in the address: the request is named by its id only.
  expect(page.url()).not.toContain(patron.cardNumber);
  const hold = page.getByRole('region', { name: 'Preservation hold' });
  await expect(hold).toContainText('Live');
  await expect(hold).toContainText('1 patron');
  await expect(page.getByText('No gag order.')).toBeVisible();
  await checkPage(page, testInfo, 'office-legal-request');

  // Counsel's review, then the decision to comply; the decision's form goes, and focus goes to its heading.
  await page.getByRole('group', { name: 'Is the instrument in proper form?' }).getByLabel('Yes').check();
  await page.getByRole('group', { name: 'Does it show good cause?' }).getByLabel('Yes').check();
  await page.getByRole('button', { name: 'Record the review' }).click();
  await expect(page.getByRole('status')).toContainText('Counsel’s review is recorded.');
  // The decision asks first: "Not yet" keeps the form; a refusal would lift the hold at once.
  await page.getByLabel('Refuse', { exact: true }).check();
  await page.getByRole('button', { name: 'Record the decision' }).click();
  const confirmDecision = page.getByRole('group', { name: 'Confirm the decision' });
  await expect(confirmDecision).toContainText('The legal hold on its records is lifted at once');
  await expect(confirmDecision.getByRole('button', { name: 'Yes, record the decision' })).toBeFocused();
  await confirmDecision.getByRole('button', { name: 'Not yet' }).click();
  await expect(confirmDecision).toHaveCount(0);
  await expect(hold).toContainText('Live');
  await page.getByLabel('Comply: approve the release').check();
  await page.getByRole('button', { name: 'Record the decision' }).click();
  await expect(confirmDecision).toContainText('Approve the release?');
  await confirmDecision.getByRole('button', { name: 'Yes, record the decision' }).click();
  await expect(page.getByRole('status')).toContainText('The request is approved.');
  await expect(page.getByText('Approved, not yet released')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: '2. Decision' })).toBeFocused();

  // The release asks first (focus on the button that acts; Cancel gives it back to the first button).
  const releaseButton = page.getByRole('button', { name: 'Release the records' });
  await releaseButton.click();
  await expect(page.getByText('Release the records of 1 patron to County Sheriff’s Office now?')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Release and save the export' })).toBeFocused();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(releaseButton).toBeFocused();
  await releaseButton.click();

  // Then it saves the export (produced once) as a file, and shows the manifest.
  const saved = page.waitForEvent('download');
  const released = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/legal-requests/${requestId}/release`));
  await page.getByRole('button', { name: 'Release and save the export' }).click();
  const answer = (await (await released).json()) as { manifest: { sha256: string } };
  const file = await saved;
  expect(file.suggestedFilename()).toBe(`legal-disclosure-${requestId}.json`);
  const text = readFileSync(await file.path(), 'utf8');
  // The file is the export's canonical JSON: its SHA-256 is the fingerprint the register keeps.
  expect(createHash('sha256').update(text, 'utf8').digest('hex')).toBe(answer.manifest.sha256);
  const exported = JSON.parse(text) as { format: string; patrons: { patronId: string; registration?: { name?: string } }[] };
  expect(exported.format).toBe('carrel.legal-disclosure.v1');
  expect(exported.patrons.map((p) => p.patronId)).toEqual([patron.id]);
  expect(exported.patrons[0]?.registration?.name).toBe(patron.name);
  // Never a card number.
  expect(text).not.toContain(patron.cardNumber);

  const manifest = page.getByRole('table', { name: 'What was released (the manifest the register keeps)' });
  await expect(manifest).toBeVisible();
  await expect(manifest.getByRole('row', { name: /Registration/ }).getByRole('cell')).toHaveText('1');
  await expect(page.getByText(/the records of 1 patron/)).toBeVisible();
  await expect(page.locator('.office-hash')).toHaveText(answer.manifest.sha256);
  await expect(page.getByText('Hand the file to the agency, then delete it from this computer.')).toBeVisible();
  // The page keeps no copy of the export to save again.
  await expect(page.getByRole('button', { name: /again/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Release the records' })).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 2, name: '3. Release' })).toBeFocused();
  await expect(hold).toContainText('Released');
  await expect(page.getByText(/were told in their own record at release/)).toBeVisible();
  await checkPage(page, testInfo, 'office-legal-request-released');

  // Read again, the request is released and offers no release; a second release is refused.
  await page.reload();
  await expect(page.getByRole('region', { name: 'The request' })).toContainText('Released');
  await expect(page.getByRole('table', { name: /What was released/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Release the records' })).toHaveCount(0);
  const again = await postAsPage(page, `/legal-requests/${requestId}/release`);
  expect(again.status()).toBe(409);
  expect(((await again.json()) as { error: { code: string } }).error.code).toBe('REQUEST_ALREADY_RELEASED');

  // The register shows its final state.
  await page.getByRole('link', { name: 'Back to the register' }).first().click();
  const row = page.getByRole('row').filter({ hasText: caseNumber });
  await expect(row).toContainText('Released');

  // The transparency report counts one more court order released.
  expect(await courtOrdersReleased(page)).toBe(releasedBefore + 1);
  await checkPage(page, testInfo, 'office-transparency');
});

test('a director records an agency’s withdrawal of an approved request; the decision’s notes stay', async ({ page, request }) => {
  const patron = await newPatron(request);
  const clerk = await staffApi(request, 'circulation');
  const received = await clerk<{ id: string }>('POST', '/legal-requests', {
    libraryId: fixture().libraryId,
    agency: 'State Police',
    officerName: 'Trooper Example',
    officerId: 'T-77',
    instrument: 'court-order',
    patrons: [{ cardNumber: patron.cardNumber }],
    categories: ['circulation'],
  });
  const director = await staffApi(request, 'director');
  await director('POST', `/legal-requests/${received.id}/review`, { properForm: true, goodCause: true });
  await director('POST', `/legal-requests/${received.id}/decision`, { approve: true, notes: 'Scope matches the order.' });

  await staffLogin(page, 'director');
  await page.goto(`office/legal-requests/${received.id}`);
  await expect(page.getByText('Approved, not yet released')).toBeVisible();
  await page.getByLabel('Notes on the withdrawal (optional)').fill('Withdrawn by letter.');
  await page.getByRole('button', { name: 'Record the withdrawal' }).click();
  await expect(page.getByRole('button', { name: 'Yes, record the withdrawal' })).toBeFocused();
  await page.getByRole('button', { name: 'Yes, record the withdrawal' }).click();
  await expect(page.getByRole('status')).toContainText('The withdrawal is recorded.');
  const withdrawal = page.getByRole('region', { name: 'Withdrawal' });
  await expect(page.getByRole('heading', { level: 2, name: 'Withdrawal' })).toBeFocused();
  await expect(withdrawal).toContainText('Withdrawn by letter.');
  await expect(withdrawal).toContainText('by you');
  // The director's decision and its notes are as they were.
  await expect(page.getByRole('region', { name: '2. Decision' })).toContainText('Scope matches the order.');
  await page.reload();
  await expect(page.getByRole('region', { name: 'Withdrawal' })).toContainText('Withdrawn by letter.');
  await expect(page.getByRole('region', { name: '2. Decision' })).toContainText('Scope matches the order.');
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
  // The form forgets the card number once the hold is placed (so the screenshot below holds none).
  await expect(page.getByLabel('Card numbers of the patrons')).toHaveValue('');
  const row = page.getByRole('row').filter({ hasText: reason });
  await expect(row).toContainText('Live');
  await checkPage(page, testInfo, 'office-legal-holds');

  await row.getByRole('button', { name: 'Release this hold' }).click();
  await expect(row.getByRole('button', { name: 'Yes, release it' })).toBeFocused();
  await row.getByRole('button', { name: 'Yes, release it' }).click();
  await expect(page.getByRole('status')).toContainText('is released');
  await expect(page.getByRole('row').filter({ hasText: reason })).toHaveCount(0);
  // Its row went: focus is on the list's heading, not lost to the page.
  await expect(page.getByRole('heading', { level: 2, name: 'Live legal holds' })).toBeFocused();
  await page.getByLabel('Show released holds too').check();
  await expect(page.getByRole('row').filter({ hasText: reason })).toContainText('Released');
});

test('the retention dashboard shows the demo’s runs, what is due, the log’s state, and runs on request', async ({ page }, testInfo) => {
  await staffLogin(page, 'director');
  const runsAnswer = page.waitForResponse((r) => isGet(r, /\/api\/v1\/libraries\/[^/]+\/retention\/runs$/));
  await page.goto('office/retention');
  const runs = (await (await runsAnswer).json()) as { runs: { id: string; asOf: string }[] };
  // The demo replays its history through the retention engine: there are runs to show.
  expect(runs.runs.length).toBeGreaterThan(0);
  await expect(page.locator('details.office-run')).toHaveCount(runs.runs.length);
  await expect(page.getByRole('table', { name: /^Receipts of the run as of/ }).first()).toBeVisible();
  await expect(page.getByRole('region', { name: 'Access log' }).getByRole('status')).toContainText('Intact.');
  await expect(page.getByRole('heading', { name: 'Due for disposal' })).toBeVisible();
  await checkPage(page, testInfo, 'office-retention');

  // The dry run: counts in words, categories by name, a category whose yearly sweep is not due as such.
  const dry = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/retention/runs'));
  await page.getByRole('button', { name: 'Check what is due now' }).click();
  const dryAnswer = (await (await dry).json()) as { dryRun: boolean; libraries: { libraryId: string; categories: { category: string; skipped?: unknown }[] }[] };
  expect(dryAnswer.dryRun).toBe(true);
  const dryTable = page.getByRole('table', { name: 'What a run would do now (dry run)' });
  await expect(dryTable).toBeVisible();
  await expect(dryTable.getByRole('rowheader', { name: 'Current loans' })).toBeVisible();
  await expect(dryTable.getByRole('rowheader', { name: 'circulation', exact: true })).toHaveCount(0);
  const skipped = dryAnswer.libraries.find((l) => l.libraryId === fixture().libraryId)?.categories.filter((c) => c.skipped) ?? [];
  await expect(dryTable.getByText(/^not swept \(next after /)).toHaveCount(skipped.length);

  // The real run, on the shared demo library. Safe for the other specs: the demo ran retention as of
  // "now" when it was loaded, so this run only reaches what became due since (records the other specs
  // closed, under the profile's own rules, as the nightly run would), and every spec makes its own
  // patrons and records. The API has no way to make a throwaway library for this run alone.
  await page.getByRole('button', { name: 'Run retention now' }).click();
  await expect(page.getByText(/What it disposes of cannot be recovered/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Yes, run it' })).toBeFocused();
  const ran = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/retention/runs'));
  const reloaded = page.waitForResponse((r) => isGet(r, /\/api\/v1\/libraries\/[^/]+\/retention\/runs$/));
  await page.getByRole('button', { name: 'Yes, run it' }).click();
  const runAnswer = (await (await ran).json()) as { dryRun: boolean; libraries: { libraryId: string; runId: string | null }[] };
  expect(runAnswer.dryRun).toBe(false);
  const runId = runAnswer.libraries.find((l) => l.libraryId === fixture().libraryId)?.runId;
  expect(runId).toMatch(/^[0-9a-f-]{36}$/);
  await reloaded;
  await expect(page.getByRole('status').filter({ hasText: 'Retention ran as of' })).toContainText(runId as string);
  await expect(page.getByRole('heading', { level: 2, name: 'Run retention now' })).toBeFocused();
  // The newest run shown is the one just made.
  await expect(page.locator('details.office-run').first()).toContainText(`Run ${runId}`);
});

test('the audit report shows its five sections, findings marked in words, and downloads', async ({ page }, testInfo) => {
  await staffLogin(page, 'director');
  const answer = page.waitForResponse((r) => isGet(r, /\/api\/v1\/libraries\/[^/]+\/audit-report$/));
  await page.goto('office/audit-report');
  const report = (await (await answer).json()) as {
    findings: unknown[];
    retention: { categories: { name: string; overdue: number | null }[]; externalRecords: { name: string; due: boolean }[] };
  };
  for (const question of ['(a) What is collected', '(b) Why and how it is used', '(c) Who collects it and who can access it', '(d) Where it is kept and how it is secured', '(e) How long it is kept and how it is disposed of'])
    await expect(page.getByRole('heading', { level: 2, name: question })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Findings' })).toBeVisible();
  const findings = page.getByRole('region', { name: 'Findings' }).getByRole('listitem');
  if (report.findings.length > 0) {
    await expect(findings).toHaveCount(report.findings.length);
    for (const item of await findings.all()) await expect(item).toContainText(/^Finding: /);
  } else await expect(page.getByText(/^No findings/)).toBeVisible();
  // Section (e): what is overdue is marked in words in its row, not by colour alone.
  const sectionE = page.getByRole('region', { name: '(e) How long it is kept and how it is disposed of' });
  const retentionTable = sectionE.getByRole('table', { name: 'Retention rule, disposal and last run of each category' });
  for (const category of report.retention.categories) {
    const row = retentionTable.getByRole('row').filter({ has: page.getByRole('rowheader', { name: category.name, exact: true }) });
    if (category.overdue) await expect(row).toContainText(`Finding: ${category.overdue} overdue`);
    else await expect(row).not.toContainText('Finding');
  }
  for (const series of report.retention.externalRecords.filter((s) => s.due))
    await expect(sectionE.getByRole('row').filter({ has: page.getByRole('rowheader', { name: series.name, exact: true }) })).toContainText('Finding: due');
  await checkPage(page, testInfo, 'office-audit-report');

  const html = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download as HTML' }).click();
  expect((await html).suggestedFilename()).toMatch(/\.html$/);
  const md = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download as Markdown' }).click();
  expect((await md).suggestedFilename()).toMatch(/\.md$/);
});

test('statistics show a table with hidden small counts, a chart and a CSV, for ended months and years of the library', async ({ page }, testInfo) => {
  await staffLogin(page, 'director');
  const { libraryId } = fixture();
  await page.goto('office/statistics');
  await expect(page.getByRole('heading', { level: 1, name: 'Statistics' })).toBeVisible();
  // Months that have ended in the library's time zone, whatever the browser's.
  const lastEnded = shiftMonth(monthIn(await libraryZone(page)), -1);
  const first = shiftMonth(lastEnded, -1);
  await expect(page.getByLabel('First month')).toHaveAttribute('max', lastEnded);
  await expect(page.getByLabel('Last month (included)')).toHaveAttribute('max', lastEnded);
  await expect(page.getByLabel('Last month (included)')).toHaveValue(lastEnded);

  await page.getByLabel('What to count').selectOption('circulation');
  // Age bands by branch: the young borrow little, so a row total is likely hidden.
  await page.getByLabel('Rows').selectOption('age-band');
  await page.getByLabel('Columns').selectOption('branch');
  await page.getByLabel('First month').fill(first);
  await page.getByLabel('Last month (included)').fill(lastEnded);
  // This query's answer, not the page's first one.
  const asked = (r: Response, from: string, to: string) => {
    if (!isGet(r, new RegExp(`/api/v1/libraries/${libraryId}/statistics$`))) return false;
    const q = new URL(r.url()).searchParams;
    return q.get('rows') === 'age-band' && q.get('columns') === 'branch' && q.get('from') === from && q.get('to') === to && q.get('format') === null;
  };
  const answer = page.waitForResponse((r) => asked(r, `${first}-01`, `${shiftMonth(lastEnded, 1)}-01`));
  await page.getByRole('button', { name: 'Show the table' }).click();
  const response = await answer;
  expect(response.status(), await response.text()).toBe(200);
  const body = (await response.json()) as {
    period: string;
    threshold: number;
    table: { rowLabels: string[]; rowTotals: { value: number | null; suppressed: boolean }[] };
    suppressed: { total: number };
  };
  const rows = body.table.rowLabels.length;
  await expect(page.getByRole('status').filter({ hasText: 'Table updated' })).toHaveText(`Table updated: ${rows} ${rows === 1 ? 'row' : 'rows'}.`);
  if (rows === 0) {
    await expect(page.getByText(/^No data:/)).toBeVisible();
  } else {
    const table = page.getByRole('table', { name: /Loans by age band/ });
    await expect(table).toBeVisible();
    await expect(table.getByRole('row')).toHaveCount(rows + 2);
    const chart = page.getByRole('figure', { name: /row totals/ });
    await expect(chart).toBeVisible();
    if (body.suppressed.total > 0) await expect(page.getByText(`“<${body.threshold}” marks a count hidden`)).toBeVisible();
    // A hidden total is drawn as hidden, in the table and on the chart, never as 0.
    for (const [i, total] of body.table.rowTotals.entries()) {
      if (!total.suppressed) continue;
      const cell = table.locator('tbody tr').nth(i).locator('td').last();
      await expect(cell).toContainText(`<${body.threshold}`);
      await expect(cell).not.toHaveText('0');
    }
    const hiddenTotals = body.table.rowTotals.filter((t) => t.suppressed).length;
    await expect(chart.getByText(`<${body.threshold} (hidden)`)).toHaveCount(hiddenTotals);
    const csv = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download as CSV' }).click();
    expect((await csv).suggestedFilename()).toMatch(/\.csv$/);
  }
  await checkPage(page, testInfo, 'office-statistics');

  // By year: only years that have ended, sent as 1 January to 1 January.
  const lastYear = String(Number(shiftMonth(lastEnded, 1).slice(0, 4)) - 1);
  await page.getByLabel('Period length').selectOption('year');
  await expect(page.getByLabel('First month')).toHaveCount(0);
  await expect(page.getByLabel('Last year (included)')).toHaveValue(lastYear);
  await expect(page.getByLabel('Last year (included)').locator('option').first()).toHaveText(lastYear);
  await page.getByLabel('First year').selectOption(lastYear);
  const byYear = page.waitForResponse((r) => asked(r, `${lastYear}-01-01`, `${Number(lastYear) + 1}-01-01`));
  await page.getByRole('button', { name: 'Show the table' }).click();
  const yearResponse = await byYear;
  expect(yearResponse.status(), await yearResponse.text()).toBe(200);
  expect(new URL(yearResponse.url()).searchParams.get('period')).toBe('year');

  // Sign-ins to vendors (issue 19, CB-D): counted by period and vendor only, which the form chooses for them.
  await page.getByLabel('What to count').selectOption('vendor-sign-ins');
  await expect(page.getByLabel('Rows')).toHaveValue('period');
  await expect(page.getByLabel('Columns')).toHaveValue('vendor');
  const vendors = page.waitForResponse((r) => isGet(r, new RegExp(`/api/v1/libraries/${libraryId}/statistics$`)) && new URL(r.url()).searchParams.get('kind') === 'vendor-sign-ins');
  await page.getByRole('button', { name: 'Show the table' }).click();
  const vendorResponse = await vendors;
  expect(vendorResponse.status(), await vendorResponse.text()).toBe(200);
  expect(((await vendorResponse.json()) as { columns: string }).columns).toBe('vendor');
});

test('the director opens one complaint’s summary at a time, and answers a complaint without reading the list again', async ({ page, request }, testInfo) => {
  const patron = await newPatron(request);
  const named = `named-${unique()}`.slice(0, 40);
  const anonymous = `office-${unique()}`.slice(0, 40);
  const post = await staffApi(request, 'circulation');
  await post('POST', '/complaints', { libraryId: fixture().libraryId, cardNumber: patron.cardNumber, channel: 'letter', topic: named, summary: 'Asked who looked at my record' });
  await post('POST', '/complaints', { libraryId: fixture().libraryId, channel: 'letter', topic: anonymous });
  await staffLogin(page, 'director');
  let listReads = 0;
  page.on('request', (r) => {
    if (r.method() === 'GET' && /\/api\/v1\/libraries\/[^/]+\/complaints/.test(r.url())) listReads++;
  });
  const listed = page.waitForResponse((r) => isGet(r, /\/api\/v1\/libraries\/[^/]+\/complaints$/));
  await page.goto('office/complaints');
  // The list opens no summary: it says there is one.
  const list = (await (await listed).json()) as { topic: string; summary: string | null; hasSummary: boolean }[];
  expect(list.find((c) => c.topic === named)).toMatchObject({ summary: null, hasSummary: true });
  const namedCard = page.getByRole('region', { name: new RegExp(named) });
  await expect(namedCard).toContainText('a named patron');
  await expect(namedCard).not.toContainText('Asked who looked at my record');
  await checkPage(page, testInfo, 'office-complaints');
  const opened = page.waitForResponse((r) => isGet(r, /\/api\/v1\/complaints\/[0-9a-f-]{36}$/));
  await namedCard.getByRole('button', { name: 'Open summary' }).click();
  expect((await opened).status()).toBe(200);
  await expect(namedCard).toContainText('Asked who looked at my record');

  const card = page.getByRole('region', { name: new RegExp(anonymous) });
  await expect(card).toContainText('anonymous');
  const reads = listReads;
  await card.getByRole('button', { name: 'Record the answer' }).click();
  await expect(page.getByRole('status')).toContainText('is recorded');
  await expect(page.getByRole('region', { name: new RegExp(anonymous) })).toHaveCount(0);
  // The card left from the answer itself: the list (and every patron in it) was not read again.
  expect(listReads).toBe(reads);
  await expect(namedCard).toContainText('Asked who looked at my record');
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
  for (const hidden of ['Legal requests', 'Record a legal request', 'Legal holds', 'Complaints']) await expect(nav.getByRole('link', { name: hidden })).toHaveCount(0);
  await page.goto('office/legal-requests');
  await expect(page.getByRole('alert')).toContainText('Your role does not include the legal-request register');
  await checkPage(page, testInfo, 'office-admin-refused');
});

test('a clerk sees the office with only the page for recording a legal request, records one and refers it to the director', async ({ page, request }, testInfo) => {
  const patron = await newPatron(request);
  await staffLogin(page, 'circulation');
  await page.goto('office');
  const nav = officeNav(page);
  await expect(nav.getByRole('link')).toHaveText(['Overview', 'Record a legal request', 'Notices']);
  await checkPage(page, testInfo, 'office-clerk');

  await nav.getByRole('link', { name: 'Record a legal request' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Record a legal request' })).toBeVisible();
  // The register is the director's: the way back is to the office.
  await expect(page.getByRole('link', { name: 'Back to the register' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Back to the office' })).toBeVisible();
  await page.getByLabel('Instrument presented').selectOption('subpoena');
  await page.getByLabel('Agency').fill('District Attorney');
  await page.getByLabel('Officer’s name').fill('Investigator Example');
  await page.getByLabel('Officer’s badge or id').fill('DA-9');
  await page.getByLabel('Current loans').check();
  await checkPage(page, testInfo, 'office-clerk-legal-request-new');
  await page.getByLabel('Card numbers of the patrons named').fill(patron.cardNumber);
  const recorded = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/legal-requests');
  await page.getByRole('button', { name: 'Record the request' }).click();
  const receipt = (await (await recorded).json()) as { id: string; status: string };
  expect(receipt.status).toBe('received');

  // The receipt, not the request: the clerk does not read the register.
  await expect(page.getByRole('heading', { level: 1, name: 'Legal request recorded' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Receipt' })).toBeFocused();
  await expect(page.getByRole('status')).toContainText('is in the register');
  const shown = page.getByRole('region', { name: 'Receipt' });
  await expect(shown).toContainText('Subpoena');
  await expect(shown).toContainText(receipt.id);
  await expect(shown).not.toContainText(patron.cardNumber);
  await shown.getByRole('button', { name: 'Refer to the director' }).click();
  await expect(page.getByRole('status')).toContainText('referred to the director');
  await expect(shown).toContainText('Referred to the director');
  await expect(shown.getByRole('button', { name: 'Refer to the director' })).toHaveCount(0);

  // The director finds it referred.
  const director = await apiAs(request, 'director');
  const read = await director.get(`/legal-requests/${receipt.id}`);
  expect(read.status()).toBe(200);
  expect(((await read.json()) as { status: string }).status).toBe('referred');
  // And the register stays the director's.
  await page.goto('office/legal-requests');
  await expect(page.getByRole('alert')).toContainText('Your role does not include the legal-request register');
});

test('a volunteer sees no office and is told so when opening it', async ({ page }, testInfo) => {
  await staffLogin(page, 'volunteer');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Office' })).toHaveCount(0);
  await page.goto('office');
  await expect(page.getByRole('alert')).toContainText('Your role does not include');
  await expect(officeNav(page)).toHaveCount(0);
  await checkPage(page, testInfo, 'office-volunteer-refused');
});

test('the public policy page loads with no session and shows its history, newest first', async ({ page, request }, testInfo) => {
  const { libraryId } = fixture();
  await page.goto(`policy/${libraryId}`);
  await expect(page.getByRole('heading', { level: 1, name: /^Privacy policy of / })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Log out' })).toHaveCount(0);
  for (const section of ['What we keep, why and for how long', 'Who can see it', 'When your records could be disclosed, and on what basis', 'Your rights', 'What changed and when'])
    await expect(page.getByRole('heading', { level: 2, name: section })).toBeVisible();
  await expect(page.getByRole('region', { name: 'What changed and when' })).toContainText(/Version \d+/);
  // The version in force comes first.
  await expect(page.locator('ol.policy-history > li').first()).toContainText('In force');
  const printable = page.getByRole('link', { name: /one page to print or save/ });
  const href = await printable.getAttribute('href');
  expect(href).toBe(`/libraries/${libraryId}/privacy-policy`);
  expect((await request.get(`${BASE_URL()}${href}`)).status()).toBe(200);
  await checkPage(page, testInfo, 'policy');

  await page.goto('policy/no-such-library');
  await expect(page.getByRole('heading', { level: 1, name: 'No library has that code' })).toBeVisible();
  await checkPage(page, testInfo, 'policy-missing');
});
