import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { ManualClock } from '../domain/clock.js';
import { SYSTEM } from '../policy/actors.js';
import { checkin, checkout, declareLost } from '../usecases/circulation.usecases.js';
import { run, type Caller, type Runtime, type UseCase } from '../usecases/context.js';
import { pay } from '../usecases/fine.usecases.js';
import { cancelHold, placeHold } from '../usecases/hold.usecases.js';
import type { AddItemInput } from '../usecases/item.usecases.js';
import { importMarc } from '../marc/marc.import.js';
import { MAPPINGS } from '../marc/marc.mapping.js';
import { readMarcFile } from '../marc/marc.reader.js';
import { circulationCounts, createLibrary, setLoanRule } from '../usecases/library.usecases.js';
import { registerPatron } from '../usecases/patron.usecases.js';
import { addCategory, closeDays, editBranch, updateLibrarySettings } from '../usecases/library-config.usecases.js';
import type { OpeningHours, Weekday } from '../domain/types.js';
import { setReadingHistory } from '../usecases/retention.usecases.js';
import { runRetention } from '../jobs/retention.job.js';
import { createStaff, disableStaff } from '../usecases/staff.usecases.js';
import { completeItemTask } from '../usecases/staff-lists.usecases.js';

/**
 * The demo library a first `carrel start` loads into an empty database: two branches, 200 copies of
 * 250 catalogue records (imported from MARC21, src/demo/demo-catalogue.mrc),
 * 50 fictional patrons (10 of them minors with a guardian), and 75 days of circulation replayed
 * through the real use cases, so the loans, holds, overdue fines and payments are what Carrel itself
 * would have produced.
 */
export const DEMO_LIBRARY_ID = 'demo';

/**
 * The demo's catalogue: 250 public-domain records in MARC21 with Koha holdings, whose 200 copies are the
 * items the demo has always had (barcodes 3900000001…, their types and branches), written by
 * `node test/fixtures/marc/generate.mjs demo`. Read next to this module: `npm run build:server` copies it
 * into dist/ beside the compiled file.
 */
const DEMO_CATALOGUE = fileURLToPath(new URL('./demo-catalogue.mrc', import.meta.url));

const GIVEN = ['Ada', 'Ben', 'Carmen', 'Dmitri', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jamal', 'Keiko', 'Luis', 'Maya', 'Nils', 'Olu', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tomas', 'Uma', 'Victor', 'Wen', 'Ximena', 'Yusuf', 'Zoe'];
const FAMILY = ['Archuleta', 'Baca', 'Chavez', 'Duran', 'Espinoza', 'Fernandez', 'Garcia', 'Herrera', 'Ibarra', 'Jaramillo', 'Kowalski', 'Lucero', 'Martinez', 'Nakamura', 'Ortiz', 'Padilla', 'Romero', 'Sandoval', 'Trujillo', 'Valdez'];
const STREETS = ['Juniper Ave', 'Mesa Rd', 'Cottonwood Ln', 'Sandia Dr', 'Rio Grande Blvd', 'Piñon Ct', 'Sunset St'];
const TITLE_A = ['The Silent', 'A History of', 'Notes on', 'The Last', 'Under the', 'Letters from', 'The Secret', 'Songs of', 'A Field Guide to', 'The Desert'];
const TITLE_B = ['River', 'Mesa', 'Library', 'Cartographer', 'Winter', 'Orchard', 'Lighthouse', 'Monsoon', 'Railroad', 'Observatory', 'Canyon', 'Garden'];
const AUTHORS = ['M. Alvarez', 'J. Okafor', 'S. Lindqvist', 'R. Tanaka', 'A. Moreau', 'T. Begay', 'K. Novak', 'L. Haddad'];

/** A small deterministic generator (mulberry32), so every demo library looks the same. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoSummary {
  libraryId: string;
  branches: number;
  items: number;
  patrons: number;
  minors: number;
  activeLoans: number;
  holds: number;
  openFines: number;
  /** Retention runs replayed with the history (receipts to look at). */
  retentionRuns: number;
  /** A patron and an item to try a check-out with (fictional people). */
  sample: { cardNumber: string; pin: string; itemBarcode: string };
  /** One staff account of the demo library per role but the system administrator's, passwords generated. */
  staff: { username: string; role: string; password: string }[];
}

