/**
 * Notices (issue 17) on a real database and real channels: an SMTP server and a text gateway's webhook
 * (test/smtp-sink.ts, test/webhook-sink.ts) take what Carrel sends. Each test builds the patrons it
 * reads, and reads only what went to them (the sinks hear every test).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, libraryWorld, refusalCodes, type World } from '../../test/factories.js';
import { startSmtpSink, type SmtpSink, type SunkMessage } from '../../test/smtp-sink.js';
import { startWebhookSink, type WebhookSink } from '../../test/webhook-sink.js';
import { localDate } from '../domain/circulation.rules.js';
import type { NoticeChannels } from '../domain/notices.js';
import { announcePolicyChange, deliverNotices, notifyBreach } from '../jobs/notices.job.js';
import { runRetention } from '../jobs/retention.job.js';
import { SYSTEM, type Actor } from '../policy/actors.js';
import type { Profile } from '../policy/profile.schema.js';
import { loadProfiles, parseProfile, ProfileRegistry, shippedProfilesDir } from '../profile/profiles.js';
import { findLibrary } from '../storage/library.repository.js';
import { seal } from '../vault/cipher.js';
import { emailChannel } from '../notices/email.channel.js';
import { webhookTextChannel } from '../notices/text.channel.js';
import { auditFacts } from './audit-report.usecases.js';
import { checkin, checkout, declareLost } from './circulation.usecases.js';
import type { Caller } from './context.js';
import { cancelHold, placeHold } from './hold.usecases.js';
import {
  lettersToPost,
  listBreaches,
  listNotices,
  markLetterPosted,
  planNotices,
  queueHoldReady,
  retryNotice,
  setNoticeLanguage,
  unsubscribe,
} from './notice.usecases.js';
import { exportPatron } from './patron.usecases.js';
import { exportMyRecord, myAccessLog, setMyPrivacy } from './self-service.usecases.js';

const PUBLIC_URL = 'https://carrel.test';
const shipped = loadProfiles();

/** A shipped profile with its YAML edited, as an operator would change the file. */
function edited(id: string, edit: (text: string) => string): Profile {
  const text = readFileSync(join(shippedProfilesDir(), `${id}.yaml`), 'utf8');
  const changed = edit(text);
  if (changed === text) throw new Error('the edit changed nothing');
  return parseProfile(changed, `/etc/carrel/profiles/${id}.yaml`);
}

/** The shipped profiles, with `profile` in place of its shipped version: the process after a reload. */
function registryWith(profile: Profile): ProfileRegistry {
  const registry = new ProfileRegistry();
  for (const p of shipped.all()) registry.add(p.id === profile.id ? profile : p);
  return registry;
}

const JOB: Caller = { actor: SYSTEM, purpose: 'notices', channel: 'job' };
const AS_NOTICES = { purpose: 'notices' as const };

let tagCounter = 0;
const tag = () => `${Date.now().toString(36)}${(tagCounter++).toString(36)}`;

