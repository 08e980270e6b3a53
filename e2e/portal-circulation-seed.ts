import { join } from 'node:path';

/**
 * A small library of its own for the portal's circulation journey (e2e/portal-circulation.spec.ts), so
 * that no demo title or other spec is relied on: a distinctively named record with two copies, both out
 * with a neighbour (a hold on it waits in the queue); and a patron with three loans lent five days ago,
 * one of which the neighbour waits for (it cannot be renewed). Replayed through the real use cases on a
 * clock set in the past, as the guardian seed does.
 */
export interface CirculationSeed {
  libraryId: string;
  patron: { cardNumber: string; pin: string };
  record: { title: string };
  loans: { single: string; renewable: string; wanted: string };
}

export const CIRCULATION_LIBRARY_ID = 'portal-circulation';

export async function seedCirculationLibrary(runtime: { clock: unknown }, dist: string): Promise<CirculationSeed> {
  const { ManualClock } = await import(join(dist, 'domain', 'clock.js'));
  const { SYSTEM } = await import(join(dist, 'policy', 'actors.js'));
  const { run } = await import(join(dist, 'usecases', 'context.js'));
  const { createLibrary } = await import(join(dist, 'usecases', 'library.usecases.js'));
  const { addItems } = await import(join(dist, 'usecases', 'item.usecases.js'));
  const { saveRecords } = await import(join(dist, 'usecases', 'catalogue.usecases.js'));
  const { registerPatron } = await import(join(dist, 'usecases', 'patron.usecases.js'));
  const { checkout } = await import(join(dist, 'usecases', 'circulation.usecases.js'));
  const { placeHold } = await import(join(dist, 'usecases', 'hold.usecases.js'));

  const DAY = 86_400_000;
  const clock = new ManualClock(new Date(Date.now() - 5 * DAY));
  const caller = { actor: SYSTEM, purpose: 'administration', channel: 'cli' };
  const act = <O>(useCase: unknown, input: unknown): Promise<O> => run({ ...runtime, clock }, caller, useCase, input);

  const libraryId = CIRCULATION_LIBRARY_ID;
  await act(createLibrary, {
    id: libraryId,
    name: 'Portal Circulation Test Library',
    profileId: 'strict-default',
    timeZone: 'America/Denver',
    branches: [
      { code: 'main', name: 'Main Library' },
      { code: 'east', name: 'East Branch' },
    ],
  });
  const record = { title: 'The Quillfeather Atlas of Tides' };
  const { recordIds } = await act<{ recordIds: string[] }>(saveRecords, { libraryId, records: [{ title: record.title, authors: ['Wren Marlowe'] }] });
  const loans = { single: 'The Lantern Keeper’s Ledger', renewable: 'A Field Guide to Quiet Rivers', wanted: 'The Much-Wanted Almanac' };
  const book = (barcode: string, title: string, branch: string, recordId: string | null = null) => ({
    libraryId,
    barcode,
    title,
    author: null,
    isbn: null,
    itemType: 'book',
    branch,
    replacementCostCents: 2000,
    recordId,
  });
  await act(addItems, [
    book('PC-0001', record.title, 'main', recordIds[0] ?? null),
    book('PC-0002', record.title, 'east', recordIds[0] ?? null),
    book('PC-0003', loans.single, 'main'),
    book('PC-0004', loans.renewable, 'main'),
    book('PC-0005', loans.wanted, 'main'),
  ]);
  const year = new Date().getUTCFullYear();
  const patron = await act<{ cardNumber: string; pin: string }>(registerPatron, { libraryId, name: 'Rowan Renewer', birthDate: `${year - 30}-04-04` });
  const neighbour = await act<{ cardNumber: string }>(registerPatron, { libraryId, name: 'Nell Waitwell', birthDate: `${year - 50}-08-08` });
  for (const barcode of ['PC-0001', 'PC-0002']) await act(checkout, { cardNumber: neighbour.cardNumber, itemBarcode: barcode });
  for (const barcode of ['PC-0003', 'PC-0004', 'PC-0005']) await act(checkout, { cardNumber: patron.cardNumber, itemBarcode: barcode });
  // The neighbour waits for one of the patron's books: that loan cannot be renewed.
  await act(placeHold, { cardNumber: neighbour.cardNumber, itemBarcode: 'PC-0005' });
  return { libraryId, patron: { cardNumber: patron.cardNumber, pin: patron.pin }, record, loans };
}
