import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, countRows, refusalCodes, world, type World } from '../../test/factories.js';
import { freshDatabase } from '../../test/engines.js';
import type { Actor } from '../policy/actors.js';
import { accessEntriesForPatron } from '../storage/access-log.repository.js';
import { checkin, checkout } from './circulation.usecases.js';
import { cancelHold, expireHolds, placeHold, shelfCode } from './hold.usecases.js';
import { setMyPrivacy } from './self-service.usecases.js';
import type { UseCase } from './context.js';
import { completeItemTask, expiredHoldsList, inTransitList, overdueList, pullList, type ListInput } from './staff-lists.usecases.js';

describe.each(ENGINES)('staff lists on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  const staff = (role: string): Actor => ({ kind: 'staff', id: `staff-${role}`, libraryId, roles: [role] });
  const asClerk = { actor: null as unknown as Actor };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    ({ library: { id: libraryId } } = await buildLibrary(w, {
      branches: [
        { code: 'central', name: 'Central' },
        { code: 'east', name: 'East' },
      ],
    }));
    asClerk.actor = staff('circulation');
  });
  afterAll(() => database.drop());

  const libraryEntries = async (action: string) =>
    database.db.selectFrom('access_log').select(['actor_id', 'action', 'purpose']).where('library_id', '=', libraryId).where('action', 'like', `${action}%`).execute();

  it('lists items overdue by days overdue, by branch and minimum days, with no patron for the desk; contact only for materials recovery', async () => {
    // Given three loans: one 10 days overdue at central, one 3 days overdue at east, one not yet due
    const reader = await buildPatron(w, { libraryId, name: 'Olive Overdue', email: 'olive@example.org', phone: '505-555-0101' });
    const early = await buildItem(w, { libraryId, branch: 'central', title: 'Long Out' });
    await w.act(checkout, { cardNumber: reader.cardNumber, itemBarcode: early.barcode });
    w.clock.advanceDays(7);
    const later = await buildItem(w, { libraryId, branch: 'east', title: 'Short Out' });
    await w.act(checkout, { cardNumber: reader.cardNumber, itemBarcode: later.barcode });
    w.clock.advanceDays(24); // early: due after 21 days → 10 overdue; later: 3 overdue
    const fresh = await buildItem(w, { libraryId, branch: 'central' });
    await w.act(checkout, { cardNumber: reader.cardNumber, itemBarcode: fresh.barcode });
    await w.act(setMyPrivacy, { noticeChannel: 'text' }, { actor: { kind: 'patron', id: reader.id, libraryId } });

    // When a clerk reads the overdue list
    const rows = await w.act(overdueList, { libraryId }, asClerk);
    // Then most overdue first, what the task needs and no patron
    expect(rows.map((r) => [r.itemBarcode, r.branchCode, r.daysOverdue])).toEqual([
      [early.barcode, 'central', 10],
      [later.barcode, 'east', 3],
    ]);
    expect(rows.every((r) => r.contact === null)).toBe(true);
    expect(JSON.stringify(rows)).not.toContain('Olive');
    expect(JSON.stringify(rows)).not.toContain(reader.cardNumber);
    expect((await w.act(overdueList, { libraryId, branch: 'east' }, asClerk)).map((r) => r.itemBarcode)).toEqual([later.barcode]);
    expect((await w.act(overdueList, { libraryId, minDaysOverdue: 5 }, asClerk)).map((r) => r.itemBarcode)).toEqual([early.barcode]);

    // And a clerk may not name materials recovery; a librarian may, and sees the chosen channel's address only
    expect(await refusalCodes(w.act(overdueList, { libraryId }, { actor: staff('circulation'), purpose: 'materials-recovery' }))).toEqual(['PURPOSE_NOT_ALLOWED']);
    const recovery = await w.act(overdueList, { libraryId }, { actor: staff('librarian'), purpose: 'materials-recovery' });
    expect(recovery[0]?.contact).toEqual({ name: 'Olive Overdue', channel: 'text', address: '505-555-0101' });
    expect(JSON.stringify(recovery)).not.toContain('olive@example.org');

    // And every look is logged: on the library's chain who looked, and on the patron's record why
    const log = await accessEntriesForPatron(database.db, reader.id);
    expect(log.filter((e) => e.action === 'overdue-list').length).toBe(3);
    expect(log.filter((e) => e.action === 'overdue-list-contact').map((e) => e.purpose)).toEqual(['materials-recovery']);
    expect((await libraryEntries('list-viewed:overdue')).map((e) => e.action)).toEqual(['list-viewed:overdue', 'list-viewed:overdue:east', 'list-viewed:overdue', 'list-viewed:overdue']);

    await w.act(checkin, { itemBarcode: early.barcode });
    await w.act(checkin, { itemBarcode: later.barcode });
    await w.act(checkin, { itemBarcode: fresh.barcode });
    expect(await w.act(overdueList, { libraryId }, asClerk)).toEqual([]);
  });

  it('lists holds to pull with no patron field, then in transit to another pick-up branch, then nothing once received', async () => {
    // Given a hold on an item on the shelves at central, for pick-up at east
    const holder = await buildPatron(w, { libraryId, name: 'Henry Holder' });
    const book = await buildItem(w, { libraryId, branch: 'central', title: 'Pull Me', author: 'A. Writer' });
    await w.act(placeHold, { cardNumber: holder.cardNumber, itemBarcode: book.barcode, pickupBranch: 'east' });
    // When a clerk reads the pull list
    const pull = await w.act(pullList, { libraryId }, asClerk);
    // Then the item, where to find it and where it goes; no patron field at all
    expect(pull).toEqual([{ itemBarcode: book.barcode, title: 'Pull Me', author: 'A. Writer', itemType: 'book', branchCode: 'central', pickupBranchCode: 'east', since: w.clock.now().toISOString() }]);
    expect(Object.keys(pull[0] ?? {}).some((k) => /patron|card|name|email|phone/i.test(k))).toBe(false);
    expect(JSON.stringify(pull)).not.toContain('Henry');
    expect(await w.act(pullList, { libraryId, branch: 'east' }, asClerk)).toEqual([]);
    expect((await accessEntriesForPatron(database.db, holder.id)).map((e) => e.action)).toContain('pull-list');

    // When it is pulled, it travels to east
    expect(await w.act(completeItemTask, { libraryId, itemBarcode: book.barcode }, asClerk)).toEqual({ itemBarcode: book.barcode, done: 'pulled', next: 'in-transit' });
    expect(await w.act(pullList, { libraryId }, asClerk)).toEqual([]);
    const transit = await w.act(inTransitList, { libraryId, branch: 'east' }, asClerk);
    expect(transit.map((r) => [r.itemBarcode, r.fromBranchCode, r.toBranchCode])).toEqual([[book.barcode, 'central', 'east']]);
    expect(JSON.stringify(transit)).not.toContain('Henry');
    // And once received at east it is on no list; marking it again is refused
    expect((await w.act(completeItemTask, { libraryId, itemBarcode: book.barcode }, asClerk)).done).toBe('received');
    expect(await w.act(inTransitList, { libraryId }, asClerk)).toEqual([]);
    expect(await refusalCodes(w.act(completeItemTask, { libraryId, itemBarcode: book.barcode }, asClerk))).toEqual(['ITEM_NOT_ON_LIST']);
    // The patron picks it up
    await w.act(checkout, { cardNumber: holder.cardNumber, itemBarcode: book.barcode });
  });

  it('puts an item checked in for a hold at another branch in transit, and a picked-up hold on no list', async () => {
    const borrower = await buildPatron(w, { libraryId });
    const waiting = await buildPatron(w, { libraryId });
    const book = await buildItem(w, { libraryId, branch: 'central' });
    await w.act(checkout, { cardNumber: borrower.cardNumber, itemBarcode: book.barcode });
    await w.act(placeHold, { cardNumber: waiting.cardNumber, itemBarcode: book.barcode, pickupBranch: 'east' });
    expect(await w.act(pullList, { libraryId }, asClerk)).toEqual([]);
    await w.act(checkin, { itemBarcode: book.barcode });
    expect((await w.act(inTransitList, { libraryId }, asClerk)).map((r) => r.itemBarcode)).toEqual([book.barcode]);
    await w.act(checkout, { cardNumber: waiting.cardNumber, itemBarcode: book.barcode });
    expect(await w.act(inTransitList, { libraryId }, asClerk)).toEqual([]);
    await w.act(checkin, { itemBarcode: book.barcode });
  });

  it('lists expired and cancelled holds left on the hold shelf, by shelf code, until reshelved', async () => {
    // Given two items pulled onto central's hold shelf
    const holder = await buildPatron(w, { libraryId, name: 'Esther Expired' });
    const one = await buildItem(w, { libraryId, branch: 'central' });
    const two = await buildItem(w, { libraryId, branch: 'central' });
    const first = await w.act(placeHold, { cardNumber: holder.cardNumber, itemBarcode: one.barcode, pickupBranch: 'central' });
    const second = await w.act(placeHold, { cardNumber: holder.cardNumber, itemBarcode: two.barcode, pickupBranch: 'central' });
    expect((await w.act(completeItemTask, { libraryId, itemBarcode: one.barcode }, asClerk)).next).toBe('hold-shelf');
    await w.act(completeItemTask, { libraryId, itemBarcode: two.barcode }, asClerk);
    // When one hold is cancelled and the other expires
    await w.act(cancelHold, { holdId: first.id });
    w.clock.advanceDays(30);
    await w.act(expireHolds, { libraryId });
    // Then both are to reshelve, under their slips' shelf codes, naming no patron
    const rows = await w.act(expiredHoldsList, { libraryId }, asClerk);
    expect(rows.map((r) => [r.shelfCode, r.itemBarcode, r.branchCode])).toEqual([
      [shelfCode(first.id), one.barcode, 'central'],
      [shelfCode(second.id), two.barcode, 'central'],
    ]);
    expect(JSON.stringify(rows)).not.toContain('Esther');
    expect(await w.act(expiredHoldsList, { libraryId, branch: 'east' }, asClerk)).toEqual([]);
    // When one is reshelved it leaves the list
    expect((await w.act(completeItemTask, { libraryId, itemBarcode: one.barcode }, asClerk)).done).toBe('reshelved');
    expect((await w.act(expiredHoldsList, { libraryId }, asClerk)).map((r) => r.itemBarcode)).toEqual([two.barcode]);
  });

  it('a hold cancelled before its item was pulled leaves nothing to reshelve', async () => {
    const holder = await buildPatron(w, { libraryId });
    const book = await buildItem(w, { libraryId, branch: 'east' });
    const hold = await w.act(placeHold, { cardNumber: holder.cardNumber, itemBarcode: book.barcode, pickupBranch: 'east' });
    expect((await w.act(pullList, { libraryId, branch: 'east' }, asClerk)).map((r) => r.itemBarcode)).toEqual([book.barcode]);
    await w.act(cancelHold, { holdId: hold.id });
    expect(await w.act(pullList, { libraryId }, asClerk)).toEqual([]);
    expect((await w.act(expiredHoldsList, { libraryId }, asClerk)).map((r) => r.itemBarcode)).not.toContain(book.barcode);
  });

  it('refuses staff without the lists permission, an unknown branch and another library, and logs nothing then', async () => {
    const before = await countRows(database, 'access_log');
    const lists: UseCase<ListInput, unknown[]>[] = [overdueList, pullList, expiredHoldsList, inTransitList];
    for (const list of lists) {
      expect(await refusalCodes(w.act(list, { libraryId }, { actor: staff('volunteer') }))).toEqual(['PERMISSION_DENIED']);
      expect(await refusalCodes(w.act(list, { libraryId }, { actor: staff('admin') }))).toEqual(['PERMISSION_DENIED']);
      expect(await refusalCodes(w.act(list, { libraryId, branch: 'nowhere' }, asClerk))).toEqual(['BRANCH_NOT_FOUND']);
      expect(await refusalCodes(w.act(list, { libraryId: 'another-library' }, asClerk))).toEqual(['LIBRARY_NOT_FOUND']);
    }
    expect(await refusalCodes(w.act(overdueList, { libraryId, minDaysOverdue: 0 }, asClerk))).toEqual(['VALIDATION_FAILED']);
    expect(await refusalCodes(w.act(completeItemTask, { libraryId, itemBarcode: 'nope' }, { actor: staff('volunteer') }))).toEqual(['PERMISSION_DENIED']);
    expect(await countRows(database, 'access_log')).toBe(before);
  });
});
