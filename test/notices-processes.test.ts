/**
 * Two processes, one PostgreSQL database, 1,000 notices due: each process runs the compiled
 * deliverNotices against the same outbox and the same SMTP server (a sink in this process), and every
 * notice is sent exactly once (issue 17: "delivery claimed per process").
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/domain/clock.js';
import { SYSTEM } from '../src/policy/actors.js';
import { keyStoreTargetFor, openKeyStore } from '../src/storage/key-store.js';
import { insertNotice } from '../src/storage/notice.repository.js';
import { run, type Runtime, type UseCase } from '../src/usecases/context.js';
import { createLibrary } from '../src/usecases/library.usecases.js';
import { registerPatron } from '../src/usecases/patron.usecases.js';
import { setMyPrivacy } from '../src/usecases/self-service.usecases.js';
import { Keyring } from '../src/vault/keyring.js';
import { Vault } from '../src/vault/vault.js';
import { cleanEnv } from './cli-helpers.js';
import { ENGINES, freshDatabase, type TestDatabase } from './engines.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const CHILD = fileURLToPath(new URL('./fixtures/notices/deliver-child.mjs', import.meta.url));
const COMPILED_JOB = fileURLToPath(new URL('../dist/src/jobs/notices.job.js', import.meta.url));
const NOTICES = 1_000;
const PATRONS = 20;

describe.skipIf(!ENGINES.includes('postgres'))('two processes sending notices from one PostgreSQL database', () => {
  let database: TestDatabase;
  let smtp: SmtpSink;
  const key = randomBytes(32).toString('base64');
  const noticeIds: string[] = [];

  beforeAll(async () => {
    if (!existsSync(COMPILED_JOB)) throw new Error('dist/ is missing: run `npm run build` before this test (`npm test` does it).');
    database = await freshDatabase('postgres');
    smtp = await startSmtpSink();
    // A minute ago, so that every notice is due when the processes (on the real clock) look
    const clock = new ManualClock(new Date(Date.now() - 60_000).toISOString());
    const store = await openKeyStore(keyStoreTargetFor(database.target));
    database.onDrop(store.close);
    const vault = await Vault.open({ keyring: new Keyring([Buffer.from(key, 'base64')], { kind: 'env' }), store, now: clock.now() });
    const runtime: Runtime = { db: database.db, clock, vault };
    const act = <I, O>(useCase: UseCase<I, O>, input: I, actor = SYSTEM, purpose: 'circulation' | 'self-service' = 'circulation') => run(runtime, { actor, purpose, channel: 'cli' }, useCase, input);
    const { library } = await act(createLibrary, { id: `np-${randomBytes(3).toString('hex')}`, name: 'Two Senders Library', timeZone: 'UTC' });
    const patrons: string[] = [];
    for (let i = 0; i < PATRONS; i++) {
      const patron = await act(registerPatron, { libraryId: library.id, name: `Pat Sender${i}`, birthDate: '1980-01-01', email: `sender.${i}@example.org` });
      await act(setMyPrivacy, { noticeChannel: 'email' }, { kind: 'patron', id: patron.id, libraryId: library.id }, 'self-service');
      patrons.push(patron.id);
    }
    // 1,000 due-soon notices, fifty a patron, each its own event
    const at = clock.now().toISOString();
    for (let i = 0; i < NOTICES; i++) {
      const patronId = patrons[i % PATRONS]!;
      const id = `n-${String(i).padStart(4, '0')}-${randomBytes(4).toString('hex')}`;
      const payload = await vault.seal(patronId, 'notice', JSON.stringify({ count: '1', dueDate: `${i}` }));
      const added = await insertNotice(database.db, {
        id,
        libraryId: library.id,
        patronId,
        recipient: 'patron',
        kind: 'due-soon',
        channel: 'email',
        language: 'en',
        status: 'queued',
        idempotencyKey: `load:${i}`,
        payload,
        breachId: null,
        nextAttemptAt: at,
        createdAt: at,
        endedAt: null,
      });
      expect(added).toBe(true);
      noticeIds.push(id);
    }
  }, 60_000);

  afterAll(async () => {
    await smtp?.close();
    await database?.drop();
  });

  /** Starts one sender; resolves with its counts once it has sent all it could. */
  function sender(runner: string): { go: () => void; done: Promise<{ sent: number; retry: number; failed: number; cancelled: number }> } {
    const child = spawn(process.execPath, [CHILD], {
      env: cleanEnv({ DATABASE_URL: database.target, CARREL_KEY: key, SMTP_URL: smtp.url, RUNNER: runner }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const done = new Promise<{ sent: number; retry: number; failed: number; cancelled: number }>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${runner} did not finish in time:\n${err}`));
      }, 50_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (code !== 0) reject(new Error(`${runner} exited ${code}:\n${err}`));
        else resolve(JSON.parse(out.trim()));
      });
    });
    return { go: () => child.stdin.end('go\n'), done };
  }

  it('sends each of 1,000 due notices exactly once', async () => {
    const a = sender('sender-a');
    const b = sender('sender-b');
    // Both connected and waiting: start them together
    await new Promise((r) => setTimeout(r, 1_500));
    a.go();
    b.go();
    const [countsA, countsB] = await Promise.all([a.done, b.done]);

    // Every message arrived once: 1,000 distinct Message-IDs, one per notice
    expect(smtp.messages).toHaveLength(NOTICES);
    const messageIds = smtp.messages.map((m) => m.headers['message-id']);
    expect(new Set(messageIds).size).toBe(NOTICES);
    expect(new Set(messageIds)).toEqual(new Set(noticeIds.map((id) => `<notice-${id}@carrel>`)));
    // The two processes shared the work, and neither counted a notice the other sent
    expect(countsA.sent + countsB.sent).toBe(NOTICES);
    expect(countsA.sent).toBeGreaterThan(0);
    expect(countsB.sent).toBeGreaterThan(0);
    expect(countsA.retry + countsB.retry + countsA.failed + countsB.failed + countsA.cancelled + countsB.cancelled).toBe(0);
    // And every row is sent, what it said forgotten, no claim left behind
    const rows = await database.db.selectFrom('notices').select(['status', 'payload', 'claimed_by', 'attempts']).execute();
    expect(rows).toHaveLength(NOTICES);
    expect(rows.filter((r) => r.status !== 'sent' || r.payload !== null || r.claimed_by !== null || Number(r.attempts) !== 0)).toEqual([]);
    // A third run finds nothing left to send
    const c = sender('sender-c');
    c.go();
    expect((await c.done).sent).toBe(0);
    expect(smtp.messages).toHaveLength(NOTICES);
  }, 60_000);
});
