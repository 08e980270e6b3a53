import { execFile } from 'node:child_process';
import { startSmtpSink } from '../test/smtp-sink';
import { BASE_URL, checkPage, expect, fixture, patronLogin, staffApi, test } from './fixtures';

/**
 * A forgotten PIN, reset by email, through the real server, a real SMTP server and Chromium (issue 18):
 * the patron follows "Forgot your PIN?" from the log-in page, gives their card number and is told what
 * happens whatever the card; the scheduler's `notices-send` job (run with `carrel jobs run`) emails the link
 * to a local SMTP server; the link's page sets a new PIN, which logs in. The patron is the spec's own.
 */

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

/** `carrel jobs run notices-send` (the scheduler's job) on the database the browser's server serves, mailing through `smtpUrl`. */
function sendNotices(smtpUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const database = process.env.CARREL_E2E_DATABASE;
  const keyFile = process.env.CARREL_E2E_KEY_FILE;
  if (!database || !keyFile) throw new Error('CARREL_E2E_DATABASE / CARREL_E2E_KEY_FILE are not set: run with `npm run test:browser`.');
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['bin/carrel.js', '--db', database, '--json', 'jobs', 'run', 'notices-send', '--force'],
      {
        env: { PATH: process.env.PATH, CARREL_KEY_FILE: keyFile, CARREL_LOG_LEVEL: 'warn', CARREL_SMTP_URL: smtpUrl, CARREL_SMTP_FROM: 'carrel@library.test', CARREL_PUBLIC_URL: BASE_URL() },
        timeout: 60_000,
      },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('a patron who forgot their PIN sets a new one with the link emailed to them', async ({ page, request }, testInfo) => {
  const api = await staffApi(request, 'librarian');
  const address = `pin.reset.${unique()}@example.org`;
  const patron = await api<{ cardNumber: string; pin: string }>('POST', '/patrons', { libraryId: fixture().libraryId, name: `Portal Test ${unique()}`, birthDate: '1981-02-11', email: address });
  const smtp = await startSmtpSink();
  try {
    // Given the log-in page, the patron follows "Forgot your PIN?"
    await page.goto('me/login');
    await page.getByRole('link', { name: 'Forgot your PIN?' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Forgot your PIN?' })).toBeVisible();
    await checkPage(page, testInfo, 'forgot-pin');
    await page.getByLabel('Library card number').fill(patron.cardNumber);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await expect(page.getByText('If your card has an email address, we have sent a link to reset your PIN; it works for 30 minutes. Otherwise, ask at the desk.')).toBeVisible();

    // When the notices are sent, the link arrives at the patron's address
    const sent = await sendNotices(smtp.url);
    expect(sent.code, sent.stderr).toBe(0);
    // Other specs' notices may go out in the same sending: the patron's own is the one to their address.
    const message = (await smtp.waitFor(1)).find((m) => m.to.includes(address));
    expect(message?.to).toEqual([address]);
    const link = /(http:\/\/\S+\/app\/pin-reset#\S+)/.exec(message?.text ?? '')?.[1];
    expect(link).toBeDefined();

    // Then the link's page sets a new PIN, and the patron logs in with it
    await page.goto(link as string);
    await expect(page.getByRole('heading', { level: 1, name: 'Choose a new PIN' })).toBeVisible();
    await checkPage(page, testInfo, 'pin-reset');
    await page.getByLabel('New PIN', { exact: true }).fill('97531864');
    await page.getByLabel('Repeat the new PIN').fill('97531864');
    await page.getByRole('button', { name: 'Set my PIN' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Your PIN is changed' })).toBeVisible();
    await patronLogin(page, patron.cardNumber, '97531864');

    // And the same link again is refused
    await page.goto(link as string);
    await page.getByLabel('New PIN', { exact: true }).fill('13572468');
    await page.getByLabel('Repeat the new PIN').fill('13572468');
    await page.getByRole('button', { name: 'Set my PIN' }).click();
    await expect(page.getByRole('alert')).toContainText('This PIN reset link no longer works.');
    await expect(page.getByRole('alert')).not.toContainText('PIN_RESET_TOKEN_INVALID');
  } finally {
    await smtp.close();
  }
});

test('the request page answers the same for a card that does not exist, and the reset page asks for the whole link', async ({ page }) => {
  await page.goto('forgot-pin');
  await page.getByLabel('Library card number').fill('29999000000002');
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page.getByText('If your card has an email address, we have sent a link to reset your PIN; it works for 30 minutes. Otherwise, ask at the desk.')).toBeVisible();
  await page.goto('pin-reset');
  await expect(page.getByText(/needs the whole link from the email/)).toBeVisible();
});
