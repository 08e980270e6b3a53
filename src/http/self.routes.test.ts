import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, libraryWorld, type World } from '../../test/factories.js';
import { startServer, type Answer, type TestServer } from '../../test/http.js';
import { cardNumberFrom } from '../domain/card-number.js';
import { AGGREGATE_CATEGORIES, PATRON_RECORD_CATEGORIES } from '../policy/inventory.js';
import { checkin, checkout } from '../usecases/circulation.usecases.js';
import { pay } from '../usecases/fine.usecases.js';
import { findPatrons, setPatronStatus } from '../usecases/patron.usecases.js';
import { createStaff } from '../usecases/staff.usecases.js';
import { deletePatron } from '../usecases/patron-deletion.usecases.js';
import { runRetention } from '../jobs/retention.job.js';
import { hashSecret, randomDigits } from '../vault/secrets.js';

/**
 * The patron's side over real HTTP, on every engine: card-and-PIN log-in with its lockout and throttle,
 * answers that do not tell cards apart, sessions and CSRF, and the /me routes (see, export, correct,
 * privacy settings, lost card, deletion), with the desk's side where the two meet (reissue, identify).
 */

// Every argon2 verification is counted (the real one still runs): the timing proof without a stopwatch.
const argon2 = vi.hoisted(() => ({ verifies: 0 }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...real,
    verify: async (...args: Parameters<typeof real.verify>) => {
      argon2.verifies++;
      return real.verify(...args);
    },
  };
});

const MINUTE = 60_000;

