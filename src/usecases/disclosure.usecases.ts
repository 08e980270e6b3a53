/**
 * Lawful disclosure: the only way patron records leave the library (RR-2, RR-5, RR-7, CB-A7, CB-B2,
 * CB-E1..E3, JC-II, JC-IVd-le, JC-VIII, RF-2, RF-5, IF-8, IF-9; DESIGN.md invariant 5). Any desk records
 * a request it is handed; the director refers, records counsel's review, decides under the library's
 * profile (policy/disclosure.policy.ts), and releases an export limited to the request's scope and to
 * what the instrument permits, whose manifest stays in the register. Every patron in scope is an
 * access with purpose `legal-disclosure`; the patrons are told at release where the profile says so,
 * never while a gag order holds (JC-II).
 */
import { createHash } from 'node:crypto';
import { parseInstant } from '../domain/clock.js';
import { isMinor } from '../domain/circulation.rules.js';
import {
  canonicalJson,
  gagged,
  INSTRUMENTS,
  type DisclosureExport,
  type DisclosureManifest,
  type Instrument,
  type LegalRequest,
  type RequestStatus,
} from '../domain/disclosure.js';
import { ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import type { ReleaseNotice } from '../domain/patron-document.js';
import type { Library } from '../domain/types.js';
import { canSeeRequest, decideStored, notifiesPatron, type DisclosureDecision, type RefusalReason, type Releasable } from '../policy/disclosure.policy.js';
import { PATRON_RECORD_CATEGORIES, SERVICE_CATEGORY, type RecordCategory } from '../policy/inventory.js';
import { profiles } from '../profile/profiles.js';
import type { Profile } from '../policy/profile.schema.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import { accessEntriesForPatron } from '../storage/access-log.repository.js';
import * as register from '../storage/disclosure.repository.js';
import { balanceOf, finesOfPatron, paymentsOfPatron } from '../storage/fine.repository.js';
import { holdsOfPatron } from '../storage/hold.repository.js';
import { findItemById } from '../storage/item.repository.js';
import { findLibrary } from '../storage/library.repository.js';
import { loansOfPatron } from '../storage/loan.repository.js';
import { findPatronById, guardianLinksOf, type StoredPatron } from '../storage/patron.repository.js';
import { serviceRecordsOfPatron } from '../storage/service-record.repository.js';
import { requirePermission } from './authorization.js';
import { newId, recordAccess, type Context } from './context.js';
import { requireLibrary } from './library-access.js';
import { openFineNotes, openPatron } from './patron-records.js';
import { requirePatronRef } from './patron-access.js';
import { openServiceRecords } from './service-details.js';
import { complaintsOf } from './complaint-records.js';
import { endPreservation, preserveForRequest } from './legal-hold.usecases.js';

/** The categories a request may name: every category kept about a patron (statistics hold no one). */
const SCOPE_CATEGORIES: readonly RecordCategory[] = PATRON_RECORD_CATEGORIES;
const MAX_TEXT = 200;
const MAX_NOTES = 2_000;
const MAX_PATRONS = 500;

/** A patron a request names: by the card presented, or by id. */
export type ScopePatron = { cardNumber: string } | { patronId: string };

export interface ReceiveRequestInput {
  libraryId: string;
  agency: string;
  officerName: string;
  officerId: string;
  instrument: string;
  caseNumber?: string | null;
  /** The patrons the instrument names; none for a public-records request (every overdue adult account, CB-E3). */
  patrons: ScopePatron[];
  /** Record categories asked for (policy/inventory.ts). */
  categories: string[];
  /** The period asked for (ISO-8601 instants or dates; null or absent: unbounded). */
  from?: string | null;
  to?: string | null;
  /** A gag order (JC-II): until this instant the patron is not told and only the director sees the request. */
  gagUntil?: string | null;
}

/** What the desk that recorded or referred a request is told: that it is in the register, nothing of its scope. */
export interface RequestReceipt {
  id: string;
  libraryId: string;
  instrument: Instrument;
  status: RequestStatus;
  receivedAt: string;
}

/** A request as the director reads it in the register: no patron data, patrons by id only. */
export type RequestView = Omit<LegalRequest, 'scopeCategories'> & {
  scopeCategories: string[];
  patronIds: string[];
  gagged: boolean;
  /** What the library's profile says of the instrument (the decision applies it). */
  rule: { permits: string; clause: string; counselReviewRequired: boolean; notifyPatron: string; note?: string };
};

/** A release: the export (produced once, never stored) and the manifest the register keeps. */
export interface Release {
  requestId: string;
  manifest: DisclosureManifest;
  export: DisclosureExport;
}

function actorRef(ctx: Context): string {
  return ctx.actor.kind === 'system' ? 'system' : ctx.actor.id;
}

function text(value: string | null | undefined, field: string, max: number, problems: Problem[], required = true): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') {
    if (required) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'This field is required.', field });
    return null;
  }
  if (trimmed.length > max) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `At most ${max} characters.`, field });
  return trimmed;
}

