import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, countRows, refusal, START, world, type World } from '../../test/factories.js';
import type { Actor } from '../policy/actors.js';
import type { GuardianViewLevel } from '../policy/profile.schema.js';
import { guardianLinksOf } from '../storage/patron.repository.js';
import { checkin, checkout, declareLost } from './circulation.usecases.js';
import { pay } from './fine.usecases.js';
import { dependentRecord, myDependents } from './guardian.usecases.js';
import { placeHold } from './hold.usecases.js';
import { rebandPatrons } from './retention.usecases.js';
import { requestInterlibraryLoan } from './service-record.usecases.js';

/** What each shipped profile gives a guardian, and the clause it cites. */
const MATRIX: { profile: string; clause: string; withCard: GuardianViewLevel; withoutCard: GuardianViewLevel }[] = [
  { profile: 'imagineif-mt', clause: 'IF-7', withCard: 'full', withoutCard: 'overdue-and-fines' },
  { profile: 'carlsbad-nm', clause: 'CB-B3', withCard: 'full', withoutCard: 'overdue-and-fines' },
  { profile: 'jackson-county-or', clause: 'JC-IVc', withCard: 'full', withoutCard: 'none' },
  { profile: 'rio-rancho-nm', clause: 'RR-8', withCard: 'overdue-and-fines', withoutCard: 'overdue-and-fines' },
  { profile: 'ridgefield-ct', clause: 'RF-2', withCard: 'none', withoutCard: 'none' },
  { profile: 'strict-default', clause: 'JC-IVc', withCard: 'current-circulation', withoutCard: 'none' },
];

const WORDS: Record<GuardianViewLevel, string> = {
  full: 'everything in the child’s record',
  'current-circulation': 'what is out, waiting and owed',
  'overdue-and-fines': 'only overdue or lost items and fines',
  none: 'nothing (PATRON_NOT_FOUND)',
};

interface Family {
  libraryId: string;
  guardian: Actor & { kind: 'patron' };
  guardianCard: string;
  stranger: Actor & { kind: 'patron' };
  strangerCard: string;
  child: { id: string; cardNumber: string };
  otherChild: { id: string; cardNumber: string };
  items: { current: string; overdue: string; lost: string; returnedLate: string; held: string };
}

// The clock: everything is set up at START, then the tests run 25 days later, when one loan is overdue.
const LATER = new Date(Date.parse(START) + 25 * 86_400_000).toISOString();

async function family(w: World, profileId: string): Promise<Family> {
  const { library } = await buildLibrary(w, { profileId });
  const libraryId = library.id;
  const adult = await buildPatron(w, { libraryId });
  const other = await buildPatron(w, { libraryId });
  const child = await buildPatron(w, { libraryId, birthDate: '2014-05-20', guardianCard: adult.cardNumber });
  const otherChild = await buildPatron(w, { libraryId, birthDate: '2015-01-01', guardianCard: other.cardNumber });
  const [current, overdue, lost, returnedLate, held] = await Promise.all([1, 2, 3, 4, 5].map(async (n) => (await buildItem(w, { libraryId, title: `Guardian Book ${n}` })).barcode));
  const items = { current: current!, overdue: overdue!, lost: lost!, returnedLate: returnedLate!, held: held! };
  for (const barcode of [items.overdue, items.lost, items.returnedLate]) await w.act(checkout, { cardNumber: child.cardNumber, itemBarcode: barcode });
  await w.act(checkout, { cardNumber: other.cardNumber, itemBarcode: items.held });
  await w.act(placeHold, { cardNumber: child.cardNumber, itemBarcode: items.held });
  await w.act(requestInterlibraryLoan, { cardNumber: child.cardNumber, title: 'A Book From Elsewhere' });
  return {
    libraryId,
    guardian: { kind: 'patron', id: adult.id, libraryId },
    guardianCard: adult.cardNumber,
    stranger: { kind: 'patron', id: other.id, libraryId },
    strangerCard: other.cardNumber,
    child: { id: child.id, cardNumber: child.cardNumber },
    otherChild: { id: otherChild.id, cardNumber: otherChild.cardNumber },
    items,
  };
}

