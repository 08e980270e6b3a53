/**
 * What changed between two versions of a profile, in words a patron reads (RR-10: policy changes are
 * published). One line per changed rule, per section, each citing the clause the new rule rests on:
 * "Returned loans: anonymised on return → kept 6 months after return (CB-F3)". Pure.
 */
import { INSTRUMENTS } from '../domain/disclosure.js';
import type { ChangeSection, PolicyChange } from '../domain/published-policy.js';
import type { Translator } from '../domain/translator.js';
import { guardianLevelWords, instrumentName, instrumentWords, outsideWords, RETENTION_RULES, retentionShort, type ProfileRules } from '../policy/policy-words.js';

export { CHANGE_SECTIONS, type ChangeSection, type PolicyChange } from '../domain/published-policy.js';

type Side = { text: string; clause: string } | null;

function change(tr: Translator, section: ChangeSection, subject: string, before: Side, after: Side): PolicyChange | null {
  if (before && after && before.text === after.text && before.clause === after.clause) return null;
  if (!before && !after) return null;
  const clause = (after ?? before)!.clause;
  let words: string;
  if (before && after && before.text === after.text) words = tr.t('policy.change.clauseOnly', { after: after.text, clause: after.clause, previous: before.clause });
  else if (before && after) words = tr.t('policy.change.changed', { before: before.text, after: after.text, clause });
  else if (after) words = tr.t('policy.change.added', { after: after.text, clause });
  else words = tr.t('policy.change.removed', { before: before!.text, clause });
  return { section, subject, before: before?.text ?? null, after: after?.text ?? null, clause, text: tr.t('policy.change.line', { subject, words }) };
}

const sharedWords = (tr: Translator, rules: ProfileRules) => ({
  text: rules.access.sharedPatrons.allowed ? tr.t('policy.change.sharedYes') : tr.t('policy.change.sharedNo'),
  clause: rules.access.sharedPatrons.clause,
});

/**
 * The changes from `before` to `after`, section by section in a fixed order (retention, records kept
 * outside Carrel, guardians, shared patrons, log-in lockout, disclosure per instrument, statistics), in
 * the Translator's language. Notes (the explanations beside the rules) are not rules and are not listed.
 */
export function diffProfiles(tr: Translator, before: ProfileRules, after: ProfileRules): PolicyChange[] {
  const changes: (PolicyChange | null)[] = [];

  for (const [key, subject] of RETENTION_RULES) changes.push(change(tr, 'retention', tr.t(subject), retentionShort(tr, before, key), retentionShort(tr, after, key)));

  const seriesOf = (rules: ProfileRules) => new Map(rules.externalRecords.map((s) => [s.code, s]));
  const oldSeries = seriesOf(before);
  const newSeries = seriesOf(after);
  for (const code of [...new Set([...oldSeries.keys(), ...newSeries.keys()])].sort()) {
    const o = oldSeries.get(code);
    const n = newSeries.get(code);
    const words = (s: typeof o) => (s ? { text: tr.t('policy.change.outsideRule', { medium: outsideWords(tr, s).medium, days: s.days }), clause: s.clause } : null);
    changes.push(change(tr, 'records-outside-carrel', outsideWords(tr, (n ?? o)!).name, words(o), words(n)));
  }

  const g0 = before.access.guardians;
  const g1 = after.access.guardians;
  const level = (level: Parameters<typeof guardianLevelWords>[1], clause: string) => ({ text: guardianLevelWords(tr, level), clause });
  changes.push(change(tr, 'guardians', tr.t('policy.change.guardiansWithCard'), level(g0.withChildCard, g0.clause), level(g1.withChildCard, g1.clause)));
  changes.push(change(tr, 'guardians', tr.t('policy.change.guardiansWithoutCard'), level(g0.withoutChildCard, g0.clause), level(g1.withoutChildCard, g1.clause)));
  changes.push(
    change(
      tr,
      'guardians',
      tr.t('policy.change.guardiansUntil'),
      { text: tr.t('policy.change.age', { age: g0.ageOfMajority }), clause: g0.clause },
      { text: tr.t('policy.change.age', { age: g1.ageOfMajority }), clause: g1.clause },
    ),
  );

  changes.push(change(tr, 'shared-patrons', tr.t('policy.change.shared'), sharedWords(tr, before), sharedWords(tr, after)));

  const login = (rules: ProfileRules) => ({
    text: tr.t('policy.change.loginRule', { failures: rules.access.patronLogin.maxFailures, minutes: rules.access.patronLogin.windowMinutes }),
    clause: rules.access.patronLogin.clause,
  });
  changes.push(change(tr, 'patron-login', tr.t('policy.change.login'), login(before), login(after)));

  for (const instrument of INSTRUMENTS) {
    const o = before.disclosure.instruments[instrument];
    const n = after.disclosure.instruments[instrument];
    changes.push(change(tr, 'disclosure', instrumentName(tr, instrument), { text: instrumentWords(tr, o), clause: o.clause }, { text: instrumentWords(tr, n), clause: n.clause }));
  }

  const stats = (rules: ProfileRules) => ({ text: tr.t('policy.change.statisticsRule', { threshold: rules.statistics.smallCellThreshold }), clause: rules.statistics.clause });
  changes.push(change(tr, 'statistics', tr.t('policy.change.statistics'), stats(before), stats(after)));

  return changes.filter((c): c is PolicyChange => c !== null);
}
