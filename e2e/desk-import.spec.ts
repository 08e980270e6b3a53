import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as playwrightRequest, type Page } from '@playwright/test';
import { checkPage, expect, fixture, staffApi, staffLogin, test } from './fixtures';

/**
 * A library moved onto Carrel (issue 21): a minor the old system held without a guardian is imported
 * with `carrel import patrons` (on the database the browser's server serves) and flagged for the desk.
 * The clerk who scans the child's old card (of another shape than Carrel's) opens the child's account, is told, asks for the card of the adult who signs for the child, and
 * links it; the flag is gone.
 */

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`.toUpperCase();

function carrel(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const database = process.env.CARREL_E2E_DATABASE;
  const keyFile = process.env.CARREL_E2E_KEY_FILE;
  if (!database || !keyFile) throw new Error('CARREL_E2E_DATABASE / CARREL_E2E_KEY_FILE are not set: run with `npm run test:browser`.');
  return new Promise((done) => {
    execFile(process.execPath, ['bin/carrel.js', '--db', database, '--json', ...args], { env: { PATH: process.env.PATH, CARREL_KEY_FILE: keyFile, CARREL_LOG_LEVEL: 'warn' }, timeout: 60_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function scan(page: Page, value: string) {
  await page.getByLabel(/^Scan /).fill(value);
  await page.getByLabel(/^Scan /).press('Enter');
}

test('a minor imported without a guardian is flagged at the desk, and the clerk links the adult who signs for them', async ({ page }, testInfo) => {
  // Given a parent registered at the desk, and the child imported from the old system without a guardian
  const context = await playwrightRequest.newContext();
  const parent = await (await staffApi(context, 'librarian'))<{ cardNumber: string }>('POST', '/patrons', { libraryId: fixture().libraryId, name: `Parent Imp${run}`, birthDate: '1979-05-14' });
  await context.dispose();
  const dir = mkdtempSync(join(tmpdir(), 'carrel-e2e-import-'));
  const childCard = `OLD-${run}`.slice(0, 20);
  const childName = `Child Imp${run}`;
  try {
    const file = join(dir, 'patrons.csv');
    writeFileSync(file, `card,name,born,type\n${childCard},${childName},2017-09-03,J\n`);
    writeFileSync(`${file}.mapping.json`, JSON.stringify({ columns: { cardNumber: 'card', name: 'name', birthDate: 'born', category: 'type' }, categories: { J: 'juvenile' } }));
    const imported = await carrel(['import', 'patrons', file, '--format', 'csv', '--library', fixture().libraryId]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: 1, flagged: { guardianNeeded: 1 } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // When a clerk, serving the parent, scans the child's old card (not of Carrel's shape: not an item either)
  await staffLogin(page, 'circulation');
  await page.goto('desk');
  await scan(page, parent.cardNumber);
  await expect(page.getByRole('heading', { level: 2, name: `Parent Imp${run}` })).toBeVisible();
  await scan(page, childCard);
  await expect(page.getByRole('heading', { level: 2, name: childName })).toBeVisible();
  const flag = page.getByRole('region', { name: 'At a glance' }).getByRole('note', { name: 'Guardian needed' });
  await expect(flag).toContainText('came from the old system without a guardian');
  await checkPage(page, testInfo, 'desk-guardian-needed');

  // Then the clerk links the parent's card, and the flag is gone
  await flag.getByLabel('Guardian’s card number').fill(parent.cardNumber);
  await flag.getByRole('button', { name: 'Link guardian' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Guardian linked.' })).toBeVisible();
  await expect(page.getByRole('note', { name: 'Guardian needed' })).toHaveCount(0);
  await expect(page.getByText(`Parent Imp${run}`)).toBeVisible();
});
