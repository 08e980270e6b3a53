import type { Actor } from './actors.js';

/**
 * Library scope: which libraries' records an actor may reach. A consortium holds several libraries in
 * one database (RF-4); staff of one library do not see another's patrons (CB-A3, RF-1) unless both
 * libraries' profiles share patrons. A refused record is answered as "not found" by the caller, so a
 * response never reveals that it exists.
 */
export type ScopeDecision =
  | { allowed: true; reason: 'system' | 'consortium-staff' | 'same-library' | 'listed-library' | 'shared-patrons' }
  | { allowed: false; reason: 'other-library' | 'not-shared' | 'no-library' };

/**
 * Whether an actor reaches a library's catalogue and settings (items, branches, record series). An
 * account without a library reaches every library's, holding only the roles about running the system
 * (policy/permissions.ts); an account that works for a list of libraries reaches each of them.
 */
export function canReachLibrary(actor: Actor, libraryId: string): ScopeDecision {
  if (actor.kind === 'system') return { allowed: true, reason: 'system' };
  if (actor.kind === 'staff' && actor.libraryId === null) return { allowed: true, reason: 'consortium-staff' };
  if (actor.libraryId === libraryId) return { allowed: true, reason: 'same-library' };
  if (actor.kind === 'staff' && actor.libraries?.includes(libraryId)) return { allowed: true, reason: 'listed-library' };
  return { allowed: false, reason: 'other-library' };
}

/**
 * Whether staff reach a patron of `patronLibraryId`. Their own library's patrons, yes; another
 * library's only when both libraries' profiles share patrons (`access.shared_patrons`, RF-4): a library
 * that does not share keeps its patrons to itself, and one that does not share sees no one else's (a
 * library on the account's list included). An account without a library reaches no patron at all.
 */
export function canReachPatron(actor: Actor, patronLibraryId: string, sharing: { actorLibrary: boolean; patronLibrary: boolean }): ScopeDecision {
  // An account without a library works for no library's patrons, whatever roles it was given.
  if (actor.kind === 'staff' && actor.libraryId === null) return { allowed: false, reason: 'no-library' };
  const library = canReachLibrary(actor, patronLibraryId);
  if (library.allowed && library.reason !== 'listed-library') return library;
  // A library on the account's list reaches its patrons only while both profiles share them: the list is
  // checked when it is saved, and a profile changed since to keep its patrons to itself wins.
  if (actor.kind === 'staff' && sharing.actorLibrary && sharing.patronLibrary) return { allowed: true, reason: library.allowed ? 'listed-library' : 'shared-patrons' };
  return { allowed: false, reason: actor.kind === 'staff' && (sharing.actorLibrary || sharing.patronLibrary) ? 'not-shared' : 'other-library' };
}

/** The one library an actor is bound to, if any (used to resolve barcodes without asking). */
export function homeLibrary(actor: Actor): string | undefined {
  if (actor.kind === 'patron' || actor.kind === 'sip2' || actor.kind === 'vendor') return actor.libraryId;
  return actor.kind === 'staff' && actor.libraryId !== null ? actor.libraryId : undefined;
}
