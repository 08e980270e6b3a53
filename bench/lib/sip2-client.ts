import net from 'node:net';
import { checksum } from '../../src/sip2/codec.js';

/**
 * A SIP2 client for the load tests, the fuzzer and the SIP2 benchmark: one TCP connection that writes
 * messages and matches responses to requests in order (the server answers one at a time, in order), so
 * several requests may be in flight at once (pipelined). It notices when the server closes the
 * connection: every request still waiting is rejected, and `closed` says so.
 */
export class Sip2Connection {
  readonly #socket: net.Socket;
  readonly #waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  #buffered: Buffer = Buffer.alloc(0);
  #closed = false;
  #ended = false;
  /** Response lines nobody asked for (a response to a message sent with `write`). */
  readonly unclaimed: string[] = [];

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.#closed = true;
      for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error('the server closed the connection'));
    });
  }

  /** Connects to a SIP2 server on 127.0.0.1, from `localAddress` (another loopback address) when given. */
  static connect(port: number, options: { localAddress?: string } = {}): Promise<Sip2Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) }, () => {
        socket.off('error', reject);
        socket.setNoDelay(true);
        resolve(new Sip2Connection(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Whether the server (or this side) closed the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Whether this side ended the connection (so a close is not the server's doing). */
  get endedHere(): boolean {
    return this.#ended;
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.#waiting.length;
  }

  /** Sends one message ('\r' added) and resolves with its response, without the '\r'. */
  request(message: string | Buffer): Promise<string> {
    if (this.#closed) return Promise.reject(new Error('the connection is closed'));
    const answer = new Promise<string>((resolve, reject) => this.#waiting.push({ resolve, reject }));
    this.#socket.write(typeof message === 'string' ? `${message}\r` : Buffer.concat([message, CR]));
    return answer;
  }

  /** Writes bytes as they are: no '\r' added, no response awaited. */
  write(bytes: string | Buffer): void {
    if (!this.#closed) this.#socket.write(bytes);
  }

  /** Resolves once the connection is closed, or with false after `timeoutMs`. */
  closedWithin(timeoutMs: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Ends the connection from this side. */
  end(): void {
    this.#ended = true;
    this.#socket.destroy();
  }

  /** Ends the writing side (half-close), as a kiosk that stops mid-message. */
  finish(): void {
    this.#ended = true;
    this.#socket.end();
  }

  #receive(chunk: Buffer): void {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    let start = 0;
    for (let cr = this.#buffered.indexOf(0x0d); cr !== -1; cr = this.#buffered.indexOf(0x0d, start)) {
      const line = this.#buffered.subarray(start, cr).toString('utf8');
      start = cr + 1;
      const waiter = this.#waiting.shift();
      if (waiter) waiter.resolve(line);
      else this.unclaimed.push(line);
    }
    this.#buffered = this.#buffered.subarray(start);
  }
}

const CR = Buffer.from('\r');

/** A message with error detection: `AY<sequence>AZ<checksum>` appended. */
export function withChecksum(message: string, sequence: number): string {
  const head = `${message}AY${sequence % 10}AZ`;
  return head + checksum(head);
}

/** An 18-character SIP2 date (UTC, '   Z'), as a kiosk sends the transaction date. */
export function sip2Now(at = new Date()): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}   Z${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

const BLANK_DATE = ' '.repeat(18);

/** The requests a kiosk sends, as SIP2 2.00 lays them out (no error detection: see `withChecksum`). */
export const kioskMessages = {
  login: (loginId: string, password: string) => `9300CN${loginId}|CO${password}|CPkiosk|`,
  scStatus: () => '9900302.00',
  patronInformation: (card: string, pin: string) => `63001${sip2Now()}          AO|AA${card}|AD${pin}|`,
  checkout: (card: string, barcode: string) => `11NN${sip2Now()}${BLANK_DATE}AO|AA${card}|AB${barcode}|`,
  checkin: (barcode: string) => `09N${sip2Now()}${sip2Now()}APfront|AO|AB${barcode}|`,
  itemInformation: (barcode: string) => `17${sip2Now()}AO|AB${barcode}|`,
};

/** A response as a test reads it: its code, the fixed part after the code, the variable fields by id. */
export interface Sip2Response {
  code: string;
  /** The characters between the code and the first variable field (`fixedWidth` of them). */
  fixed: string;
  fields: Map<string, string[]>;
  /** Whether an AY/AZ trailer was present and its checksum right (null when there was none). */
  checksumValid: boolean | null;
  /** The AY sequence digit of the trailer (null when there was none). */
  sequence: string | null;
}

/** The width of each response's fixed part (SIP2 2.00). */
export const RESPONSE_FIXED_WIDTH: Record<string, number> = {
  '94': 1,
  '96': 0,
  '98': 1 + 1 + 1 + 1 + 1 + 1 + 3 + 3 + 18 + 4,
  '24': 14 + 3 + 18,
  '64': 14 + 3 + 18 + 6 * 4,
  '12': 4 + 18,
  '10': 4 + 18,
  '30': 4 + 18,
  '66': 1 + 4 + 4 + 18,
  '18': 2 + 2 + 2 + 18,
  '38': 1 + 18,
  '36': 1 + 18,
  '16': 1 + 1 + 18,
};

/** Reads a response line; throws when it is not one (unknown code, fixed part cut short, a field without an id). */
export function parseResponse(line: string): Sip2Response {
  const code = line.slice(0, 2);
  const width = RESPONSE_FIXED_WIDTH[code];
  if (width === undefined) throw new Error(`not a SIP2 response code: ${JSON.stringify(line.slice(0, 40))}`);
  if (line.length < 2 + width) throw new Error(`response ${code} is cut short: ${JSON.stringify(line.slice(0, 80))}`);
  let body = line.slice(2 + width);
  let checksumValid: boolean | null = null;
  let sequence: string | null = null;
  const trailer = /AY(\d)AZ([0-9A-F]{4})$/.exec(body);
  if (trailer) {
    const covered = line.slice(0, line.length - 4);
    checksumValid = checksum(covered) === trailer[2];
    sequence = trailer[1] ?? null;
    body = body.slice(0, trailer.index);
  }
  const fields = new Map<string, string[]>();
  for (const segment of body.split('|')) {
    if (segment === '') continue;
    if (!/^[A-Z0-9]{2}/.test(segment)) throw new Error(`response ${code} has a field without an id: ${JSON.stringify(segment.slice(0, 40))}`);
    const id = segment.slice(0, 2);
    fields.set(id, [...(fields.get(id) ?? []), segment.slice(2)]);
  }
  return { code, fixed: line.slice(2, 2 + width), fields, checksumValid, sequence };
}

/** The first value of a response field. */
export function fieldOf(response: Sip2Response, id: string): string | undefined {
  return response.fields.get(id)?.[0];
}
