import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildPatron, libraryWorld, refusal, refusalCodes, type World } from '../../test/factories.js';
import type { Actor } from '../policy/actors.js';
import { chainPage } from '../storage/access-log.repository.js';
import { checkout } from './circulation.usecases.js';
import {
  addBranch,
  addCategory,
  addItemType,
  closeDays,
  editBranch,
  editCategory,
  editItemType,
  explainLoanRuleFor,
  listBranches,
  listCategories,
  listClosedDays,
  listItemTypes,
  listLoanRules,
  openDays,
  readLibrarySettings,
  removeLoanRule,
  setLoanRule,
  updateLibrarySettings,
} from './library-config.usecases.js';
import { createStaff } from './staff.usecases.js';

/**
 * The library's configuration as data (issue 15): settings, branches and their hours, closed days,
 * categories, item types and the circulation matrix; what check-out makes of them; what is refused.
 * The clock starts on Monday 2 March 2026, 10:00 in Denver (test/factories.ts START).
 */

const TABLES = ['branches', 'closed_days', 'patron_categories', 'item_types', 'circulation_rules', 'access_log', 'libraries'] as const;

describe.each(ENGINES)('library configuration on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let admin: Actor;
  let clerk: Actor;

  /** Every row of the configuration tables and the access log, to prove a refusal wrote nothing. */
  async function snapshot(): Promise<string> {
    const parts: unknown[] = [];
    for (const table of TABLES) parts.push(await database.db.selectFrom(table).selectAll().execute());
    return JSON.stringify(parts, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v));
  }

  async function dueAtOf(loanId: string): Promise<string> {
    const row = await database.db.selectFrom('loans').select('due_at').where('id', '=', loanId).executeTakeFirstOrThrow();
    return new Date(row.due_at as string | Date).toISOString();
  }

  const asAdmin = { actor: undefined as unknown as Actor };

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    const a = await w.act(createStaff, { username: `cfg-admin-${engine}`, libraryId, roles: ['admin'] });
    const c = await w.act(createStaff, { username: `cfg-clerk-${engine}`, libraryId, roles: ['circulation'] });
    admin = { kind: 'staff', id: a.account.id, libraryId, roles: ['admin'] };
    clerk = { kind: 'staff', id: c.account.id, libraryId, roles: ['circulation'] };
    asAdmin.actor = admin;
  });
  afterAll(() => database.drop());

  it('gives a due date that skips the branch’s closed weekday and its holiday, by the branch’s own rule', async () => {
    // Given a North branch open Monday to Friday, a holiday there on Monday 9 March, and a 5-day rule for North
    const weekdays: [string, string][] = [['09:00', '17:00']];
    await w.act(addBranch, { libraryId, code: 'north', name: 'North Branch', address: '1 North St', openingHours: { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: weekdays } }, asAdmin);
    await w.act(closeDays, { libraryId, branch: 'north', startsOn: '2026-03-09', endsOn: '2026-03-09', reason: 'Staff training' }, asAdmin);
    await w.act(setLoanRule, { libraryId, branch: 'north', patronCategory: '*', itemType: '*', loanDays: 5, renewals: 1, finePerDayCents: 10, maxFineCents: 300 }, asAdmin);
    const patron = await buildPatron(w, { libraryId });
    const atNorth = await buildItem(w, { libraryId, branch: 'north' });
    const atMain = await buildItem(w, { libraryId });
    // When both go out on Monday 2 March
    const north = await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: atNorth.barcode });
    const main = await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: atMain.barcode });
    // Then North's 5 days end on Saturday 7 March (closed), Sunday is closed, Monday 9 is the holiday:
    // due on Tuesday 10 March, at the end of the day in Denver (MDT from 8 March: 05:59:59.999Z on the 11th)
    expect(north.dueAt).toBe('2026-03-11T05:59:59.999Z');
    // And the main branch (no hours given, no holiday) lends by the fallback: 21 days, Monday 23 March
    expect(main.dueAt).toBe('2026-03-24T05:59:59.999Z');
  });

  it('lets a branch-specific rule win over the fallback, and explains which rule applied and why', async () => {
    const explained = await w.act(explainLoanRuleFor, { libraryId, branch: 'north', patronCategory: 'adult', itemType: 'book' }, { actor: clerk });
    expect(explained.applied).toMatchObject({ branch: 'north', patronCategory: '*', itemType: '*', loanDays: 5 });
    expect(explained.matches.map((m) => [m.rule.branch, m.rule.patronCategory, m.rule.itemType, m.specificity])).toEqual([
      ['north', '*', '*', 4],
      ['*', '*', '*', 0],
    ]);
    expect(explained.reason).toContain('branch north × category * × type *');
    expect(explained.reason).toContain('most specific of 2');
    const fallback = await w.act(explainLoanRuleFor, { libraryId, branch: 'main', patronCategory: 'adult', itemType: 'book' }, { actor: clerk });
    expect(fallback.applied).toMatchObject({ branch: '*', loanDays: 21 });
    expect(fallback.reason).toContain('only rule that matches');
    // A category × type rule at every branch is less specific than North's own
    await w.act(setLoanRule, { libraryId, patronCategory: 'adult', itemType: 'dvd', loanDays: 7, renewals: 1, finePerDayCents: 100, maxFineCents: 1000 }, asAdmin);
    expect((await w.act(explainLoanRuleFor, { libraryId, branch: 'north', patronCategory: 'adult', itemType: 'dvd' })).applied?.loanDays).toBe(5);
    expect((await w.act(explainLoanRuleFor, { libraryId, branch: 'main', patronCategory: 'adult', itemType: 'dvd' })).applied?.loanDays).toBe(7);
    expect((await w.act(listLoanRules, { libraryId }, { actor: clerk })).map((r) => `${r.branch}/${r.patronCategory}/${r.itemType}`)).toEqual(['*/*/*', '*/adult/dvd', 'north/*/*']);
  });

  it('never rewrites a due date already given when a rule or the calendar changes', async () => {
    const patron = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId, branch: 'north' });
    const loan = await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    const before = await dueAtOf(loan.loanId);
    // When North's rule shrinks to 1 day, and North closes for the week the loan is due
    await w.act(setLoanRule, { libraryId, branch: 'north', patronCategory: '*', itemType: '*', loanDays: 1, renewals: 0, finePerDayCents: 50, maxFineCents: 500 }, asAdmin);
    await w.act(closeDays, { libraryId, branch: 'north', startsOn: '2026-03-16', endsOn: '2026-03-20', reason: 'Renovation' }, asAdmin);
    // Then the loan keeps the due date it was given
    expect(await dueAtOf(loan.loanId)).toBe(before);
    // And the next check-out gets the new rule
    const next = await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: (await buildItem(w, { libraryId, branch: 'north' })).barcode });
    expect(next.dueAt).toBe('2026-03-04T06:59:59.999Z'); // Tuesday 3 March, end of day (MST)
  });

  it('reads and changes the settings, branches, calendar, categories and item types', async () => {
    expect(await w.act(readLibrarySettings, { libraryId }, { actor: clerk })).toMatchObject({ libraryId, holdPickupDays: 7, maxBalanceCents: 1000, cardValidityMonths: 12, maxOverdueItems: null });
    const changed = await w.act(updateLibrarySettings, { libraryId, holdPickupDays: 5, maxOverdueItems: 3, processingFeeCents: 500, longOverdueDays: 45 }, asAdmin);
    expect(changed).toMatchObject({ holdPickupDays: 5, maxOverdueItems: 3, processingFeeCents: 500, longOverdueDays: 45, maxBalanceCents: 1000 });
    expect(await w.act(readLibrarySettings, { libraryId })).toEqual(changed);
    // null clears a threshold
    expect((await w.act(updateLibrarySettings, { libraryId, maxOverdueItems: null }, asAdmin)).maxOverdueItems).toBeNull();

    const edited = await w.act(editBranch, { libraryId, code: 'north', address: null, openingHours: { sat: [['10:00', '14:00']], mon: [['13:00', '17:00'], ['09:00', '12:00']] } }, asAdmin);
    expect(edited).toMatchObject({ code: 'north', name: 'North Branch', address: null, openingHours: { mon: [['09:00', '12:00'], ['13:00', '17:00']], sat: [['10:00', '14:00']] } });
    expect((await w.act(listBranches, { libraryId }, { actor: clerk })).map((b) => b.code)).toEqual(['main', 'north']);

    const wide = await w.act(closeDays, { libraryId, branch: null, startsOn: '2026-12-25', endsOn: '2026-12-26', reason: 'Christmas' }, asAdmin);
    expect(wide).toMatchObject({ branch: null, startsOn: '2026-12-25', endsOn: '2026-12-26' });
    // A branch closure inside a library-wide one is another branch's calendar: allowed
    await w.act(closeDays, { libraryId, branch: 'main', startsOn: '2026-12-24', endsOn: '2026-12-24', reason: 'Christmas Eve' }, asAdmin);
    expect((await w.act(listClosedDays, { libraryId, from: '2026-12-01' }, { actor: clerk })).map((d) => [d.branch, d.startsOn])).toEqual([
      ['main', '2026-12-24'],
      [null, '2026-12-25'],
    ]);
    await w.act(openDays, { libraryId, id: wide.id }, asAdmin);
    expect((await w.act(listClosedDays, { libraryId, from: '2026-12-01' })).map((d) => d.reason)).toEqual(['Christmas Eve']);

    await w.act(addCategory, { libraryId, code: 'senior', name: 'Senior', minAge: 65, cardValidityMonths: 36, maxLoans: 30 }, asAdmin);
    expect(await w.act(editCategory, { libraryId, code: 'senior', maxLoans: null, name: 'Senior (65+)' }, asAdmin)).toEqual({
      code: 'senior',
      name: 'Senior (65+)',
      minAge: 65,
      maxAge: null,
      cardValidityMonths: 36,
      maxLoans: null,
    });
    expect((await w.act(listCategories, { libraryId }, { actor: clerk })).map((c) => c.code)).toEqual(['adult', 'juvenile', 'senior']);

    await w.act(addItemType, { libraryId, code: 'laptop', name: 'Laptop' }, asAdmin);
    await w.act(editItemType, { libraryId, code: 'laptop', name: 'Laptop (in-library)' }, asAdmin);
    expect(await w.act(listItemTypes, { libraryId }, { actor: clerk })).toContainEqual({ code: 'laptop', name: 'Laptop (in-library)' });
    await w.act(setLoanRule, { libraryId, patronCategory: 'senior', itemType: 'laptop', loanDays: 0, renewals: 0, finePerDayCents: 0, maxFineCents: 0, holdable: false }, asAdmin);
    expect(await w.act(removeLoanRule, { libraryId, patronCategory: 'senior', itemType: 'laptop' }, asAdmin)).toEqual({ removed: { branch: '*', patronCategory: 'senior', itemType: 'laptop' } });
  });

  it('records each change in the library’s chain of the access log, with who made it', async () => {
    const before = (await chainPage(database.db, libraryId, null, 10_000)).length;
    await w.act(addItemType, { libraryId, code: 'kit', name: 'Kit' }, asAdmin);
    await w.act(setLoanRule, { libraryId, branch: 'main', patronCategory: 'juvenile', itemType: 'kit', loanDays: 14, renewals: 0, finePerDayCents: 0, maxFineCents: 0 }, asAdmin);
    await w.act(listLoanRules, { libraryId }, { actor: clerk }); // a read is not a change
    const entries = (await chainPage(database.db, libraryId, null, 10_000)).slice(before);
    expect(entries.map((e) => [e.action, e.actorKind, e.actorId, e.actorRole, e.patronId])).toEqual([
      ['library.item-type.add:kit', 'staff', admin.id, 'admin', null],
      ['library.loan-rule.set:main/juvenile/kit', 'staff', admin.id, 'admin', null],
    ]);
    // Every kind of change named in the chain so far, each by the administrator
    const all = await chainPage(database.db, libraryId, null, 10_000);
    const kinds = new Set(all.filter((e) => e.actorId === admin.id).map((e) => e.action.split(':')[0]));
    for (const kind of ['library.settings.update', 'library.branch.add', 'library.branch.edit', 'library.calendar.close', 'library.calendar.open', 'library.category.add', 'library.category.edit', 'library.item-type.edit', 'library.loan-rule.set', 'library.loan-rule.replace', 'library.loan-rule.remove'])
      expect(kinds, kind).toContain(kind);
  });

  it('takes concurrent changes one at a time: of two overlapping closures one is refused, a cell set twice holds one rule', async () => {
    const close = (reason: string) => w.act(closeDays, { libraryId, branch: 'main', startsOn: '2027-02-01', endsOn: '2027-02-03', reason }, asAdmin).then(() => 'closed', (e: { code?: string }) => e.code);
    expect((await Promise.all([close('First'), close('Second')])).sort()).toEqual(['CLOSED_DAYS_OVERLAP', 'closed']);
    const set = (loanDays: number) => w.act(setLoanRule, { libraryId, branch: 'main', patronCategory: 'adult', itemType: 'magazine', loanDays, renewals: 0, finePerDayCents: 0, maxFineCents: 0 }, asAdmin);
    await Promise.all([set(3), set(4)]);
    const cell = (await w.act(listLoanRules, { libraryId })).filter((r) => r.branch === 'main' && r.itemType === 'magazine');
    expect(cell).toHaveLength(1);
  });

  it('refuses bad input with its code and writes nothing', async () => {
    const before = await snapshot();
    const rule = { libraryId, patronCategory: '*', itemType: '*', loanDays: 14, renewals: 1, finePerDayCents: 10, maxFineCents: 100 };
    const cases: [string, () => Promise<unknown>, string[]][] = [
      ['rule for an unknown branch', () => w.act(setLoanRule, { ...rule, branch: 'atlantis' }, asAdmin), ['BRANCH_NOT_FOUND']],
      ['rule for an unknown item type', () => w.act(setLoanRule, { ...rule, itemType: 'vinyl' }, asAdmin), ['ITEM_TYPE_NOT_FOUND']],
      ['rule for an unknown category', () => w.act(setLoanRule, { ...rule, patronCategory: 'martian' }, asAdmin), ['CATEGORY_NOT_FOUND']],
      ['negative fine', () => w.act(setLoanRule, { ...rule, finePerDayCents: -25 }, asAdmin), ['VALIDATION_FAILED']],
      ['negative days and cap, with an unknown type: every reason', () => w.act(setLoanRule, { ...rule, itemType: 'vinyl', loanDays: -1, maxFineCents: -1 }, asAdmin), ['ITEM_TYPE_NOT_FOUND', 'VALIDATION_FAILED', 'VALIDATION_FAILED']],
      ['overlapping closed days', () => w.act(closeDays, { libraryId, branch: 'north', startsOn: '2026-03-19', endsOn: '2026-03-23', reason: 'Inventory' }, asAdmin), ['CLOSED_DAYS_OVERLAP']],
      ['closed days ending before they start', () => w.act(closeDays, { libraryId, branch: 'north', startsOn: '2026-05-02', endsOn: '2026-05-01', reason: 'Oops' }, asAdmin), ['ENDS_BEFORE_STARTS']],
      ['closed days at an unknown branch', () => w.act(closeDays, { libraryId, branch: 'atlantis', startsOn: '2026-05-01', endsOn: '2026-05-01', reason: 'Flood' }, asAdmin), ['BRANCH_NOT_FOUND']],
      ['not a date', () => w.act(closeDays, { libraryId, branch: null, startsOn: '2026-02-30', endsOn: '2026-03-01', reason: 'Leap' }, asAdmin), ['INVALID_DATE']],
      ['a category whose cards are valid 0 months', () => w.act(addCategory, { libraryId, code: 'zero', name: 'Zero', cardValidityMonths: 0 }, asAdmin), ['VALIDATION_FAILED']],
      ['an age range ending before it starts', () => w.act(addCategory, { libraryId, code: 'teen', name: 'Teen', minAge: 19, maxAge: 13 }, asAdmin), ['VALIDATION_FAILED']],
      ['a category that exists', () => w.act(addCategory, { libraryId, code: 'adult', name: 'Adult again' }, asAdmin), ['CATEGORY_EXISTS']],
      ['editing a category to 0 months', () => w.act(editCategory, { libraryId, code: 'adult', cardValidityMonths: 0 }, asAdmin), ['VALIDATION_FAILED']],
      ['library card validity 0 and negative pick-up days', () => w.act(updateLibrarySettings, { libraryId, cardValidityMonths: 0, holdPickupDays: -2 }, asAdmin), ['VALIDATION_FAILED', 'VALIDATION_FAILED']],
      ['a negative lost-item charge', () => w.act(updateLibrarySettings, { libraryId, defaultLostChargeCents: -100 }, asAdmin), ['VALIDATION_FAILED']],
      ['a branch that exists', () => w.act(addBranch, { libraryId, code: 'north', name: 'North again' }, asAdmin), ['BRANCH_EXISTS']],
      ['hours on a day that is not one', () => w.act(addBranch, { libraryId, code: 'south', name: 'South', openingHours: { funday: [['09:00', '17:00']] } as never }, asAdmin), ['INVALID_OPENING_HOURS']],
      ['hours that close before they open', () => w.act(editBranch, { libraryId, code: 'north', openingHours: { mon: [['17:00', '09:00']] } }, asAdmin), ['INVALID_OPENING_HOURS']],
      ['a bad branch code', () => w.act(addBranch, { libraryId, code: 'South Side', name: 'South' }, asAdmin), ['VALIDATION_FAILED']],
      ['an item type that exists', () => w.act(addItemType, { libraryId, code: 'book', name: 'Book' }, asAdmin), ['ITEM_TYPE_EXISTS']],
      ['renaming an unknown item type', () => w.act(editItemType, { libraryId, code: 'vinyl', name: 'Vinyl' }, asAdmin), ['ITEM_TYPE_NOT_FOUND']],
      ['removing a rule that is not there', () => w.act(removeLoanRule, { libraryId, patronCategory: 'juvenile', itemType: 'magazine' }, asAdmin), ['LOAN_RULE_NOT_FOUND']],
      ['opening closed days that are not there', () => w.act(openDays, { libraryId, id: '00000000-0000-4000-8000-000000000000' }, asAdmin), ['CLOSED_DAY_NOT_FOUND']],
      ['explaining an unknown branch', () => w.act(explainLoanRuleFor, { libraryId, branch: '*', patronCategory: 'adult', itemType: 'book' }), ['BRANCH_NOT_FOUND']],
      ['a clerk changing a rule', () => w.act(setLoanRule, rule, { actor: clerk }), ['PERMISSION_DENIED']],
      ['a clerk closing a branch', () => w.act(closeDays, { libraryId, branch: null, startsOn: '2026-07-04', endsOn: '2026-07-04', reason: 'Holiday' }, { actor: clerk }), ['PERMISSION_DENIED']],
      ['another library', () => w.act(listBranches, { libraryId: 'no-such-library' }, { actor: clerk }), ['LIBRARY_NOT_FOUND']],
    ];
    for (const [what, attempt, codes] of cases) expect(await refusalCodes(attempt()), what).toEqual(codes);
    const negative = await refusal(w.act(setLoanRule, { ...rule, finePerDayCents: -25 }, asAdmin));
    expect(negative.problems.map((p) => p.field)).toEqual(['finePerDayCents']);
    expect(await snapshot()).toBe(before);
  });
});