/** The demo's staff: one account per role, so each role's view can be tried. */
const DEMO_STAFF = [
  { username: 'demo-volunteer', role: 'volunteer' },
  { username: 'demo-clerk', role: 'circulation' },
  { username: 'demo-librarian', role: 'librarian' },
  { username: 'demo-manager', role: 'branch-manager' },
  { username: 'demo-director', role: 'director' },
] as const;

export async function loadDemoLibrary(runtime: Runtime): Promise<DemoSummary> {
  const rand = random(20261122);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const today = runtime.clock.now();
  const clock = new ManualClock(new Date(today.getTime() - 75 * 86_400_000));
  const demo: Runtime = { ...runtime, clock };
  const caller: Caller = { actor: SYSTEM, purpose: 'administration', channel: 'cli' };
  const act = <I, O>(useCase: UseCase<I, O>, input: I) => run(demo, caller, useCase, input);
  const tryAct = async <I, O>(useCase: UseCase<I, O>, input: I): Promise<O | undefined> => {
    try {
      return await act(useCase, input);
    } catch {
      return undefined; // a refusal in the replay (a blocked patron, an item on hold) is part of the story
    }
  };

  await act(createLibrary, {
    id: DEMO_LIBRARY_ID,
    name: 'Carrel Demo Library',
    profileId: 'strict-default',
    timeZone: 'America/Denver',
    branches: [
      { code: 'central', name: 'Central Library' },
      { code: 'eastside', name: 'Eastside Branch' },
    ],
  });
  await act(setLoanRule, { libraryId: DEMO_LIBRARY_ID, patronCategory: '*', itemType: 'dvd', loanDays: 7, renewals: 1, finePerDayCents: 100, maxFineCents: 1000 });
  await act(setLoanRule, { libraryId: DEMO_LIBRARY_ID, patronCategory: 'juvenile', itemType: '*', loanDays: 21, renewals: 2, finePerDayCents: 10, maxFineCents: 200 });
  await act(setLoanRule, { libraryId: DEMO_LIBRARY_ID, patronCategory: '*', itemType: 'reference', loanDays: 0, renewals: 0, finePerDayCents: 0, maxFineCents: 0 });
  // The library's own configuration (issue 15): two branches keeping different hours, a holiday in the
  // replayed weeks and the next New Year's Day, a third category, exceptions in the matrix, and the
  // thresholds that block borrowing and turn a long-overdue item into a lost one.
  const weekdays = (days: readonly Weekday[], opens: string, closes: string): OpeningHours => Object.fromEntries(days.map((d) => [d, [[opens, closes]]]));
  await act(editBranch, { libraryId: DEMO_LIBRARY_ID, code: 'central', address: '755 Loma Colorado Blvd NE, Rio Rancho NM 87124', openingHours: weekdays(['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], '09:00', '20:00') });
  await act(editBranch, { libraryId: DEMO_LIBRARY_ID, code: 'eastside', address: '950 Pinetree Rd SE, Rio Rancho NM 87124', openingHours: weekdays(['tue', 'wed', 'thu', 'fri', 'sat'], '10:00', '18:00') });
  const localDay = (at: Date) => DateTime.fromJSDate(at, { zone: 'America/Denver' }).toISODate() as string;
  const staffDay = localDay(new Date(today.getTime() - 30 * 86_400_000));
  await act(closeDays, { libraryId: DEMO_LIBRARY_ID, branch: null, startsOn: staffDay, endsOn: staffDay, reason: 'Staff development day' });
  const newYear = `${DateTime.fromJSDate(today, { zone: 'America/Denver' }).year + 1}-01-01`;
  await act(closeDays, { libraryId: DEMO_LIBRARY_ID, branch: null, startsOn: newYear, endsOn: newYear, reason: 'New Year’s Day' });
  await act(addCategory, { libraryId: DEMO_LIBRARY_ID, code: 'senior', name: 'Senior (65 and over)', minAge: 65, cardValidityMonths: 36, maxLoans: 50 });
  await act(setLoanRule, { libraryId: DEMO_LIBRARY_ID, branch: 'eastside', patronCategory: '*', itemType: 'dvd', loanDays: 14, renewals: 1, finePerDayCents: 100, maxFineCents: 1000 });
  await act(setLoanRule, { libraryId: DEMO_LIBRARY_ID, patronCategory: 'senior', itemType: '*', loanDays: 28, renewals: 3, finePerDayCents: 0, maxFineCents: 0 });
  await act(updateLibrarySettings, { libraryId: DEMO_LIBRARY_ID, maxOverdueItems: 5, longOverdueDays: 60 });

  const items: AddItemInput[] = [];
  for (let i = 1; i <= 200; i++) {
    const kind = i % 10 === 0 ? 'dvd' : i % 25 === 1 ? 'reference' : i % 7 === 0 ? 'audiobook' : 'book';
    items.push({
      libraryId: DEMO_LIBRARY_ID,
      barcode: `3900${String(i).padStart(6, '0')}`,
      title: `${pick(TITLE_A)} ${pick(TITLE_B)}`,
      author: pick(AUTHORS),
      isbn: null,
      itemType: kind,
      branch: i % 3 === 0 ? 'eastside' : 'central',
      replacementCostCents: kind === 'dvd' ? 1999 : 2500 + Math.floor(rand() * 2000),
    });
  }
  // The copies come in through the MARC import a library uses; the titles drawn above only keep the
  // replay's random sequence (and so every patron and loan) what it always was.
  const catalogue = await importMarc(act, () => readMarcFile(DEMO_CATALOGUE, 'marc'), { libraryId: DEMO_LIBRARY_ID, mapping: MAPPINGS.koha });
  if (catalogue.rejectedCount > 0 || catalogue.copiesAdded !== items.length) {
    throw new Error(`The demo catalogue did not load: ${catalogue.copiesAdded} of ${items.length} copies, ${catalogue.rejectedCount} record(s) rejected.`);
  }
  const barcodes = items.filter((i) => i.itemType !== 'reference').map((i) => i.barcode);

  const adults: { cardNumber: string; pin: string }[] = [];
  const minors: { cardNumber: string; pin: string }[] = [];
  const thisYear = DateTime.fromJSDate(today).year;
  for (let i = 0; i < 39; i++) {
    const given = pick(GIVEN);
    const family = pick(FAMILY);
    const born = thisYear - 20 - Math.floor(rand() * 55);
    adults.push(
      await act(registerPatron, {
        libraryId: DEMO_LIBRARY_ID,
        name: `${given} ${family}`,
        birthDate: `${born}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
        ...(thisYear - born >= 67 ? { categoryCode: 'senior' } : {}),
        address: `${100 + Math.floor(rand() * 9800)} ${pick(STREETS)}, Rio Rancho NM 87124`,
        email: rand() < 0.7 ? `${given}.${family}.${i}@example.org`.toLowerCase() : null,
        phone: rand() < 0.5 ? `505-555-${String(1000 + i).padStart(4, '0')}` : null,
      }),
    );
  }
  for (let i = 0; i < 10; i++) {
    minors.push(
      await act(registerPatron, {
        libraryId: DEMO_LIBRARY_ID,
        name: `${pick(GIVEN)} ${pick(FAMILY)}`,
        birthDate: `${thisYear - 6 - Math.floor(rand() * 10)}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
        guardianCard: (adults[i * 3] as { cardNumber: string }).cardNumber,
      }),
    );
  }
  const everyone = [...adults, ...minors];
  // A few patrons ask the library to keep their reading history (strict-default offers it, JC-IIIc).
  for (const patron of adults.slice(0, 8)) await act(setReadingHistory, { cardNumber: patron.cardNumber, keep: true });

  // 75 days of desk traffic: each day a few check-outs and the returns that fall due, some late.
  const out = new Map<string, { dueBack: number }>();
  let retentionRuns = 0;
  const everOut = new Set<string>();
  for (let day = 0; day < 75; day++) {
    clock.set(DateTime.fromJSDate(new Date(today.getTime() - (75 - day) * 86_400_000), { zone: 'America/Denver' }).set({ hour: 10 + (day % 7), minute: 15 }).toJSDate());
    for (const [barcode, state] of out) {
      if (state.dueBack <= day) {
        out.delete(barcode);
        await tryAct(checkin, { itemBarcode: barcode });
      }
    }
    const borrowings = 1 + Math.floor(rand() * 3);
    for (let n = 0; n < borrowings; n++) {
      const barcode = pick(barcodes);
      if (out.has(barcode)) continue;
      everOut.add(barcode);
      const patron = pick(everyone);
      const loan = await tryAct(checkout, { cardNumber: patron.cardNumber, itemBarcode: barcode });
      // Most come back on time; about one in five comes back late; recent loans are still out.
      if (loan) out.set(barcode, { dueBack: day + (rand() < 0.2 ? 25 + Math.floor(rand() * 10) : 5 + Math.floor(rand() * 14)) });
    }
    // The retention engine runs as `carrel start` would (here weekly, to keep the replay short).
    if (day % 7 === 6) {
      await runRetention(demo);
      retentionRuns++;
    }
    if (day === 60) {
      const [first] = out.keys();
      if (first) {
        await tryAct(declareLost, { itemBarcode: first });
        out.delete(first);
      }
    }
  }
  // Holds on items that are out, and a few payments.
  let holdsPlaced = 0;
  for (const barcode of [...out.keys()].slice(0, 10)) {
    if (await tryAct(placeHold, { cardNumber: pick(everyone).cardNumber, itemBarcode: barcode, pickupBranch: rand() < 0.5 ? 'central' : 'eastside' })) holdsPlaced++;
  }
  // Staff lists (issue 15): holds on items on the shelves, so each list has something on it — two to
  // pull (one for the other branch's pick-up shelf), one pulled and in transit, one pulled and then
  // cancelled, left on the hold shelf to reshelve. Taken from the end of the catalogue, never the
  // sample item (the first never lent).
  const onShelf = items.filter((i) => i.itemType !== 'reference' && !everOut.has(i.barcode)).slice(1);
  const shelved = (branch: string) => onShelf.filter((i) => i.branch === branch).reverse();
  const holdFor = async (barcode: string | undefined, pickupBranch: string) => {
    if (barcode === undefined) return undefined;
    for (const patron of adults.slice(20)) {
      const hold = await tryAct(placeHold, { cardNumber: patron.cardNumber, itemBarcode: barcode, pickupBranch });
      if (hold) {
        holdsPlaced++;
        return hold;
      }
    }
    return undefined;
  };
  const [pullHere, inTransit, toReshelve] = shelved('central');
  const [pullThere] = shelved('eastside');
  clock.set(new Date(today.getTime() - 2 * 86_400_000));
  if (await holdFor(inTransit?.barcode, 'eastside')) await tryAct(completeItemTask, { libraryId: DEMO_LIBRARY_ID, itemBarcode: inTransit?.barcode as string });
  const cancelled = await holdFor(toReshelve?.barcode, 'central');
  if (cancelled) {
    await tryAct(completeItemTask, { libraryId: DEMO_LIBRARY_ID, itemBarcode: toReshelve?.barcode as string });
    await tryAct(cancelHold, { holdId: cancelled.id });
  }
  clock.set(new Date(today.getTime() - 86_400_000));
  await holdFor(pullHere?.barcode, 'central');
  await holdFor(pullThere?.barcode, 'central');
  clock.set(today);
  for (const patron of adults.slice(0, 20)) await tryAct(pay, { cardNumber: patron.cardNumber, amountCents: 50 });

  const sample = await act(registerPatron, {
    libraryId: DEMO_LIBRARY_ID,
    name: 'Sample Reader',
    birthDate: `${thisYear - 35}-04-01`,
    email: 'sample.reader@example.org',
  });
  await runRetention(demo);
  retentionRuns++;
  const sampleItem = barcodes.find((b) => !everOut.has(b)) ?? (barcodes[0] as string);
  const staff = [];
  for (const { username, role } of DEMO_STAFF) {
    const created = await act(createStaff, { username, libraryId: DEMO_LIBRARY_ID, roles: [role] });
    staff.push({ username, role, password: created.password });
  }
  // A clerk who has left (issue 15): the account stays, disabled, for the office's Staff page to show.
  await act(createStaff, { username: 'demo-former-clerk', libraryId: DEMO_LIBRARY_ID, roles: ['circulation'] });
  await act(disableStaff, { username: 'demo-former-clerk' });
  const counts = await act(circulationCounts, { libraryId: DEMO_LIBRARY_ID });
  return {
    libraryId: DEMO_LIBRARY_ID,
    branches: 2,
    items: items.length,
    patrons: everyone.length + 1,
    minors: minors.length,
    activeLoans: counts.activeLoans,
    holds: holdsPlaced,
    openFines: counts.openFines,
    retentionRuns,
    sample: { cardNumber: sample.cardNumber, pin: sample.pin, itemBarcode: sampleItem },
    staff,
  };
}
