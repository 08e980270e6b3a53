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
