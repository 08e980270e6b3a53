import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INVENTORY, RECORD_CATEGORIES } from '../policy/inventory.js';
import { loadProfiles, parsedShippedProfiles, parseProfile, ProfileError, SHIPPED_PROFILES, shippedProfilesDir } from './profiles.js';
import { parse as parseYaml } from 'yaml';
import { CLAUSE_IDS } from '../../test/clauses.js';


function shipped(id: string): string {
  return readFileSync(join(shippedProfilesDir(), `${id}.yaml`), 'utf8');
}

/** The error a broken profile text gets, as (field, problem). */
function problemOf(text: string, file = '/etc/carrel/profiles/strict-default.yaml'): { file: string; field: string; problem: string } {
  try {
    parseProfile(text, file);
  } catch (error) {
    if (error instanceof ProfileError) return { file: error.file, field: error.field, problem: error.problem };
    throw error;
  }
  throw new Error('expected the profile to be refused');
}

describe('policy profiles', () => {
  it('the build keeps each shipped profile parsed under the digest of its text, and the copy in dist/ is the one the files give', () => {
    // The build (npm ci, npm test's pretest) has written dist/parsed-profiles.json: each shipped file is in it
    // under the SHA-256 of its text, as the YAML and the schema give it; a changed file has another digest.
    const parsed = parsedShippedProfiles();
    expect(Object.keys(parsed)).toHaveLength(SHIPPED_PROFILES.length);
    const built = join(shippedProfilesDir(), '..', 'dist', 'parsed-profiles.json');
    expect(existsSync(built), 'dist/parsed-profiles.json is missing: run `npm run build` (npm test builds first)').toBe(true);
    const inDist = JSON.parse(readFileSync(built, 'utf8')) as Record<string, unknown>;
    expect(inDist, 'dist/parsed-profiles.json is not the shipped profiles as they are: run `npm run build`').toEqual(parsed);
    for (const id of SHIPPED_PROFILES) {
      const text = readFileSync(join(shippedProfilesDir(), `${id}.yaml`), 'utf8');
      expect(parsed[createHash('sha256').update(text).digest('hex')]).toEqual(parseYaml(text));
    }
  });

  it('ships the six profiles, each valid, every rule citing a clause of CLAUSES.md', () => {
    const registry = loadProfiles();
    expect(registry.all().map((p) => p.id).sort()).toEqual([...SHIPPED_PROFILES].sort());
    for (const profile of registry.all()) {
      const clauses = [
        ...Object.values(profile.retention).map((rule) => rule.clause),
        ...profile.externalRecords.map((s) => s.clause),
        profile.statistics.clause,
      ];
      for (const clause of clauses) expect(CLAUSE_IDS.has(clause), `${profile.id} cites ${clause}`).toBe(true);
    }
  });

  it('keeps the promises the issue names: anonymise on return, opt-in history, twelve months, camera periods', () => {
    const registry = loadProfiles();
    expect(registry.get('imagineif-mt').retention.loans).toMatchObject({ afterReturn: 'anonymise', clause: 'IF-3' });
    expect(registry.get('carlsbad-nm').retention.loans).toMatchObject({ afterReturn: 'keep-months', months: 12, clause: 'CB-F3' });
    expect(registry.get('carlsbad-nm').retention.inactivePatrons).toMatchObject({ months: 12, sweep: 'annually', clause: 'CB-F3' });
    expect(registry.get('jackson-county-or').retention.readingHistory).toMatchObject({ offered: true, clause: 'JC-IIIc' });
    expect(registry.get('carlsbad-nm').externalRecords).toContainEqual(expect.objectContaining({ code: 'security-camera', days: 180, clause: 'CB-H' }));
    expect(registry.get('ridgefield-ct').externalRecords).toContainEqual(expect.objectContaining({ code: 'security-camera', days: 30, clause: 'RF-9' }));
    // strict-default: the shortest of everything any shipped profile keeps
    const strict = registry.get('strict-default');
    expect(strict.retention.loans.afterReturn).toBe('anonymise');
    expect(strict.retention.readingHistory.offered).toBe(true);
    for (const profile of registry.all()) {
      for (const key of ['fines', 'holds', 'computerSessions', 'programSignups', 'roomBookings', 'illRequests', 'referenceRequests'] as const)
        expect(strict.retention[key].days, `${key} vs ${profile.id}`).toBeLessThanOrEqual(profile.retention[key].days);
      expect(strict.retention.inactivePatrons.months).toBeLessThanOrEqual(profile.retention.inactivePatrons.months);
    }
  });

  it('names the file, the field and the problem when a profile is wrong', () => {
    const good = shipped('strict-default');
    expect(problemOf(good.replace('months: 12\n    sweep', 'months: twelve\n    sweep'))).toMatchObject({ field: 'retention.inactive_patrons.months', file: '/etc/carrel/profiles/strict-default.yaml' });
    expect(problemOf(good.replace('  holds:\n', '  holdz:\n'))).toEqual(expect.objectContaining({ field: 'retention.holdz', problem: 'is not a field of a profile' }));
    expect(problemOf(good.replace('    clause: IF-3\n', ''))).toEqual(expect.objectContaining({ field: 'retention.loans.clause', problem: 'is required' }));
    expect(problemOf(good.replace('after_return: anonymise', 'after_return: keep-months'))).toEqual(expect.objectContaining({ field: 'retention.loans.months' }));
    expect(problemOf(good.replace('clause: IF-3', 'clause: if three'))).toEqual(expect.objectContaining({ field: 'retention.loans.clause' }));
    expect(problemOf(good, '/x/other-name.yaml')).toEqual(expect.objectContaining({ field: 'id' }));
    expect(problemOf('id: [unclosed')).toEqual(expect.objectContaining({ problem: expect.stringContaining('not valid YAML') }));
    expect(problemOf('- a list\n')).toEqual(expect.objectContaining({ problem: 'a profile is a YAML mapping of fields' }));
  });

  it('reads how long a vendor authorisation is kept after its last use, or leaves it to the default (issue 19)', () => {
    const good = shipped('strict-default');
    // Silent (every shipped profile): the rule's default, and the fingerprint stays the profile's own
    expect(parseProfile(good, '/x/strict-default.yaml').retention.vendorAuthorisations).toBeUndefined();
    const stated = good.replace('  access_log:\n', '  vendor_authorisations:\n    months_after_last_use: 6\n    clause: RF-6\n    note: Six months.\n  access_log:\n');
    expect(parseProfile(stated, '/x/strict-default.yaml').retention.vendorAuthorisations).toEqual({ months: 6, clause: 'RF-6', note: 'Six months.' });
    expect(problemOf(stated.replace('months_after_last_use: 6', 'months_after_last_use: 0'))).toMatchObject({ field: 'retention.vendor_authorisations.months_after_last_use' });
    expect(problemOf(stated.replace('months_after_last_use: 6', 'days_after_last_use: 6'))).toMatchObject({ field: expect.stringMatching(/^retention\.vendor_authorisations/) });
    expect(problemOf(stated.replace('clause: RF-6\n    note: Six', 'clause: rf six\n    note: Six'))).toMatchObject({ field: 'retention.vendor_authorisations.clause' });
  });

  it('loads an operator’s profile beside the shipped ones, and refuses one that reuses a shipped id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'carrel-profiles-'));
    const text = shipped('carlsbad-nm').replace('id: carlsbad-nm', 'id: eddy-county-nm').replace('months: 12\n    clause: CB-F3\n  reading', 'months: 18\n    clause: CB-F3\n  reading');
    writeFileSync(join(dir, 'eddy-county-nm.yaml'), text);
    const registry = loadProfiles(dir);
    expect(registry.get('eddy-county-nm').retention.loans).toMatchObject({ afterReturn: 'keep-months', months: 18 });
    writeFileSync(join(dir, 'carlsbad-nm.yaml'), shipped('carlsbad-nm'));
    expect(() => loadProfiles(dir)).toThrow(/already defined/);
  });
});

