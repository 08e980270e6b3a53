/**
 * SIP2 accounts, kept by the library's administrators: one per self-check kiosk, RFID pad, sorter or
 * authentication client (EZproxy, PC booking, an e-content vendor). Each change enters the library's
 * chain of the access log with who made it. What an account may send and learn is bounded by its kind
 * and the library's profile (policy/sip2-disclosure.policy.ts).
 */
import { isIP } from 'node:net';
import { ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import {
  DEFAULT_SORT_BINS,
  SIP2_ACCOUNT_KINDS,
  SIP2_CHARSETS,
  SIP2_PATRON_FIELDS,
  type Sip2Account,
  type Sip2AccountKind,
  type Sip2AccountSettings,
  type Sip2Charset,
  type Sip2PatronField,
  type Sip2RequestCode,
  type Sip2SortBins,
} from '../domain/sip2.js';
import { DEFAULT_FIELDS, DEFAULT_VENDOR_RULE, KIND_FIELDS, KIND_MESSAGES, settingsBeyondKind, type VendorRule } from '../policy/sip2-disclosure.policy.js';
import { profiles } from '../profile/profiles.js';
import { isUniqueViolation } from '../storage/errors.js';
import { findBranch } from '../storage/library.repository.js';
import * as accounts from '../storage/sip2-account.repository.js';
import { generatePassword, hashSecret } from '../vault/secrets.js';
import { requirePermission } from './authorization.js';
import { newId, recordLibraryChange, type Context } from './context.js';
import { requireLibrary } from './library-access.js';

/** An account as administrators see it: never its password hash. */
export type Sip2AccountView = Sip2Account;

/** Settings a request may give; each left out keeps its value (or, for a new account, the kind's default). */
export interface Sip2SettingsInput {
  allowedCidrs?: string[] | undefined;
  messages?: string[] | undefined;
  patronFields?: string[] | undefined;
  charset?: string | undefined;
  requireErrorDetection?: boolean | undefined;
  pinRequired?: boolean | undefined;
  sortBins?: Partial<Sip2SortBins> | undefined;
}

export interface CreateSip2AccountInput extends Sip2SettingsInput {
  libraryId: string;
  /** The branch the machine stands in, by id or code. */
  branch: string;
  name: string;
  kind: string;
  /** The login id (CN); the name made into one when left out. */
  loginId?: string | undefined;
}

const LOGIN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;
/** Loopback only until the library says where its machines are. */
const DEFAULT_CIDRS = ['127.0.0.1/32', '::1/128'];

/** The vendor rule of a library's profile (`access.vendors`; the strictest reading when it says nothing). */
export function vendorRuleOf(profileId: string): VendorRule {
  return profiles().get(profileId).access.vendors ?? DEFAULT_VENDOR_RULE;
}

/** A CIDR block (`10.2.0.0/16`, `192.0.2.7`, `2001:db8::/32`), normalised with its prefix; null when it is not one. */
export function normaliseCidr(text: string): string | null {
  const [address, prefix, ...rest] = text.trim().split('/');
  if (rest.length > 0 || address === undefined) return null;
  const family = isIP(address);
  if (family === 0) return null;
  const max = family === 4 ? 32 : 128;
  if (prefix === undefined) return `${address}/${max}`;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return null;
  return `${address}/${Number(prefix)}`;
}

/** The settings a request asks for, checked against the kind and the profile; every problem at once. */
function settingsFrom(kind: Sip2AccountKind, base: Sip2AccountSettings, input: Sip2SettingsInput, vendors: VendorRule): Sip2AccountSettings {
  const problems: Problem[] = [];
  const cidrs = (input.allowedCidrs ?? base.allowedCidrs).map((c) => ({ given: c, cidr: normaliseCidr(c) }));
  for (const c of cidrs.filter((c) => c.cidr === null))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `"${c.given.slice(0, 60)}" is not an address or CIDR block.`, field: 'allowedCidrs' });
  if (cidrs.length === 0) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'An account needs at least one address it may connect from.', field: 'allowedCidrs' });
  const messages = [...new Set(input.messages ?? base.messages)];
  const fields = [...new Set(input.patronFields ?? base.patronFields)];
  for (const f of fields.filter((f) => !(SIP2_PATRON_FIELDS as readonly string[]).includes(f)))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `"${f.slice(0, 40)}" is not a patron field (${SIP2_PATRON_FIELDS.join(', ')}).`, field: 'patronFields' });
  for (const m of messages.filter((m) => !/^\d\d$/.test(m)))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `"${m.slice(0, 40)}" is not a SIP2 message code.`, field: 'messages' });
  const known = fields.filter((f): f is Sip2PatronField => (SIP2_PATRON_FIELDS as readonly string[]).includes(f));
  for (const b of settingsBeyondKind(kind, { messages: messages.filter((m) => /^\d\d$/.test(m)), patronFields: known }, vendors))
    problems.push({
      code: ErrorCode.SIP2_SETTING_NOT_ALLOWED,
      message: b.field === 'messages' ? `A ${kind} account may not send message ${b.value} (${b.clause}).` : `A ${kind} account may not receive ${b.value} (${b.clause}).`,
      field: b.field,
    });
  const charset = input.charset ?? base.charset;
  if (!(SIP2_CHARSETS as readonly string[]).includes(charset)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `The character set is one of ${SIP2_CHARSETS.join(', ')}.`, field: 'charset' });
  const sortBins = { ...base.sortBins, ...(input.sortBins ?? {}) };
  for (const [bin, value] of Object.entries(sortBins))
    if (typeof value !== 'string' || !/^[A-Za-z0-9]{1,8}$/.test(value))
      problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `The ${bin} sort bin is 1 to 8 letters or digits.`, field: 'sortBins' });
  refuseAll(problems);
  return {
    allowedCidrs: [...new Set(cidrs.map((c) => c.cidr as string))],
    messages: messages as Sip2RequestCode[],
    patronFields: known,
    charset: charset as Sip2Charset,
    requireErrorDetection: input.requireErrorDetection ?? base.requireErrorDetection,
    pinRequired: input.pinRequired ?? base.pinRequired,
    sortBins,
  };
}

