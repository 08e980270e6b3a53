/**
 * One handler per SIP2 request: read the fields, call one use case as the connection's account, write
 * the response. Everything a response says about a patron comes from the use case's view, which holds
 * only what the account may receive (policy/sip2-disclosure.policy.ts); a handler never adds to it.
 */
import { SIP2_BX_ORDER, SIP2_IMPLEMENTED, type Sip2Account, type Sip2PatronField } from '../domain/sip2.js';
import { mayDisclose, maySend, type VendorRule } from '../policy/sip2-disclosure.policy.js';
import type { Runtime } from '../usecases/context.js';
import {
  sip2BlockPatron,
  sip2Checkin,
  sip2Checkout,
  sip2FeePaid,
  sip2Hold,
  sip2ItemInformation,
  sip2PatronLookup,
  sip2Renew,
  sip2RenewAll,
  type PatronProof,
  type Sip2ItemLine,
  type Sip2PatronView,
} from '../usecases/sip2.usecases.js';
import { formatResponse, parseSip2Date, sip2Date, type Sip2Request } from './codec.js';
import { NOT_ALLOWED, screenMessage } from './screen-messages.js';

/** What a connection knows once its machine has logged in. */
export interface Terminal {
  account: Sip2Account;
  timeZone: string;
  libraryName: string;
  branchCode: string;
  /** What the library's profile lets a vendor learn (read at login). */
  vendors: VendorRule;
  /**
   * The patron whose PIN this connection verified, until End Patron Session or the connection closes:
   * the card as presented, in memory only (nothing about a patron is stored on the SIP2 side, CB-G2).
   */
  patronSession: { cardNumber: string } | null;
}

/** A handler's answer: the response's code, fixed fields and variable fields (the connection adds AY/AZ). */
export interface Answer {
  code: string;
  fixed: string[];
  fields: [string, string | undefined][];
}

const yn = (flag: boolean) => (flag ? 'Y' : 'N');
const money = (cents: number) => (cents / 100).toFixed(2);
/**
 * A count as SIP2 writes it: four digits, 0000 to 9999. The counts of a patron information response are
 * required and numeric, and kiosks read them as numbers, so a count the account may not learn (or of a
 * card that is not valid) is sent as 0000, which says nothing about anyone, rather than blanks.
 */
const count = (n: number | undefined) => String(Math.min(n ?? 0, 9999)).padStart(4, '0');

function field(request: Sip2Request, id: string): string | undefined {
  return request.fields.get(id)?.[0];
}

/** The proof of identity a patron request carries: its PIN, or the PIN this connection verified for the same card. */
function proofOf(terminal: Terminal, request: Sip2Request): PatronProof {
  const pin = field(request, 'AD');
  if (pin !== undefined && pin !== '') return { pin };
  if (terminal.patronSession && terminal.patronSession.cardNumber === field(request, 'AA')) return { verifiedInSession: true };
  return null;
}

/** After a request that proved the PIN, the connection remembers the card until End Patron Session. */
function rememberPatron(terminal: Terminal, request: Sip2Request, view: Sip2PatronView, proof: PatronProof): void {
  const card = field(request, 'AA') ?? '';
  if (view.patronId !== undefined && proof !== null) terminal.patronSession = { cardNumber: card };
  else if (terminal.patronSession?.cardNumber === card) terminal.patronSession = null;
}

function now(runtime: Runtime, terminal: Terminal): string {
  return sip2Date(runtime.clock.now(), terminal.timeZone);
}

/** The patron status field (14 flags); spaces when the account may not learn the account's standing. */
function patronStatus(view: Sip2PatronView): string {
  const s = view.standing;
  if (!s) return ' '.repeat(14);
  const flags = [s.chargeDenied, s.renewalDenied, false, s.holdDenied, false, s.tooManyCharged, s.tooManyOverdue, false, false, false, s.excessiveFines, false, false, false];
  return flags.map((f) => (f ? 'Y' : ' ')).join('');
}

