import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

/**
 * A real SMTP server for tests: it takes mail on 127.0.0.1, parses each message (headers unfolded and
 * decoded, the text body decoded from quoted-printable or base64) and keeps it in `messages`. `mode`
 * makes it refuse the next messages for now (451) or for good (550), as a real server might.
 */

export type SinkMode = 'accept' | 'temporary' | 'permanent';

/** One message the sink took. */
export interface SunkMessage {
  /** The envelope (MAIL FROM, RCPT TO): where the server was told it is from and to. */
  from: string;
  to: string[];
  /** The Subject header, encoded words decoded. */
  subject: string;
  /** The text/plain body, decoded (the whole body when the message is not multipart). */
  text: string;
  /** The text/html body, when the message has one. */
  html: string | null;
  /** Every header by lower-case name, unfolded and decoded (a repeated header: its first value). */
  headers: Record<string, string>;
  /** The message as received. */
  raw: string;
}

export interface SmtpSinkOptions {
  /** Offer STARTTLS (with smtp-server's own test certificate), or speak TLS from the start (smtps://). */
  tls?: 'starttls' | 'implicit';
  /** Require this login; without it any login, or none, is accepted. */
  auth?: { user: string; pass: string };
  /** Where `temporary` and `permanent` refuse: at RCPT TO (default) or after DATA. */
  rejectAt?: 'rcpt' | 'data';
}

export interface SmtpSink {
  mode: SinkMode;
  readonly messages: SunkMessage[];
  /** smtp://127.0.0.1:PORT (smtps:// with implicit TLS); no credentials. */
  readonly url: string;
  readonly port: number;
  /** Resolves once `count` messages are in (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<SunkMessage[]>;
  close(): Promise<void>;
}

/** Starts a sink on a free port of 127.0.0.1. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: SunkMessage[] = [];
  const waiters = new Set<() => void>();
  const rejectAt = options.rejectAt ?? 'rcpt';
  const sink = { mode: 'accept' as SinkMode };

  const refusal = (): SMTPServerError | null => {
    if (sink.mode === 'accept') return null;
    const error: SMTPServerError = new Error(sink.mode === 'temporary' ? 'Try again later' : 'Mailbox unavailable');
    error.responseCode = sink.mode === 'temporary' ? 451 : 550;
    return error;
  };

  const server = new SMTPServer({
    secure: options.tls === 'implicit',
    disabledCommands: options.tls === 'starttls' ? [] : ['STARTTLS'],
    authOptional: options.auth === undefined,
    allowInsecureAuth: true,
    logger: false,
    // Connections a pooled client keeps open must not hold a test's close for the default 30 s.
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      const wanted = options.auth;
      if (!wanted || (auth.username === wanted.user && auth.password === wanted.pass)) callback(null, { user: auth.username ?? '' });
      else callback(Object.assign(new Error('Invalid login'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      callback(rejectAt === 'rcpt' ? refusal() : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const refused = rejectAt === 'data' ? refusal() : null;
        if (refused) return callback(refused);
        const raw = Buffer.concat(chunks).toString('latin1');
        const mailFrom = session.envelope.mailFrom;
        messages.push({
          ...parseMessage(raw),
          from: mailFrom ? mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.from(raw, 'latin1').toString('utf8'),
        });
        for (const wake of waiters) wake();
        callback(null);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  return Object.assign(sink, {
    messages,
    port,
    url: `${options.tls === 'implicit' ? 'smtps' : 'smtp'}://127.0.0.1:${port}`,
    waitFor: (count: number, timeoutMs = 5_000) => waitUntil(() => messages.length >= count, waiters, timeoutMs, () => `expected ${count} message(s), got ${messages.length}`).then(() => messages),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** Resolves when `done()` holds, checked now and at each wake-up; rejects with `describe()` after the timeout. */
export function waitUntil(done: () => boolean, waiters: Set<() => void>, timeoutMs: number, describe: () => string): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      waiters.delete(wake);
      reject(new Error(describe()));
    }, timeoutMs);
    const wake = () => {
      if (!done()) return;
      clearTimeout(timer);
      waiters.delete(wake);
      resolve();
    };
    waiters.add(wake);
  });
}

// ---- A small RFC 5322 / MIME reader: enough for what nodemailer writes (mailparser is not a dependency).

interface ParsedPart {
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
}

/** Parses a raw message (latin1, one char per byte) into its decoded headers and bodies. */
export function parseMessage(raw: string): ParsedPart {
  const { headers, body } = splitEntity(raw);
  const bodies = { text: null as string | null, html: null as string | null };
  collectBodies(headers, body, bodies);
  return { subject: headers.subject ?? '', text: bodies.text ?? '', html: bodies.html, headers };
}

