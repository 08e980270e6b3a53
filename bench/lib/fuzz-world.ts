/**
 * The world the HTTP fuzzer runs against: the demo library (its staff of each role, patrons, loans,
 * holds and fines), a system administrator, a librarian of another library, and patrons of its own
 * (one of them a guardian), on a real server built the way `carrel start` builds it (issue 22).
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { loadDemoLibrary, DEMO_LIBRARY_ID } from '../../src/demo/demo-library.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log.js';
import { SYSTEM } from '../../src/policy/actors.js';
import { run, type Caller, type Runtime } from '../../src/usecases/context.js';
import { createLibrary } from '../../src/usecases/library.usecases.js';
import { registerPatron } from '../../src/usecases/patron.usecases.js';
import { createStaff } from '../../src/usecases/staff.usecases.js';
import type { FuzzIdentity, FuzzOptions } from './fuzz.js';

const CALLER: Caller = { actor: SYSTEM, purpose: 'administration', channel: 'cli' };

export interface FuzzWorld {
  baseUrl: string;
  identities: FuzzIdentity[];
  pools: Pick<FuzzOptions, 'ids' | 'cardNumbers' | 'barcodes'>;
  /** Operations the fuzzer leaves out: ending its own sessions would only test log-in again. */
  skip: string[];
  /** The server log's error lines (an unhandled error's stack, never a request body). */
  errors: string[];
  app: FastifyInstance;
  close(): Promise<void>;
}

async function logIn(baseUrl: string, path: string, body: unknown): Promise<{ cookie: string; csrfToken: string } | undefined> {
  const response = await fetch(`${baseUrl}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 200) return undefined;
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('carrel_session='));
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return cookie ? { cookie, csrfToken } : undefined;
}

/** Seeds `runtime`'s (empty, migrated) database and starts a server on 127.0.0.1 for the fuzzer. */
export async function startFuzzWorld(runtime: Runtime): Promise<FuzzWorld> {
  const act = <I, O>(useCase: (ctx: never, input: I) => Promise<O>, input: I) => run(runtime, CALLER, useCase as never, input) as Promise<O>;
  const demo = await loadDemoLibrary(runtime);
  await act(createLibrary, { id: 'fuzz-other', name: 'Other Library', timeZone: 'America/New_York' });
  const staff: { name: string; username: string; password: string }[] = demo.staff.map((s) => ({ name: s.role, username: s.username, password: s.password }));
  const admin = await act(createStaff, { username: 'fuzz-admin', libraryId: null, roles: ['admin'] });
  staff.push({ name: 'admin', username: 'fuzz-admin', password: admin.password });
  const other = await act(createStaff, { username: 'fuzz-other-librarian', libraryId: 'fuzz-other', roles: ['librarian'] });
  staff.push({ name: 'other-library', username: 'fuzz-other-librarian', password: other.password });

  let registered = 0;
  const newPatron = (overrides: { birthDate?: string; guardianCard?: string } = {}) =>
    act(registerPatron, { libraryId: DEMO_LIBRARY_ID, name: `Fuzz Patron ${registered++}`, birthDate: '1980-05-17', email: `fuzz.${registered}@example.org`, ...overrides });
  const patron = { current: await newPatron() };
  const guardian = { current: await newPatron() };
  const minor = await newPatron({ birthDate: '2016-03-03', guardianCard: guardian.current.cardNumber });

  const errors: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      const text = chunk.toString();
      if (text.includes('"level":50')) errors.push(text);
      callback();
    },
  });
  const app = await buildServer({ runtime, logger: createLogger('info', sink), loginThrottle: { limit: 1_000_000, windowMinutes: 1 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const staffLogin = (account: { username: string; password: string }) => async () => {
    const session = await logIn(baseUrl, '/auth/login', { username: account.username, password: account.password });
    if (!session) throw new Error(`the fuzzer's ${account.username} cannot log in`);
    return session;
  };
  // A patron whose card the fuzz reported lost (or whose record it deleted) is replaced by a new one.
  const patronLogin = (holder: { current: { cardNumber: string; pin: string } }) => async () => {
    const session = await logIn(baseUrl, '/auth/patron-login', { cardNumber: holder.current.cardNumber, pin: holder.current.pin });
    if (session) return session;
    holder.current = await newPatron();
    const again = await logIn(baseUrl, '/auth/patron-login', { cardNumber: holder.current.cardNumber, pin: holder.current.pin });
    if (!again) throw new Error('a new patron cannot log in');
    return again;
  };
  const identities: FuzzIdentity[] = [
    { name: 'anonymous' },
    ...staff.map((s) => ({ name: s.name, login: staffLogin(s) })),
    { name: 'patron', login: patronLogin(patron) },
    { name: 'guardian', login: patronLogin(guardian) },
  ];

  const ownStaff = new Set(staff.map((s) => s.username));
  const ids = async (table: 'patrons' | 'items' | 'loans' | 'holds' | 'fines' | 'bib_records' | 'service_records' | 'legal_requests' | 'notices' | 'vendors', n: number) =>
    (await runtime.db.selectFrom(table).select('id').limit(n).execute()).map((r) => String(r.id));
  const staffIds = (await runtime.db.selectFrom('staff_accounts').select(['id', 'username']).execute()).filter((s) => !ownStaff.has(s.username)).map((s) => s.id);
  const pools = {
    ids: [
      ...(await ids('patrons', 30)).filter((id) => id !== patron.current.id && id !== guardian.current.id),
      ...(await ids('items', 20)),
      ...(await ids('loans', 20)),
      ...(await ids('holds', 10)),
      ...(await ids('fines', 10)),
      ...(await ids('bib_records', 10)),
      ...(await ids('service_records', 10)),
      ...(await ids('legal_requests', 5)),
      ...(await ids('notices', 5)),
      ...(await ids('vendors', 5)),
      ...staffIds,
      minor.id,
    ],
    cardNumbers: [demo.sample.cardNumber, minor.cardNumber],
    barcodes: (await runtime.db.selectFrom('items').select('barcode').limit(30).execute()).map((r) => r.barcode),
  };
  return {
    baseUrl,
    identities,
    pools,
    skip: ['POST /api/v1/auth/logout', 'POST /api/v1/auth/password'],
    errors,
    app,
    close: () => app.close(),
  };
}
