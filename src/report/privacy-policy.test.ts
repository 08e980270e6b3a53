import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INSTRUMENTS } from '../domain/disclosure.js';
import { translator } from '../i18n/messages.js';
import { INVENTORY } from '../policy/inventory.js';
import { ownClauses, outsideWords } from '../policy/policy-words.js';
import { fingerprint, rulesOf, versionHistory } from '../profile/profile-version.js';
import type { Profile } from '../policy/profile.schema.js';
import { loadProfiles, parseProfile, shippedProfilesDir } from '../profile/profiles.js';
import { buildPrivacyPolicy, CATEGORY_VIEW_PERMISSIONS, rolesSeeing } from './privacy-policy.js';
import { POLICY_PAGE_CSP, renderPolicyHtml as renderHtml, renderPolicyMarkdown as renderMarkdown } from './privacy-policy.render.js';
import type { PrivacyPolicyDocument, Statement } from './privacy-policy.js';

/** The published privacy policy, built from the inventory and a profile (CB-A9, RR-10). */

const registry = loadProfiles();
const en = translator('en');
const es = translator('es');
const renderPolicyHtml = (doc: PrivacyPolicyDocument) => renderHtml(translator(doc.language), doc);
const renderPolicyMarkdown = (doc: PrivacyPolicyDocument) => renderMarkdown(translator(doc.language), doc);

