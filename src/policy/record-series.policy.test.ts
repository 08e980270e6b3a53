import { describe, expect, it } from 'vitest';
import { checkDisposal, disposalCutoff, seriesDue } from './record-series.policy.js';

const DAY = 86_400_000;
const NOW = new Date('2026-09-01T12:00:00.000Z');
const daysBefore = (days: number, from: Date = NOW) => new Date(from.getTime() - days * DAY);

describe('record series: due for disposal', () => {
  // CB-H: camera recordings kept at most 6 months (180 days in the carlsbad-nm profile).
  const camera = { retentionDays: 180, createdAt: '2025-01-01T00:00:00.000Z' };

  it('puts the cutoff retention days before now', () => {
    expect(disposalCutoff(180, NOW).toISOString()).toBe(daysBefore(180).toISOString());
    expect(disposalCutoff(0, NOW).toISOString()).toBe(NOW.toISOString());
    expect(() => disposalCutoff(-1, NOW)).toThrow(RangeError);
    expect(() => disposalCutoff(1.5, NOW)).toThrow(RangeError);
  });

  it('is not due when the last confirmation is exactly at the cutoff (CB-H)', () => {
    const decision = seriesDue(camera, daysBefore(180), NOW);
    expect(decision).toEqual({ status: 'not-due', dueThrough: daysBefore(180), overdueSince: null, reason: 'confirmed-through-cutoff' });
  });

  it('is due one millisecond past the cutoff, and says since when (CB-H)', () => {
    const through = new Date(daysBefore(180).getTime() - 1);
    const decision = seriesDue(camera, through, NOW);
    expect(decision.status).toBe('due');
    expect(decision.reason).toBe('confirmation-behind-cutoff');
    expect(decision.overdueSince?.toISOString()).toBe(new Date(through.getTime() + 180 * DAY).toISOString());
  });

  it('is not due when a confirmation covers beyond the cutoff', () => {
    expect(seriesDue(camera, daysBefore(10), NOW)).toMatchObject({ status: 'not-due', reason: 'confirmed-through-cutoff' });
  });

  it('counts from the register entry when nothing was ever confirmed (RF-9)', () => {
    // A series registered 5 days ago with 30-day retention: nothing can be older than 30 days yet.
    expect(seriesDue({ retentionDays: 30, createdAt: daysBefore(5) }, null, NOW)).toMatchObject({ status: 'not-due', reason: 'within-retention-since-registered', overdueSince: null });
    // Registered exactly 30 days ago: at the cutoff, still not due.
    expect(seriesDue({ retentionDays: 30, createdAt: daysBefore(30) }, null, NOW)).toMatchObject({ status: 'not-due' });
    // Registered 31 days ago and never confirmed: due since its 30th day.
    const created = daysBefore(31);
    const decision = seriesDue({ retentionDays: 30, createdAt: created.toISOString() }, null, NOW);
    expect(decision).toMatchObject({ status: 'due', reason: 'never-confirmed' });
    expect(decision.overdueSince?.toISOString()).toBe(new Date(created.getTime() + 30 * DAY).toISOString());
  });

  it('with retention 0, everything recorded before now is due', () => {
    expect(seriesDue({ retentionDays: 0, createdAt: NOW }, null, NOW)).toMatchObject({ status: 'not-due' });
    expect(seriesDue({ retentionDays: 0, createdAt: new Date(NOW.getTime() - 1) }, null, NOW)).toMatchObject({ status: 'due', reason: 'never-confirmed' });
    expect(seriesDue({ retentionDays: 0, createdAt: daysBefore(3) }, NOW, NOW)).toMatchObject({ status: 'not-due', reason: 'confirmed-through-cutoff' });
    const behind = seriesDue({ retentionDays: 0, createdAt: daysBefore(3) }, daysBefore(1), NOW);
    expect(behind).toMatchObject({ status: 'due', reason: 'confirmation-behind-cutoff' });
    expect(behind.overdueSince?.toISOString()).toBe(daysBefore(1).toISOString());
  });

  it('lets the latest confirmation decide even if it predates the register entry', () => {
    // A confirmation is the operator's word about the records; the register's age no longer matters.
    expect(seriesDue({ retentionDays: 30, createdAt: daysBefore(1) }, daysBefore(40), NOW)).toMatchObject({ status: 'due', reason: 'confirmation-behind-cutoff' });
  });

  it('refuses an unreadable instant rather than guessing', () => {
    expect(() => seriesDue({ retentionDays: 30, createdAt: 'not a date' }, null, NOW)).toThrow(RangeError);
  });
});

describe('record series: a disposal confirmation', () => {
  it('may not reach into the future', () => {
    expect(checkDisposal(new Date(NOW.getTime() + 1), null, NOW)).toBe('in-future');
    expect(checkDisposal(NOW, null, NOW)).toBeNull();
  });

  it('only moves forward; repeating the latest instant is allowed', () => {
    const last = daysBefore(30);
    expect(checkDisposal(new Date(last.getTime() - 1), last, NOW)).toBe('before-last-confirmation');
    expect(checkDisposal(last, last.toISOString(), NOW)).toBeNull();
    expect(checkDisposal(daysBefore(1), last, NOW)).toBeNull();
  });
});