function instant(value: string | null | undefined, field: string, problems: Problem[]): string | null {
  if (value === undefined || value === null || value === '') return null;
  const parsed = parseInstant(value);
  if (!parsed) {
    problems.push({ code: ErrorCode.INVALID_DATE, message: 'Not a date (YYYY-MM-DD) or an ISO-8601 instant with an offset.', field });
    return null;
  }
  return parsed.toISOString();
}

/** A gag's end: an instant after now (a gag already over is no gag). */
function gagEnd(value: string | null | undefined, now: Date, problems: Problem[]): string | null {
  // Only an explicit null lifts a gag: an empty string is a mistake, not an instruction.
  if (value !== undefined && value !== null && value.trim() === '') {
    problems.push({ code: ErrorCode.INVALID_DATE, message: 'A gag order ends at an ISO-8601 instant; null lifts it.', field: 'gagUntil' });
    return null;
  }
  const at = instant(value, 'gagUntil', problems);
  if (at !== null && Date.parse(at) <= now.getTime()) problems.push({ code: ErrorCode.INVALID_DATE, message: 'A gag order ends after now.', field: 'gagUntil' });
  return at;
}

function profileOf(library: Library): Profile {
  return profiles().get(library.profileId);
}

/**
 * A request of a library the actor reaches that the actor may see (a gagged one only the director,
 * JC-II); anything else is LEGAL_REQUEST_NOT_FOUND, never "forbidden".
 */
async function reachableRequest(ctx: Context, requestId: string, options: { lock?: boolean; evenIfGagged?: boolean } = {}): Promise<LegalRequest> {
  const request = /^[0-9a-f-]{36}$/i.test(requestId) ? await register.findLegalRequest(ctx.trx, requestId, options) : undefined;
  if (!request || !canReachLibrary(ctx.actor, request.libraryId).allowed || (!options.evenIfGagged && !canSeeRequest(ctx.actor, request, ctx.now)))
    throw refuse(ErrorCode.LEGAL_REQUEST_NOT_FOUND, 'No legal request has that id.', 'requestId');
  return request;
}

function receipt(request: LegalRequest): RequestReceipt {
  return { id: request.id, libraryId: request.libraryId, instrument: request.instrument, status: request.status, receivedAt: request.receivedAt };
}

async function view(ctx: Context, request: LegalRequest): Promise<RequestView> {
  const library = await findLibrary(ctx.trx, request.libraryId);
  const rule = library ? profileOf(library).disclosure.instruments[request.instrument] : undefined;
  return {
    ...request,
    patronIds: await register.requestPatronIds(ctx.trx, request.id),
    gagged: gagged(request, ctx.now),
    rule: rule
      ? { permits: rule.permits, clause: rule.clause, counselReviewRequired: rule.counselReviewRequired, notifyPatron: rule.notifyPatron, ...(rule.note ? { note: rule.note } : {}) }
      : { permits: 'refuse', clause: '', counselReviewRequired: true, notifyPatron: 'at-release' },
  };
}

/** Steps before a decision refuse a request already decided, released or withdrawn. */
function requireOpen(request: LegalRequest): void {
  if (request.status !== 'received' && request.status !== 'referred')
    throw refuse(ErrorCode.REQUEST_ALREADY_DECIDED, 'The request was already decided or withdrawn.');
}

