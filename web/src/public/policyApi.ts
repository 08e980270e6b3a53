import { ApiError } from '../api';

/**
 * The published privacy policy (src/report/privacy-policy.ts) and its version history: public routes at
 * the root (`/libraries/:libraryId/privacy-policy`), outside /api/v1, read without a session.
 */

export interface Statement {
  text: string;
  clauses: string[];
}

export interface PolicyChange {
  section: string;
  subject: string;
  before: string | null;
  after: string | null;
  clause: string;
  text: string;
}

export interface PolicyVersion {
  version: number;
  effective: string;
  contentHash: string;
  firstSeenAt: string;
  current: boolean;
  changedWithoutNewVersion: boolean;
  changes: PolicyChange[];
  remarks: string[];
}

export interface PolicyInstrument {
  instrument: string;
  name: string;
  permits: string;
  permitted: boolean;
  counselReviewRequired: boolean;
  patronTold: boolean;
  statement: Statement;
  note?: string;
}

export interface PrivacyPolicy {
  library: { id: string; name: string };
  policy: { profileId: string; name: string; jurisdiction: string; version: number; effective: string; contentHash: string; source?: string };
  generatedAt: string;
  introduction: Statement[];
  categories: {
    id: string;
    name: string;
    fields: string[];
    why: Statement;
    howLong: Statement;
    note?: string;
    disposal: string;
    whoCanSee: { patron: boolean; guardian: string | null; staffRoles: string[]; text: string };
  }[];
  recordsOutsideCarrel: { name: string; medium: string; howLong: Statement; note?: string }[];
  access: Statement[];
  disclosure: { general: Statement[]; instruments: PolicyInstrument[] };
  statistics: Statement;
  rights: Statement[];
  history: PolicyVersion[];
}

export interface PolicyHistory {
  library: { id: string; name: string };
  profileId: string;
  current: { version: number; effective: string; contentHash: string };
  versions: PolicyVersion[];
}

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
