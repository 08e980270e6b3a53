import { join } from 'node:path';

/**
 * A second, small library for the guardian journey of the patron portal (e2e/portal.spec.ts). The demo
 * library follows `strict-default`, whose guardians see nothing without the child's card; this one
 * follows `carlsbad-nm` (CB-B3): with the child's card the whole record, without it only overdue items
 * and the fines owed. Its history is replayed through the real use cases on a clock set in the past, as
 * the demo does, so the child has a loan that is overdue today, a loan that is not, a returned loan
 * (kept twelve months under CB-F3), an open overdue fine, and a hold waiting for an item a neighbour has
 * out (the profile shows holds with the child's card, never without). Nothing here touches the demo library.
 */
export interface GuardianSeed {
  libraryId: string;
  guardian: { cardNumber: string; pin: string };
  child: { cardNumber: string; firstName: string; email: string; address: string };
  titles: { overdue: string; current: string; returned: string; fined: string; held: string };
}

export const GUARDIAN_LIBRARY_ID = 'portal-guardians';

/** Loads the guardian library into the runtime global-setup opened; `dist` is the built server's src/. */
export async function seedGuardianLibrary(runtime: { clock: unknown }, dist: string): Promise<GuardianSeed> {
  const { ManualClock } = await import(join(dist, 'domain', 'clock.js'));
  const { SYSTEM } = await import(join(dist, 'policy', 'actors.js'));
  const { run } = await import(join(dist, 'usecases', 'context.js'));
  const { createLibrary } = await import(join(dist, 'usecases', 'library.usecases.js'));
  const { addItems } = await import(join(dist, 'usecases', 'item.usecases.js'));
  const { registerPatron } = await import(join(dist, 'usecases', 'patron.usecases.js'));
  const { checkin, checkout } = await import(join(dist, 'usecases', 'circulation.usecases.js'));
  const { placeHold } = await import(join(dist, 'usecases', 'hold.usecases.js'));

  const DAY = 86_400_000;
  const today = new Date();
  const clock = new ManualClock(new Date(today.getTime() - 60 * DAY));
  const past = { ...runtime, clock };
  const caller = { actor: SYSTEM, purpose: 'administration', channel: 'cli' };
  const act = <O>(useCase: unknown, input: unknown): Promise<O> => run(past, caller, useCase, input);
  const at = (daysAgo: number) => clock.set(new Date(today.getTime() - daysAgo * DAY));

  const libraryId = GUARDIAN_LIBRARY_ID;
  await act(createLibrary, { id: libraryId, name: 'Portal Guardian Test Library', profileId: 'carlsbad-nm', timeZone: 'America/Denver', branches: [{ code: 'main', name: 'Main Library' }] });
  const titles = { overdue: 'The Overdue Atlas', current: 'A Book Not Yet Due', returned: 'The Returned Almanac', fined: 'The Late Lighthouse', held: 'The Awaited Bestiary' };
  const barcodes = { overdue: 'PG-0001', current: 'PG-0002', returned: 'PG-0003', fined: 'PG-0004', held: 'PG-0005' };
  await act(
    addItems,
    (Object.keys(titles) as (keyof typeof titles)[]).map((k) => ({ libraryId, barcode: barcodes[k], title: titles[k], author: null, isbn: null, itemType: 'book', branch: 'main', replacementCostCents: 2000 })),
  );

  const year = today.getUTCFullYear();
  const guardian = await act<{ cardNumber: string; pin: string }>(registerPatron, { libraryId, name: 'Gloria Guardian', birthDate: `${year - 40}-03-14`, email: 'gloria.guardian@example.org' });
  const child = { email: 'kit.child@example.org', address: '12 Willow Lane, Carlsbad NM' };
  const minor = await act<{ cardNumber: string }>(registerPatron, { libraryId, name: 'Kit Guardian', birthDate: `${year - 10}-06-02`, ...child, guardianCard: guardian.cardNumber });
  const neighbour = await act<{ cardNumber: string }>(registerPatron, { libraryId, name: 'Nell Neighbour', birthDate: `${year - 35}-09-21` });

  // 60 days ago: out, and back 35 days later, 14 days late: an open overdue fine (25 cents a day).
  await act(checkout, { cardNumber: minor.cardNumber, itemBarcode: barcodes.fined });
  // The same day, before anything is owed: a hold on a book the neighbour has out, still waiting today.
  await act(checkout, { cardNumber: neighbour.cardNumber, itemBarcode: barcodes.held });
  await act(placeHold, { cardNumber: minor.cardNumber, itemBarcode: barcodes.held });
  at(45);
  // Due 21 days later, never returned: overdue today.
  await act(checkout, { cardNumber: minor.cardNumber, itemBarcode: barcodes.overdue });
  // Out and back in time: a returned loan, kept twelve months (CB-F3).
  await act(checkout, { cardNumber: minor.cardNumber, itemBarcode: barcodes.returned });
  at(35);
  await act(checkin, { itemBarcode: barcodes.returned, libraryId });
  at(25);
  await act(checkin, { itemBarcode: barcodes.fined, libraryId });
  // Yesterday: out, due in three weeks.
  at(1);
  await act(checkout, { cardNumber: minor.cardNumber, itemBarcode: barcodes.current });

  return {
    libraryId,
    guardian: { cardNumber: guardian.cardNumber, pin: guardian.pin },
    child: { cardNumber: minor.cardNumber, firstName: 'Kit', ...child },
    titles,
  };
}
