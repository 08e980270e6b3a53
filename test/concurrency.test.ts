/**
 * Read-then-write use cases under concurrency (issue 22, defect 1): each test fires the same request
 * (or two that compete for one thing) eight times at once, each in its own transaction from the pool,
 * and asserts the one outcome a serial run would give. SQLite has one writer and gets them right
 * anyway; on PostgreSQL (read committed, a pool of ten) each test fails without its lock.
 *
 * And refusals that tell the asker something of a patron (issue 22, defect 10) are logged on the patron
 * although the refused use case is rolled back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from './engines.js';
import { buildItem, buildPatron, countRows, libraryWorld, refusalCodes, type World } from './factories.js';
import { DomainError, ErrorCode } from '../src/domain/errors.js';
import type { Actor } from '../src/policy/actors.js';
import { accessEntriesForPatron } from '../src/storage/access-log.repository.js';
import { balanceOf, openFines } from '../src/storage/fine.repository.js';
import { findItemById } from '../src/storage/item.repository.js';
import { countActiveLoans } from '../src/storage/loan.repository.js';
import { saveRecords } from '../src/usecases/catalogue.usecases.js';
import type { UseCase } from '../src/usecases/context.js';
import { checkin, checkout, declareLost } from '../src/usecases/circulation.usecases.js';
import { pay, waiveFine } from '../src/usecases/fine.usecases.js';
import { cancelHold, placeHold, suspendHold } from '../src/usecases/hold.usecases.js';
import { linkGuardian, renewCard } from '../src/usecases/patron-card.usecases.js';
import { setPatronStatus } from '../src/usecases/patron.usecases.js';
import { deletePatron } from '../src/usecases/patron-deletion.usecases.js';
import { signUpForProgram, startComputerSession } from '../src/usecases/service-record.usecases.js';

const AT_ONCE = 8;

/** The outcome of each of several calls fired together: the value, or the refusal's first code. */
async function together<T>(calls: readonly (() => Promise<T>)[]): Promise<({ ok: true; value: T } | { ok: false; code: string })[]> {
  return Promise.all(
    calls.map((call) =>
      call().then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => {
          if (error instanceof DomainError) return { ok: false as const, code: error.code };
          throw error;
        },
      ),
    ),
  );
}

const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A use case that, done, keeps its transaction open a moment longer: a slow desk, to race against. */
function slowly<I, O>(useCase: UseCase<I, O>, ms: number): UseCase<I, O> {
  return async (ctx, input) => {
    const output = await useCase(ctx, input);
    await sleep(ms);
    return output;
  };
}

