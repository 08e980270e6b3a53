/**
 * The authorization matrix: every API route × every kind of actor × their own or another's record,
 * against the expected table in docs/AUTHORIZATION.md. A cell is the HTTP status the call must answer:
 * 401 (no session), 403 (the role or session kind does not allow it), 404 (out of reach: answered as
 * not found, never forbidden), or the status of a call that was let through (2xx, or a rule of the
 * library refusing it: 409, 422). Any difference fails, so an unexpected allow cannot slip in; a route
 * missing from the table fails too.
 *
 * `CARREL_WRITE_MATRIX=1 npx vitest run test/authorization-matrix.test.ts` rewrites the table from what
 * the server answers (SQLite) — to be read line by line before it is committed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from './engines.js';
import { buildItem, buildLibrary, buildPatron, world, type World } from './factories.js';
import { startServer, type TestServer } from './http.js';
import { createStaff } from '../src/usecases/staff.usecases.js';
import { insertStaff } from '../src/storage/staff.repository.js';
import { generatePassword, hashSecret } from '../src/vault/secrets.js';
import { checkout, declareLost } from '../src/usecases/circulation.usecases.js';
import { placeHold } from '../src/usecases/hold.usecases.js';
import { saveRecords } from '../src/usecases/catalogue.usecases.js'; // the catalogue (issue 18)
import { decideRequest, receiveRequest, recordCounselReview, referToDirector } from '../src/usecases/disclosure.usecases.js';
import { placeLegalHold } from '../src/usecases/legal-hold.usecases.js';
import { recordComplaint } from '../src/usecases/complaint.usecases.js';
import { addSeries } from '../src/usecases/record-series.usecases.js';
import { addItemType, closeDays, setLoanRule } from '../src/usecases/library-config.usecases.js'; // the library's configuration (issue 15)
import { createSip2Account } from '../src/usecases/sip2-account.usecases.js'; // SIP2 accounts (issue 16)
import { createVendor } from '../src/usecases/vendor.usecases.js'; // vendors (issue 19)
import { recordVendorSignIn } from '../src/usecases/vendor-sign-in.usecases.js';
import { notifyBreach } from '../src/jobs/notices.job.js'; // notices (issue 17)
import { claimNotices, finishNotices, listNotices } from '../src/usecases/notice.usecases.js';
import { setMyPrivacy } from '../src/usecases/self-service.usecases.js';
import { SYSTEM } from '../src/policy/actors.js';
import { requestInterlibraryLoan, recordReferenceRequest, signUpForProgram, bookRoom, startComputerSession } from '../src/usecases/service-record.usecases.js';

const TABLE_FILE = new URL('../docs/AUTHORIZATION.md', import.meta.url);

/** The actors, in the table's column order. */
const ACTORS = ['anonymous', 'volunteer', 'clerk', 'librarian', 'manager', 'director', 'sysadmin', 'other-library', 'no-library', 'patron', 'guardian+card', 'guardian'] as const;
type ActorName = (typeof ACTORS)[number];
type Side = 'own' | 'other';

const STAFF_ROLES: Partial<Record<ActorName, string>> = {
  volunteer: 'volunteer',
  clerk: 'circulation',
  librarian: 'librarian',
  manager: 'branch-manager',
  director: 'director',
  sysadmin: 'admin',
  'other-library': 'librarian',
  // A director's account without a library, as `carrel staff add` without `--library` made one before
  // issue 22 (defect 7): no role about patrons counts without a library.
  'no-library': 'director',
};

/** A staff account for an actor of the table: its library's, or, for `no-library`, one stored without a library. */
async function staffAccountFor(w: World, actor: ActorName, libraries: { A: string; B: string }, username: string): Promise<{ username: string; password: string }> {
  const role = STAFF_ROLES[actor] as string;
  if (actor === 'no-library') {
    const password = generatePassword();
    const account = { id: `matrix-${username}`, libraryId: null, libraryIds: [], username, roles: [role], disabled: false, mustChangePassword: false, createdAt: w.clock.now().toISOString() };
    await insertStaff(w.runtime.db, account, await hashSecret(password));
    return { username, password };
  }
  const { password } = await w.act(createStaff, { username, libraryId: actor === 'other-library' ? libraries.B : libraries.A, roles: [role] });
  return { username, password };
}

interface Request {
  method: string;
  path: string;
  body?: unknown;
}

interface Patron {
  id: string;
  cardNumber: string;
  pin: string;
}

/** What the requests are built from: two libraries, their people and records. */
interface Fixture {
  w: World;
  libraries: { A: string; B: string };
  /** The adult patrons at the desk of each library. */
  adult: { A: Patron; B: Patron };
  /** The patron who acts as themselves, the guardian, their child, and a child not theirs. */
  self: Patron;
  guardian: Patron;
  child: Patron;
  otherChild: Patron;
  otherPatron: Patron;
}

/** Helpers a route's template uses to name the record on the actor's side. */
interface Scope {
  fx: Fixture;
  actor: ActorName;
  side: Side;
  /** The library of the record: the actor's own (library B for other-library staff, else A) or the other. */
  library: string;
  /** An adult patron of that library; for a patron actor, themselves (own) or someone else (other). */
  patron: Patron;
  /** The adult patron of that library whatever the actor: whose records the fixtures create. */
  owner: Patron;
  /** A new adult patron of that library, for a call that changes or ends the record. */
  freshPatron(): Promise<Patron>;
  /** A new item of that library. */
  freshItem(): Promise<{ barcode: string }>;
  /** A new item of that library on loan to its adult patron. */
  loan(): Promise<{ barcode: string }>;
  /** The patron the caller is (for a patron or guardian caller). */
  me: Patron;
  /** Whether the guardian presents the child's card. */
  withCard: boolean;
}

/** A court order naming one patron's registration (accepted by imagineif-mt, IF-8). */
const COURT_ORDER = { agency: 'County Sheriff', officerName: 'Officer Matrix', officerId: 'B-1701', instrument: 'court-order', categories: ['registration'] };

/** A legal request on the record's side, brought as far as `stage` by the system (the operator). */
async function legalRequest(s: Scope, stage: 'received' | 'referred' | 'reviewed' | 'approved'): Promise<string> {
  const as = { purpose: 'legal-disclosure' as const };
  const { id } = await s.fx.w.act(receiveRequest, { ...COURT_ORDER, libraryId: s.library, patrons: [{ patronId: s.owner.id }] }, as);
  if (stage === 'received') return id;
  await s.fx.w.act(referToDirector, { requestId: id }, as);
  if (stage === 'referred') return id;
  await s.fx.w.act(recordCounselReview, { requestId: id, properForm: true, goodCause: true }, as);
  if (stage === 'reviewed') return id;
  await s.fx.w.act(decideRequest, { requestId: id, approve: true }, as);
  return id;
}

