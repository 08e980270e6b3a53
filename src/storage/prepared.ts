import type { CompiledQuery, Compilable, Kysely, QueryResult, Transaction } from 'kysely';
import { engineOf, type Db, type Engine } from './database.js';

/** Any Kysely handle or transaction: the data database's or the key store's. */
type AnyDb = Kysely<any> | Transaction<any>;

/**
 * A repository query built and compiled once per engine, then run with fresh arguments: the
 * application-side counterpart of a prepared statement. Building a Kysely query and compiling it to
 * SQL costs more than a point look-up on SQLite; the circulation desk's hot path runs ~25 of them per
 * check-out and check-in.
 *
 * The builder is called once with placeholder arguments, which must be used only as values in the query
 * (where, values, set): an argument that changed the query's shape would be caught at that first call.
 */
export function prepared<A extends readonly unknown[], R, D extends AnyDb = Db>(build: (db: D, ...args: A) => Compilable<R>): (db: D, ...args: A) => Promise<QueryResult<R>> {
  const compiled = new Map<Engine, { query: CompiledQuery<R>; slots: Slot[] }>();
  return async (db, ...args) => {
    const engine = engineOf(db);
    let entry = compiled.get(engine);
    if (!entry) {
      entry = compileOnce(db, build, args.length);
      compiled.set(engine, entry);
    }
    const parameters = entry.slots.map((slot) => (slot.kind === 'arg' ? (args[slot.index] ?? null) : slot.value));
    return db.executeQuery<R>({ ...entry.query, parameters });
  };
}

type Slot = { kind: 'arg'; index: number } | { kind: 'constant'; value: unknown };

const MARK = '\u0000carrel-argument-';

function compileOnce<A extends readonly unknown[], R, D extends AnyDb>(db: D, build: (db: D, ...args: A) => Compilable<R>, arity: number) {
  const placeholders = Array.from({ length: arity }, (_, i) => `${MARK}${i}\u0000`);
  const query = build(db, ...(placeholders as unknown as A)).compile();
  const used = new Set<number>();
  const slots: Slot[] = query.parameters.map((value) => {
    if (typeof value === 'string' && value.includes(MARK)) {
      const index = placeholders.indexOf(value);
      if (index < 0) throw new Error('A prepared query used an argument inside a larger value; pass it as a value of its own.');
      used.add(index);
      return { kind: 'arg', index };
    }
    return { kind: 'constant', value };
  });
  if (used.size !== arity || query.sql.includes(MARK)) throw new Error('A prepared query used an argument to shape the query; only values may vary.');
  return { query, slots };
}

/**
 * A prepared insert of one whole row into `table`: the columns are fixed once, the values bound per call.
 */
export function preparedInsert<Row extends Record<string, unknown>>(table: string, columns: readonly (keyof Row & string)[]): (db: Db, row: Row) => Promise<void> {
  const insert = prepared((db: Db, ...values: unknown[]) =>
    // The table name is fixed at definition; Kysely's typed builders cannot express a table chosen at run time.
    (db as unknown as import('kysely').Kysely<Record<string, Record<string, unknown>>>).insertInto(table).values(Object.fromEntries(columns.map((c, i) => [c, values[i]]))),
  );
  return async (db, row) => {
    await insert(db, ...columns.map((c) => row[c]));
  };
}
