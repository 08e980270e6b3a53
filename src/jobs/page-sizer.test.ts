import { describe, expect, it } from 'vitest';
import { DeskLoad } from '../domain/desk-load.js';
import { defaultPacing, PageSizer } from './retention.job.js';

describe('PageSizer', () => {
  it('grows pages towards the time budget, at most doubling at a time', () => {
    const sizer = new PageSizer(20, 100);
    sizer.record(2, 100); // 0.02 ms per record: the budget allows 1000
    expect(sizer.size).toBe(200);
    sizer.record(4, 200);
    expect(sizer.size).toBe(400);
    for (let i = 0; i < 5; i++) sizer.record(sizer.size * 0.02, sizer.size);
    expect(sizer.size).toBe(1000);
  });

  it('shrinks pages that take longer than the budget', () => {
    const sizer = new PageSizer(10, 1000);
    sizer.record(100, 1000); // 0.1 ms per record: the budget allows 100
    expect(sizer.size).toBe(100);
  });

  it('does not take one stall for the new normal', () => {
    const sizer = new PageSizer(20, 1000);
    sizer.record(20, 1000);
    sizer.record(500, 1000); // a checkpoint: 25 times slower than usual
    expect(sizer.size).toBe(1000);
  });

  it('learns nothing from a short last page, and stays within its bounds', () => {
    const sizer = new PageSizer(20, 1000, 20, 5000);
    sizer.record(1000, 10);
    expect(sizer.size).toBe(1000);
    const tight = new PageSizer(1, 100, 20, 5000);
    tight.record(1000, 100);
    expect(tight.size).toBe(20);
  });

  it('shrinks the next page at once when the desk becomes busy, and grows back by doubling when it is idle again', () => {
    const idle = defaultPacing('sqlite').idlePageMillis;
    const busy = defaultPacing('sqlite').busyPageMillis;
    const sizer = new PageSizer(idle, 2000);
    sizer.record(100, 2000); // 0.05 ms per record
    expect(sizer.size).toBe(4000); // 250 ms allows 5000; at most double
    sizer.setBudget(busy);
    expect(sizer.size).toBe(300); // 15 ms at 0.05 ms per record
    sizer.setBudget(idle);
    expect(sizer.size).toBe(600);
  });
});

describe('DeskLoad', () => {
  it('counts requests of the last five seconds only', () => {
    const load = new DeskLoad(5000);
    for (let t = 0; t < 5000; t += 50) load.record(t); // 20 a second
    expect(load.perSecond(4999)).toBe(20);
    expect(load.perSecond(7500)).toBeCloseTo(10, 0); // half the window has passed without a request
    expect(load.perSecond(20_000)).toBe(0);
  });

  it('forgets a bucket of an earlier lap of the ring', () => {
    const load = new DeskLoad(1000);
    load.record(0);
    load.record(1000); // the same slot of the ring, a lap later
    expect(load.perSecond(1000)).toBe(1);
  });
});
