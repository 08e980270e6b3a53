/**
 * The desk's vocabulary and the few rules it needs before asking Carrel: the words for each look-up
 * purpose (which ones the session may name comes from Carrel's session answer), what a library card looks
 * like, how a typed amount becomes cents. Carrel checks all of them again.
 */
import type { LookupPurpose } from '../../../src/domain/purposes';
import { t, wordsOf, type MessageId } from '../i18n';

export type { LookupPurpose };

/** The words for each look-up purpose, in the page's language (read when shown, so a switch of language follows). */
export const PURPOSE_LABELS: Readonly<Record<LookupPurpose, string>> = wordsOf<LookupPurpose>({
  'account-service': 'vocab.desk.purpose.accountService',
  'materials-recovery': 'vocab.desk.purpose.materialsRecovery',
  'fines-collection': 'vocab.desk.purpose.finesCollection',
  'violation-review': 'vocab.desk.purpose.violationReview',
  'legal-disclosure': 'vocab.desk.purpose.legalDisclosure',
});

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

const STATUS_LABELS: Record<string, MessageId> = {
  'active': 'vocab.desk.status.active',
  'blocked': 'vocab.desk.status.blocked',
  'expired': 'vocab.desk.status.expired',
  'card-lost': 'vocab.desk.status.cardLost',
  'deceased': 'vocab.desk.status.deceased',
};

/** A patron's status in the desk's words (the portal's patronStatus words some differently, on purpose). */
export function statusLabel(status: string): string {
  const id = STATUS_LABELS[status];
  return id ? t(id) : status;
}

/** A fine's kind in the desk's words (the portal's fineKind says “Lost item”, not “Lost item charge”). */
const FINE_KINDS: Record<string, MessageId> = {
  overdue: 'vocab.desk.fine.overdue',
  lost: 'vocab.desk.fine.lost',
  fee: 'vocab.desk.fine.fee',
};

export function fineKind(kind: string): string {
  const id = FINE_KINDS[kind];
  return id ? t(id) : kind;
}

/** The last four digits of a card, for the screen (the whole number is on the card in front of you). */
export function cardEnding(card: string): string {
  return t('vocab.desk.cardEnding', { digits: card.slice(-4) });
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
