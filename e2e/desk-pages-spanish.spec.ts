import { readFileSync } from 'node:fs';
import { request as playwrightRequest, type Page } from '@playwright/test';
import { BASE_URL, checkPage, expect, fixture, staffApi, test, type StaffCall } from './fixtures';

/**
 * The desk's other pages (catalogue, staff lists, services, registration, complaint, the patron's record
 * actions) as a branch manager whose browser reads Spanish, on a 390 px wide phone: each page is in
 * Spanish (`lang="es"`, its key words, none of its English sentences left) and none is wider than the
 * phone, the registration receipt's card number included.
 */

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`.toUpperCase();
const author = `Vallejo${run.toLowerCase()}`;
const title = `Cuentos del Río ${run}`;
const copy = `ES-${run}-C`;
const PHONE = { width: 390, height: 844 };

/** The English sentences of these pages whose Spanish differs: none of them may be left on a Spanish page. */
const english = JSON.parse(readFileSync(new URL('../locales/en/deskpages.json', import.meta.url), 'utf8')) as Record<string, string>;
const spanish = JSON.parse(readFileSync(new URL('../locales/es/deskpages.json', import.meta.url), 'utf8')) as Record<string, string>;
// Whole messages of more than one word, without arguments or tags: a single word could be the library's own data (an item type "Book").
const ENGLISH_ONLY = Object.entries(english)
  .filter(([key, text]) => spanish[key] !== text && /\s/.test(text) && !/[{<]/.test(text))
  .map(([, text]) => text);

async function librarianApi(): Promise<{ call: StaffCall; dispose(): Promise<void> }> {
  const context = await playwrightRequest.newContext();
  return { call: await staffApi(context, 'librarian'), dispose: () => context.dispose() };
}

test.beforeAll(async () => {
  const librarian = await librarianApi();
  await librarian.call('POST', `/libraries/${fixture().libraryId}/records`, {
    title,
    authors: [`${author}, Inés`],
    year: 1998,
    language: 'spa',
    copies: [{ barcode: copy, branch: 'central', callNumber: 'SP FIC VAL' }],
  });
  await librarian.dispose();
});

/** The page is in Spanish, shows no English sentence of these pages, and fits the phone's width. */
async function inSpanishOnAPhone(page: Page, what: string): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.locator('.loading, .live-pending')).toHaveCount(0);
  const texts = await page.locator('main').evaluate((main) => {
    const found: string[] = [];
    // The desk's own navigation is another page's words (its links share some of these pages' titles).
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, { acceptNode: (node) => (node.parentElement?.closest('nav') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT) });
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      if (text) found.push(text);
    }
    // Labels and names a screen reader reads count as text too.
    for (const el of main.querySelectorAll('[aria-label], [placeholder], [title]')) {
      if (el.closest('nav')) continue;
      for (const name of ['aria-label', 'placeholder', 'title']) {
        const value = el.getAttribute(name)?.trim();
        if (value) found.push(value);
      }
    }
    return found;
  });
  expect(
    texts.filter((text) => ENGLISH_ONLY.includes(text)),
    `English left on ${what}`,
  ).toEqual([]);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${what} is wider than a 390 px phone`).toBeLessThanOrEqual(PHONE.width);
}

