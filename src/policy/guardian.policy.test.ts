import { describe, expect, it } from 'vitest';
import { cutRecord, guardianAccess, guardiansSeeAnything, linkIsLive, sectionsOf, type GuardianRule } from './guardian.policy.js';
import { loadProfiles } from '../profile/profiles.js';
import { CLAUSE_IDS } from '../../test/clauses.js';


const registry = loadProfiles();
const TZ = 'America/Denver';
const IF7: GuardianRule = registry.get('imagineif-mt').access.guardians;

describe('shipped profiles: access rules', () => {
  it('every access rule and the access log’s retention cite a clause of CLAUSES.md', () => {
    for (const profile of registry.all()) {
      const clauses = [profile.access.sharedPatrons.clause, profile.access.guardians.clause, profile.access.patronLogin.clause, profile.retention.accessLog.clause];
      for (const clause of clauses) expect(CLAUSE_IDS.has(clause), `${profile.id} cites ${clause}`).toBe(true);
    }
  });

  it('states the guardian rule of each policy (RR-8, CB-B3, JC-IVc, RF-2, IF-7)', () => {
    const rules = Object.fromEntries(registry.all().map((p) => [p.id, p.access.guardians]));
    expect(rules['imagineif-mt']).toMatchObject({ ageOfMajority: 18, withChildCard: 'full', withoutChildCard: 'overdue-and-fines', clause: 'IF-7' });
    expect(rules['carlsbad-nm']).toMatchObject({ ageOfMajority: 18, withChildCard: 'full', withoutChildCard: 'overdue-and-fines', clause: 'CB-B3' });
    expect(rules['jackson-county-or']).toMatchObject({ ageOfMajority: 18, withChildCard: 'full', withoutChildCard: 'none', clause: 'JC-IVc' });
    expect(rules['rio-rancho-nm']).toMatchObject({ ageOfMajority: 18, withChildCard: 'overdue-and-fines', withoutChildCard: 'overdue-and-fines', clause: 'RR-8' });
    expect(rules['ridgefield-ct']).toMatchObject({ ageOfMajority: 18, withChildCard: 'none', withoutChildCard: 'none', clause: 'RF-2' });
    expect(rules['strict-default']).toMatchObject({ ageOfMajority: 18, withChildCard: 'current-circulation', withoutChildCard: 'none', clause: 'JC-IVc' });
  });

  it('RF-4: only the consortium member shares its patrons', () => {
    for (const profile of registry.all()) expect(profile.access.sharedPatrons.allowed, profile.id).toBe(profile.id === 'ridgefield-ct');
    expect(registry.get('ridgefield-ct').access.sharedPatrons.clause).toBe('RF-4');
  });

  it('strict-default keeps the access log no longer than any other profile', () => {
    const strict = registry.get('strict-default').retention.accessLog.months;
    for (const profile of registry.all()) expect(strict, profile.id).toBeLessThanOrEqual(profile.retention.accessLog.months);
  });
});

describe('guardianAccess', () => {
  const child = { birthDate: '2014-05-20', status: 'active' as const };
  const now = new Date('2026-03-02T17:00:00Z');
  const live = { endedAt: null };

  it('IF-7: with the child’s card the guardian sees everything; without it, overdue, lost or damaged items and fines', () => {
    expect(guardianAccess({ rule: IF7, link: live, minor: child, timeZone: TZ, now, card: 'matches' })).toEqual({ allowed: true, level: 'full', clause: 'IF-7', reason: 'with-child-card' });
    expect(guardianAccess({ rule: IF7, link: live, minor: child, timeZone: TZ, now, card: 'absent' })).toEqual({
      allowed: true,
      level: 'overdue-and-fines',
      clause: 'IF-7',
      reason: 'without-child-card',
    });
  });

  it('IF-7: a number that is not the child’s card is no card', () => {
    expect(guardianAccess({ rule: IF7, link: live, minor: child, timeZone: TZ, now, card: 'other' })).toMatchObject({ allowed: true, level: 'overdue-and-fines' });
  });

  it('JC-IVa, IF-6: a card reported lost opens nothing more, even for the guardian who holds it', () => {
    expect(guardianAccess({ rule: IF7, link: live, minor: { ...child, status: 'card-lost' }, timeZone: TZ, now, card: 'matches' })).toMatchObject({ level: 'overdue-and-fines' });
  });

  it('JC-IVc: without the child’s card a guardian sees nothing', () => {
    const rule = registry.get('jackson-county-or').access.guardians;
    expect(guardianAccess({ rule, link: live, minor: child, timeZone: TZ, now, card: 'absent' })).toEqual({ allowed: false, level: 'none', clause: 'JC-IVc', reason: 'not-given' });
    expect(guardianAccess({ rule, link: live, minor: child, timeZone: TZ, now, card: 'matches' })).toMatchObject({ allowed: true, level: 'full' });
  });

  it('RF-1, RF-2: a guardian sees nothing, with or without the card', () => {
    const rule = registry.get('ridgefield-ct').access.guardians;
    expect(guardiansSeeAnything(rule)).toBe(false);
    for (const card of ['absent', 'matches', 'other'] as const) expect(guardianAccess({ rule, link: live, minor: child, timeZone: TZ, now, card }).allowed).toBe(false);
  });

  it('refuses without a link, and after the link ended on record', () => {
    expect(guardianAccess({ rule: IF7, link: undefined, minor: child, timeZone: TZ, now, card: 'matches' })).toMatchObject({ allowed: false, reason: 'no-link' });
    expect(guardianAccess({ rule: IF7, link: { endedAt: '2026-01-01T00:00:00.000Z' }, minor: child, timeZone: TZ, now, card: 'matches' })).toMatchObject({
      allowed: false,
      reason: 'link-ended',
    });
  });

  it('the link ends by itself at the start of the 18th birthday on the library’s calendar', () => {
    const minor = { birthDate: '2010-03-15', status: 'active' as const };
    // 2028-03-15 00:00 in Denver (MDT, UTC-6) is 06:00Z.
    const eve = new Date('2028-03-15T05:59:59Z');
    const birthday = new Date('2028-03-15T06:00:00Z');
    expect(guardianAccess({ rule: IF7, link: live, minor, timeZone: TZ, now: eve, card: 'matches' })).toMatchObject({ allowed: true });
    expect(guardianAccess({ rule: IF7, link: live, minor, timeZone: TZ, now: birthday, card: 'matches' })).toMatchObject({ allowed: false, reason: 'of-age' });
    expect(linkIsLive(IF7, live, minor.birthDate, TZ, eve)).toBe(true);
    expect(linkIsLive(IF7, live, minor.birthDate, TZ, birthday)).toBe(false);
    expect(linkIsLive({ ageOfMajority: 21 }, live, minor.birthDate, TZ, birthday)).toBe(true);
  });
});

