import { loadConfig } from '../config/config.js';
import type { Principal } from './principal.js';
import { TokenCache } from './token-cache.js';

const principal = (subject: string): Principal => ({
  kind: 'player',
  subject,
  playerUuid: subject,
  clientId: 'game',
  role: 'player',
  permissions: ['session:create'],
});

function cache(size: number): TokenCache {
  return new TokenCache(loadConfig({ TOKEN_CACHE_SIZE: String(size) }));
}

describe('TokenCache', () => {
  it('returns a verified principal until the token expires, then forgets it', () => {
    const tokens = cache(10);
    tokens.set('a.b.c', principal('p1'), 2_000, 1_000);
    expect(tokens.get('a.b.c', 1_999)?.subject).toBe('p1');
    expect(tokens.get('a.b.c', 2_000)).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('never stores a token that has already expired', () => {
    const tokens = cache(10);
    tokens.set('a.b.c', principal('p1'), 1_000, 1_000);
    expect(tokens.get('a.b.c', 500)).toBeUndefined();
  });

  it('keys by the whole token: a different signature is a miss', () => {
    const tokens = cache(10);
    tokens.set('a.b.c', principal('p1'), 2_000, 1_000);
    expect(tokens.get('a.b.d', 1_500)).toBeUndefined();
  });

  it('stays within its size, dropping the oldest entry', () => {
    const tokens = cache(2);
    tokens.set('t1', principal('p1'), 9_000, 0);
    tokens.set('t2', principal('p2'), 9_000, 0);
    tokens.set('t3', principal('p3'), 9_000, 0);
    expect(tokens.size).toBe(2);
    expect(tokens.get('t1', 1)).toBeUndefined();
    expect(tokens.get('t3', 1)?.subject).toBe('p3');
  });

  it('is off with size 0', () => {
    const tokens = cache(0);
    tokens.set('t1', principal('p1'), 9_000, 0);
    expect(tokens.get('t1', 1)).toBeUndefined();
  });
});
