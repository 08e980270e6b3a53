import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, decodeEncodedWords, parseMessage, type SmtpSink } from '../../test/smtp-sink.js';
import { startWebhookSink, type WebhookSink } from '../../test/webhook-sink.js';
import { DEFAULT_TEMPLATES, renderTemplate, type NoticeChannel, type OutgoingMessage } from '../domain/notices.js';
import { closeChannels, noticeChannelsFromEnv } from './channels.js';
import { classifySmtpError, emailChannel } from './email.channel.js';
import { classifyHttpStatus, emailToTextChannel, gatewayNumber, webhookTextChannel } from './text.channel.js';

/**
 * The notice channels against real servers on 127.0.0.1 (issue 17): an SMTP server (smtp-server) and a
 * webhook (node:http), each told to accept, refuse for now or refuse for good. No database is touched.
 */

const HOLD_READY_ES = renderTemplate(DEFAULT_TEMPLATES.es['hold-ready'], {
  library: 'Biblioteca Mayor',
  branch: 'Sucursal Peñalara',
  pickupBy: '15 de enero',
  portalUrl: 'https://portal.biblioteca.example.net/cuenta',
});

function emailMessage(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    noticeId: 'b3f1c0de-0000-4000-8000-000000000001',
    channel: 'email',
    to: 'lectora@example.net',
    subject: HOLD_READY_ES.subject,
    body: HOLD_READY_ES.body,
    headers: {},
    language: 'es',
    ...overrides,
  };
}

function textMessage(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return emailMessage({ channel: 'text', to: '+1 (555) 010-0199', subject: '', body: 'Su reserva está lista en Sucursal Peñalara.', ...overrides });
}

/** A port nothing listens on: bound, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Channels a test opens, closed after it (a pooled transport keeps connections open otherwise). */
const opened: NoticeChannel[] = [];
function track<T extends NoticeChannel>(channel: T): T {
  opened.push(channel);
  return channel;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((channel) => channel.close?.()));
});