/** The patron's part of a response: AA echoed and AE greeting when allowed (empty but present: the spec requires them), BL and CQ. */
function patronFields(request: Sip2Request, view: Sip2PatronView, identifierAllowed: boolean): [string, string | undefined][] {
  return [
    ['AA', identifierAllowed ? (field(request, 'AA') ?? '') : ''],
    ['AE', view.greeting ?? ''],
    ['BL', yn(view.valid)],
    ['CQ', view.pinValid === null ? undefined : yn(view.pinValid)],
  ];
}

/** Whether responses to this terminal may carry a patron field: the disclosure rule, with the library's profile. */
function discloses(terminal: Terminal, field: Sip2PatronField): boolean {
  return mayDisclose(terminal.account, terminal.vendors, field).allowed;
}

function identifierAllowed(terminal: Terminal): boolean {
  return discloses(terminal, 'patron-identifier');
}

function screen(view: Sip2PatronView): string | undefined {
  if (!view.valid) return screenMessage(['INVALID_CREDENTIALS']);
  if (view.greeting) return `Hello, ${view.greeting}.`;
  return undefined;
}

// ── Handlers ───────────────────────────────────────────────────────────────────────────────────────

/** 99 → 98: the terminal's status, and which messages this account may send (BX). */
export function scStatus(runtime: Runtime, terminal: Terminal, request: Sip2Request): Answer {
  const supported = SIP2_BX_ORDER.map((code) => yn(SIP2_IMPLEMENTED.includes(code) && maySend(terminal.account, code))).join('');
  const may = (code: string) => maySend(terminal.account, code);
  return {
    code: '98',
    fixed: ['Y', yn(may('09')), yn(may('11')), yn(may('29')), 'N', 'N', '030', '003', now(runtime, terminal), '2.00'],
    fields: [
      ['AO', field(request, 'AO') ?? terminal.account.libraryId],
      ['AM', terminal.libraryName],
      ['BX', supported],
      ['AN', terminal.branchCode],
    ],
  };
}

/**
 * 99 → 98 while the database cannot be reached: online status N, and neither check-in nor check-out
 * possible, so the kiosk says it is offline rather than failing each patron's request in turn.
 */
export function offlineStatus(runtime: Runtime, terminal: Terminal, request: Sip2Request): Answer {
  const answer = scStatus(runtime, terminal, request);
  return { ...answer, fixed: ['N', 'N', 'N', ...answer.fixed.slice(3)] };
}

/** 23 → 24: patron status. */
export async function patronStatusRequest(runtime: Runtime, terminal: Terminal, request: Sip2Request): Promise<Answer> {
  const proof = proofOf(terminal, request);
  const view = await sip2PatronLookup(runtime, terminal.account, { cardNumber: field(request, 'AA') ?? '', proof });
  rememberPatron(terminal, request, view, proof);
  return patronStatusAnswer(runtime, terminal, request, view);
}

function patronStatusAnswer(runtime: Runtime, terminal: Terminal, request: Sip2Request, view: Sip2PatronView): Answer {
  return {
    code: '24',
    fixed: [patronStatus(view), language(request), now(runtime, terminal)],
    fields: [
      ['AO', field(request, 'AO') ?? ''],
      ...patronFields(request, view, identifierAllowed(terminal)),
      ['BV', view.fees ? money(view.fees.balanceCents) : undefined],
      ['AF', screen(view)],
    ],
  };
}

function language(request: Sip2Request): string {
  const given = request.fixed['language'];
  return given && /^\d{3}$/.test(given) ? given : '000';
}

/** The 1-based range of list items a patron information request asks for (BP/BQ), at most 50 items. */
function range(request: Sip2Request): { start: number; end: number } {
  const start = Math.max(1, Number.parseInt(field(request, 'BP') ?? '1', 10) || 1);
  const end = Math.max(start, Number.parseInt(field(request, 'BQ') ?? String(start + 49), 10) || start + 49);
  return { start, end: Math.min(end, start + 49) };
}

