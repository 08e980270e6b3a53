import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { BASE_URL, checkPage, expect, fixture, test } from './fixtures';

/**
 * The public privacy-policy page of a library under each shipped profile (issue 20, CB-A9): it cites only
 * the clauses of the library's own policy, says nothing about how Carrel stores things or why its
 * authors chose a rule, fits a 390 px phone, and is said in Spanish to a Spanish browser.
 */

const PROFILES = ['strict-default', 'rio-rancho-nm', 'carlsbad-nm', 'jackson-county-or', 'ridgefield-ct', 'imagineif-mt'] as const;
const PHONE = { width: 390, height: 844 };

/** Storage and design words that belong in the audit report and the profiles, never on a patron's page. */
const INTERNAL_WORDS = [/argon2/i, /\bhash/i, /data key/i, /shredd/i, /\bHMAC/, /\bKEK\b/, /\bUUID/i, /policy is silent/i, /the policy sets no/i, /not stated/i, /sealed/i, /\bvault\b/i, /verify-log/, /is the shortest/i];

/** The policies a profile is written from: the prefixes of the clauses its own rules cite (RR for Rio Rancho). */
function ownPrefixes(profileId: string): string[] {
  const text = readFileSync(join(process.cwd(), 'profiles', `${profileId}.yaml`), 'utf8');
  return [...new Set([...text.matchAll(/clause: ([A-Z]+)-/g)].map((m) => m[1]!))].sort();
}

/** The library of each profile, made once per run by the installation's administrator (a 409 means it is there). */
async function libraryFor(request: APIRequestContext, profileId: string): Promise<string> {
  if (profileId === 'strict-default') return fixture().libraryId; // the demo library
  const id = `policy-${profileId}`;
  const admin = fixture().admin;
  if (!admin) throw new Error('no administrator account in this run');
  const api = `${BASE_URL()}/api/v1`;
  const login = await request.post(`${api}/auth/login`, { data: admin });
  expect(login.ok(), 'the administrator logs in').toBe(true);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const made = await request.post(`${api}/libraries`, {
    headers: { 'x-csrf-token': csrfToken },
    data: { id, name: `Policy Test Library (${profileId})`, profileId, timeZone: 'America/Denver', branches: [{ code: 'main', name: 'Main' }] },
  });
  expect([201, 409], `adding the ${profileId} library`).toContain(made.status());
  return id;
}

/** The clause codes the page shows, and its text. */
async function readPolicy(page: Page): Promise<{ text: string; prefixes: string[] }> {
  const text = await page.locator('main').innerText();
  const prefixes = [...new Set([...text.matchAll(/\b([A-Z]{2})-[0-9A-Za-z]+\b/g)].map((m) => m[1]!))].sort();
  return { text, prefixes };
}

/** The page is no wider than the phone: nothing to scroll sideways. */
async function expectFitsPhone(page: Page): Promise<void> {
  const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
  expect(width, 'the page’s width on a 390 px phone').toBeLessThanOrEqual(PHONE.width);
}

test.describe('the public privacy policy of each shipped profile', () => {
  test.skip(!fixture().admin, 'no administrator account in this run');
  test.use({ viewport: PHONE });

  for (const profileId of PROFILES) {
    test(`${profileId}: cites only its own clauses, says no internal words, fits a phone, in English and in Spanish`, async ({ page, browser, request }, testInfo) => {
      const libraryId = await libraryFor(request, profileId);
      const own = ownPrefixes(profileId);
      // The five libraries' own policies each have one prefix; the strict default gathers four of them.
      if (profileId !== 'strict-default') expect(own).toHaveLength(1);

      // In English (Playwright's Chromium runs in en-US)
      await page.goto(`policy/${libraryId}`);
      await expect(page.getByRole('heading', { level: 1, name: /^Privacy policy of / })).toBeVisible();
      await expect(page.locator('.loading')).toHaveCount(0);
      await expect(page.locator('html')).toHaveAttribute('lang', 'en');
      const english = await readPolicy(page);
      expect(english.prefixes, `${profileId}: the policies its English page cites`).toEqual(own);
      for (const word of INTERNAL_WORDS) expect(english.text, `${profileId}: the English page says ${word}`).not.toMatch(word);
      await expectFitsPhone(page);
      await checkPage(page, testInfo, `policy-${profileId}-en`);

      // In Spanish, for a browser that asks for Spanish
      const context = await browser.newContext({ locale: 'es-ES', viewport: PHONE, baseURL: `${BASE_URL()}/app/` });
      try {
        const spanish = await context.newPage();
        await spanish.goto(`policy/${libraryId}`);
        await expect(spanish.getByRole('heading', { level: 1, name: /^Política de privacidad de / })).toBeVisible();
        await expect(spanish.locator('.loading')).toHaveCount(0);
        await expect(spanish.locator('html')).toHaveAttribute('lang', 'es');
        for (const heading of ['Qué guardamos, por qué y durante cuánto tiempo', 'Quién puede verlo', 'Sus derechos', 'Qué cambió y cuándo'])
          await expect(spanish.getByRole('heading', { level: 2, name: heading })).toBeVisible();
        const read = await readPolicy(spanish);
        // The server's words are Spanish too, not only the page's headings
        expect(read.text).toContain('Esta página explica qué guarda');
        expect(read.text).toContain('Usted puede ver todo lo que la biblioteca guarda sobre usted');
        expect(read.text).not.toContain('What we keep');
        expect(read.text).not.toContain('You can see everything the library keeps about you');
        expect(read.prefixes, `${profileId}: the policies its Spanish page cites`).toEqual(own);
        for (const word of INTERNAL_WORDS) expect(read.text, `${profileId}: the Spanish page says ${word}`).not.toMatch(word);
        // The printable page is offered in Spanish as well
        await expect(spanish.getByRole('link', { name: /una sola página para imprimir o guardar/ })).toHaveAttribute('href', `/libraries/${libraryId}/privacy-policy?lang=es`);
        await expectFitsPhone(spanish);
        await checkPage(spanish, testInfo, `policy-${profileId}-es`);
      } finally {
        await context.close();
      }
    });
  }

  test('the switch in the header asks for the policy again in the language chosen', async ({ page }) => {
    const libraryId = await libraryFor(page.request, 'rio-rancho-nm');
    await page.goto(`policy/${libraryId}`);
    await expect(page.getByText(/^This page says what /)).toBeVisible();
    await page.getByLabel('Language').selectOption('es');
    await expect(page.getByRole('heading', { level: 1, name: /^Política de privacidad de / })).toBeVisible();
    await expect(page.getByText(/^Esta página explica qué guarda /)).toBeVisible();
    await expect(page.getByRole('columnheader', { name: 'Solicitud' })).toBeVisible();
    await expect(page.getByRole('rowheader', { name: 'Una citación judicial' })).toBeVisible();
    // And back to English, for the tests that follow in this browser
    await page.getByLabel('Idioma').selectOption('en');
    await expect(page.getByText(/^This page says what /)).toBeVisible();
  });
});
