/**
 * Helpers that the desk and the portal word and compute the same way. Where the two deliberately say
 * something differently to staff and to patrons (a fine's kind, a patron's status), each keeps its own
 * words (staff/words.ts, patron/words.ts).
 */

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
export const NOTICE_KIND_WORDS: Record<string, string> = {
  'hold-ready': 'Hold ready to pick up',
  'due-soon': 'Items due soon',
  'overdue-1': 'Overdue items (first notice)',
  'overdue-2': 'Overdue items (second notice)',
  'overdue-3': 'Overdue items (final notice)',
  'long-overdue': 'Items billed as lost',
  'card-expiring': 'Library card expiring',
  'guardian-overdue': 'Overdue items on a child’s card',
  'policy-changed': 'Privacy policy changed',
  breach: 'Security incident affecting records',
  'pin-reset': 'Link to reset a forgotten PIN',
};

/** How a notice goes out, in words. */
export const NOTICE_CHANNEL_WORDS: Record<string, string> = { email: 'Email', text: 'Text message', letter: 'Letter by post' };

/** The languages notices are written in (src/domain/notices.ts NOTICE_LANGUAGES), each in its own words. */
export const NOTICE_LANGUAGE_WORDS: Record<string, string> = { en: 'English', es: 'Español' };

/** A notice kind, channel or language in words; an unknown code as it is. */
export const noticeKindName = (code: string): string => NOTICE_KIND_WORDS[code] ?? code;
export const noticeChannelName = (code: string): string => NOTICE_CHANNEL_WORDS[code] ?? code;
export const noticeLanguageName = (code: string): string => NOTICE_LANGUAGE_WORDS[code] ?? code;