/** 63 → 64: patron information, with the one list the summary field asks for. */
export async function patronInformation(runtime: Runtime, terminal: Terminal, request: Sip2Request): Promise<Answer> {
  const summary = request.fixed['summary'] ?? '';
  const asked = summary.indexOf('Y');
  const lists = { holds: asked === 0, overdue: asked === 1, charged: asked === 2, fines: asked === 3, unavailableHolds: asked === 5 };
  const proof = proofOf(terminal, request);
  const view = await sip2PatronLookup(runtime, terminal.account, { cardNumber: field(request, 'AA') ?? '', proof, lists });
  rememberPatron(terminal, request, view, proof);
  const { start, end } = range(request);
  const slice = (items: Sip2ItemLine[] | undefined) => (items ?? []).slice(start - 1, end).map((i) => i.barcode);
  const c = view.counts;
  const fields: [string, string | undefined][] = [
    ['AO', field(request, 'AO') ?? ''],
    ...patronFields(request, view, identifierAllowed(terminal)),
    ['BZ', undefined],
    ['CA', c?.overdueLimit != null ? count(c.overdueLimit) : undefined],
    ['CB', c?.chargedLimit != null ? count(c.chargedLimit) : undefined],
    ['BV', view.fees ? money(view.fees.balanceCents) : undefined],
    ['CC', view.fees ? money(view.fees.limitCents) : undefined],
    ['PC', view.category],
    ['XB', view.ageBand],
  ];
  for (const barcode of slice(view.holdsReady)) fields.push(['AS', barcode]);
  for (const barcode of slice(view.overdue)) fields.push(['AT', barcode]);
  for (const barcode of slice(view.charged)) fields.push(['AU', barcode]);
  for (const fine of (view.fees?.items ?? []).slice(start - 1, end)) fields.push(['AV', `${money(fine.amountCents)} ${fine.kind}${fine.title ? ` ${fine.title}` : ''}`]);
  for (const barcode of slice(view.unavailableHolds)) fields.push(['CD', barcode]);
  fields.push(['AF', screen(view)]);
  return {
    code: '64',
    fixed: [patronStatus(view), language(request), now(runtime, terminal), count(c?.holdsReady), count(c?.overdue), count(c?.charged), count(c?.fines), count(c ? 0 : undefined), count(c?.unavailableHolds)],
    fields,
  };
}

/** 11 → 12: check-out at a kiosk. */
export async function checkoutRequest(runtime: Runtime, terminal: Terminal, request: Sip2Request): Promise<Answer> {
  const proof = proofOf(terminal, request);
  const itemBarcode = field(request, 'AB') ?? '';
  const outcome = await sip2Checkout(runtime, terminal.account, { cardNumber: field(request, 'AA') ?? '', proof, itemBarcode });
  rememberPatron(terminal, request, outcome.patron, proof);
  const base: [string, string | undefined][] = [
    ['AO', field(request, 'AO') ?? ''],
    ['AA', identifierAllowed(terminal) ? (field(request, 'AA') ?? '') : ''],
    ['AB', itemBarcode],
  ];
  if (!outcome.ok)
    return { code: '12', fixed: ['0', 'N', 'U', 'N', now(runtime, terminal)], fields: [...base, ['AJ', ''], ['AH', ''], ['AF', screenMessage(outcome.problems.map((p) => p.code))]] };
  const loan = outcome.value;
  return {
    code: '12',
    fixed: ['1', 'N', 'U', 'Y', now(runtime, terminal)],
    fields: [...base, ['AJ', loan.title], ['AH', sip2Date(new Date(loan.dueAt), terminal.timeZone)], ['BK', loan.loanId]],
  };
}

