import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, patronLogin, settle, staffLogin, test } from './fixtures';

/**
 * Every page of the web app in each language it has a catalogue for (issue 20), on a 390 px phone:
 *  - `<html lang>` is the page's language;
 *  - no key is missing (a missing message would show its key, and FormatJS says so on the console);
 *  - on a Spanish page no text is left in English: no text node, label or accessible name equals an
 *    English message that Spanish words differently (identifiers shown as code are in no language);
 *  - axe-core finds no serious or critical problem;
 *  - nothing is wider than the phone (the page scrolls down, never sideways).
 * Staff and patrons log in in English and switch with the header's Language switch, as a person would;
 * the choice is kept on the browser (staff) or with the patron's settings (patron).
 */

const LOCALES = fileURLToPath(new URL('../locales/', import.meta.url));
const catalogue = (language: string): Record<string, string> =>
  Object.assign({}, ...readdirSync(join(LOCALES, language)).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(LOCALES, language, f), 'utf8')) as Record<string, string>));
const english = catalogue('en');
const spanish = catalogue('es');
const namespaces = [...new Set(Object.keys(english).map((k) => k.split('.')[0]))];

/** English messages without arguments that Spanish says differently: none may be on a Spanish page. */
const englishOnly = new Set(
  Object.entries(english)
    .filter(([key, text]) => !/[{<]/.test(text) && spanish[key] !== text && text.trim().length > 1)
    .map(([, text]) => text.trim())
    .filter((text) => !Object.values(spanish).some((s) => s.trim() === text)),
);

const PHONE = { width: 390, height: 844 };

/** The texts a person meets on the page: text nodes and the labels of controls, outside another language's marks. */
async function textsOf(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const texts: string[] = [];
    const foreign = (el: Element | null) => !!el?.closest('[lang]:not(html)') && el?.closest('[lang]:not(html)')?.getAttribute('lang') !== document.documentElement.lang;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      // Identifiers (table and field names shown as code) are in no language.
      if (!parent || parent.closest('script, style, [hidden], code, [translate="no"]') || foreign(parent)) continue;
      const text = node.textContent?.trim();
      if (text) texts.push(text);
    }
    for (const el of Array.from(document.querySelectorAll('[aria-label], [placeholder], [title], [alt]'))) {
      if (foreign(el)) continue;
      for (const name of ['aria-label', 'placeholder', 'title', 'alt']) {
        const value = el.getAttribute(name)?.trim();
        if (value) texts.push(value);
      }
    }
    return texts;
  });
}

/** Checks the page as it stands, in `language`. */
async function checkLanguage(page: Page, language: string, name: string, consoleMissing: string[]): Promise<void> {
  await settle(page);
  await expect(page.locator('.loading, .live-pending')).toHaveCount(0);
  await expect(page.locator('html'), `${name}: <html lang>`).toHaveAttribute('lang', language);
  const texts = await textsOf(page);
  const keys = texts.filter((t) => /^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9_-]+)+$/.test(t) && namespaces.includes(t.split('.')[0] as string));
  expect(keys, `${name}: messages missing from the ${language} catalogue`).toEqual([]);
  expect(consoleMissing, `${name}: FormatJS reported missing messages`).toEqual([]);
  if (language !== 'en') {
    const left = [...new Set(texts.filter((t) => englishOnly.has(t)))];
    expect(left, `${name}: English left on a ${language} page`).toEqual([]);
  }
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${name}: wider than a ${PHONE.width} px phone`).toBeLessThanOrEqual(PHONE.width);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`),
    `${name}: accessibility problems`,
  ).toEqual([]);
}

/** Picks a language with the header's switch. */
async function switchTo(page: Page, language: string): Promise<void> {
  const label = { en: 'Language', es: 'Idioma' } as Record<string, string>;
  const current = (await page.locator('html').getAttribute('lang')) ?? 'en';
  await page.getByLabel(label[current] ?? 'Language', { exact: true }).selectOption(language);
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}

/** Visits each path and checks it in each language (switching once per language). */
async function walk(page: Page, paths: readonly string[], area: string, consoleMissing: string[]): Promise<void> {
  for (const language of ['en', 'es']) {
    await switchTo(page, language);
    for (const path of paths) {
      await page.goto(path);
      await checkLanguage(page, language, `${area} ${path} (${language})`, consoleMissing);
    }
  }
}

test.use({ viewport: PHONE });

function watchMissing(page: Page): string[] {
  const missing: string[] = [];
  page.on('console', (message) => {
    if (/Missing message|MISSING_TRANSLATION/i.test(message.text())) missing.push(message.text());
  });
  return missing;
}

test('the public pages, in English and Spanish', async ({ page, carrel }) => {
  const missing = watchMissing(page);
  await page.goto('');
  await walk(page, ['', 'staff/login', 'me/login', 'forgot-pin', `policy/${carrel.libraryId}`], 'public', missing);
});

test('the desk, in English and Spanish, with a patron open', async ({ page, carrel }) => {
  test.setTimeout(360_000);
  const missing = watchMissing(page);
  await staffLogin(page, 'director');
  await walk(page, ['desk/find', 'desk/register', 'desk/hold-shelf', 'desk/catalogue', 'desk/services', 'desk/complaint', 'desk/lists'], 'desk', missing);
  // A patron open at the desk, switched to Spanish while open: the panel follows without a reload.
  await switchTo(page, 'en');
  await page.goto('desk');
  await page.getByLabel(/^Scan /).fill(carrel.sample.cardNumber);
  await page.keyboard.press('Enter');
  await expect(page.locator('section.patron')).toBeVisible();
  await checkLanguage(page, 'en', 'desk with a patron (en)', missing);
  await switchTo(page, 'es');
  await checkLanguage(page, 'es', 'desk with a patron (es)', missing);
});

test('the office, in English and Spanish', async ({ page }) => {
  test.setTimeout(480_000);
  const missing = watchMissing(page);
  await staffLogin(page, 'director');
  await walk(
    page,
    [
      'office',
      'office/legal-requests',
      'office/legal-requests/new',
      'office/legal-holds',
      'office/retention',
      'office/audit-report',
      'office/transparency',
      'office/statistics',
      'office/complaints',
      'office/patron-records',
      'office/record-series',
      'office/catalogue',
      'office/staff',
      'office/library-setup',
      'office/sip2-accounts',
      'office/vendors',
      'office/notices',
      'office/breaches',
    ],
    'office',
    missing,
  );
});

test('the patron portal, in English and Spanish', async ({ page, carrel }) => {
  test.setTimeout(360_000);
  const missing = watchMissing(page);
  await patronLogin(page, carrel.sample.cardNumber, carrel.sample.pin);
  await walk(page, ['me', 'me/loans', 'me/holds', 'me/search', 'me/data', 'me/privacy', 'me/who-looked', 'me/services', 'me/pin', 'me/dependents'], 'portal', missing);
  // The patron's choice is kept with their settings: a new visit starts in it.
  await switchTo(page, 'es');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await switchTo(page, 'en');
});
