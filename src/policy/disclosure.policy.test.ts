import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, INSTRUMENTS, type Instrument } from '../domain/disclosure.js';
import { canSeeRequest, disclosureAllowed, type DisclosureQuestion } from './disclosure.policy.js';
import { DEFAULT_DISCLOSURE, loadProfiles, parseProfile, shippedProfilesDir } from '../profile/profiles.js';
import { CLAUSE_IDS } from '../../test/clauses.js';


const registry = loadProfiles();
const DIRECTOR = { kind: 'staff', roles: ['director'] } as const;
const REVIEWED = { properForm: true, goodCause: true };

function ask(profileId: string, instrument: Instrument, overrides: Partial<DisclosureQuestion> = {}) {
  return disclosureAllowed(registry.get(profileId), {
    instrument,
    requestedCategories: ['registration', 'circulation'],
    referred: true,
    review: REVIEWED,
    decider: DIRECTOR,
    ...overrides,
  });
}

describe('disclosure rules of the shipped profiles', () => {
  it('states every instrument in every shipped profile, each citing a clause of CLAUSES.md', () => {
    for (const profile of registry.all()) {
      expect(Object.keys(profile.disclosure.instruments).sort(), profile.id).toEqual([...INSTRUMENTS].sort());
      expect(CLAUSE_IDS.has(profile.disclosure.clause), `${profile.id} cites ${profile.disclosure.clause}`).toBe(true);
      expect(profile.disclosure.decidedBy).toBe('director');
      for (const [instrument, rule] of Object.entries(profile.disclosure.instruments))
        expect(CLAUSE_IDS.has(rule.clause), `${profile.id} ${instrument} cites ${rule.clause}`).toBe(true);
    }
  });

  it('gives a profile that leaves the section out the strictest reading: a court order only, reviewed by counsel', () => {
    const text = readFileSync(join(shippedProfilesDir(), 'strict-default.yaml'), 'utf8');
    const without = text.replace(/\n# Lawful disclosure[^\n]*\ndisclosure:\n(?: {2}[^\n]*\n)+/, '\n');
    expect(without).not.toContain('disclosure:');
    const profile = parseProfile(without, '/x/strict-default.yaml');
    expect(profile.disclosure).toEqual(DEFAULT_DISCLOSURE);
    const accepted = INSTRUMENTS.filter((i) => profile.disclosure.instruments[i].permits !== 'refuse');
    expect(accepted).toEqual(['court-order']);
    expect(profile.disclosure.instruments['court-order'].counselReviewRequired).toBe(true);
    // strict-default ships the same rules, written out
    expect(INSTRUMENTS.map((i) => registry.get('strict-default').disclosure.instruments[i].permits)).toEqual(INSTRUMENTS.map((i) => DEFAULT_DISCLOSURE.instruments[i].permits));
  });

  it('releases a subpoena under imagineif-mt (IF-8) and refuses it under carlsbad-nm (CB-E1) and ridgefield-ct (RF-2)', () => {
    expect(ask('imagineif-mt', 'subpoena')).toMatchObject({ allowed: true, reason: 'APPROVED', clause: 'IF-8' });
    expect(ask('carlsbad-nm', 'subpoena')).toEqual({ allowed: false, reason: 'INSTRUMENT_NOT_ACCEPTED', clause: 'CB-E1' });
    expect(ask('ridgefield-ct', 'subpoena')).toEqual({ allowed: false, reason: 'INSTRUMENT_NOT_ACCEPTED', clause: 'RF-2' });
  });

  it('CB-E1: a court order needs counsel to find it in proper form and showing good cause', () => {
    expect(ask('carlsbad-nm', 'court-order', { review: null })).toMatchObject({ allowed: false, reason: 'COUNSEL_REVIEW_MISSING' });
    expect(ask('carlsbad-nm', 'court-order', { review: { properForm: false, goodCause: true } })).toMatchObject({ allowed: false, reason: 'NOT_IN_PROPER_FORM' });
    expect(ask('carlsbad-nm', 'court-order', { review: { properForm: true, goodCause: false } })).toMatchObject({ allowed: false, reason: 'NO_GOOD_CAUSE' });
    expect(ask('carlsbad-nm', 'court-order')).toMatchObject({ allowed: true, reason: 'APPROVED', clause: 'CB-E1', releasable: { categories: ['registration', 'circulation'] } });
  });

  it('CB-B2 / RF-2: the patron’s written consent releases under carlsbad-nm and ridgefield-ct, not under imagineif-mt (IF-8)', () => {
    expect(ask('carlsbad-nm', 'patron-consent', { review: null })).toMatchObject({ allowed: true, clause: 'CB-B2' });
    expect(ask('ridgefield-ct', 'patron-consent', { review: null })).toMatchObject({ allowed: true, clause: 'RF-2' });
    expect(ask('imagineif-mt', 'patron-consent', { review: null })).toMatchObject({ allowed: false, reason: 'INSTRUMENT_NOT_ACCEPTED', clause: 'IF-8' });
    for (const instrument of INSTRUMENTS.filter((i) => !['court-order', 'search-warrant', 'patron-consent', 'fisa-or-nsl'].includes(i)))
      expect(ask('ridgefield-ct', instrument).allowed, `ridgefield-ct ${instrument}`).toBe(false);
  });

  it('RR-7: an emergency claim under rio-rancho-nm releases identity only (name, address, phone, email; no circulation, no birth date)', () => {
    const decision = ask('rio-rancho-nm', 'emergency-claim', { review: null });
    expect(decision).toMatchObject({ allowed: true, reason: 'IDENTITY_ONLY', clause: 'RR-7', releasable: { permits: 'identity-only', categories: ['registration'] } });
    if (decision.allowed) expect(decision.releasable.registrationFields.sort()).toEqual(['address', 'email', 'name', 'phone']);
    expect(ask('rio-rancho-nm', 'emergency-claim', { requestedCategories: ['circulation'] })).toMatchObject({ allowed: false, reason: 'NOTHING_RELEASABLE' });
    for (const other of ['carlsbad-nm', 'jackson-county-or', 'ridgefield-ct', 'imagineif-mt', 'strict-default'])
      expect(ask(other, 'emergency-claim').allowed, other).toBe(false);
  });

  it('JC-IVd-le: a written request under jackson-county-or is the director’s, after referral and counsel’s advice', () => {
    expect(ask('jackson-county-or', 'written-request', { referred: false })).toMatchObject({ allowed: false, reason: 'REFERRAL_MISSING', clause: 'JC-IVd-le' });
    expect(ask('jackson-county-or', 'written-request', { review: null })).toMatchObject({ allowed: false, reason: 'COUNSEL_REVIEW_MISSING' });
    expect(ask('jackson-county-or', 'written-request')).toMatchObject({ allowed: true, reason: 'DIRECTOR_APPROVED', clause: 'JC-IVd-le' });
    expect(ask('jackson-county-or', 'informal-request')).toMatchObject({ allowed: false, reason: 'INSTRUMENT_NOT_ACCEPTED' });
    expect(ask('jackson-county-or', 'fisa-or-nsl')).toMatchObject({ allowed: true, clause: 'JC-II' });
  });

  it('CB-E3: a public-records request under carlsbad-nm releases names, addresses and amounts owed only; JC-VIII refuses it', () => {
    const decision = ask('carlsbad-nm', 'public-records-request', { requestedCategories: ['registration', 'fines', 'circulation'], review: null });
    expect(decision).toMatchObject({ allowed: true, reason: 'OVERDUE_ACCOUNTS_ONLY', clause: 'CB-E3', releasable: { categories: ['registration', 'fines'], registrationFields: ['name', 'address'] } });
    expect(registry.get('carlsbad-nm').disclosure.instruments['public-records-request'].notifyPatron).toBe('never');
    expect(ask('jackson-county-or', 'public-records-request')).toMatchObject({ allowed: false, clause: 'JC-VIII' });
  });

  it('CB-E2, IF-9, RR-2: materials recovery releases contact, items and amounts owed; not where the policy names no collection', () => {
    for (const [id, clause] of [['carlsbad-nm', 'CB-E2'], ['imagineif-mt', 'IF-9'], ['rio-rancho-nm', 'RR-2']] as const) {
      const decision = ask(id, 'materials-recovery', { requestedCategories: ['registration', 'circulation', 'fines', 'holds'], review: null });
      expect(decision, id).toMatchObject({ allowed: true, reason: 'RECOVERY_ONLY', clause, releasable: { categories: ['registration', 'circulation', 'fines'] } });
    }
    expect(ask('ridgefield-ct', 'materials-recovery').allowed).toBe(false);
    expect(ask('jackson-county-or', 'materials-recovery').allowed).toBe(false);
  });

  it('RR-5, CB-A7, RF-5: only the director decides, whatever the instrument', () => {
    expect(ask('imagineif-mt', 'court-order', { decider: { kind: 'staff', roles: ['librarian', 'branch-manager'] } })).toMatchObject({ allowed: false, reason: 'DECIDER_NOT_AUTHORIZED' });
    expect(ask('imagineif-mt', 'court-order', { decider: { kind: 'system' } })).toMatchObject({ allowed: true });
  });

  it('JC-II: a gagged request is seen only by the director role and the system until the gag ends', () => {
    const now = new Date('2026-03-02T17:00:00Z');
    const gag = { gagUntil: '2026-06-01T00:00:00.000Z' };
    expect(canSeeRequest({ kind: 'staff', id: 'x', libraryId: 'l', roles: ['librarian'] }, gag, now)).toBe(false);
    expect(canSeeRequest({ kind: 'staff', id: 'x', libraryId: 'l', roles: ['director'] }, gag, now)).toBe(true);
    expect(canSeeRequest({ kind: 'system', id: 'system' }, gag, now)).toBe(true);
    expect(canSeeRequest({ kind: 'staff', id: 'x', libraryId: 'l', roles: ['librarian'] }, gag, new Date('2026-06-02T00:00:00Z'))).toBe(true);
  });

  it('writes canonical JSON: keys sorted at every level, no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }], e: undefined })).toBe('{"a":[{"c":"x","d":null}],"b":1}');
  });
});