/** 09 → 10: check-in, with the sort bin, the alert and where the item goes (never who waits for it). */
export async function checkinRequest(runtime: Runtime, terminal: Terminal, request: Sip2Request): Promise<Answer> {
  const itemBarcode = field(request, 'AB') ?? '';
  const outcome = await sip2Checkin(runtime, terminal.account, { itemBarcode });
  const ao = field(request, 'AO') ?? '';
  if (!outcome.ok)
    return {
      code: '10',
      fixed: ['0', 'N', 'U', 'N', now(runtime, terminal)],
      fields: [['AO', ao], ['AB', itemBarcode], ['AQ', outcome.home ?? ''], ['AJ', outcome.title ?? undefined], ['AF', screenMessage(outcome.problems.map((p) => p.code))]],
    };
  const { routing, result } = outcome;
  const alert = routing.kind !== 'shelf';
  const alertType = routing.kind === 'hold-here' ? '01' : routing.kind === 'hold-elsewhere' ? '02' : routing.kind === 'other-branch' ? '04' : undefined;
  // The charge is the borrower's business: said only to a machine the patron stands at (not a sorter).
  const fine = result.fine && discloses(terminal, 'fees') ? `A late charge of ${money(result.fine.amountCents)} was added.` : undefined;
  return {
    code: '10',
    fixed: ['1', 'Y', 'U', yn(alert), now(runtime, terminal)],
    fields: [
      ['AO', ao],
      ['AB', result.itemBarcode],
      ['AQ', routing.home],
      ['AJ', result.title],
      ['CL', routing.bin],
      ['CV', alertType],
      ['CT', routing.destination ?? undefined],
      ['AF', fine],
    ],
  };
}

/** 29 → 30: renew one item the patron has out. */
export async function renewRequest(runtime: Runtime, terminal: Terminal, request: Sip2Request): Promise<Answer> {
  const proof = proofOf(terminal, request);
  const itemBarcode = field(request, 'AB') ?? '';
  const outcome = await sip2Renew(runtime, terminal.account, { cardNumber: field(request, 'AA') ?? '', proof, itemBarcode });
  rememberPatron(terminal, request, outcome.patron, proof);
  const base: [string, string | undefined][] = [
    ['AO', field(request, 'AO') ?? ''],
    ['AA', identifierAllowed(terminal) ? (field(request, 'AA') ?? '') : ''],
    ['AB', itemBarcode],
  ];
  if (!outcome.ok)
    return { code: '30', fixed: ['0', 'N', 'U', 'N', now(runtime, terminal)], fields: [...base, ['AJ', ''], ['AH', ''], ['AF', screenMessage(outcome.problems.map((p) => p.code))]] };
  const renewed = outcome.value;
  return {
    code: '30',
    fixed: ['1', 'Y', 'U', 'N', now(runtime, terminal)],
    fields: [...base, ['AJ', renewed.title], ['AH', sip2Date(new Date(renewed.dueAt), terminal.timeZone)], ['BV', renewed.fine ? money(renewed.fine.amountCents) : undefined]],
  };
}

/** 65 → 66: renew everything the patron has out; BM the renewed items, BN the others. */
export async function renewAllRequest(runtime: Runtime, terminal: Terminal, request: Sip2Request): Promise<Answer> {
  const proof = proofOf(terminal, request);
  const outcome = await sip2RenewAll(runtime, terminal.account, { cardNumber: field(request, 'AA') ?? '', proof });
  rememberPatron(terminal, request, outcome.patron, proof);
  const ao: [string, string | undefined] = ['AO', field(request, 'AO') ?? ''];
  if (!outcome.ok) return { code: '66', fixed: ['0', count(0), count(0), now(runtime, terminal)], fields: [ao, ['AF', screenMessage(outcome.problems.map((p) => p.code))]] };
  const { renewed, refused } = outcome.value;
  return {
    code: '66',
    fixed: ['1', count(renewed.length), count(refused.length), now(runtime, terminal)],
    fields: [ao, ...renewed.map((r): [string, string] => ['BM', r.itemBarcode]), ...refused.map((r): [string, string] => ['BN', r.itemBarcode])],
  };
}

/** 17 → 18: item information (item-level only). */
export async function itemInformation(runtime: Runtime, terminal: Terminal, request: Sip2Request): Promise<Answer> {
  const itemBarcode = field(request, 'AB') ?? '';
  const item = await sip2ItemInformation(runtime, terminal.account, { itemBarcode });
  const ao: [string, string] = ['AO', field(request, 'AO') ?? ''];
  if (!item) return { code: '18', fixed: ['01', '00', '01', now(runtime, terminal)], fields: [ao, ['AB', itemBarcode], ['AJ', ''], ['AF', screenMessage(['ITEM_NOT_FOUND'])]] };
  return {
    code: '18',
    fixed: [item.status, '00', '01', now(runtime, terminal)],
    fields: [
      ['CF', String(item.holdQueueLength)],
      ['AH', item.dueAt ? sip2Date(new Date(item.dueAt), terminal.timeZone) : undefined],
      ['CM', item.pickupBy ? sip2Date(new Date(item.pickupBy), terminal.timeZone) : undefined],
      ['AB', item.barcode],
      ['AJ', item.title],
      ao,
      ['AQ', item.home],
      ['CR', item.itemType],
    ],
  };
}

