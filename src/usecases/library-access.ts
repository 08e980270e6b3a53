import { ErrorCode, refuse } from '../domain/errors.js';
import type { Library } from '../domain/types.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import * as libraries from '../storage/library.repository.js';
import type { Context } from './context.js';

/**
 * A library the actor may reach, or LIBRARY_NOT_FOUND (never "forbidden": another library's existence is
 * not revealed by a refusal).
 */
export async function requireLibrary(ctx: Context, libraryId: string): Promise<Library> {
  const library = await libraries.findLibrary(ctx.trx, libraryId);
  if (!library || !canReachLibrary(ctx.actor, library.id).allowed) throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'library');
  return library;
}
