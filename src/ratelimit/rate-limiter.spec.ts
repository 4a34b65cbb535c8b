import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  let limiter: RateLimiter;

  beforeEach(() => {
    limiter = new RateLimiter();
  });

  afterEach(() => limiter.onModuleDestroy());

  it('lets a burst of `limit` requests through, then says how long to wait', () => {
    for (let i = 0; i < 5; i++) expect(limiter.take('p', 5, 10_000, 0)).toBe(0);
    // One request is earned back every 2 s.
    expect(limiter.take('p', 5, 10_000, 0)).toBe(2_000);
    expect(limiter.take('p', 5, 10_000, 1_500)).toBe(500);
    expect(limiter.take('p', 5, 10_000, 2_000)).toBe(0);
  });

  it('keeps one budget per key', () => {
    expect(limiter.take('a', 1, 1_000, 0)).toBe(0);
    expect(limiter.take('a', 1, 1_000, 0)).toBeGreaterThan(0);
    expect(limiter.take('b', 1, 1_000, 0)).toBe(0);
  });

  it('never holds more than `limit` after a long idle time', () => {
    expect(limiter.take('p', 2, 1_000, 0)).toBe(0);
    for (let i = 0; i < 2; i++) expect(limiter.take('p', 2, 1_000, 1_000_000)).toBe(0);
    expect(limiter.take('p', 2, 1_000, 1_000_000)).toBeGreaterThan(0);
  });

  it('forgets buckets idle for a whole window', () => {
    limiter.take('p', 2, 1_000, 0);
    limiter.take('q', 2, 1_000, 900);
    limiter.sweep(1_000, 1_000);
    expect(limiter.size).toBe(1);
  });
});
