import type { SessionKind } from '../domain/types.js';
import type { Db } from './database.js';
import { prepared } from './prepared.js';

/** A session as stored: only the token's hash, whose it is, and when it ends. */
export interface StoredSession {
  tokenHash: string;
  kind: SessionKind;
  subjectId: string;
  createdAt: string;
  lastSeenAt: string;
  idleMinutes: number;
  expiresAt: string;
}

export async function insertSession(db: Db, session: StoredSession): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      token_hash: session.tokenHash,
      kind: session.kind,
      subject_id: session.subjectId,
      created_at: session.createdAt,
      last_seen_at: session.lastSeenAt,
      idle_minutes: session.idleMinutes,
      expires_at: session.expiresAt,
    })
    .execute();
}

const touchSession = prepared((db: Db, tokenHash: string, at: string) => db.updateTable('sessions').set({ last_seen_at: at }).where('token_hash', '=', tokenHash));

export async function touch(db: Db, tokenHash: string, at: string): Promise<void> {
  await touchSession(db, tokenHash, at);
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

/** Ends every session of one subject (a card reported lost, an account disabled, a patron deleted). */
export async function deleteSessionsOf(db: Db, kind: SessionKind, subjectId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('kind', '=', kind).where('subject_id', '=', subjectId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpiredSessions(db: Db, now: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
