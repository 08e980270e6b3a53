import { ErrorCode, refuse } from '../domain/errors.js';
import { DEFAULT_PROFILE, parseProfile, profiles, SHIPPED_PROFILES } from '../profile/profiles.js';
import type { Profile } from '../policy/profile.schema.js';
import { requirePermission } from './authorization.js';
import type { Context } from './context.js';

export { DEFAULT_PROFILE, SHIPPED_PROFILES };

/**
 * What a profile use case needs of its context: who asks. The profiles are files read once per process,
 * not rows, and hold no patron data: these use cases open no transaction and log no access, so a
 * transport calls them with its caller alone (the command line lists and checks profiles without a
 * database).
 */
export type ProfileContext = Pick<Context, 'actor' | 'role'>;

/** One installed profile, as a list names it. */
export interface ProfileSummary {
  id: string;
  name: string;
  jurisdiction: string;
  version: number;
  effective: string;
  /** The YAML file it was read from. */
  file: string;
}

/** The profiles this installation can use (shipped ones and CARREL_PROFILES_DIR), by id. */
export function listProfiles(ctx: ProfileContext): ProfileSummary[] {
  requirePermission(ctx, 'profiles.read');
  return profiles()
    .all()
    .map((p) => ({ id: p.id, name: p.name, jurisdiction: p.jurisdiction, version: p.version, effective: p.effective, file: p.file }));
}

/** One installed profile as validated, every rule with its clause; PROFILE_NOT_FOUND for an unknown id. */
export function profileOf(ctx: ProfileContext, input: { profileId: string }): Omit<Profile, 'file'> {
  requirePermission(ctx, 'profiles.read');
  if (!profiles().has(input.profileId)) throw refuse(ErrorCode.PROFILE_NOT_FOUND, 'No policy profile has that id.', 'profileId');
  const { file: _file, ...profile } = profiles().get(input.profileId);
  return profile;
}

/**
 * Validates a profile file before an operator installs it; a broken one throws the loader's
 * ProfileError naming the file, the field and the problem. It reads nothing of the installation.
 */
export function checkProfile(_ctx: ProfileContext, input: { text: string; fileName: string }): { id: string; version: number } {
  const profile = parseProfile(input.text, input.fileName);
  return { id: profile.id, version: profile.version };
}