/**
 * Records a request handed to any desk (CB-E1, IF-8, JC-IVd-le): who presented what, for which patrons,
 * categories and period. The patrons are resolved by card or id and must be patrons of the library the
 * request is made to (anything else is PATRON_NOT_FOUND); nothing of theirs is read beyond that, and each
 * is logged as an access with purpose `legal-disclosure`. The desk is told only that it is recorded.
 */
export async function receiveRequest(ctx: Context, input: ReceiveRequestInput): Promise<RequestReceipt> {
  requirePermission(ctx, 'disclosure.receive');
  ctx.purpose = 'legal-disclosure';
  const problems: Problem[] = [];
  const agency = text(input.agency, 'agency', MAX_TEXT, problems);
  const officerName = text(input.officerName, 'officerName', MAX_TEXT, problems);
  const officerId = text(input.officerId, 'officerId', MAX_TEXT, problems);
  const caseNumber = text(input.caseNumber, 'caseNumber', MAX_TEXT, problems, false);
  if (!(INSTRUMENTS as readonly string[]).includes(input.instrument))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `The instrument is one of ${INSTRUMENTS.join(', ')}.`, field: 'instrument' });
  const instrument = input.instrument as Instrument;
  const categories = [...new Set(input.categories)];
  if (categories.length === 0 || categories.some((c) => !(SCOPE_CATEGORIES as readonly string[]).includes(c)))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `Name one or more record categories: ${SCOPE_CATEGORIES.join(', ')}.`, field: 'categories' });
  const from = instant(input.from, 'from', problems);
  const to = instant(input.to, 'to', problems);
  if (from !== null && to !== null && from > to) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'The period ends before it starts.', field: 'to' });
  const gagUntil = gagEnd(input.gagUntil, ctx.now, problems);
  if (input.patrons.length === 0 && instrument !== 'public-records-request')
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'Name the patrons the instrument concerns.', field: 'patrons' });
  if (input.patrons.length > MAX_PATRONS) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `At most ${MAX_PATRONS} patrons per request.`, field: 'patrons' });
  // A patron's written consent (CB-B2, RF-2) releases that patron's records and nobody else's.
  if (instrument === 'patron-consent' && input.patrons.length !== 1)
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A written consent names the one patron who gave it.', field: 'patrons' });
  refuseAll(problems);

  const library = await requireLibrary(ctx, input.libraryId);
  const patrons: StoredPatron[] = [];
  for (const named of input.patrons) {
    const stored = await requirePatronRef(ctx, named);
    // A request is answered by the library that holds the records, under its own profile.
    if (stored.libraryId !== library.id) throw refuse(ErrorCode.PATRON_NOT_FOUND, 'No patron of this library matches.', 'patrons');
    // A minor does not consent alone: their guardian's consent is a request of its own, decided by the director.
    if (instrument === 'patron-consent' && (stored.ageBand === '0-12' || stored.ageBand === '13-17'))
      throw refuse(ErrorCode.VALIDATION_FAILED, 'A minor’s records are not released on their own consent.', 'patrons');
    if (!patrons.some((p) => p.id === stored.id)) patrons.push(stored);
  }
  const at = ctx.now.toISOString();
  const request: LegalRequest = {
    id: newId(),
    libraryId: library.id,
    receivedAt: at,
    receivedBy: actorRef(ctx),
    agency: agency as string,
    officerName: officerName as string,
    officerId: officerId as string,
    instrument,
    caseNumber,
    scopeCategories: SCOPE_CATEGORIES.filter((c) => categories.includes(c)),
    scopeFrom: from,
    scopeTo: to,
    status: 'received',
    referredAt: null,
    referredBy: null,
    reviewProperForm: null,
    reviewGoodCause: null,
    reviewNotes: null,
    reviewedBy: null,
    reviewedAt: null,
    decision: null,
    decisionReason: null,
    decisionNotes: null,
    decidedBy: null,
    decidedAt: null,
    gagUntil,
    releasedAt: null,
    releasedBy: null,
    manifest: null,
    createdAt: at,
    withdrawnAt: null,
    withdrawnBy: null,
    withdrawalNotes: null,
  };
  await register.insertLegalRequest(ctx.trx, request, patrons.map((p) => p.id));
  // From receipt to decision the records asked for are kept (a legal hold of the request's own scope).
  await preserveForRequest(ctx, { libraryId: library.id, requestId: request.id, patrons, categories: request.scopeCategories as RecordCategory[], from: request.scopeFrom, to: request.scopeTo });
  for (const patron of patrons) await recordAccess(ctx, patron, 'legal-request-received', ['registration']);
  return receipt(request);
}

