import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, refusalCodes, world, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { capturedLogger, connectSip2, parseResponse, selfSignedCertificate, withErrorDetection, type Sip2Response, type Sip2TestClient } from '../../test/sip2.js';
import { profiles, shippedProfilesDir } from '../profile/profiles.js';
import { checkin, checkout } from '../usecases/circulation.usecases.js';
import { placeHold } from '../usecases/hold.usecases.js';
import { createSip2Account, disableSip2Account, type CreateSip2AccountInput } from '../usecases/sip2-account.usecases.js';
import { sip2Date } from './codec.js';
import { NOT_ALLOWED, screenMessage } from './screen-messages.js';
import { startSip2Server, type Sip2Server } from './server.js';

/**
 * The SIP2 server end to end: real sockets (TCP and TLS), every message Carrel answers laid out as
 * SIP2 2.00 lays it out, what each kind of account learns (CB-G2, RF-6, CB-D, IF-9), the lockout it
 * shares with the web log-in (JC-IVa), the access log it writes, and how it treats a misbehaving client.
 */

// An operator's profile that lets vendors receive the category or age band (access.vendors), loaded
// before anything reads the profiles, as `carrel start` would load CARREL_PROFILES_DIR. No shipped
// profile allows it.
const VENDOR_PROFILE = 'sip2-vendor-attributes';
const profilesDir = mkdtempSync(join(tmpdir(), 'carrel-sip2-profiles-'));
writeFileSync(
  join(profilesDir, `${VENDOR_PROFILE}.yaml`),
  readFileSync(join(shippedProfilesDir(), 'strict-default.yaml'), 'utf8')
    .replace(/^id: strict-default$/m, `id: ${VENDOR_PROFILE}`)
    .replace(/^access:$/m, 'access:\n  vendors:\n    attributes: category-or-age-band\n    clause: RF-6'),
);
const savedProfilesDir = process.env.CARREL_PROFILES_DIR;
process.env.CARREL_PROFILES_DIR = profilesDir;
profiles();
if (savedProfilesDir === undefined) delete process.env.CARREL_PROFILES_DIR;
else process.env.CARREL_PROFILES_DIR = savedProfilesDir;

const TZ = 'America/Denver';
const AO = 'CARREL';
const SIP2_DATE = /^\d{8} {4}\d{6}$/;
const BLANK_DATE = ' '.repeat(18);

/** Where each response keeps its transaction date among its fixed fields. */
const DATE_AT: Record<string, number> = { '98': 8, '24': 2, '64': 2, '12': 4, '10': 4, '30': 4, '66': 3, '18': 3, '38': 1, '36': 1, '16': 2 };
/** The variable fields SIP2 2.00 requires in each response. */
const REQUIRED: Record<string, string[]> = {
  '98': ['AO', 'BX'],
  '24': ['AO', 'AA', 'AE'],
  '64': ['AO', 'AA', 'AE'],
  '12': ['AO', 'AA', 'AB', 'AJ', 'AH'],
  '10': ['AO', 'AB', 'AQ'],
  '30': ['AO', 'AA', 'AB', 'AJ', 'AH'],
  '66': ['AO'],
  '18': ['AB', 'AJ'],
  '38': ['AO', 'AA'],
  '36': ['AO', 'AA'],
  '16': ['AO', 'AA'],
};

/** What each fixed field (before the date) of each response may hold in SIP2 2.00. */
const STATUS = /^[Y ]{14}$/;
const LANGUAGE = /^\d{3}$/;
const COUNT = /^\d{4}$/;
const FIXED_FORMS: Record<string, RegExp[]> = {
  '94': [/^[01]$/],
  '98': [/^[YN]$/, /^[YN]$/, /^[YN]$/, /^[YN]$/, /^[YN]$/, /^[YN]$/, /^\d{3}$/, /^\d{3}$/, SIP2_DATE, /^\d\.\d\d$/],
  '24': [STATUS, LANGUAGE, SIP2_DATE],
  '64': [STATUS, LANGUAGE, SIP2_DATE, COUNT, COUNT, COUNT, COUNT, COUNT, COUNT],
  '12': [/^[01]$/, /^[YN]$/, /^[YNU]$/, /^[YN]$/, SIP2_DATE],
  '10': [/^[01]$/, /^[YN]$/, /^[YNU]$/, /^[YN]$/, SIP2_DATE],
  '30': [/^[01]$/, /^[YN]$/, /^[YNU]$/, /^[YN]$/, SIP2_DATE],
  '66': [/^[01]$/, COUNT, COUNT, SIP2_DATE],
  '18': [/^\d\d$/, /^\d\d$/, /^\d\d$/, SIP2_DATE],
  '38': [/^[YN]$/, SIP2_DATE],
  '36': [/^[YN]$/, SIP2_DATE],
  '16': [/^[01]$/, /^[YN]$/, SIP2_DATE],
};

/** The BX field (supported messages, in SIP2's order 23 11 09 01 99 97 93 63 35 37 17 19 25 15 29 65) each kind announces. */
const BX = {
  'self-check': 'YYYYYYYYYYYNNYYY',
  sorter: 'NNYNYYYNNNYNNNNN',
  authentication: 'YNNNYYYYYNNNNNNN',
};

