import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, libraryWorld, type World } from '../../test/factories.js';
import { libraryConfigVersion } from './library.repository.js';

/**
 * Migration 0032's triggers: every write to a library's configuration, whoever makes it, replaces the
 * library's `config_version`, and only that library's. Each write below is plain SQL, as an operator's
 * or an import's would be, so nothing in Carrel's code could stand in for the trigger.
 */
describe.each(ENGINES)('the configuration version on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let otherId: string;

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    otherId = (await buildLibrary(w)).library.id;
  });
  afterAll(() => database.drop());

  /** Runs `write` and says whether this library's version changed, checking the other library's did not. */
  async function changes(write: string): Promise<boolean> {
    const [before, otherBefore] = [await libraryConfigVersion(database.db, libraryId), await libraryConfigVersion(database.db, otherId)];
    await sql.raw(write.replaceAll(':library', `'${libraryId}'`)).execute(database.db);
    expect(await libraryConfigVersion(database.db, otherId)).toBe(otherBefore);
    const after = await libraryConfigVersion(database.db, libraryId);
    expect(after).toMatch(/^[0-9a-f-]{32,36}$/);
    return after !== before;
  }

  const branchId = `br-${Math.random().toString(36).slice(2)}`;
  const writes: [string, string][] = [
    ['the library row', `update libraries set slip_footer = 'Thank you' where id = :library`],
    ['a branch added', `insert into branches (id, library_id, code, name, address, opening_hours) values ('${branchId}', :library, 'ZZ', 'Annex', null, '{}')`],
    ['a branch edited', `update branches set opening_hours = '{"mon":[["09:00","17:00"]]}' where id = '${branchId}'`],
    ['a category added', `insert into patron_categories (library_id, code, name, max_loans, min_age, max_age, card_validity_months) values (:library, 'zz', 'Visitor', 2, null, null, null)`],
    ['a category edited', `update patron_categories set max_loans = 5 where library_id = :library and code = 'zz'`],
    ['an item type added', `insert into item_types (library_id, code, name) values (:library, 'zz', 'Zines')`],
    ['a rule added', `insert into circulation_rules (library_id, branch_code, patron_category, item_type, loan_days, renewals, fine_per_day_cents, max_fine_cents, holdable, hold_pickup_days) values (:library, 'ZZ', 'zz', 'zz', 7, 0, 0, 0, 1, null)`],
    ['a rule edited', `update circulation_rules set loan_days = 8 where library_id = :library and branch_code = 'ZZ'`],
    ['a rule removed', `delete from circulation_rules where library_id = :library and branch_code = 'ZZ'`],
    ['a closed day added', `insert into closed_days (id, library_id, branch_id, starts_on, ends_on, reason, created_at) values ('cd-1', :library, null, '2031-01-01', '2031-01-01', 'Holiday', '2026-01-01T00:00:00Z')`],
    ['a closed day removed', `delete from closed_days where id = 'cd-1'`],
    ['an item type removed', `delete from item_types where library_id = :library and code = 'zz'`],
    ['a category removed', `delete from patron_categories where library_id = :library and code = 'zz'`],
    ['a branch removed', `delete from branches where id = '${branchId}'`],
  ];

  it.each(writes)('changes with %s', async (_what, write) => {
    expect(await changes(write)).toBe(true);
  });

  it('stays when nothing of the configuration changes', async () => {
    expect(await changes(`select 1`)).toBe(false);
    expect(await changes(`update items set status = status where library_id = :library`)).toBe(false);
  });
});