/** The settings a new account of a kind starts with: loopback only, everything its kind may, minimal fields. */
export function defaultSettings(kind: Sip2AccountKind): Sip2AccountSettings {
  return {
    allowedCidrs: DEFAULT_CIDRS,
    messages: [...KIND_MESSAGES[kind]],
    patronFields: [...DEFAULT_FIELDS[kind]],
    charset: 'utf-8',
    requireErrorDetection: false,
    pinRequired: true,
    sortBins: DEFAULT_SORT_BINS,
  };
}

async function requireAccount(ctx: Context, libraryId: string, ref: { id?: string | undefined; name?: string | undefined }): Promise<Sip2Account> {
  const found = ref.id !== undefined ? await accounts.findSip2Account(ctx.trx, ref.id) : await accounts.findSip2AccountByName(ctx.trx, libraryId, ref.name ?? '');
  if (!found || found.libraryId !== libraryId) throw refuse(ErrorCode.SIP2_ACCOUNT_NOT_FOUND, 'No SIP2 account with that id or name in the library.', ref.id !== undefined ? 'id' : 'name');
  return found;
}

async function requireBranchOf(ctx: Context, libraryId: string, branch: string) {
  const found = await findBranch(ctx.trx, libraryId, branch);
  if (!found) throw refuse(ErrorCode.BRANCH_NOT_FOUND, 'The library has no branch with that id or code.', 'branch');
  return found;
}

/** A library's SIP2 accounts, by name, without password hashes. */
export async function listSip2Accounts(ctx: Context, input: { libraryId: string }): Promise<Sip2AccountView[]> {
  requirePermission(ctx, 'library.administer');
  const library = await requireLibrary(ctx, input.libraryId);
  return accounts.listSip2Accounts(ctx.trx, library.id);
}

/** What accounts of a kind may send and receive at a library: the kind's ceiling, less what the profile withholds. */
export interface Sip2KindBounds {
  /** The requests an account of the kind may be allowed to send. */
  messages: Sip2RequestCode[];
  /** The patron fields it may be allowed to receive under the library's profile. */
  fields: Sip2PatronField[];
  /** What a new account of the kind receives unless the library chooses otherwise. */
  defaultFields: Sip2PatronField[];
  /** The clause that bounds it: CB-G2 for kiosks and sorters, RF-6 for authentication clients. */
  clause: string;
}

/** The bounds of every kind at a library, for a form that offers only what may be chosen. */
function kindBounds(vendors: VendorRule): Record<Sip2AccountKind, Sip2KindBounds> {
  const bounds = (kind: Sip2AccountKind): Sip2KindBounds => ({
    messages: [...KIND_MESSAGES[kind]],
    fields: KIND_FIELDS[kind].filter((f) => settingsBeyondKind(kind, { messages: [], patronFields: [f] }, vendors).length === 0),
    defaultFields: [...DEFAULT_FIELDS[kind]],
    clause: kind === 'authentication' ? 'RF-6' : 'CB-G2',
  });
  return Object.fromEntries(SIP2_ACCOUNT_KINDS.map((k) => [k, bounds(k)])) as Record<Sip2AccountKind, Sip2KindBounds>;
}

/**
 * A library's SIP2 accounts with what each kind may send and receive there (the office's page offers
 * only those choices; the use cases refuse anything beyond them all the same).
 */
export async function listSip2AccountsWithBounds(ctx: Context, input: { libraryId: string }): Promise<{ accounts: Sip2AccountView[]; kinds: Record<Sip2AccountKind, Sip2KindBounds> }> {
  requirePermission(ctx, 'library.administer');
  const library = await requireLibrary(ctx, input.libraryId);
  return { accounts: await accounts.listSip2Accounts(ctx.trx, library.id), kinds: kindBounds(vendorRuleOf(library.profileId)) };
}

