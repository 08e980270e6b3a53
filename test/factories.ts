import { DomainError } from '../src/domain/errors.js';
import { ManualClock } from '../src/domain/clock.js';
import type { LoanRuleInput } from '../src/domain/types.js';
import { SYSTEM, type Actor, type Purpose } from '../src/policy/actors.js';
import type { Database } from '../src/storage/database.js';
import { keyStoreTargetFor, openKeyStore } from '../src/storage/key-store.js';
import { randomKey } from '../src/vault/cipher.js';
import { Keyring } from '../src/vault/keyring.js';
import { Vault } from '../src/vault/vault.js';
import { freshDatabase, type TestDatabase } from './engines.js';
import type { Engine } from '../src/storage/database.js';
import { run, type Runtime, type UseCase } from '../src/usecases/context.js';
import { addItem, type AddItemInput } from '../src/usecases/item.usecases.js';
import { createLibrary, setLoanRule, type CreateLibraryInput } from '../src/usecases/library.usecases.js';
import { registerPatron, type RegisterPatronInput } from '../src/usecases/patron.usecases.js';

/** A test world: a database, a clock the test moves, and helpers that run use cases as an actor. */
export interface World {
  runtime: Runtime;
  clock: ManualClock;
  /** Runs a use case as the system actor (or `actor`) for `purpose`. */
  act<I, O>(useCase: UseCase<I, O>, input: I, options?: { actor?: Actor; purpose?: Purpose }): Promise<O>;
}

export const START = '2026-03-02T17:00:00.000Z'; // a Monday, 10:00 in Denver

/**
 * A world on a test database: a clock the test moves, and a vault with a fresh random key ring and its own
 * key store (beside the SQLite file, or the carrel_keys schema of the PostgreSQL database).
 */
export async function world(database: TestDatabase, at: string = START): Promise<World> {
  const clock = new ManualClock(at);
  const store = await openKeyStore(keyStoreTargetFor(database.target));
  database.onDrop(store.close);
  const vault = await Vault.open({ keyring: new Keyring([randomKey()], { kind: 'env' }), store, now: clock.now() });
  const runtime: Runtime = { db: database.db, clock, vault };
  return {
    runtime,
    clock,
    act: (useCase, input, options = {}) =>
      run(runtime, { actor: options.actor ?? SYSTEM, purpose: options.purpose ?? 'circulation', channel: 'cli' }, useCase, input),
  };
}

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

/** A library with a main branch, adult and juvenile categories and the fallback rule (21 days, 2 renewals, 25¢/day up to $5). */
export async function buildLibrary(w: World, overrides: Partial<CreateLibraryInput> = {}) {
  const { library, branches } = await w.act(createLibrary, { id: `lib-${unique()}`, name: 'Test Library', timeZone: 'America/Denver', ...overrides });
  return { library, branch: branches[0]!, branches };
}

export async function buildRule(w: World, rule: Partial<LoanRuleInput> & { libraryId: string }) {
  return w.act(setLoanRule, { patronCategory: '*', itemType: '*', loanDays: 21, renewals: 2, finePerDayCents: 25, maxFineCents: 500, ...rule });
}

/** A registered adult patron (or with overrides, anyone). */
export async function buildPatron(w: World, overrides: Partial<RegisterPatronInput> & { libraryId: string }) {
  // Every factory patron carries a marker in its name and contact fields: the run's log scan looks for it.
  return w.act(registerPatron, { name: `Pat Marker${unique()}`, birthDate: '1985-06-15', email: `marker.${unique()}@example.org`, ...overrides });
}

export async function buildItem(w: World, overrides: Partial<AddItemInput> & { libraryId: string }) {
  return w.act(addItem, { barcode: `B${unique()}`.slice(0, 32), title: 'A Test Book', ...overrides });
}

/** Rows in a table: to prove a refused request changed nothing. */
export async function countRows(database: Database, table: 'loans' | 'fines' | 'holds' | 'payments' | 'patrons' | 'items' | 'access_log'): Promise<number> {
  const row = await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The refusal a use case answered with; fails the test if it succeeded or threw anything else. */
export async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

/** The codes of every problem a use case refused with. */
export async function refusalCodes(promise: Promise<unknown>): Promise<string[]> {
  return (await refusal(promise)).problems.map((p) => p.code);
}

/**
 * The usual start of a test file: a fresh database of `engine`, a world on it and one library (main
 * branch, adult and juvenile categories, the fallback rule). Call in `beforeAll`; `drop` the database in
 * `afterAll`.
 */
export async function libraryWorld(engine: Engine): Promise<{ database: TestDatabase; w: World; libraryId: string }> {
  const database = await freshDatabase(engine);
  const w = await world(database);
  return { database, w, libraryId: (await buildLibrary(w)).library.id };
}