/** A new clerk's account in the record's library, made by the system: its id. */
async function freshStaff(s: Scope): Promise<string> {
  const created = await s.fx.w.act(createStaff, { username: `matrix-staff-${Math.random().toString(36).slice(2, 10)}`, libraryId: s.library, roles: ['circulation'] });
  return created.account.id;
}
/** A new OpenID vendor of the record's library, made by the system: its id (vendors, issue 19). */
async function freshVendor(s: Scope): Promise<string> {
  const created = await s.fx.w.act(createVendor, { libraryId: s.library, protocol: 'oidc', name: `Matrix vendor ${Math.random().toString(36).slice(2, 10)}`, redirectUris: ['https://matrix.example.com/cb'] });
  return created.vendor.id;
}
/** A new vendor of the scope's patron's library that the scope's patron has signed in to: its id (vendors, issue 19). */
async function signedInVendor(s: Scope): Promise<string> {
  const libraryId = s.actor === 'patron' || s.actor.startsWith('guardian') ? s.fx.libraries.A : s.library;
  const created = await s.fx.w.act(createVendor, { libraryId, protocol: 'oidc', name: `Matrix service ${Math.random().toString(36).slice(2, 10)}`, redirectUris: ['https://matrix.example.com/cb'] });
  await s.fx.w.act(recordVendorSignIn, { patronId: s.patron.id, vendorId: created.vendor.id });
  return created.vendor.id;
}
/** A new self-check account in the record's library, made by the system: its id (SIP2 accounts, issue 16). */
async function freshSip2(s: Scope): Promise<string> {
  const created = await s.fx.w.act(createSip2Account, { libraryId: s.library, name: `Matrix kiosk ${Math.random().toString(36).slice(2, 10)}`, kind: 'self-check', branch: 'main' });
  return created.account.id;
}
/**
 * A notice of the record's library (notices, issue 17): a breach listed for a fresh patron queues them a
 * letter when they chose no channel; one who chose email is sent a notice, which the mail server refuses
 * for good (`failed`).
 */
async function freshNotice(s: Scope, state: 'letter' | 'failed'): Promise<string> {
  const w = s.fx.w;
  const p = await s.freshPatron();
  if (state === 'failed') await w.act(setMyPrivacy, { noticeChannel: 'email' }, { actor: { kind: 'patron', id: p.id, libraryId: s.library }, purpose: 'self-service' });
  await notifyBreach(w.runtime, { actor: SYSTEM, purpose: 'administration', channel: 'cli' }, { ...MATRIX_BREACH, libraryId: s.library, scope: 'listed', cardNumbers: [p.cardNumber] });
  const notice = (await w.act(listNotices, { libraryId: s.library, kind: ['breach'] })).find((n) => n.patronId === p.id);
  if (!notice) throw new Error('the matrix breach queued no notice');
  if (state === 'failed') {
    await w.act(claimNotices, { runner: 'matrix', limit: 10_000, leaseMs: 600_000, channels: ['email'], publicUrl: 'http://matrix.example' });
    await w.act(finishNotices, { runner: 'matrix', results: [{ noticeId: notice.id, result: { status: 'failed', code: '550' } }] });
  }
  return notice.id;
}
const MATRIX_BREACH = { occurredOn: '2026-02-20', discoveredOn: '2026-02-27', categories: ['registration'], description: 'Matrix breach', actions: 'Matrix actions' };

/** A fresh code, and a fresh closed day two days after the last (so no two closures overlap), for the configuration routes. */
const configCode = () => Math.random().toString(36).slice(2, 10);
let closedDays = 0;
const nextClosedDay = () => {
  const day = new Date(Date.UTC(2031, 0, 1) + 2 * closedDays++ * 86_400_000).toISOString().slice(0, 10);
  return { startsOn: day, endsOn: day };
};

const IN_HOURS = (w: World, hours: number) => new Date(w.clock.now().getTime() + hours * 3_600_000).toISOString();

/**
 * Every route, with the request each actor makes for their own or another's record. `freshSession`:
 * the call ends or replaces the caller's session (log-out, a lost card, a deletion, a PIN change), so a
 * patron caller is a new patron logged in for this call alone.
 */
