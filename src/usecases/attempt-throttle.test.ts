import { describe, expect, it } from 'vitest';
import { ManualClock } from '../domain/clock.js';
import { AttemptThrottle, throttleKey } from './attempt-throttle.js';

describe('the per-address log-in throttle', () => {
  it('gives an address `limit` slots per window; a success gives its slot back', () => {
    const clock = new ManualClock('2026-03-02T17:00:00Z');
    const throttle = new AttemptThrottle(clock, { limit: 3, windowMs: 60_000, maxAddresses: 100 });
    const first = throttle.take('192.0.2.1') as number;
    throttle.forgive('192.0.2.1', first);
    for (let i = 0; i < 3; i++) expect(throttle.take('192.0.2.1')).toBeDefined();
    expect(throttle.take('192.0.2.1')).toBeUndefined();
    expect(throttle.take('192.0.2.2')).toBeDefined();
    clock.set('2026-03-02T17:01:00.001Z');
    expect(throttle.take('192.0.2.1')).toBeDefined();
  });

  it('holds at most `maxAddresses` addresses, dropping stale ones first, then the least recently seen', () => {
    const clock = new ManualClock('2026-03-02T17:00:00Z');
    const throttle = new AttemptThrottle(clock, { limit: 2, windowMs: 60_000, maxAddresses: 100 });
    for (let i = 0; i < 100; i++) throttle.take(`198.51.100.${i}`);
    clock.set('2026-03-02T17:02:00Z');
    throttle.take('203.0.113.1');
    expect(throttle.size).toBe(1);
    for (let i = 0; i < 10_000; i++) throttle.take(`10.0.${Math.floor(i / 256)}.${i % 256}`);
    expect(throttle.size).toBeLessThanOrEqual(100);
    // The most recent address is still counted
    throttle.take('10.0.39.15');
    expect(throttle.take('10.0.39.15')).toBeUndefined();
  });

  it('counts an IPv6 client by its /64 network, and an IPv4-mapped address as IPv4', () => {
    expect(throttleKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(throttleKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(throttleKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(throttleKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(throttleKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(throttleKey('192.0.2.7')).toBe('192.0.2.7');
  });
});
