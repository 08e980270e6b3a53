import { describe, expect, it } from 'vitest';
import type { LoanRule } from './types.js';
import { categoryProblems, explainLoanRule, isCalendarDate, loanRuleProblems, normaliseOpeningHours, openingHoursProblems, rangesOverlap, settingsProblems } from './library-config.rules.js';

const rule = (branch: string, patronCategory: string, itemType: string, loanDays: number): LoanRule => ({
  libraryId: 'lib',
  branch,
  patronCategory,
  itemType,
  loanDays,
  renewals: 0,
  finePerDayCents: 0,
  maxFineCents: 0,
  holdable: true,
  holdPickupDays: null,
});

describe('the library configuration’s rules', () => {
  it('takes weekly hours of real weekdays, opening before closing, periods apart', () => {
    expect(openingHoursProblems({})).toEqual([]);
    expect(openingHoursProblems({ mon: [['13:00', '17:00'], ['09:00', '12:00']], sun: [] })).toEqual([]);
    for (const bad of [[], { funday: [['09:00', '17:00']] }, { mon: [['17:00', '09:00']] }, { mon: [['9:00', '17:00']] }, { mon: [['09:00', '13:00'], ['12:00', '17:00']] }, { mon: 'all day' }])
      expect(openingHoursProblems(bad).map((p) => p.code), JSON.stringify(bad)).toEqual(['INVALID_OPENING_HOURS']);
    expect(normaliseOpeningHours({ sat: [['10:00', '14:00']], mon: [['13:00', '17:00'], ['09:00', '12:00']], tue: [] })).toEqual({
      mon: [['09:00', '12:00'], ['13:00', '17:00']],
      sat: [['10:00', '14:00']],
    });
  });

  it('names every figure at fault, and only those', () => {
    expect(loanRuleProblems({ loanDays: -1, renewals: 0, finePerDayCents: -5, maxFineCents: 100, holdPickupDays: 0 }).map((p) => p.field)).toEqual(['loanDays', 'finePerDayCents', 'holdPickupDays']);
    expect(loanRuleProblems({ loanDays: 0, renewals: 0, finePerDayCents: 0, maxFineCents: 0, holdPickupDays: null })).toEqual([]);
    expect(settingsProblems({ cardValidityMonths: 0, maxOverdueItems: null, longOverdueDays: 1.5 }).map((p) => p.field)).toEqual(['longOverdueDays', 'cardValidityMonths']);
    expect(categoryProblems({ minAge: 18, maxAge: 17 }).map((p) => p.field)).toEqual(['maxAge']);
    expect(categoryProblems({ cardValidityMonths: null, maxLoans: null })).toEqual([]);
  });

  it('tells dates and overlapping ranges', () => {
    expect([isCalendarDate('2026-02-28'), isCalendarDate('2026-02-29'), isCalendarDate('2026-2-28')]).toEqual([true, false, false]);
    expect(rangesOverlap({ startsOn: '2026-07-01', endsOn: '2026-07-04' }, { startsOn: '2026-07-04', endsOn: '2026-07-05' })).toBe(true);
    expect(rangesOverlap({ startsOn: '2026-07-01', endsOn: '2026-07-03' }, { startsOn: '2026-07-04', endsOn: '2026-07-05' })).toBe(false);
  });

  it('explains the rule a cell gets, most specific first, and says when none does', () => {
    const rules = [rule('*', '*', '*', 21), rule('*', 'juvenile', '*', 14), rule('north', '*', 'dvd', 3), rule('*', 'adult', 'dvd', 7)];
    const explained = explainLoanRule(rules, { branch: 'north', patronCategory: 'juvenile', itemType: 'dvd' });
    expect(explained.applied?.loanDays).toBe(3);
    expect(explained.matches.map((m) => [m.specificity, m.branch, m.patronCategory, m.itemType])).toEqual([
      [5, 'exact', 'any', 'exact'],
      [2, 'any', 'exact', 'any'],
      [0, 'any', 'any', 'any'],
    ]);
    const none = explainLoanRule([rule('*', 'adult', '*', 21)], { branch: 'main', patronCategory: 'juvenile', itemType: 'book' });
    expect([none.applied, none.matches, none.reason.startsWith('No rule matches')]).toEqual([null, [], true]);
  });
});
