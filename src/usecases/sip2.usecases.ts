/**
 * What machines speaking SIP2 may do, as use cases: a kiosk or RFID pad checks items out and in for the
 * patron in front of it, an automated-returns sorter checks items in, an authentication client (EZproxy,
 * a vendor, PC booking) asks whether a card and PIN are a valid patron's. Each runs as the machine's
 * account (actor kind 'sip2'), through the same circulation use cases, policy rules, access log and
 * retention as the desk; the SIP2 side keeps nothing about any patron (CB-G2). What a response may say
 * about a patron is decided here, field by field, by `mayDisclose` (RF-6, CB-G2, CB-D, IF-9), so a
 * field the account may not have is never even read.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { patronBlocks } from '../domain/circulation.rules.js';
import { DomainError, ErrorCode, refuse } from '../domain/errors.js';
import type { Sip2Account, Sip2PatronField } from '../domain/sip2.js';
import type { Library } from '../domain/types.js';
import type { Actor } from '../policy/actors.js';
import { DEFAULT_VENDOR_RULE, mayDisclose, type VendorRule } from '../policy/sip2-disclosure.policy.js';
import { balanceOf, openFines } from '../storage/fine.repository.js';
import * as holds from '../storage/hold.repository.js';
import { findBranch, findCategory, findLibrary, listBranches } from '../storage/library.repository.js';
import * as loans from '../storage/loan.repository.js';
import { findPatronCredentials, setPatronStatus, touchActivity, type StoredPatron } from '../storage/patron.repository.js';
import { findSip2Account, findSip2Credentials } from '../storage/sip2-account.repository.js';
import { verifyDecoy, verifySecret } from '../vault/secrets.js';
import { checkin, checkout, renew, renewAll, type CheckinResult } from './circulation.usecases.js';
import { recordAccess, run, type Caller, type Context, type Runtime } from './context.js';
import { pay } from './fine.usecases.js';
import { cancelHold, placeHold } from './hold.usecases.js';
import { requireItemByBarcode } from './item.usecases.js';
import { checkCardAndPin } from './patron-auth.usecases.js';
import { openPatron } from './patron-records.js';
import { vendorRuleOf } from './sip2-account.usecases.js';
import { cardOpensAccount, endSessionsOf } from './session.usecases.js';
import { requirePermission } from './authorization.js';

// ── The machine's own log-in ────────────────────────────────────────────────────────────────────────

/** Whether an address is inside one of the account's CIDR blocks. */
export function addressAllowed(account: Pick<Sip2Account, 'allowedCidrs'>, address: string): boolean {
  const list = new BlockList();
  for (const cidr of account.allowedCidrs) {
    const [net, prefix] = cidr.split('/');
    if (net === undefined || prefix === undefined) continue;
    list.addSubnet(net, Number(prefix), isIPv6(net) ? 'ipv6' : 'ipv4');
  }
  // An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d.
  const plain = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
  return list.check(plain, isIPv6(plain) ? 'ipv6' : 'ipv4');
}

/**
 * The SIP2 login (93): the account's login id and password, from an address it may connect from, and
 * not disabled. Every refusal costs one argon2id verification (a decoy for an unknown login id) and
 * answers the same. Nothing about a patron is touched, so nothing enters the access log.
 */
export async function sip2Login(runtime: Runtime, input: { loginId: string; password: string; address: string }): Promise<Sip2Account | null> {
  const found = await findSip2Credentials(runtime.db, input.loginId);
  const verified = found ? await verifySecret(found.passwordHash, input.password) : await verifyDecoy(input.password);
  if (!found || !verified || found.account.disabled || !addressAllowed(found.account, input.address)) return null;
  return found.account;
}

/** The account as it stands now: a disabled account, or one no longer allowed at this address, ends its connections. */
export async function sip2AccountStillAllowed(runtime: Runtime, accountId: string, address: string): Promise<Sip2Account | null> {
  const account = await findSip2Account(runtime.db, accountId);
  return account && !account.disabled && addressAllowed(account, address) ? account : null;
}

/** The actor an account acts as: the access log shows `sip2:<account name>`, in its kind's role. */
export function sip2Actor(account: Sip2Account): Actor {
  return { kind: 'sip2', id: `sip2:${account.name}`, accountId: account.id, libraryId: account.libraryId, branchId: account.branchId, accountKind: account.kind };
}

