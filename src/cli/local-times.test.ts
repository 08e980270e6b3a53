import { describe, expect, it } from 'vitest';
import { localTimes } from './local-times.js';

describe('instants as a library’s people read them', () => {
  const denver = localTimes(new Map([['juniper', 'America/Denver']]));

  it('prints the end of a library day as that day, not the UTC instant of the next', () => {
    // 25 December ends at 06:59:59.999 UTC on the 26th in America/Denver.
    expect(denver.when('2026-12-26T06:59:59.999Z')).toBe('2026-12-25');
    expect(denver.day('2026-12-26T06:59:59.999Z')).toBe('2026-12-25');
  });

  it('prints any other instant with its local time and zone', () => {
    expect(denver.when('2026-12-26T17:30:00.000Z')).toBe('2026-12-26 10:30 MST');
    expect(denver.when('2026-07-04T18:00:00Z')).toBe('2026-07-04 12:00 MDT');
  });

  it('leaves a date that is already a library day as it is', () => {
    expect(denver.when('2026-12-25')).toBe('2026-12-25');
  });

  it('in a consortium over several zones, uses the library named, else the zone where the instant ends a day, else UTC', () => {
    const consortium = localTimes(
      new Map([
        ['juniper', 'America/Denver'],
        ['harbour', 'America/New_York'],
      ]),
    );
    expect(consortium.when('2026-12-26T04:59:59.999Z')).toBe('2026-12-25'); // the end of 25 December in New York
    expect(consortium.when('2026-12-26T06:59:59.999Z')).toBe('2026-12-25'); // and in Denver
    expect(consortium.when('2026-12-26T17:30:00.000Z', 'harbour')).toBe('2026-12-26 12:30 EST');
    expect(consortium.when('2026-12-26T17:30:00.000Z')).toBe('2026-12-26 17:30 UTC');
  });
});
