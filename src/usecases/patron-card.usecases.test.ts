import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildPatron, countRows, libraryWorld, refusal, refusalCodes, type World } from '../../test/factories.js';
import { cardNumberFrom } from '../domain/card-number.js';
import type { Library } from '../domain/types.js';
import type { Actor } from '../policy/actors.js';
import { accessEntriesForPatron } from '../storage/access-log.repository.js';
import { findCategory, findLibrary, insertCategory, listBranches, updateCategory, updateLibrarySettings } from '../storage/library.repository.js';
import { findPatronById } from '../storage/patron.repository.js';
import { checkin, checkout, renew, renewAll } from './circulation.usecases.js';
import type { Caller } from './context.js';
import { SYSTEM } from '../policy/actors.js';
import { patronLogin } from './patron-auth.usecases.js';
import { changeMembership, renewCard, resetPin } from './patron-card.usecases.js';
import { exportPatron, patronAccount } from './patron.usecases.js';

const DAY = 86_400_000;

describe.each(ENGINES)('cards that renew, blocks that reflect the account, the desk on %s (CB-F2, issue 15)', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let library: Library;
  const clerk = (): Actor => ({ kind: 'staff', id: 'clerk-1', libraryId, roles: ['circulation'] });
  const manager = (): Actor => ({ kind: 'staff', id: 'manager-1', libraryId, roles: ['branch-manager'] });

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    library = (await findLibrary(database.db, libraryId)) as Library;
  });
  afterAll(() => database.drop());

  async function setLibrary(changes: Partial<Library>) {
    library = { ...library, ...changes };
    await updateLibrarySettings(database.db, libraryId, library);
  }

  it('renews a card after re-verification, and a check-out after the old expiry succeeds (CB-F2)', async () => {
    // Given a patron registered today (card valid 12 months) and a book
    const patron = await buildPatron(w, { libraryId });
    const registeredExpiry = new Date(patron.expiresAt);
    // When staff renew without confirming they re-verified the patron, nothing changes
    expect(await refusalCodes(w.act(renewCard, { patronId: patron.id, verified: false }, { actor: clerk() }))).toEqual(['VALIDATION_FAILED']);
    // A year and a day later the card has expired: borrowing is refused, and the message names the command
    w.clock.advanceDays(366);
    const book = await buildItem(w, { libraryId });
    const expired = await refusal(w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: book.barcode }, { actor: clerk() }));
    expect(expired.problems.map((p) => p.code)).toEqual(['PATRON_EXPIRED']);
    expect(expired.message).toContain('renew');
    // A summary at the top of the desk says so before the first scan
    const before = await w.act(patronAccount, { cardNumber: patron.cardNumber }, { actor: clerk() });
    expect(before.summary).toMatchObject({ cardExpired: true, cardExpiresSoon: false, blocks: [{ code: 'PATRON_EXPIRED', overridable: false }] });
    // The clerk re-verifies and renews: 12 months from today, as the card had expired
    const renewed = await w.act(renewCard, { cardNumber: patron.cardNumber, verified: true }, { actor: clerk() });
    expect(renewed.previousExpiresAt).toBe(patron.expiresAt);
    expect(new Date(renewed.expiresAt).getTime()).toBeGreaterThan(w.clock.now().getTime() + 364 * DAY);
    expect(new Date(renewed.expiresAt).getTime()).toBeGreaterThan(registeredExpiry.getTime() + 360 * DAY);
    // Then the check-out succeeds, and the renewal is in the patron's access log
    const loan = await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: book.barcode }, { actor: clerk() });
    expect(loan.overriddenBlocks).toEqual([]);
    const actions = (await accessEntriesForPatron(database.db, patron.id)).map((e) => e.action);
    expect(actions).toContain('card-renewed');
    await w.act(checkin, { itemBarcode: book.barcode });
  });

  it('renews a still-valid card from its current expiry, by the category’s validity, and offers it 30 days ahead', async () => {
    // Given a category whose cards last 24 months
    const adult = (await findCategory(database.db, libraryId, 'adult'))!;
    await insertCategory(database.db, { ...adult, code: 'two-year', name: 'Two-year card', cardValidityMonths: 24 });
    const patron = await buildPatron(w, { libraryId, categoryCode: 'two-year' });
    expect(new Date(patron.expiresAt).getTime()).toBeGreaterThan(w.clock.now().getTime() + 720 * DAY);
    // 20 days before expiry the desk offers renewal
    w.clock.set(new Date(new Date(patron.expiresAt).getTime() - 20 * DAY).toISOString());
    const account = await w.act(patronAccount, { cardNumber: patron.cardNumber }, { actor: clerk() });
    expect(account.summary).toMatchObject({ cardExpiresSoon: true, cardExpired: false, blocks: [] });
    // Renewed early: 24 months are added to the current expiry, not to today (nothing is lost)
    const renewed = await w.act(renewCard, { patronId: patron.id, verified: true }, { actor: clerk() });
    const gained = new Date(renewed.expiresAt).getTime() - new Date(patron.expiresAt).getTime();
    expect(gained).toBeGreaterThan(729 * DAY);
    expect(gained).toBeLessThan(732 * DAY);
  });

  it('takes a pre-printed card number at registration: refused when mistyped or taken, nothing written', async () => {
    const good = cardNumberFrom('123456789012');
    const mistyped = `${good.slice(0, 13)}${(Number(good[13]) + 1) % 10}`;
    const branch = (await listBranches(database.db, libraryId))[0]!;
    const patrons = await countRows(database, 'patrons');
    expect(await refusalCodes(buildPatron(w, { libraryId, cardNumber: mistyped }))).toEqual(['CARD_NUMBER_INVALID']);
    expect(await refusalCodes(buildPatron(w, { libraryId, cardNumber: '123' }))).toEqual(['CARD_NUMBER_INVALID']);
    const registered = await buildPatron(w, { libraryId, cardNumber: good, homeBranch: branch.code });
    expect(registered).toMatchObject({ cardNumber: good, homeBranchId: branch.id });
    expect(await refusalCodes(buildPatron(w, { libraryId, cardNumber: good }))).toEqual(['CARD_NUMBER_TAKEN']);
    expect(await refusalCodes(buildPatron(w, { libraryId, homeBranch: 'no-such-branch' }))).toEqual(['BRANCH_NOT_FOUND']);
    expect(await countRows(database, 'patrons')).toBe(patrons + 1);
    // The error messages never quote the number
    const error = await refusal(buildPatron(w, { libraryId, cardNumber: good }));
    expect(JSON.stringify(error.problems)).not.toContain(good);
  });

  it('checks a category’s age range at registration and when the membership changes', async () => {
    const adult = (await findCategory(database.db, libraryId, 'adult'))!;
    await insertCategory(database.db, { ...adult, code: 'senior', name: 'Senior', minAge: 65, maxAge: null, cardValidityMonths: null });
    expect(await refusalCodes(buildPatron(w, { libraryId, categoryCode: 'senior', birthDate: '1985-06-15' }))).toEqual(['CATEGORY_AGE_MISMATCH']);
    const older = await buildPatron(w, { libraryId, categoryCode: 'senior', birthDate: '1940-01-01' });
    expect(older.categoryCode).toBe('senior');
    const patron = await buildPatron(w, { libraryId, birthDate: '1985-06-15' });
    expect(await refusalCodes(w.act(changeMembership, { patronId: patron.id, categoryCode: 'senior' }, { actor: clerk() }))).toEqual(['CATEGORY_AGE_MISMATCH']);
    expect(await refusalCodes(w.act(changeMembership, { patronId: patron.id, categoryCode: 'nope' }, { actor: clerk() }))).toEqual(['CATEGORY_NOT_FOUND']);
    // Home branch and category change together; the record says so and the change is logged
    const branch = (await listBranches(database.db, libraryId))[0]!;
    await updateCategory(database.db, { ...adult, code: 'adult', maxAge: null, minAge: 18 });
    const changed = await w.act(changeMembership, { patronId: patron.id, categoryCode: 'adult', homeBranch: branch.code }, { actor: clerk() });
    expect(changed).toMatchObject({ categoryCode: 'adult', homeBranchId: branch.id });
    expect((await findPatronById(database.db, patron.id))?.homeBranchId).toBe(branch.id);
    expect((await accessEntriesForPatron(database.db, patron.id)).map((e) => e.action)).toContain('membership-changed');
  });

  it('resets a forgotten PIN without changing the card number; the old PIN stops working', async () => {
    const patron = await buildPatron(w, { libraryId });
    const LOGIN: Caller = { actor: SYSTEM, purpose: 'self-service', channel: 'cli' };
    const reset = await w.act(resetPin, { cardNumber: patron.cardNumber }, { actor: clerk() });
    expect(reset.pin).not.toBe(patron.pin);
    expect((await refusal(patronLogin(w.runtime, LOGIN, { cardNumber: patron.cardNumber, pin: patron.pin }))).code).toBe('INVALID_CREDENTIALS');
    expect((await patronLogin(w.runtime, LOGIN, { cardNumber: patron.cardNumber, pin: reset.pin })).patron.id).toBe(patron.id);
    expect((await accessEntriesForPatron(database.db, patron.id)).map((e) => e.action)).toContain('pin-reset');
    // A volunteer may not
    expect((await refusal(w.act(resetPin, { patronId: patron.id }, { actor: { kind: 'staff', id: 'volunteer-1', libraryId, roles: ['volunteer'] } }))).code).toBe('PERMISSION_DENIED');
  });

  it('blocks borrowing at the overdue-item threshold; an override lends once, logged, with the reason sealed', async () => {
    // Given a library that stops borrowing at 2 overdue items, and a patron with 2 items overdue
    await setLibrary({ maxOverdueItems: 2 });
    const patron = await buildPatron(w, { libraryId });
    const [a, b, c, d] = [await buildItem(w, { libraryId }), await buildItem(w, { libraryId }), await buildItem(w, { libraryId }), await buildItem(w, { libraryId })];
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: a.barcode });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: b.barcode });
    w.clock.advanceDays(25);
    // The desk's summary shows the overdue items and the block, overridable
    const account = await w.act(patronAccount, { cardNumber: patron.cardNumber }, { actor: clerk() });
    expect(account.summary).toMatchObject({ overdueItems: 2, blocks: [{ code: 'PATRON_HAS_OVERDUE_ITEMS', overridable: true }] });
    // When a clerk checks out a third item it is refused
    expect(await refusalCodes(w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: c.barcode }, { actor: clerk() }))).toEqual(['PATRON_HAS_OVERDUE_ITEMS']);
    // A clerk may not override; an override needs a reason
    expect((await refusal(w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: c.barcode, override: { reason: 'x' } }, { actor: clerk() }))).code).toBe('PERMISSION_DENIED');
    expect((await refusal(w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: c.barcode, override: { reason: '  ' } }, { actor: manager() }))).code).toBe('VALIDATION_FAILED');
    // A branch manager lends anyway, with the reason
    const reason = 'Returning the two books tomorrow; needed for an exam';
    const lent = await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: c.barcode, override: { reason } }, { actor: manager() });
    expect(lent.overriddenBlocks).toEqual(['PATRON_HAS_OVERDUE_ITEMS']);
    // Then the override is in the access log with who made it, and the reason is on the loan, sealed
    const last = (await accessEntriesForPatron(database.db, patron.id)).at(-1);
    expect(last).toMatchObject({ action: 'checkout-override' });
    const row = await database.db.selectFrom('loans').select('override_note').where('id', '=', lent.loanId).executeTakeFirstOrThrow();
    expect(row.override_note).toBeTruthy();
    expect(row.override_note).not.toContain('exam');
    expect(await w.runtime.vault.open(patron.id, 'override-note', row.override_note as string)).toBe(reason);
    // The patron's export holds the reason, opened (CB-A8: everything held about them)
    const exported = await w.act(exportPatron, { patronId: patron.id }, { purpose: 'account-service' });
    expect(exported.loans.find((l) => l.id === lent.loanId)?.overrideNote).toBe(reason);
    // The override was for one transaction: the next check-out is refused again
    expect(await refusalCodes(w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: d.barcode }, { actor: manager() }))).toEqual(['PATRON_HAS_OVERDUE_ITEMS']);
    for (const item of [a, b, c]) await w.act(checkin, { itemBarcode: item.barcode });
    await setLibrary({ maxOverdueItems: null });
  });

  it('never overrides an expired card (BLOCK_NOT_OVERRIDABLE), and says every reason', async () => {
    await setLibrary({ maxBalanceCents: 0 });
    const patron = await buildPatron(w, { libraryId });
    const book = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: book.barcode });
    w.clock.advanceDays(30);
    await w.act(checkin, { itemBarcode: book.barcode }); // a fine: over the balance limit of 0
    w.clock.advanceDays(400); // and the card has expired
    const other = await buildItem(w, { libraryId });
    const loans = await countRows(database, 'loans');
    const refused = await refusal(w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: other.barcode, override: { reason: 'known patron' } }, { actor: manager() }));
    expect(refused.problems.map((p) => p.code)).toEqual(['BLOCK_NOT_OVERRIDABLE', 'PATRON_EXPIRED']);
    expect(await countRows(database, 'loans')).toBe(loans);
    // Once the card is renewed, the fines block alone may be overridden
    await w.act(renewCard, { patronId: patron.id, verified: true }, { actor: clerk() });
    const lent = await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: other.barcode, override: { reason: 'paying next visit' } }, { actor: manager() });
    expect(lent.overriddenBlocks).toEqual(['PATRON_OWES_FINES']);
    await w.act(checkin, { itemBarcode: other.barcode });
    await setLibrary({ maxBalanceCents: 1000 });
  });

  it('refuses a same-day renewal (RENEWAL_NOT_DUE) without spending it, and renews all in due order', async () => {
    const patron = await buildPatron(w, { libraryId });
    const first = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: first.barcode });
    w.clock.advanceDays(3);
    const second = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: second.barcode });
    // Renewing the second on the day it went out would not move its due date
    expect(await refusalCodes(w.act(renew, { itemBarcode: second.barcode }, { actor: clerk() }))).toEqual(['RENEWAL_NOT_DUE']);
    // The desk lists loans in the order they fall due
    const account = await w.act(patronAccount, { cardNumber: patron.cardNumber }, { actor: clerk() });
    expect(account.loans.map((l) => l.itemBarcode)).toEqual([first.barcode, second.barcode]);
    expect(account.loans.every((l) => l.renewals === 0)).toBe(true);
    // Renew all: the first moves, the second is refused with its reason, the other goes on
    const all = await w.act(renewAll, { patronId: patron.id }, { actor: clerk() });
    expect(all.renewed.map((r) => r.itemBarcode)).toEqual([first.barcode]);
    expect(all.refused.map((r) => [r.itemBarcode, r.problems.map((p) => p.code)])).toEqual([[second.barcode, ['RENEWAL_NOT_DUE']]]);
    // A day later both renew
    w.clock.advanceDays(1);
    const later = await w.act(renewAll, { cardNumber: patron.cardNumber }, { actor: clerk() });
    expect(later.renewed.map((r) => r.itemBarcode).sort()).toEqual([first.barcode, second.barcode].sort());
    expect(later.refused).toEqual([]);
    expect((await accessEntriesForPatron(database.db, patron.id)).filter((e) => e.action === 'renew-all')).toHaveLength(2);
    for (const item of [first, second]) await w.act(checkin, { itemBarcode: item.barcode });
    // The export still opens (the loans' columns changed)
    expect((await w.act(exportPatron, { patronId: patron.id }, { purpose: 'account-service' })).loans.length).toBeGreaterThan(0);
  });
});