describe('emailChannel', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
  });
  afterEach(() => {
    sink.mode = 'accept';
    sink.messages.splice(0);
  });

  it('delivers one plain-text notice with its headers, Spanish accents intact', async () => {
    // Given a mailing in Spanish with its unsubscribe headers, When it is sent, Then the server gets
    // exactly that text, with the notice's Message-ID and language, and no HTML part (RR-3).
    const channel = track(emailChannel({ url: sink.url, from: 'carrel@mail.example.net' }));
    const result = await channel.send(
      emailMessage({
        headers: {
          'List-Unsubscribe': '<https://portal.biblioteca.example.net/baja/abc123>',
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      }),
    );
    expect(result).toEqual({ status: 'sent' });
    const [mail] = await sink.waitFor(1);
    expect(mail?.to).toEqual(['lectora@example.net']);
    expect(mail?.from).toBe('carrel@mail.example.net');
    expect(mail?.headers.to).toBe('lectora@example.net');
    expect(mail?.headers.from).toBe('carrel@mail.example.net');
    expect(mail?.subject).toBe('Biblioteca Mayor: tiene una reserva lista');
    expect(mail?.text.trimEnd()).toBe(HOLD_READY_ES.body.trimEnd());
    expect(mail?.text).toContain('está lista para recoger en Sucursal Peñalara. Recójala');
    expect(mail?.html).toBeNull();
    expect(mail?.headers['content-type']).toMatch(/^text\/plain/);
    expect(mail?.headers['message-id']).toBe('<notice-b3f1c0de-0000-4000-8000-000000000001@carrel>');
    expect(mail?.headers['content-language']).toBe('es');
    expect(mail?.headers['auto-submitted']).toBe('auto-generated');
    expect(mail?.headers['list-unsubscribe']).toBe('<https://portal.biblioteca.example.net/baja/abc123>');
    expect(mail?.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  });

  it('encodes an accented subject and decodes back to the same words', async () => {
    const channel = track(emailChannel({ url: sink.url, from: 'carrel@mail.example.net' }));
    const subject = 'Biblioteca Mayor: último aviso de préstamos vencidos — señal ñandú acción';
    expect(await channel.send(emailMessage({ subject }))).toEqual({ status: 'sent' });
    const [mail] = await sink.waitFor(1);
    expect(mail?.raw).not.toContain('último'); // on the wire as encoded words, not raw UTF-8
    expect(mail?.subject).toBe(subject);
  });

  it("uses the library's own From header in place of the default, and sends it only once", async () => {
    const channel = track(emailChannel({ url: sink.url, from: 'carrel@mail.example.net' }));
    // As the queue writes it: the library's name quoted, accents and all.
    const result = await channel.send(emailMessage({ headers: { From: '"Biblioteca Peñalara" <avisos@biblioteca.example.net>' } }));
    expect(result).toEqual({ status: 'sent' });
    const [mail] = await sink.waitFor(1);
    expect(mail?.from).toBe('avisos@biblioteca.example.net');
    expect(mail?.headers.from).toBe('Biblioteca Peñalara <avisos@biblioteca.example.net>');
    expect(mail?.raw.match(/^From:/gim)).toHaveLength(1);
  });

  it('keeps a header value on one line', async () => {
    const channel = track(emailChannel({ url: sink.url, from: 'carrel@mail.example.net' }));
    await channel.send(emailMessage({ headers: { 'List-Unsubscribe': '<https://x.example.net/u>\r\nBcc: other@example.net' } }));
    const [mail] = await sink.waitFor(1);
    expect(mail?.headers.bcc).toBeUndefined();
    expect(mail?.to).toEqual(['lectora@example.net']);
  });

  it('answers retry with the reply code when the server refuses for now (451), at RCPT or after DATA', async () => {
    const channel = track(emailChannel({ url: sink.url, from: 'carrel@mail.example.net' }));
    sink.mode = 'temporary';
    expect(await channel.send(emailMessage())).toEqual({ status: 'retry', code: 'SMTP_451' });
    const atData = await startSmtpSink({ rejectAt: 'data' });
    try {
      atData.mode = 'temporary';
      const other = track(emailChannel({ url: atData.url, from: 'carrel@mail.example.net' }));
      expect(await other.send(emailMessage())).toEqual({ status: 'retry', code: 'SMTP_451' });
      atData.mode = 'permanent';
      expect(await other.send(emailMessage())).toEqual({ status: 'failed', code: 'SMTP_550' });
      expect(atData.messages).toHaveLength(0);
    } finally {
      await Promise.all(opened.splice(0).map((c) => c.close?.()));
      await atData.close();
    }
  });

  it('answers failed when the server refuses for good (550), and goes on sending after it', async () => {
    const channel = track(emailChannel({ url: sink.url, from: 'carrel@mail.example.net' }));
    sink.mode = 'permanent';
    expect(await channel.send(emailMessage())).toEqual({ status: 'failed', code: 'SMTP_550' });
    sink.mode = 'accept';
    expect(await channel.send(emailMessage())).toEqual({ status: 'sent' });
    await sink.waitFor(1);
  });

  it('answers retry SMTP_CONNECTION when no server listens, pooled or not', async () => {
    const url = `smtp://127.0.0.1:${await closedPort()}`;
    for (const pool of [true, false]) {
      const channel = track(emailChannel({ url, from: 'carrel@mail.example.net', pool }));
      expect(await channel.send(emailMessage())).toEqual({ status: 'retry', code: 'SMTP_CONNECTION' });
    }
  });

  it('sends many notices at once over the pool', async () => {
    const channel = track(emailChannel({ url: sink.url, from: 'carrel@mail.example.net' }));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => channel.send(emailMessage({ noticeId: `n-${i}` }))));
    expect(results.every((result) => result.status === 'sent')).toBe(true);
    const mails = await sink.waitFor(20);
    expect(new Set(mails.map((mail) => mail.headers['message-id'])).size).toBe(20);
  });

  it('logs in with the credentials of the URL, over STARTTLS or implicit TLS', async () => {
    for (const tls of ['starttls', 'implicit'] as const) {
      const secured = await startSmtpSink({ tls, auth: { user: 'carrel', pass: 's3cret' } });
      try {
        const base = secured.url.replace('://', '://carrel:s3cret@');
        const channel = track(emailChannel({ url: `${base}?tls.rejectUnauthorized=false`, from: 'carrel@mail.example.net' }));
        expect(await channel.send(emailMessage())).toEqual({ status: 'sent' });
        const [mail] = await secured.waitFor(1);
        expect(mail?.subject).toBe(HOLD_READY_ES.subject);
        // A wrong password is the installation's problem, not the notice's: tried again once it is fixed.
        const wrong = track(emailChannel({ url: `${base.replace('s3cret', 'wrong')}?tls.rejectUnauthorized=false`, from: 'carrel@mail.example.net' }));
        expect(await wrong.send(emailMessage())).toEqual({ status: 'retry', code: 'SMTP_AUTH' });
      } finally {
        await Promise.all(opened.splice(0).map((c) => c.close?.()));
        await secured.close();
      }
    }
  });

  it('classifies errors by reply code, never by their text', () => {
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 550, message: 'lectora@example.net unknown' })).toEqual({ status: 'failed', code: 'SMTP_550' });
    expect(classifySmtpError({ code: 'EMESSAGE', responseCode: 452 })).toEqual({ status: 'retry', code: 'SMTP_452' });
    expect(classifySmtpError({ code: 'EPROTOCOL', responseCode: 503 })).toEqual({ status: 'retry', code: 'SMTP_503' });
    expect(classifySmtpError({ code: 'ETIMEDOUT' })).toEqual({ status: 'retry', code: 'SMTP_CONNECTION' });
    expect(classifySmtpError({ code: 'ESOCKET' })).toEqual({ status: 'retry', code: 'SMTP_CONNECTION' });
    expect(classifySmtpError({ code: 'EENVELOPE' })).toEqual({ status: 'failed', code: 'SMTP_ADDRESS' });
    expect(classifySmtpError(new Error('anything'))).toEqual({ status: 'retry', code: 'SMTP_CONNECTION' });
  });
});

