import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, world, type World } from '../../test/factories.js';
import { checkout, declareLost } from '../usecases/circulation.usecases.js';
import { startServer, type Json, type TestServer } from '../../test/http.js';
import { createStaff } from '../usecases/staff.usecases.js';

/** The library's configuration over HTTP: a real server on 127.0.0.1, on every engine. */

describe.each(ENGINES)('library configuration API on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let server: TestServer;
  let libraryId: string;
  const admin = { username: `cfg-admin-${engine}`, password: '' };
  const desk = { username: `cfg-desk-${engine}`, password: '' };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    libraryId = (await buildLibrary(w, { id: `cfg-${engine}` })).library.id;
    admin.password = (await w.act(createStaff, { username: admin.username, libraryId, roles: ['admin'] })).password;
    desk.password = (await w.act(createStaff, { username: desk.username, libraryId, roles: ['circulation'] })).password;
    server = await startServer(w);
  });

  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('lets an administrator set up branches, hours, a holiday, a category, an item type and a rule, and explains the rule', async () => {
    const cookie = await server.login(admin);
    const base = `/libraries/${libraryId}`;
    const hours = { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], sat: [['10:00', '14:00']] };
    const branch = await server.call('POST', `${base}/branches`, { cookie, body: { code: 'west', name: 'West Branch', address: '9 West Rd', openingHours: hours } });
    expect([branch.status, branch.body.code, branch.body.openingHours]).toEqual([201, 'west', hours]);
    const edited = await server.call('PATCH', `${base}/branches/west`, { cookie, body: { name: 'West Side Branch' } });
    expect([edited.status, edited.body.name, edited.body.openingHours]).toEqual([200, 'West Side Branch', hours]);

    const holiday = await server.call('POST', `${base}/closed-days`, { cookie, body: { branch: 'west', startsOn: '2026-07-03', endsOn: '2026-07-04', reason: 'Independence Day' } });
    expect([holiday.status, holiday.body.branch]).toEqual([201, 'west']);
    const overlap = await server.call('POST', `${base}/closed-days`, { cookie, body: { branch: 'west', startsOn: '2026-07-04', endsOn: '2026-07-05', reason: 'Long weekend' } });
    expect([overlap.status, overlap.body.error.code]).toEqual([409, 'CLOSED_DAYS_OVERLAP']);

    const category = await server.call('POST', `${base}/categories`, { cookie, body: { code: 'teen', name: 'Teen', minAge: 13, maxAge: 17, cardValidityMonths: 12, maxLoans: 10 } });
    expect([category.status, category.body]).toEqual([201, { code: 'teen', name: 'Teen', minAge: 13, maxAge: 17, cardValidityMonths: 12, maxLoans: 10 }]);
    const zero = await server.call('PATCH', `${base}/categories/teen`, { cookie, body: { cardValidityMonths: 0 } });
    expect([zero.status, zero.body.error.code, zero.body.error.problems[0].field]).toEqual([400, 'VALIDATION_FAILED', 'cardValidityMonths']);

    const type = await server.call('POST', `${base}/item-types`, { cookie, body: { code: 'game', name: 'Board game' } });
    expect(type.status).toBe(201);

    const rule = { branch: 'west', patronCategory: 'teen', itemType: 'game', loanDays: 7, renewals: 0, finePerDayCents: 0, maxFineCents: 0, holdable: false };
    const set = await server.call('PUT', `${base}/loan-rules`, { cookie, body: rule });
    expect([set.status, set.body]).toEqual([200, { libraryId, holdPickupDays: null, ...rule }]);
    const unknown = await server.call('PUT', `${base}/loan-rules`, { cookie, body: { ...rule, branch: 'nowhere', finePerDayCents: -5 } });
    expect([unknown.status, unknown.body.error.problems.map((p: Json) => p.code)]).toEqual([422, ['BRANCH_NOT_FOUND', 'VALIDATION_FAILED']]);

    const explained = await server.call('GET', `${base}/loan-rules/explain?branch=west&category=teen&type=game`, { cookie });
    expect(explained.status).toBe(200);
    expect(explained.body.applied).toMatchObject({ branch: 'west', patronCategory: 'teen', itemType: 'game', loanDays: 7 });
    expect(explained.body.matches.map((m: Json) => m.specificity)).toEqual([7, 0]);

    const settings = await server.call('PATCH', `${base}/settings`, { cookie, body: { maxOverdueItems: 5, longOverdueDays: 60, processingFeeCents: 300 } });
    expect(settings.body).toMatchObject({ libraryId, maxOverdueItems: 5, longOverdueDays: 60, processingFeeCents: 300, holdPickupDays: 7 });

    const removed = await server.call('DELETE', `${base}/loan-rules?branch=west&category=teen&type=game`, { cookie });
    expect([removed.status, removed.body.removed]).toEqual([200, { branch: 'west', patronCategory: 'teen', itemType: 'game' }]);
    const opened = await server.call('DELETE', `${base}/closed-days/${holiday.body.id}`, { cookie });
    expect([opened.status, opened.body.removed]).toEqual([200, holiday.body.id]);
    expect((await server.call('GET', `${base}/closed-days`, { cookie })).body).toEqual([]);
  });

  it('sets the library’s languages, the ways its desk takes payments and its slips; a bad value changes nothing (issue 20)', async () => {
    const cookie = await server.login(admin);
    const base = `/libraries/${libraryId}`;
    const before = (await server.call('GET', `${base}/settings`, { cookie })).body;
    // A new library speaks every language Carrel has, English first, takes every method and prints titles.
    expect(before).toMatchObject({ defaultLanguage: 'en', offeredLanguages: ['en', 'es'], paymentMethods: ['cash', 'check', 'card'], slipHeader: null, slipFooter: null, slipTitles: true });

    const refused = [
      [{ offeredLanguages: ['en', 'fr'] }, 'LANGUAGE_NOT_AVAILABLE', 'offeredLanguages'],
      [{ offeredLanguages: [] }, 'LANGUAGE_NOT_AVAILABLE', 'offeredLanguages'],
      [{ defaultLanguage: 'es', offeredLanguages: ['en'] }, 'DEFAULT_LANGUAGE_NOT_OFFERED', 'defaultLanguage'],
      [{ defaultLanguage: 'xx' }, 'LANGUAGE_NOT_AVAILABLE', 'defaultLanguage'],
      [{ paymentMethods: ['cash', 'bitcoin'] }, 'VALIDATION_FAILED', 'paymentMethods'],
      [{ paymentMethods: [] }, 'VALIDATION_FAILED', 'paymentMethods'],
      [{ paymentMethods: ['cash', 'cash'] }, 'VALIDATION_FAILED', 'paymentMethods'],
    ] as const;
    for (const [body, code, field] of refused) {
      const answer = await server.call('PATCH', `${base}/settings`, { cookie, body: { ...body, holdPickupDays: 9 } });
      expect([answer.status, answer.body.error.problems.map((p: Json) => [p.code, p.field])], JSON.stringify(body)).toEqual([400, [[code, field]]]);
    }
    const tooLong = await server.call('PATCH', `${base}/settings`, { cookie, body: { slipHeader: 'x'.repeat(501) } });
    expect(tooLong.status).toBe(400);
    expect((await server.call('GET', `${base}/settings`, { cookie })).body).toEqual(before);

    const changed = await server.call('PATCH', `${base}/settings`, {
      cookie,
      body: { defaultLanguage: 'es', offeredLanguages: ['es', 'en'], paymentMethods: ['card', 'cash'], slipHeader: '  Biblioteca de Prueba · 505-555-0100  ', slipFooter: ' ', slipTitles: false },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ defaultLanguage: 'es', offeredLanguages: ['es', 'en'], paymentMethods: ['card', 'cash'], slipHeader: 'Biblioteca de Prueba · 505-555-0100', slipFooter: null, slipTitles: false });
    expect((await server.call('GET', `${base}/settings`, { cookie })).body).toEqual(changed.body);

    // The session answer offers the library's languages, its default first choice.
    const session = await server.call('GET', '/auth/session', { cookie: await server.login(desk) });
    expect(session.body.languages).toEqual({ default: 'es', offered: ['es', 'en'] });

    // A payment by a method the library does not take is refused and pays nothing; left out, the first it takes.
    const patron = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId, replacementCostCents: 2000 });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    await w.act(declareLost, { itemBarcode: item.barcode });
    const deskCookie = await server.login(desk);
    const byCheck = await server.call('POST', '/payments', { cookie: deskCookie, body: { cardNumber: patron.cardNumber, amountCents: 500, method: 'check' } });
    expect([byCheck.status, byCheck.body.error.code, byCheck.body.error.problems[0].field]).toEqual([422, 'PAYMENT_METHOD_NOT_ACCEPTED', 'method']);
    const byCash = await server.call('POST', '/payments', { cookie: deskCookie, body: { cardNumber: patron.cardNumber, amountCents: 500, method: 'cash' } });
    expect(byCash.status).toBe(201);
    expect(byCash.body).toMatchObject({ amountCents: 500, method: 'cash', paidAt: expect.any(String) });
    const byDefault = await server.call('POST', '/payments', { cookie: deskCookie, body: { cardNumber: patron.cardNumber, amountCents: 500 } });
    expect(byDefault.body).toMatchObject({ amountCents: 500, method: 'card', balanceCents: byCash.body.balanceCents - 500 });
    const kept = await database.db.selectFrom('payments').select(['method', 'amount_cents']).where('patron_id', '=', patron.id).orderBy('created_at').execute();
    expect(kept.map((r) => r.method).sort()).toEqual(['card', 'cash']);
  });

  it('lets a clerk read the configuration but not change it', async () => {
    const cookie = await server.login(desk);
    const base = `/libraries/${libraryId}`;
    for (const path of ['settings', 'branches', 'closed-days', 'categories', 'item-types', 'loan-rules', 'loan-rules/explain?branch=main&category=adult&type=book'])
      expect((await server.call('GET', `${base}/${path}`, { cookie })).status, path).toBe(200);
    const changes: [string, string, unknown][] = [
      ['PATCH', 'settings', { holdPickupDays: 3 }],
      ['POST', 'branches', { code: 'east', name: 'East' }],
      ['PATCH', 'branches/main', { name: 'Main' }],
      ['POST', 'closed-days', { branch: null, startsOn: '2026-12-25', endsOn: '2026-12-25', reason: 'Christmas' }],
      ['POST', 'categories', { code: 'staff', name: 'Staff' }],
      ['PATCH', 'categories/adult', { maxLoans: 1 }],
      ['POST', 'item-types', { code: 'kit', name: 'Kit' }],
      ['PATCH', 'item-types/book', { name: 'Books' }],
      ['PUT', 'loan-rules', { patronCategory: '*', itemType: '*', loanDays: 1, renewals: 0, finePerDayCents: 0, maxFineCents: 0 }],
      ['DELETE', 'loan-rules?category=*&type=*', undefined],
    ];
    for (const [method, path, body] of changes) {
      const answer = await server.call(method, `${base}/${path}`, { cookie, body });
      expect([answer.status, answer.body.error?.code], `${method} ${path}`).toEqual([403, 'PERMISSION_DENIED']);
    }
    const settings = await server.call('GET', `${base}/settings`, { cookie });
    expect(settings.body.holdPickupDays).toBe(7);
    expect((await server.call('GET', `${base}/loan-rules`, { cookie })).body.map((r: Json) => r.loanDays)).toEqual([21]);
  });
});
