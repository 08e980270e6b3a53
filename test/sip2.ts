import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import tls from 'node:tls';
import type { Logger } from 'pino';
import { createLogger } from '../src/log.js';
import { checksum, decodeText, encodeText, type Sip2Charset } from '../src/sip2/codec.js';

/**
 * A SIP2 client for tests, over a real socket: writes messages ('\r' added), reads responses one per
 * '\r', and notices when the server closes the connection.
 */
export interface Sip2TestClient {
  /** Sends one message and resolves with the next response, without its '\r'. */
  request(message: string): Promise<string>;
  /** Writes bytes as they are (no '\r' added). */
  write(data: string | Buffer): void;
  /** The next response line; rejects when the connection closes first or nothing comes within `timeoutMs`. */
  next(timeoutMs?: number): Promise<string>;
  /** Whether the server closed the connection within `timeoutMs` (responses still unread are kept). */
  closedWithin(timeoutMs?: number): Promise<boolean>;
  readonly closed: boolean;
  /** The character set the client speaks. */
  readonly charset: Sip2Charset;
  end(): void;
}

export interface ConnectOptions {
  /** Speak TLS, trusting this PEM certificate. */
  ca?: string;
  /** The character set of the bytes on the wire (UTF-8 unless said). */
  charset?: Sip2Charset;
}

/** Connects to a SIP2 server on 127.0.0.1. */
export async function connectSip2(port: number, options: ConnectOptions = {}): Promise<Sip2TestClient> {
  const socket: net.Socket = await new Promise((resolve, reject) => {
    const s: net.Socket = options.ca
      ? tls.connect({ host: '127.0.0.1', port, ca: options.ca, servername: 'localhost' }, () => resolve(s))
      : net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
  const charset = options.charset ?? 'utf-8';
  const lines: string[] = [];
  let buffered = Buffer.alloc(0);
  let closed = false;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (let cr = buffered.indexOf(0x0d); cr !== -1; cr = buffered.indexOf(0x0d)) {
      lines.push(decodeText(buffered.subarray(0, cr), charset));
      buffered = buffered.subarray(cr + 1);
    }
    wake();
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
    wake();
  });

  const wait = (ready: () => boolean, timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      if (ready()) return resolve(true);
      const check = () => {
        if (!ready()) return;
        done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (value: boolean) => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(value);
      };
      waiters.add(check);
    });

  const next = async (timeoutMs = 5000) => {
    await wait(() => lines.length > 0 || closed, timeoutMs);
    const line = lines.shift();
    if (line !== undefined) return line;
    throw new Error(closed ? 'the server closed the connection' : `no response within ${timeoutMs} ms`);
  };
  return {
    request: (message) => {
      socket.write(encodeText(`${message}\r`, charset));
      return next();
    },
    write: (data) => void socket.write(typeof data === 'string' ? encodeText(data, charset) : data),
    next,
    closedWithin: (timeoutMs = 3000) => wait(() => closed, timeoutMs),
    get closed() {
      return closed;
    },
    charset,
    end: () => void socket.destroy(),
  };
}

/** A message with SIP2 error detection: `AY<sequence>AZ<checksum>` appended (the checksum of its bytes in `charset`). */
export function withErrorDetection(message: string, sequence: number | string, charset: Sip2Charset = 'utf-8'): string {
  const head = `${message}AY${sequence}AZ`;
  return head + checksum(head, charset);
}

/** The widths of each response's fixed fields, after its two-digit code (SIP2 2.00). */
export const RESPONSE_FIXED: Record<string, readonly number[]> = {
  '94': [1],
  '96': [],
  '98': [1, 1, 1, 1, 1, 1, 3, 3, 18, 4],
  '24': [14, 3, 18],
  '64': [14, 3, 18, 4, 4, 4, 4, 4, 4],
  '12': [1, 1, 1, 1, 18],
  '10': [1, 1, 1, 1, 18],
  '30': [1, 1, 1, 1, 18],
  '66': [1, 4, 4, 18],
  '18': [2, 2, 2, 18],
  '38': [1, 18],
  '36': [1, 18],
  '16': [1, 1, 18],
};

/** A response read back by its layout. */
export interface Sip2Response {
  line: string;
  code: string;
  fixed: string[];
  /** Variable fields in the order sent. */
  fields: [string, string][];
  /** The AY digit, when the response carried error detection. */
  sequence: string | null;
  /** The AZ checksum as sent, and whether it is right for the bytes before it (null: no AZ). */
  checksumRight: boolean | null;
  /** The first value of a field (undefined when absent). */
  get(id: string): string | undefined;
  /** Every value of a field, in order. */
  all(id: string): string[];
  /** The set of field ids, sorted. */
  ids(): string[];
}

/**
 * Reads a response line by its layout: the fixed fields must fill their widths exactly and the variable
 * part must be `XXvalue|` fields; throws otherwise, so a misplaced field fails the test.
 */
export function parseResponse(line: string, charset: Sip2Charset = 'utf-8'): Sip2Response {
  const code = line.slice(0, 2);
  const widths = RESPONSE_FIXED[code];
  if (!widths) throw new Error(`unexpected response code in ${JSON.stringify(line)}`);
  let at = 2;
  const fixed = widths.map((width) => {
    const value = line.slice(at, at + width);
    if (value.length !== width) throw new Error(`response ${code} too short for its fixed fields: ${JSON.stringify(line)}`);
    at += width;
    return value;
  });
  let rest = line.slice(at);
  const trailer = /AY(\d)AZ([0-9A-F]{4})$/.exec(rest);
  let sequence: string | null = null;
  let checksumRight: boolean | null = null;
  if (trailer) {
    sequence = trailer[1] ?? null;
    const covered = line.slice(0, line.length - 4);
    // The checksum sums the bytes as sent, in the connection's character set.
    checksumRight = checksum(covered, charset) === trailer[2];
    rest = rest.slice(0, trailer.index);
  }
  const fields: [string, string][] = [];
  if (rest !== '') {
    if (!rest.endsWith('|')) throw new Error(`variable fields of ${code} do not end with '|': ${JSON.stringify(line)}`);
    for (const segment of rest.slice(0, -1).split('|')) {
      if (!/^[A-Z0-9]{2}/.test(segment)) throw new Error(`not a field: ${JSON.stringify(segment)} in ${JSON.stringify(line)}`);
      fields.push([segment.slice(0, 2), segment.slice(2)]);
    }
  }
  return {
    line,
    code,
    fixed,
    fields,
    sequence,
    checksumRight,
    get: (id) => fields.find(([f]) => f === id)?.[1],
    all: (id) => fields.filter(([f]) => f === id).map(([, v]) => v),
    ids: () => [...new Set(fields.map(([f]) => f))].sort(),
  };
}

/** A self-signed certificate for localhost and 127.0.0.1, valid a day, made with openssl. */
export function selfSignedCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'carrel-sip2-tls-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '1', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')],
      { stdio: 'ignore' },
    );
    return { cert: readFileSync(join(dir, 'c.pem'), 'utf8'), key: readFileSync(join(dir, 'k.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A Carrel logger (redaction and all) whose lines the test keeps, to look for what must not be there. */
export function capturedLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  return { log: createLogger('debug', sink), lines };
}
