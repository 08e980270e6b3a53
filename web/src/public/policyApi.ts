import type { PolicyHistory, PrivacyPolicyDocument as PrivacyPolicy } from '../../../src/domain/published-policy';
import { ApiError } from '../api';

/**
 * The published privacy policy and its version history: public routes at the root
 * (`/libraries/:libraryId/privacy-policy`), outside /api/v1, read without a session. Their documents are
 * the server's own declarations (src/domain/published-policy.ts).
 */

export type {
  PolicyChange,
  PolicyHistory,
  PolicyInstrument,
  PolicyVersionEntry as PolicyVersion,
  PrivacyPolicyDocument as PrivacyPolicy,
  Statement,
} from '../../../src/domain/published-policy';

/** The address of the library's policy (the self-contained HTML page when no format is given). */
export function policyPath(libraryId: string, format?: 'json' | 'md'): string {
  return `/libraries/${encodeURIComponent(libraryId)}/privacy-policy${format ? `?format=${format}` : ''}`;
}

async function getJson<T>(path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Carrel did not answer. Check the connection and try again.');
  }
  if (response.ok) return (await response.json()) as T;
  let payload: { error?: { code?: string; message?: string } } = {};
  try {
    payload = (await response.json()) as typeof payload;
  } catch {
    // not JSON: keep the status only
  }
  throw new ApiError(response.status, payload.error?.code ?? `HTTP_${response.status}`, payload.error?.message ?? 'Something went wrong.');
}

export function loadPolicy(libraryId: string): Promise<PrivacyPolicy> {
  return getJson<PrivacyPolicy>(policyPath(libraryId, 'json'));
}

export function loadPolicyHistory(libraryId: string): Promise<PolicyHistory> {
  return getJson<PolicyHistory>(`/libraries/${encodeURIComponent(libraryId)}/privacy-policy/history`);
}
