/**
 * Versions of a profile (RR-10): what identifies one (its number and the SHA-256 of its rules), and its
 * history as a patron reads it — each version, when it took effect and when Carrel first applied it,
 * what changed from the one before, and a flag where rules changed under an old version number. Pure.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/disclosure.js';
import type { PolicyVersionEntry } from '../domain/published-policy.js';
import { diffProfiles } from './policy-diff.js';
import type { ProfileRules } from '../policy/policy-words.js';
import type { Profile } from '../policy/profile.schema.js';
import type { Translator } from '../domain/translator.js';

/** A profile's rules as a version records them: everything but the file it was read from. */
export function rulesOf(profile: Profile): ProfileRules {
  const { file: _file, ...rules } = profile;
  return rules;
}

/** The canonical JSON of a profile's rules and its SHA-256 (hex): the identity of a version's content. */
export function fingerprint(profile: Profile): { rules: string; contentHash: string } {
  const rules = canonicalJson(rulesOf(profile));
  return { rules, contentHash: createHash('sha256').update(rules).digest('hex') };
}

/** A recorded version, its rules parsed. */
export interface RecordedVersion {
  version: number;
  effective: string;
  contentHash: string;
  firstSeenAt: string;
  rules: ProfileRules;
}

export type { PolicyVersionEntry } from '../domain/published-policy.js';

export const CHANGED_WITHOUT_NEW_VERSION = 'changed without a new version number';

/**
 * The history of a profile from its recorded versions, oldest first (the order Carrel first saw them),
 * each compared with the one before it, in the Translator's language. `currentHash` names the version loaded now.
 */
export function versionHistory(tr: Translator, recorded: readonly RecordedVersion[], currentHash: string): PolicyVersionEntry[] {
  const ordered = [...recorded].sort((a, b) => (a.firstSeenAt < b.firstSeenAt ? -1 : a.firstSeenAt > b.firstSeenAt ? 1 : a.version - b.version));
  return ordered.map((entry, index) => {
    const previous = index > 0 ? ordered[index - 1] : undefined;
    const changedWithoutNewVersion = ordered.slice(0, index).some((e) => e.version === entry.version && e.contentHash !== entry.contentHash);
    const changes = previous ? diffProfiles(tr, previous.rules, entry.rules) : [];
    const remarks: string[] = [];
    if (!previous) remarks.push(tr.t('policy.history.first'));
    if (changedWithoutNewVersion) remarks.push(tr.t('policy.history.editedInPlace', { version: entry.version }));
    if (previous && changes.length === 0) remarks.push(tr.t('policy.history.noRuleChanged'));
    return {
      version: entry.version,
      effective: entry.effective,
      contentHash: entry.contentHash,
      firstSeenAt: entry.firstSeenAt,
      current: entry.contentHash === currentHash,
      changedWithoutNewVersion,
      changes,
      remarks,
    };
  });
}