/** The desk refers a request it recorded to the director (JC-IVd-le: every such request is). Referring twice changes nothing. */
export async function referToDirector(ctx: Context, input: { requestId: string }): Promise<RequestReceipt> {
  requirePermission(ctx, 'disclosure.receive');
  // The desk that was handed a gagged request may refer it without being able to read it.
  const request = await reachableRequest(ctx, input.requestId, { lock: true, evenIfGagged: true });
  if (request.status === 'referred') return receipt(request);
  requireOpen(request);
  const referred: LegalRequest = { ...request, status: 'referred', referredAt: ctx.now.toISOString(), referredBy: actorRef(ctx) };
  await register.saveLegalRequest(ctx.trx, referred);
  return receipt(referred);
}

/**
 * The director records counsel's review: is the instrument in proper form, does it show good cause
 * (CB-E1, JC-IVd-le)? A later review replaces an earlier one until the request is decided.
 */
export async function recordCounselReview(ctx: Context, input: { requestId: string; properForm: boolean; goodCause: boolean; notes?: string | null }): Promise<RequestView> {
  requirePermission(ctx, 'disclosure.decide');
  const problems: Problem[] = [];
  const notes = text(input.notes, 'notes', MAX_NOTES, problems, false);
  refuseAll(problems);
  const request = await reachableRequest(ctx, input.requestId, { lock: true });
  requireOpen(request);
  const reviewed: LegalRequest = {
    ...request,
    reviewProperForm: input.properForm,
    reviewGoodCause: input.goodCause,
    reviewNotes: notes,
    reviewedBy: actorRef(ctx),
    reviewedAt: ctx.now.toISOString(),
  };
  await register.saveLegalRequest(ctx.trx, reviewed);
  return view(ctx, reviewed);
}

/** The error an approval the policy does not allow is refused with. */
const APPROVAL_REFUSALS: Record<RefusalReason, { code: ErrorCode; message: string }> = {
  INSTRUMENT_NOT_ACCEPTED: { code: ErrorCode.INSTRUMENT_NOT_ACCEPTED, message: 'The library’s policy does not accept this instrument; the request can only be refused.' },
  DECIDER_NOT_AUTHORIZED: { code: ErrorCode.PERMISSION_DENIED, message: 'The library’s policy gives this decision to another role.' },
  REFERRAL_MISSING: { code: ErrorCode.REFERRAL_REQUIRED, message: 'The request must be referred to the director first.' },
  COUNSEL_REVIEW_MISSING: { code: ErrorCode.COUNSEL_REVIEW_MISSING, message: 'Counsel must find the instrument in proper form and showing good cause first.' },
  NOT_IN_PROPER_FORM: { code: ErrorCode.NOT_IN_PROPER_FORM, message: 'Counsel found the instrument not in proper form.' },
  NO_GOOD_CAUSE: { code: ErrorCode.NOT_IN_PROPER_FORM, message: 'Counsel found the instrument shows no good cause.' },
  NOTHING_RELEASABLE: { code: ErrorCode.NOTHING_RELEASABLE, message: 'None of the categories asked for may be released on this instrument.' },
};

function deciderOf(ctx: Context): { kind: 'system' } | { kind: 'staff'; roles: readonly string[] } {
  return ctx.actor.kind === 'staff' ? { kind: 'staff', roles: ctx.actor.roles } : { kind: 'system' };
}

function throwIfRefused(decision: DisclosureDecision): asserts decision is Extract<DisclosureDecision, { allowed: true }> {
  if (!decision.allowed) {
    const refusal = APPROVAL_REFUSALS[decision.reason];
    throw refuse(refusal.code, `${refusal.message} (${decision.clause})`);
  }
}

export interface DecideInput {
  requestId: string;
  approve: boolean;
  notes?: string | null;
  /** A refusal that asks for more (JC-IVd-le: the director may require a subpoena or a court order). */
  requires?: 'subpoena' | 'court-order';
  /** Sets, moves or (null) lifts the gag order (JC-II). */
  gagUntil?: string | null;
}

