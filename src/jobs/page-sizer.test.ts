import { describe, expect, it } from 'vitest';
import { PageSizer } from './retention.job.js';

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
});
