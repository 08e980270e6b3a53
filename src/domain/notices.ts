/**
 * Notices (issue 17): what the library sends a patron, and the one interface every channel implements.
 * Pure: the kinds, the fields a template may use, the shipped templates in English and Spanish, and the
 * rendering of a template over a notice's fields. Which fields a library's profile allows, and who may
 * be sent what, is policy/notice.policy.ts; the queue is usecases/notice.usecases.ts; the channels
 * (SMTP, the text gateway) are src/notices/.
 */

/** Every kind of notice Carrel sends. */
export const NOTICE_KINDS = [
  'hold-ready',
  'due-soon',
  'overdue-1',
  'overdue-2',
  'overdue-3',
  'long-overdue',
  'card-expiring',
  'guardian-overdue',
  'policy-changed',
  'breach',
  'pin-reset',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/**
 * Mailings (RR-3, RF-8): notices a patron did not ask for by choosing a channel, which carry an
 * unsubscribe link and a List-Unsubscribe header. The breach notice is required by law (RR-6) and is
 * not a mailing: it cannot be unsubscribed from.
 */
export const MAILING_KINDS: readonly NoticeKind[] = ['policy-changed'];

/**
 * Service messages: sent because the patron asked for them just now (a link to reset a forgotten PIN),
 * whatever notice channel they chose, and only by email: a link that sets a PIN goes to no phone (a text
 * is read on a lock screen) and in no letter (it would arrive long after it stopped working).
 */
export const SERVICE_KINDS: readonly NoticeKind[] = ['pin-reset'];

/** How long a PIN-reset link works after it was asked for. */
export const PIN_RESET_MINUTES = 30;

/** The languages notices are written in (a template per kind and language). */
export const NOTICE_LANGUAGES = ['en', 'es'] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

/** How one notice goes out: a message on a channel, or a letter staff print and post. */
export const DELIVERY_CHANNELS = ['email', 'text', 'letter'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

/**
 * A notice's life: queued (waiting for its time or its next try), sent, failed (for good: staff see it
 * and may retry), letter (waiting for staff to post it), posted (staff say they did), cancelled (what it
 * was about ended before it went).
 */
export const NOTICE_STATUSES = ['queued', 'sent', 'failed', 'letter', 'posted', 'cancelled'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** The fields a template may name, as `{{field}}`. */
export const TEMPLATE_FIELDS = [
  'library',
  'portalUrl',
  'count',
  'dueDate',
  'pickupBy',
  'branch',
  'titles',
  'expiresOn',
  'changes',
  'version',
  'breachWhen',
  'breachData',
  'breachActions',
  'unsubscribeUrl',
  'resetUrl',
] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

/** The fields each kind offers its template (beyond them a template is refused at save). */
export const KIND_FIELDS: Record<NoticeKind, readonly TemplateField[]> = {
  'hold-ready': ['library', 'portalUrl', 'count', 'pickupBy', 'branch', 'titles'],
  'due-soon': ['library', 'portalUrl', 'count', 'dueDate', 'titles'],
  'overdue-1': ['library', 'portalUrl', 'count', 'dueDate', 'titles'],
  'overdue-2': ['library', 'portalUrl', 'count', 'dueDate', 'titles'],
  'overdue-3': ['library', 'portalUrl', 'count', 'dueDate', 'titles'],
  'long-overdue': ['library', 'portalUrl', 'count', 'dueDate', 'titles'],
  'card-expiring': ['library', 'portalUrl', 'expiresOn'],
  'guardian-overdue': ['library', 'portalUrl', 'count', 'dueDate'],
  'policy-changed': ['library', 'portalUrl', 'changes', 'version', 'unsubscribeUrl'],
  breach: ['library', 'portalUrl', 'breachWhen', 'breachData', 'breachActions'],
  'pin-reset': ['library', 'portalUrl', 'resetUrl'],
};

/** What a notice's template is filled with (each field a plain string; absent fields render empty). */
export type NoticeFields = Partial<Record<TemplateField, string>>;

/** A template: a subject and a plain-text body (texts use the body only). */
export interface NoticeTemplate {
  subject: string;
  body: string;
}

/** Plain text only: a notice is never HTML, so no field can inject markup or a remote image. */
const FIELD = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** The fields a template names, in order of first use. */
export function templateFieldsUsed(template: NoticeTemplate): string[] {
  const used = new Set<string>();
  for (const text of [template.subject, template.body]) for (const match of text.matchAll(FIELD)) used.add(match[1] as string);
  return [...used];
}

/** Fills a template's fields. A field without a value renders as nothing; no other syntax exists. */
export function renderTemplate(template: NoticeTemplate, fields: NoticeFields): NoticeTemplate {
  const fill = (text: string) => text.replace(FIELD, (_all, name: string) => fields[name as TemplateField] ?? '');
  // A subject is one line: a field can never add a header.
  return { subject: fill(template.subject).replace(/[\r\n]+/g, ' ').trim(), body: fill(template.body) };
}

/** What one outgoing message is, as a channel receives it. The text is never stored. */
export interface OutgoingMessage {
  /** The notice's id (the email's Message-ID and the gateway's idempotency key). */
  noticeId: string;
  channel: 'email' | 'text';
  /** An email address or a phone number, opened from the vault for this message only. */
  to: string;
  subject: string;
  body: string;
  /** Extra headers (email only): List-Unsubscribe and List-Unsubscribe-Post on mailings. */
  headers: Record<string, string>;
  language: NoticeLanguage;
}

/**
 * How a send ended: `sent` (the server accepted it), `retry` (a temporary failure: try again later),
 * `failed` (a permanent refusal: staff see it). `code` is a short stable word (SMTP reply code, HTTP
 * status), never the recipient or the text.
 */
export type DeliveryResult = { status: 'sent' } | { status: 'retry'; code: string } | { status: 'failed'; code: string };

/** One channel: SMTP, the text-message webhook, an email-to-text gateway. */
export interface NoticeChannel {
  send(message: OutgoingMessage): Promise<DeliveryResult>;
  close?(): Promise<void>;
}

/** The channels an installation has configured (a channel left out: its notices wait, counted as not configured). */
export interface NoticeChannels {
  email?: NoticeChannel;
  text?: NoticeChannel;
}

/** The library's notice settings, which its administrator edits (defaults below). */
export interface NoticeSettings {
  /** Due-soon notices this many days before the due date (0: none). */
  dueSoonDays: number;
  /** Overdue notices at these days past the due date (the first, second and third; fewer is fine). */
  overdueDays: number[];
  /** Card-expiring notices this many days before the card expires (CB-F2; 0: none). */
  cardExpiringDays: number;
  /** The From address of the library's email, and its portal's address for links. */
  fromAddress: string | null;
  portalUrl: string | null;
  /** The language of a patron who has not chosen one. */
  defaultLanguage: NoticeLanguage;
}

export const DEFAULT_NOTICE_SETTINGS: NoticeSettings = {
  dueSoonDays: 3,
  overdueDays: [1, 8, 15],
  cardExpiringDays: 30,
  fromAddress: null,
  portalUrl: null,
  defaultLanguage: 'en',
};

/** Problems with notice settings (each field checked on its own). */
export function noticeSettingsProblems(settings: Partial<NoticeSettings>): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const days = (n: unknown) => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 365;
  if (settings.dueSoonDays !== undefined && !days(settings.dueSoonDays)) problems.push({ field: 'dueSoonDays', message: 'Days before the due date are a whole number from 0 to 365.' });
  if (settings.cardExpiringDays !== undefined && !days(settings.cardExpiringDays)) problems.push({ field: 'cardExpiringDays', message: 'Days before a card expires are a whole number from 0 to 365.' });
  if (settings.overdueDays !== undefined) {
    const list = settings.overdueDays;
    if (!Array.isArray(list) || list.length > 3 || !list.every((d) => Number.isInteger(d) && d >= 1 && d <= 365) || list.some((d, i) => i > 0 && d <= (list[i - 1] as number)))
      problems.push({ field: 'overdueDays', message: 'Overdue notices are up to three days after the due date, each later than the one before (1 to 365).' });
  }
  if (settings.fromAddress !== undefined && settings.fromAddress !== null && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(settings.fromAddress))
    problems.push({ field: 'fromAddress', message: 'The From address is an email address such as notices@library.example.' });
  if (settings.portalUrl !== undefined && settings.portalUrl !== null && !/^https?:\/\/[^\s]+$/.test(settings.portalUrl))
    problems.push({ field: 'portalUrl', message: 'The portal address starts with https:// (or http://).' });
  if (settings.defaultLanguage !== undefined && !(NOTICE_LANGUAGES as readonly string[]).includes(settings.defaultLanguage))
    problems.push({ field: 'defaultLanguage', message: `The language is one of ${NOTICE_LANGUAGES.join(', ')}.` });
  return problems;
}

/** The shipped templates: minimal by default (no titles; the profile may allow them, the library add them). */
export const DEFAULT_TEMPLATES: Record<NoticeLanguage, Record<NoticeKind, NoticeTemplate>> = {
  en: {
    'hold-ready': {
      subject: '{{library}}: a hold is ready for you',
      body: 'A hold of yours is ready to pick up at {{branch}}. Please collect it by {{pickupBy}}.\n\nSee your account: {{portalUrl}}\n',
    },
    'due-soon': {
      subject: '{{library}}: items due soon',
      body: '{{count}} item(s) on your card are due on {{dueDate}}. You can renew them from your account.\n\n{{portalUrl}}\n',
    },
    'overdue-1': {
      subject: '{{library}}: overdue items',
      body: '{{count}} item(s) on your card were due on {{dueDate}}. Please return or renew them.\n\n{{portalUrl}}\n',
    },
    'overdue-2': {
      subject: '{{library}}: second notice of overdue items',
      body: 'This is a second notice: {{count}} item(s) on your card were due on {{dueDate}}. Please return them.\n\n{{portalUrl}}\n',
    },
    'overdue-3': {
      subject: '{{library}}: final notice of overdue items',
      body: 'Final notice: {{count}} item(s) on your card were due on {{dueDate}}. Items not returned will be billed as lost.\n\n{{portalUrl}}\n',
    },
    'long-overdue': {
      subject: '{{library}}: items billed as lost',
      body: '{{count}} item(s) on your card, due on {{dueDate}}, are now billed as lost. Returning them may clear the charge.\n\n{{portalUrl}}\n',
    },
    'card-expiring': {
      subject: '{{library}}: your library card expires soon',
      body: 'Your library card expires on {{expiresOn}}. Renew it at any branch or from your account.\n\n{{portalUrl}}\n',
    },
    'guardian-overdue': {
      subject: '{{library}}: overdue items on a child’s card',
      body: 'A card you are the guardian of has {{count}} overdue or lost item(s), due on {{dueDate}}.\n\n{{portalUrl}}\n',
    },
    'policy-changed': {
      subject: '{{library}}: our privacy policy has changed',
      body: 'Our privacy policy has changed (version {{version}}). What changed:\n{{changes}}\n\nRead the policy: {{portalUrl}}\n\nTo stop these messages: {{unsubscribeUrl}}\n',
    },
    breach: {
      subject: '{{library}}: a security incident affecting your records',
      body: 'We are writing to tell you of a security incident on {{breachWhen}} that affected your records: {{breachData}}.\n\nWhat we are doing: {{breachActions}}\n\nQuestions: {{portalUrl}}\n',
    },
    'pin-reset': {
      subject: '{{library}}: reset your PIN',
      body: 'Someone asked to reset the PIN of your library card. To choose a new PIN, open this link within 30 minutes:\n\n{{resetUrl}}\n\nThe link works once. If you did not ask, ignore this message: your PIN is unchanged.\n',
    },
  },
  es: {
    'hold-ready': {
      subject: '{{library}}: tiene una reserva lista',
      body: 'Una de sus reservas está lista para recoger en {{branch}}. Recójala antes del {{pickupBy}}.\n\nVea su cuenta: {{portalUrl}}\n',
    },
    'due-soon': {
      subject: '{{library}}: préstamos que vencen pronto',
      body: '{{count}} préstamo(s) de su tarjeta vencen el {{dueDate}}. Puede renovarlos desde su cuenta.\n\n{{portalUrl}}\n',
    },
    'overdue-1': {
      subject: '{{library}}: préstamos vencidos',
      body: '{{count}} préstamo(s) de su tarjeta vencieron el {{dueDate}}. Por favor, devuélvalos o renuévelos.\n\n{{portalUrl}}\n',
    },
    'overdue-2': {
      subject: '{{library}}: segundo aviso de préstamos vencidos',
      body: 'Segundo aviso: {{count}} préstamo(s) de su tarjeta vencieron el {{dueDate}}. Por favor, devuélvalos.\n\n{{portalUrl}}\n',
    },
    'overdue-3': {
      subject: '{{library}}: último aviso de préstamos vencidos',
      body: 'Último aviso: {{count}} préstamo(s) de su tarjeta vencieron el {{dueDate}}. Los que no se devuelvan se cobrarán como perdidos.\n\n{{portalUrl}}\n',
    },
    'long-overdue': {
      subject: '{{library}}: préstamos cobrados como perdidos',
      body: '{{count}} préstamo(s) de su tarjeta, vencidos el {{dueDate}}, se cobran ahora como perdidos. Devolverlos puede anular el cargo.\n\n{{portalUrl}}\n',
    },
    'card-expiring': {
      subject: '{{library}}: su tarjeta de biblioteca vence pronto',
      body: 'Su tarjeta de biblioteca vence el {{expiresOn}}. Renuévela en cualquier sucursal o desde su cuenta.\n\n{{portalUrl}}\n',
    },
    'guardian-overdue': {
      subject: '{{library}}: préstamos vencidos en la tarjeta de un menor',
      body: 'Una tarjeta de la que usted es tutor tiene {{count}} préstamo(s) vencidos o perdidos, con vencimiento el {{dueDate}}.\n\n{{portalUrl}}\n',
    },
    'policy-changed': {
      subject: '{{library}}: nuestra política de privacidad ha cambiado',
      body: 'Nuestra política de privacidad ha cambiado (versión {{version}}). Qué cambió:\n{{changes}}\n\nLea la política: {{portalUrl}}\n\nPara dejar de recibir estos mensajes: {{unsubscribeUrl}}\n',
    },
    breach: {
      subject: '{{library}}: un incidente de seguridad que afecta a sus datos',
      body: 'Le informamos de un incidente de seguridad ocurrido el {{breachWhen}} que afectó a sus datos: {{breachData}}.\n\nLo que estamos haciendo: {{breachActions}}\n\nPreguntas: {{portalUrl}}\n',
    },
    'pin-reset': {
      subject: '{{library}}: restablecer su PIN',
      body: 'Alguien pidió restablecer el PIN de su tarjeta de biblioteca. Para elegir un PIN nuevo, abra este enlace en los próximos 30 minutos:\n\n{{resetUrl}}\n\nEl enlace sirve una sola vez. Si usted no lo pidió, ignore este mensaje: su PIN no ha cambiado.\n',
    },
  },
};
