import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, carrel, cleanEnv, COMPILED } from './cli-helpers.js';
import { describeCommands } from './cli-commands.js';

/**
 * End-to-end tests of the operator's command: each case spawns `node bin/carrel.js …` (the compiled
 * dist/, so `npm run build` first; `npm test` does it) against a real database. The commands' cases
 * (test/cli-commands.ts) run here on SQLite and in test/cli-postgres.test.ts on PostgreSQL.
 */

/** Runs `items` through `worker`, at most `limit` at a time. */
async function inBatches<T, R>(items: readonly T[], limit: number, worker: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await worker(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

beforeAll(() => {
  if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
});

const EVERY_COMMAND = [
  'init',
  'start',
  'demo',
  'library add',
  'staff add',
  'patron add',
  'item add',
  'item import',
  'checkout',
  'checkin',
  'renew',
  'pay',
  'lost',
  'holds place',
  'holds cancel',
  'holds expire',
  'export-patron',
  'renew-all',
  'patron renew-card',
  'patron reset-pin',
  'patron membership',
  'vendor add',
  'vendor list',
  'ezproxy add',
  'oidc keys rotate',
];

describeCommands('sqlite');

// --help never opens a database, so this runs once rather than once per engine.
describe('carrel --help', () => {
  it('answers --help with exit 0 for every command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'carrel-cli-help-'));
    const env = cleanEnv({ CARREL_DATA_DIR: dir, CARREL_KEY_FILE: join(dir, 'carrel.key') });
    try {
      const helps = await inBatches(EVERY_COMMAND, 3, async (command) => ({ command, run: await carrel([...command.split(' '), '--help'], { env, cwd: dir }) }));
      for (const { command, run } of helps) {
        expect(run.code, `${command} --help: ${run.stderr}`).toBe(0);
        expect(run.stdout, command).toContain(`Usage: carrel ${command}`);
      }
      // Asking for help created nothing.
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('carrel start on SQLite', () => {
  let dataDir = '';
  const started: ChildProcess[] = [];

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'carrel-cli-start-'));
  });

  afterAll(async () => {
    for (const child of started) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Spawns `carrel start --port 0` and resolves once it says where it is serving. */
  async function start(): Promise<{ child: ChildProcess; url: string; stdout: () => string; stderr: () => string }> {
    const child = spawn(process.execPath, [BIN, 'start', '--port', '0'], {
      cwd: dataDir,
      env: cleanEnv({ CARREL_DATA_DIR: dataDir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (stderr += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`carrel start did not report its address in time:\n${stdout}\n${stderr}`)), 40_000);
      child.stdout?.on('data', (chunk: string) => {
        stdout += chunk;
        const match = /Carrel is serving on (http:\/\/127\.0\.0\.1:(\d+))/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`carrel start exited (${code ?? signal}) before serving:\n${stdout}\n${stderr}`));
      });
    });
    return { child, url, stdout: () => stdout, stderr: () => stderr };
  }

  /** SIGTERM, then waits for the process to end; its exit status and signal. */
  async function stop(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    child.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
    const result = await Promise.race([exited, timeout]);
    if (result === 'timeout') throw new Error('carrel start did not exit within 15 s of SIGTERM');
    return { code: result[0], signal: result[1] };
  }

  it('initialises, loads the demo once, serves the API, and stops on SIGTERM; a restart creates nothing again', async () => {
    const first = await start();
    const out = first.stdout();
    const passwords = [...out.matchAll(/password: (\S+)/g)].map((m) => m[1] as string);
    expect(passwords).toHaveLength(1);
    const password = passwords[0] as string;
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(out).toContain('Demo library');
    expect(statSync(join(dataDir, 'carrel.key')).mode & 0o777).toBe(0o600);
    const sample = /Try: npx carrel checkout --card (\S+) --item (\S+)/.exec(out);
    expect(sample, out).not.toBeNull();
    const [, card, barcode] = sample as RegExpExecArray;

    const health = await fetch(`${first.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    // The demo prints one staff account per role; the desk's clerk lends the sample item.
    const clerk = /demo-clerk\s+circulation\s+(\S+)/.exec(out);
    expect(clerk, out).not.toBeNull();
    const logIn = async (username: string, secret: string) => {
      const answer = await fetch(`${first.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: secret }),
      });
      expect(answer.status, await answer.clone().text()).toBe(200);
      const cookie = (answer.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect(cookie).toMatch(/^carrel_session=./);
      const { csrfToken } = (await answer.json()) as { csrfToken: string };
      return (path: string, body: unknown) =>
        fetch(`${first.url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }, body: JSON.stringify(body) });
    };
    // The system administrator runs the system and lends nothing (no patron's record).
    expect((await (await logIn('admin', password))('/checkouts', { cardNumber: card, itemBarcode: barcode })).status).toBe(403);
    const post = await logIn('demo-clerk', (clerk as RegExpExecArray)[1] as string);

    const checkedOut = await post('/checkouts', { cardNumber: card, itemBarcode: barcode });
    const loan = (await checkedOut.json()) as { loanId: string; itemBarcode: string; dueAt: string };
    expect(checkedOut.status, JSON.stringify(loan)).toBe(201);
    expect(loan.itemBarcode).toBe(barcode);

    const checkedIn = await post('/checkins', { itemBarcode: barcode });
    const returned = (await checkedIn.json()) as { loanId: string | null; itemBarcode: string };
    expect(checkedIn.status, JSON.stringify(returned)).toBe(200);
    expect(returned.loanId).toBe(loan.loanId);

    const stopped = await stop(first.child);
    expect(stopped).toEqual({ code: 0, signal: null });

    const second = await start();
    expect(second.stdout()).not.toContain('password:');
    expect(second.stdout()).not.toContain('Demo library');
    expect(second.stdout()).not.toContain('Created the key file');
    // The password printed at first start still works against the same data.
    const relogin = await fetch(`${second.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(relogin.status).toBe(200);
    expect(await stop(second.child)).toEqual({ code: 0, signal: null });
  }, 180_000);
});
