import { describe, expect, it } from 'vitest';
import { loadProfiles } from '../profile/profiles.js';
import {
  ENDED_CATEGORIES,
  ENDED_RECORD_CATEGORIES,
  fineRetention,
  holdRetention,
  loanRetention,
  sharedLoanRetention,
  nextSweepAfter,
  patronRetention,
  RETENTION_CATEGORIES,
  serviceRetention,
  serviceRule,
  SERVICE_KINDS,
  sweepDecision,
  sweepDue,
  vendorAuthorisationRetention,
  vendorAuthorisationRule,
} from './retention.policy.js';
import { SERVICE_CATEGORY } from './inventory.js';

const registry = loadProfiles();
const imagineif = registry.get('imagineif-mt');
const carlsbad = registry.get('carlsbad-nm');
const jackson = registry.get('jackson-county-or');
const now = new Date('2027-03-15T12:00:00.000Z');
const returned = (endedAt: string, extra: Partial<Parameters<typeof loanRetention>[0]> = {}) => ({ status: 'returned' as const, endedAt, openFines: 0, readingHistory: false, ...extra });

describe('loan checker', () => {
  it('IF-3: a complete loan goes on return, except while fines are owed or the item is out', () => {
    expect(loanRetention(returned('2027-03-15T11:00:00.000Z'), imagineif, now)).toEqual({ dispose: true, reason: 'loan-complete' });
    expect(loanRetention(returned('2027-03-15T11:00:00.000Z', { openFines: 1 }), imagineif, now)).toEqual({ dispose: false, reason: 'fines-owed' });
    expect(loanRetention({ status: 'active', endedAt: null, openFines: 0, readingHistory: false }, imagineif, now)).toEqual({ dispose: false, reason: 'item-unreturned' });
    expect(loanRetention(returned('2027-03-15T13:00:00.000Z'), imagineif, now).dispose).toBe(false);
  });

  it('CB-F3: kept twelve months after return, to the instant', () => {
    expect(loanRetention(returned('2026-03-15T12:00:00.001Z'), carlsbad, now)).toEqual({ dispose: false, reason: 'within-retention' });
    expect(loanRetention(returned('2026-03-15T12:00:00.000Z'), carlsbad, now)).toEqual({ dispose: true, reason: 'retention-ended' });
  });

  it('JC-IIIc: reading history is kept for a patron who opted in, where the profile offers it', () => {
    expect(loanRetention(returned('2027-01-01T00:00:00.000Z', { readingHistory: true }), jackson, now)).toEqual({ dispose: false, reason: 'reading-history-opt-in' });
    // imagineif-mt offers no reading history: an opt-in flag left over changes nothing
    expect(loanRetention(returned('2027-01-01T00:00:00.000Z', { readingHistory: true }), imagineif, now).dispose).toBe(true);
  });

  it('RF-4: a loan to another member’s patron follows the stricter of the two profiles, either way round; fines and legal holds keep it under both', () => {
    const loan = returned('2027-01-01T00:00:00.000Z');
    // The lender keeps twelve months (CB-F3), the borrower's library anonymises on return (IF-3): gone now
    expect(loanRetention(loan, carlsbad, now).dispose).toBe(false);
    expect(sharedLoanRetention(loan, carlsbad, imagineif, now)).toEqual({ dispose: true, reason: 'loan-complete' });
    expect(sharedLoanRetention(loan, imagineif, carlsbad, now)).toEqual({ dispose: true, reason: 'loan-complete' });
    expect(sharedLoanRetention(returned('2027-01-01T00:00:00.000Z', { openFines: 1 }), carlsbad, imagineif, now).dispose).toBe(false);
    expect(sharedLoanRetention({ ...loan, held: true }, carlsbad, imagineif, now).dispose).toBe(false);
    expect(sharedLoanRetention({ ...loan, held: true }, imagineif, carlsbad, now)).toEqual({ dispose: false, reason: 'legal-hold' });
    // Both keep twelve months: kept
    expect(sharedLoanRetention(loan, carlsbad, carlsbad, now).dispose).toBe(false);
  });
});

