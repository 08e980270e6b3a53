import type { Actor } from './actors.js';

/**
 * Library scope: which libraries' records an actor may reach. A consortium holds several libraries in
 * one database (RF-4); staff of one library do not see another's patrons (CB-A3, RF-1). A refused
 * record is answered as "not found" by the caller, so a response never reveals that it exists.
 */
export type ScopeDecision = { allowed: true; reason: 'system' | 'consortium-staff' | 'same-library' } | { allowed: false; reason: 'other-library' };

export function canReachLibrary(actor: Actor, libraryId: string): ScopeDecision {
  if (actor.kind === 'system') return { allowed: true, reason: 'system' };
  if (actor.libraryId === null) return { allowed: true, reason: 'consortium-staff' };
  if (actor.libraryId === libraryId) return { allowed: true, reason: 'same-library' };
  return { allowed: false, reason: 'other-library' };
}

/** The one library an actor is bound to, if any (used to resolve barcodes without asking). */
export function homeLibrary(actor: Actor): string | undefined {
  return actor.kind === 'staff' && actor.libraryId !== null ? actor.libraryId : undefined;
}

/** Whether an actor may administer (create libraries, staff accounts, loan rules). */
export function canAdminister(actor: Actor): boolean {
  return actor.kind === 'system' || actor.roles.includes('admin');
}