const ROUTES: { route: string; freshSession?: boolean; request: (s: Scope) => Promise<Request> | Request }[] = [
  // Sessions
  { route: 'POST /auth/login', request: () => ({ method: 'POST', path: '/auth/login', body: { username: 'nobody-at-all', password: 'wrong-password-1' } }) },
  { route: 'POST /auth/patron-login', request: () => ({ method: 'POST', path: '/auth/patron-login', body: { cardNumber: '000000000000', pin: '0000' } }) },
  { route: 'POST /auth/logout', freshSession: true, request: () => ({ method: 'POST', path: '/auth/logout' }) },
  { route: 'GET /auth/session', request: () => ({ method: 'GET', path: '/auth/session' }) },
  // Libraries, items and policy
  { route: 'GET /libraries', request: () => ({ method: 'GET', path: '/libraries' }) },
  // A new library: the installation's administrator only (a library's own administrator is refused)
  { route: 'POST /libraries', request: () => ({ method: 'POST', path: '/libraries', body: { id: `matrix-${Math.random().toString(36).slice(2, 10)}`, name: 'Matrix library' } }) },
  // The scheduler's jobs and their last runs: administrators
  { route: 'GET /jobs', request: () => ({ method: 'GET', path: '/jobs' }) },
  { route: 'GET /profiles', request: () => ({ method: 'GET', path: '/profiles' }) },
  { route: 'GET /profiles/:profileId', request: () => ({ method: 'GET', path: '/profiles/imagineif-mt' }) },
  {
    route: 'POST /items',
    request: (s) => ({ method: 'POST', path: '/items', body: { libraryId: s.library, barcode: `M${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`, title: 'Matrix Book' } }),
  },
  { route: 'GET /items/:barcode', request: async (s) => ({ method: 'GET', path: `/items/${(await s.freshItem()).barcode}?library=${s.library}` }) },
  // The desk
  { route: 'POST /checkouts', request: async (s) => ({ method: 'POST', path: '/checkouts', body: { cardNumber: s.patron.cardNumber, itemBarcode: (await s.freshItem()).barcode } }) },
  { route: 'POST /checkins', request: async (s) => ({ method: 'POST', path: '/checkins', body: { itemBarcode: (await s.loan()).barcode, libraryId: s.library } }) },
  { route: 'POST /renewals', request: async (s) => ({ method: 'POST', path: '/renewals', body: { itemBarcode: (await s.loan()).barcode, libraryId: s.library } }) },
  { route: 'POST /lost-items', request: async (s) => ({ method: 'POST', path: '/lost-items', body: { itemBarcode: (await s.loan()).barcode, libraryId: s.library } }) },
  { route: 'GET /libraries/:libraryId/hold-shelf', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/hold-shelf` }) },
  { route: 'POST /holds', request: async (s) => ({ method: 'POST', path: '/holds', body: { cardNumber: s.patron.cardNumber, itemBarcode: (await s.loan()).barcode } }) },
  {
    route: 'POST /holds/:holdId/cancel',
    request: async (s) => {
      const hold = await s.fx.w.act(placeHold, { cardNumber: (await s.freshPatron()).cardNumber, itemBarcode: (await s.loan()).barcode });
      return { method: 'POST', path: `/holds/${hold.id}/cancel` };
    },
  },
  {
    route: 'POST /holds/:holdId/suspend',
    request: async (s) => {
      const hold = await s.fx.w.act(placeHold, { cardNumber: (await s.freshPatron()).cardNumber, itemBarcode: (await s.loan()).barcode });
      return { method: 'POST', path: `/holds/${hold.id}/suspend`, body: { until: IN_HOURS(s.fx.w, 24 * 10).slice(0, 10) } };
    },
  },
  { route: 'POST /payments', request: (s) => ({ method: 'POST', path: '/payments', body: { cardNumber: s.patron.cardNumber, amountCents: 1 } }) },
  {
    route: 'POST /fines/:fineId/waive',
    request: async (s) => {
      const lost = await s.fx.w.act(declareLost, { itemBarcode: (await s.loan()).barcode, libraryId: s.library });
      return { method: 'POST', path: `/fines/${lost.charge?.id}/waive`, body: { reason: 'Matrix waiver' } };
    },
  },
  // Patrons
  { route: 'POST /patrons', request: (s) => ({ method: 'POST', path: '/patrons', body: { libraryId: s.library, name: 'Matrix Registrant', birthDate: '1990-02-02' } }) },
  { route: 'POST /patrons/lookup', request: (s) => ({ method: 'POST', path: '/patrons/lookup', body: { cardNumber: s.patron.cardNumber } }) },
  { route: 'POST /patrons/search', request: (s) => ({ method: 'POST', path: '/patrons/search', body: { libraryId: s.library, name: 'Marker', purpose: 'account-service' } }) },
  { route: 'POST /patrons/identify', request: (s) => ({ method: 'POST', path: '/patrons/identify', body: { patronId: s.patron.id, photoIdChecked: true, birthDate: '1985-06-15' } }) },
  { route: 'GET /patrons/:patronId', request: (s) => ({ method: 'GET', path: `/patrons/${s.patron.id}?purpose=account-service` }) },
  { route: 'PATCH /patrons/:patronId', request: (s) => ({ method: 'PATCH', path: `/patrons/${s.patron.id}`, body: { phone: '505-555-0199' } }) },
  { route: 'DELETE /patrons/:patronId', request: async (s) => ({ method: 'DELETE', path: `/patrons/${(await s.freshPatron()).id}` }) },
  { route: 'GET /patrons/:patronId/export', request: (s) => ({ method: 'GET', path: `/patrons/${s.patron.id}/export?purpose=account-service` }) },
  { route: 'PUT /patrons/:patronId/status', request: async (s) => ({ method: 'PUT', path: `/patrons/${(await s.freshPatron()).id}/status`, body: { status: 'blocked' } }) },
  { route: 'POST /patrons/:patronId/card', request: async (s) => ({ method: 'POST', path: `/patrons/${(await s.freshPatron()).id}/card` }) },
  // The desk's card and account work (issue 15).
  { route: 'POST /patrons/:patronId/renew-card', request: async (s) => ({ method: 'POST', path: `/patrons/${(await s.freshPatron()).id}/renew-card`, body: { verified: true } }) },
  { route: 'POST /patrons/:patronId/reset-pin', request: async (s) => ({ method: 'POST', path: `/patrons/${(await s.freshPatron()).id}/reset-pin` }) },
  { route: 'PATCH /patrons/:patronId/membership', request: (s) => ({ method: 'PATCH', path: `/patrons/${s.patron.id}/membership`, body: { homeBranch: 'main' } }) },
  {
    route: 'POST /patrons/:patronId/guardians',
    request: async (s) => {
      const minor = await buildPatron(s.fx.w, { libraryId: s.library, birthDate: '2016-04-01', guardianCard: (await s.freshPatron()).cardNumber });
      return { method: 'POST', path: `/patrons/${minor.id}/guardians`, body: { guardianCardNumber: (await s.freshPatron()).cardNumber } };
    },
  },
  { route: 'POST /patrons/:patronId/renew-all', request: (s) => ({ method: 'POST', path: `/patrons/${s.patron.id}/renew-all` }) },
  { route: 'PUT /patrons/:patronId/reading-history', request: (s) => ({ method: 'PUT', path: `/patrons/${s.patron.id}/reading-history`, body: { keep: false } }) },
  { route: 'GET /patrons/:patronId/access-log', request: (s) => ({ method: 'GET', path: `/patrons/${s.patron.id}/access-log` }) },
  { route: 'GET /alerts', request: () => ({ method: 'GET', path: '/alerts' }) },
  { route: 'GET /patrons/:patronId/service-records', request: (s) => ({ method: 'GET', path: `/patrons/${s.patron.id}/service-records?purpose=violation-review` }) },
  // Services outside circulation
  {
    route: 'POST /computer-sessions',
    request: (s) => ({ method: 'POST', path: '/computer-sessions', body: { cardNumber: s.patron.cardNumber, libraryId: s.library, branch: 'main', station: `PC-${Math.random().toString(36).slice(2, 8)}` } }),
  },
  {
    route: 'POST /computer-sessions/:id/end',
    request: async (s) => {
      const session = await s.fx.w.act(startComputerSession, { cardNumber: s.owner.cardNumber, libraryId: s.library, branch: 'main', station: `PC-${Math.random().toString(36).slice(2, 8)}` });
      return { method: 'POST', path: `/computer-sessions/${session.id}/end` };
    },
  },
  {
    route: 'POST /program-signups',
    request: (s) => ({ method: 'POST', path: '/program-signups', body: { cardNumber: s.patron.cardNumber, program: `prog-${Math.random().toString(36).slice(2, 8)}`, branch: 'main', startsAt: IN_HOURS(s.fx.w, 3), endsAt: IN_HOURS(s.fx.w, 4) } }),
  },
  {
    route: 'POST /program-signups/:id/cancel',
    request: async (s) => {
      const signup = await s.fx.w.act(signUpForProgram, { cardNumber: s.owner.cardNumber, program: `prog-${Math.random().toString(36).slice(2, 8)}`, branch: 'main', startsAt: IN_HOURS(s.fx.w, 3), endsAt: IN_HOURS(s.fx.w, 4) });
      return { method: 'POST', path: `/program-signups/${signup.id}/cancel` };
    },
  },
  {
    route: 'POST /room-bookings',
    request: (s) => ({ method: 'POST', path: '/room-bookings', body: { cardNumber: s.patron.cardNumber, room: `room-${Math.random().toString(36).slice(2, 8)}`, branch: 'main', startsAt: IN_HOURS(s.fx.w, 3), endsAt: IN_HOURS(s.fx.w, 4) } }),
  },
  {
    route: 'POST /room-bookings/:id/cancel',
    request: async (s) => {
      const booking = await s.fx.w.act(bookRoom, { cardNumber: s.owner.cardNumber, room: `room-${Math.random().toString(36).slice(2, 8)}`, branch: 'main', startsAt: IN_HOURS(s.fx.w, 3), endsAt: IN_HOURS(s.fx.w, 4) });
      return { method: 'POST', path: `/room-bookings/${booking.id}/cancel` };
    },
  },
  { route: 'POST /ill-requests', request: (s) => ({ method: 'POST', path: '/ill-requests', body: { cardNumber: s.patron.cardNumber, title: 'Matrix Title' } }) },
  {
    route: 'POST /ill-requests/:id/close',
    request: async (s) => {
      const ill = await s.fx.w.act(requestInterlibraryLoan, { cardNumber: s.owner.cardNumber, title: 'Matrix Title' });
      return { method: 'POST', path: `/ill-requests/${ill.id}/close`, body: { outcome: 'fulfilled' } };
    },
  },
  { route: 'POST /reference-requests', request: (s) => ({ method: 'POST', path: '/reference-requests', body: { cardNumber: s.patron.cardNumber, question: 'Matrix question?' } }) },
  {
    route: 'POST /reference-requests/:id/close',
    request: async (s) => {
      const reference = await s.fx.w.act(recordReferenceRequest, { cardNumber: s.owner.cardNumber, question: 'Matrix question?' });
      return { method: 'POST', path: `/reference-requests/${reference.id}/close`, body: { outcome: 'answered' } };
    },
  },
  // Records kept outside Carrel, retention and the access log
  { route: 'GET /libraries/:libraryId/record-series', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/record-series` }) },
  {
    route: 'POST /libraries/:libraryId/record-series',
    request: (s) => ({ method: 'POST', path: `/libraries/${s.library}/record-series`, body: { code: `sheets-${Math.random().toString(36).slice(2, 8)}`, name: 'Sign-up sheets', medium: 'paper', retentionDays: 7 } }),
  },
  { route: 'GET /libraries/:libraryId/record-series/due', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/record-series/due` }) },
  {
    route: 'POST /libraries/:libraryId/record-series/:code/disposals',
    request: (s) => ({ method: 'POST', path: `/libraries/${s.library}/record-series/matrix-sheets/disposals`, body: { disposedThrough: s.fx.w.clock.now().toISOString() } }),
  },
  { route: 'POST /retention/runs', request: (s) => ({ method: 'POST', path: '/retention/runs', body: { libraryId: s.library, dryRun: true } }) },
  { route: 'GET /libraries/:libraryId/retention/runs', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/retention/runs` }) },
  { route: 'GET /access-log/verification', request: () => ({ method: 'GET', path: '/access-log/verification' }) },
  // Lawful disclosure: the register of legal requests
  {
    route: 'POST /legal-requests',
    request: (s) => ({ method: 'POST', path: '/legal-requests', body: { ...COURT_ORDER, libraryId: s.library, patrons: [{ patronId: s.owner.id }] } }),
  },
  { route: 'GET /libraries/:libraryId/legal-requests', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/legal-requests` }) },
  { route: 'GET /legal-requests/:requestId', request: async (s) => ({ method: 'GET', path: `/legal-requests/${await legalRequest(s, 'received')}` }) },
  { route: 'POST /legal-requests/:requestId/referral', request: async (s) => ({ method: 'POST', path: `/legal-requests/${await legalRequest(s, 'received')}/referral` }) },
  {
    route: 'POST /legal-requests/:requestId/review',
    request: async (s) => ({ method: 'POST', path: `/legal-requests/${await legalRequest(s, 'referred')}/review`, body: { properForm: true, goodCause: true } }),
  },
  { route: 'POST /legal-requests/:requestId/decision', request: async (s) => ({ method: 'POST', path: `/legal-requests/${await legalRequest(s, 'reviewed')}/decision`, body: { approve: true } }) },
  { route: 'POST /legal-requests/:requestId/release', request: async (s) => ({ method: 'POST', path: `/legal-requests/${await legalRequest(s, 'approved')}/release` }) },
  // Legal holds, complaints and the transparency report
  {
    route: 'POST /legal-holds',
    request: (s) => ({ method: 'POST', path: '/legal-holds', body: { libraryId: s.library, patrons: [{ patronId: s.owner.id }], categories: ['circulation'], reason: 'Court order, matrix case' } }),
  },
  {
    route: 'POST /legal-holds/:holdId/release',
    request: async (s) => {
      const hold = await s.fx.w.act(placeLegalHold, { libraryId: s.library, patrons: [{ patronId: s.owner.id }], categories: ['circulation'], reason: 'Court order, matrix case' }, { purpose: 'legal-disclosure' });
      return { method: 'POST', path: `/legal-holds/${hold.id}/release` };
    },
  },
  { route: 'GET /libraries/:libraryId/legal-holds', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/legal-holds` }) },
  {
    route: 'POST /complaints',
    request: (s) => ({ method: 'POST', path: '/complaints', body: { libraryId: s.library, patronId: s.owner.id, channel: 'letter', topic: 'privacy', summary: 'Matrix complaint' } }),
  },
  {
    route: 'POST /complaints/:complaintId/answer',
    request: async (s) => {
      const complaint = await s.fx.w.act(recordComplaint, { libraryId: s.library, channel: 'letter', topic: 'privacy' });
      return { method: 'POST', path: `/complaints/${complaint.id}/answer`, body: {} };
    },
  },
  {
    route: 'GET /complaints/:complaintId',
    request: async (s) => {
      const complaint = await s.fx.w.act(recordComplaint, { libraryId: s.library, patronId: s.owner.id, channel: 'letter', topic: 'privacy', summary: 'Matrix complaint' });
      return { method: 'GET', path: `/complaints/${complaint.id}` };
    },
  },
  { route: 'GET /libraries/:libraryId/complaints', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/complaints` }) },
  {
    route: 'GET /libraries/:libraryId/statistics',
    request: (s) => {
      // Whole months that have ended: the month before last, by the test's clock.
      const now = s.fx.w.clock.now();
      const month = (back: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 10);
      return { method: 'GET', path: `/libraries/${s.library}/statistics?kind=circulation&rows=branch&columns=item-type&from=${month(2)}&to=${month(1)}` };
    },
  },
  { route: 'GET /libraries/:libraryId/audit-report', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/audit-report?format=json` }) },
  { route: 'GET /transparency-report', request: (s) => ({ method: 'GET', path: `/transparency-report?from=2026-01-01&to=2027-01-01&library=${s.library}` }) },
  { route: 'POST /legal-requests/:requestId/withdrawal', request: async (s) => ({ method: 'POST', path: `/legal-requests/${await legalRequest(s, 'received')}/withdrawal`, body: {} }) },
  // Staff accounts (issue 15): each change is made to a fresh account of the record's library
  { route: 'GET /staff', request: () => ({ method: 'GET', path: '/staff' }) },
  { route: 'POST /staff', request: (s) => ({ method: 'POST', path: '/staff', body: { username: `matrix-new-${Math.random().toString(36).slice(2, 10)}`, libraryId: s.library, roles: ['circulation'] } }) },
  { route: 'PATCH /staff/:id', request: async (s) => ({ method: 'PATCH', path: `/staff/${await freshStaff(s)}`, body: { roles: ['librarian'] } }) },
  { route: 'POST /staff/:id/disable', request: async (s) => ({ method: 'POST', path: `/staff/${await freshStaff(s)}/disable` }) },
  { route: 'POST /staff/:id/enable', request: async (s) => ({ method: 'POST', path: `/staff/${await freshStaff(s)}/enable` }) },
  { route: 'POST /staff/:id/reset-password', request: async (s) => ({ method: 'POST', path: `/staff/${await freshStaff(s)}/reset-password` }) },
  // A wrong current password: a staff session is answered PASSWORD_WRONG (422), and keeps its password.
  { route: 'POST /auth/password', request: () => ({ method: 'POST', path: '/auth/password', body: { currentPassword: 'not-the-password', newPassword: 'matrix heron over the stacks' } }) },
  // The library's configuration (issue 15): desk staff read it, administrators change it
  { route: 'GET /libraries/:libraryId/settings', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/settings` }) },
  { route: 'PATCH /libraries/:libraryId/settings', request: (s) => ({ method: 'PATCH', path: `/libraries/${s.library}/settings`, body: { holdPickupDays: 7 } }) },
  { route: 'GET /libraries/:libraryId/branches', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/branches` }) },
  { route: 'POST /libraries/:libraryId/branches', request: (s) => ({ method: 'POST', path: `/libraries/${s.library}/branches`, body: { code: `br-${configCode()}`, name: 'Matrix branch' } }) },
  { route: 'PATCH /libraries/:libraryId/branches/:code', request: (s) => ({ method: 'PATCH', path: `/libraries/${s.library}/branches/main`, body: { address: '1 Matrix Way' } }) },
  { route: 'GET /libraries/:libraryId/closed-days', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/closed-days` }) },
  { route: 'POST /libraries/:libraryId/closed-days', request: (s) => ({ method: 'POST', path: `/libraries/${s.library}/closed-days`, body: { branch: null, ...nextClosedDay(), reason: 'Matrix closure' } }) },
  {
    route: 'DELETE /libraries/:libraryId/closed-days/:id',
    request: async (s) => {
      const closed = await s.fx.w.act(closeDays, { libraryId: s.library, branch: null, ...nextClosedDay(), reason: 'Matrix closure' });
      return { method: 'DELETE', path: `/libraries/${s.library}/closed-days/${closed.id}` };
    },
  },
  { route: 'GET /libraries/:libraryId/categories', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/categories` }) },
  { route: 'POST /libraries/:libraryId/categories', request: (s) => ({ method: 'POST', path: `/libraries/${s.library}/categories`, body: { code: `cat-${configCode()}`, name: 'Matrix category' } }) },
  { route: 'PATCH /libraries/:libraryId/categories/:code', request: (s) => ({ method: 'PATCH', path: `/libraries/${s.library}/categories/adult`, body: { name: 'Adult' } }) },
  { route: 'GET /libraries/:libraryId/item-types', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/item-types` }) },
  { route: 'POST /libraries/:libraryId/item-types', request: (s) => ({ method: 'POST', path: `/libraries/${s.library}/item-types`, body: { code: `type-${configCode()}`, name: 'Matrix type' } }) },
  { route: 'PATCH /libraries/:libraryId/item-types/:code', request: (s) => ({ method: 'PATCH', path: `/libraries/${s.library}/item-types/book`, body: { name: 'Book' } }) },
  { route: 'GET /libraries/:libraryId/loan-rules', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/loan-rules` }) },
  {
    route: 'PUT /libraries/:libraryId/loan-rules',
    request: (s) => ({ method: 'PUT', path: `/libraries/${s.library}/loan-rules`, body: { patronCategory: '*', itemType: 'dvd', loanDays: 7, renewals: 1, finePerDayCents: 100, maxFineCents: 1000 } }),
  },
  {
    route: 'DELETE /libraries/:libraryId/loan-rules',
    request: async (s) => {
      const type = await s.fx.w.act(addItemType, { libraryId: s.library, code: `type-${configCode()}`, name: 'Matrix type' });
      await s.fx.w.act(setLoanRule, { libraryId: s.library, patronCategory: '*', itemType: type.code, loanDays: 3, renewals: 0, finePerDayCents: 0, maxFineCents: 0 });
      return { method: 'DELETE', path: `/libraries/${s.library}/loan-rules?category=*&type=${type.code}` };
    },
  },
  { route: 'GET /libraries/:libraryId/loan-rules/explain', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/loan-rules/explain?branch=main&category=adult&type=book` }) },
  // SIP2 accounts (issue 16): administrators; each change is made to a fresh account of the record's library
  { route: 'GET /libraries/:libraryId/sip2-accounts', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/sip2-accounts` }) },
  {
    route: 'POST /libraries/:libraryId/sip2-accounts',
    request: (s) => ({ method: 'POST', path: `/libraries/${s.library}/sip2-accounts`, body: { name: `Matrix kiosk ${configCode()}`, kind: 'self-check', branch: 'main' } }),
  },
  {
    route: 'PATCH /libraries/:libraryId/sip2-accounts/:accountId',
    request: async (s) => ({ method: 'PATCH', path: `/libraries/${s.library}/sip2-accounts/${await freshSip2(s)}`, body: { allowedCidrs: ['10.2.0.0/16'] } }),
  },
  { route: 'POST /libraries/:libraryId/sip2-accounts/:accountId/disable', request: async (s) => ({ method: 'POST', path: `/libraries/${s.library}/sip2-accounts/${await freshSip2(s)}/disable` }) },
  { route: 'POST /libraries/:libraryId/sip2-accounts/:accountId/enable', request: async (s) => ({ method: 'POST', path: `/libraries/${s.library}/sip2-accounts/${await freshSip2(s)}/enable` }) },
  {
    route: 'POST /libraries/:libraryId/sip2-accounts/:accountId/reset-password',
    request: async (s) => ({ method: 'POST', path: `/libraries/${s.library}/sip2-accounts/${await freshSip2(s)}/reset-password` }),
  },
  // Vendors and single sign-on (issue 19): administrators; each change is made to a fresh vendor of the record's library
  { route: 'GET /libraries/:libraryId/vendors', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/vendors` }) },
  {
    route: 'POST /libraries/:libraryId/vendors',
    request: (s) => ({ method: 'POST', path: `/libraries/${s.library}/vendors`, body: { protocol: 'oidc', name: `Matrix vendor ${configCode()}`, redirectUris: ['https://matrix.example.com/cb'] } }),
  },
  {
    route: 'PATCH /libraries/:libraryId/vendors/:vendorId',
    request: async (s) => ({ method: 'PATCH', path: `/libraries/${s.library}/vendors/${await freshVendor(s)}`, body: { name: `Matrix renamed ${configCode()}` } }),
  },
  { route: 'POST /libraries/:libraryId/vendors/:vendorId/disable', request: async (s) => ({ method: 'POST', path: `/libraries/${s.library}/vendors/${await freshVendor(s)}/disable` }) },
  { route: 'POST /libraries/:libraryId/vendors/:vendorId/enable', request: async (s) => ({ method: 'POST', path: `/libraries/${s.library}/vendors/${await freshVendor(s)}/enable` }) },
  { route: 'POST /libraries/:libraryId/vendors/:vendorId/reset-secret', request: async (s) => ({ method: 'POST', path: `/libraries/${s.library}/vendors/${await freshVendor(s)}/reset-secret` }) },
  // Staff lists (issue 15)
  { route: 'GET /libraries/:libraryId/lists/overdue', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/lists/overdue` }) },
  { route: 'GET /libraries/:libraryId/lists/pull', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/lists/pull` }) },
  { route: 'GET /libraries/:libraryId/lists/expired-holds', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/lists/expired-holds` }) },
  { route: 'GET /libraries/:libraryId/lists/in-transit', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/lists/in-transit` }) },
  {
    route: 'POST /libraries/:libraryId/lists/done',
    request: async (s) => {
      // An item on the shelves with a hold: on the pull list until marked pulled.
      const item = await s.freshItem();
      await s.fx.w.act(placeHold, { cardNumber: (await s.freshPatron()).cardNumber, itemBarcode: item.barcode });
      return { method: 'POST', path: `/libraries/${s.library}/lists/done`, body: { itemBarcode: item.barcode } };
    },
  },
  // Notices (issue 17): desk staff watch the queue; administrators and the director edit settings and
  // templates; only the director keeps the breach register (RR-6)
  { route: 'GET /libraries/:libraryId/notices', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/notices?status=failed,queued` }) },
  { route: 'GET /libraries/:libraryId/notices/counts', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/notices/counts` }) },
  { route: 'POST /notices/:noticeId/retry', request: async (s) => ({ method: 'POST', path: `/notices/${await freshNotice(s, 'failed')}/retry` }) },
  { route: 'POST /libraries/:libraryId/notices/retry-failed', request: (s) => ({ method: 'POST', path: `/libraries/${s.library}/notices/retry-failed` }) },
  { route: 'GET /libraries/:libraryId/notices/letters', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/notices/letters` }) },
  { route: 'POST /notices/:noticeId/posted', request: async (s) => ({ method: 'POST', path: `/notices/${await freshNotice(s, 'letter')}/posted` }) },
  { route: 'GET /libraries/:libraryId/notice-settings', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/notice-settings` }) },
  { route: 'PATCH /libraries/:libraryId/notice-settings', request: (s) => ({ method: 'PATCH', path: `/libraries/${s.library}/notice-settings`, body: { dueSoonDays: 3 } }) },
  { route: 'GET /libraries/:libraryId/notice-templates', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/notice-templates` }) },
  {
    route: 'PUT /libraries/:libraryId/notice-templates/:kind/:language',
    request: (s) => ({ method: 'PUT', path: `/libraries/${s.library}/notice-templates/hold-ready/en`, body: { subject: '{{library}}: a hold is ready', body: 'At {{branch}} until {{pickupBy}}.' } }),
  },
  { route: 'DELETE /libraries/:libraryId/notice-templates/:kind/:language', request: (s) => ({ method: 'DELETE', path: `/libraries/${s.library}/notice-templates/hold-ready/en` }) },
  {
    route: 'POST /libraries/:libraryId/notice-templates/:kind/:language/preview',
    request: (s) => ({ method: 'POST', path: `/libraries/${s.library}/notice-templates/hold-ready/es/preview`, body: { body: 'En {{branch}}.' } }),
  },
  { route: 'GET /libraries/:libraryId/breaches', request: (s) => ({ method: 'GET', path: `/libraries/${s.library}/breaches` }) },
  {
    route: 'POST /libraries/:libraryId/breaches',
    request: async (s) => ({ method: 'POST', path: `/libraries/${s.library}/breaches`, body: { ...MATRIX_BREACH, scope: 'listed', cardNumbers: [(await s.freshPatron()).cardNumber] } }),
  },
  // The catalogue (issue 18) is public: anyone searches any library's catalogue and opens any title
  { route: 'GET /catalogue/search', request: (s) => ({ method: 'GET', path: `/catalogue/search?q=matrix&library=${s.library}` }) },
  {
    route: 'GET /catalogue/records/:recordId',
    request: async (s) => {
      const { recordIds } = await s.fx.w.act(saveRecords, { libraryId: s.library, records: [{ title: 'The Matrix of Permissions' }] });
      return { method: 'GET', path: `/catalogue/records/${recordIds[0]}` };
    },
  },
  // Cataloguing is a librarian's work (items.manage): a title and its copies, in the actor's library or out of reach
  { route: 'POST /libraries/:libraryId/records', request: (s) => ({ method: 'POST', path: `/libraries/${s.library}/records`, body: { title: 'The Matrix Catalogued', authors: ['Matrix, Ann'] } }) },
  {
    route: 'PATCH /records/:recordId',
    request: async (s) => {
      const { recordIds } = await s.fx.w.act(saveRecords, { libraryId: s.library, records: [{ title: 'The Matrix Misspelt' }] });
      return { method: 'PATCH', path: `/records/${recordIds[0]}`, body: { title: 'The Matrix Spelt' } };
    },
  },
  { route: 'PATCH /items/:barcode', request: async (s) => ({ method: 'PATCH', path: `/items/${(await s.freshItem()).barcode}`, body: { libraryId: s.library, damaged: true } }) },
  // Unsubscribing needs no session: the token is the proof (a token that does not open: 400 for everyone)
  { route: 'POST /unsubscribe/:token', request: () => ({ method: 'POST', path: '/unsubscribe/v1.not-a.token' }) },
  { route: 'POST /unsubscribe', request: () => ({ method: 'POST', path: '/unsubscribe', body: { token: 'v1.not-a.token' } }) },
  // A forgotten PIN (issue 18): no session; the request answers alike for every card, a token that does not open is 400
  { route: 'POST /pin-reset/request', request: () => ({ method: 'POST', path: '/pin-reset/request', body: { cardNumber: '000000000000' } }) },
  { route: 'POST /pin-reset', request: () => ({ method: 'POST', path: '/pin-reset', body: { token: 'v1.not-a.token', pin: '2468' } }) },
  { route: 'GET /me/notices', request: () => ({ method: 'GET', path: '/me/notices' }) },
  // A patron's own account (the side does not matter: a patron session only ever reaches its own record)
  { route: 'GET /me', request: () => ({ method: 'GET', path: '/me' }) },
  { route: 'GET /me/export', request: () => ({ method: 'GET', path: '/me/export' }) },
  { route: 'PATCH /me', request: () => ({ method: 'PATCH', path: '/me', body: { phone: '505-555-0142' } }) },
  { route: 'PUT /me/pin', freshSession: true, request: (s) => ({ method: 'PUT', path: '/me/pin', body: { currentPin: s.me.pin, newPin: '24681357' } }) },
  { route: 'GET /me/privacy', request: () => ({ method: 'GET', path: '/me/privacy' }) },
  { route: 'PUT /me/privacy', request: () => ({ method: 'PUT', path: '/me/privacy', body: { mailingLists: false } }) },
  { route: 'GET /me/access-log', request: () => ({ method: 'GET', path: '/me/access-log' }) },
  { route: 'POST /me/card-lost', freshSession: true, request: () => ({ method: 'POST', path: '/me/card-lost' }) },
  // Deleting the account asks for the PIN again (issue 22, defect 8)
  { route: 'DELETE /me', freshSession: true, request: (s) => ({ method: 'DELETE', path: '/me', body: { pin: s.me.pin } }) },
  // The patron's own loans and holds (issue 18): another patron's loan or hold is not found
  { route: 'GET /me/loans', request: () => ({ method: 'GET', path: '/me/loans' }) },
  { route: 'POST /me/loans/renew-all', request: () => ({ method: 'POST', path: '/me/loans/renew-all' }) },
  {
    // Lent today: its renewal would not move the due date (422 RENEWAL_NOT_DUE), so a let-through call is a 422.
    route: 'POST /me/loans/:loanId/renew',
    request: async (s) => ({ method: 'POST', path: `/me/loans/${(await loanTo(s)).loanId}/renew` }),
  },
  { route: 'GET /me/holds', request: () => ({ method: 'GET', path: '/me/holds' }) },
  // A copy of the patron's own library (own), or of a library that does not lend to it (other: not found)
  { route: 'POST /me/holds', request: async (s) => ({ method: 'POST', path: '/me/holds', body: { itemBarcode: (await s.loan()).barcode, pickupBranch: 'main' } }) },
  { route: 'POST /me/holds/:holdId/suspend', request: async (s) => ({ method: 'POST', path: `/me/holds/${await holdOf(s)}/suspend`, body: { until: null } }) },
  { route: 'POST /me/holds/:holdId/cancel', request: async (s) => ({ method: 'POST', path: `/me/holds/${await holdOf(s)}/cancel` }) },
  // The services the patron signed in to (issue 19): another patron's is not found
  { route: 'GET /me/vendors', request: () => ({ method: 'GET', path: '/me/vendors' }) },
  { route: 'DELETE /me/vendors/:vendorId', request: async (s) => ({ method: 'DELETE', path: `/me/vendors/${await signedInVendor(s)}` }) },
  // Guardians
  { route: 'GET /me/dependents', request: () => ({ method: 'GET', path: '/me/dependents' }) },
  {
    route: 'POST /me/dependents/:minorId/record',
    request: (s) => {
      const child = s.side === 'own' ? s.fx.child : s.fx.otherChild;
      return { method: 'POST', path: `/me/dependents/${child.id}/record`, body: s.withCard ? { childCardNumber: child.cardNumber } : {} };
    },
  },
];

