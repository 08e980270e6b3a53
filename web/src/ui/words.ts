/**
 * Helpers that the desk and the portal word and compute the same way. Where the two deliberately say
 * something differently to staff and to patrons (a fine's kind, a patron's status), each keeps its own
 * words (staff/words.ts, patron/words.ts).
 */

/**
 * A hold's shelf code, derived from its id exactly as `shelfCode` in src/usecases/hold.usecases.ts does:
 * the slip on the held item carries this code instead of the patron's name, and the hold shelf lists it,
 * so the patron can match their item to it. Keep the two in step.
 */
export function shelfCode(holdId: string): string {
  const hex = holdId.replace(/-/g, '');
  return `${hex.slice(-8, -4)}-${hex.slice(-4)}`.toUpperCase();
}

/** Whether an instant has passed. */
export function isPast(instant: string | null | undefined, now = Date.now()): boolean {
  return !!instant && new Date(instant).getTime() < now;
}
