import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildPatron, libraryWorld, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { startSmtpSink, type SmtpSink, type SunkMessage } from '../../test/smtp-sink.js';
import type { NoticeChannel } from '../domain/notices.js';
import { deliverNotices } from '../jobs/notices.job.js';
import { emailChannel } from '../notices/email.channel.js';
import { reportCardLost } from '../usecases/patron-service.usecases.js';

/**
 * A forgotten PIN, reset by email, over real HTTP and a real SMTP server, on every engine (issue 18):
 * the link emailed sets a new PIN once, within 30 minutes; the request answers alike whatever the card;
 * a link cut short, forged, used or late changes nothing; no log line holds a card number, token or PIN.
 */
describe.each(ENGINES)('resetting a forgotten PIN by email on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let server: TestServer;
  let smtp: SmtpSink;
  let email: NoticeChannel;
  const logs: string[] = [];

  /** The scheduler's sending of notices, run now. */
  const sendNotices = () => deliverNotices(w.runtime, { email }, { runner: `pin-reset-${engine}`, publicUrl: 'https://carrel.test' });
  /** The token of the link in a PIN-reset email (after the #). */
  const tokenIn = (message: SunkMessage): string => {
    const link = /https:\/\/carrel\.test\/app\/pin-reset#(\S+)/.exec(message.text);
    expect(link).not.toBeNull();
    return (link as RegExpExecArray)[1] as string;
  };
  /** Asks for a link and sends the notices: the email the sink caught, if one came. */
  const askForLink = async (cardNumber: string): Promise<SunkMessage | undefined> => {
    const before = smtp.messages.length;
    const answer = await server.call('POST', '/pin-reset/request', { body: { cardNumber } });
    expect([answer.status, answer.body]).toEqual([202, {}]);
    await sendNotices();
    return smtp.messages.slice(before)[0];
  };
  const pinHashOf = async (id: string) => (await database.db.selectFrom('patrons').select('pin_hash').where('id', '=', id).executeTakeFirstOrThrow()).pin_hash;
  const loginStatus = async (cardNumber: string, pin: string) => (await server.call('POST', '/auth/patron-login', { body: { cardNumber, pin } })).status;

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    smtp = await startSmtpSink();
    email = emailChannel({ url: smtp.url, from: 'carrel@library.test' });
    server = await startServer(w, { onLog: (chunk) => logs.push(chunk) });
  });
  afterAll(async () => {
    await server.close();
    await email.close?.();
    await smtp.close();
    await database.drop();
  });

  it('emails a link that sets a new PIN once; the old PIN and every session are gone', async () => {
    // Given a patron with an email address who chose no notice channel, logged in somewhere
    const p = await buildPatron(w, { libraryId, email: `reset.${engine}@example.org` });
    const oldSession = await server.patronLogin({ cardNumber: p.cardNumber, pin: p.pin });

    // When they ask for a link, it is emailed to them (a service message, whatever channel they chose)
    const message = await askForLink(p.cardNumber);
    expect(message?.to).toEqual([`reset.${engine}@example.org`]);
    expect(message?.text).toContain('30 minutes');
    expect(message?.text).toContain('If you did not ask, ignore this message: your PIN is unchanged.');
    const token = tokenIn(message as SunkMessage);

    // Then the link's token sets a new PIN: the new one logs in, the old one no longer, the old session is over
    const reset = await server.call('POST', '/pin-reset', { body: { token, pin: '73194628' } });
    expect(reset.status).toBe(204);
    expect(await loginStatus(p.cardNumber, '73194628')).toBe(200);
    expect(await loginStatus(p.cardNumber, p.pin)).toBe(401);
    expect((await server.call('GET', '/me', { cookie: oldSession })).status).toBe(401);

    // And the same link again is refused and changes nothing: it was issued against the PIN it replaced
    const hash = await pinHashOf(p.id);
    const again = await server.call('POST', '/pin-reset', { body: { token, pin: '11112222' } });
    expect([again.status, again.body.error.code]).toEqual([400, 'PIN_RESET_TOKEN_INVALID']);
    expect(await pinHashOf(p.id)).toBe(hash);

    // And the patron's access log says someone asked and the PIN was reset
    const events = await database.db.selectFrom('access_log').select('action').where('patron_id', '=', p.id).execute();
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['pin-reset-requested', 'notice-sent:pin-reset', 'pin-reset']));
  });

  it('sends the link by email only, to a patron who chose texts as well', async () => {
    // Given a patron with an email and a phone who chose both channels for notices
    const p = await buildPatron(w, { libraryId, email: `both.${engine}@example.org`, phone: '505-555-0199' });
    const cookie = await server.patronLogin({ cardNumber: p.cardNumber, pin: p.pin });
    expect((await server.call('PUT', '/me/privacy', { cookie, body: { noticeChannel: 'both' } })).status).toBe(200);
    // When they ask for a link, one notice is queued, by email: a link that sets a PIN goes to no phone
    expect((await askForLink(p.cardNumber))?.to).toEqual([`both.${engine}@example.org`]);
    const rows = await database.db.selectFrom('notices').select(['channel', 'status', 'payload']).where('kind', '=', 'pin-reset').where('patron_id', '=', p.id).execute();
    // And once sent, what it said (the token) is forgotten
    expect(rows).toEqual([{ channel: 'email', status: 'sent', payload: null }]);
  });

  it('answers alike for an unknown card, a patron with no email and a card reported lost, and sends nothing', async () => {
    const noEmail = await buildPatron(w, { libraryId, email: null });
    const lost = await buildPatron(w, { libraryId, email: `lost.${engine}@example.org` });
    await w.act(reportCardLost, { patronId: lost.id });
    const sentBefore = smtp.messages.length;
    for (const cardNumber of ['29999000000000', noEmail.cardNumber, lost.cardNumber]) expect(await askForLink(cardNumber)).toBeUndefined();
    expect(smtp.messages.length).toBe(sentBefore);
    // Nothing queued either: the patron with no email resets at the desk
    const queued = await database.db.selectFrom('notices').select('patron_id').where('kind', '=', 'pin-reset').where('patron_id', 'in', [noEmail.id, lost.id]).execute();
    expect(queued).toEqual([]);
  });

  it('refuses a link cut short, forged or past its 30 minutes, and a bad new PIN, changing nothing', async () => {
    const p = await buildPatron(w, { libraryId });
    const token = tokenIn((await askForLink(p.cardNumber)) as SunkMessage);
    const hash = await pinHashOf(p.id);
    const [version, iv, body] = token.split('.') as [string, string, string];
    const forged = `${version}.${iv}.${body.slice(0, -2)}${body.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const bad of [token.slice(0, -10), forged, 'v1.not-a.token']) {
      const answer = await server.call('POST', '/pin-reset', { body: { token: bad, pin: '55556666' } });
      expect([answer.status, answer.body.error.code]).toEqual([400, 'PIN_RESET_TOKEN_INVALID']);
    }
    // A PIN that breaks the rules is refused as a PIN change refuses it, and the link still works after
    const short = await server.call('POST', '/pin-reset', { body: { token, pin: '12' } });
    expect([short.status, short.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await pinHashOf(p.id)).toBe(hash);

    // Thirty-one minutes later the link is dead
    w.clock.advanceMinutes(31);
    const late = await server.call('POST', '/pin-reset', { body: { token, pin: '55556666' } });
    expect([late.status, late.body.error.code]).toEqual([400, 'PIN_RESET_TOKEN_INVALID']);
    expect(await pinHashOf(p.id)).toBe(hash);
    expect(await loginStatus(p.cardNumber, p.pin)).toBe(200);
  });

  it('writes no card number, token or PIN to any log line', async () => {
    const p = await buildPatron(w, { libraryId });
    const token = tokenIn((await askForLink(p.cardNumber)) as SunkMessage);
    expect((await server.call('POST', '/pin-reset', { body: { token, pin: '86429753' } })).status).toBe(204);
    const text = logs.join('');
    expect(text).toContain('/api/v1/pin-reset');
    for (const secret of [p.cardNumber, token, token.split('.')[2] as string, '86429753', p.pin]) expect(text).not.toContain(secret);
  });

  it('throttles requests and failed resets per address', async () => {
    const tight = await startServer(w, { loginThrottle: { limit: 2, windowMinutes: 15 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await tight.call('POST', '/pin-reset/request', { body: { cardNumber: '29999000000001' } })).status);
      for (let i = 0; i < 3; i++) statuses.push((await tight.call('POST', '/pin-reset', { body: { token: 'v1.not-a.token', pin: '1234' } })).status);
      expect(statuses).toEqual([202, 202, 429, 400, 400, 429]);
    } finally {
      await tight.close();
    }
  });
});
