import { DateTime } from 'luxon';
import { SYSTEM } from '../policy/actors.js';
import { listLibraries } from '../usecases/library.usecases.js';
import { run, type Runtime } from '../usecases/context.js';

/**
 * Instants as a library's people read them. Carrel stores and answers instants (UTC, ISO 8601; the JSON
 * of every command keeps them so: it is a contract); a due date is the end of a library day in the
 * library's time zone, so `2026-12-26T06:59:59.999Z` is 25 December in America/Denver, and that day is
 * what the command's human output prints.
 */
export interface LocalTimes {
  /**
   * An instant in the library's time zone: the date alone when it is the end of a local day (a due date,
   * a pick-up deadline, a card's expiry), else the date and time with the zone's abbreviation.
   */
  when(instant: string, libraryId?: string): string;
  /** The library's local date (YYYY-MM-DD) of an instant. */
  day(instant: string, libraryId?: string): string;
}

/**
 * The local times of an installation whose libraries have these time zones (library id → IANA zone).
 * An instant printed without its library takes the one zone all libraries share; in a consortium spread
 * over zones, the zone in which the instant ends a day (due dates and deadlines do), else UTC, said so.
 */
export function localTimes(zones: ReadonlyMap<string, string>): LocalTimes {
  const distinct = [...new Set(zones.values())];
  const zoneFor = (at: DateTime, libraryId: string | undefined): string => {
    const own = libraryId === undefined ? undefined : zones.get(libraryId);
    if (own) return own;
    if (distinct.length === 1) return distinct[0] as string;
    return distinct.find((zone) => endsADay(at.setZone(zone))) ?? 'UTC';
  };
  const parse = (instant: string) => DateTime.fromISO(instant, { zone: 'UTC' });
  return {
    when(instant, libraryId) {
      if (!instant.includes('T')) return instant; // already a date (YYYY-MM-DD): a library day, not an instant
      const at = parse(instant);
      if (!at.isValid) return instant;
      const local = at.setZone(zoneFor(at, libraryId));
      return endsADay(local) ? (local.toISODate() as string) : local.toFormat('yyyy-MM-dd HH:mm ZZZZ', { locale: 'en-US' });
    },
    day(instant, libraryId) {
      const at = parse(instant);
      return at.isValid ? (at.setZone(zoneFor(at, libraryId)).toISODate() as string) : instant;
    },
  };
}

/** The last millisecond of a local day: how Carrel stores due dates, pick-up deadlines and expiries. */
function endsADay(local: DateTime): boolean {
  return local.hour === 23 && local.minute === 59 && local.second === 59 && local.millisecond === 999;
}

/** The local times of the installation a command runs on (the libraries' time zones, read as the system). */
export async function libraryTimes(runtime: Runtime): Promise<LocalTimes> {
  const libraries = await run(runtime, { actor: SYSTEM, purpose: 'administration', channel: 'cli' }, listLibraries, undefined);
  return localTimes(new Map(libraries.map((l) => [l.id, l.timeZone])));
}
