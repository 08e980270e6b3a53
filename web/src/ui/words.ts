/**
 * Helpers that the desk and the portal word and compute the same way. Where the two deliberately say
 * something differently to staff and to patrons (a fine's kind, a patron's status), each keeps its own
 * words (staff/words.ts, patron/words.ts).
 */
import { wordFor, type MessageId } from '../i18n';

/**
 * A hold's shelf code, derived from its id exactly as `shelfCode` in src/usecases/hold.usecases.ts does:
 * the slip on the held item carries this code instead of the patron's name, and the hold shelf lists it,
 * so the patron can match their item to it. Keep the two in step.
 */
export function shelfCode(holdId: string): string {
  const hex = holdId.replace(/-/g, '');
  return `${hex.slice(-8, -4)}-${hex.slice(-4)}`.toUpperCase();
}

/** Whether an instant has passed. */
export function isPast(instant: string | null | undefined, now = Date.now()): boolean {
  return !!instant && new Date(instant).getTime() < now;
}

/** The kinds of notice Carrel sends (src/domain/notices.ts NOTICE_KINDS), in words staff and patrons both read. */
export const NOTICE_KIND_WORDS: Readonly<Record<string, MessageId>> = {
  'hold-ready': 'start.notice.kind.holdReady',
  'due-soon': 'start.notice.kind.dueSoon',
  'overdue-1': 'start.notice.kind.overdue1',
  'overdue-2': 'start.notice.kind.overdue2',
  'overdue-3': 'start.notice.kind.overdue3',
  'long-overdue': 'start.notice.kind.longOverdue',
  'card-expiring': 'start.notice.kind.cardExpiring',
  'guardian-overdue': 'start.notice.kind.guardianOverdue',
  'policy-changed': 'start.notice.kind.policyChanged',
  breach: 'start.notice.kind.breach',
  'pin-reset': 'start.notice.kind.pinReset',
};

/** How a notice goes out, in words. */
export const NOTICE_CHANNEL_WORDS: Readonly<Record<string, MessageId>> = {
  email: 'start.notice.channel.email',
  text: 'start.notice.channel.text',
  letter: 'start.notice.channel.letter',
};

/** The languages notices are written in (src/domain/notices.ts NOTICE_LANGUAGES). */
export const NOTICE_LANGUAGE_WORDS: Readonly<Record<string, MessageId>> = {
  en: 'start.notice.language.en',
  es: 'start.notice.language.es',
};


/** A notice kind, channel or language in words (in the page's language); an unknown code as it is. */
export const noticeKindName = (code: string): string => wordFor(NOTICE_KIND_WORDS, code);
export const noticeChannelName = (code: string): string => wordFor(NOTICE_CHANNEL_WORDS, code);
export const noticeLanguageName = (code: string): string => wordFor(NOTICE_LANGUAGE_WORDS, code);