/** Splits an entity at its first empty line; headers unfolded, names lower-cased, values decoded. */
function splitEntity(raw: string): { headers: Record<string, string>; body: string } {
  const text = raw.replace(/\r\n/g, '\n');
  const end = text.indexOf('\n\n');
  const head = end === -1 ? text : text.slice(0, end);
  const body = end === -1 ? '' : text.slice(end + 2);
  const headers: Record<string, string> = {};
  // A line starting with a space or tab continues the header above it (RFC 5322 §2.2.3).
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // Header text is ASCII by the RFC; a server speaking SMTPUTF8 may get raw UTF-8, read as such.
    const value = Buffer.from(line.slice(colon + 1).trim(), 'latin1').toString('utf8');
    if (!(name in headers)) headers[name] = decodeEncodedWords(value);
  }
  return { headers, body };
}

/** Walks a (possibly multipart) entity and keeps the first text/plain and text/html bodies. */
function collectBodies(headers: Record<string, string>, body: string, found: { text: string | null; html: string | null }): void {
  const contentType = headers['content-type'] ?? 'text/plain; charset=us-ascii';
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (mediaType.startsWith('multipart/')) {
    const boundary = parameter(contentType, 'boundary');
    if (!boundary) return;
    const delimiter = `--${boundary}`;
    const sections = body.split('\n').reduce<string[][]>((parts, line) => {
      if (line === delimiter || line === `${delimiter}--`) parts.push([]);
      else parts[parts.length - 1]?.push(line);
      return parts;
    }, []);
    // The last entry follows the closing delimiter (the epilogue); the preamble never enters the list.
    for (const section of sections.slice(0, -1)) {
      const part = splitEntity(section.join('\n'));
      collectBodies(part.headers, part.body, found);
    }
    return;
  }
  const decoded = decodeBody(body, headers['content-transfer-encoding'] ?? '7bit', parameter(contentType, 'charset') ?? 'us-ascii');
  if (mediaType === 'text/plain' && found.text === null) found.text = decoded;
  if (mediaType === 'text/html' && found.html === null) found.html = decoded;
}

/** A parameter of a structured header (`charset`, `boundary`), quotes removed. */
function parameter(header: string, name: string): string | null {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(header);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

function decodeBody(body: string, transferEncoding: string, charset: string): string {
  switch (transferEncoding.trim().toLowerCase()) {
    case 'quoted-printable':
      // A soft line break (`=` at the end of a line) joins two lines of one.
      return bytesToText(quotedPrintableBytes(body.replace(/=[ \t]*\n/g, '')), charset);
    case 'base64':
      return bytesToText(Buffer.from(body.replace(/\s+/g, ''), 'base64'), charset);
    default:
      return bytesToText(Buffer.from(body, 'latin1'), charset);
  }
}

/** `=XX` escapes to bytes; every other char is one byte already (the raw text is latin1). */
function quotedPrintableBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '=' ? text.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}

function bytesToText(bytes: Buffer, charset: string): string {
  const label = charset.toLowerCase() === 'us-ascii' ? 'utf-8' : charset;
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * Decodes RFC 2047 encoded words. The bytes of adjacent words in one charset are joined before they
 * are decoded (a multi-byte character may be split between two words), and the white space between
 * two encoded words is dropped, as the RFC says.
 */
export function decodeEncodedWords(value: string): string {
  // Split into runs: plain text, or encoded words of one charset with only white space between them.
  const runs: ({ text: string } | { charset: string; bytes: number[] })[] = [];
  let last = 0;
  for (const match of value.matchAll(ENCODED_WORD)) {
    const [whole, charset = 'utf-8', encoding = 'Q', encoded = ''] = match;
    const between = value.slice(last, match.index);
    const previous = runs[runs.length - 1];
    const bytes = encoding.toUpperCase() === 'B' ? [...Buffer.from(encoded, 'base64')] : [...quotedPrintableBytes(encoded.replace(/_/g, ' '))];
    const joins = previous !== undefined && 'bytes' in previous && /^\s*$/.test(between);
    if (joins && previous.charset.toLowerCase() === charset.toLowerCase()) previous.bytes.push(...bytes);
    else {
      if (!joins && between !== '') runs.push({ text: between });
      runs.push({ charset, bytes });
    }
    last = match.index + whole.length;
  }
  runs.push({ text: value.slice(last) });
  // A language suffix (`utf-8*es`, RFC 2231) is not part of the charset's name.
  return runs.map((run) => ('text' in run ? run.text : bytesToText(Buffer.from(run.bytes), run.charset.split('*')[0] ?? 'utf-8'))).join('');
}
