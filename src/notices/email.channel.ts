import { createTransport } from 'nodemailer';
import type { DeliveryResult, NoticeChannel, OutgoingMessage } from '../domain/notices.js';

/**
 * The email channel: one rendered notice handed to an SMTP server (issue 17). The text is plain
 * (never HTML, so no field can carry markup or a remote image), and the result says only how the send
 * ended, with a code that holds neither the address nor the text.
 */

export interface EmailChannelOptions {
  /** smtp://user:pass@host:587 (STARTTLS when offered), smtps://…:465 (TLS from the start); nodemailer's query options allowed. */
  url: string;
  /** The From address when the message brings none of its own (a library's From comes as a `From` header). */
  from: string;
  /** Keep a few connections open for throughput (default); false opens one per message. */
  pool?: boolean;
}

/**
 * Timeouts well under nodemailer's defaults (two minutes to connect, ten idle): a server that does not
 * answer within them is down for now, and the queue tries the notice again later rather than holding
 * a worker. The URL's query may still set its own.
 */
export const TRANSPORT_DEFAULTS = {
  connectionTimeout: 15_000,
  greetingTimeout: 15_000,
  socketTimeout: 30_000,
  dnsTimeout: 15_000,
  maxConnections: 5,
} as const;

/** A header name as RFC 5322 allows it (printable ASCII but the colon). */
const HEADER_NAME = /^[!-9;-~]+$/;

/** What nodemailer attaches to the errors it hands back (the fields read here). */
interface SmtpError {
  code?: string;
  responseCode?: number;
}

/** An SMTP channel over nodemailer; `close()` ends its pooled connections. */
export function emailChannel(options: EmailChannelOptions): NoticeChannel {
  const pool = options.pool ?? true;
  // The URL's own options win over these defaults (nodemailer merges the parsed URL last).
  const transport = createTransport({ ...TRANSPORT_DEFAULTS, url: options.url, pool });
  return {
    async send(message) {
      try {
        const info = await transport.sendMail(mailOf(message, options.from));
        // One recipient: a refusal normally arrives as an error, but a server may accept the
        // transaction and still list the address as rejected.
        if (info.rejected.length > 0) return { status: 'failed', code: 'SMTP_REJECTED' };
        return { status: 'sent' };
      } catch (error) {
        return classifySmtpError(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}

/** The nodemailer message for one notice: plain text, its own Message-ID, the extra headers. */
function mailOf(message: OutgoingMessage, defaultFrom: string) {
  const { from, headers } = splitFrom(message.headers);
  return {
    from: from ?? defaultFrom,
    to: message.to,
    subject: message.subject,
    text: message.body,
    // The notice's id, so a receiver (or a person) can tell a resend of the same notice from a new one.
    messageId: `<notice-${messageIdPart(message.noticeId)}@carrel>`,
    headers: {
      ...headers,
      'Content-Language': message.language,
      // RFC 3834: no vacation responder or list should answer a notice.
      'Auto-Submitted': 'auto-generated',
    },
  };
}

/**
 * Takes the library's own From out of the extra headers (the queue puts it there when the library set
 * one), and drops anything that is not a well-formed single-line header, so no value can add another.
 */
function splitFrom(extra: Record<string, string>): { from: string | null; headers: Record<string, string> } {
  let from: string | null = null;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(extra)) {
    const line = value.replace(/[\r\n]+/g, ' ').trim();
    if (name.toLowerCase() === 'from') from = line || null;
    else if (HEADER_NAME.test(name)) headers[name] = line;
  }
  return { from, headers };
}

/** The notice id as the left side of a Message-ID (dot-atom text only; ids are UUIDs in practice). */
function messageIdPart(noticeId: string): string {
  return noticeId.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * How a failed send ends: a 5xx reply refuses the message for good; a 4xx reply, a connection that
 * could not be made or broke, a timeout or a TLS or login problem of the installation is retried (the
 * notice is not at fault, and fixing the server or its settings lets it go). 503 ("bad sequence of
 * commands") is about the session, not the message, and is retried too, as nodemailer itself reads it.
 */
export function classifySmtpError(error: unknown): DeliveryResult {
  const { code, responseCode } = (error ?? {}) as SmtpError;
  if (code === 'EAUTH' || code === 'ENOAUTH') return { status: 'retry', code: 'SMTP_AUTH' };
  if (code === 'ETLS' || code === 'EREQUIRETLS') return { status: 'retry', code: 'SMTP_TLS' };
  if (typeof responseCode === 'number' && responseCode >= 400 && responseCode < 600) {
    const permanent = responseCode >= 500 && responseCode !== 503;
    return { status: permanent ? 'failed' : 'retry', code: `SMTP_${responseCode}` };
  }
  // Refused before any server said no: the address itself is malformed.
  if (code === 'EENVELOPE') return { status: 'failed', code: 'SMTP_ADDRESS' };
  return { status: 'retry', code: 'SMTP_CONNECTION' };
}
