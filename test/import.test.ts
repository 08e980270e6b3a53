import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMarc } from '../src/marc/marc.import.js';
import { loadMapping } from '../src/marc/marc.mapping.js';
import { readMarcFile } from '../src/marc/marc.reader.js';
import { runImport, type RunImportOptions } from '../src/migration/run-import.js';
import { SYSTEM } from '../src/policy/actors.js';
import type { Caller } from '../src/usecases/context.js';
import { dropLegacyPins, startImport, type ImportReport } from '../src/usecases/import.usecases.js';
import { addBranch, addCategory, updateLibrarySettings } from '../src/usecases/library-config.usecases.js';
import { patronLogin } from '../src/usecases/patron-auth.usecases.js';
import { linkGuardian } from '../src/usecases/patron-card.usecases.js';
import { patronAccount } from '../src/usecases/patron.usecases.js';
import { ENGINES, freshDatabase, type TestDatabase } from './engines.js';
import { buildLibrary, refusal, world, type World } from './factories.js';
import { catalogueFor, evergreenFines, evergreenHolds, evergreenLoans, evergreenPatrons, kohaFines, kohaHolds, kohaLoans, kohaPatrons, type FixturePerson, type PatronFixture } from './import-fixtures.js';

/**
 * Moving a library onto Carrel (issue 21), on both engines, through the import's own run (the one
 * `carrel import` calls) and the real use cases: Koha and Evergreen exports of a few thousand fictional
 * people with accents, missing fields, bad dates and duplicate cards; their old PINs (bcrypt, MD5) open
 * their accounts once and become argon2id; loans and holds land on the right items and queues; returned
 * loans are left behind under imagineif-mt (IF-3) and kept back to twelve months under carlsbad-nm
 * (CB-F3) for the patrons who opted in; and no imported name, email or PIN is in the database's bytes.
 */

const TODAY = '2026-03-02'; // the world's clock (test/factories.ts START)
const LOGIN: Caller = { actor: SYSTEM, purpose: 'self-service', channel: 'cli' };
const COUNT = 2000;

