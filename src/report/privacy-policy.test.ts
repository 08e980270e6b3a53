import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INSTRUMENTS } from '../domain/disclosure.js';
import { INVENTORY } from '../policy/inventory.js';
import { fingerprint, rulesOf, versionHistory } from '../profile/profile-version.js';
import type { Profile } from '../policy/profile.schema.js';
import { loadProfiles, parseProfile, shippedProfilesDir } from '../profile/profiles.js';
import { buildPrivacyPolicy, CATEGORY_VIEW_PERMISSIONS, rolesSeeing } from './privacy-policy.js';
import { POLICY_PAGE_CSP, renderPolicyHtml, renderPolicyMarkdown } from './privacy-policy.render.js';

/** The published privacy policy, built from the inventory and a profile (CB-A9, RR-10). */

const registry = loadProfiles();

function policyOf(profile: Profile, history: Profile[] = [profile]) {
  const recorded = history.map((p, i) => ({ version: p.version, effective: p.effective, contentHash: fingerprint(p).contentHash, firstSeenAt: `2027-0${i + 1}-01T00:00:00.000Z`, rules: rulesOf(p) }));
  return buildPrivacyPolicy({
    library: { id: 'test-library', name: 'Test Library' },
    profile: rulesOf(profile),
    contentHash: fingerprint(profile).contentHash,
    history: versionHistory(recorded, fingerprint(profile).contentHash),
    complaintAnswerDays: 30,
    generatedAt: '2027-06-01T12:00:00.000Z',
  });
}

/** Every clause a profile's rules cite. */
function clausesOf(p: Profile): string[] {
  return [
    ...Object.values(p.retention).map((r) => r.clause),
    p.access.guardians.clause,
    p.access.sharedPatrons.clause,
    p.access.patronLogin.clause,
    p.disclosure.clause,
    ...INSTRUMENTS.map((i) => p.disclosure.instruments[i].clause),
    ...p.externalRecords.map((s) => s.clause),
    p.statistics.clause,
  ];
}

