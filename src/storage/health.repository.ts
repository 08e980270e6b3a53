import { sql } from 'kysely';
import type { Db } from './database.js';

/** Asks the database the smallest question there is; throws when it cannot be reached. */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