/**
 * The director decides, under the library's profile. An approval the profile does not allow is refused
 * with its reason and changes nothing: such a request can only be refused. A refusal records
 * INSTRUMENT_NOT_ACCEPTED when the profile does not accept the instrument; otherwise that a subpoena or
 * court order is required (JC-IVd-le) if the director says so, else the policy's open objection (a
 * missing review…) or REFUSED_BY_DIRECTOR.
 */
export async function decideRequest(ctx: Context, input: DecideInput): Promise<RequestView> {
  requirePermission(ctx, 'disclosure.decide');
  const problems: Problem[] = [];
  const notes = text(input.notes, 'notes', MAX_NOTES, problems, false);
  const gagUntil = input.gagUntil === undefined ? undefined : input.gagUntil === null ? null : gagEnd(input.gagUntil, ctx.now, problems);
  if (input.approve && input.requires !== undefined) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'Only a refusal requires another instrument.', field: 'requires' });
  refuseAll(problems);
  const request = await reachableRequest(ctx, input.requestId, { lock: true });
  requireOpen(request);
  const library = await requireLibrary(ctx, request.libraryId);
  const decision = decideStored(profileOf(library), request, deciderOf(ctx));
  let reason: string;
  if (input.approve) {
    throwIfRefused(decision);
    reason = decision.reason;
  } else if (!decision.allowed && decision.reason === 'DECIDER_NOT_AUTHORIZED') {
    throw refuse(ErrorCode.PERMISSION_DENIED, APPROVAL_REFUSALS.DECIDER_NOT_AUTHORIZED.message);
  } else if (!decision.allowed && decision.reason === 'INSTRUMENT_NOT_ACCEPTED') {
    reason = decision.reason; // the profile's answer, whatever the director adds
  } else if (input.requires !== undefined) {
    reason = input.requires === 'subpoena' ? 'SUBPOENA_REQUIRED' : 'COURT_ORDER_REQUIRED';
  } else reason = decision.allowed ? 'REFUSED_BY_DIRECTOR' : decision.reason;
  const decided: LegalRequest = {
    ...request,
    status: input.approve ? 'approved' : 'refused',
    decision: input.approve ? 'approved' : 'refused',
    decisionReason: reason,
    decisionNotes: notes,
    decidedBy: actorRef(ctx),
    decidedAt: ctx.now.toISOString(),
    ...(gagUntil !== undefined ? { gagUntil } : {}),
  };
  await register.saveLegalRequest(ctx.trx, decided);
  if (!input.approve) await endPreservation(ctx, request.id);
  return view(ctx, decided);
}

/**
 * The agency withdrew the request (before release): recorded by the director, with when, by whom and its
 * own notes; a decision already recorded (and its notes) stays as it was. Nothing is released.
 */
export async function withdrawRequest(ctx: Context, input: { requestId: string; notes?: string | null }): Promise<RequestView> {
  requirePermission(ctx, 'disclosure.decide');
  const problems: Problem[] = [];
  const notes = text(input.notes, 'notes', MAX_NOTES, problems, false);
  refuseAll(problems);
  const request = await reachableRequest(ctx, input.requestId, { lock: true });
  if (request.status !== 'received' && request.status !== 'referred' && request.status !== 'approved')
    throw refuse(ErrorCode.REQUEST_ALREADY_DECIDED, 'The request was already refused, released or withdrawn.');
  const withdrawn: LegalRequest = { ...request, status: 'withdrawn', withdrawnAt: ctx.now.toISOString(), withdrawnBy: actorRef(ctx), withdrawalNotes: notes };
  await register.saveLegalRequest(ctx.trx, withdrawn);
  await endPreservation(ctx, request.id);
  return view(ctx, withdrawn);
}

/** The register of a library, for the director (a gagged request for the director role only, JC-II). */
export async function listRequests(ctx: Context, input: { libraryId: string }): Promise<RequestView[]> {
  requirePermission(ctx, 'disclosure.read');
  const library = await requireLibrary(ctx, input.libraryId);
  const requests = (await register.listLegalRequests(ctx.trx, library.id)).filter((r) => canSeeRequest(ctx.actor, r, ctx.now));
  return Promise.all(requests.map((r) => view(ctx, r)));
}

