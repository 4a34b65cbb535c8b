import { ifNoneMatchHolds } from './conditional-read.js';

describe('ifNoneMatchHolds', () => {
  it('matches *, a listed tag, and weak against strong', () => {
    expect(ifNoneMatchHolds('*', '"a"')).toBe(true);
    expect(ifNoneMatchHolds('"x", "a"', '"a"')).toBe(true);
    expect(ifNoneMatchHolds('W/"a"', '"a"')).toBe(true);
  });

  it('does not match another tag or no header', () => {
    expect(ifNoneMatchHolds('"b"', '"a"')).toBe(false);
    expect(ifNoneMatchHolds(undefined, '"a"')).toBe(false);
    expect(ifNoneMatchHolds('', '"a"')).toBe(false);
  });
});