/** Who a use case runs as for this account: circulation for a kiosk or sorter, authentication for a vendor. */
export function sip2Caller(account: Sip2Account): Caller {
  return { actor: sip2Actor(account), purpose: account.kind === 'authentication' ? 'authentication' : 'circulation', channel: 'sip2' };
}

// ── The patron in front of the machine ─────────────────────────────────────────────────────────────

/**
 * How the patron proved the card is theirs: the PIN sent with this request, a PIN verified earlier in
 * this connection's patron session (until End Patron Session), or nothing.
 */
export type PatronProof = { pin: string } | { verifiedInSession: true } | null;

export interface Sip2PatronInput {
  cardNumber: string;
  proof: PatronProof;
  /** The lists a patron information request asks for (the summary field), each only if allowed. */
  lists?: { holds?: boolean; overdue?: boolean; charged?: boolean; fines?: boolean; unavailableHolds?: boolean };
}

/** A patron's item as a kiosk's screen shows it. */
export interface Sip2ItemLine {
  barcode: string;
  title: string;
  dueAt?: string;
}

/**
 * What a response may carry about the patron: each optional part is present only when the account may
 * receive it. `valid` false answers an unknown card, a wrong or missing PIN, a locked, lost, expired or
 * blocked card alike.
 */
export interface Sip2PatronView {
  valid: boolean;
  /** Whether the PIN was right: null when no PIN was given (or the account may not learn it). */
  pinValid: boolean | null;
  /** Set when valid; never sent (the transport's patron session keeps it until End Patron Session). */
  patronId?: string;
  greeting?: string;
  category?: string;
  ageBand?: string;
  standing?: { chargeDenied: boolean; renewalDenied: boolean; holdDenied: boolean; tooManyCharged: boolean; tooManyOverdue: boolean; excessiveFines: boolean; reasons: string[] };
  counts?: { holdsReady: number; overdue: number; charged: number; fines: number; unavailableHolds: number; chargedLimit: number | null; overdueLimit: number | null };
  fees?: { balanceCents: number; limitCents: number; items: { id: string; amountCents: number; kind: string; title: string | null }[] };
  charged?: Sip2ItemLine[];
  overdue?: Sip2ItemLine[];
  holdsReady?: Sip2ItemLine[];
  unavailableHolds?: Sip2ItemLine[];
}

/** The categories of the record a view read, for the access log (names, never data). */
type Category = 'registration' | 'circulation' | 'fines' | 'holds';

/**
 * Checks the card and the proof. A wrong PIN counts towards the card's lockout exactly as a failed web
 * log-in does (the profile's `access.patron_login`), and every refusal costs one argon2id verification
 * when a PIN was given. Answers the patron only when the card is valid and proven.
 */
async function provenPatron(ctx: Context, account: Sip2Account, input: { cardNumber: string; proof: PatronProof }): Promise<{ patron: StoredPatron | null; pinValid: boolean | null }> {
  // Another library's card is no card here (CB-A3): answered as unknown.
  const usable = (p: StoredPatron) => p.libraryId === account.libraryId && cardOpensAccount(p.status) && p.status !== 'blocked' && new Date(p.expiresAt).getTime() > ctx.now.getTime();
  const proof = input.proof;
  if (proof === null || 'verifiedInSession' in proof) {
    const verifiedBefore = proof !== null;
    if (!verifiedBefore && account.pinRequired) return { patron: null, pinValid: null };
    const found = await findPatronCredentials(ctx.trx, ctx.vault.blind('card', input.cardNumber));
    return found && usable(found.patron) ? { patron: found.patron, pinValid: verifiedBefore ? true : null } : { patron: null, pinValid: null };
  }
  const proven = await checkCardAndPin(ctx, { cardNumber: input.cardNumber, pin: proof.pin, usable });
  return proven ? { patron: proven, pinValid: true } : { patron: null, pinValid: false };
}

/** The first word of a name, for a greeting ("Hello, Ana"). */
function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}

/**
 * The patron a status or information request (23, 63) asks about, as this account may see them. A
 * wrong PIN is counted and committed (the answer is a value, not a refusal). A valid read enters the
 * access log as the account, with the categories it touched.
 */
