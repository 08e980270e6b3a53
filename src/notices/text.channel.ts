import type { DeliveryResult, NoticeChannel, OutgoingMessage } from '../domain/notices.js';

/**
 * The text-message channels (issue 17): a gateway's webhook, or an email-to-text gateway reached
 * through the email channel. Like every channel they deliver one rendered message and answer how it
 * ended, with a code that holds neither the number nor the text.
 */

export interface WebhookTextOptions {
  /** The gateway's https:// address (http:// for one on the same host). */
  url: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
  /** How long one request may take (15 s): past it the gateway is down for now and the notice retried. */
  timeoutMs?: number;
}

/** Statuses that mean "not now" rather than "never": request timeout, too early, too many requests. */
const RETRY_STATUSES = new Set([408, 425, 429]);

/**
 * A text gateway behind a webhook: POSTs `{ to, body, id, language }` as JSON. The notice id is also
 * the Idempotency-Key, so a gateway that saw a send whose answer was lost does not text twice.
 */
export function webhookTextChannel(options: WebhookTextOptions): NoticeChannel {
  // The messages name neither value: the address or the token may hold a secret.
  if (!isWebhookUrl(options.url)) throw new Error('The text webhook address is an https:// (or http://) URL.');
  if (options.token && !isBearerToken(options.token)) throw new Error('The text webhook token is one word of printable characters.');
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    async send(message) {
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'Idempotency-Key': message.noticeId,
      };
      if (options.token) headers.Authorization = `Bearer ${options.token}`;
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ to: message.to, body: message.body, id: message.noticeId, language: message.language }),
          signal: AbortSignal.timeout(timeoutMs),
          // A redirect would carry the token and the number to an address nobody configured.
          redirect: 'manual',
        });
      } catch (error) {
        return { status: 'retry', code: isTimeout(error) ? 'HTTP_TIMEOUT' : 'HTTP_CONNECTION' };
      }
      // The answer's body is not read; cancelling it frees the connection for the next send.
      await response.body?.cancel().catch(() => undefined);
      return classifyHttpStatus(response.status);
    },
  };
}

/** 2xx sent; 408, 425, 429 and 5xx retried; anything else (other 4xx, a redirect) refused for good. */
export function classifyHttpStatus(status: number): DeliveryResult {
  if (status >= 200 && status < 300) return { status: 'sent' };
  const code = `HTTP_${status}`;
  if (RETRY_STATUSES.has(status) || status >= 500) return { status: 'retry', code };
  return { status: 'failed', code };
}

/** Whether a webhook address is usable: http(s) with a host. */
export function isWebhookUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/** Whether a token can go in a header as it is (no space, no line break). */
export function isBearerToken(token: string): boolean {
  return /^[\x21-\x7e]+$/.test(token);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

export interface EmailToTextOptions {
  /** The email channel the gateway is reached through (its owner closes it). */
  email: NoticeChannel;
  /** The gateway's address with the number's place marked, such as `{number}@sms.example.net`. */
  addressTemplate: string;
}

/** An address template: `{number}` in the local part, a domain with a dot after the @. */
const ADDRESS_TEMPLATE = /^[^\s@<>]*\{number\}[^\s@<>]*@[^\s@<>{}]+\.[^\s@<>{}]+$/;

/** Whether an email-to-text address template is usable (checked where it is configured). */
export function isAddressTemplate(template: string): boolean {
  return ADDRESS_TEMPLATE.test(template);
}

/**
 * A text gateway reached by email: the body goes, with an empty subject, to the address the template
 * makes of the number. The number keeps its digits and a leading +, so "+1 (555) 010-0199" and
 * "+15550100199" reach the same address and no punctuation breaks the address.
 */
export function emailToTextChannel(options: EmailToTextOptions): NoticeChannel {
  if (!isAddressTemplate(options.addressTemplate))
    throw new Error('The email-to-text address template is an address with {number} before the @, such as {number}@sms.example.net.');
  return {
    async send(message) {
      const number = gatewayNumber(message.to);
      if (number === null) return { status: 'failed', code: 'TEXT_NO_NUMBER' };
      const gatewayMessage: OutgoingMessage = {
        ...message,
        channel: 'email',
        to: options.addressTemplate.replaceAll('{number}', number),
        subject: '',
        // Only the library's From goes along: mailing headers mean nothing to a phone.
        headers: fromHeaderOf(message.headers),
      };
      return options.email.send(gatewayMessage);
    },
  };
}

/** The number as a gateway address takes it: digits, with a leading + kept; null when there are no digits. */
export function gatewayNumber(phone: string): string | null {
  const digits = phone.replace(/\D/g, '');
  if (digits === '') return null;
  return phone.trim().startsWith('+') ? `+${digits}` : digits;
}

function fromHeaderOf(headers: Record<string, string>): Record<string, string> {
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === 'from');
  return entry ? { From: entry[1] } : {};
}