describe.each(ENGINES)('concurrent requests on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let clerk: Actor;
  let serial = 0;

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    clerk = { kind: 'staff', id: 'clerk-races', libraryId, roles: ['circulation'] };
  });
  afterAll(() => database.drop());

  /** A patron who owes exactly `cents`: one lost item charged at its replacement cost. */
  async function patronOwing(cents: number) {
    const patron = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId, replacementCostCents: cents });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    await w.act(declareLost, { itemBarcode: item.barcode });
    expect(await balanceOf(database.db, patron.id)).toBe(cents);
    return patron;
  }

  /** A record with `n` copies at the main branch, and their barcodes. */
  async function titleWithCopies(n: number): Promise<{ recordId: string; barcodes: string[] }> {
    const tag = `race${serial++}${Date.now().toString(36)}`;
    const barcodes = times(n, (i) => `${tag}-${i}`.toUpperCase());
    const { recordIds } = await w.act(saveRecords, {
      libraryId,
      records: [{ controlNumber: tag, title: `A Contested Title ${tag}`, copies: barcodes.map((barcode) => ({ barcode, branch: 'main' })) }],
    });
    return { recordId: recordIds[0] as string, barcodes };
  }

  it('accepts one of eight payments of the whole balance at once, and never takes more than is owed', async () => {
    // Given a patron who owes 1,500 cents
    const patron = await patronOwing(1500);
    // When eight desks take 1,500 at the same moment
    const outcomes = await together(times(AT_ONCE, () => () => w.act(pay, { cardNumber: patron.cardNumber, amountCents: 1500 })));
    // Then one payment is taken, the others are told nothing is owed, and the balance is zero
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.code)).toEqual(times(AT_ONCE - 1, () => 'NOTHING_OWED'));
    expect(await balanceOf(database.db, patron.id)).toBe(0);
    const paid = await database.db.selectFrom('payments').select('amount_cents').where('patron_id', '=', patron.id).execute();
    expect(paid.map((p) => Number(p.amount_cents))).toEqual([1500]);
  });

  it('takes either the payment or the waiver of one fine, never both', async () => {
    for (let round = 0; round < 4; round++) {
      // Given a patron who owes one fine of 1,500 cents
      const patron = await patronOwing(1500);
      const [fine] = await openFines(database.db, patron.id);
      // When one desk takes the payment as another waives the fine (in the first rounds, the waiver reads
      // the fine while the payment, done, has not yet committed)
      const [paid, waived] = await together<unknown>([
        () => w.act(slowly(pay, round < 2 ? 300 : 0), { cardNumber: patron.cardNumber, amountCents: 1500 }),
        async () => {
          if (round < 2) await sleep(100);
          return w.act(waiveFine, { fineId: fine!.id, reason: 'Goodwill' });
        },
      ]);
      // Then exactly one of them is done, and the fine says which
      expect([paid!.ok, waived!.ok].filter(Boolean)).toHaveLength(1);
      const row = await database.db.selectFrom('fines').select(['status', 'balance_cents']).where('id', '=', fine!.id).executeTakeFirstOrThrow();
      const payments = await database.db.selectFrom('payments').select('id').where('patron_id', '=', patron.id).execute();
      if (paid!.ok) {
        expect(waived).toEqual({ ok: false, code: 'FINE_NOT_OPEN' });
        expect(row.status).toBe('paid');
        expect(payments).toHaveLength(1);
      } else {
        expect(paid).toEqual({ ok: false, code: 'NOTHING_OWED' });
        expect(row.status).toBe('waived');
        expect(payments).toHaveLength(0);
      }
      expect(Number(row.balance_cents)).toBe(0);
    }
  });

  it('lends a juvenile at 19 of 20 loans one more item when eight check-outs come at once', async () => {
    // Given a juvenile (20 loans at most) with 19 items out
    const adult = await buildPatron(w, { libraryId });
    const child = await buildPatron(w, { libraryId, birthDate: '2014-05-20', categoryCode: 'juvenile', guardianCard: adult.cardNumber });
    for (let i = 0; i < 19; i++) await w.act(checkout, { cardNumber: child.cardNumber, itemBarcode: (await buildItem(w, { libraryId })).barcode });
    const items = await Promise.all(times(AT_ONCE, () => buildItem(w, { libraryId })));
    // When eight different items are checked out to them at once (desks and kiosks alike)
    const outcomes = await together(items.map((item) => () => w.act(checkout, { cardNumber: child.cardNumber, itemBarcode: item.barcode })));
    // Then one goes out, the others are refused at the limit, and the child has exactly 20 loans
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.code)).toEqual(times(AT_ONCE - 1, () => 'LOAN_LIMIT_REACHED'));
    expect(await countActiveLoans(database.db, child.id)).toBe(20);
  });

  it('signs a patron up for a program once when the same sign-up comes eight times at once', async () => {
    const patron = await buildPatron(w, { libraryId });
    const startsAt = new Date(w.clock.now().getTime() + 86_400_000).toISOString();
    const endsAt = new Date(w.clock.now().getTime() + 90_000_000).toISOString();
    const outcomes = await together(
      times(AT_ONCE, () => () => w.act(signUpForProgram, { cardNumber: patron.cardNumber, program: 'storytime', branch: 'main', startsAt, endsAt }, { actor: clerk })),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.code)).toEqual(times(AT_ONCE - 1, () => 'ALREADY_SIGNED_UP'));
    const signups = await database.db.selectFrom('service_records').select('id').where('patron_id', '=', patron.id).where('kind', '=', 'program-signup').execute();
    expect(signups).toHaveLength(1);
  });

  it('leaves one session open on a public computer when eight patrons log on to it at once', async () => {
    const patrons = await Promise.all(times(AT_ONCE, () => buildPatron(w, { libraryId })));
    const outcomes = await together(patrons.map((p) => () => w.act(startComputerSession, { cardNumber: p.cardNumber, branch: 'main', station: 'PC-RACE' }, { actor: clerk })));
    // Every log-on is taken (a new one ends the one before it), and one session stays open
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const open = await database.db.selectFrom('service_records').select('id').where('kind', '=', 'computer-session').where('resource', '=', 'PC-RACE').where('status', '=', 'active').execute();
    expect(open).toHaveLength(1);
  });

  it('places one hold for a patron when holds on a title and on its copy come at once', async () => {
    // Given a title with two copies; when four title-level holds and four on its first copy come at once
    // (the title's lock serialises the first kind, the copy's the second, the patron's row both)
    const patron = await buildPatron(w, { libraryId });
    const { recordId, barcodes } = await titleWithCopies(2);
    const outcomes = await together([
      ...times(AT_ONCE / 2, () => () => w.act(placeHold, { cardNumber: patron.cardNumber, recordId })),
      ...times(AT_ONCE / 2, () => () => w.act(placeHold, { cardNumber: patron.cardNumber, itemBarcode: barcodes[0] })),
    ]);
    // Then one hold is placed and the others find it
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.code)).toEqual(times(AT_ONCE - 1, () => 'HOLD_ALREADY_PLACED'));
    const open = await database.db.selectFrom('holds').select('id').where('patron_id', '=', patron.id).where('status', 'in', ['pending', 'ready']).execute();
    expect(open).toHaveLength(1);
  });

  it('traps one copy for a title-level hold when eight copies come back at once', async () => {
    // Given eight copies of a title out on loan, and one patron waiting for the title
    const { recordId, barcodes } = await titleWithCopies(AT_ONCE);
    const borrower = await buildPatron(w, { libraryId });
    for (const barcode of barcodes) await w.act(checkout, { cardNumber: borrower.cardNumber, itemBarcode: barcode });
    const waiting = await buildPatron(w, { libraryId });
    const hold = await w.act(placeHold, { cardNumber: waiting.cardNumber, recordId });
    expect(hold.status).toBe('pending');
    // When all eight come back at once
    const outcomes = await together(barcodes.map((barcode) => () => w.act(checkin, { itemBarcode: barcode })));
    // Then one goes to the hold shelf, for that hold, and seven go back to the shelves
    const routings = outcomes.map((o) => (o.ok ? o.value.routing.to : o.code));
    expect(routings.filter((r) => r === 'hold-shelf')).toHaveLength(1);
    expect(routings.filter((r) => r === 'shelf')).toHaveLength(AT_ONCE - 1);
    const statuses = await Promise.all(barcodes.map(async (barcode) => (await database.db.selectFrom('items').select('status').where('barcode', '=', barcode).executeTakeFirstOrThrow()).status));
    expect(statuses.filter((s) => s === 'on-hold-shelf')).toHaveLength(1);
    const trapped = await database.db.selectFrom('holds').select(['status', 'item_id']).where('id', '=', hold.id).executeTakeFirstOrThrow();
    expect(trapped.status).toBe('ready');
    expect((await findItemById(database.db, trapped.item_id as string))?.status).toBe('on-hold-shelf');
  });

  it('either lends to a patron or deletes them when both come at once, never both and never a failure', async () => {
    for (let round = 0; round < 4; round++) {
      const patron = await buildPatron(w, { libraryId });
      const item = await buildItem(w, { libraryId });
      const [lent, deleted] = await together<unknown>([
        () => w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode }),
        () => w.act(deletePatron, { patronId: patron.id }),
      ]);
      const patronRow = await database.db.selectFrom('patrons').select('id').where('id', '=', patron.id).executeTakeFirst();
      if (lent!.ok) {
        expect(deleted).toEqual({ ok: false, code: 'PATRON_HAS_ITEMS_OUT' });
        expect(patronRow).toBeDefined();
      } else {
        expect(lent).toEqual({ ok: false, code: 'PATRON_NOT_FOUND' });
        expect(deleted!.ok).toBe(true);
        expect(patronRow).toBeUndefined();
      }
    }
  });

  it('keeps a block set while an expired card is being renewed', async () => {
    // Given a patron whose card has expired
    const patron = await buildPatron(w, { libraryId });
    await w.act(setPatronStatus, { patronId: patron.id, status: 'expired' });
    // When one desk blocks the patron (its transaction still open) as another renews the card
    const outcomes = await together<unknown>([
      () => w.act(slowly(setPatronStatus, 300), { patronId: patron.id, status: 'blocked' }),
      async () => {
        await sleep(100);
        return w.act(renewCard, { patronId: patron.id, verified: true });
      },
    ]);
    // Then both are done and the patron stays blocked: a renewal lifts an expiry, never a block
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const row = await database.db.selectFrom('patrons').select('status').where('id', '=', patron.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('blocked');
  });

  it('refuses a check-out and a hold to a patron blocked while they waited for the patron', async () => {
    // Given an active patron and two items on the shelf
    const patron = await buildPatron(w, { libraryId });
    const lent = await buildItem(w, { libraryId });
    const held = await buildItem(w, { libraryId });
    // When one desk blocks the patron (its transaction still open) as another lends and a third places a hold
    const [blocked, checkedOut, hold] = await together<unknown>([
      () => w.act(slowly(setPatronStatus, 300), { patronId: patron.id, status: 'blocked' }),
      async () => {
        await sleep(100);
        return w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: lent.barcode });
      },
      async () => {
        await sleep(100);
        return w.act(placeHold, { cardNumber: patron.cardNumber, itemBarcode: held.barcode });
      },
    ]);
    // Then the block holds, and neither the loan nor the hold was made on the standing read before it
    expect(blocked?.ok).toBe(true);
    expect(checkedOut).toEqual({ ok: false, code: ErrorCode.PATRON_BLOCKED });
    expect(hold).toEqual({ ok: false, code: ErrorCode.PATRON_BLOCKED });
  });

  it('never suspends a hold that a check-in at that moment trapped', async () => {
    // Given a copy on loan and another patron's hold on it
    const { barcodes } = await titleWithCopies(1);
    const borrower = await buildPatron(w, { libraryId });
    const waiting = await buildPatron(w, { libraryId });
    await w.act(checkout, { cardNumber: borrower.cardNumber, itemBarcode: barcodes[0] as string });
    const hold = await w.act(placeHold, { cardNumber: waiting.cardNumber, itemBarcode: barcodes[0] });
    // When the copy comes back (its transaction still open) as the hold is suspended
    const tomorrow = new Date(w.clock.now().getTime() + 3 * 86_400_000).toISOString().slice(0, 10);
    const [back, suspended] = await together<unknown>([
      () => w.act(slowly(checkin, 300), { itemBarcode: barcodes[0] as string }),
      async () => {
        await sleep(100);
        return w.act(suspendHold, { holdId: hold.id, until: tomorrow });
      },
    ]);
    // Then the hold is trapped and not suspended, and the suspension is refused
    expect(back!.ok).toBe(true);
    expect(suspended).toEqual({ ok: false, code: 'HOLD_NOT_ACTIVE' });
    const row = await database.db.selectFrom('holds').select(['status', 'suspended_until']).where('id', '=', hold.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'ready', suspended_until: null });
  });

  it('traps a hold placed on a copy while its check-in waited for the copy', async () => {
    // Given a copy on loan
    const { barcodes } = await titleWithCopies(1);
    const borrower = await buildPatron(w, { libraryId });
    const waiting = await buildPatron(w, { libraryId });
    await w.act(checkout, { cardNumber: borrower.cardNumber, itemBarcode: barcodes[0] as string });
    // When a hold is placed on it (its transaction, holding the copy, still open) as the copy comes back
    const [placed, back] = await together<unknown>([
      () => w.act(slowly(placeHold, 300), { cardNumber: waiting.cardNumber, itemBarcode: barcodes[0] }),
      async () => {
        await sleep(100);
        return w.act(checkin, { itemBarcode: barcodes[0] as string });
      },
    ]);
    // Then the check-in, which waited for the copy, sees the hold and traps the copy for it
    expect(placed!.ok).toBe(true);
    expect(back).toMatchObject({ ok: true, value: { routing: { to: 'hold-shelf' } } });
    const hold = await database.db.selectFrom('holds').select('status').where('patron_id', '=', waiting.id).executeTakeFirstOrThrow();
    expect(hold.status).toBe('ready');
  });

  it('clears the pull-list task of a copy trapped from the shelf while its check-out waited for the copy', async () => {
    // Given a copy on the shelf
    const { barcodes } = await titleWithCopies(1);
    const waiting = await buildPatron(w, { libraryId });
    // When a hold traps it from the shelf (its transaction, holding the copy, still open) as the same
    // patron checks it out at the desk
    const [placed, out] = await together<unknown>([
      () => w.act(slowly(placeHold, 300), { cardNumber: waiting.cardNumber, itemBarcode: barcodes[0] }),
      async () => {
        await sleep(100);
        return w.act(checkout, { cardNumber: waiting.cardNumber, itemBarcode: barcodes[0] as string });
      },
    ]);
    // Then the loan is made and no task is left sending staff for a copy that is out
    expect(placed!.ok).toBe(true);
    expect(out!.ok).toBe(true);
    const item = await database.db.selectFrom('items').select(['id', 'status']).where('barcode', '=', barcodes[0] as string).executeTakeFirstOrThrow();
    expect(item.status).toBe('on-loan');
    expect(await database.db.selectFrom('item_tasks').select('item_id').where('item_id', '=', item.id).execute()).toEqual([]);
  });

  it('never cancels a hold that a check-out at that moment fulfilled', async () => {
    for (let round = 0; round < 4; round++) {
      // Given a copy waiting on the hold shelf for a patron
      const { barcodes } = await titleWithCopies(1);
      const patron = await buildPatron(w, { libraryId });
      const hold = await w.act(placeHold, { cardNumber: patron.cardNumber, itemBarcode: barcodes[0] });
      expect(hold.status).toBe('ready');
      // When the patron checks it out as the desk cancels the hold
      const [lent, cancelled] = await together<unknown>([
        () => w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: barcodes[0] as string }),
        () => w.act(cancelHold, { holdId: hold.id }),
      ]);
      // Then a check-out that filled the hold leaves it fulfilled, and the cancellation is refused
      const row = await database.db.selectFrom('holds').select('status').where('id', '=', hold.id).executeTakeFirstOrThrow();
      expect(lent!.ok).toBe(true);
      if (lent!.ok && (lent!.value as { fulfilledHoldId: string | null }).fulfilledHoldId === hold.id) {
        expect(row.status).toBe('fulfilled');
        expect(cancelled).toEqual({ ok: false, code: 'HOLD_NOT_ACTIVE' });
      } else {
        expect(row.status).toBe('cancelled');
        expect(cancelled!.ok).toBe(true);
      }
    }
  });
});