describe('cutRecord', () => {
  const now = new Date('2026-03-02T17:00:00Z');
  const loan = (id: string, status: 'active' | 'returned' | 'lost', dueAt: string) => ({ id, status, dueAt });
  const record = {
    minorId: 'm',
    keepsReadingHistory: true,
    registration: { name: 'Kid' },
    loans: [loan('due-later', 'active', '2026-03-20T06:00:00Z'), loan('overdue', 'active', '2026-02-20T06:00:00Z'), loan('lost', 'lost', '2026-01-10T06:00:00Z'), loan('read', 'returned', '2026-01-01T06:00:00Z')],
    holds: [
      { id: 'waiting', status: 'pending' as const },
      { id: 'picked-up', status: 'fulfilled' as const },
    ],
    fines: [
      { id: 'overdue', kind: 'overdue' as const, status: 'open' as const, balanceCents: 150 },
      { id: 'lost', kind: 'lost' as const, status: 'open' as const, balanceCents: 2000 },
      { id: 'damage', kind: 'fee' as const, status: 'open' as const, balanceCents: 300 },
      { id: 'paid', kind: 'overdue' as const, status: 'paid' as const, balanceCents: 0 },
    ],
    payments: [{ id: 'p1' }],
    services: [{ kind: 'program-signup' as const, id: 's1' }],
  };
  const ids = (rows: readonly { id: string }[] | undefined) => rows?.map((r) => r.id);

  it('full: registration, every loan still held, history kept at the child’s choice, holds, fines, payments, services', () => {
    const { view, categories } = cutRecord(record, { level: 'full', clause: 'IF-7' }, now);
    expect(view.registration).toEqual({ name: 'Kid' });
    expect(ids(view.loans)).toEqual(['due-later', 'overdue', 'lost']);
    expect(ids(view.history)).toEqual(['read']);
    expect(ids(view.holds)).toEqual(['waiting', 'picked-up']);
    expect(ids(view.fines)).toEqual(['overdue', 'lost', 'damage', 'paid']);
    expect(ids(view.payments)).toEqual(['p1']);
    expect(ids(view.services)).toEqual(['s1']);
    expect(view.balanceCents).toBe(2450);
    expect(categories).toEqual(expect.arrayContaining(['registration', 'circulation', 'reading-history', 'holds', 'fines', 'program-signups']));
    expect(cutRecord({ ...record, keepsReadingHistory: false }, { level: 'full', clause: 'IF-7' }, now).categories).not.toContain('reading-history');
  });

  it('IF-5: current-circulation is what is out, waiting and owed', () => {
    const { view, categories } = cutRecord(record, { level: 'current-circulation', clause: 'JC-IVc' }, now);
    expect(ids(view.loans)).toEqual(['due-later', 'overdue']);
    expect(ids(view.holds)).toEqual(['waiting']);
    expect(ids(view.fines)).toEqual(['overdue', 'lost', 'damage']);
    expect(view.balanceCents).toBe(2450);
    for (const absent of ['registration', 'history', 'payments', 'services']) expect(view).not.toHaveProperty(absent);
    expect(categories).toEqual(['circulation', 'holds', 'fines']);
  });

  it('RR-8, IF-7: overdue-and-fines is what is overdue now or lost, and the fines owed', () => {
    const { view, categories } = cutRecord(record, { level: 'overdue-and-fines', clause: 'RR-8' }, now);
    expect(ids(view.loans)).toEqual(['overdue', 'lost']);
    expect(ids(view.fines)).toEqual(['overdue', 'lost', 'damage']);
    expect(view.balanceCents).toBe(2450);
    for (const absent of ['registration', 'history', 'holds', 'payments', 'services']) expect(view).not.toHaveProperty(absent);
    expect(categories).toEqual(['circulation', 'fines']);
  });

  it('names the sections each level loads', () => {
    expect(sectionsOf('full')).toContain('services');
    expect(sectionsOf('current-circulation')).toEqual(['loans', 'holds', 'fines']);
    expect(sectionsOf('overdue-and-fines')).toEqual(['loans', 'fines']);
  });
});