describe('the SMTP sink reads MIME as nodemailer writes it', () => {
  it('decodes adjacent encoded words, a character split between them, and quoted-printable soft breaks', () => {
    // "ñ" is C3 B1: split across two words, it must come back whole.
    expect(decodeEncodedWords('=?UTF-8?B?w7E=?= =?UTF-8?Q?=C3?= =?UTF-8?Q?=B1and=C3=BA?= hoy')).toBe('ññandú hoy');
    expect(decodeEncodedWords('Aviso: =?ISO-8859-1?Q?=FAltimo?=')).toBe('Aviso: último');
    const parsed = parseMessage(
      'Subject: =?utf-8?Q?pr=C3=A9stamos?=\r\nContent-Type: multipart/alternative; boundary="b1"\r\n\r\n' +
        '--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nSu tarjeta vence=\r\n pronto: acci=C3=B3n\r\n' +
        '--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPGI+aG9sYTwvYj4=\r\n--b1--\r\n',
    );
    expect(parsed.subject).toBe('préstamos');
    expect(parsed.text).toBe('Su tarjeta vence pronto: acción');
    expect(parsed.html).toBe('<b>hola</b>');
  });
});

describe('webhookTextChannel', () => {
  let sink: WebhookSink;
  beforeAll(async () => {
    sink = await startWebhookSink();
  });
  afterAll(async () => {
    await sink.close();
  });
  afterEach(() => {
    sink.mode = 'accept';
    sink.delayMs = 0;
    sink.requests.splice(0);
  });

  it('POSTs the text as JSON with the notice id as idempotency key and the bearer token', async () => {
    const channel = webhookTextChannel({ url: sink.url, token: 'tok-123' });
    expect(await channel.send(textMessage())).toEqual({ status: 'sent' });
    const [request] = await sink.waitFor(1);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/messages');
    expect(request?.body).toEqual({
      to: '+1 (555) 010-0199',
      body: 'Su reserva está lista en Sucursal Peñalara.',
      id: 'b3f1c0de-0000-4000-8000-000000000001',
      language: 'es',
    });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['idempotency-key']).toBe('b3f1c0de-0000-4000-8000-000000000001');
    expect(request?.headers.authorization).toBe('Bearer tok-123');
  });

  it('sends no Authorization header when no token is configured', async () => {
    const channel = webhookTextChannel({ url: sink.url });
    expect(await channel.send(textMessage())).toEqual({ status: 'sent' });
    const [request] = await sink.waitFor(1);
    expect(request?.headers.authorization).toBeUndefined();
  });

  it('retries on 503 and 429, fails on 400, and a resend carries the same idempotency key', async () => {
    const channel = webhookTextChannel({ url: sink.url });
    sink.mode = 'temporary';
    expect(await channel.send(textMessage())).toEqual({ status: 'retry', code: 'HTTP_503' });
    sink.mode = 429;
    expect(await channel.send(textMessage())).toEqual({ status: 'retry', code: 'HTTP_429' });
    sink.mode = 'permanent';
    expect(await channel.send(textMessage())).toEqual({ status: 'failed', code: 'HTTP_400' });
    sink.mode = 302;
    expect(await channel.send(textMessage())).toEqual({ status: 'failed', code: 'HTTP_302' });
    const keys = new Set(sink.requests.map((request) => request.headers['idempotency-key']));
    expect(keys).toEqual(new Set(['b3f1c0de-0000-4000-8000-000000000001']));
  });

  it('retries when the gateway does not answer in time or cannot be reached', async () => {
    sink.delayMs = 1_000;
    expect(await webhookTextChannel({ url: sink.url, timeoutMs: 100 }).send(textMessage())).toEqual({ status: 'retry', code: 'HTTP_TIMEOUT' });
    const down = webhookTextChannel({ url: `http://127.0.0.1:${await closedPort()}/messages` });
    expect(await down.send(textMessage())).toEqual({ status: 'retry', code: 'HTTP_CONNECTION' });
  });

  it('reads statuses as retry or failed', () => {
    expect(classifyHttpStatus(202)).toEqual({ status: 'sent' });
    for (const status of [408, 425, 429, 500, 502, 504]) expect(classifyHttpStatus(status).status).toBe('retry');
    for (const status of [400, 401, 403, 404, 422]) expect(classifyHttpStatus(status).status).toBe('failed');
  });

  it('refuses an address that is not http(s), and a token that cannot be a header', () => {
    expect(() => webhookTextChannel({ url: 'ftp://gateway.example.net' })).toThrow(/https/);
    expect(() => webhookTextChannel({ url: sink.url, token: 'two words' })).toThrow(/token/);
  });
});