/**
 * Adds an account with a generated password, returned once (no machine gets a chosen or default
 * password). Its settings start from its kind's minimal defaults and may narrow them; anything beyond
 * the kind, or a vendor attribute the profile does not allow, is refused with the clause.
 */
export async function createSip2Account(ctx: Context, input: CreateSip2AccountInput): Promise<{ account: Sip2AccountView; password: string }> {
  requirePermission(ctx, 'library.administer');
  const library = await requireLibrary(ctx, input.libraryId);
  const problems: Problem[] = [];
  if (!(SIP2_ACCOUNT_KINDS as readonly string[]).includes(input.kind))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `The kind is one of ${SIP2_ACCOUNT_KINDS.join(', ')}.`, field: 'kind' });
  const name = (input.name ?? '').trim();
  if (name.length < 1 || name.length > 80 || /[|\r\n\t]/.test(name)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A name is 1 to 80 characters, on one line, without "|".', field: 'name' });
  const loginId = input.loginId ?? name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  if (!LOGIN_ID.test(loginId)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A login id is 2 to 64 letters, digits, dots, hyphens or underscores.', field: 'loginId' });
  refuseAll(problems);
  const kind = input.kind as Sip2AccountKind;
  const branch = await requireBranchOf(ctx, library.id, input.branch);
  const settings = settingsFrom(kind, defaultSettings(kind), input, vendorRuleOf(library.profileId));
  const account: Sip2Account = { ...settings, id: newId(), libraryId: library.id, branchId: branch.id, name, loginId, kind, disabled: false, createdAt: ctx.now.toISOString() };
  const password = generatePassword();
  try {
    await accounts.insertSip2Account(ctx.trx, account, await hashSecret(password));
  } catch (error) {
    if (isUniqueViolation(error)) throw refuse(ErrorCode.SIP2_ACCOUNT_EXISTS, 'That login id or name is taken.', 'loginId');
    throw error;
  }
  await recordLibraryChange(ctx, library.id, `sip2-account.create:${account.id}`);
  return { account, password };
}

/** Changes an account's settings or branch; the same bounds as at creation. */
export async function updateSip2Account(
  ctx: Context,
  input: Sip2SettingsInput & { libraryId: string; id?: string | undefined; name?: string | undefined; branch?: string | undefined },
): Promise<Sip2AccountView> {
  requirePermission(ctx, 'library.administer');
  const library = await requireLibrary(ctx, input.libraryId);
  const account = await requireAccount(ctx, library.id, input);
  const branch = input.branch === undefined ? { id: account.branchId } : await requireBranchOf(ctx, library.id, input.branch);
  const settings = settingsFrom(account.kind, account, input, vendorRuleOf(library.profileId));
  await accounts.setSip2Settings(ctx.trx, account.id, settings, branch.id);
  await recordLibraryChange(ctx, library.id, `sip2-account.update:${account.id}`);
  return { ...account, ...settings, branchId: branch.id };
}

/** Disables an account: its next login is refused, and a running server drops its connections at their next message. */
export async function disableSip2Account(ctx: Context, input: { libraryId: string; id?: string | undefined; name?: string | undefined }): Promise<Sip2AccountView> {
  requirePermission(ctx, 'library.administer');
  const library = await requireLibrary(ctx, input.libraryId);
  const account = await requireAccount(ctx, library.id, input);
  if (!account.disabled) {
    await accounts.setSip2Disabled(ctx.trx, account.id, true);
    await recordLibraryChange(ctx, library.id, `sip2-account.disable:${account.id}`);
  }
  return { ...account, disabled: true };
}

/** Lets a disabled account log in again. */
export async function enableSip2Account(ctx: Context, input: { libraryId: string; id?: string | undefined; name?: string | undefined }): Promise<Sip2AccountView> {
  requirePermission(ctx, 'library.administer');
  const library = await requireLibrary(ctx, input.libraryId);
  const account = await requireAccount(ctx, library.id, input);
  if (account.disabled) {
    await accounts.setSip2Disabled(ctx.trx, account.id, false);
    await recordLibraryChange(ctx, library.id, `sip2-account.enable:${account.id}`);
  }
  return { ...account, disabled: false };
}

/** A new generated password for an account, returned once (the old one stops working). */
export async function resetSip2Password(ctx: Context, input: { libraryId: string; id?: string | undefined; name?: string | undefined }) {
  requirePermission(ctx, 'library.administer');
  const library = await requireLibrary(ctx, input.libraryId);
  const account = await requireAccount(ctx, library.id, input);
  const password = generatePassword();
  await accounts.setSip2Password(ctx.trx, account.id, await hashSecret(password));
  await recordLibraryChange(ctx, library.id, `sip2-account.reset-password:${account.id}`);
  return { account, password };
}
