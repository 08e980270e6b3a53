/**
 * The shapes the patron portal reads. The answers of /me/privacy, /me/access-log and the guardian routes
 * are the static types of the server's own schemas (src/http/schemas/). GET /me and the published policy
 * are documents the schemas leave open: the published policy is declared in src/domain/published-policy.ts;
 * GET /me (src/usecases/patron.usecases.ts `patronDocument`) is typed here, the parts the portal shows,
 * and the download keeps all.
 */
import type { FineView, HoldView, LoanView, PatronView } from '../../../src/http/schemas/common';
import type { DependentRecord, ServiceView } from '../../../src/http/schemas/guardian';
import type { PrivacyView } from '../../../src/http/schemas/self';

export type { Dependent, DependentRecord, GuardianLevel } from '../../../src/http/schemas/guardian';
export type { AccessSeen, NoticeChannel, PrivacyView } from '../../../src/http/schemas/self';
/** The published privacy policy (GET /libraries/:id/privacy-policy?format=json): the server's own document. */
export type { PrivacyPolicyDocument as PublishedPolicy } from '../../../src/domain/published-policy';

/** A payment, as a guardian's view and GET /me give it. */
export type Payment = NonNullable<DependentRecord['payments']>[number];
/** A service record, as a guardian's view and GET /me give it. */
export type ServiceRecord = ServiceView;
/** The privacy choices GET /me carries (the settings without what the profile offers). */
export type PrivacyChoices = Omit<PrivacyView, 'readingHistoryOffered'>;

/** GET /me: every category of the inventory that concerns the patron; `contents` says where each is. */
export interface MyRecord {
  format: string;
  exportedAt: string;
  patron: PatronView;
  contents: Record<string, string[]>;
  account?: { lastActiveAt: string | null; ageBand: string | null };
  privacy: PrivacyChoices;
  guardianLinks: { role: 'guardian' | 'minor'; startedAt: string; endedAt: string | null }[];
  loans: LoanView[];
  holds: HoldView[];
  fines: FineView[];
  payments: Payment[];
  balanceCents: number;
  services: ServiceRecord[];
  complaints: { id: string; receivedAt: string; channel: string; topic: string; summary: string | null; dueAt: string; answeredAt: string | null; answerSummary: string | null }[];
  accessLog: { at: string; actorKind: string; action: string; categories: string[]; purpose: string; channel: string }[];
  /** Releases of the patron's records to an agency, told once any gag has ended (JC-II). */
  notices?: { kind: string; agency: string | null; instrument: string | null; releasedAt: string | null; categories: string[]; visibleFrom: string | null }[];
  withheld?: string[];
}