describe.each(ENGINES)('refusals that tell something of a patron on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
  });
  afterAll(() => database.drop());

  const actionsOf = async (patronId: string) => (await accessEntriesForPatron(database.db, patronId)).map((e) => e.action);

  it('logs a payment refused as NOTHING_OWED or PAYMENT_EXCEEDS_BALANCE on the patron, and nothing else of it', async () => {
    const patron = await buildPatron(w, { libraryId });
    const before = await countRows(database, 'payments');
    expect(await refusalCodes(w.act(pay, { cardNumber: patron.cardNumber, amountCents: 100 }))).toEqual(['NOTHING_OWED']);
    expect(await actionsOf(patron.id)).toEqual(['register', 'payment-refused']);
    const item = await buildItem(w, { libraryId, replacementCostCents: 700 });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    await w.act(declareLost, { itemBarcode: item.barcode });
    expect(await refusalCodes(w.act(pay, { cardNumber: patron.cardNumber, amountCents: 701 }))).toEqual(['PAYMENT_EXCEEDS_BALANCE']);
    const log = await accessEntriesForPatron(database.db, patron.id);
    expect(log.map((e) => e.action)).toEqual(['register', 'payment-refused', 'checkout', 'declare-lost', 'payment-refused']);
    expect(log.at(-1)).toMatchObject({ categories: ['fines'], purpose: 'circulation', channel: 'cli' });
    expect(await countRows(database, 'payments')).toBe(before);
    // A refusal that says nothing of the patron (a malformed amount) is not an access
    expect(await refusalCodes(w.act(pay, { cardNumber: patron.cardNumber, amountCents: -5 }))).toEqual(['INVALID_AMOUNT']);
    expect(await actionsOf(patron.id)).toHaveLength(5);
  });

  it('logs GUARDIAN_NOT_ADULT on the minor whose card was offered, at registration and at linking', async () => {
    const adult = await buildPatron(w, { libraryId });
    const minor = await buildPatron(w, { libraryId, birthDate: '2012-01-10', guardianCard: adult.cardNumber });
    const young = await buildPatron(w, { libraryId, birthDate: '2016-02-02', guardianCard: adult.cardNumber });
    expect(await refusalCodes(buildPatron(w, { libraryId, birthDate: '2017-03-03', guardianCard: minor.cardNumber }))).toEqual(['GUARDIAN_NOT_ADULT']);
    expect(await actionsOf(minor.id)).toEqual(['register', 'guardian-refused']);
    expect(await refusalCodes(w.act(linkGuardian, { patronId: young.id, guardianCardNumber: minor.cardNumber }))).toEqual(['GUARDIAN_NOT_ADULT']);
    expect(await actionsOf(minor.id)).toEqual(['register', 'guardian-refused', 'guardian-refused']);
    expect((await accessEntriesForPatron(database.db, minor.id)).at(-1)).toMatchObject({ categories: ['registration'] });
  });

  it('logs a waiver refused as FINE_NOT_OPEN and a check-out refused for money owed on the patron', async () => {
    const patron = await buildPatron(w, { libraryId });
    const lost = await buildItem(w, { libraryId, replacementCostCents: 9000 });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: lost.barcode });
    await w.act(declareLost, { itemBarcode: lost.barcode });
    const [fine] = await openFines(database.db, patron.id);
    await w.act(pay, { cardNumber: patron.cardNumber, amountCents: 9000 });
    expect(await refusalCodes(w.act(waiveFine, { fineId: fine!.id, reason: 'Goodwill' }))).toEqual(['FINE_NOT_OPEN']);
    expect((await actionsOf(patron.id)).at(-1)).toBe('waiver-refused');
    const owing = await buildPatron(w, { libraryId });
    const gone = await buildItem(w, { libraryId, replacementCostCents: 9000 });
    await w.act(checkout, { cardNumber: owing.cardNumber, itemBarcode: gone.barcode });
    await w.act(declareLost, { itemBarcode: gone.barcode });
    const next = await buildItem(w, { libraryId });
    expect(await refusalCodes(w.act(checkout, { cardNumber: owing.cardNumber, itemBarcode: next.barcode }))).toContain('PATRON_OWES_FINES');
    expect((await actionsOf(owing.id)).at(-1)).toBe('checkout-refused');
  });

  it('logs nothing for a refusal about the item alone', async () => {
    const patron = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId });
    const other = await buildPatron(w, { libraryId });
    await w.act(checkout, { cardNumber: other.cardNumber, itemBarcode: item.barcode });
    expect(await refusalCodes(w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode }))).toContain('ITEM_ALREADY_ON_LOAN');
    expect(await actionsOf(patron.id)).toEqual(['register']);
  });
});