/** 37 → 38: a payment taken at the kiosk. */
export async function feePaid(runtime: Runtime, terminal: Terminal, request: Sip2Request): Promise<Answer> {
  const proof = proofOf(terminal, request);
  const amount = field(request, 'BV') ?? '';
  const cents = /^\d{1,7}(\.\d{1,2})?$/.test(amount) ? Math.round(Number(amount) * 100) : Number.NaN;
  const base: [string, string | undefined][] = [
    ['AO', field(request, 'AO') ?? ''],
    ['AA', identifierAllowed(terminal) ? (field(request, 'AA') ?? '') : ''],
    ['BK', field(request, 'BK')],
  ];
  if (!Number.isInteger(cents) || cents <= 0) return { code: '38', fixed: ['N', now(runtime, terminal)], fields: [...base, ['AF', screenMessage(['INVALID_AMOUNT'])]] };
  const outcome = await sip2FeePaid(runtime, terminal.account, { cardNumber: field(request, 'AA') ?? '', proof, amountCents: cents });
  rememberPatron(terminal, request, outcome.patron, proof);
  if (!outcome.ok) return { code: '38', fixed: ['N', now(runtime, terminal)], fields: [...base, ['AF', screenMessage(outcome.problems.map((p) => p.code))]] };
  return { code: '38', fixed: ['Y', now(runtime, terminal)], fields: [...base, ['AF', `Thank you. ${money(outcome.value.balanceCents)} remains on your account.`]] };
}

/** 35 → 36: the patron is done; the connection forgets their card. */
export function endPatronSession(runtime: Runtime, terminal: Terminal, request: Sip2Request): Answer {
  terminal.patronSession = null;
  return {
    code: '36',
    fixed: ['Y', now(runtime, terminal)],
    fields: [
      ['AO', field(request, 'AO') ?? ''],
      ['AA', identifierAllowed(terminal) ? (field(request, 'AA') ?? '') : ''],
    ],
  };
}

/** 15 → 16: a hold placed ('+') or cancelled ('-'); '*' (change) is not offered. */
export async function holdRequest(runtime: Runtime, terminal: Terminal, request: Sip2Request): Promise<Answer> {
  const mode = request.fixed['holdMode'];
  const proof = proofOf(terminal, request);
  const itemBarcode = field(request, 'AB') ?? '';
  const base: [string, string | undefined][] = [
    ['AO', field(request, 'AO') ?? ''],
    ['AA', identifierAllowed(terminal) ? (field(request, 'AA') ?? '') : ''],
  ];
  if ((mode !== '+' && mode !== '-') || itemBarcode === '')
    return { code: '16', fixed: ['0', 'N', now(runtime, terminal)], fields: [...base, ['AF', 'Holds are placed or cancelled on an item by its barcode.']] };
  const outcome = await sip2Hold(runtime, terminal.account, { cardNumber: field(request, 'AA') ?? '', proof, mode, itemBarcode, pickupBranch: field(request, 'BS') || undefined });
  rememberPatron(terminal, request, outcome.patron, proof);
  if (!outcome.ok) return { code: '16', fixed: ['0', 'N', now(runtime, terminal)], fields: [...base, ['AB', itemBarcode], ['AF', screenMessage(outcome.problems.map((p) => p.code))]] };
  const hold = outcome.value;
  return {
    code: '16',
    fixed: ['1', yn(hold.available), now(runtime, terminal)],
    fields: [
      ['BW', hold.pickupBy ? sip2Date(new Date(hold.pickupBy), terminal.timeZone) : undefined],
      ['BR', hold.queuePosition !== null && hold.queuePosition > 0 ? String(hold.queuePosition) : undefined],
      ['BS', hold.pickupBranchCode ?? undefined],
      ...base,
      ['AB', hold.barcode],
      ['AJ', hold.title],
    ],
  };
}