describe('period checkers', () => {
  it('fines: kept while owed, then the profile’s days after settlement', () => {
    expect(fineRetention({ status: 'open', settledAt: null }, carlsbad, now)).toEqual({ dispose: false, reason: 'money-owed' });
    expect(fineRetention({ status: 'paid', settledAt: '2026-03-15T12:00:00.000Z' }, carlsbad, now).dispose).toBe(true); // 365 days
    expect(fineRetention({ status: 'paid', settledAt: '2026-03-16T12:00:00.000Z' }, carlsbad, now).dispose).toBe(false);
    expect(fineRetention({ status: 'waived', settledAt: '2027-03-15T12:00:00.000Z' }, jackson, now).dispose).toBe(true); // 0 days
  });

  it('holds: open holds stay; ended holds go after the profile’s days', () => {
    expect(holdRetention({ status: 'pending', endedAt: null }, jackson, now)).toEqual({ dispose: false, reason: 'hold-open' });
    expect(holdRetention({ status: 'fulfilled', endedAt: '2027-03-15T11:59:59.000Z' }, jackson, now)).toEqual({ dispose: true, reason: 'retention-ended' });
  });

  it('services: a session or request not yet over is kept; JC-IIId logons stay thirty days', () => {
    expect(serviceRetention({ kind: 'computer-session', endsAt: null }, jackson, now)).toEqual({ dispose: false, reason: 'not-ended' });
    expect(serviceRetention({ kind: 'computer-session', endsAt: '2027-02-13T12:00:00.000Z' }, jackson, now).dispose).toBe(true);
    expect(serviceRetention({ kind: 'computer-session', endsAt: '2027-02-13T12:00:01.000Z' }, jackson, now).dispose).toBe(false);
    expect(serviceRetention({ kind: 'program-signup', endsAt: '2027-04-01T00:00:00.000Z' }, jackson, now)).toEqual({ dispose: false, reason: 'not-ended' });
  });
});

describe('vendor authorisation checker (issue 19)', () => {
  it('RF-6, RF-7: forgotten the profile’s months after the last sign-in, to the instant; a legal hold keeps it', () => {
    // No shipped profile states it: thirteen months, citing the minimisation clause it follows
    for (const profile of registry.all()) expect(vendorAuthorisationRule(profile)).toMatchObject({ months: 13, clause: 'JC-IVd', note: expect.stringContaining('Not stated') });
    expect(vendorAuthorisationRetention({ lastAt: '2026-02-15T12:00:00.001Z' }, imagineif, now)).toEqual({ dispose: false, reason: 'within-retention' });
    expect(vendorAuthorisationRetention({ lastAt: '2026-02-15T12:00:00.000Z' }, imagineif, now)).toEqual({ dispose: true, reason: 'retention-ended' });
    expect(vendorAuthorisationRetention({ lastAt: '2026-02-15T12:00:00.000Z', held: true }, imagineif, now)).toEqual({ dispose: false, reason: 'legal-hold' });
    // A profile that states its months is followed
    const stated = { retention: { ...imagineif.retention, vendorAuthorisations: { months: 3, clause: 'IF-4' } } };
    expect(vendorAuthorisationRetention({ lastAt: '2026-12-15T12:00:00.000Z' }, stated, now)).toEqual({ dispose: true, reason: 'retention-ended' });
    expect(vendorAuthorisationRetention({ lastAt: '2026-12-15T12:00:00.001Z' }, stated, now)).toEqual({ dispose: false, reason: 'within-retention' });
  });
});

