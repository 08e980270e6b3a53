/**
 * The SIP2 server: self-check kiosks, RFID pads, sorters and authentication clients connect over TCP
 * (or TLS when a certificate and key are given), one message per '\r'. Each connection logs in as its
 * SIP2 account and then speaks for it; every request goes to one handler, which calls one use case.
 * A connection that misbehaves (garbage, an over-long message, silence past the idle timeout, a flood
 * of pipelined requests) is answered or closed on its own; everyone else is served as before.
 * Nothing is logged about a patron: no card number, PIN, name or title.
 */
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { Sip2Charset } from '../domain/sip2.js';
import { maySend } from '../policy/sip2-disclosure.policy.js';
import { AttemptThrottle, throttleKey } from '../usecases/attempt-throttle.js';
import { asDomainFailure, type Runtime } from '../usecases/context.js';
import { sip2AccountStillAllowed, sip2Login, sip2Terminal } from '../usecases/sip2.usecases.js';
import { decodeText, encodeText, formatResponse, parseRequest, Sip2Framer, type Sip2Request } from './codec.js';
import { DomainError, ErrorCode } from '../domain/errors.js';
import { dateFieldValid, HANDLERS, offlineStatus, refusal, type Answer, type Terminal } from './handlers.js';
import { screenMessage } from './screen-messages.js';

export interface Sip2ServerOptions {
  port: number;
  /** 127.0.0.1 unless the library says otherwise. */
  host?: string;
  /** PEM certificate and key: the server speaks TLS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** A connection silent this long is closed (kiosks send SC status now and then to stay connected). */
  idleTimeoutMs?: number;
  /** A message longer than this (bytes, before its '\r') closes the connection. */
  maxMessageBytes?: number;
  /** Failed logins from one address before further logins from it are refused for the window. */
  loginFailures?: { limit: number; windowMs: number };
  log: Logger;
}

export interface Sip2Server {
  port: number;
  close(): Promise<void>;
}

/** Requests waiting on one connection before it is closed as a flood. */
const MAX_QUEUED = 32;
/** Variable fields longer than this are not SIP2 (the spec's fields are at most 255 characters). */
const MAX_FIELD_LENGTH = 255;