describe.each(ENGINES)('SIP2 server on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let tcp: Sip2Server;
  let secure: Sip2Server;
  let ca: string;
  let logs: string[] = [];
  /** Every card number, PIN and name a test used: none may reach the server's log. */
  const secrets: string[] = [];
  const accounts: Record<'kiosk' | 'sorter' | 'vendor', { loginId: string; password: string; name: string }> = {} as never;
  let sequence = 0;

  const now = () => sip2Date(w.clock.now(), TZ);

  async function account(input: Omit<CreateSip2AccountInput, 'libraryId' | 'branch'> & { branch?: string; libraryId?: string }) {
    const { account: created, password } = await w.act(createSip2Account, { libraryId, branch: 'main', ...input });
    return { loginId: created.loginId, password, name: created.name, id: created.id };
  }

  async function patron(overrides: { name?: string; libraryId?: string } = {}) {
    const p = await buildPatron(w, { libraryId, ...overrides });
    secrets.push(p.cardNumber, p.pin);
    if (overrides.name) secrets.push(overrides.name);
    return p;
  }

  async function connect(transport: 'tcp' | 'tls' = 'tcp'): Promise<Sip2TestClient> {
    return transport === 'tls' ? connectSip2(secure.port, { ca }) : connectSip2(tcp.port);
  }

  /** Sends a request with error detection and reads its response: the sequence echoed, the checksum right, the date now. */
  async function send(client: Sip2TestClient, message: string): Promise<Sip2Response> {
    const seq = String(sequence++ % 10);
    const response = parseResponse(await client.request(withErrorDetection(message, seq, client.charset)), client.charset);
    expect(response.sequence, response.line).toBe(seq);
    expect(response.checksumRight, response.line).toBe(true);
    (FIXED_FORMS[response.code] ?? []).forEach((form, i) => expect(response.fixed[i], `fixed field ${i} of ${response.line}`).toMatch(form));
    const dateAt = DATE_AT[response.code];
    if (dateAt !== undefined) expect(response.fixed[dateAt], response.line).toBe(now());
    for (const id of REQUIRED[response.code] ?? []) expect(response.ids(), `${id} in ${response.line}`).toContain(id);
    return response;
  }

  async function login(client: Sip2TestClient, who: { loginId: string; password: string }): Promise<Sip2Response> {
    return send(client, `9300CN${who.loginId}|CO${who.password}|CPmain|`);
  }

  async function session(who: { loginId: string; password: string }, transport: 'tcp' | 'tls' = 'tcp'): Promise<Sip2TestClient> {
    const client = await connect(transport);
    expect((await login(client, who)).fixed).toEqual(['1']);
    return client;
  }

  // The requests, laid out as SIP2 2.00 lays them out.
  const msg = {
    status: () => '9900402.00',
    patronStatus: (card: string, pin?: string) => `23001${now()}AO${AO}|AA${card}|AC|${pin !== undefined ? `AD${pin}|` : ''}`,
    patronInfo: (card: string, pin: string | undefined, summary = '          ', range: { start?: number; end?: number } = {}) =>
      `63001${now()}${summary}AO${AO}|AA${card}|AC|${pin !== undefined ? `AD${pin}|` : ''}${range.start !== undefined ? `BP${String(range.start).padStart(5, '0')}|` : ''}${range.end !== undefined ? `BQ${String(range.end).padStart(5, '0')}|` : ''}`,
    checkout: (card: string, pin: string | undefined, barcode: string) => `11NN${now()}${BLANK_DATE}AO${AO}|AA${card}|AB${barcode}|AC|${pin !== undefined ? `AD${pin}|` : ''}`,
    checkin: (barcode: string) => `09N${now()}${now()}APmain|AO${AO}|AB${barcode}|AC|`,
    renew: (card: string, pin: string, barcode: string) => `29NN${now()}${BLANK_DATE}AO${AO}|AA${card}|AD${pin}|AB${barcode}|`,
    renewAll: (card: string, pin: string) => `65${now()}AO${AO}|AA${card}|AD${pin}|`,
    itemInfo: (barcode: string) => `17${now()}AO${AO}|AB${barcode}|AC|`,
    feePaid: (card: string, pin: string, amount: string) => `37${now()}0100USDBV${amount}|AO${AO}|AA${card}|AD${pin}|BKKIOSK-1|`,
    endSession: (card: string) => `35${now()}AO${AO}|AA${card}|`,
    hold: (mode: '+' | '-', card: string, pin: string, barcode: string, pickup?: string) => `15${mode}${now()}AO${AO}|AA${card}|AD${pin}|AB${barcode}|${pickup ? `BS${pickup}|` : ''}`,
    block: (card: string) => `01N${now()}AO${AO}|ALCard retained at the kiosk|AA${card}|`,
  };

  async function dueAtOf(barcode: string): Promise<string> {
    const row = await database.db
      .selectFrom('loans')
      .innerJoin('items', 'items.id', 'loans.item_id')
      .select('loans.due_at')
      .where('items.barcode', '=', barcode)
      .where('loans.ended_at', 'is', null)
      .executeTakeFirstOrThrow();
    return sip2Date(new Date(row.due_at), TZ);
  }

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    ({
      library: { id: libraryId },
    } = await buildLibrary(w, { name: 'Test Library', branches: [{ code: 'main', name: 'Main Library' }, { code: 'north', name: 'North Branch' }] }));
    accounts.kiosk = await account({ name: 'Front kiosk', kind: 'self-check' });
    accounts.sorter = await account({ name: 'Returns sorter', kind: 'sorter', sortBins: { holdHere: 'H', holdElsewhere: 'T', otherBranch: 'B', shelf: 'S' } });
    accounts.vendor = await account({ name: 'EZproxy', kind: 'authentication' });
    const pair = selfSignedCertificate();
    ca = pair.cert;
    const captured = capturedLogger();
    logs = captured.lines;
    // Every test connects from 127.0.0.1: the address throttle has its own test, on its own server.
    const generous = { limit: 10_000, windowMs: 60_000 };
    tcp = await startSip2Server(w.runtime, { port: 0, log: captured.log, loginFailures: generous });
    secure = await startSip2Server(w.runtime, { port: 0, log: captured.log, loginFailures: generous, tls: pair });
    database.onDrop(() => tcp.close());
    database.onDrop(() => secure.close());
  });
  afterAll(() => database?.drop());

  describe.each(['tcp', 'tls'] as const)('over %s', (transport) => {
    it('serves a kiosk every implemented message in SIP2 2.00 layouts, dated in the library’s time zone (CB-G2)', async () => {
      // Given a patron, three books for them and one another patron has out
      const p = await patron({ name: 'Zoë Quintana' });
      const other = await patron();
      const books = [await buildItem(w, { libraryId, title: 'Café Stories' }), await buildItem(w, { libraryId, title: 'Desert Plants' }), await buildItem(w, { libraryId, title: 'Night Trains' })];
      const [a, b, c] = books.map((book) => book.barcode) as [string, string, string];
      const wanted = await buildItem(w, { libraryId, title: 'Wanted Book' });
      await w.act(checkout, { cardNumber: other.cardNumber, itemBarcode: wanted.barcode });
      const kiosk = await connect(transport);

      // When the kiosk logs in (93 → 94)
      const loggedIn = await login(kiosk, accounts.kiosk);
      // Then the login is accepted, with its sequence and checksum
      expect(loggedIn.code).toBe('94');
      expect(loggedIn.fixed).toEqual(['1']);

      // When it asks for the ACS status (99 → 98), Then BX is what Carrel implements and the account may send
      const status = await send(kiosk, msg.status());
      expect(status.code).toBe('98');
      expect(status.fixed).toEqual(['Y', 'Y', 'Y', 'Y', 'N', 'N', '030', '003', now(), '2.00']);
      // (99 carries no AO: the account's library answers for the institution)
      expect(status.fields).toEqual([
        ['AO', libraryId],
        ['AM', 'Test Library'],
        ['BX', BX['self-check']],
        ['AN', 'main'],
      ]);
      // And without error detection the answer carries none
      const plain = parseResponse(await kiosk.request(msg.status()));
      expect(plain.sequence).toBeNull();
      expect(plain.line).not.toMatch(/AY\dAZ/);

      // When the patron presents card and PIN (23 → 24), Then a greeting, valid card and PIN, what they owe
      const patronStatus = await send(kiosk, msg.patronStatus(p.cardNumber, p.pin));
      expect(patronStatus.code).toBe('24');
      expect(patronStatus.fixed).toEqual([' '.repeat(14), '001', now()]);
      expect(patronStatus.fields).toEqual([
        ['AO', AO],
        ['AA', p.cardNumber],
        ['AE', 'Zoë'],
        ['BL', 'Y'],
        ['CQ', 'Y'],
        ['BV', '0.00'],
        ['AF', 'Hello, Zoë.'],
      ]);

      // When the patron checks out three books (11 → 12), Then each is lent with its title and due date
      for (const [barcode, title] of [
        [a, 'Café Stories'],
        [b, 'Desert Plants'],
        [c, 'Night Trains'],
      ] as const) {
        const out = await send(kiosk, msg.checkout(p.cardNumber, p.pin, barcode));
        expect(out.code).toBe('12');
        expect(out.fixed).toEqual(['1', 'N', 'U', 'Y', now()]);
        expect(out.get('AA')).toBe(p.cardNumber);
        expect(out.get('AB')).toBe(barcode);
        expect(out.get('AJ')).toBe(title);
        expect(out.get('AH')).toMatch(SIP2_DATE);
        expect(out.get('AH')).toBe(await dueAtOf(barcode));
      }

      // When the kiosk asks for the charged items (63 → 64, summary position 3) in ranges (BP/BQ)
      const charged = await send(kiosk, msg.patronInfo(p.cardNumber, p.pin, 'NNYNNNNNNN', { start: 1, end: 3 }));
      // Then the six counts sit in place before the first variable field, and the list is the three books
      expect(charged.code).toBe('64');
      expect(charged.fixed).toEqual([' '.repeat(14), '001', now(), '0000', '0000', '0003', '0000', '0000', '0000']);
      expect(charged.line.slice(2 + 14 + 3 + 18 + 24, 2 + 14 + 3 + 18 + 24 + 2)).toBe('AO');
      expect(charged.all('AU').sort()).toEqual([a, b, c].sort());
      expect(charged.ids()).not.toContain('AS');
      expect(charged.ids()).not.toContain('AT');
      const all = charged.all('AU');
      expect((await send(kiosk, msg.patronInfo(p.cardNumber, p.pin, 'NNYNNNNNNN', { start: 2, end: 3 }))).all('AU')).toEqual(all.slice(1, 3));
      expect((await send(kiosk, msg.patronInfo(p.cardNumber, p.pin, 'NNYNNNNNNN', { start: 3 }))).all('AU')).toEqual(all.slice(2));
      expect((await send(kiosk, msg.patronInfo(p.cardNumber, p.pin, 'NNYNNNNNNN', { start: 2, end: 2 }))).all('AU')).toEqual(all.slice(1, 2));

      // When it asks about a book (17 → 18), Then item-level facts only
      const info = await send(kiosk, msg.itemInfo(a));
      expect(info.code).toBe('18');
      expect(info.fixed).toEqual(['04', '00', '01', now()]);
      expect(info.get('AB')).toBe(a);
      expect(info.get('AJ')).toBe('Café Stories');
      expect(info.get('AH')).toBe(await dueAtOf(a));
      expect(info.get('AQ')).toBe('main');
      expect(info.get('CF')).toBe('0');
      expect(info.line).not.toContain(p.cardNumber);

      // When the patron places a hold on a book someone else has (15 '+' → 16), and lists it (63, position 6)
      const placed = await send(kiosk, msg.hold('+', p.cardNumber, p.pin, wanted.barcode, 'main'));
      expect(placed.code).toBe('16');
      expect(placed.fixed).toEqual(['1', 'N', now()]);
      expect(placed.get('BR')).toBe('1');
      expect(placed.get('BS')).toBe('main');
      expect(placed.get('AB')).toBe(wanted.barcode);
      expect(placed.get('AJ')).toBe('Wanted Book');
      const pending = await send(kiosk, msg.patronInfo(p.cardNumber, p.pin, 'NNNNNYNNNN'));
      expect(pending.fixed.slice(3)).toEqual(['0000', '0000', '0003', '0000', '0000', '0001']);
      expect(pending.all('CD')).toEqual([wanted.barcode]);
      expect(pending.ids()).not.toContain('AU');
      // And cancels it (15 '-' → 16)
      const cancelled = await send(kiosk, msg.hold('-', p.cardNumber, p.pin, wanted.barcode));
      expect(cancelled.fixed).toEqual(['1', 'N', now()]);
      expect((await send(kiosk, msg.hold('-', p.cardNumber, p.pin, wanted.barcode))).fixed[0]).toBe('0');

      // When, a day later, one book is renewed (29 → 30), Then it is due later
      const dueBefore = await dueAtOf(a);
      w.clock.advanceDays(1);
      const renewed = await send(kiosk, msg.renew(p.cardNumber, p.pin, a));
      expect(renewed.code).toBe('30');
      expect(renewed.fixed).toEqual(['1', 'Y', 'U', 'N', now()]);
      expect(renewed.get('AB')).toBe(a);
      expect(renewed.get('AJ')).toBe('Café Stories');
      expect(renewed.get('AH')).toBe(await dueAtOf(a));
      expect(renewed.get('AH')! > dueBefore).toBe(true);

      // When everything is renewed (65 → 66), Then the other two are, and the one renewed today is not
      const renewedAll = await send(kiosk, msg.renewAll(p.cardNumber, p.pin));
      expect(renewedAll.code).toBe('66');
      expect(renewedAll.fixed).toEqual(['1', '0002', '0001', now()]);
      expect(renewedAll.all('BM').sort()).toEqual([b, c].sort());
      expect(renewedAll.all('BN')).toEqual([a]);

      // When a book comes back on time (09 → 10), Then it goes to the shelf: no alert, bin as set
      const back = await send(kiosk, msg.checkin(c));
      expect(back.code).toBe('10');
      expect(back.fixed).toEqual(['1', 'Y', 'U', 'N', now()]);
      expect(back.fields).toEqual([
        ['AO', AO],
        ['AB', c],
        ['AQ', 'main'],
        ['AJ', 'Night Trains'],
        ['CL', '4'],
      ]);

      // When a book comes back late, Then the fine is said, listed (63, position 4) and paid (37 → 38)
      w.clock.advanceDays(30);
      const late = await send(kiosk, msg.checkin(b));
      expect(late.get('AF')).toMatch(/^A late charge of \d+\.\d\d was added\.$/);
      const fines = await send(kiosk, msg.patronInfo(p.cardNumber, p.pin, 'NNNYNNNNNN'));
      expect(fines.fixed[6]).toBe('0001');
      expect(fines.fixed[4]).toBe('0001'); // the renewed book is overdue now
      expect(fines.all('AV')).toHaveLength(1);
      const owed = fines.get('BV') as string;
      expect(Number(owed)).toBeGreaterThan(1);
      const paid = await send(kiosk, msg.feePaid(p.cardNumber, p.pin, '1.00'));
      expect(paid.code).toBe('38');
      expect(paid.fixed).toEqual(['Y', now()]);
      expect(paid.get('BK')).toBe('KIOSK-1');
      expect(paid.get('AF')).toBe(`Thank you. ${(Number(owed) - 1).toFixed(2)} remains on your account.`);
      expect((await send(kiosk, msg.feePaid(p.cardNumber, p.pin, 'lots'))).fixed[0]).toBe('N');

      // When the patron is done (35 → 36), and the kiosk asks for that answer again (97)
      const ended = await send(kiosk, msg.endSession(p.cardNumber));
      expect(ended.code).toBe('36');
      expect(ended.fixed).toEqual(['Y', now()]);
      expect(ended.fields).toEqual([
        ['AO', AO],
        ['AA', p.cardNumber],
      ]);
      // Then the resend is the last response, byte for byte
      expect(await kiosk.request('97')).toBe(ended.line);
      expect(await kiosk.request(withErrorDetection('97', 3))).toBe(ended.line);

      // When a message arrives with a wrong checksum, Then the kiosk is asked to send it again (96)
      expect(await kiosk.request('9900402.00AY1AZ0000')).toBe('96');

      // When the kiosk blocks a card it holds no verified patron session for, Then nothing changes
      expect((await send(kiosk, msg.block(p.cardNumber))).get('BL')).toBe('N');
      expect((await send(kiosk, msg.patronStatus(p.cardNumber, p.pin))).get('BL')).toBe('Y');
      // When the kiosk blocks the card of the patron at the machine (01 → 24), Then the card is no longer valid, and a later check-out is refused
      const blocked = await send(kiosk, msg.block(p.cardNumber));
      expect(blocked.code).toBe('24');
      expect(blocked.get('BL')).toBe('N');
      const refused = await send(kiosk, msg.checkout(p.cardNumber, p.pin, c));
      expect(refused.code).toBe('12');
      expect(refused.fixed).toEqual(['0', 'N', 'U', 'N', now()]);
      expect(refused.get('AF')).toBe(screenMessage(['INVALID_CREDENTIALS']));
      expect(refused.get('AJ')).toBe('');
      expect(refused.get('AH')).toBe('');
      kiosk.end();
    });
  });

  it('keeps a verified PIN for the patron session only, until End Patron Session (CB-G2)', async () => {
    // Given a patron who proved their PIN at the kiosk
    const p = await patron();
    const [one, two] = [await buildItem(w, { libraryId }), await buildItem(w, { libraryId })];
    const kiosk = await session(accounts.kiosk);
    expect((await send(kiosk, msg.patronStatus(p.cardNumber, p.pin))).get('CQ')).toBe('Y');
    // When they check out without sending the PIN again, Then it is lent
    expect((await send(kiosk, msg.checkout(p.cardNumber, undefined, one.barcode))).fixed[0]).toBe('1');
    // When the session ends, Then the next check-out without a PIN is refused
    await send(kiosk, msg.endSession(p.cardNumber));
    const refused = await send(kiosk, msg.checkout(p.cardNumber, undefined, two.barcode));
    expect(refused.fixed[0]).toBe('0');
    expect(refused.get('AF')).toBe(screenMessage(['INVALID_CREDENTIALS']));
    kiosk.end();
  });

  it('tells where a returned item trapped for a hold goes (alert, CV, CT, sort bin), never for whom (CB-G2)', async () => {
    // Given items out, one held for pick-up here, one for pick-up at North, and one that lives at North
    const borrower = await patron();
    const waiting = await patron({ name: 'Waiting Reader' });
    const here = await buildItem(w, { libraryId, title: 'Held Here' });
    const there = await buildItem(w, { libraryId, title: 'Held There' });
    const northern = await buildItem(w, { libraryId, title: 'North Book', branch: 'north' });
    const sorterItem = await buildItem(w, { libraryId, title: 'Sorted Book' });
    for (const item of [here, there, northern, sorterItem]) await w.act(checkout, { cardNumber: borrower.cardNumber, itemBarcode: item.barcode });
    await w.act(placeHold, { cardNumber: waiting.cardNumber, itemBarcode: here.barcode, pickupBranch: 'main' });
    await w.act(placeHold, { cardNumber: waiting.cardNumber, itemBarcode: there.barcode, pickupBranch: 'north' });
    await w.act(placeHold, { cardNumber: waiting.cardNumber, itemBarcode: sorterItem.barcode, pickupBranch: 'north' });
    const kiosk = await session(accounts.kiosk);
    const sorter = await session(accounts.sorter);

    // When each comes back at the kiosk in Main
    const heldHere = await send(kiosk, msg.checkin(here.barcode));
    const heldThere = await send(kiosk, msg.checkin(there.barcode));
    const goesNorth = await send(kiosk, msg.checkin(northern.barcode));
    // And one at the sorter, which has its own bins
    const sorted = await send(sorter, msg.checkin(sorterItem.barcode));

    // Then the alert, its type, the destination and the bin say where each goes
    expect(heldHere.fixed).toEqual(['1', 'Y', 'U', 'Y', now()]);
    expect(heldHere.fields).toEqual([
      ['AO', AO],
      ['AB', here.barcode],
      ['AQ', 'main'],
      ['AJ', 'Held Here'],
      ['CL', '1'],
      ['CV', '01'],
      ['CT', 'main'],
    ]);
    expect(heldThere.fixed[3]).toBe('Y');
    expect([heldThere.get('CV'), heldThere.get('CT'), heldThere.get('CL')]).toEqual(['02', 'north', '2']);
    expect(goesNorth.fixed[3]).toBe('Y');
    expect([goesNorth.get('CV'), goesNorth.get('CT'), goesNorth.get('CL'), goesNorth.get('AQ')]).toEqual(['04', 'north', '3', 'north']);
    expect(sorted.fixed).toEqual(['1', 'Y', 'U', 'Y', now()]);
    expect([sorted.get('CV'), sorted.get('CT'), sorted.get('CL')]).toEqual(['02', 'north', 'T']);
    // And nothing names the patron the hold is for
    for (const r of [heldHere, heldThere, goesNorth, sorted]) {
      expect(r.ids()).not.toContain('CY');
      expect(r.ids()).not.toContain('DA');
      expect(r.ids()).not.toContain('AA');
      expect(r.line).not.toContain(waiting.cardNumber);
      expect(r.line).not.toContain('Waiting');
    }
    kiosk.end();
    sorter.end();
  });

  describe('what each kind of account learns', () => {
    /** A patron with something of everything to tell: loans (one overdue), a fine, a hold waiting, a hold pending. */
    async function busyPatron() {
      const p = await patron({ name: 'Busy Reader' });
      const returned = await buildItem(w, { libraryId });
      const overdue = await buildItem(w, { libraryId });
      await w.act(checkout, { cardNumber: p.cardNumber, itemBarcode: returned.barcode });
      await w.act(checkout, { cardNumber: p.cardNumber, itemBarcode: overdue.barcode });
      w.clock.advanceDays(25);
      const kiosk = await session(accounts.kiosk);
      await send(kiosk, msg.checkin(returned.barcode));
      const fresh = await buildItem(w, { libraryId });
      await w.act(checkout, { cardNumber: p.cardNumber, itemBarcode: fresh.barcode });
      const onShelf = await buildItem(w, { libraryId });
      await w.act(placeHold, { cardNumber: p.cardNumber, itemBarcode: onShelf.barcode, pickupBranch: 'main' });
      const other = await patron();
      const out = await buildItem(w, { libraryId });
      await w.act(checkout, { cardNumber: other.cardNumber, itemBarcode: out.barcode });
      await w.act(placeHold, { cardNumber: p.cardNumber, itemBarcode: out.barcode, pickupBranch: 'main' });
      kiosk.end();
      return { p, barcodes: [returned, overdue, fresh, onShelf, out].map((i) => i.barcode) };
    }

    it('a self-check kiosk: the screen’s fields after a valid PIN, one list at a time (CB-G2)', async () => {
      // Given a patron with loans, a fine and holds
      const { p } = await busyPatron();
      const kiosk = await session(accounts.kiosk);
      // When the kiosk asks for status, and for information with every summary flag set
      const status = await send(kiosk, msg.patronStatus(p.cardNumber, p.pin));
      const info = await send(kiosk, msg.patronInfo(p.cardNumber, p.pin, 'YYYYYYYYYY', { start: 1, end: 50 }));
      // Then the status is the screen's fields, and the information lists only the first flagged list (holds)
      expect(status.ids()).toEqual(['AA', 'AE', 'AF', 'AO', 'BL', 'BV', 'CQ']);
      // (one overdue item and a dollar owed are within the library's limits: no privilege is denied)
      expect(status.fixed[0]).toBe(' '.repeat(14));
      expect(info.ids()).toEqual(['AA', 'AE', 'AF', 'AO', 'AS', 'BL', 'BV', 'CB', 'CC', 'CQ']);
      expect(info.fixed.slice(3)).toEqual(['0001', '0001', '0002', '0001', '0000', '0001']);
      expect(info.get('CB')).toMatch(/^\d{4}$/);
      expect(info.get('CC')).toBe('10.00');
      kiosk.end();
    });

    it('a kiosk set up with fewer fields gets no more, whatever it asks', async () => {
      // Given a kiosk account that may learn validity only
      const narrow = await account({ name: 'Lobby kiosk', kind: 'self-check', patronFields: ['valid-patron', 'valid-pin', 'patron-identifier'] });
      const { p } = await busyPatron();
      const kiosk = await session(narrow);
      // When it asks for everything
      const status = await send(kiosk, msg.patronStatus(p.cardNumber, p.pin));
      const info = await send(kiosk, msg.patronInfo(p.cardNumber, p.pin, 'YYYYYYYYYY', { start: 1, end: 50 }));
      // Then validity, and the identifier it sent; the greeting empty and the status flags blank
      expect(status.ids()).toEqual(['AA', 'AE', 'AO', 'BL', 'CQ']);
      expect(info.ids()).toEqual(['AA', 'AE', 'AO', 'BL', 'CQ']);
      for (const r of [status, info]) {
        expect(r.get('AE')).toBe('');
        expect(r.fixed[0]).toBe(' '.repeat(14));
      }
      expect(info.line).not.toContain('Busy');
      kiosk.end();
    });

    it('an authentication client: AO, AA, an empty AE, BL and CQ, with AF only on refusal (RF-6, CB-D, IF-9)', async () => {
      // Given a patron with loans, a fine and holds, and a vendor's connection
      const { p, barcodes } = await busyPatron();
      const vendor = await connect();
      await login(vendor, accounts.vendor);
      // When the vendor asks for status, for information with every flag and a range, and ends the session
      const status = await send(vendor, msg.patronStatus(p.cardNumber, p.pin));
      const info = await send(vendor, msg.patronInfo(p.cardNumber, p.pin, 'YYYYYYYYYY', { start: 1, end: 50 }));
      const ended = await send(vendor, msg.endSession(p.cardNumber));
      // Then it learns that the card and PIN are a valid patron's, and nothing else
      for (const r of [status, info]) {
        expect(r.ids()).toEqual(['AA', 'AE', 'AO', 'BL', 'CQ']);
        expect([r.get('AA'), r.get('AE'), r.get('BL'), r.get('CQ')]).toEqual([p.cardNumber, '', 'Y', 'Y']);
        expect(r.fixed[0]).toBe(' '.repeat(14));
        for (const barcode of barcodes) expect(r.line).not.toContain(barcode);
        expect(r.line).not.toContain('Busy');
      }
      expect(info.fixed.slice(3)).toEqual(Array(6).fill('0000'));
      expect(ended.ids()).toEqual(['AA', 'AO']);
      // And a wrong PIN is a refusal with a screen line
      const wrong = await send(vendor, msg.patronStatus(p.cardNumber, '000000'));
      expect(wrong.ids()).toEqual(['AA', 'AE', 'AF', 'AO', 'BL', 'CQ']);
      expect([wrong.get('BL'), wrong.get('CQ'), wrong.get('AF')]).toEqual(['N', 'N', screenMessage(['INVALID_CREDENTIALS'])]);
      const wrongInfo = await send(vendor, msg.patronInfo(p.cardNumber, '000000', 'YYYYYYYYYY'));
      expect(wrongInfo.ids()).toEqual(['AA', 'AE', 'AF', 'AO', 'BL', 'CQ']);
      // And its status announces only what it may send
      const scStatus = await send(vendor, msg.status());
      expect(scStatus.get('BX')).toBe(BX.authentication);
      expect(scStatus.fixed.slice(0, 4)).toEqual(['Y', 'N', 'N', 'N']);
      // And every other message is refused in its own response's form, with nothing about the patron
      const refusals = [
        msg.checkout(p.cardNumber, p.pin, barcodes[0]!),
        msg.checkin(barcodes[1]!),
        msg.renew(p.cardNumber, p.pin, barcodes[1]!),
        msg.renewAll(p.cardNumber, p.pin),
        msg.itemInfo(barcodes[1]!),
        msg.feePaid(p.cardNumber, p.pin, '1.00'),
        msg.hold('+', p.cardNumber, p.pin, barcodes[0]!),
        msg.block(p.cardNumber),
      ];
      const forms: Record<string, string[]> = {};
      for (const request of refusals) {
        const r = await send(vendor, request);
        forms[r.code] = r.ids();
        expect(r.get('AF'), r.line).toBe(NOT_ALLOWED);
        expect(r.line).not.toContain(p.cardNumber);
      }
      expect(forms).toEqual({
        '12': ['AA', 'AB', 'AF', 'AH', 'AJ', 'AO'],
        '10': ['AB', 'AF', 'AO', 'AQ'],
        '30': ['AA', 'AB', 'AF', 'AH', 'AJ', 'AO'],
        '66': ['AF', 'AO'],
        '18': ['AB', 'AF', 'AJ', 'AO'],
        '38': ['AA', 'AF', 'AO'],
        '16': ['AA', 'AF', 'AO'],
        '24': ['AA', 'AE', 'AF', 'AO', 'BL'],
      });
      vendor.end();
    });

    it('a sorter: item messages only; a patron message gets the refusal form with nothing about the patron (CB-G2)', async () => {
      // Given a patron and a sorter's connection
      const { p } = await busyPatron();
      const before = await database.db.selectFrom('access_log').select((eb) => eb.fn.countAll<number>().as('n')).where('patron_id', '=', p.id).executeTakeFirstOrThrow();
      const sorter = await session(accounts.sorter);
      // When the sorter sends patron status, patron information and a check-out with the right PIN
      const status = await send(sorter, msg.patronStatus(p.cardNumber, p.pin));
      const info = await send(sorter, msg.patronInfo(p.cardNumber, p.pin, 'YYYYYYYYYY', { start: 1, end: 5 }));
      const item = await buildItem(w, { libraryId });
      const out = await send(sorter, msg.checkout(p.cardNumber, p.pin, item.barcode));
      // Then each is refused in its own form: no identifier, no greeting, not valid, blank flags and counts
      expect(status.ids()).toEqual(['AA', 'AE', 'AF', 'AO', 'BL']);
      expect(info.ids()).toEqual(['AA', 'AE', 'AF', 'AO', 'BL']);
      for (const r of [status, info]) {
        expect([r.get('AA'), r.get('AE'), r.get('BL'), r.get('AF')]).toEqual(['', '', 'N', NOT_ALLOWED]);
        expect(r.fixed[0]).toBe(' '.repeat(14));
      }
      expect(info.fixed.slice(3)).toEqual(Array(6).fill('0000'));
      expect(out.ids()).toEqual(['AA', 'AB', 'AF', 'AH', 'AJ', 'AO']);
      expect([out.fixed[0], out.get('AA'), out.get('AF')]).toEqual(['0', '', NOT_ALLOWED]);
      for (const r of [status, info, out]) expect(r.line).not.toContain(p.cardNumber);
      // And the status announces check-in and item information only; nothing entered the patron's access log
      const scStatus = await send(sorter, msg.status());
      expect(scStatus.get('BX')).toBe(BX.sorter);
      expect(scStatus.fixed.slice(0, 4)).toEqual(['Y', 'Y', 'N', 'N']);
      const after = await database.db.selectFrom('access_log').select((eb) => eb.fn.countAll<number>().as('n')).where('patron_id', '=', p.id).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
      // And item information answers with item-level fields only
      const itemInfo = await send(sorter, msg.itemInfo(item.barcode));
      expect(itemInfo.ids()).toEqual(['AB', 'AJ', 'AO', 'AQ', 'CF', 'CR']);
      sorter.end();
    });

    it('a vendor’s category is refused under every shipped profile (RF-6), and given in 64 alone where the profile allows it', async () => {
      // Given the library's shipped profile (strict-default), When an authentication account asks for the category
      const codes = await refusalCodes(w.act(createSip2Account, { libraryId, branch: 'main', name: 'Vendor with category', kind: 'authentication', patronFields: ['valid-patron', 'valid-pin', 'patron-identifier', 'category'] }));
      // Then it is refused
      expect(codes).toEqual(['SIP2_SETTING_NOT_ALLOWED']);

      // Given a library whose profile lets vendors receive the category or age band
      const { library } = await buildLibrary(w, { name: 'Vendor Library', profileId: VENDOR_PROFILE });
      const withCategory = await account({ libraryId: library.id, name: 'E-books vendor', kind: 'authentication', patronFields: ['valid-patron', 'valid-pin', 'patron-identifier', 'category'] });
      const p = await patron({ libraryId: library.id });
      const vendor = await session(withCategory);
      // When it asks for status and information
      const status = await send(vendor, msg.patronStatus(p.cardNumber, p.pin));
      const info = await send(vendor, msg.patronInfo(p.cardNumber, p.pin, 'YYYYYYYYYY'));
      // Then PC (the category) appears in 64 and nothing else is new
      expect(status.ids()).toEqual(['AA', 'AE', 'AO', 'BL', 'CQ']);
      expect(info.ids()).toEqual(['AA', 'AE', 'AO', 'BL', 'CQ', 'PC']);
      expect(info.get('PC')).toBe(p.categoryCode);
      vendor.end();
    });
  });

  describe('the lockout shared with the web log-in (JC-IVa)', () => {
    let web: TestServer;
    beforeAll(async () => {
      web = await startServer(w);
    });
    afterAll(() => web?.close());

    it('five wrong PINs over SIP2 lock the card on the web, and five on the web lock it over SIP2', async () => {
      // Given two patrons
      const p = await patron();
      const q = await patron();
      const kiosk = await session(accounts.kiosk);
      // When five wrong PINs are sent over SIP2 for one
      for (let i = 0; i < 5; i++) expect((await send(kiosk, msg.patronStatus(p.cardNumber, '999999'))).get('CQ')).toBe('N');
      // Then the right PIN on the web is refused
      expect((await web.call('POST', '/auth/patron-login', { body: { cardNumber: p.cardNumber, pin: p.pin } })).status).toBe(401);
      // When five wrong PINs are given on the web for the other
      for (let i = 0; i < 5; i++) expect((await web.call('POST', '/auth/patron-login', { body: { cardNumber: q.cardNumber, pin: '999999' } })).status).toBe(401);
      // Then the right PIN over SIP2 is refused
      const locked = await send(kiosk, msg.patronStatus(q.cardNumber, q.pin));
      expect([locked.get('BL'), locked.get('CQ')]).toEqual(['N', 'N']);
      expect((await send(kiosk, msg.checkout(q.cardNumber, q.pin, (await buildItem(w, { libraryId })).barcode))).fixed[0]).toBe('0');
      kiosk.end();
    });

    it('answers an unknown card, a wrong PIN and a locked card byte for byte alike, apart from AA and the date', async () => {
      // Given a locked card, a card given a wrong PIN, and a card nobody holds
      const lockedPatron = await patron();
      const wrongPatron = await patron();
      const unknownCard = '21234000099991';
      const kiosk = await session(accounts.kiosk);
      for (let i = 0; i < 5; i++) await send(kiosk, msg.patronStatus(lockedPatron.cardNumber, '999999'));
      const item = await buildItem(w, { libraryId });
      const cases = [
        { card: unknownCard, pin: '123456' },
        { card: wrongPatron.cardNumber, pin: '999999' },
        { card: lockedPatron.cardNumber, pin: lockedPatron.pin },
      ];
      // The echoed card and the date masked; the trailer too, since the checksum covers both.
      const mask = (r: Sip2Response) => r.line.replace(/AA[^|]*\|/, 'AA*|').replace(/\d{8} {4}\d{6}/g, 'D'.repeat(18)).replace(/AY\dAZ[0-9A-F]{4}$/, '');
      // When each is presented in a status, an information and a check-out request
      for (const build of [
        (c: (typeof cases)[number]) => msg.patronStatus(c.card, c.pin),
        (c: (typeof cases)[number]) => msg.patronInfo(c.card, c.pin, 'YNNNNNNNNN'),
        (c: (typeof cases)[number]) => msg.checkout(c.card, c.pin, item.barcode),
      ]) {
        const answers = [];
        for (const c of cases) answers.push(mask(await send(kiosk, build(c))));
        // Then the three answers are the same bytes
        expect(answers[1]).toBe(answers[0]);
        expect(answers[2]).toBe(answers[0]);
      }
      kiosk.end();
    });
  });

  it('writes every patron read to the access log as sip2:<account name>, its purpose, channel sip2', async () => {
    // Given a patron
    const p = await patron();
    const item = await buildItem(w, { libraryId });
    const kiosk = await session(accounts.kiosk);
    const vendor = await session(accounts.vendor);
    const sorter = await session(accounts.sorter);
    // When the kiosk reads them and lends an item, the vendor authenticates them, and the sorter takes the item back
    await send(kiosk, msg.patronStatus(p.cardNumber, p.pin));
    await send(kiosk, msg.patronInfo(p.cardNumber, p.pin, 'NNYNNNNNNN'));
    await send(kiosk, msg.checkout(p.cardNumber, p.pin, item.barcode));
    await send(vendor, msg.patronStatus(p.cardNumber, p.pin));
    await send(vendor, msg.patronInfo(p.cardNumber, p.pin, 'YYYYYYYYYY'));
    await send(sorter, msg.checkin(item.barcode));
    // Then each is in the access log, as the machine, with its purpose, through SIP2
    const rows = await database.db
      .selectFrom('access_log')
      .select(['actor_kind', 'actor_id', 'purpose', 'channel', 'action'])
      .where('patron_id', '=', p.id)
      .where('actor_kind', '=', 'sip2')
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => [r.actor_id, r.purpose, r.channel, r.action])).toEqual([
      ['sip2:Front kiosk', 'circulation', 'sip2', 'sip2-patron'],
      ['sip2:Front kiosk', 'circulation', 'sip2', 'sip2-patron'],
      ['sip2:Front kiosk', 'circulation', 'sip2', 'checkout'],
      ['sip2:EZproxy', 'authentication', 'sip2', 'sip2-authenticate'],
      ['sip2:EZproxy', 'authentication', 'sip2', 'sip2-authenticate'],
      ['sip2:Returns sorter', 'circulation', 'sip2', 'checkin'],
    ]);
    // And a card refused (wrong PIN) is no read: nothing is logged for it
    await send(kiosk, msg.patronStatus(p.cardNumber, '999999'));
    const after = await database.db.selectFrom('access_log').select((eb) => eb.fn.countAll<number>().as('n')).where('patron_id', '=', p.id).where('actor_kind', '=', 'sip2').executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(rows.length);
    kiosk.end();
    vendor.end();
    sorter.end();
  });

  it('answers a kiosk’s mistakes in each message’s own refusal form, and stays connected', async () => {
    // Given a patron with one book out, and a book on the shelf
    const p = await patron();
    const theirs = await buildItem(w, { libraryId });
    const shelf = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: p.cardNumber, itemBarcode: theirs.barcode });
    const kiosk = await session(accounts.kiosk);
    // When the kiosk sends what cannot be done
    const unknownItem = await send(kiosk, msg.checkout(p.cardNumber, p.pin, 'NO-SUCH-ITEM'));
    const notTheirs = await send(kiosk, msg.renew(p.cardNumber, p.pin, shelf.barcode));
    const notOut = await send(kiosk, msg.checkin(shelf.barcode));
    const noItem = await send(kiosk, msg.itemInfo('NO-SUCH-ITEM'));
    const nothingOwed = await send(kiosk, msg.feePaid(p.cardNumber, p.pin, '1.00'));
    const zero = await send(kiosk, msg.feePaid(p.cardNumber, p.pin, '0.00'));
    const changeHold = await send(kiosk, `15*${now()}AO${AO}|AA${p.cardNumber}|AD${p.pin}|AB${shelf.barcode}|`);
    const ownLoan = await send(kiosk, msg.hold('+', p.cardNumber, p.pin, theirs.barcode));
    const badDate = parseResponse(await kiosk.request(withErrorDetection(`2300120261340    250000AO${AO}|AA${p.cardNumber}|AD${p.pin}|`, 4)));
    const tooLong = parseResponse(await kiosk.request(`23001${now()}AO${AO}|AA${'1'.repeat(300)}|AD${p.pin}|`));
    const unknownCommand = parseResponse(await kiosk.request('25N20260302    100000AO|AA1|'));
    // Then each is refused as its message is, with a screen line
    expect([unknownItem.code, unknownItem.fixed[0], unknownItem.get('AF')]).toEqual(['12', '0', screenMessage(['ITEM_NOT_FOUND'])]);
    expect([notTheirs.code, notTheirs.fixed[0], notTheirs.get('AF')]).toEqual(['30', '0', screenMessage(['ITEM_NOT_ON_LOAN'])]);
    expect([notOut.code, notOut.fixed[0], notOut.get('AF'), notOut.get('AQ')]).toEqual(['10', '0', screenMessage(['ITEM_NOT_ON_LOAN']), 'main']);
    expect([noItem.code, noItem.fixed[0], noItem.get('AJ'), noItem.get('AF')]).toEqual(['18', '01', '', screenMessage(['ITEM_NOT_FOUND'])]);
    expect([nothingOwed.code, nothingOwed.fixed[0], nothingOwed.get('AF')]).toEqual(['38', 'N', screenMessage(['NOTHING_OWED'])]);
    expect([zero.fixed[0], zero.get('AF')]).toEqual(['N', screenMessage(['INVALID_AMOUNT'])]);
    expect([changeHold.code, changeHold.fixed[0]]).toEqual(['16', '0']);
    expect([ownLoan.code, ownLoan.fixed[0], ownLoan.get('AF')]).toEqual(['16', '0', screenMessage(['HOLD_ON_OWN_LOAN'])]);
    // And a malformed date, an over-long field and a message Carrel does not offer are asked for again (96)
    expect([badDate.code, tooLong.code, unknownCommand.code]).toEqual(['96', '96', '96']);
    // And the connection is still served
    expect((await send(kiosk, msg.status())).code).toBe('98');
    kiosk.end();
  });

  it('speaks code page 850 to a kiosk set up for it, the checksum over the bytes as sent', async () => {
    // Given a CP850 kiosk, a patron with an accented name and a book with an accented title
    const old = await account({ name: 'Old kiosk', kind: 'self-check', charset: 'cp850' });
    const p = await patron({ name: 'José Núñez' });
    const book = await buildItem(w, { libraryId, title: 'Café Stories' });
    const kiosk = await connectSip2(tcp.port, { charset: 'cp850' });
    expect((await login(kiosk, old)).fixed).toEqual(['1']);
    // When the patron presents their card and checks the book out
    const status = await send(kiosk, msg.patronStatus(p.cardNumber, p.pin));
    const out = await send(kiosk, msg.checkout(p.cardNumber, p.pin, book.barcode));
    // Then the name and title arrive in CP850 (é is 0x82), with checksums right for those bytes
    expect(status.get('AE')).toBe('José');
    expect(out.get('AJ')).toBe('Café Stories');
    kiosk.end();
  });

  it('refuses a message without a checksum from an account that requires error detection', async () => {
    // Given an account that requires AY/AZ
    const strict = await account({ name: 'Strict kiosk', kind: 'self-check', requireErrorDetection: true });
    const kiosk = await session(strict);
    // When a message comes without, Then it is asked for again; with, it is answered
    expect(await kiosk.request(msg.status())).toBe('96');
    expect((await send(kiosk, msg.status())).code).toBe('98');
    kiosk.end();
  });

  it('does not know another library’s card, even with its right PIN (CB-A3)', async () => {
    // Given a patron of another library
    const { library } = await buildLibrary(w, { name: 'Neighbour Library' });
    const neighbour = await patron({ libraryId: library.id });
    const kiosk = await session(accounts.kiosk);
    // When this library's kiosk is given their card and PIN
    const status = await send(kiosk, msg.patronStatus(neighbour.cardNumber, neighbour.pin));
    const unknown = await send(kiosk, msg.patronStatus('21234000099991', neighbour.pin));
    // Then it answers as for a card nobody holds
    expect([status.get('BL'), status.get('CQ')]).toEqual(['N', 'N']);
    expect(status.line.replace(/AA[^|]*\|/, '').replace(/AY\dAZ[0-9A-F]{4}$/, '')).toBe(unknown.line.replace(/AA[^|]*\|/, '').replace(/AY\dAZ[0-9A-F]{4}$/, ''));
    kiosk.end();
  });

  describe('a client that misbehaves is dealt with on its own', () => {
    it('closes a connection that sends an over-long message; another keeps being served', async () => {
      // Given two logged-in kiosks
      const good = await session(accounts.kiosk);
      const bad = await session(accounts.kiosk);
      // When one sends a message longer than the limit
      bad.write(`23001${now()}AO${AO}|AA${'9'.repeat(6000)}`);
      // Then that connection is closed, and the other is answered as before
      expect(await bad.closedWithin()).toBe(true);
      expect((await send(good, msg.status())).code).toBe('98');
      good.end();
    });

    it('drops a client that speaks plain TCP to the TLS port; TLS clients are served as before', async () => {
      // When a client sends a login in clear text to the TLS server
      const plain = await connectSip2(secure.port);
      plain.write(`9300CN${accounts.kiosk.loginId}|CO${accounts.kiosk.password}|\r`);
      // Then it is dropped unanswered, and a TLS kiosk logs in and is served
      expect(await plain.closedWithin()).toBe(true);
      await expect(plain.next(100)).rejects.toThrow();
      const kiosk = await session(accounts.kiosk, 'tls');
      expect((await send(kiosk, msg.status())).code).toBe('98');
      kiosk.end();
    });

    it('closes a connection whose first message is not a login', async () => {
      for (const first of [msg.status(), '97', msg.patronStatus('21234000099991', '1234')]) {
        const client = await connect();
        client.write(`${first}\r`);
        expect(await client.closedWithin()).toBe(true);
        await expect(client.next(100)).rejects.toThrow();
      }
    });

    it('refuses a disabled account’s login, and closes its open connection at its next message', async () => {
      // Given an account logged in on one connection
      const side = await account({ name: 'Side kiosk', kind: 'self-check' });
      const open = await session(side);
      expect((await send(open, msg.status())).code).toBe('98');
      // When the account is disabled
      await w.act(disableSip2Account, { libraryId, name: 'Side kiosk' });
      // Then a new login is refused
      const again = await connect();
      expect((await login(again, side)).fixed).toEqual(['0']);
      // And the open connection is closed at its next message, unanswered
      open.write(`${msg.status()}\r`);
      expect(await open.closedWithin()).toBe(true);
      await expect(open.next(100)).rejects.toThrow();
      again.end();
    });

    it('ends a logged-in connection’s session when a second login on it is refused', async () => {
      // Given a kiosk logged in, with a patron's PIN verified in its session
      const p = await patron();
      const kiosk = await session(accounts.kiosk);
      expect((await send(kiosk, msg.patronStatus(p.cardNumber, p.pin))).get('CQ')).toBe('Y');
      // When it logs in again with a wrong password
      expect((await send(kiosk, `9300CN${accounts.kiosk.loginId}|COwrong-password|`)).fixed).toEqual(['0']);
      // Then it is logged in as nothing: its next message closes the connection, unanswered
      kiosk.write(`${msg.checkout(p.cardNumber, undefined, (await buildItem(w, { libraryId })).barcode)}\r`);
      expect(await kiosk.closedWithin()).toBe(true);
      await expect(kiosk.next(100)).rejects.toThrow();
    });

    it('refuses a login from an address outside the account’s CIDR blocks', async () => {
      // Given an account that may connect only from 10.0.0.0/8
      const remote = await account({ name: 'Remote kiosk', kind: 'self-check', allowedCidrs: ['10.0.0.0/8'] });
      // When it logs in from 127.0.0.1 with the right password, Then it is refused
      const client = await connect();
      expect((await login(client, remote)).fixed).toEqual(['0']);
      // And the connection may not go on without a login
      client.write(`${msg.status()}\r`);
      expect(await client.closedWithin()).toBe(true);
    });

    it('refuses the sixth login from an address after five failures, even with the right password', async () => {
      // Given a server with the default address throttle (five failed logins)
      const { log } = capturedLogger();
      const guarded = await startSip2Server(w.runtime, { port: 0, log });
      try {
        const client = await connectSip2(guarded.port);
        // When five logins fail
        for (let i = 0; i < 5; i++) expect(parseResponse(await client.request(`9300CN${accounts.kiosk.loginId}|COwrong-password-${i}|`)).fixed).toEqual(['0']);
        // Then the sixth, with the right password, is refused and the connection closed
        expect(parseResponse(await client.request(`9300CN${accounts.kiosk.loginId}|CO${accounts.kiosk.password}|`)).fixed).toEqual(['0']);
        expect(await client.closedWithin()).toBe(true);
        // And a new connection from the same address is refused too
        const another = await connectSip2(guarded.port);
        expect(parseResponse(await another.request(`9300CN${accounts.kiosk.loginId}|CO${accounts.kiosk.password}|`)).fixed).toEqual(['0']);
        another.end();
      } finally {
        await guarded.close();
      }
    });
  });

  it('sets the patron status flags in their SIP2 places for a patron over the fines limit; a vendor sees none (CB-G2, RF-6)', async () => {
    // Given a patron who owes $15 (three books returned long overdue; the library allows $10)
    const p = await patron();
    const books = [await buildItem(w, { libraryId }), await buildItem(w, { libraryId }), await buildItem(w, { libraryId })];
    for (const book of books) await w.act(checkout, { cardNumber: p.cardNumber, itemBarcode: book.barcode });
    w.clock.advanceDays(45);
    for (const book of books) await w.act(checkin, { itemBarcode: book.barcode });
    const kiosk = await session(accounts.kiosk);
    const vendor = await session(accounts.vendor);
    // When the kiosk and the vendor ask about them
    const status = await send(kiosk, msg.patronStatus(p.cardNumber, p.pin));
    const info = await send(kiosk, msg.patronInfo(p.cardNumber, p.pin, 'NNNYNNNNNN'));
    const out = await send(kiosk, msg.checkout(p.cardNumber, p.pin, (await buildItem(w, { libraryId })).barcode));
    const asked = await send(vendor, msg.patronStatus(p.cardNumber, p.pin));
    // Then the kiosk sees charge, renewal and hold privileges denied and excessive fines (positions 1, 2, 4, 11)
    expect(status.fixed[0]).toBe('YY Y      Y   ');
    expect([status.get('BL'), status.get('BV')]).toEqual(['Y', '15.00']);
    expect([info.fixed[6], info.get('BV'), info.get('CC'), info.all('AV').length]).toEqual(['0003', '15.00', '10.00', 3]);
    expect([out.fixed[0], out.get('AF')]).toEqual(['0', screenMessage(['PATRON_OWES_FINES'])]);
    // And the vendor learns only that the card is a valid patron's
    expect(asked.fixed[0]).toBe(' '.repeat(14));
    expect(asked.ids()).toEqual(['AA', 'AE', 'AO', 'BL', 'CQ']);
    kiosk.end();
    vendor.end();
  });

  it('logs no card number, PIN or name', () => {
    // Given every test above, When their server's log is read, Then it has lines, and none of the patrons' secrets
    expect(logs.length).toBeGreaterThan(10);
    expect(logs.some((line) => line.includes('SIP2 login'))).toBe(true);
    for (const secret of secrets) {
      const pattern = new RegExp(`(?<![0-9])${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9])`);
      expect(logs.filter((line) => pattern.test(line))).toEqual([]);
    }
  });
});
