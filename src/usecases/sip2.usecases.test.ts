import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sip2Account } from '../domain/sip2.js';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildPatron, libraryWorld, refusalCodes, type World } from '../../test/factories.js';
import { myAccessLog } from './self-service.usecases.js';
import { createSip2Account } from './sip2-account.usecases.js';
import { sip2Checkout, sip2PatronLookup } from './sip2.usecases.js';

describe.each(ENGINES)('SIP2 use cases on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let kiosk: Sip2Account;
  let vendor: Sip2Account;
  let sorter: Sip2Account;

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    kiosk = (await w.act(createSip2Account, { libraryId, name: 'Front kiosk', kind: 'self-check', branch: 'main' })).account;
    vendor = (await w.act(createSip2Account, { libraryId, name: 'EZproxy', kind: 'authentication', branch: 'main' })).account;
    sorter = (await w.act(createSip2Account, { libraryId, name: 'Returns sorter', kind: 'sorter', branch: 'main' })).account;
  });
  afterAll(() => database.drop());

  it('gives a kiosk what its screen shows after a valid PIN, and a vendor only that the patron is valid (CB-G2, RF-6)', async () => {
    // Given a patron with an item out
    const patron = await buildPatron(w, { libraryId, name: 'Ana Lucía Torres' });
    const item = await buildItem(w, { libraryId, title: 'Desert Plants' });
    const out = await sip2Checkout(w.runtime, kiosk, { cardNumber: patron.cardNumber, proof: { pin: patron.pin }, itemBarcode: item.barcode });
    expect(out.ok).toBe(true);
    // When the kiosk and the vendor each ask about the patron with the right PIN
    const atKiosk = await sip2PatronLookup(w.runtime, kiosk, { cardNumber: patron.cardNumber, proof: { pin: patron.pin }, lists: { charged: true } });
    const atVendor = await sip2PatronLookup(w.runtime, vendor, { cardNumber: patron.cardNumber, proof: { pin: patron.pin }, lists: { charged: true, holds: true, fines: true } });
    // Then the kiosk greets by first name and lists the current loan; the vendor learns validity and nothing else
    expect(atKiosk).toMatchObject({ valid: true, pinValid: true, greeting: 'Ana', counts: { charged: 1 }, charged: [{ barcode: item.barcode, title: 'Desert Plants' }] });
    expect(Object.keys(atVendor).sort()).toEqual(['patronId', 'pinValid', 'valid']);
    expect(atVendor).toMatchObject({ valid: true, pinValid: true });
    // And a sorter may not ask about patrons at all
    expect(await refusalCodes(sip2PatronLookup(w.runtime, sorter, { cardNumber: patron.cardNumber, proof: { pin: patron.pin } }))).toEqual(['PERMISSION_DENIED']);
  });

  it('answers an unknown card, a wrong PIN and a missing PIN alike, and counts the wrong PIN towards the lockout (JC-IVa)', async () => {
    const patron = await buildPatron(w, { libraryId });
    const unknown = await sip2PatronLookup(w.runtime, kiosk, { cardNumber: '29999999999999', proof: { pin: '1234' } });
    const wrong = await sip2PatronLookup(w.runtime, kiosk, { cardNumber: patron.cardNumber, proof: { pin: '0000' } });
    expect(wrong).toEqual(unknown);
    expect(wrong).toEqual({ valid: false, pinValid: false });
    expect(await sip2PatronLookup(w.runtime, kiosk, { cardNumber: patron.cardNumber, proof: null })).toEqual({ valid: false, pinValid: null });
    const failures = await database.db.selectFrom('login_failures').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(failures.n)).toBeGreaterThanOrEqual(2);
  });

  it('shows the patron who looked in words: the self-check at its branch, authentication for the vendor', async () => {
    // Given a patron whose card was used at the kiosk and checked by the vendor
    const patron = await buildPatron(w, { libraryId });
    await sip2PatronLookup(w.runtime, kiosk, { cardNumber: patron.cardNumber, proof: { pin: patron.pin } });
    await sip2PatronLookup(w.runtime, vendor, { cardNumber: patron.cardNumber, proof: { pin: patron.pin } });
    // When the patron reads who looked at their record
    const seen = await w.act(myAccessLog, {}, { actor: { kind: 'patron', id: patron.id, libraryId }, purpose: 'self-service' });
    const machines = seen.filter((e) => e.action.startsWith('sip2-'));
    // Then each machine is named as the patron knows it, with its purpose
    const branch = (await database.db.selectFrom('branches').select('name').where('library_id', '=', libraryId).where('code', '=', 'main').executeTakeFirstOrThrow()).name;
    expect(machines.map((e) => [e.role, e.purpose, e.action])).toEqual([
      [`self-check at ${branch}`, 'circulation', 'sip2-patron'],
      ['authentication for EZproxy', 'authentication', 'sip2-authenticate'],
    ]);
    // And the log holds the machine as sip2:<name>, through the sip2 channel
    const rows = await database.db.selectFrom('access_log').select(['actor_kind', 'actor_id', 'channel']).where('patron_id', '=', patron.id).where('action', 'like', 'sip2-%').execute();
    expect(rows.map((r) => [r.actor_kind, r.actor_id, r.channel])).toEqual([
      ['sip2', 'sip2:Front kiosk', 'sip2'],
      ['sip2', 'sip2:EZproxy', 'sip2'],
    ]);
  });
});
