import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carrel, cliWorkspace, COMPILED, document, type Run } from './cli-helpers.js';
import { ENGINES, type TestDatabase } from './engines.js';

/**
 * The CLI in the operator's language (issue 20), end to end on SQLite and PostgreSQL (the compiled dist/:
 * `npm run build` first). With CARREL_LANG=es (or a Spanish locale) the human output, the help and the
 * refusal lines are Spanish, the refusal keeping its code; `--json` is a contract for scripts and is the
 * same document in every language.
 */

/** Each command is a fresh node process: several of them need more than the default 30 s on a busy machine. */
const CLI_TIMEOUT = 180_000;

describe.each(ENGINES)('carrel in Spanish on %s', (engine) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let target: string;
  let pg: TestDatabase | undefined;
  let card: string;
  const run = (language: Record<string, string>, ...args: string[]): Promise<Run> => carrel(['--db', target, ...args], { env: { ...env, ...language }, cwd: dir });
  const english = (...args: string[]) => run({ CARREL_LANG: 'en' }, ...args);
  const spanish = (...args: string[]) => run({ CARREL_LANG: 'es' }, ...args);
  const succeeded = (result: Run, what: string): Run => {
    expect(result.code, `${what}: ${result.stdout}${result.stderr}`).toBe(0);
    return result;
  };

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
    ({ dir, env, target, pg } = await cliWorkspace(engine, 'language'));
    succeeded(await english('--json', 'init'), 'init');
    succeeded(await english('--json', 'library', 'add', '--id', 'valle', '--name', 'Biblioteca del Valle'), 'library add');
    card = document<{ cardNumber: string }>(succeeded(await english('--json', 'patron', 'add', '--library', 'valle', '--name', 'Rosa Lenguamarker', '--birth-date', '1980-03-04'), 'patron add')).cardNumber;
    succeeded(await english('--json', 'item', 'add', '--library', 'valle', '--barcode', 'SOLEDAD-1', '--title', 'Cien años de soledad'), 'item add');
  }, CLI_TIMEOUT);

  afterAll(async () => {
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'prints its confirmations, tables and help in Spanish',
    async () => {
      // Given a Spanish-speaking operator, when they lend, renew too early and take the item back
      const lent = succeeded(await spanish('checkout', '--card', card, '--item', 'SOLEDAD-1'), 'checkout');
      expect(lent.stdout).toMatch(/^Prestado SOLEDAD-1 \(Cien años de soledad\); vence el \d{4}-\d{2}-\d{2}/);
      const early = await spanish('renew', '--item', 'SOLEDAD-1', '--library', 'valle');
      const returned = succeeded(await spanish('checkin', '--item', 'SOLEDAD-1', '--library', 'valle'), 'checkin');
      const settings = succeeded(await spanish('library', 'settings', '--library', 'valle'), 'library settings');
      const help = succeeded(await spanish('--help'), '--help');

      // Then the refusal keeps its code for scripts and support, and says the rest in Spanish
      expect(early.code).toBe(1);
      expect(early.stderr).toMatch(/^carrel: RENEWAL_NOT_DUE: Renovar ahora no cambiaría la fecha de vencimiento\./m);
      // and the confirmations, the settings and the help are Spanish
      expect(returned.stdout).toContain('Devuelto SOLEDAD-1 (Cien años de soledad).');
      expect(returned.stdout).toContain('Devuélvalo a los estantes.');
      expect(settings.stdout).toContain('días para recoger una reserva');
      expect(settings.stdout).toContain('validez del carné:');
      expect(help.stdout).toMatch(/^Uso: carrel/);
      expect(help.stdout).toContain('Comandos:');
      expect(help.stdout).toContain('presta un ejemplar a un usuario');
      expect(help.stdout).toContain('muestra la ayuda del comando');
    },
    CLI_TIMEOUT,
  );

  it(
    'follows the locale when CARREL_LANG is not set, and speaks English when it has no catalogue for the language',
    async () => {
      const byLocale = await run({ CARREL_LANG: '', LANG: 'es_US.UTF-8', LC_ALL: '', LC_MESSAGES: '' }, 'checkout', '--card', card, '--item', 'NO-SUCH-ITEM');
      expect(byLocale.stderr).toMatch(/^carrel: ITEM_NOT_FOUND: Ningún ejemplar tiene ese código de barras\./m);
      const unknown = await run({ CARREL_LANG: 'fr' }, 'checkout', '--card', card, '--item', 'NO-SUCH-ITEM');
      // In English the server's own message, which names what was not found.
      const inEnglish = await english('checkout', '--card', card, '--item', 'NO-SUCH-ITEM');
      expect(unknown.stderr).toBe(inEnglish.stderr);
      expect(inEnglish.stderr).toMatch(/^carrel: ITEM_NOT_FOUND: /);
      expect(inEnglish.stderr).not.toContain('Ningún');
    },
    CLI_TIMEOUT,
  );

  it(
    'prints the same --json documents in every language, refusals included',
    async () => {
      const settings = await Promise.all([english('--json', 'library', 'settings', '--library', 'valle'), spanish('--json', 'library', 'settings', '--library', 'valle')]);
      expect(settings[1].stdout).toBe(settings[0].stdout);
      expect(document(settings[1])).toMatchObject({ libraryId: 'valle', holdPickupDays: 7 });

      const refused = await Promise.all([english('--json', 'checkout', '--card', card, '--item', 'NO-SUCH-ITEM'), spanish('--json', 'checkout', '--card', card, '--item', 'NO-SUCH-ITEM')]);
      expect(refused.map((r) => r.code)).toEqual([1, 1]);
      expect(refused[1].stdout).toBe(refused[0].stdout);
      expect(document<{ error: { code: string } }>(refused[1]).error.code).toBe('ITEM_NOT_FOUND');
    },
    CLI_TIMEOUT,
  );
});