/** One request of the register. */
export async function getRequest(ctx: Context, input: { requestId: string }): Promise<RequestView> {
  requirePermission(ctx, 'disclosure.read');
  return view(ctx, await reachableRequest(ctx, input.requestId));
}

// ── Release ──────────────────────────────────────────────────────────────────────────────────────

type Period = { from: string | null; to: string | null };

function within(at: string, period: Period): boolean {
  const t = Date.parse(at);
  return (period.from === null || t >= Date.parse(period.from)) && (period.to === null || t <= Date.parse(period.to));
}

/** Collects the export's entries and the manifest's record ids as it goes. */
class Collector {
  readonly records: { category: string; id: string }[] = [];
  note(category: RecordCategory, id: string): void {
    this.records.push({ category, id });
  }
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, source[k]])) as Pick<T, K>;
}

/** The registration fields the release may carry, from the opened record. */
async function registrationOf(ctx: Context, stored: StoredPatron, releasable: Releasable) {
  const patron = await openPatron(ctx, stored);
  return pick(patron.personal, releasable.registrationFields);
}

/** Everything a `release` (or director-approved) instrument releases about one patron, within the scope. */
async function fullRecord(ctx: Context, stored: StoredPatron, releasable: Releasable, period: Period, out: Collector) {
  const has = (c: RecordCategory) => releasable.categories.includes(c);
  const entry: Record<string, unknown> = { patronId: stored.id };
  if (has('registration')) {
    entry.registration = { ...(await registrationOf(ctx, stored, releasable)), categoryCode: stored.categoryCode, registeredAt: stored.createdAt };
    out.note('registration', stored.id);
  }
  if (has('guardianship')) {
    // The other party of a link is not in scope: the role and dates only.
    entry.guardianship = (await guardianLinksOf(ctx.trx, stored.id)).map((l) => {
      const role = l.minorPatronId === stored.id ? 'has-guardian' : 'is-guardian';
      out.note('guardianship', `${role}:${l.startedAt}`);
      return { role, startedAt: l.startedAt, endedAt: l.endedAt };
    });
  }
  if (has('circulation') || has('reading-history')) {
    // `circulation` is what is out now (and lost, unpaid); returned loans are reading history, kept only
    // for a patron who opted in (JC-IIIc), and released only when the scope names that category.
    const since = stored.readingHistorySince;
    const categoryOf = (l: { status: string; endedAt: string | null }): RecordCategory | null => {
      if (l.status === 'active' || l.status === 'lost') return 'circulation';
      return since !== null && l.endedAt !== null && l.endedAt >= since ? 'reading-history' : null;
    };
    const loans = (await loansOfPatron(ctx.trx, stored.id)).filter((l) => {
      const category = categoryOf(l);
      return category !== null && has(category) && within(l.checkedOutAt, period);
    });
    entry.loans = loans.map((l) => {
      out.note(categoryOf(l) as RecordCategory, l.id);
      return { id: l.id, itemBarcode: l.itemBarcode, title: l.title, checkedOutAt: l.checkedOutAt, dueAt: l.dueAt, status: l.status, endedAt: l.endedAt };
    });
  }
  if (has('holds')) {
    entry.holds = (await holdsOfPatron(ctx.trx, stored.id))
      .filter((h) => within(h.placedAt, period))
      .map((h) => {
        out.note('holds', h.id);
        return h;
      });
  }
  if (has('fines')) {
    entry.fines = (await openFineNotes(ctx, await finesOfPatron(ctx.trx, stored.id)))
      .filter((f) => within(f.createdAt, period))
      .map((f) => {
        out.note('fines', f.id);
        return f;
      });
    entry.payments = (await paymentsOfPatron(ctx.trx, stored.id))
      .filter((p) => within(p.createdAt, period))
      .map((p) => {
        out.note('fines', p.id);
        return { id: p.id, amountCents: p.amountCents, createdAt: p.createdAt };
      });
  }
  const services = (await serviceRecordsOfPatron(ctx.trx, stored.id)).filter((s) => has(SERVICE_CATEGORY[s.kind]) && within(s.startsAt, period));
  if (Object.values(SERVICE_CATEGORY).some(has)) {
    entry.services = (await openServiceRecords(ctx, services)).map((s) => {
      out.note(SERVICE_CATEGORY[s.kind], s.id);
      return s;
    });
  }
  if (has('complaints')) {
    entry.complaints = (await complaintsOf(ctx, stored.id))
      .filter((c) => within(c.receivedAt, period))
      .map((c) => {
        out.note('complaints', c.id);
        return c;
      });
  }
  if (has('access-log')) {
    entry.accessLog = (await accessEntriesForPatron(ctx.trx, stored.id))
      .filter((e) => within(e.at, period))
      .map((e) => {
        out.note('access-log', String(e.seq));
        return { at: e.at, actorKind: e.actorKind, actorRole: e.actorRole, action: e.action, categories: e.categories, purpose: e.purpose, channel: e.channel };
      });
  }
  return entry;
}