/** The library of the scope's patron: a patron session's own and other patron are both of library A. */
function libraryOfPatron(s: Scope): string {
  return s.actor === 'patron' || s.actor.startsWith('guardian') ? s.fx.libraries.A : s.library;
}

/** A copy lent to the scope's patron today. */
async function loanTo(s: Scope): Promise<{ loanId: string }> {
  const item = await buildItem(s.fx.w, { libraryId: libraryOfPatron(s) });
  const lent = await s.fx.w.act(checkout, { cardNumber: s.patron.cardNumber, itemBarcode: item.barcode });
  return { loanId: lent.loanId };
}

/** A waiting hold of the scope's patron, on a copy out on loan to someone else. */
async function holdOf(s: Scope): Promise<string> {
  const libraryId = libraryOfPatron(s);
  const item = await buildItem(s.fx.w, { libraryId });
  await s.fx.w.act(checkout, { cardNumber: (await buildPatron(s.fx.w, { libraryId })).cardNumber, itemBarcode: item.barcode });
  return (await s.fx.w.act(placeHold, { cardNumber: s.patron.cardNumber, itemBarcode: item.barcode })).id;
}

/** The expected table: route → actor → "own/other" statuses (one status when both sides answer alike). */
function readTable(): Map<string, Map<ActorName, string>> {
  const table = new Map<string, Map<ActorName, string>>();
  const lines = readFileSync(TABLE_FILE, 'utf8').split('\n');
  const header = lines.findIndex((l) => l.startsWith('| route |'));
  const columns = (lines[header] as string).split('|').slice(2, -1).map((c) => c.trim());
  expect(columns).toEqual([...ACTORS]);
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const route = (cells[0] as string).replace(/`/g, '');
    table.set(route, new Map(ACTORS.map((a, i) => [a, cells[i + 1] as string])));
  }
  return table;
}

function writeTable(answers: Map<string, Map<ActorName, string>>): void {
  const text = readFileSync(TABLE_FILE, 'utf8');
  const start = text.indexOf('| route |');
  const end = text.indexOf('\n\n', start);
  const rows = [
    `| route | ${ACTORS.join(' | ')} |`,
    `|---|${ACTORS.map(() => '---').join('|')}|`,
    ...ROUTES.map((r) => `| \`${r.route}\` | ${ACTORS.map((a) => answers.get(r.route)?.get(a) ?? '?').join(' | ')} |`),
  ];
  writeFileSync(TABLE_FILE, text.slice(0, start) + rows.join('\n') + (end < 0 ? '\n' : text.slice(end)));
}

