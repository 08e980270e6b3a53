/**
 * What a notice may say and who gets it (issue 17), pure over the library's profile:
 * - the fields a template may name (JC-VI: minimal by default; `notices.titles` lets titles in),
 * - the channels one notice goes on, from the recipient's own choice (JC-VI): nothing on a channel the
 *   patron did not choose, except the breach notice the law requires (RR-6), which becomes a letter for
 *   a patron who chose none, and policy-change mailings to every patron with an email (RR-10) unless
 *   they unsubscribed (RR-3, RF-8), and service messages the patron just asked for (a PIN-reset link)
 *   by email only, to a patron with an email address, whatever channel they chose,
 * - whether a guardian is told of a minor's overdue or lost items (RR-8, IF-7): only where the profile
 *   lets a guardian see overdue items without the child's card; overdue notices go to no one else (CB-B3),
 * - how long the proof of a sent notice is kept.
 */
import { KIND_FIELDS, MAILING_KINDS, SERVICE_KINDS, TEMPLATE_FIELDS, type DeliveryChannel, type NoticeKind, type TemplateField } from '../domain/notices.js';
import type { DaysRule, Profile } from '../domain/profile.js';

/** When a profile is silent: ninety days, long enough to answer "was I told?" about an item billed as lost. */
export const DEFAULT_NOTICE_RETENTION: DaysRule = {
  days: 90,
  clause: 'JC-VI',
  note: 'Not stated: ninety days after a notice ends, enough to answer whether a patron was told before an item was billed as lost; only the kind, channel, time and status are kept.',
};

/** How long the proof of a notice is kept after it ended (sent, failed, posted, cancelled). */
export function noticeRetention(profile: Pick<Profile, 'retention'>): DaysRule {
  return profile.retention.notices ?? DEFAULT_NOTICE_RETENTION;
}

/** Whether notices may name titles (the profile's `notices.titles`; silent: no). */
export function titlesAllowed(profile: Pick<Profile, 'notices'>): boolean {
  return profile.notices?.titles === true;
}

/** A field a template may not use, and why. */
export interface FieldProblem {
  field: string;
  reason: 'unknown-field' | 'not-for-this-kind' | 'forbidden-by-profile';
  clause?: string;
}

/** The fields of a template the profile or the kind does not allow (empty: the template may be saved). */
export function templateFieldProblems(kind: NoticeKind, used: readonly string[], profile: Pick<Profile, 'notices'>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of used) {
    if (!(TEMPLATE_FIELDS as readonly string[]).includes(field)) problems.push({ field, reason: 'unknown-field' });
    else if (!KIND_FIELDS[kind].includes(field as TemplateField)) problems.push({ field, reason: 'not-for-this-kind' });
    else if (field === 'titles' && !titlesAllowed(profile)) problems.push({ field, reason: 'forbidden-by-profile', clause: profile.notices?.clause ?? 'JC-VI' });
  }
  return problems;
}

/** Whether a guardian is told of a minor's overdue or lost items under this profile (RR-8, IF-7). */
export function guardianNoticesAllowed(profile: Pick<Profile, 'access'>): boolean {
  return profile.access.guardians.withoutChildCard === 'overdue-and-fines';
}

/** What the recipient chose and has, as the channel rule reads it. */
export interface RecipientChoice {
  /** The patron's notice channel: 'none', 'email', 'text' or 'both'. */
  channel: string;
  /** Unsubscribed from mailings. */
  mailingsOff: boolean;
  /** An email address is on file (for mailings, which go by email to everyone who gave one, RR-10). */
  hasEmail: boolean;
}

/** The channels one notice of a kind goes on for a recipient: none, one, or both; a letter for a breach with no channel. */
export function deliveryChannels(kind: NoticeKind, recipient: RecipientChoice): DeliveryChannel[] {
  if (MAILING_KINDS.includes(kind)) return recipient.hasEmail && !recipient.mailingsOff ? ['email'] : [];
  // Asked for a moment ago by whoever holds the card: never a text or a letter (SERVICE_KINDS).
  if (SERVICE_KINDS.includes(kind)) return recipient.hasEmail ? ['email'] : [];
  const chosen: DeliveryChannel[] = recipient.channel === 'both' ? ['email', 'text'] : recipient.channel === 'email' || recipient.channel === 'text' ? [recipient.channel] : [];
  if (kind === 'breach' && chosen.length === 0) return ['letter'];
  return chosen;
}

/** Whether a kind is a mailing (carries an unsubscribe link and the List-Unsubscribe header). */
export function isMailing(kind: NoticeKind): boolean {
  return MAILING_KINDS.includes(kind);
}

/**
 * How long to wait before the next try after `attempts` temporary failures (1, 5, 30 minutes, 2 and
 * 6 hours), or null when the notice has been tried enough and fails for good.
 */
export function retryDelayMs(attempts: number): number | null {
  const minutes = [1, 5, 30, 120, 360][attempts];
  return minutes === undefined ? null : minutes * 60_000;
}
