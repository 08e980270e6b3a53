/**
 * Every patron-related table carries `library_id`, and every statement the desk's use cases run on one
 * is scoped to a library (issue 23; docs/SCALING.md, "The library-scoping rule"). This is what lets a
 * distributed PostgreSQL (Citus) shard those tables by library and route each desk statement to one
 * shard, and what keeps one library's rows out of another's answers on one server today.
 *
 * Patron-related: a table with a column naming a patron (`patron_id`, `*_patron_id`) or one the data
 * inventory (src/policy/inventory.ts) stores a record category in. The exceptions below have no
 * `library_id` of their own, each for the reason given; docs/SCALING.md lists what distributing them
 * would need.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../src/policy/actors.js';
import { inventoryTables } from '../src/policy/inventory.js';
import { openDatabase, type Database } from '../src/storage/database.js';
import { checkin, checkout, renew } from '../src/usecases/circulation.usecases.js';
import { pay } from '../src/usecases/fine.usecases.js';
import { placeHold } from '../src/usecases/hold.usecases.js';
import { exportPatron, patronAccount } from '../src/usecases/patron.usecases.js';
import { run } from '../src/usecases/context.js';
import { ENGINES, freshDatabase, type TestDatabase } from './engines.js';
import { buildItem, buildLibrary, buildPatron, world, type World } from './factories.js';

/** Patron-related tables without `library_id`, and why each may be. */
const EXCEPTIONS: Record<string, string> = {
  vendor_authorisations: 'keyed by (patron_id, vendor_id): reached only through a patron found in its library; to distribute, add library_id (the patron’s)',
  desk_identifications: 'a desk’s handle for a patron identified without a card, minutes long, keyed by the handle’s hash and the patron found in its library',
  legal_hold_patrons: 'the patrons a legal hold names: a child of legal_holds (which has library_id), always reached by hold_id',
  legal_request_patrons: 'the patrons a legal request names: a child of legal_requests (which has library_id), always reached by request_id',
  payment_allocations: 'how a payment settled fines: a child of payments and fines (both have library_id), reached by payment_id or fine_id',
  oidc_store: 'the sign-in provider’s artefacts (sessions, codes, grants), keyed by the provider’s own ids (model, id); account_id is the patron’s id, set only after the patron signed in through their library, and used only to delete a patron’s artefacts',
  import_keys: 'an import run’s duplicate-finding hashes, kept during the run only: a child of import_runs (which has library_id), reached by run_id',
};

/**
 * Statements that look across libraries on purpose, each with its reason (docs/SCALING.md, "Queries that
 * cross libraries"). Matched on the statement's text with spaces collapsed.
 */
const CROSS_LIBRARY: { pattern: RegExp; reason: string }[] = [
  {
    pattern: /^select \* from "patrons" where "card_hash" = (\$1|\?)( for no key update)?$/,
    reason:
      'a card presented at the desk is found by its blind index across the consortium (card numbers are unique installation-wide, and a patron may be served by every library that shares patrons with theirs); whether the actor reaches that patron is decided next, by scope.policy through patron-access.ts, and a patron out of reach answers PATRON_NOT_FOUND. A check-out locks the row in the same read (PostgreSQL) so its counts see every committed change; a patron out of reach is let go when the refusal rolls back, untouched',
  },
];

/** Columns of every table, from the database itself (migrations are the truth, not a list kept here). */
async function columnsByTable(database: Database): Promise<Map<string, Set<string>>> {
  const rows =
    database.engine === 'postgres'
      ? (
          await sql<{ table_name: string; column_name: string }>`select table_name, column_name from information_schema.columns where table_schema = current_schema()`.execute(database.db)
        ).rows
      : (
          await sql<{ table_name: string; column_name: string }>`select m.name as table_name, p.name as column_name from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table'`.execute(database.db)
        ).rows;
  const tables = new Map<string, Set<string>>();
  for (const row of rows) {
    if (row.table_name.startsWith('kysely_') || row.table_name.startsWith('sqlite_') || row.table_name.includes('_fts')) continue;
    if (!tables.has(row.table_name)) tables.set(row.table_name, new Set());
    tables.get(row.table_name)!.add(row.column_name);
  }
  return tables;
}

function patronRelated(tables: Map<string, Set<string>>): string[] {
  const inInventory = inventoryTables();
  return [...tables.entries()]
    .filter(([name, columns]) => inInventory.has(name) || [...columns].some((c) => c === 'patron_id' || c.endsWith('_patron_id')))
    .map(([name]) => name)
    .sort();
}

/** The tables a statement names (FROM, JOIN, INTO, UPDATE), by Kysely's quoting. */
function tablesOf(statement: string): string[] {
  return [...statement.matchAll(/\b(?:from|join|into|update)\s+"(\w+)"/gi)].map((m) => m[1] as string);
}