function policyOf(profile: Profile, history: Profile[] = [profile], tr = en) {
  const recorded = history.map((p, i) => ({ version: p.version, effective: p.effective, contentHash: fingerprint(p).contentHash, firstSeenAt: `2027-0${i + 1}-01T00:00:00.000Z`, rules: rulesOf(p) }));
  return buildPrivacyPolicy(tr, {
    library: { id: 'test-library', name: 'Test Library' },
    profile: rulesOf(profile),
    contentHash: fingerprint(profile).contentHash,
    history: versionHistory(tr, recorded, fingerprint(profile).contentHash),
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
      for (const clause of ownClauses(rulesOf(profile))(category.legalBasis.clauses)) expect(html).toContain(clause);
    }
    for (const clause of clausesOf(profile)) {
      expect(html, `${profile.id}: ${clause} in HTML`).toContain(clause);
      expect(md, `${profile.id}: ${clause} in Markdown`).toContain(clause);
    }
    for (const series of profile.externalRecords) expect(html).toContain(outsideWords(en, series).name);
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
      const cite = ownClauses(rulesOf(profile));
      expect(vendors.why.clauses).toEqual(cite(['RF-6', 'RF-7', 'CB-D', 'IF-4', 'IF-9', 'RR-4']));
      expect(vendors.why.text).toContain('pseudonym');
      // No shipped profile states it: the default, thirteen months after the last sign-in, citing JC-IVd where that is the library's own policy
      expect(vendors.howLong).toEqual({ text: expect.stringContaining('Kept 13 months after you last signed in to the vendor'), clauses: cite(['JC-IVd']) });
      expect(vendors.whoCanSee).toMatchObject({ patron: true, guardian: null });
      expect(vendors.whoCanSee.staffRoles).not.toContain('system administrator');
      const counts = doc.categories.find((c) => c.id === 'vendor-statistics')!;
      expect(counts.fields).toBe('the month, the vendor and the number of sign-ins');
      expect(counts.why.clauses).toEqual(cite(['CB-D', 'RR-4', 'IF-4', 'RF-3', 'CB-A6']));
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

  /** Every statement of a document, with the clauses it cites. */
  const statementsOf = (doc: PrivacyPolicyDocument): Statement[] => [
    ...doc.introduction,
    ...doc.categories.flatMap((c) => [c.why, c.howLong]),
    ...doc.recordsOutsideCarrel.map((s) => s.howLong),
    ...doc.access,
    ...doc.disclosure.general,
    ...doc.disclosure.instruments.map((i) => i.statement),
    doc.statistics,
    ...doc.rights,
  ];
  /** Words about how Carrel stores things, or its authors' reasoning, that a patron's page never says (issue 20). */
  const INTERNAL_WORDS = [/argon2/i, /\bhash/i, /data key/i, /shredd/i, /\bHMAC/, /\bKEK\b/, /\bUUID/i, /policy is silent/i, /sealed/i, /hash chain/i, /verify-log/, /\bvault\b/i, /crypto/i, /twelve months is the shortest/i, /Not stated/];
  const prefixesOf = (clauses: readonly string[]) => new Set(clauses.map((c) => c.split('-')[0]));

  it.each(registry.all().map((p) => [p.id, p] as const))('%s: cites only the clauses of the library’s own policy, and no internal words or notes (issue 20)', (_id, profile) => {
    // Given a library under this profile, in English and in Spanish
    const own = prefixesOf(clausesOf(profile));
    for (const tr of [en, es]) {
      const doc = policyOf(profile, [profile], tr);
      // Then every clause cited is of a policy the profile is written from
      const cited = statementsOf(doc).flatMap((s) => s.clauses);
      expect([...prefixesOf(cited)].sort()).toEqual([...own].sort());
      const html = renderPolicyHtml(doc);
      const md = renderPolicyMarkdown(doc);
      for (const text of [html, md]) {
        for (const word of INTERNAL_WORDS) expect(text, `${profile.id} (${tr.language}) says ${word}`).not.toMatch(word);
        // The clause ids in brackets are all the library's own
        for (const id of text.match(/\b[A-Z]{2}-[0-9A-Za-z]+\b/g) ?? []) expect(own, `${profile.id} cites ${id}`).toContain(id.split('-')[0]);
      }
    }
    // The five libraries' own profiles each rest on one policy: Rio Rancho's page cites RR only
    if (profile.id !== 'strict-default') expect(own.size).toBe(1);
    // The profile's notes (its authors' reasons) stay out of the page
    const notes = [...Object.values(profile.retention), profile.access.guardians, profile.access.patronLogin, ...Object.values(profile.disclosure.instruments), ...profile.externalRecords]
      .map((r) => (r && typeof r === 'object' && 'note' in r ? r.note : undefined))
      .filter((n): n is string => typeof n === 'string');
    const html = renderPolicyHtml(policyOf(profile));
    for (const note of notes) expect(html).not.toContain(note);
  });

  it('says the whole policy in Spanish when asked, with lang="es" and Spanish plurals (issue 20)', () => {
    // Given Rio Rancho's policy, asked for in Spanish
    const doc = policyOf(registry.get('rio-rancho-nm'), [registry.get('rio-rancho-nm')], es);
    const html = renderPolicyHtml(doc);
    const md = renderPolicyMarkdown(doc);
    // Then the page says it is Spanish, and says it in Spanish
    expect(doc.language).toBe('es');
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('<h1>Política de privacidad de Test Library</h1>');
    expect(md).toContain('# Política de privacidad de Test Library');
    expect(html).toContain('<h2>Qué guardamos, por qué y durante cuánto tiempo</h2>');
    expect(html).toContain('<h3>Préstamos en curso</h3>');
    expect(doc.categories.find((c) => c.id === 'fines')!.howLong.text).toBe('Se conserva mientras se deba dinero y luego 90 días después de pagarse o condonarse.');
    expect(doc.rights.map((r) => r.text)).toContain('Su PIN protege su cuenta en línea: tras 5 PIN incorrectos en 15 minutos, el carné se bloquea durante ese mismo tiempo.');
    expect(doc.rights.map((r) => r.text)).toContain('Usted puede presentar una queja por escrito a la dirección, que le responderá en un plazo de 30 días.');
    expect(doc.disclosure.instruments.find((i) => i.instrument === 'subpoena')!.name).toBe('Una citación judicial');
    expect(doc.recordsOutsideCarrel[0]!.name).toBe('Fotos y videos de los programas, con los registros de consentimiento');
    expect(doc.categories.find((c) => c.id === 'registration')!.whoCanSee.text).toMatch(/^Usted; .*empleado de préstamo/);
    // And no English sentence of the English page is left in it
    const english = policyOf(registry.get('rio-rancho-nm'));
    for (const s of statementsOf(english)) expect(html).not.toContain(s.text);
    for (const c of english.categories) expect(html).not.toContain(c.fields);
    // A language Carrel has no catalogue for is said in English
    expect(policyOf(registry.get('rio-rancho-nm'), undefined, translator('fr')).language).toBe('en');
  });
});
