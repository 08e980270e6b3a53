import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildPatron, libraryWorld, refusal, type World } from '../../test/factories.js';
import { SYSTEM, type Actor } from '../policy/actors.js';
import { findLibrary } from '../storage/library.repository.js';
import { hashSecret } from '../vault/secrets.js';
import type { Caller, Context } from './context.js';
import { patronLogin } from './patron-auth.usecases.js';
import { reissueCard, reportCardLost } from './patron-service.usecases.js';
import { purgePatron } from './retention.usecases.js';
import { deleteMyRecord, myPrivacy, myRecord, reportMyCardLost, setMyPrivacy } from './self-service.usecases.js';
import { exportPatron, patronAccount, setPatronStatus } from './patron.usecases.js';
import { resetPin } from './patron-card.usecases.js';
import { profiles } from '../profile/profiles.js';

/** The patron-side use cases called directly (no HTTP), on every engine. */
describe.each(ENGINES)('patron log-in and self-service use cases on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  const LOGIN: Caller = { actor: SYSTEM, purpose: 'self-service', channel: 'cli' };

  beforeAll(async () => ({ database, w, libraryId } = await libraryWorld(engine)));
  afterAll(() => database.drop());

  const failuresOf = (cardNumber: string) =>
    database.db.selectFrom('login_failures').select('at').where('card_hash', '=', w.runtime.vault.blind('card', cardNumber)).execute();
  const asPatron = (p: { id: string; libraryId: string }): { actor: Actor; purpose: 'self-service' } => ({ actor: { kind: 'patron', id: p.id, libraryId: p.libraryId }, purpose: 'self-service' });

  it('never authenticates an empty PIN, and counts nothing for it', async () => {
    const p = await buildPatron(w, { libraryId });
    await database.db.updateTable('patrons').set({ pin_hash: await hashSecret('') }).where('id', '=', p.id).execute();
    const error = await refusal(patronLogin(w.runtime, LOGIN, { cardNumber: p.cardNumber, pin: '' }));
    expect(error.code).toBe('INVALID_CREDENTIALS');
    expect(await failuresOf(p.cardNumber)).toEqual([]);
    expect(await database.db.selectFrom('sessions').select('token_hash').where('subject_id', '=', p.id).execute()).toEqual([]);
  });

  it('commits the failure of a refused log-in (the refusal is thrown after its transaction)', async () => {
    const p = await buildPatron(w, { libraryId });
    expect((await refusal(patronLogin(w.runtime, LOGIN, { cardNumber: p.cardNumber, pin: '0000' }))).code).toBe('INVALID_CREDENTIALS');
    expect(await failuresOf(p.cardNumber)).toEqual([{ at: w.clock.now().toISOString() }]);
    const ok = await patronLogin(w.runtime, LOGIN, { cardNumber: p.cardNumber, pin: p.pin });
    expect(ok.patron).toEqual({ id: p.id, libraryId });
    expect(await failuresOf(p.cardNumber)).toEqual([]);
  });

  it('a locked card stays locked one window and no longer, whatever is tried on it meanwhile; the desk sees until when, and a new PIN unlocks it (JC-IVa, issue 22)', async () => {
    const p = await buildPatron(w, { libraryId });
    const library = await findLibrary(database.db, libraryId);
    const rule = profiles().get(library?.profileId as string).access.patronLogin;
    const wrong = () => refusal(patronLogin(w.runtime, LOGIN, { cardNumber: p.cardNumber, pin: '99999999' }));
    const lockedUntil = async () => (await w.act(patronAccount, { cardNumber: p.cardNumber }, { purpose: 'circulation' })).summary.cardLockedUntil;
    // Given a card with no failure, the desk sees no lock
    expect(await lockedUntil()).toBeNull();
    // When someone who knows its number fails the limit's number of times, a minute apart
    for (let i = 0; i < rule.maxFailures; i++) {
      w.clock.advanceMinutes(1);
      await wrong();
    }
    // Then the card is locked for one window from the last failure, the right PIN refused, and the desk says until when
    const until = new Date(w.clock.now().getTime() + rule.windowMinutes * 60_000).toISOString();
    expect(await lockedUntil()).toBe(until);
    expect((await refusal(patronLogin(w.runtime, LOGIN, { cardNumber: p.cardNumber, pin: p.pin }))).code).toBe('INVALID_CREDENTIALS');
    // And failing on it all through the lock neither counts nor moves its end
    const counted = (await failuresOf(p.cardNumber)).length;
    while (w.clock.now().getTime() + 60_000 < Date.parse(until)) {
      w.clock.advanceMinutes(1);
      await wrong();
    }
    expect((await failuresOf(p.cardNumber)).length).toBe(counted);
    expect(await lockedUntil()).toBe(until);
    // So once the window has passed, the patron logs in with the right PIN
    w.clock.set(until);
    expect(await lockedUntil()).toBeNull();
    expect((await patronLogin(w.runtime, LOGIN, { cardNumber: p.cardNumber, pin: p.pin })).patron.id).toBe(p.id);

    // Given the card locked again, when the patron asks at the desk, a new PIN unlocks it at once
    for (let i = 0; i < rule.maxFailures; i++) await wrong();
    expect(await lockedUntil()).not.toBeNull();
    const { pin } = await w.act(resetPin, { patronId: p.id }, { purpose: 'account-service' });
    expect(await lockedUntil()).toBeNull();
    expect((await patronLogin(w.runtime, LOGIN, { cardNumber: p.cardNumber, pin })).patron.id).toBe(p.id);
  });

  it('a failure from before a lock ended does not make up a new lock with fewer new ones (the count starts again)', async () => {
    const p = await buildPatron(w, { libraryId });
    const library = await findLibrary(database.db, libraryId);
    const rule = profiles().get(library?.profileId as string).access.patronLogin;
    const wrong = () => refusal(patronLogin(w.runtime, LOGIN, { cardNumber: p.cardNumber, pin: '99999999' }));
    for (let i = 0; i < rule.maxFailures; i++) await wrong();
    w.clock.advanceMinutes(rule.windowMinutes);
    // One failure fewer than the limit, just after the lock: the card still opens with the right PIN
    for (let i = 0; i < rule.maxFailures - 1; i++) await wrong();
    expect((await patronLogin(w.runtime, LOGIN, { cardNumber: p.cardNumber, pin: p.pin })).patron.id).toBe(p.id);
  });

  it('acts only for a patron, on their own record, whatever the input says', async () => {
    const p = await buildPatron(w, { libraryId });
    const other = await buildPatron(w, { libraryId });
    expect((await refusal(w.act(myRecord, {}))).code).toBe('PERMISSION_DENIED');
    // An id smuggled into the input is ignored: the record is the actor's
    const record = await w.act(myRecord, { patronId: other.id } as unknown as Record<string, never>, asPatron(p));
    expect(record.patron.id).toBe(p.id);
    // The staff export reached by a patron is their own record too
    const exported = await w.act(exportPatron, { patronId: other.id }, asPatron(p));
    expect(exported.patron.id).toBe(p.id);
  });

  it('keeps the instant a consent was given, and does not move it when given again', async () => {
    const p = await buildPatron(w, { libraryId });
    const first = await w.act(setMyPrivacy, { mailingLists: true }, asPatron(p));
    w.clock.advanceDays(1);
    const again = await w.act(setMyPrivacy, { mailingLists: true, photoConsent: false }, asPatron(p));
    expect(again.mailingListsSince).toBe(first.mailingListsSince);
    expect((await w.act(myPrivacy, {}, asPatron(p))).mailingLists).toBe(true);
  });

  it('lets staff (or the operator) stop a card and issue a new one by the old number', async () => {
    const p = await buildPatron(w, { libraryId });
    await w.act(reportCardLost, { cardNumber: p.cardNumber }, { purpose: 'account-service' });
    expect((await refusal(patronLogin(w.runtime, LOGIN, { cardNumber: p.cardNumber, pin: p.pin }))).code).toBe('INVALID_CREDENTIALS');
    const card = await w.act(reissueCard, { cardNumber: p.cardNumber }, { purpose: 'account-service' });
    expect(card.status).toBe('active');
    expect((await patronLogin(w.runtime, LOGIN, { cardNumber: card.cardNumber, pin: card.pin })).patron.id).toBe(p.id);
    expect((await refusal(w.act(reissueCard, { cardNumber: p.cardNumber }, { purpose: 'account-service' }))).code).toBe('PATRON_NOT_FOUND');
  });

  it('a blocked or expired patron who reports the card lost gets the block or the expiry back with the new card, never an active account (issue 22)', async () => {
    for (const standing of ['blocked', 'expired'] as const) {
      const p = await buildPatron(w, { libraryId });
      await w.act(setPatronStatus, { cardNumber: p.cardNumber, status: standing }, { purpose: 'account-service' });
      // The patron reports the card lost themselves, then the desk issues a new one.
      expect(await w.act(reportMyCardLost, {}, asPatron(p))).toEqual({ status: 'card-lost' });
      const card = await w.act(reissueCard, { cardNumber: p.cardNumber }, { purpose: 'account-service' });
      expect(card.status).toBe(standing);
      const stored = await database.db.selectFrom('patrons').select(['status', 'status_before_loss']).where('id', '=', p.id).executeTakeFirstOrThrow();
      expect(stored).toEqual({ status: standing, status_before_loss: null });
    }
    // Reported lost twice, the standing kept is still the first one; staff recording the loss keep it too.
    const twice = await buildPatron(w, { libraryId });
    await w.act(setPatronStatus, { cardNumber: twice.cardNumber, status: 'blocked' }, { purpose: 'account-service' });
    await w.act(setPatronStatus, { cardNumber: twice.cardNumber, status: 'card-lost' }, { purpose: 'account-service' });
    await w.act(reportCardLost, { patronId: twice.id }, { purpose: 'account-service' });
    expect((await w.act(reissueCard, { patronId: twice.id }, { purpose: 'account-service' })).status).toBe('blocked');
  });

  it('leaves a receipt for each deletion: the patron’s own, and a retention purge', async () => {
    const mine = await buildPatron(w, { libraryId });
    const receipt = await w.act(deleteMyRecord, {}, asPatron(mine));
    const purged = await buildPatron(w, { libraryId });
    const library = await findLibrary(database.db, libraryId);
    await w.act((ctx: Context) => purgePatron(ctx, library!, { id: purged.id, libraryId }, 'inactive'), {}, { purpose: 'retention' });
    const rows = await database.db.selectFrom('deletion_receipts').select(['id', 'requested_by', 'library_id']).orderBy('requested_by').execute();
    expect(rows).toEqual(
      expect.arrayContaining([
        { id: receipt.receiptId, requested_by: 'patron', library_id: libraryId },
        expect.objectContaining({ requested_by: 'retention', library_id: libraryId }),
      ]),
    );
    expect(JSON.stringify(rows)).not.toContain(mine.id);
    expect(JSON.stringify(rows)).not.toContain(purged.id);
  });
});
