import type { NoticeChannel, NoticeChannels } from '../domain/notices.js';
import { emailChannel } from './email.channel.js';
import { emailToTextChannel, isAddressTemplate, isBearerToken, isWebhookUrl, webhookTextChannel } from './text.channel.js';

/**
 * The installation's notice channels, from its environment (issue 17):
 *
 * - `CARREL_SMTP_URL`: smtp://user:pass@host:587 or smtps://user:pass@host:465 (the email channel);
 * - `CARREL_SMTP_FROM`: the From address of a library that set none (default `carrel@<SMTP host>`);
 * - `CARREL_TEXT_WEBHOOK_URL` (+ `CARREL_TEXT_WEBHOOK_TOKEN`): a text gateway's webhook, or
 * - `CARREL_TEXT_EMAIL_GATEWAY`: an email-to-text address such as `{number}@sms.example.net` (sent
 *   through the SMTP server above).
 *
 * A channel left unset is simply absent: its notices wait. A value that is set but unusable stops the
 * start with a message naming the variable, never its value (the URLs may hold a password or a token).
 */

export interface ConfiguredChannels {
  channels: NoticeChannels;
  /** What each channel reaches, safe to print: a host and port, a webhook's origin, a gateway's domain. */
  describe: { email: string | null; text: string | null };
}

/** An address as a library's From is checked (domain/notices.ts, `noticeSettingsProblems`). */
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** The channels `env` configures; throws on a value that is set but unusable. */
export function noticeChannelsFromEnv(env: NodeJS.ProcessEnv = process.env): ConfiguredChannels {
  const smtpUrl = setting(env, 'CARREL_SMTP_URL');
  const webhookUrl = setting(env, 'CARREL_TEXT_WEBHOOK_URL');
  const webhookToken = setting(env, 'CARREL_TEXT_WEBHOOK_TOKEN');
  const gateway = setting(env, 'CARREL_TEXT_EMAIL_GATEWAY');
  const fromSetting = setting(env, 'CARREL_SMTP_FROM');

  const smtp = smtpUrl === null ? null : smtpServer(smtpUrl);
  if (fromSetting !== null && !ADDRESS.test(fromSetting))
    throw new Error('CARREL_SMTP_FROM is an email address such as notices@library.example.');
  if (webhookUrl !== null && gateway !== null)
    throw new Error('Set one text gateway: CARREL_TEXT_WEBHOOK_URL or CARREL_TEXT_EMAIL_GATEWAY, not both.');
  if (webhookToken !== null && webhookUrl === null) throw new Error('CARREL_TEXT_WEBHOOK_TOKEN is set but CARREL_TEXT_WEBHOOK_URL is not.');
  if (webhookUrl !== null && !isWebhookUrl(webhookUrl)) throw new Error('CARREL_TEXT_WEBHOOK_URL is an https:// (or http://) address.');
  if (webhookToken !== null && !isBearerToken(webhookToken))
    throw new Error('CARREL_TEXT_WEBHOOK_TOKEN is one word of printable characters (no spaces or line breaks).');
  if (gateway !== null && !isAddressTemplate(gateway))
    throw new Error('CARREL_TEXT_EMAIL_GATEWAY is an address with {number} before the @, such as {number}@sms.example.net.');
  if (gateway !== null && smtp === null) throw new Error('CARREL_TEXT_EMAIL_GATEWAY sends through the SMTP server: set CARREL_SMTP_URL too.');

  const channels: NoticeChannels = {};
  const describe: ConfiguredChannels['describe'] = { email: null, text: null };
  if (smtpUrl !== null && smtp !== null) {
    channels.email = emailChannel({ url: smtpUrl, from: fromSetting ?? `carrel@${smtp.host}` });
    describe.email = `${smtp.host}:${smtp.port}`;
  }
  if (webhookUrl !== null) {
    channels.text = webhookTextChannel(webhookToken === null ? { url: webhookUrl } : { url: webhookUrl, token: webhookToken });
    // The origin only: a path or query may carry the gateway's key.
    describe.text = `webhook ${new URL(webhookUrl).origin}`;
  } else if (gateway !== null && channels.email) {
    // The same pooled connections as the email channel: the gateway is one more recipient to the server.
    channels.text = emailToTextChannel({ email: channels.email, addressTemplate: gateway });
    describe.text = `email gateway ${gateway.slice(gateway.lastIndexOf('@'))}`;
  }
  return { channels, describe };
}

/** Closes every configured channel once (the email-to-text gateway shares the email channel's connections). */
export async function closeChannels(channels: NoticeChannels): Promise<void> {
  const distinct = new Set<NoticeChannel>([channels.email, channels.text].filter((channel): channel is NoticeChannel => channel !== undefined));
  await Promise.all([...distinct].map((channel) => channel.close?.()));
}

/** A variable's value, an empty one read as unset. */
function setting(env: NodeJS.ProcessEnv, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

/** The SMTP server a URL names, checked; the default ports are nodemailer's (587 with STARTTLS, 465 with TLS). */
function smtpServer(url: string): { host: string; port: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('CARREL_SMTP_URL is an address such as smtp://user:password@mail.example.net:587 (it could not be read).');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:')
    throw new Error('CARREL_SMTP_URL starts with smtp:// (STARTTLS when the server offers it) or smtps:// (TLS from the start).');
  if (parsed.hostname === '') throw new Error('CARREL_SMTP_URL names no host.');
  const port = parsed.port === '' ? (parsed.protocol === 'smtps:' ? 465 : 587) : Number(parsed.port);
  return { host: parsed.hostname, port };
}