export async function sip2Patron(ctx: Context, input: Sip2PatronInput & { account: Sip2Account }): Promise<Sip2PatronView> {
  const { account } = input;
  requirePermission(ctx, 'patron.identify');
  const { may, library } = await disclosureFor(ctx, account);
  const proven = await provenPatron(ctx, account, input);
  const pinValid = may('valid-pin') ? (proven.pinValid === null ? null : proven.pinValid && proven.patron !== null) : null;
  if (!proven.patron) return { valid: false, pinValid: pinValid === null ? null : false };
  const patron = proven.patron;
  const view: Sip2PatronView = { valid: may('valid-patron'), pinValid, patronId: patron.id };
  const touched = new Set<Category>(['registration']);
  if (may('greeting')) view.greeting = firstName((await openPatron(ctx, patron)).personal.name);
  if (may('category')) view.category = patron.categoryCode;
  if (may('age-band')) view.ageBand = patron.ageBand;

  const needsLoans = may('account-standing') || may('counts') || may('current-loans');
  const out = needsLoans ? (await loans.loansOfPatron(ctx.trx, patron.id, 'active')).sort((a, b) => a.dueAt.localeCompare(b.dueAt)) : [];
  const overdue = out.filter((l) => new Date(l.dueAt).getTime() < ctx.now.getTime());
  const balance = may('account-standing') || may('fees') || may('counts') ? await balanceOf(ctx.trx, patron.id) : 0;
  const category = await findCategory(ctx.trx, library.id, patron.categoryCode);
  if (may('account-standing')) {
    const problems = patronBlocks(patron, balance, library, ctx.now, overdue.length);
    const codes = new Set(problems.map((p) => p.code));
    const tooManyCharged = category?.maxLoans != null && out.length >= category.maxLoans;
    view.standing = {
      chargeDenied: problems.length > 0 || tooManyCharged,
      renewalDenied: problems.some((p) => p.code !== ErrorCode.PATRON_HAS_OVERDUE_ITEMS),
      holdDenied: problems.some((p) => p.code !== ErrorCode.PATRON_HAS_OVERDUE_ITEMS),
      tooManyCharged,
      tooManyOverdue: codes.has(ErrorCode.PATRON_HAS_OVERDUE_ITEMS),
      excessiveFines: codes.has(ErrorCode.PATRON_OWES_FINES),
      reasons: [...codes, ...(tooManyCharged ? [ErrorCode.LOAN_LIMIT_REACHED] : [])],
    };
    touched.add('circulation').add('fines');
  }
  const needsHolds = may('counts') || may('holds');
  const patronHolds = needsHolds ? (await holds.holdsOfPatron(ctx.trx, patron.id)).filter((h) => h.status === 'pending' || h.status === 'ready') : [];
  const fines = may('fees') || may('counts') ? await openFines(ctx.trx, patron.id) : [];
  if (may('counts')) {
    view.counts = {
      holdsReady: patronHolds.filter((h) => h.status === 'ready').length,
      unavailableHolds: patronHolds.filter((h) => h.status === 'pending').length,
      overdue: overdue.length,
      charged: out.length,
      fines: fines.length,
      chargedLimit: category?.maxLoans ?? null,
      overdueLimit: library.maxOverdueItems ?? null,
    };
    touched.add('circulation').add('fines').add('holds');
  }
  if (may('fees')) {
    const titles = new Map(out.map((l) => [l.itemId, l.title]));
    view.fees = { balanceCents: balance, limitCents: library.maxBalanceCents, items: input.lists?.fines ? fines.map((f) => ({ id: f.id, amountCents: f.balanceCents, kind: f.kind, title: (f.itemId && titles.get(f.itemId)) ?? null })) : [] };
    touched.add('fines');
  }
  if (may('current-loans')) {
    const line = (l: (typeof out)[number]): Sip2ItemLine => ({ barcode: l.itemBarcode, title: l.title, dueAt: l.dueAt });
    if (input.lists?.charged) view.charged = out.map(line);
    if (input.lists?.overdue) view.overdue = overdue.map(line);
    touched.add('circulation');
  }
  if (may('holds')) {
    if (input.lists?.holds) view.holdsReady = patronHolds.filter((h) => h.status === 'ready').map((h) => ({ barcode: h.itemBarcode ?? h.title, title: h.title }));
    // A title-level hold waiting for a copy has no item yet: the title stands for it.
    if (input.lists?.unavailableHolds) view.unavailableHolds = patronHolds.filter((h) => h.status === 'pending').map((h) => ({ barcode: h.itemBarcode ?? h.title, title: h.title }));
    touched.add('holds');
  }
  // A valid card at a kiosk is the patron using the library (CB-F3); a vendor's question is not.
  if (account.kind !== 'authentication') await touchActivity(ctx.trx, patron.id, ctx.now.toISOString());
  await recordAccess(ctx, patron, account.kind === 'authentication' ? 'sip2-authenticate' : 'sip2-patron', [...touched]);
  return view;
}