describe.each(ENGINES)('notices on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let smtp: SmtpSink;
  let webhook: WebhookSink;
  let channels: NoticeChannels;

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    smtp = await startSmtpSink();
    webhook = await startWebhookSink();
    channels = { email: emailChannel({ url: smtp.url, from: 'carrel@library.test' }), text: webhookTextChannel({ url: webhook.url }) };
  });
  afterAll(async () => {
    await channels?.email?.close?.();
    await channels?.text?.close?.();
    await smtp?.close();
    await webhook?.close();
    await database?.drop();
  });

  const selfOf = (patron: { id: string }, lib = libraryId): { actor: Actor; purpose: 'self-service' } => ({ actor: { kind: 'patron', id: patron.id, libraryId: lib }, purpose: 'self-service' });

  /** A patron with an address (and a phone) of their own, who chose `channel` for notices. */
  async function patronWith(channel: 'none' | 'email' | 'text' | 'both', lib = libraryId, extra: { phone?: string | null; email?: string | null; address?: string | null; name?: string } = {}) {
    const t = tag();
    const email = extra.email === undefined ? `reader.${t}@example.org` : extra.email;
    const phone = extra.phone === undefined ? '+1 505 555 0142' : extra.phone;
    const patron = await buildPatron(w, { libraryId: lib, email, phone, ...(extra.address !== undefined ? { address: extra.address } : {}), ...(extra.name ? { name: extra.name } : {}) });
    if (channel !== 'none') await w.act(setMyPrivacy, { noticeChannel: channel }, selfOf(patron, lib));
    return { ...patron, email, phone };
  }

  const deliver = (only: NoticeChannels = channels) => deliverNotices(w.runtime, only, { runner: `test-${engine}`, publicUrl: PUBLIC_URL });
  const rowsOf = (patronId: string) => database.db.selectFrom('notices').selectAll().where('patron_id', '=', patronId).orderBy('created_at').execute();
  const mailsTo = (address: string | null): SunkMessage[] => smtp.messages.filter((m) => address !== null && m.to.includes(address));
  const textsTo = (phone: string) => webhook.requests.filter((r) => (r.body as { to?: string } | null)?.to === phone);

  it('does not send a hold-ready notice for a hold cancelled before the notice went out', async () => {
    const patron = await patronWith('email');
    const item = await buildItem(w, { libraryId, title: `Gone Before Sending ${tag()}` });
    const hold = await w.act(placeHold, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    await w.act(cancelHold, { holdId: hold.id });
    await deliver();
    expect((await rowsOf(patron.id)).map((r) => [r.kind, r.status, r.error_code])).toEqual([['hold-ready', 'cancelled', 'HOLD_ENDED']]);
    expect(mailsTo(patron.email)).toEqual([]);
  });

  it('queues one hold-ready notice when a hold is trapped, however often the trap is processed, and sends it once in English without the title', async () => {
    // Given a patron who chose email, and an item on the shelf with a title the notice must not name
    const patron = await patronWith('email');
    const item = await buildItem(w, { libraryId, title: `Unnamed Secret ${tag()}` });
    // When the patron places a hold on the available item (trapped at once)
    const hold = await w.act(placeHold, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    // Then one notice is queued, on email
    let rows = await rowsOf(patron.id);
    expect(rows.map((r) => [r.kind, r.channel, r.status, r.recipient])).toEqual([['hold-ready', 'email', 'queued', 'patron']]);
    expect(rows[0]!.payload).not.toBeNull();
    // And processing the same trap again (a retried transaction) adds nothing
    await w.act(async (ctx) => {
      const library = (await findLibrary(ctx.trx, libraryId))!;
      const stored = await ctx.trx.selectFrom('holds').select(['id', 'patron_id', 'item_id', 'pickup_branch_id', 'pickup_by']).where('id', '=', hold.id).executeTakeFirstOrThrow();
      await queueHoldReady(ctx, { id: stored.id, patronId: stored.patron_id, itemId: stored.item_id!, pickupBranchId: stored.pickup_branch_id, pickupBy: new Date(stored.pickup_by!).toISOString() }, library);
      await queueHoldReady(ctx, { id: stored.id, patronId: stored.patron_id, itemId: stored.item_id!, pickupBranchId: stored.pickup_branch_id, pickupBy: new Date(stored.pickup_by!).toISOString() }, library);
    }, undefined);
    expect(await rowsOf(patron.id)).toHaveLength(1);

    // When the notices are sent over SMTP
    await deliver();
    // Then exactly one message reached the patron's address, from the English template, without the title
    const mails = mailsTo(patron.email);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toEqual([patron.email]);
    expect(mail.subject).toBe('Test Library: a hold is ready for you');
    expect(mail.text).toContain('A hold of yours is ready to pick up at');
    expect(mail.text).toContain(`${PUBLIC_URL}/app/`);
    expect(mail.raw).not.toContain(item.title);
    expect(mail.headers['message-id']).toBe(`<notice-${rows[0]!.id}@carrel>`);
    // And the row is sent, and what it said is gone
    rows = await rowsOf(patron.id);
    expect(rows.map((r) => [r.status, r.payload, r.sent_at !== null])).toEqual([['sent', null, true]]);
    // And a second run sends nothing again
    await deliver();
    expect(mailsTo(patron.email)).toHaveLength(1);
  });

  it('queues the hold-ready notice when a check-in traps an item for a pending hold, once', async () => {
    const borrower = await buildPatron(w, { libraryId });
    const waiting = await patronWith('email');
    const item = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: borrower.cardNumber, itemBarcode: item.barcode });
    await w.act(placeHold, { cardNumber: waiting.cardNumber, itemBarcode: item.barcode });
    expect(await rowsOf(waiting.id)).toEqual([]);
    const back = await w.act(checkin, { itemBarcode: item.barcode });
    expect(back.routing).toMatchObject({ to: 'hold-shelf' });
    expect((await rowsOf(waiting.id)).map((r) => [r.kind, r.status])).toEqual([['hold-ready', 'queued']]);
    await deliver();
    expect(mailsTo(waiting.email)).toHaveLength(1);
  });

  it('writes to a patron who reads Spanish in Spanish', async () => {
    const patron = await patronWith('email');
    await w.act((ctx, input: { patronId: string }) => setNoticeLanguage(ctx, input.patronId, 'es'), { patronId: patron.id });
    const item = await buildItem(w, { libraryId });
    await w.act(placeHold, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    expect((await rowsOf(patron.id)).map((r) => r.language)).toEqual(['es']);
    await deliver();
    const mails = mailsTo(patron.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Test Library: tiene una reserva lista');
    expect(mails[0]!.text).toContain('Una de sus reservas está lista para recoger en');
    expect(mails[0]!.headers['content-language'] ?? 'es').toBe('es');
  });

  it('tries again later after a temporary SMTP refusal, and sends once when the server accepts', async () => {
    await deliver(); // nothing of another test left in the queue
    const patron = await patronWith('email');
    const item = await buildItem(w, { libraryId });
    smtp.mode = 'temporary';
    try {
      await w.act(placeHold, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
      const first = await deliver();
      expect(first.retry).toBe(1);
      let [row] = await rowsOf(patron.id);
      expect(row).toMatchObject({ status: 'queued', error_code: 'SMTP_451' });
      expect(Number(row!.attempts)).toBe(1);
      expect(new Date(row!.next_attempt_at).getTime()).toBeGreaterThan(w.clock.now().getTime());
      // Not due yet: a run now sends nothing, and tries nothing
      smtp.mode = 'accept';
      expect(await deliver()).toMatchObject({ sent: 0, retry: 0, batches: 0 });
      expect(mailsTo(patron.email)).toEqual([]);
      // When the clock passes the next try
      w.clock.advanceMinutes(2);
      expect((await deliver()).sent).toBe(1);
      await deliver();
      expect(mailsTo(patron.email)).toHaveLength(1);
      [row] = await rowsOf(patron.id);
      expect(row).toMatchObject({ status: 'sent', payload: null });
    } finally {
      smtp.mode = 'accept';
    }
  });

  it('records a permanent refusal as failed for staff, who retry it; it is sent once the server accepts', async () => {
    await deliver();
    const patron = await patronWith('email');
    const item = await buildItem(w, { libraryId });
    smtp.mode = 'permanent';
    try {
      await w.act(placeHold, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
      expect((await deliver()).failed).toBe(1);
    } finally {
      smtp.mode = 'accept';
    }
    const [row] = await rowsOf(patron.id);
    expect(row).toMatchObject({ status: 'failed', error_code: 'SMTP_550' });
    expect(row!.payload).not.toBeNull();
    // Staff see it among the failures, with the code, and never the text
    const failed = await w.act(listNotices, { libraryId, status: ['failed'] }, AS_NOTICES);
    const seen = failed.find((n) => n.id === row!.id);
    expect(seen).toMatchObject({ status: 'failed', errorCode: 'SMTP_550', kind: 'hold-ready', channel: 'email' });
    expect(JSON.stringify(seen)).not.toContain(patron.email!);
    // A run does not send a failed notice by itself
    await deliver();
    expect(mailsTo(patron.email)).toEqual([]);
    // When staff retry it and the server accepts
    const retried = await w.act(retryNotice, { noticeId: row!.id }, AS_NOTICES);
    expect(retried.status).toBe('queued');
    expect((await deliver()).sent).toBe(1);
    expect(mailsTo(patron.email)).toHaveLength(1);
    expect((await rowsOf(patron.id)).map((r) => [r.status, r.payload])).toEqual([['sent', null]]);
  });

  it('sends a text to the webhook for a patron who chose text, and one email and one text for both', async () => {
    const texter = await patronWith('text', libraryId, { phone: `+1 505 555 ${String(1000 + tagCounter).slice(-4)}` });
    const both = await patronWith('both', libraryId, { phone: `+1 505 556 ${String(1000 + tagCounter).slice(-4)}` });
    for (const p of [texter, both]) await w.act(placeHold, { cardNumber: p.cardNumber, itemBarcode: (await buildItem(w, { libraryId })).barcode });
    expect((await rowsOf(texter.id)).map((r) => r.channel)).toEqual(['text']);
    expect((await rowsOf(both.id)).map((r) => r.channel).sort()).toEqual(['email', 'text']);
    await deliver();
    const texts = textsTo(texter.phone!);
    expect(texts).toHaveLength(1);
    const [textRow] = await rowsOf(texter.id);
    expect(texts[0]!.body).toMatchObject({ to: texter.phone, id: textRow!.id });
    expect((texts[0]!.body as { body: string }).body).toContain('A hold of yours is ready to pick up at');
    expect(mailsTo(texter.email)).toEqual([]);
    expect(textsTo(both.phone!)).toHaveLength(1);
    expect(mailsTo(both.email)).toHaveLength(1);
    expect((await rowsOf(both.id)).map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('plans due-soon, the three overdue notices and long-overdue once each, and nothing for a patron who chose none', async () => {
    const { library } = await buildLibrary(w);
    const reader = await patronWith('email', library.id);
    const quiet = await patronWith('none', library.id);
    const book = await buildItem(w, { libraryId: library.id });
    const other = await buildItem(w, { libraryId: library.id });
    await w.act(checkout, { cardNumber: reader.cardNumber, itemBarcode: book.barcode });
    await w.act(checkout, { cardNumber: quiet.cardNumber, itemBarcode: other.barcode });
    const plan = () => w.act(planNotices, { libraryId: library.id }, AS_NOTICES);
    const kinds = async () => (await rowsOf(reader.id)).map((r) => r.kind);

    // Four days before the due date: nothing yet
    w.clock.advanceDays(17);
    expect(await plan()).toMatchObject({ dueSoon: 0, overdue: 0 });
    // Three days before (the default): due soon, once however often the plan runs that day
    w.clock.advanceDays(1);
    expect((await plan()).dueSoon).toBe(1);
    expect((await plan()).dueSoon).toBe(0);
    expect(await kinds()).toEqual(['due-soon']);
    // One day late: the first overdue notice
    w.clock.advanceDays(4);
    expect((await plan()).overdue).toBe(1);
    expect(await plan()).toMatchObject({ overdue: 0, dueSoon: 0 });
    // A week later still the first level: nothing new
    w.clock.advanceDays(6);
    expect((await plan()).overdue).toBe(0);
    // Eight days late: the second; fifteen: the third
    w.clock.advanceDays(1);
    expect((await plan()).overdue).toBe(1);
    w.clock.advanceDays(7);
    expect((await plan()).overdue).toBe(1);
    expect((await plan()).overdue).toBe(0);
    expect(await kinds()).toEqual(['due-soon', 'overdue-1', 'overdue-2', 'overdue-3']);
    // Billed as lost: the long-overdue notice, once
    await w.act(declareLost, { itemBarcode: book.barcode });
    expect((await plan()).longOverdue).toBe(1);
    expect((await plan()).longOverdue).toBe(0);
    expect(await kinds()).toEqual(['due-soon', 'overdue-1', 'overdue-2', 'overdue-3', 'long-overdue']);
    // And the patron who chose no channel was told nothing
    expect(await rowsOf(quiet.id)).toEqual([]);
    // The overdue notice says the count and the due date, not the title
    await deliver();
    const mails = mailsTo(reader.email);
    // (sent ten at a time: in any order)
    expect(mails.map((m) => m.subject).sort()).toEqual(
      [
        'Test Library: items due soon',
        'Test Library: overdue items',
        'Test Library: second notice of overdue items',
        'Test Library: final notice of overdue items',
        'Test Library: items billed as lost',
      ].sort(),
    );
    expect(mails.find((m) => m.subject === 'Test Library: overdue items')!.text).toMatch(/^1 item\(s\) on your card were due on \d+ \w+ 2026\./);
    for (const m of mails) expect(m.raw).not.toContain(book.title);
  });

  it('plans card-expiring notices 30 days ahead, once, and none to a patron who chose none', async () => {
    const { library } = await buildLibrary(w);
    const soon = await patronWith('email', library.id);
    const quiet = await patronWith('none', library.id);
    const later = await patronWith('email', library.id);
    const at = (days: number) => new Date(w.clock.now().getTime() + days * 86_400_000).toISOString();
    await database.db.updateTable('patrons').set({ expires_at: at(20) }).where('id', 'in', [soon.id, quiet.id]).execute();
    await database.db.updateTable('patrons').set({ expires_at: at(45) }).where('id', '=', later.id).execute();
    expect((await w.act(planNotices, { libraryId: library.id }, AS_NOTICES)).cardExpiring).toBe(1);
    expect((await w.act(planNotices, { libraryId: library.id }, AS_NOTICES)).cardExpiring).toBe(0);
    expect((await rowsOf(soon.id)).map((r) => r.kind)).toEqual(['card-expiring']);
    expect(await rowsOf(quiet.id)).toEqual([]);
    expect(await rowsOf(later.id)).toEqual([]);
  });

  it.each([
    ['imagineif-mt', 'overdue-and-fines', 1],
    ['carlsbad-nm', 'overdue-and-fines', 1],
    ['strict-default', 'none', 0],
    ['ridgefield-ct', 'none', 0],
  ] as const)('tells the guardian of a minor with an overdue item under %s (without the child’s card: %s)', async (profileId, rule, expected) => {
    expect(shipped.get(profileId).access.guardians.withoutChildCard).toBe(rule);
    const { library } = await buildLibrary(w, { profileId });
    const guardian = await patronWith('email', library.id);
    const minor = await buildPatron(w, { libraryId: library.id, birthDate: '2016-05-01', guardianCard: guardian.cardNumber });
    const item = await buildItem(w, { libraryId: library.id });
    await w.act(checkout, { cardNumber: minor.cardNumber, itemBarcode: item.barcode });
    w.clock.advanceDays(23);
    const counts = await w.act(planNotices, { libraryId: library.id }, AS_NOTICES);
    expect(counts.guardian).toBe(expected);
    expect((await rowsOf(guardian.id)).map((r) => [r.kind, r.recipient])).toEqual(expected === 1 ? [['guardian-overdue', 'guardian']] : []);
    expect(await rowsOf(minor.id)).toEqual([]);
    expect((await w.act(planNotices, { libraryId: library.id }, AS_NOTICES)).guardian).toBe(0);
  });

  it('announces a changed privacy policy once to every patron with an email, whatever their channel, with List-Unsubscribe; the token stops the next one and a forged one is refused', async () => {
    const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
    const chose = await patronWith('email', library.id);
    const none = await patronWith('none', library.id);
    const texter = await patronWith('text', library.id, { email: null });
    // The first look sets the baseline: nobody is told of the policy they registered under
    expect(await announcePolicyChange(w.runtime, JOB, library.id)).toEqual({ announced: false, queued: 0 });
    expect([...(await rowsOf(chose.id)), ...(await rowsOf(none.id)), ...(await rowsOf(texter.id))]).toEqual([]);
    // When the operator shortens a retention rule and raises the version
    w.clock.advanceDays(1);
    const v2 = edited('carlsbad-nm', (t) => t.replace('days_after_settlement: 365', 'days_after_settlement: 180').replace('version: 1', 'version: 2'));
    const registry2 = registryWith(v2);
    expect(await announcePolicyChange(w.runtime, JOB, library.id, registry2)).toEqual({ announced: true, queued: 2 });
    // Then one notice each to the two patrons with an email, none to the one without
    expect((await rowsOf(chose.id)).map((r) => [r.kind, r.channel])).toEqual([['policy-changed', 'email']]);
    expect((await rowsOf(none.id)).map((r) => [r.kind, r.channel])).toEqual([['policy-changed', 'email']]);
    expect(await rowsOf(texter.id)).toEqual([]);
    // And a second look queues nothing more
    expect(await announcePolicyChange(w.runtime, JOB, library.id, registry2)).toEqual({ announced: false, queued: 0 });
    await deliver();
    const [mail] = mailsTo(none.email);
    expect(mailsTo(none.email)).toHaveLength(1);
    expect(mailsTo(chose.email)).toHaveLength(1);
    expect(mail!.subject).toBe('Test Library: our privacy policy has changed');
    expect(mail!.text).toContain('kept 365 days after settlement → kept 180 days after settlement');
    expect(mail!.text).toContain('(version 2)');
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const header = mail!.headers['list-unsubscribe'] ?? '';
    const token = /^<https:\/\/carrel\.test\/api\/v1\/unsubscribe\/([^>]+)>$/.exec(header)?.[1];
    expect(token).toBeTruthy();
    expect(mail!.text).toContain(`${PUBLIC_URL}/app/unsubscribe#${token}`);

    // An altered token, and one sealed for another use, are refused and change nothing
    const mailingsOff = async (id: string) => (await database.db.selectFrom('patrons').select('mailings_off_since').where('id', '=', id).executeTakeFirstOrThrow()).mailings_off_since;
    const last = token!.at(-2) === 'A' ? 'B' : 'A';
    const altered = `${token!.slice(0, -2)}${last}${token!.at(-1)}`;
    expect(await refusalCodes(w.act(unsubscribe, { token: altered }))).toEqual(['UNSUBSCRIBE_TOKEN_INVALID']);
    const otherUse = seal(await w.runtime.vault.namedKey('unsubscribe', w.clock.now()), 'carrel:something-else:v1', none.id);
    expect(await refusalCodes(w.act(unsubscribe, { token: otherUse }))).toEqual(['UNSUBSCRIBE_TOKEN_INVALID']);
    const otherKey = seal(await w.runtime.vault.namedKey('backup', w.clock.now()), 'carrel:unsubscribe:v1', none.id);
    expect(await refusalCodes(w.act(unsubscribe, { token: otherKey }))).toEqual(['UNSUBSCRIBE_TOKEN_INVALID']);
    expect(await refusalCodes(w.act(unsubscribe, { token: 'not a token' }))).toEqual(['UNSUBSCRIBE_TOKEN_INVALID']);
    expect(await mailingsOff(none.id)).toBeNull();
    // The real token unsubscribes that patron
    expect(await w.act(unsubscribe, { token: token! })).toEqual({ unsubscribed: true });
    expect(await mailingsOff(none.id)).not.toBeNull();
    expect(await mailingsOff(chose.id)).toBeNull();
    // So the next change is announced to the other patron only
    w.clock.advanceDays(1);
    const v3 = edited('carlsbad-nm', (t) => t.replace('days_after_settlement: 365', 'days_after_settlement: 90').replace('version: 1', 'version: 3'));
    expect(await announcePolicyChange(w.runtime, JOB, library.id, registryWith(v3))).toEqual({ announced: true, queued: 1 });
    expect((await rowsOf(none.id)).map((r) => r.kind)).toEqual(['policy-changed']);
    expect((await rowsOf(chose.id)).map((r) => r.kind)).toEqual(['policy-changed', 'policy-changed']);
  });

  it('tells every patron of a breach on their channel, lists letters for those who chose none, and counts it in the register and the audit report', async () => {
    const { library } = await buildLibrary(w, { name: 'Breach Test Library' });
    const mailer = await patronWith('email', library.id);
    const texter = await patronWith('text', library.id, { phone: '+1 505 555 0177' });
    const quietName = `Lettie Postal${tag()}`;
    const quiet = await patronWith('none', library.id, { name: quietName, address: '12 Paper Street, Denver' });
    const today = localDate(w.clock.now(), 'America/Denver');
    const result = await notifyBreach(w.runtime, { actor: SYSTEM, purpose: 'administration', channel: 'cli' }, {
      libraryId: library.id,
      occurredOn: today,
      discoveredOn: today,
      categories: ['registration'],
      scope: 'all',
      description: 'A laptop with an export was stolen.',
      actions: 'We have reset every staff password.',
    });
    expect(result).toMatchObject({ patrons: 3, queued: 2, letters: 1 });
    expect((await rowsOf(mailer.id)).map((r) => [r.kind, r.channel, r.status])).toEqual([['breach', 'email', 'queued']]);
    expect((await rowsOf(texter.id)).map((r) => [r.kind, r.channel, r.status])).toEqual([['breach', 'text', 'queued']]);
    expect((await rowsOf(quiet.id)).map((r) => [r.kind, r.channel, r.status])).toEqual([['breach', 'letter', 'letter']]);
    // The letter to post names the patron and their address, and says what happened
    const letters = await w.act(lettersToPost, { libraryId: library.id, publicUrl: PUBLIC_URL }, AS_NOTICES);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ name: quietName, address: '12 Paper Street, Denver', kind: 'breach' });
    expect(letters[0]!.body).toContain('We have reset every staff password.');
    // The register counts it
    const [breach] = await w.act(listBreaches, { libraryId: library.id }, AS_NOTICES);
    expect(breach).toMatchObject({ scope: 'all', patronsAffected: 3, noticesQueued: 2, letters: 1, waiting: 3, sent: 0 });
    // Sent on each channel
    await deliver();
    expect(mailsTo(mailer.email)).toHaveLength(1);
    expect(mailsTo(mailer.email)[0]!.subject).toBe('Breach Test Library: a security incident affecting your records');
    expect(mailsTo(mailer.email)[0]!.headers['list-unsubscribe']).toBeUndefined();
    expect(textsTo('+1 505 555 0177')).toHaveLength(1);
    await w.act(markLetterPosted, { noticeId: letters[0]!.noticeId }, AS_NOTICES);
    const [after] = await w.act(listBreaches, { libraryId: library.id }, AS_NOTICES);
    expect(after).toMatchObject({ sent: 2, posted: 1, waiting: 0 });
    // And the audit report's held counts include the breach and the notices
    const facts = await w.act(auditFacts, { libraryId: library.id }, { purpose: 'administration' });
    expect(facts.held.breaches).toEqual({ recorded: 1, patronsAffected: 3 });
    expect(facts.held.noticesByStatus).toEqual(expect.arrayContaining([{ code: 'sent', count: 2 }, { code: 'posted', count: 1 }]));
  });

  it('puts sent notices in the patron’s export, and the notice reads in who looked', async () => {
    const patron = await patronWith('email');
    await w.act(placeHold, { cardNumber: patron.cardNumber, itemBarcode: (await buildItem(w, { libraryId })).barcode });
    await deliver();
    const exported = await w.act(exportPatron, { patronId: patron.id }, { purpose: 'account-service' });
    expect(exported.sentNotices).toEqual([expect.objectContaining({ kind: 'hold-ready', channel: 'email', status: 'sent', language: 'en' })]);
    const own = await w.act(exportMyRecord, {}, selfOf(patron));
    expect(own.sentNotices).toEqual([expect.objectContaining({ kind: 'hold-ready', status: 'sent' })]);
    expect(JSON.stringify(own.sentNotices)).not.toContain('ready to pick up');
    const seen = await w.act(myAccessLog, {}, selfOf(patron));
    const actions = seen.map((e) => e.action);
    expect(actions).toContain('notice-queued:hold-ready');
    expect(actions).toContain('notice-sent:hold-ready');
  });

  it('deletes sent notices after the profile’s days, keeps queued ones, and leaves no notice row that names the patron', async () => {
    const { library } = await buildLibrary(w);
    const sent = await patronWith('email', library.id);
    const waiting = await patronWith('text', library.id);
    for (const p of [sent, waiting]) await w.act(placeHold, { cardNumber: p.cardNumber, itemBarcode: (await buildItem(w, { libraryId: library.id })).barcode });
    // Only email is configured: the text waits in the queue
    await deliverNotices(w.runtime, { email: channels.email! }, { runner: 'email-only', publicUrl: PUBLIC_URL });
    expect((await rowsOf(sent.id)).map((r) => r.status)).toEqual(['sent']);
    expect((await rowsOf(waiting.id)).map((r) => r.status)).toEqual(['queued']);
    // Eighty-nine days on, the proof is still kept
    w.clock.advanceDays(89);
    await runRetention(w.runtime, { libraryId: library.id });
    expect(await rowsOf(sent.id)).toHaveLength(1);
    // Past ninety days (the default), retention deletes it
    w.clock.advanceDays(2);
    const report = await runRetention(w.runtime, { libraryId: library.id });
    expect(report.libraries[0]?.categories.find((c) => c.category === 'notices')?.disposed).toBe(1);
    expect(await rowsOf(sent.id)).toEqual([]);
    const every = (await database.db.selectFrom('notices').selectAll().execute()).map((r) => JSON.stringify(r));
    expect(every.filter((r) => r.includes(sent.id))).toEqual([]);
    // The queued notice stays
    expect((await rowsOf(waiting.id)).map((r) => r.status)).toEqual(['queued']);
  });
});