/** What recovering materials needs (CB-E2, IF-9): whom to contact, the items still out or lost, what is owed. */
async function recoveryRecord(ctx: Context, stored: StoredPatron, releasable: Releasable, out: Collector) {
  const has = (c: RecordCategory) => releasable.categories.includes(c);
  const entry: Record<string, unknown> = { patronId: stored.id };
  if (has('registration')) {
    entry.contact = await registrationOf(ctx, stored, releasable);
    out.note('registration', stored.id);
  }
  if (has('circulation')) {
    const openLost = new Set((await finesOfPatron(ctx.trx, stored.id)).filter((f) => f.status === 'open' && f.kind === 'lost').map((f) => f.loanId));
    // What recovery needs, and no more (CB-E2, RR-2, IF-9): items overdue now, or lost and not paid for;
    // a book due in three weeks is nobody's business.
    const now = ctx.now.getTime();
    const loans = (await loansOfPatron(ctx.trx, stored.id)).filter(
      (l) => (l.status === 'active' && Date.parse(l.dueAt) < now) || (l.status === 'lost' && openLost.has(l.id)),
    );
    const items = [];
    for (const loan of loans) {
      const item = await findItemById(ctx.trx, loan.itemId);
      out.note('circulation', loan.id);
      items.push({ barcode: loan.itemBarcode, title: loan.title, replacementCostCents: item?.replacementCostCents ?? null, dueAt: loan.dueAt, status: loan.status });
    }
    entry.items = items;
  }
  if (has('fines')) {
    for (const fine of (await finesOfPatron(ctx.trx, stored.id)).filter((f) => f.status === 'open')) out.note('fines', fine.id);
    entry.amountOwedCents = await balanceOf(ctx.trx, stored.id);
  }
  return entry;
}

/**
 * The director releases an approved request (and only one: a refused, withdrawn or still open request
 * is REQUEST_NOT_APPROVED whoever asks). The profile is asked again, in case it changed since the
 * decision. The export is built from the patrons' records opened through the vault, limited to the
 * request's scope and to what the instrument permits; the register keeps its manifest (record ids,
 * categories, SHA-256 of the canonical JSON), every patron released is an access with purpose
 * `legal-disclosure`, and the patrons are told where the profile says so — from the end of any gag.
 * The export is answered once and not stored.
 */
