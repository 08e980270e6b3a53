import { describe, expect, it } from 'vitest';
import { cardNumberFrom, isValidCardNumber, luhnCheckDigit } from './card-number.js';
import { ageOn, daysLate, dueDate, isMinor, itemBlocks, overdueFine, patronBlocks, resolveLoanRule } from './circulation.rules.js';
import { parseInstant } from './clock.js';
import { formatAmount, parseAmount } from './money.js';
import type { LoanRule } from './types.js';

const rule = (patronCategory: string, itemType: string, loanDays = 21, branch = '*'): LoanRule => ({
  libraryId: 'l',
  branch,
  holdable: true,
  holdPickupDays: null,
  patronCategory,
  itemType,
  loanDays,
  renewals: 2,
  finePerDayCents: 25,
  maxFineCents: 500,
});

describe('resolveLoanRule', () => {
  const rules = [rule('*', '*', 21), rule('*', 'dvd', 7), rule('juvenile', '*', 28), rule('juvenile', 'dvd', 3)];
  it('prefers category × type, then category, then type, then the fallback', () => {
    expect(resolveLoanRule(rules, { branch: 'main', patronCategory: 'juvenile', itemType: 'dvd' })?.loanDays).toBe(3);
    expect(resolveLoanRule(rules, { branch: 'main', patronCategory: 'juvenile', itemType: 'book' })?.loanDays).toBe(28);
    expect(resolveLoanRule(rules, { branch: 'main', patronCategory: 'adult', itemType: 'dvd' })?.loanDays).toBe(7);
    expect(resolveLoanRule(rules, { branch: 'main', patronCategory: 'adult', itemType: 'book' })?.loanDays).toBe(21);
  });
  it('prefers a rule for the item’s branch over every library-wide rule', () => {
    const withBranch = [...rules, rule('*', '*', 14, 'north')];
    expect(resolveLoanRule(withBranch, { branch: 'north', patronCategory: 'juvenile', itemType: 'dvd' })?.loanDays).toBe(14);
    expect(resolveLoanRule(withBranch, { branch: 'south', patronCategory: 'juvenile', itemType: 'dvd' })?.loanDays).toBe(3);
  });
  it('finds nothing when no rule matches, not even a fallback', () => {
    expect(resolveLoanRule([rule('staff', 'book')], { branch: 'main', patronCategory: 'adult', itemType: 'book' })).toBeUndefined();
  });
});

describe('due dates and fines in the library’s time zone', () => {
  const tz = 'America/Denver';
  it('is due at the end of the local day, N days later, whatever the hour of check-out', () => {
    // 23:30 local on 2 March (06:30 UTC on 3 March) + 21 days → end of 23 March, local.
    const due = dueDate(new Date('2026-03-03T06:30:00Z'), 21, tz);
    expect(due.toISOString()).toBe('2026-03-24T05:59:59.999Z'); // DST began 8 March: UTC-6
  });
  it('counts whole local days late, none when on time', () => {
    const due = new Date('2026-03-24T05:59:59.999Z');
    expect(daysLate(due, new Date('2026-03-24T05:00:00Z'), tz)).toBe(0);
    expect(daysLate(due, new Date('2026-03-24T15:00:00Z'), tz)).toBe(1);
    expect(daysLate(due, new Date('2026-04-02T15:00:00Z'), tz)).toBe(10);
  });
  it('charges per day late, capped at the rule’s maximum', () => {
    const due = new Date('2026-03-24T05:59:59.999Z');
    expect(overdueFine(due, new Date('2026-03-27T15:00:00Z'), rule('*', '*'), tz)).toBe(100);
    expect(overdueFine(due, new Date('2026-06-01T15:00:00Z'), rule('*', '*'), tz)).toBe(500);
  });
});

describe('ages', () => {
  it('turns 18 on the birthday, in local time', () => {
    expect(ageOn('2008-03-02', new Date('2026-03-02T06:00:00Z'), 'America/Denver')).toBe(17); // still 1 March in Denver
    expect(isMinor('2008-03-02', new Date('2026-03-02T18:00:00Z'), 'America/Denver')).toBe(false);
  });
});

describe('blocks are collected, not stopped at the first', () => {
  it('reports every reason a patron cannot borrow', () => {
    const problems = patronBlocks({ status: 'blocked', expiresAt: '2026-01-01T00:00:00Z' }, 2000, { maxBalanceCents: 1000 }, new Date('2026-03-01T00:00:00Z'));
    expect(problems.map((p) => p.code)).toEqual(['PATRON_BLOCKED', 'PATRON_EXPIRED', 'PATRON_OWES_FINES']);
  });
  it('lets the holder take an item waiting for them, and nobody else', () => {
    expect(itemBlocks({ status: 'on-hold-shelf' }, rule('*', '*'), 'p1', 'p1')).toEqual([]);
    expect(itemBlocks({ status: 'on-hold-shelf' }, rule('*', '*'), 'p1', 'p2').map((p) => p.code)).toEqual(['ITEM_ON_HOLD_FOR_ANOTHER_PATRON']);
    expect(itemBlocks({ status: 'available' }, rule('*', 'reference', 0), null, 'p1').map((p) => p.code)).toEqual(['ITEM_NOT_LOANABLE']);
  });
});

describe('card numbers, amounts and instants', () => {
  it('issues 14-digit cards whose check digit catches a mistyped digit', () => {
    const card = cardNumberFrom('123456789012');
    expect(card).toMatch(/^2\d{13}$/);
    expect(isValidCardNumber(card)).toBe(true);
    const typo = `${card.slice(0, 5)}${(Number(card[5]) + 1) % 10}${card.slice(6)}`;
    expect(isValidCardNumber(typo)).toBe(false);
    expect(luhnCheckDigit('7992739871')).toBe(3); // the textbook Luhn example
  });
  it('parses amounts strictly into cents', () => {
    expect(parseAmount('2.5')).toBe(250);
    expect(parseAmount('2.50')).toBe(250);
    expect(parseAmount('12')).toBe(1200);
    for (const bad of ['', 'abc', '-1', '1.234', '1e3', '1,50']) expect(parseAmount(bad)).toBeUndefined();
    expect(formatAmount(1234)).toBe('12.34');
  });
  it('accepts a date or an instant with an offset for --as-of, and nothing else', () => {
    expect(parseInstant('2026-03-02')?.toISOString()).toBe('2026-03-02T12:00:00.000Z');
    expect(parseInstant('2026-03-02T10:00:00-07:00')?.toISOString()).toBe('2026-03-02T17:00:00.000Z');
    for (const bad of ['2026-02-30', 'yesterday', '2026-03-02T10:00', '']) expect(parseInstant(bad)).toBeUndefined();
  });
});
