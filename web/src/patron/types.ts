/**
 * The shapes the patron portal reads, as the API answers them (src/http/routes/self.routes.ts,
 * guardian.routes.ts and src/usecases/patron.usecases.ts `patronDocument`). Only what the portal shows
 * is typed; the export document holds more, and the download keeps all of it.
 */
import type { FineView, HoldView, LoanView, PatronView } from '../ui/api-types';

export interface Payment {
  id: string;
  amountCents: number;
  createdAt: string;
}

export interface ServiceRecord {
  id: string;
  kind: string;
  status: string;
  startsAt: string;
  endsAt: string | null;
  resource?: string | null;
  details?: { title?: string; author?: string | null; question?: string } | null;
}

export interface PrivacyChoices {
  readingHistory: boolean;
  readingHistorySince: string | null;
  noticeChannel: NoticeChannel;
  mailingLists: boolean;
  mailingListsSince: string | null;
  photoConsent: boolean;
  photoConsentSince: string | null;
}

export type NoticeChannel = 'none' | 'email' | 'text';

/** GET/PUT /me/privacy. */
export interface PrivacyView extends PrivacyChoices {
  readingHistoryOffered: boolean;
}

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

/** GET /me/access-log: one look at the record, as the patron is told of it. */
export interface AccessSeen {
  date: string;
  role: string;
  library: string | null;
  purpose: string;
  action: string;
  categories: string[];
}

export type GuardianLevel = 'full' | 'current-circulation' | 'overdue-and-fines' | 'none';

/** GET /me/dependents. */
export interface Dependent {
  patronId: string;
  firstName: string;
  withChildCard: GuardianLevel;
  withoutChildCard: GuardianLevel;
}

/** POST /me/dependents/:minorId/record: only the sections the profile lets a guardian see are present. */
export interface DependentRecord {
  minorId: string;
  level: Exclude<GuardianLevel, 'none'>;
  clause: string;
  /** Whether the number sent was the child's working card: the view is then the one with the card. */
  cardAccepted: boolean;
  registration?: {
    name: string;
    birthDate: string;
    address: string | null;
    email: string | null;
    phone: string | null;
    categoryCode: string;
    status: string;
    expiresAt: string;
    readingHistory: boolean;
  };
  loans: LoanView[];
  history?: LoanView[];
  holds?: HoldView[];
  fines: FineView[];
  payments?: Payment[];
  balanceCents: number;
  services?: ServiceRecord[];
}

/** The published privacy policy (GET /libraries/:id/privacy-policy?format=json), the parts the portal quotes. */
export interface PublishedPolicy {
  library: { id: string; name: string };
  policy: { name: string; version: number };
  categories: {
    id: string;
    name: string;
    fields: string[];
    howLong: { text: string; clauses: string[] };
    whoCanSee: { text: string };
  }[];
  access: { text: string; clauses: string[] }[];
}