/**
 * Whether the account may receive a field (the disclosure rule, with its library's profile), and the
 * library itself (its patrons are the only ones the account reaches): read once per use case.
 */
async function disclosureFor(ctx: Context, account: Sip2Account): Promise<{ may: (field: Sip2PatronField) => boolean; library: Library }> {
  const library = await findLibrary(ctx.trx, account.libraryId);
  if (!library) throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'The account’s library no longer exists.');
  const vendors = vendorRuleOf(library.profileId);
  return { may: (field) => mayDisclose(account, vendors, field).allowed, library };
}

/** `sip2Patron` in its own transaction, its failure count committed whatever the answer. */
export async function sip2PatronLookup(runtime: Runtime, account: Sip2Account, input: Sip2PatronInput): Promise<Sip2PatronView> {
  return run(runtime, sip2Caller(account), (ctx, i: Sip2PatronInput) => sip2Patron(ctx, { ...i, account }), input);
}

// ── Transactions at the kiosk ─────────────────────────────────────────────────────────────────────

/** A transaction's answer: done, or refused with its problems; `patron` as the account may see them. */
export type Sip2Outcome<T> = { ok: true; value: T; patron: Sip2PatronView } | { ok: false; problems: { code: string; message: string }[]; patron: Sip2PatronView };

/**
 * Runs a patron transaction: the patron proven first, then the circulation use case in the same
 * transaction. A wrong PIN is counted and committed and nothing else happens; a refusal of the
 * transaction itself rolls everything back (nothing of it is kept) and answers its problems.
 */
async function patronTransaction<T>(
  runtime: Runtime,
  account: Sip2Account,
  input: { cardNumber: string; proof: PatronProof },
  step: (ctx: Context, patron: StoredPatron) => Promise<T>,
): Promise<Sip2Outcome<T>> {
  let seen: Sip2PatronView = { valid: false, pinValid: null };
  try {
    return await run(runtime, sip2Caller(account), async (ctx): Promise<Sip2Outcome<T>> => {
      const { may } = await disclosureFor(ctx, account);
      const proven = await provenPatron(ctx, account, input);
      const pinValid = may('valid-pin') ? proven.pinValid : null;
      if (!proven.patron) return { ok: false, problems: [{ code: ErrorCode.INVALID_CREDENTIALS, message: 'The card number or PIN is wrong.' }], patron: { valid: false, pinValid: pinValid === null ? null : false } };
      seen = { valid: may('valid-patron'), pinValid, patronId: proven.patron.id };
      const value = await step(ctx, proven.patron);
      return { ok: true, value, patron: seen };
    }, undefined);
  } catch (error) {
    if (error instanceof DomainError && seen.patronId !== undefined) return { ok: false, problems: error.problems.map((p) => ({ code: p.code, message: p.message })), patron: seen };
    throw error;
  }
}

/** Check-out at a kiosk (11): the desk's check-out, as the kiosk, for the proven patron. */
export async function sip2Checkout(runtime: Runtime, account: Sip2Account, input: { cardNumber: string; proof: PatronProof; itemBarcode: string }) {
  return patronTransaction(runtime, account, input, (ctx) => checkout(ctx, { cardNumber: input.cardNumber, itemBarcode: input.itemBarcode }));
}

/** Renewal at a kiosk (29): only an item the proven patron has out. */
export async function sip2Renew(runtime: Runtime, account: Sip2Account, input: { cardNumber: string; proof: PatronProof; itemBarcode: string }) {
  return patronTransaction(runtime, account, input, async (ctx, patron) => {
    const item = await requireItemByBarcode(ctx, input.itemBarcode, account.libraryId);
    const loan = await loans.findActiveLoanForItem(ctx.trx, item.id);
    // Someone else's loan is not this patron's to renew, nor to learn about.
    if (!loan || loan.patronId !== patron.id) throw refuse(ErrorCode.ITEM_NOT_ON_LOAN, 'The item is not on loan to this patron.', 'itemBarcode');
    const renewed = await renew(ctx, { itemBarcode: input.itemBarcode, libraryId: account.libraryId });
    return { ...renewed, title: item.title };
  });
}

