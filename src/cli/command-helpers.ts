/**
 * What every command file shares: the global flags, the clock a command runs with, running a use case as
 * the system actor, and what main.ts lends each area. Nothing here opens a database or a vault; that is
 * the composition root's (runtime.ts).
 */
import type { Command, Option } from 'commander';
import type { Config } from '../config.js';
import { fixedClock, parseInstant, systemClock, type Clock } from '../domain/clock.js';
import { ErrorCode, refuse } from '../domain/errors.js';
import { SYSTEM, type Purpose } from '../policy/actors.js';
import { run, type Runtime, type UseCase } from '../usecases/context.js';
import type { LocalTimes } from './local-times.js';

export interface GlobalOptions {
  db?: string;
  json?: boolean;
  asOf?: string;
}

/** The clock a command runs with: the system's, or the instant given with `--as-of`. */
export function clockFor(asOf: string | undefined): Clock {
  if (asOf === undefined) return systemClock;
  const instant = parseInstant(asOf);
  if (!instant) throw refuse(ErrorCode.INVALID_DATE, '--as-of takes a date (YYYY-MM-DD) or an ISO-8601 instant with an offset.', 'as-of');
  return fixedClock(instant);
}

/** Runs one use case as the system actor (the operator at the command line). */
export function systemRun(runtime: Runtime, purpose: Purpose) {
  return <I, O>(useCase: UseCase<I, O>, input: I): Promise<O> => run(runtime, { actor: SYSTEM, purpose, channel: 'cli' }, useCase, input);
}

/** What main.ts lends each area's commands. */
export interface CommandHelpers {
  /** Opens the database for one command, runs it with the command's clock, and always closes it. */
  withRuntime<T>(opts: GlobalOptions, create: boolean, body: (runtime: Runtime) => Promise<T>): Promise<T>;
  /** Runs one use case as the system actor for `purpose` on the command's database (`withRuntime` and `systemRun` in one). */
  runAs(opts: GlobalOptions, purpose: Purpose): <I, O>(useCase: UseCase<I, O>, input: I) => Promise<O>;
  /**
   * `runAs`, and the libraries' local times (src/cli/local-times.ts) read on the same database, for a
   * command whose output carries instants meant for people (due dates, deadlines, expiries).
   */
  runWithTimes(opts: GlobalOptions, purpose: Purpose): <I, O>(useCase: UseCase<I, O>, input: I) => Promise<{ result: O; times: LocalTimes }>;
  /** The global flags (`--db`, `--json`) together with the command's own. */
  globals(command: Command): GlobalOptions;
  /** The `--as-of` option a command adds to run with its own clock. */
  asOf(): Option;
  config: Config;
  version: string;
}
