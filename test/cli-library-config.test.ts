import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carrel, cleanEnv, COMPILED, document } from './cli-helpers.js';

/**
 * `carrel branch|calendar|category|item-type|loan-rule …` and `carrel library settings` end to end on
 * SQLite (the compiled dist/: `npm run build` first): a library set up from the command line, the rule
 * explained, bad input refused with exit 1 and its code.
 */

interface Refusal {
  error: { code: string; problems: { code: string; field?: string }[] };
}

describe('carrel library configuration on sqlite', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let target: string;
  const json = (...args: string[]) => carrel(['--db', target, '--json', ...args], { env, cwd: dir });
  const ok = async <T = Record<string, unknown>>(...args: string[]): Promise<T> => {
    const run = await json(...args);
    expect(run.code, `${args.join(' ')}\n${run.stdout}${run.stderr}`).toBe(0);
    return document<T>(run);
  };

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
    dir = mkdtempSync(join(tmpdir(), 'carrel-cli-config-'));
    env = cleanEnv({ CARREL_DATA_DIR: dir, CARREL_KEY_FILE: join(dir, 'carrel.key') });
    target = join(dir, 'carrel.db');
    expect((await json('init')).code).toBe(0);
    // `library add` keeps working beside `library settings`
    expect(await ok('library', 'add', '--id', 'valley', '--name', 'Valley Library', '--time-zone', 'America/Denver')).toMatchObject({ id: 'valley', branches: [{ code: 'main' }] });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Each step is a process of its own: the tests get the time a shared machine needs for some twenty of them.
  it('sets up branches with hours, a holiday, a category, an item type and a rule, and explains which rule applies', { timeout: 180_000 }, async () => {
    const north = await ok<{ code: string; openingHours: Record<string, string[][]> }>(
      'branch', 'add', '--library', 'valley', '--code', 'north', '--name', 'North Branch', '--address', '1 North St', '--hours', 'mon-fri 09:00-17:00; sat 10:00-14:00',
    );
    expect(north.openingHours).toEqual({ mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']], sat: [['10:00', '14:00']] });
    expect(await ok('branch', 'edit', '--library', 'valley', '--code', 'north', '--hours', '{"tue":[["12:00","20:00"]]}')).toMatchObject({ name: 'North Branch', openingHours: { tue: [['12:00', '20:00']] } });
    expect((await ok<{ code: string }[]>('branch', 'list', '--library', 'valley')).map((b) => b.code)).toEqual(['main', 'north']);

    const holiday = await ok<{ id: string; branch: string | null }>('calendar', 'close', '--library', 'valley', '--branch', 'all', '--from', '2026-12-25', '--to', '2026-12-26', '--reason', 'Christmas');
    expect(holiday.branch).toBeNull();
    await ok('calendar', 'close', '--library', 'valley', '--branch', 'north', '--from', '2026-11-26', '--to', '2026-11-26', '--reason', 'Thanksgiving');
    expect((await ok<{ reason: string }[]>('calendar', 'list', '--library', 'valley')).map((d) => d.reason)).toEqual(['Thanksgiving', 'Christmas']);

    expect(await ok('category', 'add', '--library', 'valley', '--code', 'senior', '--name', 'Senior', '--min-age', '65', '--card-validity-months', '36')).toMatchObject({ code: 'senior', minAge: 65, cardValidityMonths: 36, maxLoans: null });
    expect(await ok('category', 'edit', '--library', 'valley', '--code', 'senior', '--max-loans', '25')).toMatchObject({ code: 'senior', maxLoans: 25, minAge: 65 });
    await ok('item-type', 'add', '--library', 'valley', '--code', 'game', '--name', 'Board game');
    expect((await ok<{ code: string }[]>('item-type', 'list', '--library', 'valley')).map((t) => t.code)).toContain('game');

    expect(
      await ok('loan-rule', 'set', '--library', 'valley', '--branch', 'north', '--category', 'senior', '--type', 'game', '--loan-days', '14', '--renewals', '1', '--fine-per-day', '0.10', '--max-fine', '2.00', '--not-holdable'),
    ).toMatchObject({ branch: 'north', patronCategory: 'senior', itemType: 'game', loanDays: 14, finePerDayCents: 10, maxFineCents: 200, holdable: false });
    const explained = await ok<{ applied: { branch: string; loanDays: number }; reason: string; matches: unknown[] }>('loan-rule', 'explain', '--library', 'valley', '--category', 'senior', '--type', 'game', '--branch', 'north');
    expect(explained.applied).toMatchObject({ branch: 'north', loanDays: 14 });
    expect(explained.reason).toContain('branch north × category senior × type game');
    expect(explained.matches).toHaveLength(2);
    // At another branch the fallback applies, and the text names it too
    const text = await carrel(['--db', target, 'loan-rule', 'explain', '--library', 'valley', '--category', 'senior', '--type', 'game', '--branch', 'main'], { env, cwd: dir });
    expect([text.code, text.stdout]).toEqual([0, expect.stringContaining('branch * × category * × type *')]);
    expect((await ok<unknown[]>('loan-rule', 'list', '--library', 'valley'))).toHaveLength(2);
    expect(await ok('loan-rule', 'remove', '--library', 'valley', '--branch', 'north', '--category', 'senior', '--type', 'game')).toEqual({ removed: { branch: 'north', patronCategory: 'senior', itemType: 'game' } });
    expect(await ok('calendar', 'open', '--library', 'valley', '--id', holiday.id)).toEqual({ removed: holiday.id });
  });

  it('shows the settings and changes those given', { timeout: 180_000 }, async () => {
    expect(await ok('library', 'settings', '--library', 'valley')).toMatchObject({ libraryId: 'valley', holdPickupDays: 7, maxOverdueItems: null, processingFeeCents: 0 });
    expect(await ok('library', 'settings', '--library', 'valley', '--hold-pickup-days', '5', '--max-overdue-items', '3', '--processing-fee', '4.50', '--long-overdue-days', '45')).toMatchObject({
      holdPickupDays: 5,
      maxOverdueItems: 3,
      processingFeeCents: 450,
      longOverdueDays: 45,
    });
    expect(await ok('library', 'settings', '--library', 'valley', '--max-overdue-items', 'none')).toMatchObject({ maxOverdueItems: null, holdPickupDays: 5 });
    // Its languages, the ways its desk takes payments and its slips (issue 20).
    expect(
      await ok('library', 'settings', '--library', 'valley', '--default-language', 'es', '--languages', 'es, en', '--payment-methods', 'cash,card', '--slip-header', 'Valley Library · 505-555-0199', '--slip-titles', 'no'),
    ).toMatchObject({ defaultLanguage: 'es', offeredLanguages: ['es', 'en'], paymentMethods: ['cash', 'card'], slipHeader: 'Valley Library · 505-555-0199', slipFooter: null, slipTitles: false, holdPickupDays: 5 });
    expect(await ok('library', 'settings', '--library', 'valley', '--slip-header', 'none')).toMatchObject({ slipHeader: null, defaultLanguage: 'es' });
    // The limits of identification by photo ID and birth date: a setting with a default (issue 22).
    expect(await ok('library', 'settings', '--library', 'valley', '--identify-patron-failures', '5', '--identify-window-minutes', '30')).toMatchObject({
      identifyPatronFailures: 5,
      identifyStaffFailures: 10,
      identifyWindowMinutes: 30,
    });
  });

  it('refuses bad input with exit 1 and its code, and a missing flag with exit 2', { timeout: 180_000 }, async () => {
    const refused = async (...args: string[]) => {
      const run = await json(...args);
      expect(run.code, run.stdout + run.stderr).toBe(1);
      return document<Refusal>(run).error;
    };
    expect((await refused('loan-rule', 'set', '--library', 'valley', '--branch', 'south', '--category', '*', '--type', '*', '--loan-days', '7', '--renewals', '0', '--fine-per-day', '0', '--max-fine', '0')).code).toBe('BRANCH_NOT_FOUND');
    expect((await refused('loan-rule', 'set', '--library', 'valley', '--category', '*', '--type', 'vinyl', '--loan-days', '7', '--renewals', '0', '--fine-per-day', '0', '--max-fine', '0')).code).toBe('ITEM_TYPE_NOT_FOUND');
    const negative = await refused('loan-rule', 'set', '--library', 'valley', '--category', '*', '--type', '*', '--loan-days', '7', '--renewals', '0', '--fine-per-day', '-0.25', '--max-fine', '1');
    expect([negative.code, negative.problems.map((p) => p.field)]).toEqual(['VALIDATION_FAILED', ['finePerDayCents']]);
    await ok('calendar', 'close', '--library', 'valley', '--branch', 'north', '--from', '2027-01-01', '--to', '2027-01-03', '--reason', 'Inventory');
    expect((await refused('calendar', 'close', '--library', 'valley', '--branch', 'north', '--from', '2027-01-03', '--to', '2027-01-04', '--reason', 'Overlap')).code).toBe('CLOSED_DAYS_OVERLAP');
    expect((await refused('category', 'add', '--library', 'valley', '--code', 'zero', '--name', 'Zero', '--card-validity-months', '0')).problems[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'cardValidityMonths' });
    expect((await refused('library', 'settings', '--library', 'valley', '--card-validity-months', '0')).code).toBe('VALIDATION_FAILED');
    expect((await refused('library', 'settings', '--library', 'valley', '--languages', 'en,fr')).code).toBe('LANGUAGE_NOT_AVAILABLE');
    expect((await refused('library', 'settings', '--library', 'valley', '--slip-titles', 'maybe')).code).toBe('VALIDATION_FAILED');
    expect((await refused('branch', 'add', '--library', 'valley', '--code', 'east', '--name', 'East', '--hours', 'funday 09:00-17:00')).code).toBe('INVALID_OPENING_HOURS');
    // Nothing of the refused changes was written
    expect((await ok<{ branch: string; loanDays: number }[]>('loan-rule', 'list', '--library', 'valley')).map((r) => r.branch)).toEqual(['*']);
    expect((await ok<{ code: string }[]>('category', 'list', '--library', 'valley')).map((c) => c.code)).toEqual(['adult', 'juvenile', 'senior']);
    expect((await ok('library', 'settings', '--library', 'valley')).cardValidityMonths).toBe(12);
    expect((await json('branch', 'list')).code).toBe(2);
  });
});