describe.each(ENGINES)('patron self-service over HTTP on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let server: TestServer;
  const logLines: string[] = [];
  /** Card numbers, PINs and session tokens used along the way: none may reach a log line. */
  const secrets = new Set<string>();
  const clerk = { username: `clerk-${engine}`, password: '' };
  const manager = { username: `manager-${engine}`, password: '' };
  const volunteer = { username: `volunteer-${engine}`, password: '' };

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    clerk.password = (await w.act(createStaff, { username: clerk.username, libraryId, roles: ['circulation'] })).password;
    manager.password = (await w.act(createStaff, { username: manager.username, libraryId, roles: ['branch-manager'] })).password;
    volunteer.password = (await w.act(createStaff, { username: volunteer.username, libraryId, roles: ['volunteer'] })).password;
    server = await startServer(w, { onLog: (line) => logLines.push(line) });
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });
  // Each test starts a quarter of an hour after the last: earlier failures and sessions have aged out.
  beforeEach(() => w.clock.set(new Date(w.clock.now().getTime() + 16 * MINUTE)));

  async function patron(overrides: { email?: string | null; phone?: string | null } = {}) {
    const registered = await buildPatron(w, { libraryId, ...overrides });
    secrets.add(registered.cardNumber);
    secrets.add(registered.pin);
    return registered;
  }

  function attempt(cardNumber: string, pin: string): Promise<Answer> {
    return server.call('POST', '/auth/patron-login', { body: { cardNumber, pin } });
  }

  async function logIn(credentials: { cardNumber: string; pin: string }): Promise<string> {
    const cookie = await server.patronLogin({ cardNumber: credentials.cardNumber, pin: credentials.pin });
    secrets.add(cookie.slice('carrel_session='.length));
    return cookie;
  }

  /** A well-formed card number nobody holds. */
  const unknownCard = () => cardNumberFrom(randomDigits(12));

  async function accessRows(patronId: string) {
    return database.db.selectFrom('access_log').select(['action', 'actor_kind', 'actor_id', 'purpose']).where('patron_id', '=', patronId).orderBy('seq').execute();
  }

  async function patronRow(id: string) {
    return database.db.selectFrom('patrons').selectAll().where('id', '=', id).executeTakeFirst();
  }

  it('logs a patron in with card and PIN, then shows everything held about them (CB-A8, JC-IVb)', async () => {
    const p = await patron();
    // Given a patron's card and PIN; when they log in
    const answer = await attempt(p.cardNumber, p.pin);
    expect(answer.status).toBe(200);
    expect(answer.body.patron).toEqual({ id: p.id, libraryId });
    expect(answer.headers.getSetCookie().join(';')).toMatch(/carrel_session=[^;]+;.*HttpOnly.*SameSite=Strict/i);
    const cookie = await logIn(p);

    // Then /me covers every category of the inventory that concerns a patron, privacy settings included
    const me = await server.call('GET', '/me', { cookie });
    expect(me.status).toBe(200);
    expect(me.body.patron).toMatchObject({ id: p.id, cardNumber: p.cardNumber });
    // (the aggregate statistics hold nothing about anyone: not in the map, and the document says so)
    expect(Object.keys(me.body.contents).sort()).toEqual([...PATRON_RECORD_CATEGORIES].sort());
    expect(me.body.aggregates).toMatchObject({ categories: [...AGGREGATE_CATEGORIES], personalData: false });
    for (const keys of Object.values(me.body.contents) as string[][]) for (const key of keys) expect(me.body).toHaveProperty(key);
    expect(me.body.privacy).toEqual({
      readingHistory: false,
      readingHistorySince: null,
      noticeChannel: 'none',
      mailingLists: false,
      mailingListsSince: null,
      photoConsent: false,
      photoConsentSince: null,
    });

    const exported = await server.call('GET', '/me/export', { cookie });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="carrel-record.json"');
    expect(exported.body.format).toBe('carrel.patron-export.v1');

    // The log-in counts as activity (CB-F3) and each step is the patron's own access, for self-service
    expect((await patronRow(p.id))?.last_active_at).toBe(w.clock.now().toISOString());
    const rows = await accessRows(p.id);
    expect(rows.slice(-4).map((r) => [r.action, r.actor_kind, r.actor_id, r.purpose])).toEqual([
      ['login', 'patron', p.id, 'self-service'],
      ['login', 'patron', p.id, 'self-service'],
      ['view', 'patron', p.id, 'self-service'],
      ['export', 'patron', p.id, 'self-service'],
    ]);
  });

  it('locks a card after five wrong PINs in fifteen minutes, for that card only, until the window passes (JC-IVa)', async () => {
    const p = await patron();
    const other = await patron();
    // Given five wrong PINs for one card
    for (let i = 0; i < 5; i++) expect((await attempt(p.cardNumber, '000000')).status).toBe(401);
    // Then the right PIN is refused with the very same answer
    const wrong = await attempt(p.cardNumber, '000000');
    const locked = await attempt(p.cardNumber, p.pin);
    expect({ status: locked.status, text: locked.text }).toEqual({ status: wrong.status, text: wrong.text });
    expect(locked.body.error.code).toBe('INVALID_CREDENTIALS');
    // And another card is not affected; its success unlocks nothing for the locked card
    expect((await attempt(other.cardNumber, other.pin)).status).toBe(200);
    expect((await attempt(p.cardNumber, p.pin)).status).toBe(401);
    // When the window has passed since the last failure, the card works again, and its count is cleared
    w.clock.set(new Date(w.clock.now().getTime() + 15 * MINUTE + 1000));
    expect((await attempt(p.cardNumber, p.pin)).status).toBe(200);
    const left = await database.db.selectFrom('login_failures').select('card_hash').where('card_hash', '=', w.runtime.vault.blind('card', p.cardNumber)).execute();
    expect(left).toEqual([]);
  });

  it('gives byte-identical answers, after one argon2 verification each, for unknown, wrong, locked, lost and deceased', async () => {
    const wrongPin = await patron();
    const lockedCard = await patron();
    const lostCard = await patron();
    const deceased = await patron();
    for (let i = 0; i < 5; i++) await attempt(lockedCard.cardNumber, '999999');
    await w.act(setPatronStatus, { patronId: lostCard.id, status: 'card-lost' }, { purpose: 'account-service' });
    await w.act(setPatronStatus, { patronId: deceased.id, status: 'deceased' }, { purpose: 'account-service' });

    const cases: [string, string, string][] = [
      ['unknown card', unknownCard(), '123456'],
      ['wrong PIN', wrongPin.cardNumber, '000000'],
      ['locked card, right PIN', lockedCard.cardNumber, lockedCard.pin],
      ['lost card, right PIN', lostCard.cardNumber, lostCard.pin],
      ['deceased, right PIN', deceased.cardNumber, deceased.pin],
    ];
    const answers: { status: number; text: string; verifies: number }[] = [];
    for (const [, card, pin] of cases) {
      argon2.verifies = 0;
      const answer = await attempt(card, pin);
      answers.push({ status: answer.status, text: answer.text, verifies: argon2.verifies });
    }
    const first = answers[0] as { status: number; text: string; verifies: number };
    expect(first.status).toBe(401);
    expect(JSON.parse(first.text).error.code).toBe('INVALID_CREDENTIALS');
    for (const [i, answer] of answers.entries()) expect(answer, cases[i]?.[0]).toEqual({ status: 401, text: first.text, verifies: 1 });
    // Every refused attempt is counted against its card's blind index, the unknown card's included
    const counted = await database.db.selectFrom('login_failures').select('card_hash').where('card_hash', '=', w.runtime.vault.blind('card', cases[0]?.[1] as string)).execute();
    expect(counted).toHaveLength(1);
  });

  it('never authenticates an empty PIN, even against a hash of the empty string', async () => {
    const p = await patron();
    // Given a PIN hash that an empty PIN would match, were it ever verified
    await database.db.updateTable('patrons').set({ pin_hash: await hashSecret('') }).where('id', '=', p.id).execute();
    argon2.verifies = 0;
    const answer = await attempt(p.cardNumber, '');
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(answer.text).toBe((await attempt(unknownCard(), '123456')).text);
    expect(argon2.verifies).toBe(1); // the unknown card's only
  });

  it('throttles failed log-ins per address: twenty in fifteen minutes, then 429 for any card', async () => {
    const own = await startServer(w, { onLog: (line) => logLines.push(line) });
    try {
      const p = await patron();
      // Successful log-ins give their slot back
      for (let i = 0; i < 3; i++) expect((await own.call('POST', '/auth/patron-login', { body: { cardNumber: p.cardNumber, pin: p.pin } })).status).toBe(200);
      for (let i = 0; i < 20; i++) expect((await own.call('POST', '/auth/patron-login', { body: { cardNumber: unknownCard(), pin: '1234' } })).status).toBe(401);
      const refused = await own.call('POST', '/auth/patron-login', { body: { cardNumber: p.cardNumber, pin: p.pin } });
      expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 429, code: 'TOO_MANY_ATTEMPTS' });
      // Refused by the throttle: not counted against the card
      expect(await database.db.selectFrom('login_failures').select('at').where('card_hash', '=', w.runtime.vault.blind('card', p.cardNumber)).execute()).toEqual([]);
      w.clock.set(new Date(w.clock.now().getTime() + 15 * MINUTE + 1000));
      expect((await own.call('POST', '/auth/patron-login', { body: { cardNumber: p.cardNumber, pin: p.pin } })).status).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('keeps patron and staff sessions apart: each is PERMISSION_DENIED on the other’s routes', async () => {
    const p = await patron();
    const patronCookie = await logIn(p);
    const staffCookie = await server.login(clerk);
    const onStaff = await server.call('POST', '/patrons/lookup', { cookie: patronCookie, body: { cardNumber: p.cardNumber } });
    expect({ status: onStaff.status, code: onStaff.body.error.code }).toEqual({ status: 403, code: 'PERMISSION_DENIED' });
    const onMe = await server.call('GET', '/me', { cookie: staffCookie });
    expect({ status: onMe.status, code: onMe.body.error.code }).toEqual({ status: 403, code: 'PERMISSION_DENIED' });
    expect((await server.call('GET', '/me')).status).toBe(401);
  });

  it('refuses a change without the X-CSRF-Token header, and changes nothing', async () => {
    const p = await patron();
    const cookie = await logIn(p);
    const before = await patronRow(p.id);
    const attempts = [
      server.call('PUT', '/me/privacy', { cookie, csrf: false, body: { mailingLists: true } }),
      server.call('PATCH', '/me', { cookie, csrf: false, body: { name: 'Someone Else' } }),
      server.call('PUT', '/me/pin', { cookie, csrf: false, body: { currentPin: p.pin, newPin: '4321' } }),
      server.call('POST', '/me/card-lost', { cookie, csrf: false }),
      server.call('DELETE', '/me', { cookie, csrf: false }),
      server.call('PUT', '/me/privacy', { cookie, csrf: 'not-the-token', body: { photoConsent: true } }),
    ];
    for (const answer of await Promise.all(attempts)) expect({ status: answer.status, code: answer.body.error.code }).toEqual({ status: 403, code: 'CSRF_TOKEN_INVALID' });
    expect(await patronRow(p.id)).toEqual(before);
    expect((await server.call('GET', '/me', { cookie })).status).toBe(200);
  });

  it('ends a patron session after 15 idle minutes, and after 2 hours however busy', async () => {
    const p = await patron();
    const idle = await logIn(p);
    w.clock.set(new Date(w.clock.now().getTime() + 16 * MINUTE));
    expect((await server.call('GET', '/me/privacy', { cookie: idle })).status).toBe(401);

    const busy = await logIn(p);
    for (let minutes = 10; minutes < 120; minutes += 10) {
      w.clock.set(new Date(w.clock.now().getTime() + 10 * MINUTE));
      expect((await server.call('GET', '/me/privacy', { cookie: busy })).status, `${minutes} minutes in`).toBe(200);
    }
    w.clock.set(new Date(w.clock.now().getTime() + 10 * MINUTE));
    const ended = await server.call('GET', '/me/privacy', { cookie: busy });
    expect({ status: ended.status, code: ended.body.error.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('ends the session on the server at log-out: the old cookie no longer works', async () => {
    const p = await patron();
    const cookie = await logIn(p);
    expect((await server.call('POST', '/auth/logout', { cookie })).status).toBe(204);
    expect((await server.call('GET', '/me', { cookie })).status).toBe(401);
  });

  it('stops a card reported lost at once; staff issue a new card and only it works (JC-IVa, IF-6)', async () => {
    const p = await patron();
    const here = await logIn(p);
    const elsewhere = await logIn(p);
    // When the patron reports the card lost
    const lost = await server.call('POST', '/me/card-lost', { cookie: here });
    expect(lost.status).toBe(200);
    expect(lost.headers.getSetCookie().join(';')).toMatch(/carrel_session=;/);
    // Then every session ends and the card no longer logs in, PIN right or not
    expect((await server.call('GET', '/me', { cookie: here })).status).toBe(401);
    expect((await server.call('GET', '/me', { cookie: elsewhere })).status).toBe(401);
    expect((await attempt(p.cardNumber, p.pin)).body.error.code).toBe('INVALID_CREDENTIALS');
    expect((await patronRow(p.id))?.status).toBe('card-lost');

    // When staff issue a new card
    const desk = await server.login(clerk);
    const reissued = await server.call('POST', `/patrons/${p.id}/card`, { cookie: desk });
    expect(reissued.status).toBe(200);
    expect(reissued.body).toMatchObject({ patronId: p.id, status: 'active' });
    expect(reissued.body.cardNumber).not.toBe(p.cardNumber);
    expect(reissued.body.pin).toMatch(/^\d{6}$/);
    secrets.add(reissued.body.cardNumber);
    secrets.add(reissued.body.pin);
    // Then the new card and PIN work, and the old card finds no one, with either PIN
    expect((await attempt(reissued.body.cardNumber, reissued.body.pin)).status).toBe(200);
    expect((await attempt(p.cardNumber, p.pin)).status).toBe(401);
    expect((await attempt(p.cardNumber, reissued.body.pin)).status).toBe(401);
    const oldCardAtDesk = await server.call('POST', '/patrons/lookup', { cookie: desk, body: { cardNumber: p.cardNumber } });
    expect(oldCardAtDesk.body.error.code).toBe('PATRON_NOT_FOUND');
    // A volunteer may not issue cards
    const byVolunteer = await server.call('POST', `/patrons/${p.id}/card`, { cookie: await server.login(volunteer) });
    expect({ status: byVolunteer.status, code: byVolunteer.body.error.code }).toEqual({ status: 403, code: 'PERMISSION_DENIED' });
  });

  it('starts every privacy setting at the private choice and changes each on request (JC-IIIc, JC-VI, RR-3, RF-8, RR-9)', async () => {
    const p = await patron({ phone: null });
    const cookie = await logIn(p);
    const defaults = await server.call('GET', '/me/privacy', { cookie });
    expect(defaults.body).toEqual({
      readingHistory: false,
      readingHistorySince: null,
      readingHistoryOffered: true,
      noticeChannel: 'none',
      mailingLists: false,
      mailingListsSince: null,
      photoConsent: false,
      photoConsentSince: null,
      noticeLanguage: null,
      policyMailings: true,
    });
    const at = w.clock.now().toISOString();

    // Text notices need a phone number on file: refused, and nothing else in the request applied
    const noPhone = await server.call('PUT', '/me/privacy', { cookie, body: { noticeChannel: 'text', mailingLists: true } });
    expect({ status: noPhone.status, code: noPhone.body.error.code }).toEqual({ status: 422, code: 'NOTICE_CHANNEL_UNREACHABLE' });
    expect((await server.call('GET', '/me/privacy', { cookie })).body).toEqual(defaults.body);

    const chosen = await server.call('PUT', '/me/privacy', { cookie, body: { readingHistory: true, noticeChannel: 'email', mailingLists: true, photoConsent: true } });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toEqual({
      readingHistory: true,
      readingHistorySince: at,
      readingHistoryOffered: true,
      noticeChannel: 'email',
      mailingLists: true,
      mailingListsSince: at,
      photoConsent: true,
      photoConsentSince: at,
      noticeLanguage: null,
      policyMailings: true,
    });
    // The email notices go to cannot be removed while they go there
    const removeEmail = await server.call('PATCH', '/me', { cookie, body: { email: null } });
    expect({ status: removeEmail.status, code: removeEmail.body.error.code }).toEqual({ status: 422, code: 'NOTICE_CHANNEL_UNREACHABLE' });

    // Unsubscribing (RF-8) and withdrawing consent clear the instant; reading history off
    const withdrawn = await server.call('PUT', '/me/privacy', { cookie, body: { readingHistory: false, mailingLists: false, photoConsent: false, noticeChannel: 'none', pin: p.pin } });
    expect(withdrawn.body).toEqual(defaults.body);
    expect((await accessRows(p.id)).map((r) => r.action)).toEqual(expect.arrayContaining(['reading-history-opt-in', 'reading-history-opt-out', 'privacy-changed']));
  });

  it('refuses reading history where the profile does not offer it (carlsbad-nm, CB-F3)', async () => {
    const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
    const p = await buildPatron(w, { libraryId: library.id });
    const cookie = await logIn(p);
    const refused = await server.call('PUT', '/me/privacy', { cookie, body: { readingHistory: true, mailingLists: true } });
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 422, code: 'READING_HISTORY_NOT_OFFERED' });
    expect((await server.call('GET', '/me/privacy', { cookie })).body).toMatchObject({ readingHistoryOffered: false, readingHistory: false, mailingLists: false });
  });

  it('lets a patron correct their details: re-sealed, and the new email finds them at the desk', async () => {
    const p = await patron();
    const cookie = await logIn(p);
    const before = await patronRow(p.id);
    const oldEmail = (await server.call('GET', '/me', { cookie })).body.patron.email as string;
    const newEmail = `corrected.${p.id.slice(0, 8)}@example.org`;
    // Birth date is not self-service; a malformed email is refused; neither changes anything
    expect((await server.call('PATCH', '/me', { cookie, body: { birthDate: '1990-01-01' } })).body.error.code).toBe('VALIDATION_FAILED');
    const bad = await server.call('PATCH', '/me', { cookie, body: { email: 'not an address', name: 'Pat Corrected' } });
    expect(bad.body.error.problems).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'email' })]);
    expect(await patronRow(p.id)).toEqual(before);

    const corrected = await server.call('PATCH', '/me', { cookie, body: { email: newEmail, address: '12 Elm Street' } });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ id: p.id, email: newEmail, address: '12 Elm Street', birthDate: '1985-06-15' });
    const after = await patronRow(p.id);
    expect(after?.personal).not.toBe(before?.personal);
    expect(after?.personal).not.toContain(newEmail);
    const byNew = await w.act(findPatrons, { email: newEmail }, { purpose: 'account-service' });
    expect(byNew.map((f) => f.id)).toEqual([p.id]);
    expect(await w.act(findPatrons, { email: oldEmail }, { purpose: 'account-service' })).toEqual([]);
  });

  it('lets staff correct a patron, birth date included', async () => {
    const p = await patron();
    const desk = await server.login(clerk);
    const corrected = await server.call('PATCH', `/patrons/${p.id}`, { cookie: desk, body: { name: 'Pat Q. Marker', birthDate: '1985-06-16' } });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ name: 'Pat Q. Marker', birthDate: '1985-06-16' });
    // A date that turns an adult into a minor is a new registration
    const minor = await server.call('PATCH', `/patrons/${p.id}`, { cookie: desk, body: { birthDate: '2015-01-01' } });
    expect(minor.body.error.problems).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'birthDate' })]);
    const rows = await accessRows(p.id);
    expect(rows.at(-1)).toMatchObject({ action: 'correct', actor_kind: 'staff', purpose: 'account-service' });
    const byVolunteer = await server.call('PATCH', `/patrons/${p.id}`, { cookie: await server.login(volunteer), body: { name: 'X' } });
    expect(byVolunteer.body.error.code).toBe('PERMISSION_DENIED');
    // A correction that changes nothing is refused: it would only read the record back to a clerk, who may not
    // read it by id (the patron's id is in an identification's answer), and nothing is logged
    const logged = (await accessRows(p.id)).length;
    const empty = await server.call('PATCH', `/patrons/${p.id}`, { cookie: desk, body: {} });
    expect([empty.status, empty.body.error?.code, JSON.stringify(empty.body).includes('Marker')]).toEqual([400, 'VALIDATION_FAILED', false]);
    expect((await accessRows(p.id)).length).toBe(logged);
  });

  it('identifies a patron without their card by photo ID and birth date; a wrong date reveals nothing and leaves a trail (IF-5)', async () => {
    const p = await patron();
    const desk = await server.login(clerk);
    const logged = (await accessRows(p.id)).length;
    const wrongDate = await server.call('POST', '/patrons/identify', { cookie: desk, body: { patronId: p.id, photoIdChecked: true, birthDate: '1985-06-14' } });
    const nobody = await server.call('POST', '/patrons/identify', { cookie: desk, body: { patronId: '00000000-0000-4000-8000-000000000000', photoIdChecked: true, birthDate: '1985-06-15' } });
    expect({ status: wrongDate.status, code: wrongDate.body.error.code }).toEqual({ status: 422, code: 'IDENTITY_NOT_VERIFIED' });
    expect(nobody.text).toBe(wrongDate.text);
    expect(wrongDate.text).not.toContain('1985');
    // The wrong guess opened the record to compare the date: that look is on the patron's log.
    expect((await accessRows(p.id)).slice(logged).map((r) => [r.action, r.actor_kind])).toEqual([['identity-check-failed', 'staff']]);
    const unchecked = await server.call('POST', '/patrons/identify', { cookie: desk, body: { patronId: p.id, photoIdChecked: false, birthDate: '1985-06-15' } });
    expect(unchecked.body.error.code).toBe('VALIDATION_FAILED');

    const identified = await server.call('POST', '/patrons/identify', { cookie: desk, body: { patronId: p.id, photoIdChecked: true, birthDate: '1985-06-15' } });
    expect(identified.status).toBe(200);
    // What the desk needs (issue 22): who, to confirm against the ID, their standing, and a handle for the card; never the card number or contact details.
    expect(identified.body).toEqual({ patronId: p.id, name: expect.stringMatching(/^Pat Marker/), status: 'active', handle: expect.stringMatching(/^ID-[0-9A-F]{24}$/), expiresAt: expect.any(String) });
    expect(identified.text).not.toContain(p.cardNumber);
    expect(identified.text).not.toMatch(/@example\.org|address|email|phone/);
    secrets.add(identified.body.handle as string);
    expect((await accessRows(p.id)).at(-1)).toMatchObject({ action: 'identity-verified', actor_kind: 'staff' });
    // The handle opens the account as a card would, and stands where the card number would be.
    const account = await server.call('POST', '/patrons/lookup', { cookie: desk, body: { cardNumber: identified.body.handle } });
    expect(account.status).toBe(200);
    expect(account.body.patron).toMatchObject({ id: p.id, cardNumber: identified.body.handle });
    expect(account.text).not.toContain(p.cardNumber);
    expect((await accessRows(p.id)).at(-1)).toMatchObject({ action: 'view-account', actor_kind: 'staff' });
    // The desk lends with it, as with the card
    const item = await buildItem(w, { libraryId });
    const lent = await server.call('POST', '/checkouts', { cookie: desk, body: { cardNumber: identified.body.handle, itemBarcode: item.barcode } });
    expect(lent.status).toBe(201);
    expect(lent.body).toMatchObject({ patronId: p.id });
    // For this account only, and for half an hour
    const other = await server.call('POST', '/patrons/lookup', { cookie: await server.login(manager), body: { cardNumber: identified.body.handle } });
    expect(other.body.error.code).toBe('PATRON_NOT_FOUND');
    w.clock.set(new Date(w.clock.now().getTime() + 31 * MINUTE));
    const late = await server.call('POST', '/patrons/lookup', { cookie: await server.login(clerk), body: { cardNumber: identified.body.handle } });
    expect(late.body.error.code).toBe('PATRON_NOT_FOUND');
  });

  it('limits identification by birth date per patron and per staff account: past the limit even the right date is refused, and the director is alerted (IF-5, issue 22)', async () => {
    // Given the library's limits (a setting with a default): 3 refusals per patron, 10 per staff account, in 60 minutes
    const settings = await server.call('GET', `/libraries/${libraryId}/settings`, { cookie: await server.login(manager) });
    expect(settings.body).toMatchObject({ identifyPatronFailures: 3, identifyStaffFailures: 10, identifyWindowMinutes: 60 });
    const p = await patron();
    const guesser = { username: `guesser-${engine}`, password: (await w.act(createStaff, { username: `guesser-${engine}`, libraryId, roles: ['circulation'] })).password };
    const second = { username: `second-${engine}`, password: (await w.act(createStaff, { username: `second-${engine}`, libraryId, roles: ['circulation'] })).password };
    const [one, two] = [await server.login(guesser), await server.login(second)];
    const identify = (cookie: string, body: Record<string, unknown>) => server.call('POST', '/patrons/identify', { cookie, body: { photoIdChecked: true, ...body } });
    const outcome = (a: Answer) => `${a.status} ${(a.body.error?.code as string | undefined) ?? 'OK'}`;

    // When two clerks guess the patron's birth date three times between them
    const guesses = [await identify(one, { patronId: p.id, birthDate: '1985-01-01' }), await identify(two, { patronId: p.id, birthDate: '1985-01-02' }), await identify(one, { patronId: p.id, birthDate: '1985-01-03' })];
    expect(guesses.map(outcome)).toEqual(Array(3).fill('422 IDENTITY_NOT_VERIFIED'));
    // Then the patron is identified by card only: the right date is refused with the limit's code, by anyone
    const right = await identify(two, { patronId: p.id, birthDate: '1985-06-15' });
    expect(outcome(right)).toBe('429 IDENTIFY_LIMIT_REACHED');
    expect(outcome(await identify(one, { patronId: p.id, birthDate: '1985-01-04' }))).toBe('429 IDENTIFY_LIMIT_REACHED');
    expect(right.text).not.toMatch(/1985|Marker/);
    // And the patron's record says so, and the director has an alert naming the clerk, not the patron
    expect((await accessRows(p.id)).map((r) => r.action).filter((a) => a.startsWith('identity-check'))).toEqual(['identity-check-failed', 'identity-check-failed', 'identity-check-failed', 'identity-check-locked']);
    const director = { username: `director-${engine}`, password: (await w.act(createStaff, { username: `director-${engine}`, libraryId, roles: ['director'] })).password };
    const boss = await server.login(director);
    const alerts = await server.call('GET', '/alerts', { cookie: boss });
    expect(alerts.status).toBe(200);
    expect(alerts.body[0]).toMatchObject({ kind: 'identify-limit-patron', libraryId, staff: { username: guesser.username } });
    expect(alerts.text).not.toContain(p.id);
    expect((await server.call('GET', '/alerts', { cookie: one })).body.error.code).toBe('PERMISSION_DENIED');

    // When one clerk keeps guessing other patrons' dates (and names), the account reaches its own limit of 10
    const others = [await patron(), await patron(), await patron(), await patron()];
    const codes: string[] = [];
    for (let i = 0; codes.length < 8; i++) codes.push(outcome(await identify(one, { patronId: others[i % 4]?.id, birthDate: `1970-01-${String(10 + i).padStart(2, '0')}` })));
    // Then (2 refusals before, 8 now) the account's next identification is refused, the right date too, with nothing compared
    expect(codes).toEqual(Array(8).fill('422 IDENTITY_NOT_VERIFIED'));
    const before = (await accessRows(others[0]?.id as string)).length;
    expect(outcome(await identify(one, { patronId: others[0]?.id, birthDate: '1985-06-15' }))).toBe('429 IDENTIFY_LIMIT_REACHED');
    expect(outcome(await identify(one, { name: 'Pat Marker', birthDate: '1985-06-15' }))).toBe('429 IDENTIFY_LIMIT_REACHED');
    expect((await accessRows(others[0]?.id as string)).length).toBe(before);
    expect((await server.call('GET', '/alerts', { cookie: boss })).body[0]).toMatchObject({ kind: 'identify-limit-staff', staff: { username: guesser.username } });
    // The other clerk still identifies a patron whose limit was not reached
    const fine = await identify(two, { patronId: others[1]?.id, birthDate: '1985-06-15' });
    expect(outcome(fine)).toBe('200 OK');
    secrets.add(fine.body.handle as string);

    // Once the window has passed, both limits are over (refusals while they held did not extend them)
    w.clock.set(new Date(w.clock.now().getTime() + 61 * MINUTE));
    const again = await identify(await server.login(guesser), { patronId: p.id, birthDate: '1985-06-15' });
    expect(outcome(again)).toBe('200 OK');
    secrets.add(again.body.handle as string);
  });

  it('concurrent guesses of one patron’s birth date are counted one at a time: the limit holds on every engine (issue 22)', async () => {
    const p = await patron();
    const accounts = await Promise.all(
      [1, 2, 3].map(async (n) => server.login({ username: `racer${n}-${engine}`, password: (await w.act(createStaff, { username: `racer${n}-${engine}`, libraryId, roles: ['circulation'] })).password })),
    );
    // Eight wrong dates at once, from three desks
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => server.call('POST', '/patrons/identify', { cookie: accounts[i % 3] as string, body: { patronId: p.id, photoIdChecked: true, birthDate: `1970-02-${String(10 + i)}` } })),
    );
    const codes = answers.map((a) => a.body.error?.code as string).sort();
    expect(codes).toEqual([...Array<string>(5).fill('IDENTIFY_LIMIT_REACHED'), ...Array<string>(3).fill('IDENTITY_NOT_VERIFIED')]);
    expect((await accessRows(p.id)).filter((r) => r.action === 'identity-check-failed')).toHaveLength(3);
  });

  it('refused identifications go with the patron they counted against, and the nightly run sweeps what no window reaches (issue 22)', async () => {
    const failures = async () => Number((await database.db.selectFrom('identify_failures').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const handles = async () => Number((await database.db.selectFrom('desk_identifications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const sweeper = { username: `sweeper-${engine}`, password: (await w.act(createStaff, { username: `sweeper-${engine}`, libraryId, roles: ['circulation'] })).password };
    const cookie = await server.login(sweeper);
    const [doomed, kept] = [await patron(), await patron()];
    // Given two wrong guesses against one patron, one against another, and a handle given for the second
    for (const [p, date] of [[doomed, '1960-01-01'], [doomed, '1960-01-02'], [kept, '1960-01-03']] as const)
      expect((await server.call('POST', '/patrons/identify', { cookie, body: { photoIdChecked: true, patronId: p.id, birthDate: date } })).status).toBe(422);
    expect((await server.call('POST', '/patrons/identify', { cookie, body: { photoIdChecked: true, patronId: kept.id, birthDate: '1985-06-15' } })).status).toBe(200);
    const [before, handlesBefore] = [await failures(), await handles()];
    // When the first patron's record is deleted, their two refusals go with it (the staff account's stay)
    await w.act(deletePatron, { patronId: doomed.id });
    expect(await failures()).toBe(before - 2);
    // And once the longest window a library may set has passed, the nightly run sweeps the rest and the expired handle
    w.clock.set(new Date(w.clock.now().getTime() + (7 * 24 * 60 + 1) * MINUTE));
    await runRetention(w.runtime, { libraryId });
    expect(handlesBefore).toBeGreaterThan(0);
    expect([await failures(), await handles()]).toEqual([0, 0]);
  });

  it('identifies a patron without their card by the name on the photo ID and the birth date, never by a record number (IF-5)', async () => {
    const surname = `Quillfeather${Date.now() % 100000}`;
    const named = async (name: string, birthDate: string) => {
      const registered = await buildPatron(w, { libraryId, name, birthDate });
      secrets.add(registered.cardNumber);
      secrets.add(registered.pin);
      return registered;
    };
    const rosa = await named(`Rosa Maria ${surname}`, '1971-04-02');
    const twinA = await named(`Ana ${surname}`, '1990-09-09');
    const twinB = await named(`Ana ${surname}`, '1990-09-09');
    const other = await named(`Ana ${surname}`, '1960-01-01');
    const desk = await server.login(clerk);
    const identify = (body: Record<string, unknown>) => server.call('POST', '/patrons/identify', { cookie: desk, body: { photoIdChecked: true, ...body } });
    const logged = async (id: string) => (await accessRows(id)).map((r) => r.action);
    const before = { rosa: (await logged(rosa.id)).length, twinA: (await logged(twinA.id)).length, twinB: (await logged(twinB.id)).length, other: (await logged(other.id)).length };

    // The words on the ID, in any order and case, with the date of birth: the patron's account, as when the card is scanned.
    const found = await identify({ name: `${surname.toUpperCase()} rosa`, birthDate: '1971-04-02', libraryId });
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ patronId: rosa.id, name: `Rosa Maria ${surname}` });
    expect(found.text).not.toContain(rosa.cardNumber);
    expect((await logged(rosa.id)).slice(before.rosa)).toEqual(['identity-verified']);

    // A wrong date: the same refusal as for nobody, naming nothing; the record compared keeps a trail.
    const wrong = await identify({ name: `Rosa ${surname}`, birthDate: '1971-04-03' });
    const nobody = await identify({ name: `Nobody ${surname}`, birthDate: '1971-04-02' });
    expect({ status: wrong.status, code: wrong.body.error.code }).toEqual({ status: 422, code: 'IDENTITY_NOT_VERIFIED' });
    expect(nobody.text).toBe(wrong.text);
    expect(wrong.text).not.toContain(surname);
    expect((await logged(rosa.id)).slice(before.rosa + 1)).toEqual(['identity-check-failed']);

    // Two patrons with the same name and date of birth are not told apart: ask for the card. Each record compared is logged.
    const twins = await identify({ name: `Ana ${surname}`, birthDate: '1990-09-09' });
    expect({ status: twins.status, code: twins.body.error.code }).toEqual({ status: 409, code: 'IDENTITY_AMBIGUOUS' });
    expect(twins.text).not.toContain(twinA.id);
    expect((await logged(twinA.id)).slice(before.twinA)).toEqual(['identity-check-ambiguous']);
    expect((await logged(twinB.id)).slice(before.twinB)).toEqual(['identity-check-ambiguous']);
    expect((await logged(other.id)).slice(before.other)).toEqual(['identity-check-failed']);
    // Another date of birth tells the third Ana apart.
    const third = await identify({ name: `ana ${surname}`, birthDate: '1960-01-01' });
    expect(third.body).toMatchObject({ patronId: other.id });

    // The name or the record, one of the two; the photo ID first; a name of no words is no name.
    const both = await identify({ name: `Rosa ${surname}`, patronId: rosa.id, birthDate: '1971-04-02' });
    const neither = await identify({ birthDate: '1971-04-02' });
    const blank = await identify({ name: ' - ', birthDate: '1971-04-02' });
    const unchecked = await server.call('POST', '/patrons/identify', { cookie: desk, body: { name: `Rosa ${surname}`, photoIdChecked: false, birthDate: '1971-04-02' } });
    for (const refused of [both, neither, blank, unchecked]) expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect((await logged(rosa.id)).slice(before.rosa + 2)).toEqual([]);
  });

  it('shows the patron who accessed their record: role, library, purpose, day; the look is logged too', async () => {
    const p = await patron();
    const cookie = await logIn(p);
    const desk = await server.login(clerk);
    await server.call('POST', '/patrons/identify', { cookie: desk, body: { patronId: p.id, photoIdChecked: true, birthDate: '1985-06-15' } });
    const seen = await server.call('GET', '/me/access-log', { cookie });
    expect(seen.status).toBe(200);
    const today = w.clock.now().toLocaleDateString('en-CA', { timeZone: 'America/Denver' });
    expect(seen.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ date: today, role: 'you', action: 'login', purpose: 'self-service' }),
        expect.objectContaining({ date: today, role: 'circulation clerk', library: 'Test Library', action: 'identity-verified', purpose: 'account-service' }),
      ]),
    );
    expect(seen.text).not.toContain(clerk.username);
    expect((await accessRows(p.id)).at(-1)).toMatchObject({ action: 'view-access-log', actor_kind: 'patron', purpose: 'self-service' });
  });

  it('changes the PIN on proof of the current one; every other session ends', async () => {
    const p = await patron();
    const other = await logIn(p);
    const cookie = await logIn(p);
    const wrong = await server.call('PUT', '/me/pin', { cookie, body: { currentPin: '000000', newPin: '4321' } });
    expect({ status: wrong.status, code: wrong.body.error.code }).toEqual({ status: 401, code: 'INVALID_CREDENTIALS' });
    // The wrong current PIN counted towards the card's lockout (and was committed though refused)
    expect(await database.db.selectFrom('login_failures').select('at').where('card_hash', '=', w.runtime.vault.blind('card', p.cardNumber)).execute()).toHaveLength(1);
    const short = await server.call('PUT', '/me/pin', { cookie, body: { currentPin: p.pin, newPin: '12' } });
    expect(short.body.error.problems).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'newPin' })]);

    const changed = await server.call('PUT', '/me/pin', { cookie, body: { currentPin: p.pin, newPin: '24680' } });
    expect(changed.status).toBe(200);
    secrets.add('24680');
    const fresh = (changed.headers.getSetCookie().find((c) => c.startsWith('carrel_session=')) as string).split(';')[0] as string;
    expect((await server.call('GET', '/me', { cookie: other })).status).toBe(401);
    expect((await server.call('GET', '/me', { cookie })).status).toBe(401);
    expect((await server.call('GET', '/me', { cookie: fresh })).status).toBe(200);
    expect((await server.call('PUT', '/me/privacy', { cookie: fresh, csrf: changed.body.csrfToken, body: { photoConsent: true } })).status).toBe(200);
    expect((await attempt(p.cardNumber, p.pin)).status).toBe(401);
    expect((await attempt(p.cardNumber, '24680')).status).toBe(200);
  });

  it('refuses deletion while items are out and money is owed, naming both; then shreds and keeps a receipt (CB-A8)', async () => {
    const p = await patron();
    const returnedLate = await buildItem(w, { libraryId });
    const stillOut = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: p.cardNumber, itemBarcode: returnedLate.barcode });
    await w.act(checkout, { cardNumber: p.cardNumber, itemBarcode: stillOut.barcode });
    w.clock.advanceDays(30);
    await w.act(checkin, { itemBarcode: returnedLate.barcode });

    const cookie = await logIn(p);
    const refused = await server.call('DELETE', '/me', { cookie, body: { pin: p.pin } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.problems.map((x: { code: string }) => x.code)).toEqual(['PATRON_HAS_ITEMS_OUT', 'PATRON_OWES_FINES']);
    expect(await patronRow(p.id)).toBeDefined();
    expect((await server.call('GET', '/me', { cookie })).status).toBe(200);

    await w.act(checkin, { itemBarcode: stillOut.barcode });
    const owed = (await server.call('GET', '/me', { cookie })).body.balanceCents as number;
    await w.act(pay, { cardNumber: p.cardNumber, amountCents: owed });

    const deleted = await server.call('DELETE', '/me', { cookie, body: { pin: p.pin } });
    expect(deleted.status).toBe(200);
    expect(Object.keys(deleted.body).sort()).toEqual(['deletedAt', 'keyDestroyedAfter', 'receiptId']);
    expect(deleted.headers.getSetCookie().join(';')).toMatch(/carrel_session=;/);
    expect(await patronRow(p.id)).toBeUndefined();
    const receipt = await database.db.selectFrom('deletion_receipts').selectAll().where('id', '=', deleted.body.receiptId).executeTakeFirstOrThrow();
    expect(receipt).toMatchObject({ library_id: libraryId, requested_by: 'patron' });
    expect((await server.call('GET', '/me', { cookie })).status).toBe(401);
    expect((await attempt(p.cardNumber, p.pin)).status).toBe(401);
  });

  it('keeps a receipt when staff delete a patron', async () => {
    const p = await patron();
    const deleted = await server.call('DELETE', `/patrons/${p.id}`, { cookie: await server.login(manager) });
    expect(deleted.status).toBe(200);
    const receipts = await database.db.selectFrom('deletion_receipts').selectAll().where('requested_by', '=', 'staff').execute();
    expect(receipts.map((r) => r.deleted_at)).toContain(w.clock.now().toISOString());
    expect(JSON.stringify(receipts)).not.toContain(p.id);
  });

  it('writes no card number, PIN or session token to the log', () => {
    const log = logLines.join('');
    expect(log.length).toBeGreaterThan(0);
    // A PIN is a few digits: it is looked for as a value of its own, not inside a request id, a time
    // or a response time, where six digits turn up by chance.
    for (const secret of secrets) expect(log, 'a secret reached the log').not.toMatch(new RegExp(`(?<![0-9A-Za-z.])${secret}(?![0-9A-Za-z.])`));
  });
});