export async function releaseRequest(ctx: Context, input: { requestId: string }): Promise<Release> {
  requirePermission(ctx, 'disclosure.release');
  ctx.purpose = 'legal-disclosure';
  const request = await reachableRequest(ctx, input.requestId, { lock: true });
  if (request.status === 'released') throw refuse(ErrorCode.REQUEST_ALREADY_RELEASED, 'The request’s export was already produced.');
  if (request.status !== 'approved' || request.decision !== 'approved') throw refuse(ErrorCode.REQUEST_NOT_APPROVED, 'Records are released only from an approved request.');
  const library = await requireLibrary(ctx, request.libraryId);
  const profile = profileOf(library);
  const decision = decideStored(profile, request, deciderOf(ctx));
  throwIfRefused(decision);
  const { releasable } = decision;
  const period = { from: request.scopeFrom, to: request.scopeTo };
  const out = new Collector();
  const generatedAt = ctx.now.toISOString();

  const named = await register.requestPatronIds(ctx.trx, request.id);
  const released: StoredPatron[] = [];
  const document: DisclosureExport = {
    format: 'carrel.legal-disclosure.v1',
    requestId: request.id,
    libraryId: request.libraryId,
    agency: request.agency,
    instrument: request.instrument,
    caseNumber: request.caseNumber,
    permits: releasable.permits,
    categories: releasable.categories,
    period,
    generatedAt,
  };

  if (releasable.permits === 'overdue-accounts') {
    // CB-E3: the accounts an overdue notice would go to, adults only; names, addresses, amounts owed.
    const overdue = await register.overdueAccountIds(ctx.trx, library.id, generatedAt);
    const ids = named.length > 0 ? overdue.filter((id) => named.includes(id)) : overdue;
    const accounts: NonNullable<DisclosureExport['accounts']> = [];
    for (const id of ids) {
      const stored = await findPatronById(ctx.trx, id);
      if (!stored || stored.libraryId !== library.id || stored.categoryCode === 'juvenile') continue;
      const patron = await openPatron(ctx, stored);
      if (isMinor(patron.personal.birthDate, ctx.now, library.timeZone)) continue;
      const account: { name?: string; address?: string | null; amountOwedCents?: number } = {};
      if (releasable.categories.includes('registration')) {
        Object.assign(account, pick(patron.personal, releasable.registrationFields as ('name' | 'address')[]));
        out.note('registration', stored.id);
      }
      if (releasable.categories.includes('fines')) {
        account.amountOwedCents = await balanceOf(ctx.trx, stored.id);
        for (const fine of (await finesOfPatron(ctx.trx, stored.id)).filter((f) => f.status === 'open')) out.note('fines', fine.id);
      }
      accounts.push(account);
      released.push(stored);
    }
    // Sorted by name, so the list says nothing of the order accounts were opened in.
    accounts.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
    document.accounts = accounts;
    await register.addRequestPatrons(ctx.trx, request.id, released.map((p) => p.id).filter((id) => !named.includes(id)));
  } else {
    const entries: Record<string, unknown>[] = [];
    for (const id of named) {
      const stored = await findPatronById(ctx.trx, id);
      if (!stored) continue; // deleted since the request was received: nothing left to release
      if (releasable.permits === 'identity-only') {
        entries.push({ patronId: stored.id, identity: await registrationOf(ctx, stored, releasable) });
        out.note('registration', stored.id);
      } else if (releasable.permits === 'recovery') entries.push(await recoveryRecord(ctx, stored, releasable, out));
      else entries.push(await fullRecord(ctx, stored, releasable, period, out));
      released.push(stored);
    }
    document.patrons = entries;
  }

  const manifest: DisclosureManifest = {
    records: out.records,
    categories: releasable.categories,
    sha256: createHash('sha256').update(canonicalJson(document)).digest('hex'),
    generatedAt,
  };
  for (const patron of released) await recordAccess(ctx, patron, 'legal-disclosure-release', releasable.categories);
  if (notifiesPatron(profile, request.instrument)) {
    // Told at release, or when the gag ends (JC-II), whichever is later.
    const visibleFrom = request.gagUntil !== null && Date.parse(request.gagUntil) > ctx.now.getTime() ? new Date(request.gagUntil).toISOString() : generatedAt;
    await register.insertNotices(
      ctx.trx,
      released.map((p) => ({ id: newId(), patronId: p.id, libraryId: library.id, kind: 'legal-disclosure', requestId: request.id, visibleFrom, createdAt: generatedAt })),
    );
  }
  await register.saveLegalRequest(ctx.trx, { ...request, status: 'released', releasedAt: generatedAt, releasedBy: actorRef(ctx), manifest });
  await endPreservation(ctx, request.id);
  return { requestId: request.id, manifest, export: document };
}

/**
 * What a patron is told about releases of their records (shown in their own record, GET /me): the kind
 * of agency request, the instrument, the date and the categories released. Never before a gag ends
 * (JC-II); never the case number or the officer (the agency's own file, which a gag may have protected).
 */
export async function noticesForPatron(ctx: Context, patronId: string): Promise<ReleaseNotice[]> {
  return (await register.visibleNoticesOf(ctx.trx, patronId, ctx.now.toISOString())).map((n): ReleaseNotice => ({
    kind: n.kind,
    agency: n.agency,
    instrument: n.instrument,
    releasedAt: n.releasedAt,
    categories: n.categories,
    visibleFrom: n.visibleFrom,
  }));
}
