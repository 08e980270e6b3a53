import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, countRows, refusalCodes, world, type World } from '../../test/factories.js';
import { runRetention } from '../jobs/retention.job.js';
import type { Profile } from '../policy/profile.schema.js';
import { loadProfiles, parseProfile, ProfileRegistry, shippedProfilesDir } from '../profile/profiles.js';
import { translator } from '../i18n/messages.js';
import type { PrivacyPolicyDocument } from '../report/privacy-policy.js';
import { renderPolicyHtml as renderHtml, renderPolicyMarkdown as renderMarkdown } from '../report/privacy-policy.render.js';
import { policyHistory, publishedPolicy } from './privacy-policy.usecases.js';

/** The published privacy policy and its version history, on a real database (CB-A9, RR-10). */

const shipped = loadProfiles();
const renderPolicyHtml = (doc: PrivacyPolicyDocument) => renderHtml(translator(doc.language), doc);
const renderPolicyMarkdown = (doc: PrivacyPolicyDocument) => renderMarkdown(translator(doc.language), doc);

/** A shipped profile with its YAML edited, as an operator would change the file. */
function edited(id: string, edit: (text: string) => string): Profile {
  const text = readFileSync(join(shippedProfilesDir(), `${id}.yaml`), 'utf8');
  const changed = edit(text);
  if (changed === text) throw new Error('the edit changed nothing');
  return parseProfile(changed, `/etc/carrel/profiles/${id}.yaml`);
}

/** The shipped profiles, with `profile` in place of its shipped version: the process after a reload. */
function registryWith(profile: Profile): ProfileRegistry {
  const registry = new ProfileRegistry();
  for (const p of shipped.all()) registry.add(p.id === profile.id ? profile : p);
  return registry;
}

