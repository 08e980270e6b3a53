/**
 * The published privacy policy of a library (CB-A9) and its version history (RR-10). Anyone may read
 * them, without logging in: they say what the library's rules are and hold no personal data, so reading
 * them writes no access-log entry. Each reading also records the version in force, if it is new, so the
 * history never misses a version that was published. Both are said in the language asked for (English
 * when none is, or when Carrel has no catalogue for it).
 */
import { ErrorCode, refuse } from '../domain/errors.js';
import type { Translator } from '../domain/translator.js';
import { translator } from '../i18n/messages.js';
import type { PolicyHistory } from '../domain/published-policy.js';
import { COMPLAINT_ANSWER_DAYS } from '../policy/complaint.policy.js';
import type { Profile } from '../policy/profile.schema.js';
import { fingerprint, versionHistory, type PolicyVersionEntry, type RecordedVersion } from '../profile/profile-version.js';
import type { ProfileRules } from '../policy/policy-words.js';
import { profiles, type ProfileRegistry } from '../profile/profiles.js';
import { buildPrivacyPolicy, type PrivacyPolicyDocument } from '../report/privacy-policy.js';
import * as libraries from '../storage/library.repository.js';
import * as versions from '../storage/profile-version.repository.js';
import type { Context } from './context.js';

/** Where profiles come from: the process's own (`profiles()`), or a registry a caller hands in. */
export interface ProfileSource {
  registry?: ProfileRegistry;
}

/**
 * Records the version of a profile Carrel has loaded, unless it is recorded already (by its number and
 * the hash of its rules): at library creation, at every retention run and at every reading of the
 * published policy. Rules edited under an old version number make a new row too, flagged in the history.
 */
export async function recordProfileVersion(ctx: Context, input: { profileId: string } & ProfileSource): Promise<{ version: number; contentHash: string; recorded: boolean }> {
  const profile = (input.registry ?? profiles()).get(input.profileId);
  return recordLoaded(ctx, profile);
}

async function recordLoaded(ctx: Context, profile: Profile): Promise<{ version: number; contentHash: string; recorded: boolean }> {
  const { rules, contentHash } = fingerprint(profile);
  // A read first: most readings find the version there, and then write nothing.
  if (await versions.hasVersion(ctx.trx, profile.id, profile.version, contentHash)) return { version: profile.version, contentHash, recorded: false };
  const recorded = await versions.insertVersionIfAbsent(ctx.trx, {
    profileId: profile.id,
    version: profile.version,
    contentHash,
    effective: profile.effective,
    rules,
    firstSeenAt: ctx.now.toISOString(),
  });
  return { version: profile.version, contentHash, recorded };
}

/** A library anyone may name (no staff scope: the policy is public), or LIBRARY_NOT_FOUND. */
async function publicLibrary(ctx: Context, libraryId: string) {
  const library = await libraries.findLibrary(ctx.trx, libraryId);
  if (!library) throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'library');
  return library;
}

/** What a reader of the policy may ask for besides the library: the language (en, es, …). */
export interface PolicyReading extends ProfileSource {
  libraryId: string;
  language?: string;
}

/** The history of the library's profile, oldest first, the version in force recorded first if new. */
async function historyOf(ctx: Context, tr: Translator, profile: Profile): Promise<{ history: PolicyVersionEntry[]; contentHash: string }> {
  const { contentHash } = await recordLoaded(ctx, profile);
  const stored = await versions.listVersions(ctx.trx, profile.id);
  const recorded: RecordedVersion[] = stored.map((v) => ({
    version: v.version,
    effective: v.effective,
    contentHash: v.contentHash,
    firstSeenAt: v.firstSeenAt,
    rules: JSON.parse(v.rules) as ProfileRules,
  }));
  return { history: versionHistory(tr, recorded, contentHash), contentHash };
}

/** The published privacy policy of a library, from its profile, the inventory, the role table and the history. */
export async function publishedPolicy(ctx: Context, input: PolicyReading): Promise<PrivacyPolicyDocument> {
  const library = await publicLibrary(ctx, input.libraryId);
  const profile = (input.registry ?? profiles()).get(library.profileId);
  const tr = translator(input.language);
  const { history, contentHash } = await historyOf(ctx, tr, profile);
  const { file: _file, ...rules } = profile;
  return buildPrivacyPolicy(tr, {
    library: { id: library.id, name: library.name },
    profile: rules,
    contentHash,
    history,
    complaintAnswerDays: COMPLAINT_ANSWER_DAYS,
    generatedAt: ctx.now.toISOString(),
  });
}

/** The version history of a library's policy, newest first, with what changed and when (RR-10). */
export async function policyHistory(ctx: Context, input: PolicyReading): Promise<PolicyHistory> {
  const library = await publicLibrary(ctx, input.libraryId);
  const profile = (input.registry ?? profiles()).get(library.profileId);
  const { history, contentHash } = await historyOf(ctx, translator(input.language), profile);
  return {
    library: { id: library.id, name: library.name },
    profileId: profile.id,
    current: { version: profile.version, effective: profile.effective, contentHash },
    versions: [...history].reverse(),
  };
}
