import { ping } from '../storage/health.repository.js';
import type { Runtime } from './context.js';

/** Whether Carrel can serve: `ok` while its database answers, `unavailable` otherwise. No actor, no patron data. */
export async function health(runtime: Runtime): Promise<{ status: 'ok' } | { status: 'unavailable' }> {
  try {
    await ping(runtime.db);
    return { status: 'ok' };
  } catch {
    return { status: 'unavailable' };
  }
}