async function versionRows(database: TestDatabase, profileId: string): Promise<number> {
  const row = await database.db
    .selectFrom('profile_versions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('profile_id', '=', profileId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe.each(ENGINES)('published privacy policy on %s', (engine) => {
  let database: TestDatabase;
  let w: World;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('records the version in force when the library is created; reading the policy writes no access-log entry', async () => {
    // Given a rio-rancho-nm library with a registered patron
    const { library } = await buildLibrary(w, { profileId: 'rio-rancho-nm', name: 'Rio Rancho Public Libraries' });
    await buildPatron(w, { libraryId: library.id });
    expect(await versionRows(database, 'rio-rancho-nm')).toBe(1);
    const logged = await countRows(database, 'access_log');
    // When the policy and its history are read
    const policy = await w.act(publishedPolicy, { libraryId: library.id });
    const history = await w.act(policyHistory, { libraryId: library.id });
    // Then it is the shipped version, with one entry of history, and nothing was logged or recorded again
    expect(policy.policy).toMatchObject({ profileId: 'rio-rancho-nm', version: 1, effective: shipped.get('rio-rancho-nm').effective });
    expect(history.versions).toHaveLength(1);
    expect(history.versions[0]).toMatchObject({ version: 1, current: true, changedWithoutNewVersion: false, changes: [] });
    expect(await countRows(database, 'access_log')).toBe(logged);
    expect(await versionRows(database, 'rio-rancho-nm')).toBe(1);
  });

  it('changing a retention rule in the profile changes the published policy and adds a version that says what changed (RR-10)', async () => {
    // Given a carlsbad-nm library (settled fines kept 365 days, CB-F3)
    const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
    const before = await w.act(publishedPolicy, { libraryId: library.id });
    // When, ten days later, the operator changes the rule to 180 days and raises the version
    w.clock.advanceDays(10);
    const v2 = edited('carlsbad-nm', (t) => t.replace('days_after_settlement: 365', 'days_after_settlement: 180').replace('version: 1', 'version: 2').replace('effective: 2026-11-22', 'effective: 2026-03-12'));
    const registry = registryWith(v2);
    const after = await w.act(publishedPolicy, { libraryId: library.id, registry });
    // Then the published policy says the new rule, and no longer the old one
    const fines = (doc: typeof before) => doc.categories.find((c) => c.id === 'fines')!.howLong;
    expect(fines(before)).toEqual({ text: 'Kept while money is owed, then 365 days after it is paid or waived.', clauses: ['CB-F3'] });
    expect(fines(after)).toEqual({ text: 'Kept while money is owed, then 180 days after it is paid or waived.', clauses: ['CB-F3'] });
    expect(renderPolicyHtml(after)).not.toContain('365 days after it is paid');
    expect(after.policy).toMatchObject({ version: 2, effective: '2026-03-12' });
    // And the history holds both versions, the new one first, with the change in words and when it came
    const history = await w.act(policyHistory, { libraryId: library.id, registry });
    expect(history.current.version).toBe(2);
    expect(history.versions.map((v) => [v.version, v.current, v.firstSeenAt])).toEqual([
      [2, true, w.clock.now().toISOString()],
      [1, false, before.generatedAt],
    ]);
    expect(history.versions[0]!.changes.map((c) => c.text)).toEqual(['Paid or waived fines: kept 365 days after settlement → kept 180 days after settlement (CB-F3)']);
    expect(renderPolicyMarkdown(after)).toContain('- Paid or waived fines: kept 365 days after settlement → kept 180 days after settlement (CB-F3)');
    expect(await versionRows(database, 'carlsbad-nm')).toBe(2);
  });

  it('flags rules changed without a new version number', async () => {
    // Given an imagineif-mt library, and the statistics threshold edited in place (still version 1)
    const { library } = await buildLibrary(w, { profileId: 'imagineif-mt' });
    w.clock.advanceDays(1);
    const registry = registryWith(edited('imagineif-mt', (t) => t.replace('small_cell_threshold: 5', 'small_cell_threshold: 11')));
    // When the policy is published
    const policy = await w.act(publishedPolicy, { libraryId: library.id, registry });
    // Then the new rules are recorded as a version of their own, flagged, with the change in words
    expect(policy.history.map((v) => [v.version, v.current, v.changedWithoutNewVersion])).toEqual([
      [1, true, true],
      [1, false, false],
    ]);
    expect(policy.history[0]!.changes.map((c) => c.text)).toEqual(['Published statistics: counts below 5 not published → counts below 11 not published (IF-4)']);
    expect(renderPolicyHtml(policy)).toContain('changed without a new version number');
    expect(await versionRows(database, 'imagineif-mt')).toBe(2);
  });

  it('says the policy and its history in the language asked for, English by default (issue 20)', async () => {
    // Given a ridgefield-ct library whose settled fines rule changed in a second version
    const { library } = await buildLibrary(w, { profileId: 'ridgefield-ct' });
    w.clock.advanceDays(1);
    const registry = registryWith(edited('ridgefield-ct', (t) => t.replace('days_after_settlement: 90', 'days_after_settlement: 1').replace('version: 1', 'version: 2')));
    // When it is read in Spanish, and without a language
    const spanish = await w.act(publishedPolicy, { libraryId: library.id, registry, language: 'es' });
    const english = await w.act(publishedPolicy, { libraryId: library.id, registry });
    const history = await w.act(policyHistory, { libraryId: library.id, registry, language: 'es' });
    // Then the Spanish document says so and is in Spanish, singular where one day is meant
    expect([spanish.language, english.language]).toEqual(['es', 'en']);
    expect(spanish.categories.find((c) => c.id === 'fines')!.howLong).toEqual({ text: 'Se conserva mientras se deba dinero y luego 1 día después de pagarse o condonarse.', clauses: ['RF-1'] });
    expect(history.versions[0]!.changes.map((c) => c.text)).toEqual(['Multas pagadas o condonadas: se conservan 90 días después de saldarse → se conservan 1 día después de saldarse (RF-1)']);
    expect(renderPolicyHtml(spanish)).toContain('<html lang="es">');
    expect(renderPolicyHtml(english)).toContain('<html lang="en">');
    // And a language Carrel has no catalogue for is answered in English
    expect((await w.act(publishedPolicy, { libraryId: library.id, registry, language: 'fr' })).language).toBe('en');
  });

  it('a retention run records the version it applies', async () => {
    const { library } = await buildLibrary(w, { profileId: 'jackson-county-or' });
    await database.db.deleteFrom('profile_versions').where('profile_id', '=', 'jackson-county-or').execute();
    await runRetention(w.runtime, { libraryId: library.id });
    expect(await versionRows(database, 'jackson-county-or')).toBe(1);
    // A dry run records nothing
    await database.db.deleteFrom('profile_versions').where('profile_id', '=', 'jackson-county-or').execute();
    await runRetention(w.runtime, { libraryId: library.id, dryRun: true });
    expect(await versionRows(database, 'jackson-county-or')).toBe(0);
  });

  it('answers LIBRARY_NOT_FOUND for a library that does not exist', async () => {
    expect(await refusalCodes(w.act(publishedPolicy, { libraryId: 'no-such-library' }))).toEqual(['LIBRARY_NOT_FOUND']);
    expect(await refusalCodes(w.act(policyHistory, { libraryId: 'no-such-library' }))).toEqual(['LIBRARY_NOT_FOUND']);
  });
});
