import type { Db } from '../storage/database.js';
import { countPatrons } from '../storage/patron.repository.js';
import { countStaff } from '../storage/staff.repository.js';
import type { Context } from './context.js';
import { createStaff } from './staff.usecases.js';

/**
 * Creates the first administrator, once: when the database has no staff account at all. The password
 * is generated and returned to be printed once; there is no default credential anywhere.
 */
export async function createFirstAdmin(ctx: Context, _input: void): Promise<{ username: string; password: string } | null> {
  if ((await countStaff(ctx.trx)) > 0) return null;
  const { account, password } = await createStaff(ctx, { username: 'admin', libraryId: null, roles: ['admin'] });
  return { username: account.username, password };
}

/**
 * Whether the database holds any patron, asked while an installation opens, before its vault exists:
 * the vault refuses to open without its key store then, since their records would be unreadable. Not a
 * `(ctx, input)` use case: no actor and no transaction exist yet, and it reads one count, nobody's data.
 */
export async function databaseHoldsPatrons(db: Db): Promise<boolean> {
  return (await countPatrons(db)) > 0;
}
