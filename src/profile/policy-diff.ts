/**
 * What changed between two versions of a profile, in words a patron reads (RR-10: policy changes are
 * published). One line per changed rule, per section, each citing the clause the new rule rests on:
 * "Returned loans: anonymised on return → kept 6 months after return (CB-F3)". Pure.
 */
import { INSTRUMENTS } from '../domain/disclosure.js';
import type { ChangeSection, PolicyChange } from '../domain/published-policy.js';
import {
  GUARDIAN_LEVEL_WORDS,
  INSTRUMENT_NAMES,
  instrumentWords,
  RETENTION_RULES,
  retentionShort,
  type ProfileRules,
} from '../policy/policy-words.js';

export { CHANGE_SECTIONS, type ChangeSection, type PolicyChange } from '../domain/published-policy.js';

function change(section: ChangeSection, subject: string, before: { text: string; clause: string } | null, after: { text: string; clause: string } | null): PolicyChange | null {
  if (before && after && before.text === after.text && before.clause === after.clause) return null;
  if (!before && !after) return null;
  const clause = (after ?? before)!.clause;
  let words: string;
  if (before && after && before.text === after.text) words = `${after.text} (now under ${after.clause}, was ${before.clause})`;
  else if (before && after) words = `${before.text} → ${after.text} (${clause})`;
  else if (after) words = `new: ${after.text} (${clause})`;
  else words = `no longer applies (was: ${before!.text}) (${clause})`;
  return { section, subject, before: before?.text ?? null, after: after?.text ?? null, clause, text: `${subject}: ${words}` };
}

const sharedWords = (rules: ProfileRules) => ({
  text: rules.access.sharedPatrons.allowed ? 'shared with the consortium’s other libraries' : 'not shared with other libraries',
  clause: rules.access.sharedPatrons.clause,
});

/**
 * The changes from `before` to `after`, section by section in a fixed order (retention, records kept
 * outside Carrel, guardians, shared patrons, log-in lockout, disclosure per instrument, statistics).
 * Notes (the explanations beside the rules) are not rules and are not listed.
 */
export function diffProfiles(before: ProfileRules, after: ProfileRules): PolicyChange[] {
  const changes: (PolicyChange | null)[] = [];

  for (const [key, subject] of RETENTION_RULES) changes.push(change('retention', subject, retentionShort(before, key), retentionShort(after, key)));

  const seriesOf = (rules: ProfileRules) => new Map(rules.externalRecords.map((s) => [s.code, s]));
  const oldSeries = seriesOf(before);
  const newSeries = seriesOf(after);
  for (const code of [...new Set([...oldSeries.keys(), ...newSeries.keys()])].sort()) {
    const o = oldSeries.get(code);
    const n = newSeries.get(code);
    const words = (s: typeof o) => (s ? { text: `${s.medium}, kept ${s.days === 1 ? '1 day' : `${s.days} days`}`, clause: s.clause } : null);
    changes.push(change('records-outside-carrel', (n ?? o)!.name, words(o), words(n)));
  }

  const g0 = before.access.guardians;
  const g1 = after.access.guardians;
  changes.push(change('guardians', 'Guardians, with the child’s card', { text: GUARDIAN_LEVEL_WORDS[g0.withChildCard], clause: g0.clause }, { text: GUARDIAN_LEVEL_WORDS[g1.withChildCard], clause: g1.clause }));
  changes.push(
    change('guardians', 'Guardians, without the child’s card', { text: GUARDIAN_LEVEL_WORDS[g0.withoutChildCard], clause: g0.clause }, { text: GUARDIAN_LEVEL_WORDS[g1.withoutChildCard], clause: g1.clause }),
  );
  changes.push(change('guardians', 'Guardians’ access ends at', { text: `age ${g0.ageOfMajority}`, clause: g0.clause }, { text: `age ${g1.ageOfMajority}`, clause: g1.clause }));

  changes.push(change('shared-patrons', 'Your record across the consortium', sharedWords(before), sharedWords(after)));

  const login = (rules: ProfileRules) => ({
    text: `locked after ${rules.access.patronLogin.maxFailures} wrong PINs in ${rules.access.patronLogin.windowMinutes} minutes`,
    clause: rules.access.patronLogin.clause,
  });
  changes.push(change('patron-login', 'Your card online', login(before), login(after)));

  for (const instrument of INSTRUMENTS) {
    const o = before.disclosure.instruments[instrument];
    const n = after.disclosure.instruments[instrument];
    changes.push(change('disclosure', INSTRUMENT_NAMES[instrument], { text: instrumentWords(o), clause: o.clause }, { text: instrumentWords(n), clause: n.clause }));
  }

  const stats = (rules: ProfileRules) => ({ text: `counts below ${rules.statistics.smallCellThreshold} not published`, clause: rules.statistics.clause });
  changes.push(change('statistics', 'Published statistics', stats(before), stats(after)));

  return changes.filter((c): c is PolicyChange => c !== null);
}