describe.each(ENGINES)('importing a library from Koha and Evergreen on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let dir: string;
  let koha: string; // imagineif-mt
  let evergreen: string; // carlsbad-nm
  const kohaPeople = kohaPatrons({ count: COUNT, seed: 21, today: TODAY });
  // Cards are unique across the database: an Evergreen card the Koha file also has is a duplicate there.
  const kohaCards = new Set(kohaPeople.people.filter((p) => p.expected === 'imported').map((p) => p.card.toUpperCase()));
  const egFixture = evergreenPatrons({ count: COUNT, seed: 22, today: TODAY });
  const egPeople: PatronFixture = { ...egFixture, people: egFixture.people.map((p) => (p.expected === 'imported' && kohaCards.has(p.card.toUpperCase()) ? { ...p, expected: 'duplicate-card' as const } : p)) };
  const catalogue = catalogueFor({ titles: 600, copiesPerTitle: 3, branches: ['CPL', 'MPL', 'FPL'], seed: 23 });
  const egCatalogue = catalogueFor({ titles: 600, copiesPerTitle: 3, branches: ['BR1', 'BR2'], seed: 24 });
  const reports: Record<string, ImportReport> = {};
  const kohaLoanFixture = kohaLoans({ people: kohaPeople.people, titles: catalogue.titles, today: TODAY, seed: 25, historyPerPerson: 1 });
  const egLoanFixture = evergreenLoans({ people: egPeople.people, titles: egCatalogue.titles, today: TODAY, seed: 26, historyPerPerson: 2 });

  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const importFile = (options: Omit<RunImportOptions, 'mappingFile'> & { mapping: object }) => {
    const mappingFile = `${options.file}.mapping.json`;
    writeFileSync(mappingFile, JSON.stringify(options.mapping));
    return runImport((useCase, input) => w.act(useCase, input, { purpose: 'administration' }), { ...options, mappingFile });
  };
  const patronIdsByCard = async (cards: readonly string[]) => {
    const hashes = new Map(cards.map((c) => [w.runtime.vault.blind('card', c), c]));
    const rows = await database.db.selectFrom('patrons').select(['id', 'card_hash', 'pin_scheme', 'desk_flag']).where('card_hash', 'in', [...hashes.keys()]).execute();
    return new Map(rows.map((r) => [hashes.get(r.card_hash)!, r]));
  };
  const imported = (fixture: PatronFixture) => fixture.people.filter((p) => p.expected === 'imported');

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    dir = mkdtempSync(join(tmpdir(), 'carrel-import-'));
    const kohaLibrary = await buildLibrary(w, { profileId: 'imagineif-mt', branches: [{ code: 'cpl', name: 'Central' }] });
    koha = kohaLibrary.library.id;
    for (const code of ['mpl', 'fpl']) await w.act(addBranch, { libraryId: koha, code, name: code });
    const egLibrary = await buildLibrary(w, { profileId: 'carlsbad-nm', timeZone: 'America/Los_Angeles', branches: [{ code: 'br1', name: 'One' }] });
    evergreen = egLibrary.library.id;
    await w.act(addBranch, { libraryId: evergreen, code: 'br2', name: 'Two' });
    for (const libraryId of [koha, evergreen]) {
      await w.act(addCategory, { libraryId, code: 'staff', name: 'Staff' });
      await w.act(addCategory, { libraryId, code: 'senior', name: 'Senior', minAge: 65 });
    }
    for (const [libraryId, text] of [
      [koha, catalogue.marcxml],
      [evergreen, egCatalogue.marcxml],
    ] as const) {
      const path = file(`${libraryId}.xml`, text);
      const report = await importMarc((useCase, input) => w.act(useCase, input, { purpose: 'administration' }), () => readMarcFile(path, 'marcxml'), { libraryId, mapping: loadMapping('koha') });
      expect(report.rejectedCount).toBe(0);
    }
  }, 240_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  });

  it('writes a mapping template on the first run: every category and branch of the file, null where the library has no such code', async () => {
    const path = file('template.tsv', kohaPeople.text);
    const error = await refusal(runImport((u, i) => w.act(u, i, { purpose: 'administration' }), { file: path, kind: 'patrons', format: 'koha', libraryId: koha, mappingFile: `${path}.mapping.json` }));
    expect(error.code).toBe('IMPORT_MAPPING_NEEDED');
    const template = JSON.parse(readFileSync(`${path}.mapping.json`, 'utf8')) as { categories: Record<string, string | null>; branches: Record<string, string | null> };
    expect(Object.keys(template.categories).sort()).toEqual([...kohaPeople.categories].sort());
    expect(template.branches).toEqual({ CPL: 'cpl', FPL: 'fpl', MPL: 'mpl' });
    expect(Object.values(template.categories).every((v) => v === null)).toBe(true); // PT, J, ST, SR: no code of the library matches
    // Run again with the nulls left: refused, naming each, and nothing imported.
    const again = await refusal(runImport((u, i) => w.act(u, i, { purpose: 'administration' }), { file: path, kind: 'patrons', format: 'koha', libraryId: koha, mappingFile: `${path}.mapping.json` }));
    expect(again.code).toBe('IMPORT_MAPPING_INCOMPLETE');
    expect(again.problems).toHaveLength(kohaPeople.categories.length);
  });

  it('Koha patrons: a dry run writes nothing; the import takes every good row, rejects the bad ones by line, and reports duplicates and minors without a guardian', async () => {
    const path = file('koha-patrons.tsv', kohaPeople.text);
    // Staff folded into seniors on purpose: a category that does not fit every age mapped to it.
    const mapping = { categories: { PT: 'adult', J: 'juvenile', ST: 'senior', SR: 'senior' }, branches: { CPL: 'cpl', MPL: 'mpl', FPL: 'fpl' } };
    const before = await count('patrons');
    const dry = await importFile({ file: path, kind: 'patrons', format: 'koha', libraryId: koha, dryRun: true, mapping });
    expect(await count('patrons')).toBe(before);
    expect(await database.db.selectFrom('import_runs').selectAll().execute()).toEqual([]);
    const report = await importFile({ file: path, kind: 'patrons', format: 'koha', libraryId: koha, mapping, pageSize: 300 });
    reports.kohaPatrons = report;
    const expected = imported(kohaPeople);
    expect(report.read).toBe(COUNT);
    expect(report.imported).toBe(expected.length);
    expect(dry.imported).toBe(report.imported);
    expect(await count('patrons')).toBe(before + expected.length);
    expect(report.rejected.map((r) => r.line)).toEqual(kohaPeople.people.filter((p) => p.expected === 'rejected').map((p) => p.line));
    expect(dry.rejected).toEqual(report.rejected);
    // Reasons name the column, never the value.
    for (const r of report.rejected) for (const secret of kohaPeople.secrets.filter((s) => s.length > 6)) expect(r.reason).not.toContain(secret);
    const cardDuplicates = kohaPeople.people.filter((p) => p.expected === 'duplicate-card');
    expect(report.duplicates.filter((d) => d.by === 'card')).toEqual(cardDuplicates.map((p) => ({ line: p.line, sameAs: p.cardDuplicateOf, by: 'card' })));
    const identity = kohaPeople.people.filter((p) => p.identityDuplicateOf !== undefined && p.expected === 'imported');
    expect(report.duplicates.filter((d) => d.by === 'identity')).toEqual(identity.map((p) => ({ line: p.line, sameAs: p.identityDuplicateOf, by: 'identity' })));
    expect(dry.duplicates).toEqual(report.duplicates);
    // Minors: linked to the guardian the row names, or flagged for the desk.
    const minors = expected.filter((p) => p.minor);
    const unguarded = minors.filter((p) => p.guardianCard === null);
    expect(report.flagged.guardianNeeded).toBe(unguarded.length);
    const stored = await patronIdsByCard(minors.map((p) => p.card));
    for (const p of minors) expect(stored.get(p.card)?.desk_flag ?? null).toBe(p.guardianCard === null ? 'guardian-needed' : null);
    const links = await database.db.selectFrom('guardian_links').select('minor_patron_id').where('library_id', '=', koha).execute();
    expect(links).toHaveLength(minors.length - unguarded.length);
    // The counts to compare with the old system: per category and per branch.
    expect(report.byCategory).toEqual(countBy(expected, (p) => ({ PT: 'adult', J: 'juvenile', ST: 'senior', SR: 'senior' })[p.category]!));
    expect(report.byBranch).toEqual(countBy(expected, (p) => p.branch.toLowerCase()));
    expect(report.columnsIgnored).toEqual(expect.arrayContaining(['sex', 'othernames', 'borrowernotes']));
    // A category that does not fit the age (adult from 18, juvenile to 17, senior from 65) is imported as mapped, with a warning.
    const age = (born: string) => Number(TODAY.slice(0, 4)) - Number(born.slice(0, 4)) - (TODAY.slice(5) < born.slice(5) ? 1 : 0);
    const misfits = expected.filter((p) => ({ PT: age(p.birthDate!) < 18, J: age(p.birthDate!) > 17, SR: age(p.birthDate!) < 65, ST: age(p.birthDate!) < 65 })[p.category]);
    expect(misfits.length).toBeGreaterThan(0);
    expect(report.warnings.map((w) => Number(/^line (\d+):/.exec(w)?.[1]))).toEqual(misfits.map((p) => p.line));
    // Each imported patron's record logs the import.
    const logged = await database.db.selectFrom('access_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'import').where('library_id', '=', koha).executeTakeFirstOrThrow();
    expect(Number(logged.n)).toBe(expected.length);
    // The identity keys served the run only.
    expect(await count('import_keys')).toBe(0);
    // The same file again is refused: it would import everything twice.
    expect((await refusal(importFile({ file: path, kind: 'patrons', format: 'koha', libraryId: koha, mapping }))).code).toBe('IMPORT_ALREADY_DONE');
  }, 240_000);

  it('the desk sees a minor imported without a guardian, and settles it by linking the adult who signs for them', async () => {
    const minor = imported(kohaPeople).find((p) => p.minor && p.guardianCard === null)!;
    const adult = imported(kohaPeople).find((p) => !p.minor && p.category === 'PT')!;
    const account = await w.act(patronAccount, { cardNumber: minor.card });
    expect(account.summary.deskFlags).toEqual(['guardian-needed']);
    expect((await refusal(w.act(linkGuardian, { cardNumber: adult.card, guardianCardNumber: minor.card }))).code).toBe('GUARDIAN_NOT_NEEDED');
    expect((await refusal(w.act(linkGuardian, { cardNumber: minor.card, guardianCardNumber: 'NO-SUCH-CARD' }))).code).toBe('GUARDIAN_NOT_FOUND');
    await w.act(linkGuardian, { cardNumber: minor.card, guardianCardNumber: adult.card });
    expect((await refusal(w.act(linkGuardian, { cardNumber: minor.card, guardianCardNumber: adult.card }))).code).toBe('GUARDIAN_ALREADY_LINKED');
    const after = await w.act(patronAccount, { cardNumber: minor.card });
    expect(after.summary.deskFlags).toEqual([]);
    expect(after.guardianLinks.map((l) => l.role)).toEqual(['guardian']);
  });

  it('Koha PINs: bcrypt and MD5 open the account once and become argon2id; a wrong PIN does not, and changes nothing', async () => {
    const people = imported(kohaPeople);
    const sample = [...people.filter((p) => p.scheme === 'bcrypt').slice(0, 3), ...people.filter((p) => p.scheme === 'md5-base64').slice(0, 3)];
    expect(new Set(sample.map((p) => p.scheme))).toEqual(new Set(['bcrypt', 'md5-base64']));
    await expectPinsUpgrade(sample);
    const none = people.find((p) => p.scheme === 'none')!;
    expect((await refusal(patronLogin(w.runtime, LOGIN, { cardNumber: none.card, pin: '1234' }))).code).toBe('INVALID_CREDENTIALS');
  }, 120_000);

  it('Evergreen patrons (carlsbad-nm): imported, and their salted-MD5 bcrypt and old MD5 PINs open the account once and become argon2id', async () => {
    const path = file('evergreen-patrons.csv', egPeople.text);
    const report = await importFile({ file: path, kind: 'patrons', format: 'evergreen', libraryId: evergreen, mapping: { categories: { Patrons: 'adult', Juvenile: 'juvenile', Staff: 'staff' }, branches: { BR1: 'br1', BR2: 'br2' } } });
    reports.egPatrons = report;
    expect(report.imported).toBe(imported(egPeople).length);
    expect(report.rejected.map((r) => r.line)).toEqual(egPeople.people.filter((p) => p.expected === 'rejected').map((p) => p.line));
    expect(report.pins.evergreen! + report.pins.md5!).toBeGreaterThan(0);
    const people = imported(egPeople);
    await expectPinsUpgrade([...people.filter((p) => p.scheme === 'evergreen').slice(0, 3), ...people.filter((p) => p.scheme === 'md5').slice(0, 3)]);
  }, 240_000);

  it('loans (imagineif-mt): what is out lands on its item with its due date and renewals; every returned loan is left behind (IF-3)', async () => {
    const loans = kohaLoanFixture;
    const report = await importFile({ file: file('koha-loans.tsv', loans.text), kind: 'loans', format: 'koha', libraryId: koha, mapping: { branches: { CPL: 'cpl', MPL: 'mpl', FPL: 'fpl' } } });
    expect(report.rejectedCount).toBe(0);
    expect(report.imported).toBe(loans.current.length);
    const optedIn = loans.history.filter((h) => h.optedIn).length;
    expect(report.leftBehind).toEqual(
      expect.arrayContaining([
        { reason: 'not-opted-in', clause: 'IF-3', count: loans.history.length - optedIn },
        ...(optedIn > 0 ? [{ reason: 'loan-complete', clause: 'IF-3', count: optedIn }] : []),
      ]),
    );
    await expectCurrentLoans(koha, 'America/Denver', loans.current);
    expect(await database.db.selectFrom('loans').select('id').where('library_id', '=', koha).where('status', '!=', 'active').execute()).toEqual([]);
  }, 120_000);

  it('loans (carlsbad-nm): returned loans of patrons who opted in are kept back to twelve months (CB-F3); the rest are left behind', async () => {
    const loans = egLoanFixture;
    const report = await importFile({ file: file('eg-loans.csv', loans.text), kind: 'loans', format: 'evergreen', libraryId: evergreen, mapping: { branches: { BR1: 'br1', BR2: 'br2' } } });
    expect(report.rejectedCount).toBe(0);
    const cutoff = '2025-03-02';
    const kept = loans.history.filter((h) => h.optedIn && h.returnedAt > cutoff);
    expect(kept.length).toBeGreaterThan(0);
    expect(report.imported).toBe(loans.current.length + kept.length);
    expect(report.leftBehind).toEqual(
      expect.arrayContaining([
        { reason: 'not-opted-in', clause: 'CB-F3', count: loans.history.filter((h) => !h.optedIn).length },
        { reason: 'retention-ended', clause: 'CB-F3', count: loans.history.filter((h) => h.optedIn && h.returnedAt <= cutoff).length },
      ]),
    );
    await expectCurrentLoans(evergreen, 'America/Los_Angeles', loans.current);
    const returned = await database.db.selectFrom('loans').select(['ended_at']).where('library_id', '=', evergreen).where('status', '=', 'returned').execute();
    expect(returned).toHaveLength(kept.length);
    expect(returned.every((l) => (l.ended_at ?? '') > cutoff)).toBe(true);
    reports.egLoans = report;
  }, 120_000);

  it('holds: each queue keeps its order; waiting holds are on the shelf on their item', async () => {
    for (const [libraryId, fixture, format, mapping] of [
      [koha, kohaHolds({ people: kohaPeople.people, titles: catalogue.titles, today: TODAY, seed: 27, current: kohaLoanFixture.current }), 'koha', { CPL: 'cpl', MPL: 'mpl', FPL: 'fpl' }],
      [evergreen, evergreenHolds({ people: egPeople.people, titles: egCatalogue.titles, today: TODAY, seed: 28, current: egLoanFixture.current }), 'evergreen', { BR1: 'br1', BR2: 'br2' }],
    ] as const) {
      const report = await importFile({ file: file(`${libraryId}-holds.txt`, fixture.text), kind: 'holds', format, libraryId, mapping: { branches: mapping } });
      expect(report.rejected).toEqual([]);
      const queued = [...fixture.queues.values()].reduce((n, q) => n + q.length, 0);
      expect(report.imported).toBe(queued + fixture.waiting.length);
      const ids = await patronIdsByCard([...new Set([...[...fixture.queues.values()].flat(), ...fixture.waiting.map((h) => h.card)])]);
      for (const [controlNumber, cards] of fixture.queues) {
        const rows = await database.db
          .selectFrom('holds')
          .innerJoin('bib_records', 'bib_records.id', 'holds.record_id')
          .select('holds.patron_id')
          .where('bib_records.control_number', '=', controlNumber)
          .where('holds.library_id', '=', libraryId)
          .where('holds.status', '=', 'pending')
          .orderBy('holds.placed_at')
          .orderBy('holds.id')
          .execute();
        expect(rows.map((r) => r.patron_id)).toEqual(cards.map((c) => ids.get(c)!.id));
      }
      for (const hold of fixture.waiting) {
        const row = await database.db.selectFrom('holds').innerJoin('items', 'items.id', 'holds.item_id').select(['holds.status', 'items.status as itemStatus', 'holds.patron_id']).where('items.barcode', '=', hold.barcode).where('holds.library_id', '=', libraryId).executeTakeFirstOrThrow();
        expect(row).toEqual({ status: 'ready', itemStatus: 'on-hold-shelf', patron_id: ids.get(hold.card)!.id });
      }
    }
  }, 120_000);

  it('fines: what is owed lands on the patron with its kind; what was paid is left behind', async () => {
    const fines = kohaFines({ people: kohaPeople.people, titles: catalogue.titles, today: TODAY, seed: 29 });
    const report = await importFile({ file: file('koha-fines.tsv', fines.text), kind: 'fines', format: 'koha', libraryId: koha, mapping: { branches: {}, fineKinds: { OVERDUE: 'overdue', LOST: 'lost', MANUAL: 'fee' } } });
    expect(report.rejected).toEqual([]);
    expect(report.imported).toBe(fines.open.length);
    if (fines.paidRows > 0) expect(report.leftBehind).toEqual([{ reason: 'nothing-owed', clause: null, count: fines.paidRows }]);
    const stored = await database.db.selectFrom('fines').select(['kind', 'balance_cents']).where('library_id', '=', koha).execute();
    expect(stored.reduce((sum, f) => sum + Number(f.balance_cents), 0)).toBe(fines.open.reduce((sum, f) => sum + f.amountCents, 0));
    expect(countBy(stored, (f) => f.kind)).toEqual(countBy(fines.open, (f) => f.kind));
    const eg = evergreenFines({ people: egPeople.people, titles: egCatalogue.titles, today: TODAY, seed: 30 });
    const egReport = await importFile({ file: file('eg-fines.csv', eg.text), kind: 'fines', format: 'evergreen', libraryId: evergreen, mapping: { branches: {}, fineKinds: { 'Overdue materials': 'overdue', 'Lost Materials': 'lost', Miscellaneous: 'fee' } } });
    expect(egReport.imported).toBe(eg.open.length);
  }, 120_000);

  it('a generic CSV: PINs in the clear are hashed at import and never kept', async () => {
    const rows = ['Card,Full name,Born,Kind,PIN', '880000000001,Quintessa Vølund-Marchetti,1970-01-02,adult,739205816344', '880000000002,Bartholomew Oyelaran-Figueroa,1982-11-30,adult,602718394455'];
    const path = file('generic.csv', `${rows.join('\n')}\n`);
    const report = await importFile({ file: path, kind: 'patrons', format: 'csv', libraryId: koha, mapping: { columns: { cardNumber: 'Card', name: 'Full name', birthDate: 'Born', category: 'Kind', pin: 'PIN' }, categories: { adult: 'adult' } } });
    expect(report).toMatchObject({ imported: 2, pins: { 'hashed-at-import': 2 } });
    expect((await patronLogin(w.runtime, LOGIN, { cardNumber: '880000000001', pin: '739205816344' })).patron.libraryId).toBe(koha);
    // A card the old system had as lost stays lost: its PIN opens nothing (JC-IVa).
    const lost = file('generic-lost.csv', 'Card,Full name,Born,Kind,PIN,Standing\n880000000003,Philippa Żurawska-Nakamura,1966-07-19,adult,481516234200,lost\n');
    const lostReport = await importFile({ file: lost, kind: 'patrons', format: 'csv', libraryId: koha, mapping: { columns: { cardNumber: 'Card', name: 'Full name', birthDate: 'Born', category: 'Kind', pin: 'PIN', status: 'Standing' }, categories: { adult: 'adult' } } });
    expect(lostReport.byStatus).toEqual({ 'card-lost': 1 });
    expect((await refusal(patronLogin(w.runtime, LOGIN, { cardNumber: '880000000003', pin: '481516234200' }))).code).toBe('INVALID_CREDENTIALS');
    // A fine partly paid in the old system: what was charged, and what is still owed.
    const fines = file('generic-fines.csv', 'Card,Owed,Charged,Kind,On\n880000000001,2.00,5.00,overdue,2026-02-01\n');
    await importFile({ file: fines, kind: 'fines', format: 'csv', libraryId: koha, mapping: { columns: { cardNumber: 'Card', amount: 'Owed', originalAmount: 'Charged', kind: 'Kind', createdAt: 'On' }, fineKinds: { overdue: 'overdue' } } });
    const fine = await database.db.selectFrom('fines').innerJoin('patrons', 'patrons.id', 'fines.patron_id').select(['fines.amount_cents', 'fines.balance_cents']).where('patrons.card_hash', '=', w.runtime.vault.blind('card', '880000000001')).executeTakeFirstOrThrow();
    expect([Number(fine.amount_cents), Number(fine.balance_cents)]).toEqual([500, 200]);
  }, 60_000);

  it('after the library’s legacy-PIN days, hashes still in an old scheme are dropped; the patron resets at the desk', async () => {
    await w.act(updateLibrarySettings, { libraryId: koha, legacyPinDays: 30 });
    const legacy = async () => Number((await database.db.selectFrom('patrons').select((eb) => eb.fn.countAll<number>().as('n')).where('library_id', '=', koha).where('pin_scheme', 'in', ['bcrypt', 'md5-base64']).executeTakeFirstOrThrow()).n);
    const waiting = await legacy();
    expect(waiting).toBeGreaterThan(0);
    // An import left part-way is abandoned after a week, and its duplicate-finding keys go.
    await w.act(startImport, { libraryId: koha, kind: 'patrons', format: 'koha', fileSha256: 'a-file-never-finished', columnsIgnored: [] }, { purpose: 'administration' });
    expect(await w.act(dropLegacyPins, { libraryId: koha })).toEqual({ dropped: 0, abandoned: 0 });
    w.clock.advanceDays(31);
    expect(await w.act(dropLegacyPins, { libraryId: koha })).toEqual({ dropped: waiting, abandoned: 1 });
    expect((await database.db.selectFrom('import_runs').select('status').where('file_sha256', '=', 'a-file-never-finished').executeTakeFirstOrThrow()).status).toBe('abandoned');
    expect(await legacy()).toBe(0);
    // A patron who never logged in: their old PIN no longer opens the account.
    const person = imported(kohaPeople).filter((p) => p.scheme === 'bcrypt')[20]!;
    expect((await refusal(patronLogin(w.runtime, LOGIN, { cardNumber: person.card, pin: person.pin! }))).code).toBe('INVALID_CREDENTIALS');
    // One who logged in in time (the PIN test's first) keeps the argon2id hash their log-in made.
    const early = imported(kohaPeople).filter((p) => p.scheme === 'bcrypt')[0]!;
    expect((await patronLogin(w.runtime, LOGIN, { cardNumber: early.card, pin: early.pin! })).patron.libraryId).toBe(koha);
  }, 60_000);

  it('no imported name, email or PIN is in the database’s bytes (the SQLite file and its WAL, every PostgreSQL table)', async () => {
    const secrets = [...kohaPeople.secrets, ...egPeople.secrets].filter((s) => s.length >= 10 && !/^\d+$/.test(s));
    secrets.push('Quintessa Vølund-Marchetti', 'Bartholomew Oyelaran-Figueroa', '739205816344', '602718394455');
    // Nor the unsalted MD5 of an imported PIN (as good as the PIN): only its argon2id wrapping is kept.
    for (const p of [...kohaPeople.people, ...egPeople.people].filter((q) => q.expected === 'imported' && q.pin !== null && (q.scheme === 'md5' || q.scheme === 'md5-base64')))
      secrets.push(p.scheme === 'md5' ? createHash('md5').update(p.pin!).digest('hex') : createHash('md5').update(p.pin!).digest('base64').replace(/=+$/, ''));
    expect(secrets.length).toBeGreaterThan(1000);
    let haystack: string;
    if (engine === 'sqlite') {
      const folder = database.target.replace(/\/[^/]+$/, '');
      haystack = readdirSync(folder)
        .map((f) => readFileSync(join(folder, f)).toString('utf8'))
        .join('\n');
    } else {
      const tables = await sql<{ s: string; t: string }>`select table_schema as s, table_name as t from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`.execute(database.db);
      const parts: string[] = [];
      for (const { s, t } of tables.rows) parts.push(...(await sql<Record<string, unknown>>`select * from ${sql.raw(`"${s}"."${t}"`)}`.execute(database.db)).rows.map((r) => JSON.stringify(r)));
      haystack = parts.join('\n');
    }
    expect(findIn(haystack, secrets)).toEqual([]);
    // The scan finds plaintext where there is some: the library's own name is not personal data.
    expect(findIn(haystack, ['Test Library', ...secrets.slice(0, 3)])).toEqual(['Test Library']);
  }, 120_000);

  async function expectPinsUpgrade(sample: FixturePerson[]) {
    const before = await patronIdsByCard(sample.map((p) => p.card));
    for (const p of sample) expect(before.get(p.card)?.pin_scheme).toBe(p.scheme);
    // An unsalted MD5 is never kept bare: wrapped in argon2id at import.
    for (const p of sample.filter((s) => s.scheme === 'md5' || s.scheme === 'md5-base64'))
      expect((await database.db.selectFrom('patrons').select('pin_hash').where('id', '=', before.get(p.card)!.id).executeTakeFirstOrThrow()).pin_hash).toMatch(/^\$argon2id\$/);
    for (const p of sample) {
      const wrong = p.pin === '9999' ? '8888' : '9999';
      expect((await refusal(patronLogin(w.runtime, LOGIN, { cardNumber: p.card, pin: wrong }))).code).toBe('INVALID_CREDENTIALS');
      expect((await patronIdsByCard([p.card])).get(p.card)?.pin_scheme).toBe(p.scheme);
      expect((await patronLogin(w.runtime, LOGIN, { cardNumber: p.card, pin: p.pin! })).patron.id).toBe(before.get(p.card)!.id);
      const after = await database.db.selectFrom('patrons').select(['pin_scheme', 'pin_hash']).where('id', '=', before.get(p.card)!.id).executeTakeFirstOrThrow();
      expect(after.pin_scheme).toBe('argon2id');
      expect(after.pin_hash).toMatch(/^\$argon2id\$/);
      // And again with the new hash.
      expect((await patronLogin(w.runtime, LOGIN, { cardNumber: p.card, pin: p.pin! })).patron.id).toBe(before.get(p.card)!.id);
    }
  }

  async function expectCurrentLoans(libraryId: string, zone: string, current: readonly { card: string; barcode: string; dueDate: string; renewals: number }[]) {
    const ids = await patronIdsByCard(current.map((l) => l.card));
    const rows = await database.db
      .selectFrom('loans')
      .innerJoin('items', 'items.id', 'loans.item_id')
      .select(['items.barcode', 'items.status', 'loans.patron_id', 'loans.due_at', 'loans.renewals'])
      .where('loans.library_id', '=', libraryId)
      .where('loans.status', '=', 'active')
      .execute();
    expect(rows).toHaveLength(current.length);
    const byBarcode = new Map(rows.map((r) => [r.barcode, r]));
    for (const loan of current) {
      const row = byBarcode.get(loan.barcode);
      expect(row).toMatchObject({ status: 'on-loan', patron_id: ids.get(loan.card)!.id, renewals: loan.renewals });
      // The due date is the day the old system said, in the library's time zone.
      expect(DateTime.fromISO(row!.due_at).setZone(zone).toISODate()).toBe(loan.dueDate);
    }
  }

  async function count(table: 'patrons' | 'import_keys') {
    return Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  }
});

/**
 * Which of `needles` occur in `haystack`: each needle is filed under its first eight characters, and a
 * window of eight slides once over the haystack (a needle per call to includes() would read a database's
 * bytes thousands of times).
 */
function findIn(haystack: string, needles: readonly string[]): string[] {
  const byPrefix = new Map<string, string[]>();
  for (const needle of needles) byPrefix.set(needle.slice(0, 8), [...(byPrefix.get(needle.slice(0, 8)) ?? []), needle]);
  const found = new Set<string>();
  for (let i = 0; i + 8 <= haystack.length; i++) {
    const candidates = byPrefix.get(haystack.slice(i, i + 8));
    if (candidates) for (const needle of candidates) if (haystack.startsWith(needle, i)) found.add(needle);
  }
  return needles.filter((n) => found.has(n));
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}
