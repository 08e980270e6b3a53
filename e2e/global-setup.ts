import { mkdtempSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FullConfig } from '@playwright/test';
import { seedGuardianLibrary } from './portal-guardian-seed';

/**
 * One real Carrel for the whole browser run: the built server (dist/, as `npm start` runs it) on a fresh
 * SQLite file with the demo library, listening on 127.0.0.1 on a free port. The accounts the demo
 * prints are handed to the tests in CARREL_E2E (JSON); the address in CARREL_E2E_BASE_URL.
 *
 * At the end the server's log is scanned: no card number, PIN or password the run used may appear in it.
 */
export default async function globalSetup(_config: FullConfig) {
  const dir = mkdtempSync(join(tmpdir(), 'carrel-e2e-'));
  const dist = join(process.cwd(), 'dist', 'src');
  const { openRuntime, systemRun } = await import(join(dist, 'cli', 'runtime.js'));
  const { systemClock } = await import(join(dist, 'domain', 'clock.js'));
  const { createFirstAdmin } = await import(join(dist, 'usecases', 'setup.usecases.js'));
  const { loadDemoLibrary } = await import(join(dist, 'demo', 'demo-library.js'));
  const { buildServer } = await import(join(dist, 'http', 'server.js'));
  const { createLogger } = await import(join(dist, 'log.js'));

  const opened = await openRuntime(join(dir, 'carrel.db'), systemClock, { create: true, keyFile: join(dir, 'carrel.key') });
  const admin = await systemRun(opened.runtime, 'administration')(createFirstAdmin, undefined);
  const demo = await loadDemoLibrary(opened.runtime);
  const guardians = await seedGuardianLibrary(opened.runtime, dist);
  const logFile = join(dir, 'server.log');
  const logStream = createWriteStream(logFile);
  const app = await buildServer({ runtime: opened.runtime, logger: createLogger('info', logStream, undefined), loginThrottle: { limit: 1000, windowMinutes: 15 } });
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
  process.env.CARREL_E2E_GUARDIANS = JSON.stringify(guardians);

  return async () => {
    await app.close();
    await opened.close();
    await new Promise<void>((resolve) => logStream.end(resolve));
    const log = readFileSync(logFile, 'utf8');
    const secrets = [demo.sample.cardNumber, demo.sample.pin, ...demo.staff.map((s: { password: string }) => s.password), admin?.password, guardians.guardian.cardNumber, guardians.child.cardNumber].filter(Boolean);
    const leaked = secrets.filter((secret: string) => log.includes(secret));
    rmSync(dir, { recursive: true, force: true });
    if (leaked.length > 0) throw new Error(`The server log holds ${leaked.length} secret(s) the browser tests used (card number, PIN or password).`);
  };
}
