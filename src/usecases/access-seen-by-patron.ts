import { accessEntriesForPatron, type ChainedEntry } from '../storage/access-log.repository.js';
import { underLiveGag } from '../storage/disclosure.repository.js';
import type { Context } from './context.js';

/**
 * The access-log entries a patron's record shows (to the patron, and in any export of the record):
 * all of them, except that while a legal request naming the patron is under a gag order (JC-II) the
 * entries written for lawful disclosure (the request's receipt, its release, a legal hold) are left out:
 * seeing "legal-disclosure" in their log would tell the patron what the order forbids telling them. They
 * appear once the gag expires. The privacy officer's view (patronAccessLog) always shows every entry.
 */
export async function accessEntriesShownToPatron(ctx: Context, patronId: string): Promise<ChainedEntry[]> {
  const entries = await accessEntriesForPatron(ctx.trx, patronId);
  if (!entries.some((e) => e.purpose === 'legal-disclosure')) return entries;
  if (!(await underLiveGag(ctx.trx, patronId, ctx.now.toISOString()))) return entries;
  return entries.filter((e) => e.purpose !== 'legal-disclosure');
}