/** Renew all at a kiosk (65). */
export async function sip2RenewAll(runtime: Runtime, account: Sip2Account, input: { cardNumber: string; proof: PatronProof }) {
  return patronTransaction(runtime, account, input, (ctx) => renewAll(ctx, { cardNumber: input.cardNumber, libraryId: account.libraryId }));
}

/** Fee paid at a kiosk (37): a payment against the patron's open fines, oldest first. */
export async function sip2FeePaid(runtime: Runtime, account: Sip2Account, input: { cardNumber: string; proof: PatronProof; amountCents: number }) {
  return patronTransaction(runtime, account, input, (ctx) => pay(ctx, { cardNumber: input.cardNumber, amountCents: input.amountCents }));
}

/** A hold placed (15, mode '+') or cancelled ('-') at a kiosk; the pick-up branch by code, else the kiosk's. */
export async function sip2Hold(runtime: Runtime, account: Sip2Account, input: { cardNumber: string; proof: PatronProof; mode: '+' | '-'; itemBarcode: string; pickupBranch?: string | undefined }) {
  return patronTransaction(runtime, account, input, async (ctx, patron) => {
    const item = await requireItemByBarcode(ctx, input.itemBarcode, account.libraryId);
    if (input.mode === '+') {
      const hold = await placeHold(ctx, { cardNumber: input.cardNumber, itemBarcode: input.itemBarcode, pickupBranch: input.pickupBranch ?? account.branchId });
      const branch = await findBranch(ctx.trx, account.libraryId, hold.pickupBranchId);
      return { placed: true, available: hold.status === 'ready', pickupBranchCode: branch?.code ?? null, pickupBy: hold.pickupBy, queuePosition: hold.status === 'ready' ? 0 : await holds.countPendingHoldsForItem(ctx.trx, item.id, item.recordId), title: item.title, barcode: item.barcode };
    }
    const open = await holds.findOpenHold(ctx.trx, patron.id, item.id);
    if (!open) throw refuse(ErrorCode.HOLD_NOT_FOUND, 'The patron has no hold on this item.', 'itemBarcode');
    await cancelHold(ctx, { holdId: open.id });
    return { placed: false, available: false, pickupBranchCode: null, pickupBy: null, queuePosition: null, title: item.title, barcode: item.barcode };
  });
}

/**
 * Block patron (01): the kiosk found the card misused (or kept it). Only the card of the patron at the
 * machine, proven as any patron request is (the PIN this connection verified): a kiosk cannot block any
 * card by its number. The patron is blocked from borrowing until staff lift it, and the card's sessions
 * end. The kiosk's message text is not kept (it could say anything about anyone).
 */
export async function sip2BlockPatron(runtime: Runtime, account: Sip2Account, input: { cardNumber: string; proof: PatronProof }): Promise<Sip2PatronView> {
  return run(runtime, sip2Caller(account), async (ctx) => {
    requirePermission(ctx, 'patron.status');
    const proven = input.proof === null ? { patron: null } : await provenPatron(ctx, account, input);
    if (proven.patron) {
      await setPatronStatus(ctx.trx, proven.patron.id, 'blocked', ctx.now.toISOString());
      await endSessionsOf(ctx, 'patron', proven.patron.id);
      await recordAccess(ctx, proven.patron, 'sip2-block', ['registration']);
    }
    return { valid: false, pinValid: null };
  }, undefined);
}

// ── Items ────────────────────────────────────────────────────────────────────────────────────────

/** Where a returned item goes, as a sorter and a kiosk's screen need it: the bin, the alert, the destination. */
export interface Sip2Routing {
  /** 'hold-here' | 'hold-elsewhere' | 'other-branch' | 'shelf'. */
  kind: 'hold-here' | 'hold-elsewhere' | 'other-branch' | 'shelf';
  bin: string;
  /** The branch code the item goes to (a hold's pick-up branch, the item's home). */
  destination: string | null;
  /** The item's home branch code (its permanent location). */
  home: string;
}

/**
 * Check-in at a kiosk, a book drop or a sorter (09): the desk's check-in, as the machine, received at
 * its branch; the answer says which bin the item drops into and where it goes. Never who the trapped
 * hold is for.
 */
