import type { Db } from './database.js';
import type { ProfileVersionsTable } from './schema.js';

/**
 * The version history of policy profiles (migration 0007): every distinct (version, rules) of a profile
 * Carrel has loaded, and when it first saw it.
 */

/** One recorded version of a profile, its rules still as the canonical JSON text. */
export interface StoredProfileVersion {
  profileId: string;
  version: number;
  contentHash: string;
  effective: string;
  rules: string;
  firstSeenAt: string;
}

function toVersion(row: ProfileVersionsTable): StoredProfileVersion {
  return {
    profileId: row.profile_id,
    version: Number(row.version),
    contentHash: row.content_hash,
    effective: row.effective,
    rules: row.rules,
    firstSeenAt: row.first_seen_at,
  };
}

/** Whether this exact version (number and rules) is recorded: a read, so a page view usually writes nothing. */
export async function hasVersion(db: Db, profileId: string, version: number, contentHash: string): Promise<boolean> {
  const row = await db
    .selectFrom('profile_versions')
    .select('profile_id')
    .where('profile_id', '=', profileId)
    .where('version', '=', version)
    .where('content_hash', '=', contentHash)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Records a version unless it is there already; says whether it was added. Two processes recording the
 * same version at once both succeed (one inserts, the other finds it there), and the first sighting stays.
 */
export async function insertVersionIfAbsent(db: Db, version: StoredProfileVersion): Promise<boolean> {
  const result = await db
    .insertInto('profile_versions')
    .values({
      profile_id: version.profileId,
      version: version.version,
      content_hash: version.contentHash,
      effective: version.effective,
      rules: version.rules,
      first_seen_at: version.firstSeenAt,
    })
    .onConflict((oc) => oc.columns(['profile_id', 'version', 'content_hash']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Every recorded version of a profile, in the order Carrel first saw them. */
export async function listVersions(db: Db, profileId: string): Promise<StoredProfileVersion[]> {
  const rows = await db
    .selectFrom('profile_versions')
    .selectAll()
    .where('profile_id', '=', profileId)
    .orderBy('first_seen_at')
    .orderBy('version')
    .orderBy('content_hash')
    .execute();
  return rows.map(toVersion);
}
