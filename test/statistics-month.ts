import { runRetention } from '../src/jobs/retention.job.js';
import { checkin, checkout } from '../src/usecases/circulation.usecases.js';
import { endComputerSession, signUpForProgram, startComputerSession } from '../src/usecases/service-record.usecases.js';
import { buildItem, buildLibrary, buildPatron, type World } from './factories.js';

/** What a scripted month leaves behind: the identifiers no statistics export may contain. */
export interface ScriptedMonth {
  libraryId: string;
  patronIds: string[];
  cardNumbers: string[];
  names: string[];
  emails: string[];
  barcodes: string[];
  /** Loans by branch code and item type, as checked out. */
  loans: Record<string, Record<string, number>>;
  sessions: { patron: number; guest: number; minutes: number };
  signups: number;
}

/**
 * A month (March 2026, Denver) of one imagineif-mt library (loans anonymised at return, computer sessions
 * disposed of at their end, sign-ups 7 days after the event): 12 registrations (2 minors), 42 loans at
 * two branches — east's DVDs only twice, a small cell —, 8 computer sessions (2 on guest passes) and 7
 * program sign-ups. Registrations and loans are counted as they happen; retention runs on 10 April,
 * counts the services (all ended in March) and disposes of the records: March is then published.
 */
export async function scriptedMonth(w: World, libraryId: string): Promise<ScriptedMonth> {
  const { library } = await buildLibrary(w, { id: libraryId, profileId: 'imagineif-mt', branches: [{ code: 'main', name: 'Main' }, { code: 'east', name: 'East' }] });
  const names: string[] = [];
  const emails: string[] = [];
  const adults = [];
  for (let i = 0; i < 10; i++) {
    const name = `Statsperson Adultname${i}x`;
    const email = `stats.adult${i}.${libraryId}@example.org`;
    adults.push(await buildPatron(w, { libraryId: library.id, name, email }));
    names.push(name);
    emails.push(email);
  }
  const minors = [];
  for (let i = 0; i < 2; i++) {
    const name = `Statsperson Childname${i}x`;
    minors.push(await buildPatron(w, { libraryId: library.id, name, birthDate: '2016-04-01', email: null, guardianCard: adults[0]!.cardNumber }));
    names.push(name);
  }
  const patrons = [...adults, ...minors];
  const items: Record<string, Record<string, string[]>> = { main: { book: [], dvd: [] }, east: { book: [], dvd: [] } };
  for (const branch of ['main', 'east'])
    for (const itemType of ['book', 'dvd'])
      for (let i = 0; i < 3; i++) items[branch]![itemType]!.push((await buildItem(w, { libraryId: library.id, branch, itemType, title: `Stats Title ${branch} ${itemType} ${i}` })).barcode);

  const plan: [string, string, number][] = [
    ['main', 'book', 20],
    ['main', 'dvd', 8],
    ['east', 'book', 12],
    ['east', 'dvd', 2],
  ];
  const loans: ScriptedMonth['loans'] = {};
  let n = 0;
  for (const [branch, itemType, count] of plan) {
    for (let i = 0; i < count; i++, n++) {
      // Spread over the month: a loan most days, a few minutes each.
      if (n % 2 === 0) w.clock.advanceMinutes(60 * 14);
      const barcode = items[branch]![itemType]![i % 3]!;
      const patron = patrons[n % patrons.length]!;
      await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: barcode });
      w.clock.advanceMinutes(20);
      await w.act(checkin, { itemBarcode: barcode });
      loans[branch] = { ...loans[branch], [itemType]: (loans[branch]?.[itemType] ?? 0) + 1 };
    }
  }

  let minutes = 0;
  for (let i = 0; i < 8; i++) {
    const guest = i >= 6;
    const session = await w.act(startComputerSession, guest ? { guestPass: `GUEST-${i}`, libraryId: library.id, branch: 'east', station: 'PC-2' } : { cardNumber: patrons[i]!.cardNumber, branch: 'main', station: `PC-${i}` });
    w.clock.advanceMinutes(30 + i);
    minutes += 30 + i;
    await w.act(endComputerSession, { sessionId: session.id });
  }
  const eventStart = new Date(w.clock.now().getTime() + 86_400_000);
  for (let i = 0; i < 7; i++)
    await w.act(signUpForProgram, {
      cardNumber: patrons[i]!.cardNumber,
      branch: 'main',
      program: 'storytime',
      startsAt: eventStart.toISOString(),
      endsAt: new Date(eventStart.getTime() + 3_600_000).toISOString(),
    });

  w.clock.set('2026-04-10T16:00:00.000Z');
  await runRetention(w.runtime, { libraryId: library.id });
  return {
    libraryId: library.id,
    patronIds: patrons.map((p) => p.id),
    cardNumbers: patrons.map((p) => p.cardNumber),
    names,
    emails,
    barcodes: Object.values(items).flatMap((byType) => Object.values(byType).flat()),
    loans,
    sessions: { patron: 6, guest: 2, minutes },
    signups: 7,
  };
}

/** Every identifier of the month that appears in `text` (none may). */
export function identifiersIn(text: string, month: ScriptedMonth): string[] {
  const words = [...month.patronIds, ...month.cardNumbers, ...month.emails, ...month.barcodes, ...month.names, ...month.names.flatMap((n) => n.split(' '))];
  return words.filter((word) => text.toLowerCase().includes(word.toLowerCase()));
}
