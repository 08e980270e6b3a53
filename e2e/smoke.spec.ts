import { checkPage, expect, staffLogin, test } from './fixtures';

test('the home page loads under the strict policy, with no request leaving the origin', async ({ page }, testInfo) => {
  // A violation of the policy fails this test as any other (the `test` fixture listens for them).
  const foreign: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(process.env.CARREL_E2E_BASE_URL as string) && !request.url().startsWith('data:')) foreign.push(request.url());
  });
  const response = await page.goto('./');
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Carrel' })).toBeVisible();
  await checkPage(page, testInfo, 'home');
  expect(foreign).toEqual([]);
});

test('a staff log-in lands on the desk and the session survives a reload', async ({ page }, testInfo) => {
  await staffLogin(page, 'circulation');
  await expect(page).toHaveURL(/\/app\/desk/);
  await page.reload();
  await expect(page).toHaveURL(/\/app\/desk/);
  await checkPage(page, testInfo, 'staff-login-done');
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/staff\/login/);
});