/** Starts the SIP2 server; resolves once it listens. */
export async function startSip2Server(runtime: Runtime, options: Sip2ServerOptions): Promise<Sip2Server> {
  const log = options.log.child({ transport: 'sip2' });
  const idleTimeoutMs = options.idleTimeoutMs ?? 10 * 60_000;
  const maxMessageBytes = options.maxMessageBytes ?? 4096;
  const throttle = new AttemptThrottle(runtime.clock, { limit: options.loginFailures?.limit ?? 5, windowMs: options.loginFailures?.windowMs ?? 15 * 60_000, maxAddresses: 10_000 });
  const sockets = new Set<Socket>();

  const onConnection = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveConnection(runtime, socket, { log, idleTimeoutMs, maxMessageBytes, throttle });
  };
  const server = options.tls ? tls.createServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, onConnection) : net.createServer(onConnection);
  // A client that fails its TLS handshake is that client's problem, not the server's.
  server.on('tlsClientError', () => undefined);
  server.on('error', (error) => log.error({ err: error }, 'SIP2 server error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  log.info({ port, tls: options.tls !== undefined }, 'SIP2 server listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface ConnectionOptions {
  log: Logger;
  idleTimeoutMs: number;
  maxMessageBytes: number;
  throttle: AttemptThrottle;
}

/** Serves one connection: frames its bytes, answers its requests one at a time, in order. */
function serveConnection(runtime: Runtime, socket: Socket, options: ConnectionOptions): void {
  const address = socket.remoteAddress ?? '';
  const framer = new Sip2Framer({ maxMessageBytes: options.maxMessageBytes });
  let terminal: Terminal | null = null;
  let charset: Sip2Charset = 'utf-8';
  let lastResponse: string | null = null;
  const queue: Buffer[] = [];
  let busy = false;
  let closed = false;

  const close = () => {
    if (closed) return;
    closed = true;
    queue.length = 0;
    terminal = null; // the patron session goes with the connection
    socket.destroy();
  };
  const send = (line: string) => {
    if (closed) return;
    lastResponse = line;
    socket.write(encodeText(line, charset));
  };
  const resendRequest = () => send(formatResponse('96', [], [], null, charset));

  // A kiosk waits on each answer: send it at once rather than hold it for Nagle's algorithm (with the
  // kiosk's delayed acknowledgement, a small answer could sit up to 40 ms).
  socket.setNoDelay(true);
  socket.setTimeout(options.idleTimeoutMs, close);
  socket.on('error', close);
  socket.on('end', close);
  socket.on('data', (chunk: Buffer) => {
    const { messages, overflow } = framer.push(chunk);
    queue.push(...messages);
    if (overflow || queue.length > MAX_QUEUED) {
      close();
      return;
    }
    void drain();
  });

  async function drain(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      while (!closed && queue.length > 0) await handle(queue.shift() as Buffer);
    } catch (error) {
      options.log.error({ err: error }, 'SIP2 request failed');
      close();
    } finally {
      busy = false;
    }
  }

  async function handle(bytes: Buffer): Promise<void> {
    runtime.deskLoad?.record(performance.now());
    const text = decodeText(bytes, charset);
    const parsed = parseRequest(text, charset);
    if (!parsed.ok) {
      // Before login a connection gets nothing but the login; afterwards a garbled message is asked for again.
      if (terminal === null && parsed.reason !== 'bad-checksum') return close();
      return resendRequest();
    }
    const request = parsed.request;
    if (request.code === '97') {
      if (terminal === null) return close();
      return send(lastResponse ?? formatResponse('96', [], [], null, charset));
    }
    if (request.code === '93') {
      // A login whose fields could not be looked up is refused without looking.
      if (!fieldsReadable(request)) return send(formatResponse('94', ['0'], [], request.errorDetection ? (request.sequence ?? '0') : null, charset));
      return login(request);
    }
    if (terminal === null) return close();
    let answer: Answer | null | undefined;
    try {
      // The account may have been disabled, or its addresses changed, since it logged in.
      const current = await sip2AccountStillAllowed(runtime, terminal.account.id, address);
      if (!current) return close();
      terminal.account = current;
      if (current.requireErrorDetection && !request.errorDetection) return resendRequest();
      if (!wellFormed(request, terminal.timeZone)) return resendRequest();
      answer = maySend(current, request.code) ? await HANDLERS[request.code]?.(runtime, terminal, request) : refusal(runtime, terminal, request);
    } catch (thrown) {
      // A busy database (another process holding SQLite's write lock past the busy timeout, a PostgreSQL
      // deadlock) or one out of reach (PostgreSQL restarting or failing over) is the message's own refusal,
      // "try again"; SC status answers "offline" (98 with online status N), which kiosks show as such. The
      // connection and its patron session stay, and the next message tries the database again.
      const code = transientCode(asDomainFailure(thrown));
      if (code === null) throw thrown;
      answer = request.code === '99' ? offlineStatus(runtime, terminal, request) : refusal(runtime, terminal, request, screenMessage([code]));
    }
    if (!answer) return resendRequest();
    send(formatResponseFor(answer, request));
  }

  function formatResponseFor(answer: Answer, request: Sip2Request): string {
    return formatResponse(answer.code, answer.fixed, answer.fields, request.errorDetection ? (request.sequence ?? '0') : null, charset);
  }

  async function login(request: Sip2Request): Promise<void> {
    const sequence = request.errorDetection ? (request.sequence ?? '0') : null;
    // Only failures count: a branch's kiosks behind one address all logging in at once after a restart
    // are not shut out, while guessing from one address stops after the limit.
    if (options.throttle.exhausted(throttleKey(address))) {
      // Too many failed logins from this address: refused without looking, then the connection ends.
      send(formatResponse('94', ['0'], [], sequence, charset));
      options.log.warn({ address: throttleKey(address) }, 'SIP2 logins throttled');
      return close();
    }
    let account;
    try {
      account = await sip2Login(runtime, { loginId: request.fields.get('CN')?.[0] ?? '', password: request.fields.get('CO')?.[0] ?? '', address });
    } catch (thrown) {
      // Without the database the login can be neither granted nor refused: the connection ends without an
      // answer (not a failed login, which would count against the address), and the kiosk connects again.
      if (transientCode(asDomainFailure(thrown)) === null) throw thrown;
      options.log.warn({ address: throttleKey(address) }, 'SIP2 login while the database is unavailable');
      return close();
    }
    if (!account) {
      // A refused login ends whatever this connection was logged in as: told "not logged in", it is not.
      terminal = null;
      options.throttle.take(throttleKey(address));
      options.log.info({ address: throttleKey(address) }, 'SIP2 login refused');
      return send(formatResponse('94', ['0'], [], sequence, charset));
    }
    const place = await sip2Terminal(runtime, account);
    terminal = { account, ...place, patronSession: null };
    send(formatResponse('94', ['1'], [], sequence, charset));
    charset = account.charset;
    options.log.info({ account: account.id }, 'SIP2 login');
  }
}

/** STORAGE_BUSY or DATABASE_UNAVAILABLE when that is what the error is (time cures both), else null. */
function transientCode(error: unknown): ErrorCode | null {
  if (!(error instanceof DomainError)) return null;
  for (const code of [ErrorCode.DATABASE_UNAVAILABLE, ErrorCode.STORAGE_BUSY]) if (error.problems.some((p) => p.code === code)) return code;
  return null;
}

/**
 * Variable fields within the spec's lengths and without NUL: no SIP2 field carries one, and PostgreSQL
 * cannot take it as text (a barcode or card with a NUL in it would fail the query, not find nothing).
 */
function fieldsReadable(request: Sip2Request): boolean {
  for (const values of request.fields.values()) for (const value of values) if (value.length > MAX_FIELD_LENGTH || value.includes('\u0000')) return false;
  return true;
}

/** Readable fields (above), and dates that are dates (or blank). */
function wellFormed(request: Sip2Request, timeZone: string): boolean {
  if (!fieldsReadable(request)) return false;
  for (const [name, value] of Object.entries(request.fixed)) if (/Date$/.test(name) && !dateFieldValid(value, timeZone)) return false;
  return true;
}
