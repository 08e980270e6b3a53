import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/messages.js';
import { diffProfiles } from './policy-diff.js';
import { rulesOf, versionHistory, fingerprint, CHANGED_WITHOUT_NEW_VERSION } from './profile-version.js';
import { loadProfiles, parseProfile, shippedProfilesDir } from './profiles.js';

/** What changed between two versions of a profile, in words (RR-10). */

const registry = loadProfiles();
const en = translator('en');
const es = translator('es');
const shipped = (id: string) => readFileSync(join(shippedProfilesDir(), `${id}.yaml`), 'utf8');
const edited = (id: string, edit: (text: string) => string) => parseProfile(edit(shipped(id)), `/etc/carrel/profiles/${id}.yaml`);

describe('policy diff', () => {
  it('finds no change between a version and itself', () => {
    for (const profile of registry.all()) expect(diffProfiles(en, rulesOf(profile), rulesOf(profile))).toEqual([]);
  });

  it('says a changed loan rule in words, with the new clause (RR-10)', () => {
    // Given rio-rancho-nm, whose loans are anonymised on return, changed to keep them six months
    const before = registry.get('rio-rancho-nm');
    const after = edited('rio-rancho-nm', (t) => t.replace('after_return: anonymise\n    clause: RR-2', 'after_return: keep-months\n    months: 6\n    clause: CB-F3').replace('version: 1', 'version: 2'));
    // Then the one change is the loan rule, in words, citing CB-F3
    expect(diffProfiles(en, rulesOf(before), rulesOf(after))).toEqual([
      {
        section: 'retention',
        subject: 'Returned loans',
        before: 'anonymised on return',
        after: 'kept 6 months after return',
        clause: 'CB-F3',
        text: 'Returned loans: anonymised on return → kept 6 months after return (CB-F3)',
      },
    ]);
  });

  it('lists changes per section: guardians, shared patrons, log-in, disclosure per instrument, statistics, records outside', () => {
    const before = rulesOf(registry.get('carlsbad-nm'));
    const after = rulesOf(
      edited('carlsbad-nm', (t) =>
        t
          .replace('with_child_card: full', 'with_child_card: current-circulation')
          .replace('max_failures: 5', 'max_failures: 3')
          .replace('small_cell_threshold: 5', 'small_cell_threshold: 10')
          .replace('days: 180', 'days: 90')
          .replace(/(subpoena:\n\s+permits: )refuse/, '$1release'),
      ),
    );
    const changes = diffProfiles(en, before, after);
    expect(changes.map((c) => c.section)).toEqual(['records-outside-carrel', 'guardians', 'patron-login', 'disclosure', 'statistics']);
    expect(changes.map((c) => c.text)).toEqual([
      'Security-camera recordings: digital video, kept 180 days → digital video, kept 90 days (CB-H)',
      'Guardians, with the child’s card: the child’s whole record → what the child has out, is waiting for and owes (CB-B3)',
      'Your card online: locked after 5 wrong PINs in 15 minutes → locked after 3 wrong PINs in 15 minutes (CB-F1)',
      'A subpoena: nothing is released → may be released: the records the instrument names, for the period it names, and nothing else; you are told afterwards what was released (CB-E1)',
      'Published statistics: counts below 5 not published → counts below 10 not published (CB-A6)',
    ]);
  });

  it('says when only a clause changed, and when a rule is new or gone', () => {
    const before = rulesOf(registry.get('rio-rancho-nm'));
    const after = rulesOf(
      edited('rio-rancho-nm', (t) =>
        t.replace('days_after_settlement: 90\n    clause: RR-1', 'days_after_settlement: 90\n    clause: RR-2').replace(/external_records:\n(  - .*\n(    .*\n)*)/, 'external_records: []\n'),
      ),
    );
    expect(diffProfiles(en, before, after).map((c) => c.text)).toEqual([
      'Paid or waived fines: kept 90 days after settlement (now under RR-2, was RR-1)',
      'Photos and video of programs, with consent records: no longer applies (was: digital media, kept 365 days) (RR-9)',
    ]);
  });

  it('builds the history oldest first and flags rules changed without a new version number', () => {
    const v1 = registry.get('imagineif-mt');
    const v1edited = edited('imagineif-mt', (t) => t.replace('small_cell_threshold: 5', 'small_cell_threshold: 7'));
    const v2 = edited('imagineif-mt', (t) => t.replace('small_cell_threshold: 5', 'small_cell_threshold: 7').replace('version: 1', 'version: 2'));
    const recorded = [
      { profile: v2, at: '2027-03-01T00:00:00.000Z' },
      { profile: v1, at: '2027-01-01T00:00:00.000Z' },
      { profile: v1edited, at: '2027-02-01T00:00:00.000Z' },
    ].map(({ profile, at }) => ({ version: profile.version, effective: profile.effective, contentHash: fingerprint(profile).contentHash, firstSeenAt: at, rules: rulesOf(profile) }));
    const history = versionHistory(en, recorded, fingerprint(v2).contentHash);
    expect(history.map((e) => [e.version, e.firstSeenAt.slice(0, 7), e.current, e.changedWithoutNewVersion])).toEqual([
      [1, '2027-01', false, false],
      [1, '2027-02', false, true],
      [2, '2027-03', true, false],
    ]);
    expect(history[1]!.remarks.join(' ')).toContain(CHANGED_WITHOUT_NEW_VERSION);
    expect(history[1]!.changes.map((c) => c.text)).toEqual(['Published statistics: counts below 5 not published → counts below 7 not published (IF-4)']);
    expect(history[2]!.changes).toEqual([]);
    expect(history[2]!.remarks).toEqual(['No rule changed; only the version details or the explanations beside the rules did.']);
  });

  it('says the changes in Spanish when asked, with the same clauses (RR-10, issue 20)', () => {
    // Given rio-rancho-nm changed to keep loans six months and lock a card after three wrong PINs
    const before = registry.get('rio-rancho-nm');
    const after = edited('rio-rancho-nm', (t) =>
      t.replace('after_return: anonymise\n    clause: RR-2', 'after_return: keep-months\n    months: 6\n    clause: RR-2').replace('max_failures: 5', 'max_failures: 1'),
    );
    // Then the list of changes is in Spanish, one plural and one singular
    expect(diffProfiles(es, rulesOf(before), rulesOf(after)).map((c) => c.text)).toEqual([
      'Préstamos devueltos: se anonimizan al devolverlos → se conservan 6 meses después de la devolución (RR-2)',
      'Su carné en línea: se bloquea tras 5 PIN incorrectos en 15 minutos → se bloquea tras 1 PIN incorrecto en 15 minutos (RR-6)',
    ]);
    const history = versionHistory(es, [{ version: 1, effective: before.effective, contentHash: 'a', firstSeenAt: '2027-01-01T00:00:00.000Z', rules: rulesOf(before) }], 'a');
    expect(history[0]!.remarks).toEqual(['La primera versión de la política de esta biblioteca que aplicó Carrel.']);
  });
});