describe('patron checker', () => {
  const patron = { status: 'active', lastActiveAt: '2026-03-15T12:00:00.000Z', createdAt: '2020-01-01T00:00:00.000Z', activeLoans: 0, balanceCents: 0, openHolds: 0 };
  it('CB-F3: inactive after twelve months without a check-out, never while items are out or money is owed', () => {
    expect(patronRetention(patron, carlsbad, now)).toEqual({ dispose: true, reason: 'inactive' });
    expect(patronRetention({ ...patron, lastActiveAt: '2026-03-15T12:00:01.000Z' }, carlsbad, now).reason).toBe('recently-active');
    expect(patronRetention({ ...patron, activeLoans: 1 }, carlsbad, now).reason).toBe('items-out');
    expect(patronRetention({ ...patron, balanceCents: 50 }, carlsbad, now).reason).toBe('money-owed');
    expect(patronRetention({ ...patron, status: 'deceased', lastActiveAt: '2027-03-01T00:00:00.000Z' }, carlsbad, now).reason).toBe('deceased');
  });

  it('CB-F3: an annual sweep is due once a year; every-run sweeps always', () => {
    expect(sweepDue('annually', null, now)).toBe(true);
    expect(sweepDue('annually', '2026-03-16T00:00:00.000Z', now)).toBe(false);
    expect(sweepDue('annually', '2026-03-15T12:00:00.000Z', now)).toBe(true);
    expect(sweepDue('every-run', '2027-03-15T00:00:00.000Z', now)).toBe(true);
  });

  it('CB-F3: an annual sweep not due says when it next runs: a year after the last, to the instant', () => {
    expect(sweepDecision('annually', null, now)).toEqual({ due: true });
    expect(sweepDecision('every-run', '2027-03-15T00:00:00.000Z', now)).toEqual({ due: true });
    expect(sweepDecision('annually', '2026-03-16T00:00:00.000Z', now)).toEqual({ due: false, nextSweepAfter: '2027-03-16T00:00:00.000Z' });
    expect(nextSweepAfter('2026-06-30T23:59:59.999Z')).toBe('2027-06-30T23:59:59.999Z');
  });

  it('CB-F3: a sweep on 29 February is next due on 28 February, and the receipt says that same instant', () => {
    const leap = '2028-02-29T10:00:00.000Z';
    expect(nextSweepAfter(leap)).toBe('2029-02-28T10:00:00.000Z');
    expect(sweepDue('annually', leap, new Date('2029-02-28T09:59:59.999Z'))).toBe(false);
    expect(sweepDue('annually', leap, new Date('2029-02-28T10:00:00.000Z'))).toBe(true);
    expect(sweepDecision('annually', leap, new Date('2028-06-01T00:00:00.000Z'))).toEqual({ due: false, nextSweepAfter: '2029-02-28T10:00:00.000Z' });
  });
});

describe('the category table of records kept a period after they end', () => {
  it('walks fines, holds, each kind of service record, then notices, in the order receipts list them', () => {
    expect(ENDED_CATEGORIES).toEqual(RETENTION_CATEGORIES.filter((c) => c in ENDED_RECORD_CATEGORIES));
    expect(ENDED_CATEGORIES).toEqual(['fines', 'holds', ...SERVICE_KINDS.map((kind) => SERVICE_CATEGORY[kind]), 'notices']);
    for (const kind of SERVICE_KINDS) expect(ENDED_RECORD_CATEGORIES[SERVICE_CATEGORY[kind]].values).toEqual([kind]);
  });

  it('pages over settled fines and ended holds only: an open fine or a waiting hold is never a candidate', () => {
    expect(ENDED_RECORD_CATEGORIES.fines.values).toEqual(['paid', 'waived']);
    expect(ENDED_RECORD_CATEGORIES.holds.values).toEqual(['fulfilled', 'cancelled', 'expired']);
    // Issue 17: a queued notice or a letter not yet posted is never a candidate.
    expect(ENDED_RECORD_CATEGORIES.notices.values).toEqual(['sent', 'failed', 'posted', 'cancelled']);
  });

  it('gives each category the rule its checker applies', () => {
    for (const profile of [imagineif, carlsbad, jackson]) {
      expect(ENDED_RECORD_CATEGORIES.fines.rule(profile)).toBe(profile.retention.fines);
      expect(ENDED_RECORD_CATEGORIES.holds.rule(profile)).toBe(profile.retention.holds);
      for (const kind of SERVICE_KINDS) expect(ENDED_RECORD_CATEGORIES[SERVICE_CATEGORY[kind]].rule(profile)).toBe(serviceRule(kind, profile));
    }
  });
});