/** 01 → 24: the kiosk blocks the card; the answer is a patron status of a card that is no longer valid. */
export async function blockPatron(runtime: Runtime, terminal: Terminal, request: Sip2Request): Promise<Answer> {
  const card = field(request, 'AA') ?? '';
  const view = await sip2BlockPatron(runtime, terminal.account, { cardNumber: card, proof: proofOf(terminal, request) });
  if (terminal.patronSession?.cardNumber === card) terminal.patronSession = null;
  return patronStatusAnswer(runtime, terminal, request, view);
}

/**
 * The message's own refusal, with a screen line: by default what a terminal that may not send the
 * request is told; `screen` for another reason (a busy database). Null for a request without one.
 */
export function refusal(runtime: Runtime, terminal: Terminal, request: Sip2Request, screen: string = NOT_ALLOWED): Answer | null {
  const t = now(runtime, terminal);
  const ao: [string, string] = ['AO', field(request, 'AO') ?? ''];
  const af: [string, string] = ['AF', screen];
  const invalid: Sip2PatronView = { valid: false, pinValid: null };
  switch (request.code) {
    case '23':
    case '01':
      return { code: '24', fixed: [patronStatus(invalid), language(request), t], fields: [ao, ['AA', ''], ['AE', ''], ['BL', 'N'], af] };
    case '63':
      return { code: '64', fixed: [patronStatus(invalid), language(request), t, ...Array<string>(6).fill(count(0))], fields: [ao, ['AA', ''], ['AE', ''], ['BL', 'N'], af] };
    case '11':
      return { code: '12', fixed: ['0', 'N', 'U', 'N', t], fields: [ao, ['AA', ''], ['AB', field(request, 'AB') ?? ''], ['AJ', ''], ['AH', ''], af] };
    case '09':
      return { code: '10', fixed: ['0', 'N', 'U', 'N', t], fields: [ao, ['AB', field(request, 'AB') ?? ''], ['AQ', ''], af] };
    case '29':
      return { code: '30', fixed: ['0', 'N', 'U', 'N', t], fields: [ao, ['AA', ''], ['AB', field(request, 'AB') ?? ''], ['AJ', ''], ['AH', ''], af] };
    case '65':
      return { code: '66', fixed: ['0', count(0), count(0), t], fields: [ao, af] };
    case '17':
      return { code: '18', fixed: ['01', '00', '01', t], fields: [ao, ['AB', field(request, 'AB') ?? ''], ['AJ', ''], af] };
    case '37':
      return { code: '38', fixed: ['N', t], fields: [ao, ['AA', ''], af] };
    case '35':
      return { code: '36', fixed: ['N', t], fields: [ao, ['AA', ''], af] };
    case '15':
      return { code: '16', fixed: ['0', 'N', t], fields: [ao, ['AA', ''], af] };
    default:
      return null;
  }
}

/** The handler of each request an account may send once logged in (93 and 97 are the connection's). */
export const HANDLERS: Record<string, (runtime: Runtime, terminal: Terminal, request: Sip2Request) => Answer | Promise<Answer>> = {
  '99': scStatus,
  '23': patronStatusRequest,
  '63': patronInformation,
  '11': checkoutRequest,
  '09': checkinRequest,
  '29': renewRequest,
  '65': renewAllRequest,
  '17': itemInformation,
  '37': feePaid,
  '35': endPatronSession,
  '15': holdRequest,
  '01': blockPatron,
};

/** Formats an answer as a line for the wire (the sequence number echoed when the request carried one). */
export function render(answer: Answer, sequence: string | null): string {
  return formatResponse(answer.code, answer.fixed, answer.fields, sequence);
}

/** Whether a date field that must hold a date holds one (blank is allowed: the spec lets a terminal leave it). */
export function dateFieldValid(text: string | undefined, timeZone: string): boolean {
  if (text === undefined || text.trim() === '') return true;
  return parseSip2Date(text, timeZone) !== null;
}