test('the desk’s other pages in Spanish on a 390 px phone', async ({ browser }, testInfo) => {
  const context = await browser.newContext({ baseURL: `${BASE_URL()}/app/`, locale: 'es-ES', viewport: PHONE });
  // Logged in through the API on the context's own cookie jar: the log-in page's words are not this test's.
  await staffApi(context.request, 'branch-manager');
  const page = await context.newPage();

  // The catalogue: a search, its facets by name (the language too), the title with its copy at a branch by name
  await page.goto('desk/catalogue');
  await expect(page.getByRole('heading', { level: 1, name: 'Catálogo' })).toBeVisible();
  await page.getByLabel('Buscar en').selectOption({ label: 'Autor' });
  await page.getByLabel('Qué busca').fill(author);
  await page.getByRole('button', { name: 'Buscar', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Se encontró un título' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'español (1)' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: title })).toContainText('Central Library: 1 de 1 en el estante');
  await inSpanishOnAPhone(page, 'the catalogue’s results');
  await page.getByRole('button', { name: title }).click();
  await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: copy });
  await expect(row).toContainText('Central Library');
  await expect(row).toContainText('En el estante');
  await expect(page.getByRole('button', { name: `Marcar ${copy} como dañado` })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Hacer una reserva de este título' })).toBeVisible();
  await inSpanishOnAPhone(page, 'a title’s page');
  await checkPage(page, testInfo, 'desk-catalogue-record-es-phone');

  // The staff lists
  await page.goto('desk/lists/overdue');
  await expect(page.getByRole('heading', { level: 1, name: 'Ejemplares vencidos' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Listas' }).getByRole('link', { name: 'Reservas por retirar' })).toBeVisible();
  await expect(page.getByRole('table').getByRole('columnheader')).toHaveText(['Código de barras del ejemplar', 'Título', 'Sucursal', 'Vence', 'Días de retraso']);
  await inSpanishOnAPhone(page, 'the overdue list');
  await page.goto('desk/lists/pull');
  await expect(page.getByRole('heading', { level: 1, name: 'Reservas por retirar del estante' })).toBeVisible();
  await inSpanishOnAPhone(page, 'the holds to pull');

  // Services, with no card scanned
  await page.goto('desk/services');
  await expect(page.getByRole('heading', { level: 1, name: 'Servicios' })).toBeVisible();
  await expect(page.getByText('No se ha escaneado ningún carné.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Registrado en esta visita (0)' })).toBeVisible();
  await inSpanishOnAPhone(page, 'services');

  // A complaint
  await page.goto('desk/complaint');
  await expect(page.getByRole('heading', { level: 1, name: 'Registrar una queja' })).toBeVisible();
  await page.getByLabel('Cómo se recibió').selectOption('phone');
  await page.getByLabel('Código del tema').fill('opening-hours');
  await page.getByRole('button', { name: 'Registrar la queja' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Queja registrada: la dirección la responderá a más tardar el' })).toBeVisible();
  await expect(page.locator('.card.receipt')).toContainText('Anónima');
  await inSpanishOnAPhone(page, 'the complaint’s receipt');

  // Registration: the receipt with the card number and PIN fits the phone, the category by its name
  await page.goto('desk/register');
  await expect(page.getByRole('heading', { level: 1, name: 'Inscribir a un usuario' })).toBeVisible();
  const name = `Rosa Quintana${run.toLowerCase()}`;
  await page.getByLabel('Nombre completo (obligatorio)').fill(name);
  await page.getByLabel('Fecha de nacimiento (obligatoria)').fill('1975-04-23');
  await inSpanishOnAPhone(page, 'the registration form');
  await page.getByRole('button', { name: 'Inscribir al usuario' }).click();
  const receipt = page.locator('.receipt');
  await expect(receipt.getByRole('heading', { name: 'Usuario inscrito' })).toBeFocused();
  await expect(receipt.locator('dt:text-is("Número de carné") + dd')).toHaveText(/^\d{14}$/);
  await expect(receipt.locator('dt:text-is("Nombre") + dd')).toHaveText(name);
  await expect(receipt.locator('dt:text-is("Categoría") + dd')).not.toHaveText('adult');
  await inSpanishOnAPhone(page, 'the registration receipt');
  const card = receipt.locator('dt:text-is("Número de carné") + dd');
  const cardBox = await card.boundingBox();
  expect(cardBox && cardBox.x + cardBox.width, 'the card number inside the phone’s width').toBeLessThanOrEqual(PHONE.width);
  await checkPage(page, testInfo, 'desk-register-receipt-es-phone');

  // The new patron at the desk: their standing, reading history and record, in Spanish
  await receipt.getByRole('button', { name: 'Listo: ocultar el número de carné y el PIN' }).click();
  await receipt.getByRole('button', { name: 'Abrir a este usuario en el mostrador' }).click();
  await expect(page).toHaveURL(/\/app\/desk$/);
  await expect(page.getByRole('heading', { name: 'Situación de la cuenta' })).toBeVisible();
  await expect(page.getByText('Ahora:')).toContainText('Activo');
  await expect(page.getByRole('heading', { name: 'Historial de lectura' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Eliminar el expediente…' })).toBeVisible();
  await page.getByLabel('Cambiar la situación a').selectOption('blocked');
  await page.getByRole('button', { name: 'Cambiar la situación' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'La situación cambió a: bloqueado.' })).toBeVisible();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, 'the desk with the patron open is wider than a 390 px phone').toBeLessThanOrEqual(PHONE.width);

  await context.close();
});
