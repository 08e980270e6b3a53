/**
 * Lawful disclosure: the legal-request register's vocabulary (RR-7, CB-E1..E3, JC-IVd-le, JC-II, RF-2,
 * IF-8, IF-9). A request is how patron records leave the library; what an instrument permits is the
 * profile's (policy/disclosure.policy.ts). Pure types, no I/O.
 */
import type { RecordCategory } from './records.js';

/**
 * What was presented. `materials-recovery` is the library's own request to hand an account to a
 * collection agency or the police to recover materials and money (CB-E2, IF-9); `public-records-request`
 * asks for the overdue accounts a public-records law makes public (CB-E3).
 */
export const INSTRUMENTS = [
  'informal-request',
  'written-request',
  'subpoena',
  'search-warrant',
  'court-order',
  'fisa-or-nsl',
  'emergency-claim',
  'patron-consent',
  'public-records-request',
  'materials-recovery',
] as const;
export type Instrument = (typeof INSTRUMENTS)[number];

/** received → referred → approved | refused → released (from approved); or withdrawn before release. */
export const REQUEST_STATUSES = ['received', 'referred', 'approved', 'refused', 'released', 'withdrawn'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/**
 * What an instrument permits under a profile: the scope as requested (`release`); the identity of the
 * patrons in scope only — name, address, phone, email — (`identity-only`, RR-7); the public list of
 * overdue adult accounts (`overdue-accounts`, CB-E3); what recovering materials needs (`recovery`,
 * CB-E2, IF-9); the director decides, and may release or require more (`director-decides`, JC-IVd-le);
 * nothing (`refuse`).
 */
export const PERMITS = ['release', 'identity-only', 'overdue-accounts', 'recovery', 'director-decides', 'refuse'] as const;
export type Permit = (typeof PERMITS)[number];

/** A request as the register holds it (storage maps rows to this). */
export interface LegalRequest {
  id: string;
  libraryId: string;
  receivedAt: string;
  /** The staff account that recorded it, or 'system' (the operator). */
  receivedBy: string;
  agency: string;
  officerName: string;
  officerId: string;
  instrument: Instrument;
  caseNumber: string | null;
  /** Record categories of the data inventory (policy/inventory.ts). */
  scopeCategories: string[];
  scopeFrom: string | null;
  scopeTo: string | null;
  status: RequestStatus;
  referredAt: string | null;
  referredBy: string | null;
  reviewProperForm: boolean | null;
  reviewGoodCause: boolean | null;
  reviewNotes: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  decision: 'approved' | 'refused' | null;
  decisionReason: string | null;
  decisionNotes: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  gagUntil: string | null;
  releasedAt: string | null;
  releasedBy: string | null;
  manifest: DisclosureManifest | null;
  createdAt: string;
  /** When and by whom the agency's withdrawal was recorded, and its notes (the decision's notes stay). */
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  withdrawalNotes: string | null;
}

/** What a release leaves in the register: which records, which categories, and the export's hash. */
export interface DisclosureManifest {
  records: { category: string; id: string }[];
  categories: string[];
  /** SHA-256 (hex) of the export's canonical JSON (keys sorted, no whitespace). */
  sha256: string;
  generatedAt: string;
}

/** What a release hands the agency: the records the decision allows, produced once and never stored. */
export interface DisclosureExport {
  format: 'carrel.legal-disclosure.v1';
  requestId: string;
  libraryId: string;
  agency: string;
  instrument: Instrument;
  caseNumber: string | null;
  permits: Exclude<Permit, 'refuse'>;
  categories: RecordCategory[];
  period: { from: string | null; to: string | null };
  generatedAt: string;
  /** One entry per patron released (release, identity-only, recovery) … */
  patrons?: Record<string, unknown>[];
  /** … or the overdue adult accounts of a public-records request (CB-E3). */
  accounts?: { name?: string; address?: string | null; amountOwedCents?: number }[];
}

/** Whether a gag (JC-II) still holds at `now`. */
export function gagged(request: Pick<LegalRequest, 'gagUntil'>, now: Date): boolean {
  return request.gagUntil !== null && Date.parse(request.gagUntil) > now.getTime();
}

/**
 * JSON with object keys sorted at every level and no whitespace: the form whose SHA-256 the manifest
 * keeps, so anyone holding the export can recompute it.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
