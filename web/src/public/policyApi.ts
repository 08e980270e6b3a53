import type { PolicyHistory, PrivacyPolicyDocument as PrivacyPolicy } from '../../../src/domain/published-policy';
import { ApiError } from '../api';
import { t } from '../i18n';

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

/**
 * The address of the library's policy (the self-contained HTML page when no format is given), in a
 * language (`lang=`; English, the server's default, needs none).
 */
export function policyPath(libraryId: string, format?: 'json' | 'md', language?: string): string {
  const query = new URLSearchParams();
  if (format) query.set('format', format);
  if (language && language !== 'en') query.set('lang', language);
  const search = query.toString();
  return `/libraries/${encodeURIComponent(libraryId)}/privacy-policy${search ? `?${search}` : ''}`;
}

async function getJson<T>(path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'NETWORK', t('common.error.network'));
  }
  if (response.ok) return (await response.json()) as T;
  let payload: { error?: { code?: string; message?: string } } = {};
  try {
    payload = (await response.json()) as typeof payload;
  } catch {
    // not JSON: keep the status only
  }
  throw new ApiError(response.status, payload.error?.code ?? `HTTP_${response.status}`, payload.error?.message ?? t('common.error.unexpected'));
}

/** The library's published policy, said in `language` (English when none is given). */
export function loadPolicy(libraryId: string, language?: string): Promise<PrivacyPolicy> {
  return getJson<PrivacyPolicy>(policyPath(libraryId, 'json', language));
}

/** The policy's version history, newest first, its changes said in `language`. */
export function loadPolicyHistory(libraryId: string, language?: string): Promise<PolicyHistory> {
  const lang = language && language !== 'en' ? `?lang=${encodeURIComponent(language)}` : '';
  return getJson<PolicyHistory>(`/libraries/${encodeURIComponent(libraryId)}/privacy-policy/history${lang}`);
}
