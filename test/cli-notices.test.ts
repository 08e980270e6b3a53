/**
 * Issue 17's notices from the command line, against the real built `carrel` on SQLite, with a real SMTP
 * server (test/smtp-sink.ts) named by CARREL_SMTP_URL: an overdue loan of a patron who chose email is
 * told once by `carrel notices send-due` (recipient and subject right, no title), a second run sends
 * nothing, `notices list` shows it sent (and never a name or address); a template naming {{titles}} is
 * refused; a breach recorded for every patron leaves a letter for the patron who chose no channel.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/domain/clock.js';
import { SYSTEM } from '../src/policy/actors.js';
import { keyStoreTargetFor, openKeyStore } from '../src/storage/key-store.js';
import { checkout } from '../src/usecases/circulation.usecases.js';
import { run, type Caller, type Runtime, type UseCase } from '../src/usecases/context.js';
import { addItem } from '../src/usecases/item.usecases.js';
import { createLibrary } from '../src/usecases/library.usecases.js';
import { registerPatron } from '../src/usecases/patron.usecases.js';
import { setMyPrivacy } from '../src/usecases/self-service.usecases.js';
import { createFirstAdmin } from '../src/usecases/setup.usecases.js';
import { Keyring } from '../src/vault/keyring.js';
import { Vault } from '../src/vault/vault.js';
import { carrel, cleanEnv, COMPILED, document } from './cli-helpers.js';
import { freshDatabase, type TestDatabase } from './engines.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

interface ErrorDocument {
  error: { code: string; message: string; problems: { code: string; field?: string }[] };
}

describe('carrel notices and carrel breach on sqlite, with a real SMTP server', () => {
  let database: TestDatabase;
  let dir: string;
  let sink: SmtpSink;
  let env: NodeJS.ProcessEnv;
  const key = randomBytes(32).toString('base64');
  const libraryId = `ntc-${randomBytes(3).toString('hex')}`;
  const TITLE = 'The Unmentionable Title';
  /** The instant the commands run at: two days after the loan fell due. */
  let asOf = '';

  /** carrel --db <target> [--json] …args, with the SMTP sink configured. */
  const cli = (json: boolean, ...args: string[]) => carrel(['--db', database.target, ...(json ? ['--json'] : []), ...args], { env, cwd: dir });

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before this test (`npm test` does it).');
    database = await freshDatabase('sqlite');
    dir = mkdtempSync(join(tmpdir(), 'carrel-notices-'));
    sink = await startSmtpSink();
    // Given a library, a patron who chose notices by email with an item out, and one who chose no channel.
    const clock = new ManualClock(new Date(Date.now() - 3_600_000).toISOString());
    const store = await openKeyStore(keyStoreTargetFor(database.target));
    database.onDrop(store.close);
    const vault = await Vault.open({ keyring: new Keyring([Buffer.from(key, 'base64')], { kind: 'env' }), store, now: clock.now() });
    const runtime: Runtime = { db: database.db, clock, vault };
    const act = <I, O>(useCase: UseCase<I, O>, input: I, caller: Partial<Caller> = {}) => run(runtime, { actor: SYSTEM, purpose: 'circulation', channel: 'cli', ...caller }, useCase, input);
    await act(createFirstAdmin, undefined);
    await act(createLibrary, { id: libraryId, name: 'Notice Library', timeZone: 'America/Denver' });
    const emailed = await act(registerPatron, { libraryId, name: 'Elena Email', birthDate: '1980-01-01', email: 'elena@example.org', address: '1 Mail Road' });
    await act(setMyPrivacy, { noticeChannel: 'email' }, { actor: { kind: 'patron', id: emailed.id, libraryId }, purpose: 'self-service' });
    await act(registerPatron, { libraryId, name: 'Lionel Letter', birthDate: '1975-01-01', address: '22 Post Lane, Springfield' });
    const item = await act(addItem, { libraryId, barcode: `N${randomBytes(4).toString('hex')}`, title: TITLE });
    const loan = await act(checkout, { cardNumber: emailed.cardNumber, itemBarcode: item.barcode });
    asOf = new Date(Date.parse(loan.dueAt) + 2 * 86_400_000).toISOString();
    env = cleanEnv({ CARREL_KEY: key, CARREL_DATA_DIR: dir, CARREL_SMTP_URL: sink.url, CARREL_PUBLIC_URL: 'https://carrel.example' });
  }, 60_000);

  afterAll(async () => {
    await sink?.close();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends an overdue notice once, by email, without the title; a second run sends nothing; the list shows it sent', async () => {
    // When the day's notices are sent two days after the due date
    const first = await cli(true, 'notices', 'send-due', '--library', libraryId, '--as-of', asOf);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(document<{ planned: { overdue: number }; delivered: { sent: number } }>(first)).toMatchObject({ planned: { overdue: 1 }, delivered: { sent: 1 } });
    // Then the SMTP server got exactly one message, to the patron's address, saying what the template says (JC-VI: no title)
    expect(sink.messages).toHaveLength(1);
    const message = sink.messages[0]!;
    expect(message.to).toEqual(['elena@example.org']);
    expect(message.subject).toBe('Notice Library: overdue items');
    expect(message.text).toContain('1 item(s) on your card were due on');
    expect(message.text).toContain('https://carrel.example/app/');
    expect(message.raw).not.toContain(TITLE);

    // Run again: nothing planned, nothing sent (each notice is keyed by its event)
    const again = await cli(true, 'notices', 'send-due', '--library', libraryId, '--as-of', asOf);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(document<{ planned: { overdue: number }; delivered: { sent: number } }>(again)).toMatchObject({ planned: { overdue: 0 }, delivered: { sent: 0 } });
    expect(sink.messages).toHaveLength(1);

    const listed = await cli(true, 'notices', 'list', '--library', libraryId);
    expect(listed.code, listed.stderr).toBe(0);
    const notices = document<{ notices: { kind: string; channel: string; status: string; attempts: number; sentAt: string | null }[] }>(listed).notices;
    expect(notices).toEqual([expect.objectContaining({ kind: 'overdue-1', channel: 'email', status: 'sent', attempts: 0 })]);
    expect(notices[0]?.sentAt).not.toBeNull();
  });

  it('refuses a template naming {{titles}} under a profile that forbids it, and saves nothing', async () => {
    const body = join(dir, 'titles.txt');
    writeFileSync(body, 'You still have: {{titles}}\n');
    const refused = await cli(true, 'notices', 'template', 'set', '--library', libraryId, '--kind', 'overdue-1', '--language', 'en', '--subject', '{{library}}: overdue', '--body-file', body);
    expect(refused.code).toBe(1);
    const error = document<ErrorDocument>(refused).error;
    expect(error.code).toBe('TEMPLATE_FIELD_NOT_ALLOWED');
    expect(error.problems).toEqual([expect.objectContaining({ code: 'TEMPLATE_FIELD_NOT_ALLOWED', field: 'titles' })]);
    expect(await database.db.selectFrom('notice_templates').selectAll().execute()).toEqual([]);
  });

  it('records a breach of every patron: an email queued for the patron who chose it, a letter to post for the other (RR-6)', async () => {
    // The day before, in UTC: never after the library's own date (Denver is behind UTC).
    const day = new Date(Date.parse(asOf) - 86_400_000).toISOString().slice(0, 10);
    const recorded = await cli(true, 'breach', 'record', '--library', libraryId, '--occurred', day, '--discovered', day, '--categories', 'registration,circulation', '--all', '--description', 'A laptop was stolen.', '--actions', 'We reset every password.', '--as-of', asOf);
    expect(recorded.code, recorded.stdout + recorded.stderr).toBe(0);
    expect(document(recorded)).toMatchObject({ patrons: 2, queued: 1, letters: 1 });

    const letters = await cli(true, 'notices', 'letters', '--library', libraryId);
    expect(letters.code, letters.stderr).toBe(0);
    const printed = document<{ letters: { name: string; address: string | null; kind: string; body: string }[] }>(letters).letters;
    expect(printed).toEqual([expect.objectContaining({ kind: 'breach', name: 'Lionel Letter', address: '22 Post Lane, Springfield' })]);
    expect(printed[0]?.body).toContain('We reset every password.');

    // The staff list, in text: one line per notice, and never a patron's name or address
    const text = await cli(false, 'notices', 'list', '--library', libraryId);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.trim().split('\n')).toHaveLength(3);
    expect(text.stdout).toMatch(/breach +letter/);
    for (const personal of ['Elena', 'Lionel', 'elena@example.org', 'Post Lane']) expect(text.stdout).not.toContain(personal);
  });
});
