import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { RateLimited } from '../common/errors.js';
import { AppConfig } from '../config/config.js';
import { MetricsService } from '../metrics/metrics.service.js';

/** IPs remembered per budget; past this the least recently seen are forgotten (memory stays bounded). */
const MAX_TRACKED_IPS = 100_000;

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * A per-key allowance of `limit` events per `windowMs`, earned back evenly,
 * that can be checked without spending (a refused login must be refused
 * before its scrypt, yet only failures spend the failure budget).
 */
export class Allowance {
  private readonly buckets: LRUCache<string, Bucket>;
  private readonly rate: number;

  constructor(
    private readonly limit: number,
    windowMs: number,
  ) {
    this.rate = limit / windowMs;
    // A bucket idle for a whole window is full again: it can be forgotten.
    this.buckets = new LRUCache({ max: MAX_TRACKED_IPS, ttl: windowMs, ttlAutopurge: false });
  }

  /** Milliseconds until `key` may spend one again; 0 when it may now. */
  wait(key: string, now = Date.now()): number {
    const tokens = this.tokens(key, now);
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / this.rate);
  }

  spend(key: string, now = Date.now()): void {
    this.buckets.set(key, { tokens: Math.max(0, this.tokens(key, now) - 1), updated: now });
  }

  private tokens(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.limit;
    return Math.min(this.limit, bucket.tokens + (now - bucket.updated) * this.rate);
  }
}

/**
 * Abuse limits per client IP, in this instance's memory, on while
 * `RATE_LIMIT_ENABLED` (the IP is `request.ip`, so `TRUST_PROXY` decides
 * whether `X-Forwarded-For` counts):
 *  - failed authentications (`AUTH_FAILURE_LIMIT` per `AUTH_FAILURE_WINDOW_MS`):
 *    wrong client secrets, unknown or revoked refresh tokens, missing, forged
 *    or expired tokens, unknown access keys and bad signatures. An IP without
 *    budget left is answered 429 before any database work or password hash,
 *    whatever it sends, until the budget is earned back;
 *  - new anonymous players (`ANON_IDENTITY_LIMIT` per `ANON_IDENTITY_WINDOW_MS`):
 *    logins of device ids already known are not counted.
 */
@Injectable()
export class AbuseLimits {
  // Undefined while RATE_LIMIT_ENABLED is off: an allowance's LRU is allocated for all its entries at once.
  private readonly failures?: Allowance;
  private readonly identities?: Allowance;

  constructor(
    config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    const { failureLimit, failureWindowMs, anonIdentityLimit, anonIdentityWindowMs } = config.abuse;
    if (!config.rateLimit.enabled) return;
    this.failures = new Allowance(failureLimit, failureWindowMs);
    if (anonIdentityLimit > 0) this.identities = new Allowance(anonIdentityLimit, anonIdentityWindowMs);
  }

  /** Throws 429 when `ip` has used its failed-authentication budget. Touches nothing else. */
  assertMayAuthenticate(ip: string | undefined): void {
    if (!this.failures) return;
    const wait = this.failures.wait(ipKey(ip));
    if (wait > 0) {
      this.metrics.authenticationThrottled();
      throw new RateLimited(Math.ceil(wait / 1000));
    }
  }

  authenticationFailed(ip: string | undefined): void {
    this.failures?.spend(ipKey(ip));
  }

  /** Spends one new anonymous identity of `ip`'s quota, or throws 429 when none is left. */
  takeNewIdentity(ip: string | undefined): void {
    if (!this.identities) return;
    const key = ipKey(ip);
    const wait = this.identities.wait(key);
    if (wait > 0) throw new RateLimited(Math.ceil(wait / 1000));
    this.identities.spend(key);
  }
}

function ipKey(ip: string | undefined): string {
  return ip ?? 'unknown';
}
