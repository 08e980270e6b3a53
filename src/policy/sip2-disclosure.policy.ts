/**
 * What a machine speaking SIP2 may send and learn. Self-check kiosks and RFID pads retain no patron
 * circulation data (CB-G2); e-content vendors and other authentication clients learn only that the user
 * is a registered patron (RF-6), get restricted access (CB-D, IF-9) and are never a way to track
 * e-resource use (RR-4, IF-4). Each response field about a patron passes `mayDisclose`.
 */
import type { Permission } from '../domain/roles.js';
import {
  SIP2_IMPLEMENTED,
  type Sip2Account,
  type Sip2AccountKind,
  type Sip2PatronField,
  type Sip2RequestCode,
} from '../domain/sip2.js';

/** The vendor attributes a library's profile lets an authentication account receive (`access.vendors`). */
export interface VendorRule {
  /** 'none': only the fact of a valid patron (RF-6); otherwise category and age band may be given on request. */
  attributes: 'none' | 'category-or-age-band';
  clause: string;
}

/** Strictest reading when a profile says nothing: a vendor learns only that the patron is valid. */
export const DEFAULT_VENDOR_RULE: VendorRule = { attributes: 'none', clause: 'RF-6' };

/** Requests every account may send: they say nothing about anyone. */
const SESSION_MESSAGES: readonly Sip2RequestCode[] = ['93', '99', '97'];

/** The requests each kind may ever send; an account's own list is within it. */
export const KIND_MESSAGES: Record<Sip2AccountKind, readonly Sip2RequestCode[]> = {
  'self-check': SIP2_IMPLEMENTED,
  // Item-level only: a sorter checks items in and asks about them, never about a patron.
  sorter: [...SESSION_MESSAGES, '09', '17'],
  // "Is this a valid patron with this PIN?" and nothing else.
  authentication: [...SESSION_MESSAGES, '23', '63', '35'],
};

/**
 * The patron fields each kind may ever receive. A self-check's screen shows the patron, after a valid
 * PIN, their greeting, counts and current items (CB-G2: the machine keeps none of it); a sorter handles
 * items only; an authentication client gets the validity of the card and PIN and the identifier it sent,
 * and, where the account and the profile allow, the category or an age band (RF-6, CB-D, IF-9).
 */
export const KIND_FIELDS: Record<Sip2AccountKind, readonly Sip2PatronField[]> = {
  'self-check': ['valid-patron', 'valid-pin', 'patron-identifier', 'greeting', 'account-standing', 'counts', 'fees', 'current-loans', 'holds'],
  sorter: [],
  authentication: ['valid-patron', 'valid-pin', 'patron-identifier', 'category', 'age-band'],
};

/** What a new account of each kind receives unless the library chooses less (or, for a vendor, the attributes). */
export const DEFAULT_FIELDS: Record<Sip2AccountKind, readonly Sip2PatronField[]> = {
  'self-check': KIND_FIELDS['self-check'],
  sorter: [],
  authentication: ['valid-patron', 'valid-pin', 'patron-identifier'],
};

/** What each kind may do to the library's records, checked by the use cases like a staff role. */
export const KIND_PERMISSIONS: Record<Sip2AccountKind, readonly Permission[]> = {
  'self-check': ['patron.identify', 'circulation.checkout', 'circulation.checkin', 'circulation.renew', 'holds.place', 'holds.cancel', 'fines.pay', 'items.read', 'patron.status'],
  sorter: ['circulation.checkin', 'items.read'],
  authentication: ['patron.identify'],
};

export type Disclosure = { allowed: true; clause: string } | { allowed: false; clause: string };

/**
 * Whether a response to this account may carry this patron field: the kind's ceiling, then the
 * account's own choice, then (for the category and age band a vendor receives) the library's profile.
 * Contact details, birth date, full name, past loans and a hold's patron never go over SIP2.
 */
export function mayDisclose(account: Pick<Sip2Account, 'kind' | 'patronFields'>, vendors: VendorRule, field: Sip2PatronField): Disclosure {
  const clause = account.kind === 'authentication' ? 'RF-6' : 'CB-G2';
  if (!KIND_FIELDS[account.kind].includes(field)) return { allowed: false, clause };
  if (!account.patronFields.includes(field)) return { allowed: false, clause };
  if (account.kind === 'authentication' && (field === 'category' || field === 'age-band'))
    return vendors.attributes === 'none' ? { allowed: false, clause: vendors.clause } : { allowed: true, clause: vendors.clause };
  return { allowed: true, clause };
}

/** Whether the account may send this request (its own list, within its kind's). */
export function maySend(account: Pick<Sip2Account, 'kind' | 'messages'>, code: string): boolean {
  if ((SESSION_MESSAGES as readonly string[]).includes(code)) return true;
  return (KIND_MESSAGES[account.kind] as readonly string[]).includes(code) && (account.messages as readonly string[]).includes(code);
}

/**
 * The problems with the fields and messages asked for a new or changed account: anything beyond its
 * kind, or a vendor attribute the profile does not allow. Empty when the settings are within bounds.
 */
export function settingsBeyondKind(
  kind: Sip2AccountKind,
  settings: { messages: readonly string[]; patronFields: readonly Sip2PatronField[] },
  vendors: VendorRule,
): { field: 'messages' | 'patronFields'; value: string; clause: string }[] {
  const beyond: { field: 'messages' | 'patronFields'; value: string; clause: string }[] = [];
  for (const code of settings.messages)
    if (!(KIND_MESSAGES[kind] as readonly string[]).includes(code)) beyond.push({ field: 'messages', value: code, clause: kind === 'authentication' ? 'RF-6' : 'CB-G2' });
  for (const field of settings.patronFields) {
    const decision = mayDisclose({ kind, patronFields: [field] }, vendors, field);
    if (!decision.allowed) beyond.push({ field: 'patronFields', value: field, clause: decision.clause });
  }
  return beyond;
}