describe('emailToTextChannel', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
  });

  it('mails the body to the address built from the number’s digits, with an empty subject', async () => {
    const email = track(emailChannel({ url: sink.url, from: 'carrel@mail.example.net' }));
    const channel = emailToTextChannel({ email, addressTemplate: '{number}@sms.example.net' });
    expect(await channel.send(textMessage({ headers: { From: 'avisos@biblioteca.example.net', 'List-Unsubscribe': '<https://x.example.net>' } }))).toEqual({ status: 'sent' });
    const [mail] = await sink.waitFor(1);
    expect(mail?.to).toEqual(['+15550100199@sms.example.net']);
    expect(mail?.from).toBe('avisos@biblioteca.example.net');
    expect(mail?.subject).toBe('');
    expect(mail?.text.trimEnd()).toBe('Su reserva está lista en Sucursal Peñalara.');
    expect(mail?.headers['list-unsubscribe']).toBeUndefined();
  });

  it('fails TEXT_NO_NUMBER for a phone with no digits, without sending', async () => {
    const email = { send: async () => ({ status: 'sent' as const }) };
    const channel = emailToTextChannel({ email, addressTemplate: '{number}@sms.example.net' });
    expect(await channel.send(textMessage({ to: 'no phone' }))).toEqual({ status: 'failed', code: 'TEXT_NO_NUMBER' });
  });

  it('keeps digits and a leading plus only', () => {
    expect(gatewayNumber(' +44 20 7946-0958 ')).toBe('+442079460958');
    expect(gatewayNumber('(555) 010.0199')).toBe('5550100199');
    expect(gatewayNumber('5+5')).toBe('55');
    expect(gatewayNumber('—')).toBeNull();
  });

  it('refuses a template without {number} before the @', () => {
    const email = { send: async () => ({ status: 'sent' as const }) };
    expect(() => emailToTextChannel({ email, addressTemplate: 'sms@gateway.example.net' })).toThrow(/\{number\}/);
    expect(() => emailToTextChannel({ email, addressTemplate: 'x@{number}.example.net' })).toThrow(/\{number\}/);
  });
});