describe.each(ENGINES)('the authorization matrix on %s', (engine) => {
  let database: TestDatabase;
  let fx: Fixture;
  let server: TestServer;
  const cookies = new Map<ActorName, string>();
  const answers = new Map<string, Map<ActorName, string>>();

  beforeAll(async () => {
    database = await freshDatabase(engine);
    const w = await world(database);
    // Both libraries follow ImagineIF's policy: a guardian with the child's card sees everything, without
    // it only what is overdue or owed (IF-7); neither shares its patrons.
    const A = (await buildLibrary(w, { id: `matrix-a-${engine}`, profileId: 'imagineif-mt' })).library.id;
    const B = (await buildLibrary(w, { id: `matrix-b-${engine}`, profileId: 'imagineif-mt' })).library.id;
    const adultA = await buildPatron(w, { libraryId: A });
    const adultB = await buildPatron(w, { libraryId: B });
    const self = await buildPatron(w, { libraryId: A });
    const guardian = await buildPatron(w, { libraryId: A });
    const otherPatron = await buildPatron(w, { libraryId: A });
    const child = await buildPatron(w, { libraryId: A, birthDate: '2016-05-05', guardianCard: guardian.cardNumber });
    const otherChild = await buildPatron(w, { libraryId: A, birthDate: '2015-07-07', guardianCard: otherPatron.cardNumber });
    for (const libraryId of [A, B]) await w.act(addSeries, { libraryId, code: 'matrix-sheets', name: 'Sheets', medium: 'paper', retentionDays: 7 });
    fx = { w, libraries: { A, B }, adult: { A: adultA, B: adultB }, self, guardian, child, otherChild, otherPatron };

    // Every actor here logs in from 127.0.0.1, and the matrix fails log-ins on purpose: the per-address
    // throttle is tested on its own; here it is set wide.
    server = await startServer(w, { loginThrottle: { limit: 10_000, windowMinutes: 15 } });
    for (const actor of Object.keys(STAFF_ROLES) as ActorName[]) cookies.set(actor, await server.login(await staffAccountFor(w, actor, { A, B }, `matrix-${actor}-${engine}`)));
    cookies.set('patron', await server.patronLogin({ cardNumber: self.cardNumber, pin: self.pin }));
    const guardianCookie = await server.patronLogin({ cardNumber: guardian.cardNumber, pin: guardian.pin });
    cookies.set('guardian+card', guardianCookie);
    cookies.set('guardian', guardianCookie);
  }, 120_000);

  afterAll(async () => {
    if (engine === 'sqlite' && process.env.CARREL_WRITE_MATRIX === '1') writeTable(answers);
    await server?.close();
    await database?.drop();
  });

  function scope(actor: ActorName, side: Side, self: Patron): Scope {
    const home = actor === 'other-library' ? 'B' : 'A';
    const away = home === 'A' ? 'B' : 'A';
    const library = fx.libraries[side === 'own' ? home : away];
    const isPatron = actor === 'patron' || actor.startsWith('guardian');
    const patron = isPatron ? (side === 'own' ? self : fx.otherPatron) : fx.adult[side === 'own' ? home : away];
    const w = fx.w;
    return {
      fx,
      actor,
      side,
      library,
      patron,
      owner: fx.adult[side === 'own' ? home : away],
      me: self,
      withCard: actor === 'guardian+card',
      freshPatron: async () => buildPatron(w, { libraryId: library }),
      freshItem: async () => buildItem(w, { libraryId: library }),
      loan: async () => {
        const item = await buildItem(w, { libraryId: library });
        await w.act(checkout, { cardNumber: (await buildPatron(w, { libraryId: library })).cardNumber, itemBarcode: item.barcode });
        return item;
      },
    };
  }

  /** The status one actor gets for one side of one route. */
  async function statusOf(route: (typeof ROUTES)[number], actor: ActorName, side: Side): Promise<number> {
    let cookie = cookies.get(actor);
    let self: Patron = actor === 'patron' ? fx.self : fx.guardian;
    if (route.freshSession && cookie !== undefined) {
      // The call ends or replaces the session: a new account of the same kind, for this call alone.
      if (actor === 'patron' || actor.startsWith('guardian')) {
        self = await buildPatron(fx.w, { libraryId: fx.libraries.A });
        cookie = await server.patronLogin({ cardNumber: self.cardNumber, pin: self.pin });
      } else {
        cookie = await server.login(await staffAccountFor(fx.w, actor, fx.libraries, `matrix-${actor}-${Math.random().toString(36).slice(2, 10)}`));
      }
    }
    const request = await route.request(scope(actor, side, self));
    const answer = await server.call(request.method, request.path, { ...(cookie ? { cookie } : {}), ...(request.body !== undefined ? { body: request.body } : {}) });
    return answer.status;
  }

  it('answers every route for every actor exactly as docs/AUTHORIZATION.md says', { timeout: 600_000 }, async () => {
    const expected = process.env.CARREL_WRITE_MATRIX === '1' ? undefined : readTable();
    const mismatches: string[] = [];
    for (const route of ROUTES) {
      const row = new Map<ActorName, string>();
      for (const actor of ACTORS) {
        const own = await statusOf(route, actor, 'own');
        const other = await statusOf(route, actor, 'other');
        const cell = own === other ? String(own) : `${own}/${other}`;
        row.set(actor, cell);
        const want = expected?.get(route.route)?.get(actor);
        if (expected && want !== cell) mismatches.push(`${route.route} as ${actor}: expected ${want ?? '(no row)'}, answered ${cell}`);
      }
      answers.set(route.route, row);
    }
    expect(mismatches).toEqual([]);
  });

  it('covers every route the API serves, and no route it does not', async () => {
    const spec = await fetch(`${server.base}/openapi.json`).then((r) => r.json() as Promise<{ paths: Record<string, Record<string, unknown>> }>);
    const served = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.slice('/api/v1'.length).replace(/\{(\w+)\}/g, ':$1')}`))
      .sort();
    expect(ROUTES.map((r) => r.route).sort()).toEqual(served);
  });
});
