/**
 * The desk's vocabulary and the few rules it needs before asking Carrel: which purposes a role may name,
 * what a library card looks like, how a typed amount becomes cents. Carrel checks all of them again.
 */

export type LookupPurpose = 'account-service' | 'materials-recovery' | 'fines-collection' | 'violation-review' | 'legal-disclosure';

/**
 * The purposes each staff role may name for a look-up outside a circulation transaction: a copy of
 * ROLE_PURPOSES in src/policy/permissions.ts (CB-A3, RF-10). The server refuses any other
 * (PURPOSE_NOT_ALLOWED); this copy only keeps the select from offering what would be refused.
 */
const ROLE_PURPOSES: Record<string, readonly LookupPurpose[]> = {
  volunteer: [],
  circulation: ['account-service'],
  librarian: ['account-service', 'materials-recovery', 'fines-collection'],
  'branch-manager': ['account-service', 'materials-recovery', 'fines-collection'],
  director: ['account-service', 'materials-recovery', 'fines-collection', 'violation-review', 'legal-disclosure'],
  admin: [],
};

const PURPOSE_ORDER: readonly LookupPurpose[] = ['account-service', 'materials-recovery', 'fines-collection', 'violation-review', 'legal-disclosure'];

export const PURPOSE_LABELS: Record<LookupPurpose, string> = {
  'account-service': 'Account service: the patron asked for help with their account',
  'materials-recovery': 'Materials recovery: getting overdue or lost items back',
  'fines-collection': 'Fines collection: collecting what is owed',
  'violation-review': 'Violation review: a suspected breach of the computer-use policy',
  'legal-disclosure': 'Legal disclosure: answering a legal request the director accepted',
};

/** The purposes any of these roles may name, in the fixed order. */
export function purposesFor(roles: readonly string[]): LookupPurpose[] {
  return PURPOSE_ORDER.filter((purpose) => roles.some((role) => ROLE_PURPOSES[role]?.includes(purpose)));
}

/**
 * Whether a scan is a patron's library card rather than an item: 14 digits, a leading 2 (patron cards,
 * by the Codabar convention) and a Luhn check digit, as src/domain/card-number.ts issues them.
 */
export function looksLikeCard(value: string): boolean {
  if (!/^2\d{13}$/.test(value)) return false;
  let sum = 0;
  const body = value.slice(0, 13);
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10 === Number(value[13]);
}

/** A typed amount such as `2.50` or `3` as cents; undefined when it is not one. */
export function centsOf(text: string): number | undefined {
  const match = /^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return undefined;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
  return cents > 0 ? cents : undefined;
}

const STATUS_LABELS: Record<string, string> = {
  active: 'Active',
  blocked: 'Blocked',
  expired: 'Card expired',
  'card-lost': 'Card reported lost',
  deceased: 'Deceased',
};

/** A patron's status in the desk's words (the portal's patronStatus words some differently, on purpose). */
export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

/** A fine's kind in the desk's words (the portal's fineKind says “Lost item”, not “Lost item charge”). */
const FINE_KINDS: Record<string, string> = { overdue: 'Overdue fine', lost: 'Lost item charge', fee: 'Fee' };

export function fineKind(kind: string): string {
  return FINE_KINDS[kind] ?? kind;
}

/** The last four digits of a card, for the screen (the whole number is on the card in front of you). */
export function cardEnding(card: string): string {
  return `ending ${card.slice(-4)}`;
}

/** Age in whole years on today's date, from a YYYY-MM-DD birth date; undefined when it is not a date. */
export function ageOn(birthDate: string, today = new Date()): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  let age = today.getFullYear() - year;
  if (today.getMonth() + 1 < month || (today.getMonth() + 1 === month && today.getDate() < day)) age--;
  return age;
}
