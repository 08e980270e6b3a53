import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildPatron, libraryWorld, type World } from '../../test/factories.js';
import { startServer, type Json, type TestServer } from '../../test/http.js';
import type { RegisteredPatron } from '../usecases/patron.usecases.js';
import { placeHold } from '../usecases/hold.usecases.js';
import { claimNotices, finishNotices, queuePolicyNotices, type PolicyAnnouncement } from '../usecases/notice.usecases.js';
import { createStaff } from '../usecases/staff.usecases.js';
import { redactPaths } from '../log.js';

/**
 * Notices over real HTTP, on every engine (issue 17): desk staff list and retry, administrators edit the
 * settings and templates (a field the profile forbids is refused, JC-VI), only the director records a
 * breach and its notices go out by each patron's channel or as a letter (RR-6); a mailing's one-click
 * unsubscribe works without a log-in, only with a real token, and the token never reaches the log
 * (RR-3, RF-8); the patron sees their own notices and chooses their language and mailings.
 */
describe.each(ENGINES)('notices over HTTP on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let server: TestServer;
  const logs: string[] = [];
  const cookies: Record<'clerk' | 'admin' | 'director', string> = { clerk: '', admin: '', director: '' };
  const runner = `test-${engine}`;

  const staff = async (role: string) => {
    const username = `notices-${role}-${engine}`;
    const { password } = await w.act(createStaff, { username, libraryId, roles: [role] });
    return server.login({ username, password });
  };
  /** A patron of the library who chose `channel` for notices (through the portal). */
  const patron = async (channel: 'none' | 'email', overrides: { email?: string | null } = {}): Promise<RegisteredPatron & { cookie: string }> => {
    const p = await buildPatron(w, { libraryId, ...overrides });
    const cookie = await server.patronLogin({ cardNumber: p.cardNumber, pin: p.pin });
    if (channel !== 'none') expect((await server.call('PUT', '/me/privacy', { cookie, body: { noticeChannel: channel } })).status).toBe(200);
    return { ...p, cookie };
  };
  const claim = () => w.act(claimNotices, { runner, limit: 10_000, leaseMs: 600_000, channels: ['email', 'text'], publicUrl: 'http://carrel.example' });
  const mailingsOff = async (patronId: string) =>
    (await database.db.selectFrom('patrons').select('mailings_off_since').where('id', '=', patronId).executeTakeFirstOrThrow()).mailings_off_since;
  const accessCount = async () => Number((await database.db.selectFrom('access_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    server = await startServer(w, { onLog: (chunk) => logs.push(chunk) });
    cookies.clerk = await staff('circulation');
    cookies.admin = await staff('admin');
    cookies.director = await staff('director');
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  it('lets the desk list and retry a failed notice, once; /me/notices shows it to its patron', async () => {
    // Given a patron who chose email, told a hold is ready, and the mail server refusing the message for good
    const p = await patron('email', { email: 'retry.me@example.org' });
    await w.act(placeHold, { cardNumber: p.cardNumber, itemBarcode: (await buildItem(w, { libraryId })).barcode });
    const { messages } = await claim();
    const message = messages.find((m) => m.to === 'retry.me@example.org');
    expect(message).toBeDefined();
    const noticeId = (message as { noticeId: string }).noticeId;
    expect(await w.act(finishNotices, { runner, results: [{ noticeId, result: { status: 'failed', code: '550' } }] })).toMatchObject({ failed: 1 });

    // When the clerk lists the failures, they see it by kind, channel and code, never what it said
    const failed = await server.call('GET', `/libraries/${libraryId}/notices?status=failed,queued&kind=hold-ready`, { cookie: cookies.clerk });
    expect(failed.status).toBe(200);
    const row = failed.body.find((n: Json) => n.id === noticeId);
    expect(row).toMatchObject({ patronId: p.id, kind: 'hold-ready', channel: 'email', status: 'failed', errorCode: '550' });
    expect(failed.text).not.toContain('retry.me@example.org');
    const counts = await server.call('GET', `/libraries/${libraryId}/notices/counts`, { cookie: cookies.clerk });
    expect(counts.body).toContainEqual({ kind: 'hold-ready', channel: 'email', status: 'failed', count: 1 });

    // Then a retry queues it again, and a second retry is refused: it is no longer failed
    const retried = await server.call('POST', `/notices/${noticeId}/retry`, { cookie: cookies.clerk });
    expect([retried.status, retried.body.status, retried.body.id]).toEqual([200, 'queued', noticeId]);
    const again = await server.call('POST', `/notices/${noticeId}/retry`, { cookie: cookies.clerk });
    expect([again.status, again.body.error.code]).toEqual([409, 'NOTICE_NOT_RETRYABLE']);
    expect((await server.call('POST', `/libraries/${libraryId}/notices/retry-failed`, { cookie: cookies.clerk })).body).toEqual({ retried: 0 });
    // A notice no one has is not found; an id that is not one is bad input
    expect((await server.call('POST', '/notices/00000000-0000-4000-8000-000000000000/retry', { cookie: cookies.clerk })).body.error.code).toBe('NOTICE_NOT_FOUND');
    expect((await server.call('POST', '/notices/not-an-id/retry', { cookie: cookies.clerk })).status).toBe(400);
    // The system administrator runs the system, not the queue of patrons' notices
    expect((await server.call('GET', `/libraries/${libraryId}/notices`, { cookie: cookies.admin })).status).toBe(403);

    // And the patron sees their notice in the portal (kind, channel, status), the reading logged
    const mine = await server.call('GET', '/me/notices', { cookie: p.cookie });
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual([expect.objectContaining({ kind: 'hold-ready', channel: 'email', status: 'queued' })]);
    const logged = await database.db.selectFrom('access_log').select('action').where('patron_id', '=', p.id).where('action', '=', 'view-notices').execute();
    expect(logged).toHaveLength(1);
    expect((await server.call('GET', '/me/notices', { cookie: cookies.clerk })).status).toBe(403);
  });

  it('lets administrators edit templates and settings, refusing a field the profile forbids (JC-VI) and a bad setting', async () => {
    const base = `/libraries/${libraryId}/notice-templates/hold-ready/en`;
    const body = { subject: '{{library}}: ready', body: 'Your hold is at {{branch}} until {{pickupBy}}.' };
    // A clerk may read and preview, not edit
    expect((await server.call('GET', `/libraries/${libraryId}/notice-templates`, { cookie: cookies.clerk })).status).toBe(200);
    expect((await server.call('PUT', base, { cookie: cookies.clerk, body })).status).toBe(403);
    expect((await server.call('PATCH', `/libraries/${libraryId}/notice-settings`, { cookie: cookies.clerk, body: { dueSoonDays: 2 } })).status).toBe(403);

    // Titles under a profile without notices.titles: refused with the field, and nothing saved
    const titles = await server.call('PUT', base, { cookie: cookies.admin, body: { ...body, body: 'Ready: {{titles}}' } });
    expect([titles.status, titles.body.error.code]).toEqual([422, 'TEMPLATE_FIELD_NOT_ALLOWED']);
    expect(titles.body.error.problems).toContainEqual(expect.objectContaining({ code: 'TEMPLATE_FIELD_NOT_ALLOWED', field: 'titles' }));
    const listed = await server.call('GET', `/libraries/${libraryId}/notice-templates`, { cookie: cookies.admin });
    const holdReady = listed.body.find((t: Json) => t.kind === 'hold-ready' && t.language === 'en');
    expect(holdReady).toMatchObject({ custom: false, updatedAt: null });
    expect(holdReady.fields).not.toContain('titles');
    // Eleven kinds (the PIN-reset link among them, issue 18), each in English and Spanish
    expect(listed.body).toHaveLength(22);

    // A preview of a draft renders a fictional patron's notice and says what saving would refuse
    const preview = await server.call('POST', `${base}/preview`, { cookie: cookies.clerk, body: { body: 'At {{branch}}: {{titles}}' } });
    expect(preview.status).toBe(200);
    expect(preview.body.body).toContain('Central Branch');
    expect(preview.body.subject).toContain('a hold is ready');
    expect(preview.body.problems).toEqual([expect.objectContaining({ field: 'titles' })]);

    // The administrator saves one, and goes back to the shipped one
    const saved = await server.call('PUT', base, { cookie: cookies.admin, body });
    expect([saved.status, saved.body.custom, saved.body.body]).toEqual([200, true, body.body]);
    const reset = await server.call('DELETE', base, { cookie: cookies.admin });
    expect([reset.status, reset.body.custom]).toEqual([200, false]);

    // Settings: a bad overdue schedule is refused naming the field, and nothing changes
    const before = await server.call('GET', `/libraries/${libraryId}/notice-settings`, { cookie: cookies.admin });
    expect(before.body).toMatchObject({ dueSoonDays: 3, overdueDays: [1, 8, 15], defaultLanguage: 'en' });
    const bad = await server.call('PATCH', `/libraries/${libraryId}/notice-settings`, { cookie: cookies.admin, body: { dueSoonDays: 5, overdueDays: [8, 1] } });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(bad.body.error.problems).toContainEqual(expect.objectContaining({ field: 'overdueDays' }));
    expect((await server.call('GET', `/libraries/${libraryId}/notice-settings`, { cookie: cookies.admin })).body).toEqual(before.body);
    const changed = await server.call('PATCH', `/libraries/${libraryId}/notice-settings`, { cookie: cookies.admin, body: { dueSoonDays: 2, defaultLanguage: 'es' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ ...before.body, dueSoonDays: 2, defaultLanguage: 'es' });
    await server.call('PATCH', `/libraries/${libraryId}/notice-settings`, { cookie: cookies.admin, body: { defaultLanguage: 'en' } });
  });

  it('answers bad input with 400, never 500', async () => {
    const cookie = cookies.admin;
    const calls = await Promise.all([
      server.call('PUT', `/libraries/${libraryId}/notice-templates/no-such-kind/en`, { cookie, body: { subject: 'x', body: 'y' } }),
      server.call('PUT', `/libraries/${libraryId}/notice-templates/hold-ready/fr`, { cookie, body: { subject: 'x', body: 'y' } }),
      server.call('POST', `/libraries/${libraryId}/notice-templates/nope/en/preview`, { cookie, body: {} }),
      server.call('PATCH', `/libraries/${libraryId}/notice-settings`, { cookie, body: { defaultLanguage: 'fr' } }),
      server.call('PATCH', `/libraries/${libraryId}/notice-settings`, { cookie, body: { dueSoonDays: 'three' } }),
      server.call('GET', `/libraries/${libraryId}/notices?kind=bogus`, { cookie: cookies.clerk }),
      server.call('GET', `/libraries/${libraryId}/notices?limit=0`, { cookie: cookies.clerk }),
      server.call('POST', `/libraries/${libraryId}/breaches`, { cookie: cookies.director, body: { scope: 'all' } }),
      server.call('POST', `/libraries/${libraryId}/breaches`, {
        cookie: cookies.director,
        body: { occurredOn: 'yesterday', discoveredOn: '2026-02-27', categories: ['no-such-category'], scope: 'all', description: 'x', actions: 'y' },
      }),
      server.call('POST', '/unsubscribe', { body: { token: '' } }),
    ]);
    for (const answer of calls) expect(answer.status, answer.text).toBe(400);
    const notJson = await fetch(`${server.base}/api/v1/libraries/${libraryId}/notice-settings`, {
      method: 'PATCH',
      headers: { cookie, 'x-csrf-token': server.csrfOf(cookie) as string, 'content-type': 'application/json' },
      body: '{"dueSoonDays": ',
    });
    expect([notJson.status, ((await notJson.json()) as Json).error.code]).toEqual([400, 'INVALID_JSON']);
    const formToJsonRoute = await fetch(`${server.base}/api/v1/unsubscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=abc' });
    expect(formToJsonRoute.status).toBe(400);
  });

  it('lets only the director record a breach; patrons are told by their channel, or by a letter staff post (RR-6)', async () => {
    const byEmail = await patron('email');
    const byLetter = await patron('none', { email: null });
    const breach = { occurredOn: '2026-02-20', discoveredOn: '2026-02-27', categories: ['registration'], scope: 'all', description: 'A laptop was stolen.', actions: 'We reset every staff password.' };
    for (const role of ['clerk', 'admin'] as const) expect((await server.call('POST', `/libraries/${libraryId}/breaches`, { cookie: cookies[role], body: breach })).status).toBe(403);
    expect((await server.call('GET', `/libraries/${libraryId}/breaches`, { cookie: cookies.admin })).status).toBe(403);

    const patrons = Number((await database.db.selectFrom('patrons').select((eb) => eb.fn.countAll().as('n')).where('library_id', '=', libraryId).executeTakeFirstOrThrow()).n);
    const recorded = await server.call('POST', `/libraries/${libraryId}/breaches`, { cookie: cookies.director, body: breach });
    expect(recorded.status).toBe(201);
    expect(recorded.body.patrons).toBe(patrons);
    expect(recorded.body.queued + recorded.body.letters).toBe(patrons);
    expect(recorded.body.letters).toBeGreaterThanOrEqual(1);
    expect(recorded.body.breach).toMatchObject({ scope: 'all', categories: ['registration'], patronsAffected: patrons, letters: recorded.body.letters });

    // The patron who chose email has a breach notice queued by email; the one who chose nothing, a letter
    const queued = await server.call('GET', `/libraries/${libraryId}/notices?kind=breach`, { cookie: cookies.clerk });
    expect(queued.body.find((n: Json) => n.patronId === byEmail.id)).toMatchObject({ channel: 'email', status: 'queued', breachId: recorded.body.breach.id });
    const letter = queued.body.find((n: Json) => n.patronId === byLetter.id);
    expect(letter).toMatchObject({ channel: 'letter', status: 'letter' });
    const letters = await server.call('GET', `/libraries/${libraryId}/notices/letters`, { cookie: cookies.clerk });
    expect(letters.status).toBe(200);
    const printed = letters.body.find((l: Json) => l.noticeId === letter.id);
    expect(printed.body).toContain('We reset every staff password.');
    expect(printed.name).toMatch(/^Pat Marker/);

    const posted = await server.call('POST', `/notices/${letter.id}/posted`, { cookie: cookies.clerk });
    expect([posted.status, posted.body.status]).toEqual([200, 'posted']);
    expect((await server.call('POST', `/notices/${letter.id}/posted`, { cookie: cookies.clerk })).status).toBe(409);
    const register = await server.call('GET', `/libraries/${libraryId}/breaches`, { cookie: cookies.director });
    expect(register.body).toEqual([expect.objectContaining({ id: recorded.body.breach.id, posted: 1, description: 'A laptop was stolen.' })]);
  });

  it('unsubscribes from policy-change mailings with one click and no log-in; a forged token changes nothing, and no token is logged (RR-3, RF-8)', async () => {
    // Given two patrons with email, and a policy-change mailing queued and built for them
    const first = await patron('none', { email: 'first.unsub@example.org' });
    const second = await patron('none', { email: 'second.unsub@example.org' });
    const announcement: PolicyAnnouncement = { announce: true, previous: 'previous-hash', current: `policy-${engine}`, version: 2, changes: ['Returned loans: anonymised on return'] };
    await w.act(queuePolicyNotices, { libraryId, announcement, afterId: null, limit: 1000 });
    const { messages } = await claim();
    const tokenOf = (to: string) => {
      const header = messages.find((m) => m.to === to)?.headers['List-Unsubscribe'] as string;
      expect(header).toMatch(/^<http:\/\/carrel\.example\/api\/v1\/unsubscribe\/[^>]+>$/);
      return header.slice(header.lastIndexOf('/') + 1, -1);
    };
    const token = tokenOf('first.unsub@example.org');
    const secondToken = tokenOf('second.unsub@example.org');
    logs.length = 0;

    // A forged or altered token is refused, and changes nothing
    const before = await accessCount();
    const altered = `${secondToken.slice(0, -2)}${secondToken.endsWith('AA') ? 'BB' : 'AA'}`;
    const tooLong = 'x'.repeat(300);
    for (const bad of [altered, 'v1.forged.token', tooLong]) {
      const refused = await fetch(`${server.base}/api/v1/unsubscribe/${bad}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      // Longer than a path parameter may be: refused as URL_INVALID before any handler
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as Json).error.code).toBe(bad.length > 200 ? 'URL_INVALID' : 'UNSUBSCRIBE_TOKEN_INVALID');
    }
    const refusedJson = await server.call('POST', '/unsubscribe', { body: { token: altered } });
    expect([refusedJson.status, refusedJson.body.error.code]).toEqual([400, 'UNSUBSCRIBE_TOKEN_INVALID']);
    expect(await mailingsOff(second.id)).toBeNull();
    expect(await accessCount()).toBe(before);

    // When the mail provider posts RFC 8058's one-click body to the header's address (no cookie, no CSRF token)
    const oneClick = await fetch(`${server.base}/api/v1/unsubscribe/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect([oneClick.status, await oneClick.json()]).toEqual([200, { unsubscribed: true }]);
    expect(await mailingsOff(first.id)).not.toBeNull();
    expect(await mailingsOff(second.id)).toBeNull();
    // Again, with an empty body: still fine, nothing more to do
    expect((await fetch(`${server.base}/api/v1/unsubscribe/${token}`, { method: 'POST' })).status).toBe(200);
    // The portal's page posts the token as JSON
    const page = await server.call('POST', '/unsubscribe', { body: { token: secondToken } });
    expect([page.status, page.body]).toEqual([200, { unsubscribed: true }]);
    expect(await mailingsOff(second.id)).not.toBeNull();

    // Then the patron's privacy settings say so, and the next mailing is not queued for them
    const privacy = await server.call('GET', '/me/privacy', { cookie: first.cookie });
    expect(privacy.body).toMatchObject({ policyMailings: false });
    const next = await w.act(queuePolicyNotices, { libraryId, announcement: { ...announcement, current: `policy-${engine}-3` }, afterId: null, limit: 1000 });
    const queuedFor = await database.db.selectFrom('notices').select('patron_id').where('idempotency_key', 'like', `policy-changed:policy-${engine}-3:%`).execute();
    expect(queuedFor.map((r) => r.patron_id)).not.toContain(first.id);
    expect(next.queued).toBe(queuedFor.length);

    // And no token reached the log, though every request was logged
    const text = logs.join('');
    expect(text).toContain('/api/v1/unsubscribe');
    for (const t of [token, secondToken, altered, tooLong]) expect(text).not.toContain(t);
    // A token-bearing path that reaches a log line another way (an error's message) is blanked too
    expect(redactPaths(`Route POST:/api/v1/unsubscribe/${token} failed`)).toBe('Route POST:/api/v1/unsubscribe/[redacted] failed');
    expect(redactPaths('/api/v1/unsubscribe/:token')).toBe('/api/v1/unsubscribe/:token');
  });

  it('round-trips the patron’s notice language and policy mailings in the privacy settings', async () => {
    const p = await patron('none');
    const defaults = await server.call('GET', '/me/privacy', { cookie: p.cookie });
    expect(defaults.body).toMatchObject({ noticeChannel: 'none', noticeLanguage: null, policyMailings: true, mailingLists: false });
    const chosen = await server.call('PUT', '/me/privacy', { cookie: p.cookie, body: { noticeLanguage: 'es', policyMailings: false } });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toEqual({ ...defaults.body, noticeLanguage: 'es', policyMailings: false });
    expect((await server.call('GET', '/me/privacy', { cookie: p.cookie })).body).toEqual(chosen.body);
    const bad = await server.call('PUT', '/me/privacy', { cookie: p.cookie, body: { noticeLanguage: 'fr', policyMailings: true } });
    expect(bad.status).toBe(400);
    expect((await server.call('GET', '/me/privacy', { cookie: p.cookie })).body).toEqual(chosen.body);
    const back = await server.call('PUT', '/me/privacy', { cookie: p.cookie, body: { noticeLanguage: null, policyMailings: true } });
    expect(back.body).toEqual(defaults.body);
    const actions = await database.db.selectFrom('access_log').select('action').where('patron_id', '=', p.id).where('action', '=', 'notice-choices-changed').execute();
    expect(actions).toHaveLength(2);
  });
});
