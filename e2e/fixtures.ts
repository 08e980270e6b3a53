import AxeBuilder from '@axe-core/playwright';
import { expect, test as base, type APIRequestContext, type BrowserContext, type Page, type Request, type TestInfo } from '@playwright/test';

/** What global-setup.ts started: the demo library's id, its staff accounts per role, a sample patron. */
export interface E2EFixture {
  libraryId: string;
  admin: { username: string; password: string } | null;
  /** Keyed by role: volunteer, circulation, librarian, branch-manager, director. */
  staff: Record<string, { username: string; password: string }>;
  sample: { cardNumber: string; pin: string; itemBarcode: string };
}

export function fixture(): E2EFixture {
  const text = process.env.CARREL_E2E;
  if (!text) throw new Error('CARREL_E2E is not set: run the browser tests with `npm run test:browser`.');
  return JSON.parse(text) as E2EFixture;
}

export const BASE_URL = () => process.env.CARREL_E2E_BASE_URL as string;

/** The requests in flight in each test's browser context, and when that last changed (`settle`). */
const traffic = new WeakMap<BrowserContext, { pending: Set<Request>; changedAt: number }>();

/** The page a request was made by (none for a service worker's). */
function pageOf(request: Request): Page | undefined {
  try {
    return request.frame().page();
  } catch {
    return undefined;
  }
}

/** How long nothing may have been in flight before a page counts as settled (Playwright's `networkidle` waits 500 ms). */
const QUIET_MS = 100;

export const test = base.extend<{ carrel: E2EFixture; cspViolations: string[]; network: void }>({
  baseURL: async ({}, use) => use(`${BASE_URL()}/app/`),
  carrel: async ({}, use) => use(fixture()),
  /**
   * Every test fails if any page of its browser context violated the page's policy (the app must need
   * nothing inline and nothing from elsewhere): the browser's `securitypolicyviolation` events, reported
   * through a binding that survives navigation, and any console message about the policy.
   */
  cspViolations: [
    async ({ context }, use) => {
      const violations: string[] = [];
      await context.exposeBinding('__carrelCspViolation', (_source, text: string) => {
        violations.push(text);
      });
      await context.addInitScript(() => {
        const report = (text: string) => (window as unknown as { __carrelCspViolation?: (text: string) => Promise<void> }).__carrelCspViolation?.(text);
        document.addEventListener(
          'securitypolicyviolation',
          (event) => void report(`${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} in ${event.sourceFile || event.documentURI}:${event.lineNumber}`),
          true,
        );
      });
      context.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await use(violations);
      expect(violations, 'Content Security Policy violations on this test’s pages').toEqual([]);
    },
    { auto: true },
  ],
  /** Every request of the test's browser context, from its start to its end or failure, for `settle`. */
  network: [
    async ({ context }, use) => {
      const seen = { pending: new Set<Request>(), changedAt: Date.now() };
      // Each request's place in the order they started, and per page the address of the document it last
      // asked for and has not yet committed to.
      let counter = 0;
      const order = new WeakMap<Request, number>();
      const documentAsked = new WeakMap<Page, string>();
      const started = (request: Request) => {
        order.set(request, ++counter);
        const page = pageOf(request);
        if (page !== undefined && request.isNavigationRequest() && request.frame() === page.mainFrame()) documentAsked.set(page, request.url());
        seen.pending.add(request);
        seen.changedAt = Date.now();
      };
      const ended = (request: Request) => {
        seen.pending.delete(request);
        seen.changedAt = Date.now();
      };
      // A document's fetches still in flight when the page moves to another document are never reported
      // as finished or failed, and the old document may start some after the new one was asked for: all
      // that started before the page commits to the new document (the main frame arrives at the address
      // asked for) is forgotten then; nothing of the new document starts before its commit. A navigation
      // inside the app (the history API), even while a document is being fetched, asks for no document
      // and keeps its requests. A closed page's requests are forgotten too.
      const forget = (page: Page, before: number) => {
        for (const request of seen.pending) if (pageOf(request) === page && !request.isNavigationRequest() && (order.get(request) ?? 0) <= before) seen.pending.delete(request);
        seen.changedAt = Date.now();
      };
      const watch = (page: Page) => {
        page.on('framenavigated', (frame) => {
          if (frame !== page.mainFrame() || documentAsked.get(page) !== frame.url().split('#')[0]) return;
          documentAsked.delete(page);
          forget(page, counter);
        });
        page.on('close', () => forget(page, Number.POSITIVE_INFINITY));
      };
      context.pages().forEach(watch);
      context.on('page', watch);
      context.on('request', started);
      context.on('requestfinished', ended);
      context.on('requestfailed', ended);
      traffic.set(context, seen);
      await use();
    },
    { auto: true },
  ],
});
export { expect };

