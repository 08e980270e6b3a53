import { mkdtempSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FullConfig } from '@playwright/test';
import { seedGuardianLibrary } from './portal-guardian-seed';
import { seedCirculationLibrary } from './portal-circulation-seed';
import { seedVendorsLibrary } from './vendors-seed';
import { seedVendorLibrary } from './vendor-sign-in-seed';

/**
 * One real Carrel for the whole browser run: the built server (dist/, as `npm start` runs it) on a fresh
 * SQLite file with the demo library, listening on 127.0.0.1 on a free port. The accounts the demo
 * prints are handed to the tests in CARREL_E2E (JSON); the address in CARREL_E2E_BASE_URL.
 *
 * At the end the server's log is scanned: no card number, PIN or password the run used may appear in it,
 * nor any card number made during the run (any Luhn-valid number of the card's shape), nor a name, e-mail
 * address or PIN field the specs create (see leaksIn).
 */
export default async function globalSetup(_config: FullConfig) {
  const dir = mkdtempSync(join(tmpdir(), 'carrel-e2e-'));
  const dist = join(process.cwd(), 'dist', 'src');
  const { openRuntime } = await import(join(dist, 'cli', 'runtime.js'));
  const { systemRun } = await import(join(dist, 'cli', 'command-helpers.js'));
  const { systemClock } = await import(join(dist, 'domain', 'clock.js'));
  const { createFirstAdmin } = await import(join(dist, 'usecases', 'setup.usecases.js'));
  const { loadDemoLibrary } = await import(join(dist, 'demo', 'demo-library.js'));
  const { buildServer } = await import(join(dist, 'http', 'server.js'));
  const { vendorSignOn } = await import(join(dist, 'oidc', 'sign-on.js'));
  const { createLogger } = await import(join(dist, 'log.js'));
  const { isValidCardNumber } = await import(join(dist, 'domain', 'card-number.js'));

  const opened = await openRuntime(join(dir, 'carrel.db'), systemClock, { create: true, keyFile: join(dir, 'carrel.key') });
  const admin = await systemRun(opened.runtime, 'administration')(createFirstAdmin, undefined);
  const demo = await loadDemoLibrary(opened.runtime);
  const guardians = await seedGuardianLibrary(opened.runtime, dist);
  const circulation = await seedCirculationLibrary(opened.runtime, dist);
  const vendors = await seedVendorsLibrary(opened.runtime, dist);
  const signIn = await seedVendorLibrary(opened.runtime, dist);
  const logFile = join(dir, 'server.log');
  const logStream = createWriteStream(logFile);
  const loginThrottle = { limit: 1000, windowMinutes: 15 };
  const app = await buildServer({
    runtime: opened.runtime,
    logger: createLogger('info', logStream, undefined),
    loginThrottle,
    plugins: [vendorSignOn(opened.runtime, { loginThrottle })],
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${address.port}`;

  const fixture = {
    libraryId: demo.libraryId,
    admin,
    staff: Object.fromEntries(demo.staff.map((s: { role: string; username: string; password: string }) => [s.role, { username: s.username, password: s.password }])),
    sample: demo.sample,
  };
  process.env.CARREL_E2E_BASE_URL = base;
  process.env.CARREL_E2E = JSON.stringify(fixture);
  process.env.CARREL_E2E_LOG = logFile;
  // The command line, for specs that run days of circulation with --as-of on the database the server serves.
  process.env.CARREL_E2E_DATABASE = join(dir, 'carrel.db');
  process.env.CARREL_E2E_KEY_FILE = join(dir, 'carrel.key');
  process.env.CARREL_E2E_GUARDIANS = JSON.stringify(guardians);
  process.env.CARREL_E2E_CIRCULATION = JSON.stringify(circulation);
  process.env.CARREL_E2E_VENDORS = JSON.stringify(vendors);
  process.env.CARREL_E2E_VENDOR_SIGN_IN = JSON.stringify(signIn);

  return async () => {
    await app.close();
    await opened.close();
    await new Promise<void>((resolve) => logStream.end(resolve));
    const log = readFileSync(logFile, 'utf8');
    const secrets = [
      demo.sample.cardNumber,
      demo.sample.pin,
      ...demo.staff.map((s: { password: string }) => s.password),
      admin?.password,
      guardians.guardian.cardNumber,
      guardians.guardian.pin,
      circulation.patron.cardNumber,
      circulation.patron.pin,
      vendors.patron.cardNumber,
      vendors.patron.pin,
      signIn.patron.cardNumber,
      signIn.patron.pin,
      signIn.vendor.secret,
      guardians.child.cardNumber,
      guardians.child.email,
      guardians.child.address,
    ].filter(Boolean);
    // A secret counts where it stands on its own: a PIN's digits inside a longer run of digits (a log
    // line's millisecond timestamp) are not the PIN.
    const standsAlone = (secret: string) => new RegExp(`(?<![0-9])${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9])`).test(log);
    const leaked = secrets.filter(standsAlone).length;
    const found = leaksIn(log, isValidCardNumber);
    rmSync(dir, { recursive: true, force: true });
    // Says what kind of thing leaked and how often, never the thing itself (this output is kept by CI).
    const kinds = [...(leaked > 0 ? [`${leaked} secret(s) the browser tests used (card number, PIN or password)`] : []), ...found];
    if (kinds.length > 0) throw new Error(`The server log holds personal data or secrets: ${kinds.join('; ')}.`);
  };
}

/**
 * Names the specs give the patrons they create, by the shape each spec uses (they are not passed here):
 * desk.spec.ts `Zq<run>x<n>`, portal.spec.ts `<Given> Portal<LETTERS>`, office.spec.ts `Office Test <id>`,
 * session.spec.ts the desk's shape; and the guardian seed's and the demo's sample patron's names.
 */
const CREATED_NAMES: { what: string; pattern: RegExp }[] = [
  { what: 'desk or session spec names (Zq…)', pattern: /Zq[a-z0-9]+x\d+/g },
  { what: 'portal spec names (Portal…)', pattern: /Portal[A-Z]{3,}/g },
  { what: 'office spec names (Office Test …)', pattern: /Office Test [a-z0-9]+/g },
  { what: 'seeded patron names', pattern: /Gloria Guardian|Kit Guardian|Sample Reader|Vera Signon/g },
];

/**
 * What the log holds that it must not: card numbers (14 digits standing alone, with a valid Luhn check
 * digit: src/domain/card-number.ts), names of patrons the run created, e-mail addresses, and PINs or card
 * numbers under their own field names (what redaction should have blanked). Answers one line per kind.
 */
function leaksIn(log: string, isValidCardNumber: (card: string) => boolean): string[] {
  const found: string[] = [];
  const count = (what: string, matches: string[]) => {
    if (matches.length > 0) found.push(`${matches.length} ${what}`);
  };
  // Not inside a longer run of digits, letters, a decimal or an id (timestamps are 13 digits; hashes mix letters).
  const cards = [...log.matchAll(/(?<![\w.-])\d{14}(?![\w.-])/g)].map((m) => m[0]).filter(isValidCardNumber);
  count('card number(s)', cards);
  for (const { what, pattern } of CREATED_NAMES) count(what, [...log.matchAll(pattern)].map((m) => m[0]));
  count('e-mail address(es)', [...log.matchAll(/[\w.+-]+@[\w-]+(\.[\w-]+)*\.(org|com|net|test|example)\b/g)].map((m) => m[0]));
  count('PIN or card field(s) not redacted', [...log.matchAll(/"(pin|newPin|currentPin|cardNumber|guardianCardNumber)"\s*:\s*"(?!\[redacted\])[^"]+"/gi)].map((m) => m[0]));
  return found;
}
