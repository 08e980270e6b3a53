/**
 * Record series kept outside Carrel (security-camera footage CB-H / RF-9, paper sign-up sheets JC-III):
 * when is a series due for disposal? Pure: the caller passes the series, its latest confirmation and
 * `now`. A retention of N days means that at `now` everything recorded before `now − N days` (the
 * cutoff) must already have been destroyed.
 *
 * Instants are exclusive bounds: "disposed through T" means everything recorded before T is gone, and a
 * series created at C held nothing recorded before C. So a series is due exactly when the instant it is
 * covered to lies before the cutoff; at the cutoff itself it is not due yet. Days are 24-hour spans.
 */

const DAY_MS = 86_400_000;

/** What the decider needs to know about a series. */
export interface SeriesRetention {
  retentionDays: number;
  /** When the series entered the register: nothing older is counted against it. */
  createdAt: string | Date;
}

/** Why a series is or is not due (logged and shown as is). */
export type SeriesDueReason =
  /** Never confirmed, and the register is younger than the retention: nothing can be overdue yet. */
  | 'within-retention-since-registered'
  /** The latest confirmation reaches the cutoff or beyond. */
  | 'confirmed-through-cutoff'
  /** Never confirmed, and the register is older than the retention. */
  | 'never-confirmed'
  /** The latest confirmation stops before the cutoff. */
  | 'confirmation-behind-cutoff';

export type SeriesDueDecision =
  | { status: 'not-due'; dueThrough: Date; overdueSince: null; reason: 'within-retention-since-registered' | 'confirmed-through-cutoff' }
  | { status: 'due'; dueThrough: Date; overdueSince: Date; reason: 'never-confirmed' | 'confirmation-behind-cutoff' };

function instant(value: string | Date, what: string): Date {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new RangeError(`${what} is not a valid instant`);
  return date;
}

/** The instant before which everything of a series must have been destroyed at `now`. */
export function disposalCutoff(retentionDays: number, now: Date): Date {
  if (!Number.isInteger(retentionDays) || retentionDays < 0) throw new RangeError('retentionDays must be a whole number of days, zero or more');
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/**
 * Decides whether a record series is due for disposal at `now` (CB-H: at most 6 months; RF-9: at most 30
 * days, oldest first). `lastDisposedThrough` is the latest confirmed `disposed_through`, or null when no
 * disposal was ever confirmed (then the series is counted from its `createdAt`). When due, `overdueSince`
 * is the instant the cutoff passed what was covered: the covered instant plus the retention.
 */
export function seriesDue(series: SeriesRetention, lastDisposedThrough: string | Date | null, now: Date): SeriesDueDecision {
  const dueThrough = disposalCutoff(series.retentionDays, now);
  const confirmed = lastDisposedThrough !== null;
  const covered = confirmed ? instant(lastDisposedThrough, 'lastDisposedThrough') : instant(series.createdAt, 'createdAt');
  if (covered.getTime() >= dueThrough.getTime())
    return { status: 'not-due', dueThrough, overdueSince: null, reason: confirmed ? 'confirmed-through-cutoff' : 'within-retention-since-registered' };
  return {
    status: 'due',
    dueThrough,
    overdueSince: new Date(covered.getTime() + series.retentionDays * DAY_MS),
    reason: confirmed ? 'confirmation-behind-cutoff' : 'never-confirmed',
  };
}

/** Why a disposal confirmation cannot be recorded, if it cannot. */
export type DisposalRefusal = 'in-future' | 'before-last-confirmation';

/**
 * Checks a confirmation that everything of a series recorded before `disposedThrough` was destroyed: it
 * cannot speak for records not made yet (after `now`), and the register only moves forward (a
 * confirmation earlier than the latest one would make the series look less disposed than it is).
 * Repeating the latest instant is allowed (a second sign-off of the same sweep).
 */
export function checkDisposal(disposedThrough: Date, lastDisposedThrough: string | Date | null, now: Date): DisposalRefusal | null {
  if (disposedThrough.getTime() > now.getTime()) return 'in-future';
  if (lastDisposedThrough !== null && disposedThrough.getTime() < instant(lastDisposedThrough, 'lastDisposedThrough').getTime()) return 'before-last-confirmation';
  return null;
}
