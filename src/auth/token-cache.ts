import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '../config/config.js';
import type { Principal } from './principal.js';

/**
 * Access tokens already verified, keyed by the whole token string (so a
 * forged or altered token never matches), each kept until its own `exp`.
 * Spares the RSA signature check and the claims parsing on every request
 * after a token's first. Bounded by `TOKEN_CACHE_SIZE` entries (an LRU: when
 * full, the least recently used goes). A token never outlives its expiry here.
 */
@Injectable()
export class TokenCache {
  private readonly entries?: LRUCache<string, { principal: Principal; expiresAt: number }>;

  constructor(config: AppConfig) {
    const max = config.auth.tokenCacheSize;
    if (max > 0) this.entries = new LRUCache({ max });
  }

  get(token: string, now = Date.now()): Principal | undefined {
    const entry = this.entries?.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries!.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  set(token: string, principal: Principal, expiresAt: number, now = Date.now()): void {
    if (!this.entries || !(expiresAt > now)) return;
    this.entries.set(token, { principal, expiresAt });
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  clear(): void {
    this.entries?.clear();
  }
}
