import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import type { Principal } from './principal.js';

/**
 * Access tokens already verified, keyed by the whole token string (so a
 * forged or altered token never matches), each kept until its own `exp`.
 * Spares the RSA signature check and the claims parsing on every request
 * after a token's first. Bounded by `TOKEN_CACHE_SIZE` entries: when full,
 * the oldest entry goes. A token never outlives its expiry here.
 */
@Injectable()
export class TokenCache {
  private readonly entries = new Map<string, { principal: Principal; expiresAt: number }>();
  private readonly max: number;

  constructor(config: AppConfig) {
    this.max = config.auth.tokenCacheSize;
  }

  get(token: string, now = Date.now()): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  set(token: string, principal: Principal, expiresAt: number, now = Date.now()): void {
    if (this.max === 0 || !(expiresAt > now)) return;
    if (this.entries.size >= this.max && !this.entries.has(token)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { principal, expiresAt });
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