export async function sip2Checkin(
  runtime: Runtime,
  account: Sip2Account,
  input: { itemBarcode: string },
): Promise<{ ok: true; result: CheckinResult; routing: Sip2Routing } | { ok: false; problems: { code: string; message: string }[]; title: string | null; home: string | null }> {
  try {
    return await run(runtime, sip2Caller(account), async (ctx) => {
      const result = await checkin(ctx, { itemBarcode: input.itemBarcode, libraryId: account.libraryId });
      const item = await requireItemByBarcode(ctx, input.itemBarcode, account.libraryId);
      const codes = new Map((await listBranches(ctx.trx, account.libraryId)).map((b) => [b.id, b.code]));
      const home = codes.get(item.branchId) ?? '';
      const bins = account.sortBins;
      let routing: Sip2Routing;
      if (result.routing.to === 'hold-shelf') {
        const here = result.routing.pickupBranchId === account.branchId;
        routing = { kind: here ? 'hold-here' : 'hold-elsewhere', bin: here ? bins.holdHere : bins.holdElsewhere, destination: codes.get(result.routing.pickupBranchId) ?? null, home };
      } else if (item.branchId !== account.branchId) routing = { kind: 'other-branch', bin: bins.otherBranch, destination: home, home };
      else routing = { kind: 'shelf', bin: bins.shelf, destination: null, home };
      return { ok: true as const, result, routing };
    }, undefined);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const problems = error.problems.map((p) => ({ code: p.code, message: p.message }));
    // A busy database would keep the item's name waiting as long again: "try again" is answer enough.
    if (problems.some((p) => p.code === ErrorCode.STORAGE_BUSY)) return { ok: false, problems, title: null, home: null };
    // Refused (not on loan, unknown item): nothing changed; the answer still names the item if it exists.
    const known = await sip2ItemInformation(runtime, account, input);
    return { ok: false, problems, title: known?.title ?? null, home: known?.home ?? null };
  }
}

/** SIP2's circulation status of an item (item information, 18). */
export type Sip2CirculationStatus = '01' | '03' | '04' | '08' | '10' | '12' | '13';

/** An item as item information (17) answers it: item-level facts only, never who has it or waits for it. */
export async function sip2ItemInformation(runtime: Runtime, account: Sip2Account, input: { itemBarcode: string }) {
  return run(runtime, sip2Caller(account), async (ctx) => {
    requirePermission(ctx, 'items.read');
    const item = await requireItemByBarcode(ctx, input.itemBarcode, account.libraryId).catch((error: unknown) => {
      if (error instanceof DomainError) return null;
      throw error;
    });
    if (!item) return null;
    const loan = item.status === 'on-loan' ? await loans.findActiveLoanForItem(ctx.trx, item.id) : undefined;
    const ready = item.status === 'on-hold-shelf' ? await holds.findReadyHoldForItem(ctx.trx, item.id) : undefined;
    const queue = await holds.countPendingHoldsForItem(ctx.trx, item.id, item.recordId);
    const home = await findBranch(ctx.trx, account.libraryId, item.branchId);
    const status: Sip2CirculationStatus =
      item.status === 'available' ? '03' : item.status === 'on-loan' ? '04' : item.status === 'on-hold-shelf' ? '08' : item.status === 'lost' ? '12' : item.status === 'missing' ? '13' : '01';
    return { barcode: item.barcode, title: item.title, status, dueAt: loan?.dueAt ?? null, holdQueueLength: queue + (ready ? 1 : 0), pickupBy: ready?.pickupBy ?? null, home: home?.code ?? '', itemType: item.itemType };
  }, undefined);
}

/** What a connection needs of its account's library: the time zone SIP2 dates are written in, names for the status answer. */
export async function sip2Terminal(runtime: Runtime, account: Sip2Account): Promise<{ timeZone: string; libraryName: string; branchCode: string; vendors: VendorRule }> {
  const library = await findLibrary(runtime.db, account.libraryId);
  const branch = await findBranch(runtime.db, account.libraryId, account.branchId);
  return { timeZone: library?.timeZone ?? 'UTC', libraryName: library?.name ?? '', branchCode: branch?.code ?? '', vendors: library ? vendorRuleOf(library.profileId) : DEFAULT_VENDOR_RULE };
}
