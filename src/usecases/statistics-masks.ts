import { createHash } from 'node:crypto';
import type { Mask, RememberMask } from '../policy/statistics.policy.js';

/** How many masks the process keeps, the least recently asked for leaving first. */
const REMEMBERED_MASKS = 64;

/**
 * The masks of the statistics tables asked for lately. Finding a table's mask (suppression and its audit,
 * a maximum flow per question the audit asks) is most of a statistics request; the same counts under the same
 * threshold always get the same mask, so a table asked for again — its chart or its CSV, the page
 * reloaded, an ended period that no longer changes, the same table the other way round — costs the read
 * of its counts. A mask is kept under a SHA-256 of the aggregate counts and k, never the counts
 * themselves; what it holds is which entries are hidden, nothing a published table does not show. It is
 * for masks found with Carrel's audit (`flowBounds`, the one oracle the use case gives; the same answers
 * as the linear programme of `tableBounds()`): a caller with another oracle must not lend it.
 */
const masks = new Map<string, Mask>();

const copy = (mask: Mask): Mask => ({ ...mask, mask: mask.mask.map((row) => [...row]) });

export const rememberMask: RememberMask = (grid, k, compute) => {
  const key = createHash('sha256').update(JSON.stringify([k, grid])).digest('base64');
  let mask = masks.get(key);
  if (mask === undefined) {
    mask = compute(); // a fresh mask, never handed out: only copies of it leave
    if (masks.size >= REMEMBERED_MASKS) masks.delete(masks.keys().next().value as string);
  } else masks.delete(key);
  masks.set(key, mask);
  return copy(mask);
};