describe('data inventory', () => {
  it('declares every record category once, each with fields, purpose, basis, access, storage, retention and disposal', () => {
    expect(INVENTORY.map((c) => c.id)).toEqual([...RECORD_CATEGORIES]);
    const registry = loadProfiles();
    for (const category of INVENTORY) {
      expect(category.fields.length).toBeGreaterThan(0);
      expect(category.legalBasis.clauses.every((c) => CLAUSE_IDS.has(c)), category.id).toBe(true);
      expect(category.storage.tables.length).toBeGreaterThan(0);
      for (const profile of registry.all()) {
        const rule = category.retention(profile);
        expect(rule.rule.length, `${category.id} under ${profile.id}`).toBeGreaterThan(0);
        expect(CLAUSE_IDS.has(rule.clause), `${category.id} under ${profile.id} cites ${rule.clause}`).toBe(true);
      }
    }
  });

  it('says what each profile keeps in words that follow the profile', () => {
    const registry = loadProfiles();
    const loans = INVENTORY.find((c) => c.id === 'circulation');
    expect(loans?.retention(registry.get('carlsbad-nm'))).toMatchObject({ rule: expect.stringContaining('12 months'), clause: 'CB-F3' });
    expect(loans?.retention(registry.get('imagineif-mt'))).toMatchObject({ rule: expect.stringContaining('on return'), clause: 'IF-3' });
  });
});