describe('published privacy policy (pure)', () => {
  it.each(registry.all().map((p) => [p.id, p] as const))('%s: names every inventory category and cites every rule’s clause (CB-A9)', (_id, profile) => {
    const doc = policyOf(profile);
    const html = renderPolicyHtml(doc);
    const md = renderPolicyMarkdown(doc);
    for (const category of INVENTORY) {
      expect(doc.categories.map((c) => c.id)).toContain(category.id);
      expect(html).toContain(`<h3>${category.name}</h3>`);
      expect(md).toContain(`### ${category.name}`);
      for (const clause of category.legalBasis.clauses) expect(html).toContain(clause);
    }
    for (const clause of clausesOf(profile)) {
      expect(html, `${profile.id}: ${clause} in HTML`).toContain(clause);
      expect(md, `${profile.id}: ${clause} in Markdown`).toContain(clause);
    }
    for (const series of profile.externalRecords) expect(html).toContain(series.name);
    expect(doc.disclosure.instruments.map((i) => i.instrument)).toEqual([...INSTRUMENTS]);
    expect(html).toContain(`Version ${profile.version}, effective ${profile.effective}`);
    expect(html).toContain('answers within 30 days');
    // The statistics, each kind a category: no personal data, published to anyone, seen by no staff role as a record
    for (const id of ['circulation-statistics', 'registration-statistics', 'service-statistics', 'vendor-statistics']) {
      const category = doc.categories.find((c) => c.id === id)!;
      expect(category.howLong.text).toContain('no personal data');
      expect(category.whoCanSee).toMatchObject({ patron: false, guardian: null, staffRoles: [] });
      expect(category.whoCanSee.text).toMatch(/^Anyone: the numbers are published, with no personal data\.$/);
    }
  });

  it.each(registry.all().map((p) => [p.id, p] as const))('%s: the page is self-contained: no script, nothing fetched, one style sheet its CSP allows', (_id, profile) => {
    const html = renderPolicyHtml(policyOf(profile));
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|<form|\bsrc=|\bhref=|url\(|@import|\bstyle="|\bon[a-z]+=/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(POLICY_PAGE_CSP).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(html).toContain('@media print');
  });

  it('says who can see each category from the role table: the administrator sees no record, a volunteer only the shelf', () => {
    expect(rolesSeeing('registration')).toEqual(['circulation clerk', 'librarian', 'branch manager', 'director / privacy officer']);
    expect(rolesSeeing('access-log')).toEqual(['director / privacy officer']);
    expect(rolesSeeing('computer-sessions')).toEqual(['director / privacy officer']); // JC-VII: only when a violation is suspected
    for (const category of Object.keys(CATEGORY_VIEW_PERMISSIONS) as (keyof typeof CATEGORY_VIEW_PERMISSIONS)[]) {
      expect(rolesSeeing(category)).not.toContain('system administrator');
      expect(rolesSeeing(category)).not.toContain('volunteer');
    }
    // Guardians per the profile: ridgefield-ct gives them nothing (RF-2), carlsbad-nm the whole record with the card (CB-B3)
    const rf = policyOf(registry.get('ridgefield-ct'));
    expect(rf.categories.every((c) => c.whoCanSee.guardian === null)).toBe(true);
    const cb = policyOf(registry.get('carlsbad-nm'));
    expect(cb.categories.find((c) => c.id === 'registration')!.whoCanSee.guardian).toBe('only with the child’s card or card number');
    expect(cb.categories.find((c) => c.id === 'fines')!.whoCanSee.guardian).toBe('with or without the child’s card');
  });

  it('says which vendors a patron signed in to is kept, why (RF-6, CB-D, IF-4) and for how long, and that sign-ins are counted with no one in the count (issue 19)', () => {
    for (const profile of registry.all()) {
      const doc = policyOf(profile);
      const vendors = doc.categories.find((c) => c.id === 'vendor-authorisations')!;
      expect(vendors.why.clauses).toEqual(expect.arrayContaining(['RF-6', 'CB-D', 'IF-4']));
      expect(vendors.why.text).toContain('pseudonym');
      // No shipped profile states it: the default, thirteen months after the last sign-in, with its clause and note
      expect(vendors.howLong).toEqual({ text: expect.stringContaining('Kept 13 months after you last signed in to the vendor'), clauses: ['JC-IVd'] });
      expect(vendors.note).toContain('Not stated');
      expect(vendors.whoCanSee).toMatchObject({ patron: true, guardian: null });
      expect(vendors.whoCanSee.staffRoles).not.toContain('system administrator');
      const counts = doc.categories.find((c) => c.id === 'vendor-statistics')!;
      expect(counts.fields).toEqual(['month', 'vendor', 'number of sign-ins']);
      expect(counts.why.clauses).toContain('CB-D');
    }
    // A profile that states its own months says so, and the list of changes tells patrons (RR-10)
    const v1 = registry.get('ridgefield-ct');
    const text = readFileSync(join(shippedProfilesDir(), 'ridgefield-ct.yaml'), 'utf8');
    const v2 = parseProfile(
      text.replace('  access_log:\n', '  vendor_authorisations:\n    months_after_last_use: 3\n    clause: RF-6\n  access_log:\n').replace('version: 1', 'version: 2'),
      '/x/ridgefield-ct.yaml',
    );
    const html = renderPolicyHtml(policyOf(v2, [v1, v2]));
    expect(html).toContain('Kept 3 months after you last signed in to the vendor');
    expect(html).toContain('Vendors you signed in to: forgotten 13 months after the last sign-in → forgotten 3 months after the last sign-in (RF-6)');
  });

  it('says per instrument whether records could leave, and on what basis (CB-E1, RR-7, IF-8)', () => {
    const byId = (id: string) => Object.fromEntries(policyOf(registry.get(id)).disclosure.instruments.map((i) => [i.instrument, i]));
    expect(byId('carlsbad-nm').subpoena).toMatchObject({ permitted: false, statement: { clauses: ['CB-E1'] } });
    expect(byId('imagineif-mt').subpoena).toMatchObject({ permitted: true });
    expect(byId('rio-rancho-nm')['emergency-claim']).toMatchObject({ permitted: true, permits: 'identity-only', statement: { clauses: ['RR-7'] } });
    expect(byId('carlsbad-nm')['public-records-request']).toMatchObject({ permitted: true, patronTold: false });
  });

  it('changes when a retention rule changes, and says what changed (RR-10)', () => {
    const v1 = registry.get('rio-rancho-nm');
    const text = readFileSync(join(shippedProfilesDir(), 'rio-rancho-nm.yaml'), 'utf8');
    const v2 = parseProfile(text.replace('after_return: anonymise\n    clause: RR-2', 'after_return: keep-months\n    months: 6\n    clause: CB-F3').replace('version: 1', 'version: 2'), '/x/rio-rancho-nm.yaml');
    const before = renderPolicyHtml(policyOf(v1));
    const after = renderPolicyHtml(policyOf(v2, [v1, v2]));
    expect(before).toContain('then the link between you and the item is removed.');
    expect(before).not.toContain('then 6 months more');
    expect(after).toContain('then 6 months more; then the link between you and the item is removed. <span class="clause">(CB-F3)</span>');
    expect(after).toContain('Returned loans: anonymised on return → kept 6 months after return (CB-F3)');
    expect(after).toContain('Version 2, effective');
  });
});
