/**
 * The few rules the desk needs before asking Carrel (what a library card looks like, how a typed amount
 * becomes cents, a patron's age; Carrel checks all of them again) and the words its pages share.
 */
import type { LookupPurpose } from '../../../src/domain/purposes';
import { wordFor, type MessageId } from '../i18n';

export type { LookupPurpose };

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

/** Age in whole years on today's date, from a YYYY-MM-DD birth date; undefined when it is not a date. */
export function ageOn(birthDate: string, today = new Date()): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  let age = today.getFullYear() - year;
  if (today.getMonth() + 1 < month || (today.getMonth() + 1 === month && today.getDate() < day)) age--;
  return age;
}

/** A patron's status in the desk's words (the portal words some differently, on purpose). */
const STATUS_WORDS: Readonly<Record<string, MessageId>> = {
  active: 'deskpages.standing.status.active',
  blocked: 'deskpages.standing.status.blocked',
  expired: 'deskpages.standing.status.expired',
  'card-lost': 'deskpages.standing.status.cardLost',
  deceased: 'deskpages.standing.status.deceased',
};

export function statusLabel(status: string): string {
  return wordFor(STATUS_WORDS, status);
}