describe('noticeChannelsFromEnv', () => {
  it('configures nothing from an empty environment', () => {
    const { channels, describe: described } = noticeChannelsFromEnv({});
    expect(channels).toEqual({});
    expect(described).toEqual({ email: null, text: null });
  });

  it('describes the SMTP server by host and port only, and defaults the From to its host', async () => {
    const sink = await startSmtpSink();
    try {
      const env = { CARREL_SMTP_URL: sink.url.replace('://', '://carrel:hunter2@'), CARREL_TEXT_EMAIL_GATEWAY: '{number}@sms.example.net' };
      const { channels, describe: described } = noticeChannelsFromEnv(env);
      expect(described).toEqual({ email: `127.0.0.1:${sink.port}`, text: 'email gateway @sms.example.net' });
      expect(JSON.stringify(described)).not.toContain('hunter2');
      expect(await channels.email?.send(emailMessage())).toEqual({ status: 'sent' });
      expect(await channels.text?.send(textMessage())).toEqual({ status: 'sent' });
      const mails = await sink.waitFor(2);
      expect(mails.map((mail) => mail.from)).toEqual(['carrel@127.0.0.1', 'carrel@127.0.0.1']);
      expect(mails[1]?.to).toEqual(['+15550100199@sms.example.net']);
      await closeChannels(channels);
    } finally {
      await sink.close();
    }
  });

  it('reads the From, the default ports and a webhook gateway (origin only in the description)', async () => {
    const { channels, describe: described } = noticeChannelsFromEnv({
      CARREL_SMTP_URL: 'smtps://mail.example.net',
      CARREL_SMTP_FROM: 'avisos@biblioteca.example.net',
      CARREL_TEXT_WEBHOOK_URL: 'https://sms.example.net/v1/send?key=abc',
      CARREL_TEXT_WEBHOOK_TOKEN: 'tok-123',
    });
    expect(described).toEqual({ email: 'mail.example.net:465', text: 'webhook https://sms.example.net' });
    expect(noticeChannelsFromEnv({ CARREL_SMTP_URL: 'smtp://mail.example.net' }).describe.email).toBe('mail.example.net:587');
    await closeChannels(channels);
  });

  it('refuses unusable values, naming the variable and never the value', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ CARREL_SMTP_URL: 'http://carrel:hunter2@mail.example.net' }, /CARREL_SMTP_URL/],
      [{ CARREL_SMTP_URL: 'not a url hunter2' }, /CARREL_SMTP_URL/],
      [{ CARREL_SMTP_URL: 'smtp://mail.example.net', CARREL_SMTP_FROM: 'hunter2' }, /CARREL_SMTP_FROM/],
      [{ CARREL_TEXT_WEBHOOK_URL: 'ftp://hunter2@sms.example.net' }, /CARREL_TEXT_WEBHOOK_URL/],
      [{ CARREL_TEXT_WEBHOOK_URL: 'https://sms.example.net', CARREL_TEXT_WEBHOOK_TOKEN: 'hunter2 hunter2' }, /CARREL_TEXT_WEBHOOK_TOKEN/],
      [{ CARREL_TEXT_WEBHOOK_TOKEN: 'hunter2' }, /CARREL_TEXT_WEBHOOK_URL/],
      [{ CARREL_TEXT_EMAIL_GATEWAY: '{number}@sms.example.net' }, /CARREL_SMTP_URL/],
      [{ CARREL_SMTP_URL: 'smtp://mail.example.net', CARREL_TEXT_EMAIL_GATEWAY: 'hunter2@sms.example.net' }, /CARREL_TEXT_EMAIL_GATEWAY/],
      [
        { CARREL_SMTP_URL: 'smtp://mail.example.net', CARREL_TEXT_EMAIL_GATEWAY: '{number}@sms.example.net', CARREL_TEXT_WEBHOOK_URL: 'https://sms.example.net' },
        /CARREL_TEXT_WEBHOOK_URL or CARREL_TEXT_EMAIL_GATEWAY/,
      ],
    ];
    for (const [env, expected] of cases) {
      let message = '';
      try {
        noticeChannelsFromEnv(env);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(expected);
      expect(message).not.toContain('hunter2');
    }
  });

  it('reads an empty variable as unset', () => {
    expect(noticeChannelsFromEnv({ CARREL_SMTP_URL: '', CARREL_TEXT_WEBHOOK_URL: '  ' }).channels).toEqual({});
  });
});
