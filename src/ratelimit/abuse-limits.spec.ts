import { Allowance } from './abuse-limits.js';

describe('Allowance', () => {
  it('is checked without being spent, and refuses once `limit` events were spent', () => {
    const allowance = new Allowance(3, 3_000);
    for (let i = 0; i < 10; i++) expect(allowance.wait('ip', 0)).toBe(0);
    for (let i = 0; i < 3; i++) allowance.spend('ip', 0);
    // One event is earned back every second.
    expect(allowance.wait('ip', 0)).toBe(1_000);
    expect(allowance.wait('ip', 500)).toBe(500);
    expect(allowance.wait('ip', 1_000)).toBe(0);
  });

  it('keeps one allowance per key and never holds more than `limit`', () => {
    const allowance = new Allowance(2, 1_000);
    allowance.spend('a', 0);
    allowance.spend('a', 0);
    expect(allowance.wait('a', 0)).toBeGreaterThan(0);
    expect(allowance.wait('b', 0)).toBe(0);
    allowance.spend('a', 1_000_000);
    allowance.spend('a', 1_000_000);
    expect(allowance.wait('a', 1_000_000)).toBeGreaterThan(0);
  });
});