/**
 * Waits until the app has drawn its page and nothing has been in flight for QUIET_MS: Playwright's
 * `networkidle` with a shorter silence, and one that also holds after the app's own navigations (a load
 * state is reached once per document, so `waitForLoadState('networkidle')` after a click inside the app
 * answers at once). A page of a context the test made itself falls back to `networkidle`.
 */
export async function settle(page: Page): Promise<void> {
  // The app's pages have drawn something; a page Carrel serves whole (a vendor's sign-in) has no root.
  if ((await page.locator('#root').count()) > 0) await expect(page.locator('#root > *').first()).toBeAttached();
  const seen = traffic.get(page.context());
  if (seen === undefined) return page.waitForLoadState('networkidle');
  const deadline = Date.now() + 30_000;
  while (seen.pending.size > 0 || Date.now() - seen.changedAt < QUIET_MS) {
    if (Date.now() > deadline) throw new Error(`requests still in flight after 30 s: ${[...seen.pending].map((r) => `${r.method()} ${new URL(r.url()).pathname}`).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** An API call that Carrel did not answer with a success: its status and stable error code are in the message. */
export class StaffApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One call to the API: `path` from /api/v1 on (`/items`); answers the body, undefined for a 204. */
export type StaffCall = <T = Record<string, unknown>>(method: string, path: string, data?: unknown) => Promise<T>;

/**
 * Logs a demo staff member of `role` in to the API on `request` (its cookie jar) and answers a caller that
 * sends the CSRF token. A refused log-in or call throws a StaffApiError naming the status and the code.
 */
export async function staffApi(request: APIRequestContext, role: string): Promise<StaffCall> {
  const api = `${BASE_URL()}/api/v1`;
  const account = fixture().staff[role];
  if (!account) throw new Error(`the demo has no ${role}`);
  const login = await request.post(`${api}/auth/login`, { data: account });
  if (!login.ok()) throw await failure(`log-in as ${role}`, login);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return async (method, path, data) => {
    const response = await request.fetch(`${api}${path}`, { method, headers: { 'x-csrf-token': csrfToken }, ...(data !== undefined ? { data } : {}) });
    if (!response.ok()) throw await failure(`${method} ${path}`, response);
    return (response.status() === 204 ? undefined : await response.json()) as never;
  };
}

async function failure(what: string, response: { status(): number; text(): Promise<string> }): Promise<StaffApiError> {
  const text = await response.text();
  let code = `HTTP_${response.status()}`;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? code;
  } catch {
    // not JSON: the status stands for the code
  }
  return new StaffApiError(response.status(), code, `${what}: ${response.status()} ${code}: ${text}`);
}

/** Logs a demo staff member of `role` in through the log-in page; ends on their starting page. */
export async function staffLogin(page: Page, role: string): Promise<void> {
  const account = fixture().staff[role];
  if (!account) throw new Error(`the demo has no ${role}`);
  await page.goto('staff/login');
  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/staff\/login/);
}

/** Logs a patron in through the portal's log-in page with card and PIN. */
export async function patronLogin(page: Page, cardNumber: string, pin: string): Promise<void> {
  await page.goto('me/login');
  await page.getByLabel('Library card number').fill(cardNumber);
  await page.getByLabel('PIN').fill(pin);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/app\/me/);
  await expect(page).not.toHaveURL(/me\/login/);
}

/**
 * Waits until the page has loaded what it shows, then checks it with axe-core (WCAG 2 A/AA rules): no
 * serious or critical violation. Saves a full-page screenshot named `name` under test-results/ as an artifact of the run.
 */
export async function checkPage(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await settle(page);
  // Nothing still loading, and every message in its place (a live region fills just after it appears).
  await expect(page.locator('.loading, .live-pending')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(summary, `accessibility violations on ${name}`).toEqual([]);
}
