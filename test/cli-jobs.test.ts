import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { carrel, cleanEnv, COMPILED, document } from './cli-helpers.js';
import { startSmtpSink } from './smtp-sink.js';

/**
 * `carrel jobs list|run` end to end on a SQLite database the CLI prepared: a job run by hand goes
 * through the scheduler's claim, so the same period twice says it already ran (and charges nothing
 * twice), `--force` runs it again, and the list shows what each job last did. Runs the compiled dist/.
 */

interface RunDocument {
  job: string;
  runs: { job: string; period: string; libraryId: string | null; status: string; outcome: Record<string, number> | null }[];
}
interface ListDocument {
  jobs: { name: string; period: string; lastRuns: { period: string; status: string; outcome: Record<string, number> | null }[] }[];
}

const CLI_TIMEOUT = 120_000;
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('carrel jobs on sqlite', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let target: string;
  const json = (...args: string[]) => carrel(['--db', target, '--json', ...args], { env, cwd: dir });
  const ok = async (...args: string[]) => {
    const result = await json(...args);
    expect(result.code, `${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
    return result;
  };

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
    dir = mkdtempSync(join(tmpdir(), 'carrel-cli-jobs-'));
    env = cleanEnv({ CARREL_DATA_DIR: dir, CARREL_KEY_FILE: join(dir, 'carrel.key') });
    target = join(dir, 'carrel.db');
    await ok('init');
    await ok('library', 'add', '--id', 'jobs-lib', '--name', 'Jobs Library');
    const card = document<{ cardNumber: string }>(await ok('patron', 'add', '--library', 'jobs-lib', '--name', 'Cli Jobsmarker', '--birth-date', '1980-01-01')).cardNumber;
    await ok('item', 'add', '--library', 'jobs-lib', '--barcode', 'JOB-1', '--title', 'A Late Book');
    await ok('checkout', '--card', card, '--item', 'JOB-1');
  }, CLI_TIMEOUT);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'runs a job through its claim once per period; --force runs it again without charging twice; the list shows its last run',
    async () => {
      const asOf = daysFromNow(26);
      const first = document<RunDocument>(await ok('jobs', 'run', 'fines-accrue', '--library', 'jobs-lib', '--as-of', asOf));
      expect(first.runs).toHaveLength(1);
      expect(first.runs[0]).toMatchObject({ job: 'fines-accrue', libraryId: 'jobs-lib', status: 'ran', outcome: { loans: 1, created: 1 } });
      const charged = first.runs[0]?.outcome?.addedCents ?? 0;
      expect(charged).toBeGreaterThan(0);

      const again = await carrel(['--db', target, 'jobs', 'run', 'fines-accrue', '--as-of', asOf], { env, cwd: dir });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('already ran');
      const forced = document<RunDocument>(await ok('jobs', 'run', 'fines-accrue', '--as-of', asOf, '--force'));
      expect(forced.runs[0]).toMatchObject({ status: 'ran', outcome: { created: 0, toppedUp: 0, addedCents: 0 } });

      const list = document<ListDocument>(await ok('jobs', 'list'));
      expect(list.jobs.map((j) => j.name)).toEqual(['fines-accrue', 'long-overdue', 'holds-expire', 'notices-plan', 'notices-send', 'retention', 'key-purge', 'oidc-purge', 'legacy-pins']);
      const fines = list.jobs.find((j) => j.name === 'fines-accrue');
      expect(fines?.lastRuns).toMatchObject([{ period: first.runs[0]?.period, status: 'done', outcome: { addedCents: 0 } }]);
      expect(list.jobs.find((j) => j.name === 'long-overdue')?.lastRuns).toEqual([]);
      expect(JSON.stringify(list)).not.toContain('Jobsmarker');
    },
    CLI_TIMEOUT,
  );

  it(
    'jobs run notices-send sends on the SMTP server the environment names, once',
    async () => {
      // Given a patron who chose email (no CLI command sets the choice: the portal does) and a hold trapped for them
      const card = document<{ cardNumber: string; id: string }>(
        await ok('patron', 'add', '--library', 'jobs-lib', '--name', 'Cli Noticemarker', '--birth-date', '1980-01-01', '--email', 'cli.notice@example.org'),
      );
      const sqlite = new Database(target);
      sqlite.prepare(`update patrons set notice_channel = 'email' where id = ?`).run(card.id);
      sqlite.close();
      await ok('item', 'add', '--library', 'jobs-lib', '--barcode', 'JOB-2', '--title', 'A Held Book');
      await ok('holds', 'place', '--card', card.cardNumber, '--item', 'JOB-2');
      const smtp = await startSmtpSink();
      try {
        const send = () => carrel(['--db', target, '--json', 'jobs', 'run', 'notices-send'], { env: { ...env, CARREL_SMTP_URL: smtp.url }, cwd: dir });
        const first = await send();
        expect(first.code, first.stdout + first.stderr).toBe(0);
        expect(document<RunDocument>(first).runs[0]).toMatchObject({ job: 'notices-send', status: 'ran', outcome: { sent: 1 } });
        expect(smtp.messages.map((m) => [m.to, m.subject])).toEqual([[['cli.notice@example.org'], 'Jobs Library: a hold is ready for you']]);
        const again = await send();
        expect(document<RunDocument>(again).runs[0]).toMatchObject({ outcome: { sent: 0 } });
        expect(smtp.messages).toHaveLength(1);
      } finally {
        await smtp.close();
      }
    },
    CLI_TIMEOUT,
  );

  it(
    'refuses an unknown job and --library for a job of every library',
    async () => {
      const unknown = await json('jobs', 'run', 'no-such-job');
      expect(unknown.code).toBe(1);
      expect(document<{ error: { code: string } }>(unknown).error.code).toBe('JOB_NOT_FOUND');
      const scoped = await json('jobs', 'run', 'key-purge', '--library', 'jobs-lib');
      expect(scoped.code).toBe(1);
      expect(document<{ error: { code: string } }>(scoped).error.code).toBe('VALIDATION_FAILED');
    },
    CLI_TIMEOUT,
  );
});
