import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildPatron, libraryWorld, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { saveRecords } from '../usecases/catalogue.usecases.js';
import { checkout } from '../usecases/circulation.usecases.js';
import { placeHold } from '../usecases/hold.usecases.js';

/**
 * The patron's own circulation over real HTTP, on every engine (issue 18): loans with whether each can
 * be renewed and why not, renew one and renew all (one refused, its reason in words, the other renewed),
 * holds with their place in the queue, placed, suspended, resumed and cancelled by the patron, and
 * another patron's loan or hold answered as not found.
 */

const DAY = 86_400_000;

describe.each(ENGINES)('the patron’s own loans and holds over HTTP on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let server: TestServer;
  const logLines: string[] = [];

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    server = await startServer(w, { onLog: (line) => logLines.push(line) });
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  it('lists loans with their renewability, renews all with one refused and why, and renews one', async () => {
    const me = await buildPatron(w, { libraryId });
    const waiting = await buildPatron(w, { libraryId });
    const free = await buildItem(w, { libraryId, title: 'Free to renew' });
    const wanted = await buildItem(w, { libraryId, title: 'Wanted by another' });
    const lentFree = await w.act(checkout, { cardNumber: me.cardNumber, itemBarcode: free.barcode });
    const lentWanted = await w.act(checkout, { cardNumber: me.cardNumber, itemBarcode: wanted.barcode });
    await w.act(placeHold, { cardNumber: waiting.cardNumber, itemBarcode: wanted.barcode });
    w.clock.set(new Date(w.clock.now().getTime() + 5 * DAY));
    let cookie = await server.patronLogin({ cardNumber: me.cardNumber, pin: me.pin });

    const listed = await server.call('GET', '/me/loans', { cookie });
    expect(listed.status).toBe(200);
    const byId = new Map(listed.body.loans.map((l: { loanId: string }) => [l.loanId, l]));
    expect(byId.get(lentFree.loanId)).toMatchObject({ title: 'Free to renew', renewable: true, reasons: [] });
    expect(byId.get(lentWanted.loanId)).toMatchObject({ renewable: false, reasons: [{ code: 'ITEM_HAS_HOLDS', message: 'Another patron is waiting for this item.' }] });

    const all = await server.call('POST', '/me/loans/renew-all', { cookie });
    expect(all.status).toBe(200);
    const outcomes = new Map(all.body.outcomes.map((o: { loanId: string }) => [o.loanId, o]));
    const renewed = outcomes.get(lentFree.loanId) as { renewed: boolean; dueAt: string };
    expect(renewed.renewed).toBe(true);
    expect(new Date(renewed.dueAt).getTime()).toBeGreaterThan(new Date(lentFree.dueAt).getTime());
    expect(outcomes.get(lentWanted.loanId)).toMatchObject({ renewed: false, dueAt: lentWanted.dueAt, reasons: [{ code: 'ITEM_HAS_HOLDS' }] });

    w.clock.set(new Date(w.clock.now().getTime() + 3 * DAY));
    cookie = await server.patronLogin({ cardNumber: me.cardNumber, pin: me.pin });
    const one = await server.call('POST', `/me/loans/${lentFree.loanId}/renew`, { cookie });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ loanId: lentFree.loanId, renewals: 2, renewalsLeft: 0 });
    expect(new Date(one.body.dueAt).getTime()).toBeGreaterThan(new Date(renewed.dueAt).getTime());
    // The rule's two renewals are spent: the list says so in words.
    const after = await server.call('GET', '/me/loans', { cookie });
    expect(after.body.loans.find((l: { loanId: string }) => l.loanId === lentFree.loanId)).toMatchObject({ renewable: false, reasons: [{ code: 'RENEWAL_LIMIT_REACHED' }] });

    const refused = await server.call('POST', `/me/loans/${lentWanted.loanId}/renew`, { cookie });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('ITEM_HAS_HOLDS');
  });

  it('answers another patron’s loan as not found and changes nothing', async () => {
    const owner = await buildPatron(w, { libraryId });
    const other = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId });
    const lent = await w.act(checkout, { cardNumber: owner.cardNumber, itemBarcode: item.barcode });
    w.clock.set(new Date(w.clock.now().getTime() + 5 * DAY));
    const cookie = await server.patronLogin({ cardNumber: other.cardNumber, pin: other.pin });
    const answer = await server.call('POST', `/me/loans/${lent.loanId}/renew`, { cookie });
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('LOAN_NOT_FOUND');
    expect((await server.call('GET', '/me/loans', { cookie })).body.loans).toEqual([]);
    const ownerCookie = await server.patronLogin({ cardNumber: owner.cardNumber, pin: owner.pin });
    const theirs = (await server.call('GET', '/me/loans', { cookie: ownerCookie })).body.loans[0];
    expect(theirs).toMatchObject({ loanId: lent.loanId, dueAt: lent.dueAt, renewals: 0 });
  });

  it('places a title-level hold with a pick-up branch, shows its queue position, suspends, resumes and cancels it', async () => {
    const { recordIds } = await w.act(saveRecords, { libraryId, records: [{ title: 'The Queue of Holds' }] });
    const recordId = recordIds[0] as string;
    const copy = await buildItem(w, { libraryId, recordId, title: 'The Queue of Holds' });
    await w.act(checkout, { cardNumber: (await buildPatron(w, { libraryId })).cardNumber, itemBarcode: copy.barcode });
    const first = await buildPatron(w, { libraryId });
    await w.act(placeHold, { cardNumber: first.cardNumber, recordId });
    // Placed a minute later: second in line (the test clock stands still otherwise).
    w.clock.set(new Date(w.clock.now().getTime() + 60_000));
    const me = await buildPatron(w, { libraryId });
    const cookie = await server.patronLogin({ cardNumber: me.cardNumber, pin: me.pin });

    const nowhere = await server.call('POST', '/me/holds', { cookie, body: { recordId, pickupBranch: 'no-such-branch' } });
    expect(nowhere.body.error.code).toBe('BRANCH_NOT_FOUND');
    expect((await server.call('GET', '/me/holds', { cookie })).body.holds).toEqual([]);
    const placed = await server.call('POST', '/me/holds', { cookie, body: { recordId, pickupBranch: 'main' } });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ recordId, title: 'The Queue of Holds', status: 'waiting', queuePosition: 2, pickupBranch: { code: 'main' } });
    const holdId = placed.body.holdId as string;

    const again = await server.call('POST', '/me/holds', { cookie, body: { recordId, pickupBranch: 'main' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('HOLD_ALREADY_PLACED');

    const listed = await server.call('GET', '/me/holds', { cookie });
    expect(listed.body.holds).toHaveLength(1);
    expect(listed.body.holds[0]).toMatchObject({ holdId, queuePosition: 2, status: 'waiting' });

    const later = new Date(w.clock.now().getTime() + 20 * DAY).toISOString().slice(0, 10);
    const suspended = await server.call('POST', `/me/holds/${holdId}/suspend`, { cookie, body: { until: later } });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ status: 'suspended', suspendedUntil: later, queuePosition: 2 });
    const past = await server.call('POST', `/me/holds/${holdId}/suspend`, { cookie, body: { until: '2001-01-01' } });
    expect(past.body.error.code).toBe('VALIDATION_FAILED');
    const resumed = await server.call('POST', `/me/holds/${holdId}/suspend`, { cookie, body: { until: null } });
    expect(resumed.body).toMatchObject({ status: 'waiting', suspendedUntil: null });

    // Another patron reaches neither this hold's suspension nor its cancellation.
    const other = await server.patronLogin({ cardNumber: first.cardNumber, pin: first.pin });
    for (const path of [`/me/holds/${holdId}/cancel`, `/me/holds/${holdId}/suspend`]) {
      const answer = await server.call('POST', path, { cookie: other, body: path.endsWith('suspend') ? { until: later } : undefined });
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('HOLD_NOT_FOUND');
    }
    // The first in line sees their own hold first in the queue.
    expect((await server.call('GET', '/me/holds', { cookie: other })).body.holds[0]).toMatchObject({ queuePosition: 1, recordId });

    const cancelled = await server.call('POST', `/me/holds/${holdId}/cancel`, { cookie });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ holdId, status: 'cancelled' });
    expect((await server.call('GET', '/me/holds', { cookie })).body.holds).toEqual([]);
    expect((await server.call('POST', `/me/holds/${holdId}/cancel`, { cookie })).body.error.code).toBe('HOLD_NOT_ACTIVE');
  });

  it('shows a copy on the shelf trapped at once as ready, with no queue position', async () => {
    const copy = await buildItem(w, { libraryId, title: 'On the shelf' });
    const me = await buildPatron(w, { libraryId });
    const cookie = await server.patronLogin({ cardNumber: me.cardNumber, pin: me.pin });
    const placed = await server.call('POST', '/me/holds', { cookie, body: { itemBarcode: copy.barcode, pickupBranch: 'main' } });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ itemBarcode: copy.barcode, status: 'ready', queuePosition: null });
    expect(placed.body.pickupBy).not.toBeNull();
  });

  it('needs a patron session and the CSRF token, and logs no loan or hold id', async () => {
    expect((await server.call('GET', '/me/loans')).status).toBe(401);
    const me = await buildPatron(w, { libraryId });
    const cookie = await server.patronLogin({ cardNumber: me.cardNumber, pin: me.pin });
    expect((await server.call('POST', '/me/loans/renew-all', { cookie, csrf: false })).status).toBe(403);
    expect(logLines.some((line) => line.includes(me.cardNumber))).toBe(false);
  });
});