/** Twenty-five days on: one loan is overdue, one returned late (a fine), one declared lost (a charge), one new. */
async function moveOn(w: World, f: Family): Promise<void> {
  await w.act(checkout, { cardNumber: f.child.cardNumber, itemBarcode: f.items.current });
  await w.act(checkin, { itemBarcode: f.items.returnedLate });
  await w.act(declareLost, { itemBarcode: f.items.lost });
  await w.act(pay, { cardNumber: f.child.cardNumber, amountCents: 25 });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type View = Record<string, any>;
const titles = (rows: { title: string }[]) => rows.map((r) => r.title).sort();

/** Asserts that a view shows exactly what a level shows: the sections present and absent, the rows in them. */
function expectLevel(view: View, level: GuardianViewLevel, clause: string): void {
  expect(view).toMatchObject({ level, clause });
  expect(JSON.stringify(view)).not.toMatch(/"cardNumber"/);
  const absent = (...keys: string[]) => keys.forEach((k) => expect(view, k).not.toHaveProperty(k));
  expect(view.fines.length).toBeGreaterThan(0);
  expect(view.fines.map((f: { kind: string }) => f.kind)).toEqual(expect.arrayContaining(['overdue', 'lost']));
  expect(view.balanceCents).toBeGreaterThan(0);
  if (level === 'full') {
    expect(view.registration).toMatchObject({ birthDate: '2014-05-20', name: expect.stringContaining('Marker') });
    expect(titles(view.loans)).toEqual(['Guardian Book 1', 'Guardian Book 2', 'Guardian Book 3']);
    expect(view.history).toBeInstanceOf(Array);
    expect(titles(view.holds)).toEqual(['Guardian Book 5']);
    expect(view.payments).toEqual([expect.objectContaining({ amountCents: 25 })]);
    expect(view.services).toEqual([expect.objectContaining({ kind: 'ill-request', details: expect.objectContaining({ title: 'A Book From Elsewhere' }) })]);
  } else if (level === 'current-circulation') {
    expect(titles(view.loans)).toEqual(['Guardian Book 1', 'Guardian Book 2']);
    expect(titles(view.holds)).toEqual(['Guardian Book 5']);
    absent('registration', 'history', 'payments', 'services');
  } else if (level === 'overdue-and-fines') {
    expect(titles(view.loans)).toEqual(['Guardian Book 2', 'Guardian Book 3']);
    absent('registration', 'history', 'holds', 'payments', 'services');
  }
}

describe.each(ENGINES)('guardians of minors on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  const families = new Map<string, Family>();
  const of = (profile: string) => families.get(profile) as Family;
  const asGuardian = (f: Family, input: { minorId: string; childCardNumber?: string | null }, actor: Actor = f.guardian) =>
    w.act(dependentRecord, input, { actor, purpose: 'guardian-access' });
  const logRows = (patronId: string) => database.db.selectFrom('access_log').selectAll().where('patron_id', '=', patronId).orderBy('seq').execute();

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    for (const { profile } of MATRIX) families.set(profile, await family(w, profile));
    w.clock.set(LATER);
    for (const f of families.values()) await moveOn(w, f);
  });
  afterAll(() => database.drop());

  describe.each(MATRIX)('$profile', ({ profile, clause, withCard, withoutCard }) => {
    const see = async (f: Family, card: string | undefined, level: GuardianViewLevel, cardAccepted: boolean) => {
      const before = await countRows(database, 'access_log');
      const answer = asGuardian(f, { minorId: f.child.id, ...(card !== undefined ? { childCardNumber: card } : {}) });
      if (level === 'none') {
        // Then the answer is the one for a patron who does not exist, and nothing is logged
        expect((await refusal(answer)).code).toBe('PATRON_NOT_FOUND');
        expect(await countRows(database, 'access_log')).toBe(before);
      } else {
        const view = await answer;
        expectLevel(view, level, clause);
        // The answer says which level was applied, even where both are the same (RR-8)
        expect(view.cardAccepted).toBe(cardAccepted);
        expect(await countRows(database, 'access_log')).toBe(before + 1);
      }
    };

    it(`${clause}: with the child's card the guardian sees ${WORDS[withCard]}`, async () => {
      // Given the adult who signed the child's application, logged in; When they present the child's card
      await see(of(profile), of(profile).child.cardNumber, withCard, true);
    });

    it(`${clause}: with a card that is not the child's, the guardian sees what they see without one: ${WORDS[withoutCard]}`, async () => {
      await see(of(profile), of(profile).strangerCard, withoutCard, false);
    });

    it(`${clause}: without the child's card the guardian sees ${WORDS[withoutCard]}`, async () => {
      await see(of(profile), undefined, withoutCard, false);
      await see(of(profile), '', withoutCard, false);
    });

    it(`${clause}: the guardian of another child gets PATRON_NOT_FOUND, even holding this child's card`, async () => {
      const f = of(profile);
      const before = await countRows(database, 'access_log');
      expect((await refusal(asGuardian(f, { minorId: f.child.id, childCardNumber: f.child.cardNumber }, f.stranger))).code).toBe('PATRON_NOT_FOUND');
      expect((await refusal(asGuardian(f, { minorId: f.otherChild.id, childCardNumber: f.otherChild.cardNumber }))).code).toBe('PATRON_NOT_FOUND');
      // A child is not a guardian of anyone, and an unknown id is the same answer
      expect((await refusal(asGuardian(f, { minorId: f.guardian.id }, { kind: 'patron', id: f.child.id, libraryId: f.libraryId }))).code).toBe('PATRON_NOT_FOUND');
      expect((await refusal(asGuardian(f, { minorId: '00000000-0000-4000-8000-000000000000' }))).code).toBe('PATRON_NOT_FOUND');
      expect(await countRows(database, 'access_log')).toBe(before);
    });
  });

  it('RR-8: where the levels with and without the card are the same, the answer still says whether the card was the child’s', async () => {
    // Given Rio Rancho's policy, which shows a guardian overdue items and fines with the card or without it
    const f = of('rio-rancho-nm');
    // When the guardian sends the child's card, then another number, then none
    const right = await asGuardian(f, { minorId: f.child.id, childCardNumber: f.child.cardNumber });
    const wrong = await asGuardian(f, { minorId: f.child.id, childCardNumber: f.strangerCard });
    const none = await asGuardian(f, { minorId: f.child.id });
    // Then the three views are the same, and only the first says the card was accepted
    expect([right.level, wrong.level, none.level]).toEqual(['overdue-and-fines', 'overdue-and-fines', 'overdue-and-fines']);
    expect([right.cardAccepted, wrong.cardAccepted, none.cardAccepted]).toEqual([true, false, false]);
    const { cardAccepted: _right, ...rightView } = right;
    const { cardAccepted: _wrong, ...wrongView } = wrong;
    expect(wrongView).toEqual(rightView);
  });

  it('IF-7: the read is logged once on the minor’s record, with role guardian and purpose guardian-access, naming what was shown', async () => {
    const f = of('imagineif-mt');
    await asGuardian(f, { minorId: f.child.id });
    const entry = (await logRows(f.child.id)).at(-1);
    expect(entry).toMatchObject({ action: 'guardian-view', actor_kind: 'patron', actor_id: f.guardian.id, purpose: 'guardian-access', actor_role: 'guardian' });
    expect(entry?.categories.split(',')).toEqual(['circulation', 'fines']);
    // Nothing is written on the guardian's own record for it
    expect((await logRows(f.guardian.id)).some((e) => e.action === 'guardian-view')).toBe(false);
    await asGuardian(f, { minorId: f.child.id, childCardNumber: f.child.cardNumber });
    expect((await logRows(f.child.id)).at(-1)?.categories.split(',')).toEqual(expect.arrayContaining(['registration', 'circulation', 'holds', 'fines', 'ill-requests']));
  });

  it('is for a logged-in patron, for guardian access only', async () => {
    const f = of('imagineif-mt');
    const clerk: Actor = { kind: 'staff', id: 'clerk', libraryId: f.libraryId, roles: ['circulation'] };
    expect((await refusal(asGuardian(f, { minorId: f.child.id }, clerk))).code).toBe('PERMISSION_DENIED');
    expect((await refusal(w.act(dependentRecord, { minorId: f.child.id }, { actor: f.guardian, purpose: 'self-service' }))).code).toBe('PURPOSE_NOT_ALLOWED');
  });

  it('lists the minors a patron is the live guardian of, first names only; a profile that gives guardians nothing lists no one (RF-2)', async () => {
    const f = of('jackson-county-or');
    const mine = await w.act(myDependents, undefined, { actor: f.guardian, purpose: 'guardian-access' });
    expect(mine).toEqual([{ patronId: f.child.id, firstName: 'Pat', withChildCard: 'full', withoutChildCard: 'none' }]);
    expect((await logRows(f.child.id)).at(-1)).toMatchObject({ action: 'guardian-dependents', purpose: 'guardian-access', actor_role: 'guardian' });
    expect(await w.act(myDependents, undefined, { actor: of('jackson-county-or').stranger, purpose: 'guardian-access' })).toEqual([
      expect.objectContaining({ patronId: f.otherChild.id }),
    ]);
    expect(await w.act(myDependents, undefined, { actor: of('ridgefield-ct').guardian, purpose: 'guardian-access' })).toEqual([]);
  });

  it('IF-7: after the child’s 18th birthday the link has ended: PATRON_NOT_FOUND, off the list, and the stored link says so', async () => {
    // Given a child of seventeen, registered with the guardian's card, whose birthday is the next day
    const f = of('imagineif-mt');
    w.clock.set('2026-04-09T17:00:00.000Z');
    const teen = await buildPatron(w, { libraryId: f.libraryId, birthDate: '2008-04-10', guardianCard: f.guardianCard });
    expect(await asGuardian(f, { minorId: teen.id, childCardNumber: teen.cardNumber })).toMatchObject({ level: 'full' });
    expect((await w.act(myDependents, undefined, { actor: f.guardian, purpose: 'guardian-access' })).map((d) => d.patronId)).toContain(teen.id);
    // When the clock reaches midnight of the 18th birthday in the library's zone (MDT: 06:00Z)
    w.clock.set('2026-04-10T06:00:00.000Z');
    // Then the guardian gets the answer for a patron who does not exist, with the card or without
    expect((await refusal(asGuardian(f, { minorId: teen.id, childCardNumber: teen.cardNumber }))).code).toBe('PATRON_NOT_FOUND');
    expect((await refusal(asGuardian(f, { minorId: teen.id }))).code).toBe('PATRON_NOT_FOUND');
    expect((await w.act(myDependents, undefined, { actor: f.guardian, purpose: 'guardian-access' })).map((d) => d.patronId)).toEqual([f.child.id]);
    // And the retention job's re-banding closes the stored link at the birthday
    expect((await guardianLinksOf(database.db, teen.id))[0]?.endedAt).toBeNull();
    await w.act(rebandPatrons, { libraryId: f.libraryId, asOf: w.clock.now().toISOString() }, { purpose: 'retention' });
    expect(await guardianLinksOf(database.db, teen.id)).toEqual([expect.objectContaining({ guardianPatronId: f.guardian.id, endedAt: '2026-04-10T06:00:00.000Z' })]);
    expect((await logRows(teen.id)).at(-1)).toMatchObject({ action: 'guardian-link-ended', categories: 'guardianship' });
    // The younger child's link is untouched
    expect((await guardianLinksOf(database.db, f.child.id))[0]?.endedAt).toBeNull();
  });
});