/**
 * The rule: a statement on a patron-related table is scoped when
 * - it writes a row (INSERT) whose columns include `library_id`; or
 * - it reads, changes or deletes rows with `library_id` in its conditions; or
 * - it is keyed by an identifier (`id`, `patron_id`, or another `*_id`) equal to a value, or in a list of
 *   values: a row the use case reached through a library-checked look-up (patron-access.ts,
 *   library-access.ts), which the use-case tests prove.
 * A statement with none of these (a scan of a patron table across libraries) is not scoped.
 */
function scoped(statement: string, table: string, hasLibraryId: boolean): boolean {
  const s = statement.replace(/\s+/g, ' ');
  if (/^insert\b/i.test(s)) return !hasLibraryId || new RegExp(`insert into "${table}" \\([^)]*"library_id"`, 'i').test(s);
  if (/"library_id"/.test(s)) return true;
  return /"(?:\w+\.)?(?:id|\w+_id)"\s*(?:=\s*\$\d+|=\s*\?|in\s*\()/i.test(s.replace(/"\w+"\."/g, '"'));
}

describe.each(ENGINES)('library scoping on %s', (engine) => {
  let database: TestDatabase;
  let traced: Database;
  let w: World;
  const statements: string[] = [];

  beforeAll(async () => {
    database = await freshDatabase(engine);
    traced = openDatabase(database.target, { poolSize: 2, onQuery: (text) => statements.push(text) });
    database.onDrop(() => traced.close());
    const base = await world(database);
    const runtime = { ...base.runtime, db: traced.db };
    w = {
      ...base,
      runtime,
      act: (useCase, input, options = {}) => run(runtime, { actor: options.actor ?? SYSTEM, purpose: options.purpose ?? 'circulation', channel: 'cli' }, useCase, input),
    };
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('every patron-related table carries library_id, or is a listed exception with its reason', async () => {
    const tables = await columnsByTable(database);
    const related = patronRelated(tables);
    expect(related.length).toBeGreaterThan(15);
    const missing = related.filter((t) => !tables.get(t)!.has('library_id') && !(t in EXCEPTIONS));
    expect(missing, 'patron-related tables without library_id and without a stated reason').toEqual([]);
    // An exception that gained library_id (or stopped being patron-related) leaves the list.
    const stale = Object.keys(EXCEPTIONS).filter((t) => !related.includes(t) || tables.get(t)!.has('library_id'));
    expect(stale).toEqual([]);
  });

  it('every statement the desk runs on a patron-related table is scoped to a library (the rule in docs/SCALING.md)', async () => {
    const { library } = await buildLibrary(w);
    const { library: other } = await buildLibrary(w);
    const patron = await buildPatron(w, { libraryId: library.id });
    await buildPatron(w, { libraryId: other.id });
    const items = [await buildItem(w, { libraryId: library.id }), await buildItem(w, { libraryId: library.id })];
    await buildItem(w, { libraryId: other.id });

    statements.length = 0;
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: items[0]!.barcode });
    await w.act(placeHold, { cardNumber: patron.cardNumber, itemBarcode: items[1]!.barcode });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: items[1]!.barcode });
    w.clock.advanceDays(30);
    await w.act(renew, { itemBarcode: items[0]!.barcode }).catch(() => undefined);
    await w.act(checkin, { itemBarcode: items[0]!.barcode });
    await w.act(checkin, { itemBarcode: items[1]!.barcode });
    await w.act(pay, { cardNumber: patron.cardNumber, amountCents: 25 }).catch(() => undefined);
    await w.act(patronAccount, { cardNumber: patron.cardNumber }, { purpose: 'account-service' });
    await w.act(exportPatron, { cardNumber: patron.cardNumber }, { purpose: 'account-service' });

    const tables = await columnsByTable(database);
    const related = new Set(patronRelated(tables));
    const unscoped: string[] = [];
    let checked = 0;
    for (const statement of statements) {
      for (const table of new Set(tablesOf(statement))) {
        if (!related.has(table)) continue;
        checked++;
        if (CROSS_LIBRARY.some((c) => c.pattern.test(statement.replace(/\s+/g, ' ').trim()))) continue;
        if (!scoped(statement, table, tables.get(table)!.has('library_id'))) unscoped.push(`${table}: ${statement.slice(0, 300)}`);
      }
    }
    expect(checked, 'statements on patron-related tables were recorded').toBeGreaterThan(20);
    expect(unscoped).toEqual([]);
  });

  it('the rule refuses a scan of a patron table and accepts a library filter or a key', () => {
    expect(scoped('select * from "loans" where "ended_at" is null', 'loans', true)).toBe(false);
    expect(scoped('select * from "loans" where "library_id" = $1 and "ended_at" is null', 'loans', true)).toBe(true);
    expect(scoped('update "loans" set "renewals" = $1 where "id" = $2', 'loans', true)).toBe(true);
    expect(scoped('insert into "loans" ("id", "patron_id") values ($1, $2)', 'loans', true)).toBe(false);
    expect(scoped('insert into "loans" ("id", "library_id", "patron_id") values ($1, $2, $3)', 'loans', true)).toBe(true);
  });
});
