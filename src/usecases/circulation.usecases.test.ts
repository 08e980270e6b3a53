import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildPatron, buildRule, countRows, libraryWorld, refusalCodes, type World } from '../../test/factories.js';
import { DomainError } from '../domain/errors.js';
import { accessEntriesForPatron } from '../storage/access-log.repository.js';
import { findItemById } from '../storage/item.repository.js';
import { checkin, checkout, declareLost, renew } from './circulation.usecases.js';
import { pay, waiveFine } from './fine.usecases.js';
import { cancelHold, expireHolds, placeHold } from './hold.usecases.js';
import { patronAccount, setPatronStatus } from './patron.usecases.js';
import { reissueCard } from './patron-service.usecases.js';

describe.each(ENGINES)('circulation on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    await buildRule(w, { libraryId, itemType: 'dvd', loanDays: 7, renewals: 1, finePerDayCents: 100, maxFineCents: 1000 });
    await buildRule(w, { libraryId, itemType: 'reference', loanDays: 0, renewals: 0, finePerDayCents: 0, maxFineCents: 0 });
  });
  afterAll(() => database.drop());

  it('lends by the loan rule and takes back on time without a fine', async () => {
    // Given a patron and a DVD (7-day rule)
    const patron = await buildPatron(w, { libraryId });
    const dvd = await buildItem(w, { libraryId, itemType: 'dvd' });
    // When the DVD goes out and comes back on day 5
    const loan = await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: dvd.barcode });
    expect(new Date(loan.dueAt).getTime() - w.clock.now().getTime()).toBeGreaterThan(7 * 86_400_000 - 86_400_000);
    w.clock.advanceDays(5);
    const back = await w.act(checkin, { itemBarcode: dvd.barcode });
    // Then no fine, the item is back on the shelf, and both transactions are in the access log
    expect(back).toMatchObject({ daysLate: 0, fine: null, routing: { to: 'shelf' } });
    expect((await findItemById(database.db, dvd.id))?.status).toBe('available');
    const log = await accessEntriesForPatron(database.db, patron.id);
    expect(log.map((e) => e.action)).toEqual(['register', 'checkout', 'checkin']);
    expect(log.every((e) => e.purpose === 'circulation' || e.action === 'register')).toBe(true);
  });

  it('charges the overdue fine at check-in, capped by the rule', async () => {
    const patron = await buildPatron(w, { libraryId });
    const dvd = await buildItem(w, { libraryId, itemType: 'dvd' });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: dvd.barcode });
    w.clock.advanceDays(10); // due after 7 → 3 days late at $1/day
    const back = await w.act(checkin, { itemBarcode: dvd.barcode });
    expect(back.daysLate).toBe(3);
    expect(back.fine?.amountCents).toBe(300);
    const book = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: book.barcode });
    w.clock.advanceDays(200);
    expect((await w.act(checkin, { itemBarcode: book.barcode })).fine?.amountCents).toBe(500); // fallback cap $5
    expect((await w.act(patronAccount, { cardNumber: patron.cardNumber })).balanceCents).toBe(800);
  });

  it('refuses what cannot go out, with every reason, and changes nothing', async () => {
    const patron = await buildPatron(w, { libraryId });
    const other = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId });
    const reference = await buildItem(w, { libraryId, itemType: 'reference' });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    const before = { loans: await countRows(database, 'loans'), log: await countRows(database, 'access_log') };

    expect(await refusalCodes(w.act(checkout, { cardNumber: other.cardNumber, itemBarcode: item.barcode }))).toEqual(['ITEM_ALREADY_ON_LOAN']);
    expect(await refusalCodes(w.act(checkout, { cardNumber: other.cardNumber, itemBarcode: reference.barcode }))).toEqual(['ITEM_NOT_LOANABLE']);
    expect(await refusalCodes(w.act(checkout, { cardNumber: '00000000000000', itemBarcode: item.barcode }))).toEqual(['PATRON_NOT_FOUND']);
    expect(await refusalCodes(w.act(checkout, { cardNumber: other.cardNumber, itemBarcode: 'NO-SUCH-ITEM' }))).toEqual(['ITEM_NOT_FOUND']);
    // A blocked patron whose card has also expired hears both reasons at once
    await w.act(setPatronStatus, { patronId: other.id, status: 'blocked' });
    w.clock.advanceDays(400);
    const blockedItem = await buildItem(w, { libraryId });
    expect(await refusalCodes(w.act(checkout, { cardNumber: other.cardNumber, itemBarcode: blockedItem.barcode }))).toEqual(['PATRON_BLOCKED', 'PATRON_EXPIRED']);

    expect(await countRows(database, 'loans')).toBe(before.loans);
    // The status change, and the refusal that told the desk the patron is blocked and expired (a read of
    // their record, logged on them); the refusals about the item alone leave no entry.
    expect(await countRows(database, 'access_log')).toBe(before.log + 2);
    expect((await accessEntriesForPatron(database.db, other.id)).at(-1)?.action).toBe('checkout-refused');
    await w.act(checkin, { itemBarcode: item.barcode });
  });

  it('stops borrowing for a reported lost card (JC-IVa, IF-6) and over the fines limit', async () => {
    const lost = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId });
    await w.act(setPatronStatus, { patronId: lost.id, status: 'card-lost' });
    expect(await refusalCodes(w.act(checkout, { cardNumber: lost.cardNumber, itemBarcode: item.barcode }))).toEqual(['CARD_REPORTED_LOST']);
    // The card comes back only as a new one; the old number finds no one.
    const patron = { ...lost, cardNumber: (await w.act(reissueCard, { patronId: lost.id })).cardNumber };
    expect(await refusalCodes(w.act(checkout, { cardNumber: lost.cardNumber, itemBarcode: item.barcode }))).toEqual(['PATRON_NOT_FOUND']);
    // Owing $15 (three capped $5 fines) is over the library's $10 limit
    for (let i = 0; i < 3; i++) {
      const late = await buildItem(w, { libraryId });
      await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: late.barcode });
      w.clock.advanceDays(60);
      await w.act(checkin, { itemBarcode: late.barcode });
    }
    expect(await refusalCodes(w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode }))).toEqual(['PATRON_OWES_FINES']);
    await w.act(pay, { cardNumber: patron.cardNumber, amountCents: 600 });
    expect((await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode })).itemBarcode).toBe(item.barcode);
  });

  it('lets exactly one of two simultaneous check-outs of one item succeed', async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = [await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId })];
      const item = await buildItem(w, { libraryId });
      const results = await Promise.allSettled([
        w.act(checkout, { cardNumber: a.cardNumber, itemBarcode: item.barcode }),
        w.act(checkout, { cardNumber: b.cardNumber, itemBarcode: item.barcode }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((failed.reason as DomainError).code).toBe('ITEM_ALREADY_ON_LOAN');
      const active = await database.db.selectFrom('loans').select('id').where('item_id', '=', item.id).where('status', '=', 'active').execute();
      expect(active).toHaveLength(1);
    }
  });

  it('renews from today, refuses past the limit or when someone waits, and charges days already late', async () => {
    const patron = await buildPatron(w, { libraryId });
    const waiting = await buildPatron(w, { libraryId });
    const dvd = await buildItem(w, { libraryId, itemType: 'dvd' });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: dvd.barcode });
    w.clock.advanceDays(9); // 2 days late
    const renewed = await w.act(renew, { itemBarcode: dvd.barcode });
    expect(renewed).toMatchObject({ renewals: 1, renewalsLeft: 0, fine: { amountCents: 200 } });
    expect(new Date(renewed.dueAt).getTime()).toBeGreaterThan(w.clock.now().getTime() + 6 * 86_400_000);
    expect(await refusalCodes(w.act(renew, { itemBarcode: dvd.barcode }))).toEqual(['RENEWAL_LIMIT_REACHED']);
    const book = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: book.barcode });
    await w.act(placeHold, { cardNumber: waiting.cardNumber, itemBarcode: book.barcode });
    w.clock.advanceDays(1); // a day later, so the renewal would move the due date (RENEWAL_NOT_DUE otherwise)
    expect(await refusalCodes(w.act(renew, { itemBarcode: book.barcode }))).toEqual(['ITEM_HAS_HOLDS']);
    expect(await refusalCodes(w.act(renew, { itemBarcode: (await buildItem(w, { libraryId })).barcode }))).toEqual(['ITEM_NOT_ON_LOAN']);
  });

  it('traps a hold on check-in; only the holder may take it; an unclaimed hold expires to the next in line', async () => {
    const borrower = await buildPatron(w, { libraryId });
    const first = await buildPatron(w, { libraryId });
    const second = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: borrower.cardNumber, itemBarcode: item.barcode });
    const h1 = await w.act(placeHold, { cardNumber: first.cardNumber, itemBarcode: item.barcode });
    w.clock.advanceDays(1);
    const h2 = await w.act(placeHold, { cardNumber: second.cardNumber, itemBarcode: item.barcode });
    expect([h1.status, h2.status]).toEqual(['pending', 'pending']);
    expect(await refusalCodes(w.act(placeHold, { cardNumber: first.cardNumber, itemBarcode: item.barcode }))).toEqual(['HOLD_ALREADY_PLACED']);
    expect(await refusalCodes(w.act(placeHold, { cardNumber: borrower.cardNumber, itemBarcode: item.barcode }))).toEqual(['HOLD_ON_OWN_LOAN']);

    const back = await w.act(checkin, { itemBarcode: item.barcode });
    expect(back.routing).toMatchObject({ to: 'hold-shelf', holdId: h1.id });
    expect(JSON.stringify(back)).not.toContain(borrower.id); // the desk is not told who returned it
    expect(await refusalCodes(w.act(checkout, { cardNumber: second.cardNumber, itemBarcode: item.barcode }))).toEqual(['ITEM_ON_HOLD_FOR_ANOTHER_PATRON']);

    // The first holder never comes: after the pick-up window the item passes to the second
    w.clock.advanceDays(8);
    expect(await w.act(expireHolds, {})).toEqual({ expired: 1, trapped: 1, reshelved: 0 });
    const taken = await w.act(checkout, { cardNumber: second.cardNumber, itemBarcode: item.barcode });
    expect(taken.fulfilledHoldId).toBe(h2.id);
  });

  it('traps at once for an item on the shelf, and a cancelled ready hold frees the item', async () => {
    const patron = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId });
    const hold = await w.act(placeHold, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    expect(hold.status).toBe('ready');
    expect((await findItemById(database.db, item.id))?.status).toBe('on-hold-shelf');
    await w.act(cancelHold, { holdId: hold.id });
    expect((await findItemById(database.db, item.id))?.status).toBe('available');
    expect(await refusalCodes(w.act(cancelHold, { holdId: hold.id }))).toEqual(['HOLD_NOT_ACTIVE']);
  });

  it('charges a lost item its replacement cost, and cancels the charge if it comes back', async () => {
    const patron = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId, replacementCostCents: 3200 });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    const lost = await w.act(declareLost, { itemBarcode: item.barcode });
    expect(lost).toMatchObject({ status: 'lost', charge: { amountCents: 3200 } });
    expect((await w.act(patronAccount, { cardNumber: patron.cardNumber })).loans).toHaveLength(0);
    const found = await w.act(checkin, { itemBarcode: item.barcode });
    expect(found).toMatchObject({ loanId: null, lostChargeCancelled: true, routing: { to: 'shelf' } });
    expect((await w.act(patronAccount, { cardNumber: patron.cardNumber })).balanceCents).toBe(0);
  });

  it('settles payments oldest fine first, keeps no credit, and records waivers with a reason', async () => {
    const patron = await buildPatron(w, { libraryId });
    const fines: string[] = [];
    for (const days of [30, 12]) {
      const item = await buildItem(w, { libraryId });
      await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
      w.clock.advanceDays(days); // 30 days: 9 late at 25¢ = $2.25; 12 days: on time
      const back = await w.act(checkin, { itemBarcode: item.barcode });
      if (back.fine) fines.push(back.fine.id);
    }
    const account = await w.act(patronAccount, { cardNumber: patron.cardNumber });
    expect(account.fines.map((f) => f.amountCents)).toEqual([225]);
    expect(fines).toHaveLength(1);
    const owed = account.balanceCents;
    expect(owed).toBe(225);
    expect(await refusalCodes(w.act(pay, { cardNumber: patron.cardNumber, amountCents: owed + 1 }))).toEqual(['PAYMENT_EXCEEDS_BALANCE']);
    expect(await refusalCodes(w.act(pay, { cardNumber: patron.cardNumber, amountCents: 0 }))).toEqual(['INVALID_AMOUNT']);
    const paid = await w.act(pay, { cardNumber: patron.cardNumber, amountCents: 100 });
    expect(paid).toMatchObject({ balanceCents: 125, allocations: [{ fineId: fines[0], amountCents: 100 }] });
    const waived = await w.act(waiveFine, { fineId: fines[0] as string, reason: 'Returned during the flood closure' });
    expect(waived).toMatchObject({ status: 'waived', balanceCents: 0 });
    expect(await refusalCodes(w.act(waiveFine, { fineId: fines[0] as string, reason: 'again' }))).toEqual(['FINE_NOT_OPEN']);
    expect(await refusalCodes(w.act(pay, { cardNumber: patron.cardNumber, amountCents: 100 }))).toEqual(['NOTHING_OWED']);
  });

  it('takes two payments at once one after the other: together they never pay more than is owed', async () => {
    const patron = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId, replacementCostCents: 1000 });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    await w.act(declareLost, { itemBarcode: item.barcode });
    const owed = (await w.act(patronAccount, { cardNumber: patron.cardNumber })).balanceCents;
    expect(owed).toBeGreaterThan(0);
    // Two desks take the whole balance at the same moment: one payment goes through, the other is refused.
    const payAll = () => w.act(pay, { cardNumber: patron.cardNumber, amountCents: owed }).then(() => 'paid', (e: { code?: string }) => e.code);
    expect((await Promise.all([payAll(), payAll()])).sort()).toEqual(['NOTHING_OWED', 'paid']);
    const payments = await database.db.selectFrom('payments').select('amount_cents').where('patron_id', '=', patron.id).execute();
    expect(payments.map((p) => Number(p.amount_cents))).toEqual([owed]);
    expect((await w.act(patronAccount, { cardNumber: patron.cardNumber })).balanceCents).toBe(0);
  });

  it('stops at the category’s loan limit', async () => {
    const patron = await buildPatron(w, { libraryId, birthDate: '2015-01-01', guardianCard: (await buildPatron(w, { libraryId })).cardNumber });
    await database.db.updateTable('patron_categories').set({ max_loans: 2 }).where('library_id', '=', libraryId).where('code', '=', 'juvenile').execute();
    for (let i = 0; i < 2; i++) await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: (await buildItem(w, { libraryId })).barcode });
    expect(await refusalCodes(w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: (await buildItem(w, { libraryId })).barcode }))).toEqual(['LOAN_LIMIT_REACHED']);
  });
});
