import { Injectable, type OnModuleDestroy } from '@nestjs/common';

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * Token buckets in this instance's memory: each key may spend `limit`
 * requests at once and earns them back evenly over `windowMs` (so a steady
 * `limit` per window passes, a burst above it is refused). Idle full buckets
 * are dropped by a periodic sweep, so memory follows the active callers.
 */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  private readonly buckets = new Map<string, Bucket>();
  private sweeper?: NodeJS.Timeout;
  private sweepEveryMs = 0;

  /** Spends one request of `key`'s budget. Returns 0 when allowed, else the milliseconds until one is available. */
  take(key: string, limit: number, windowMs: number, now = Date.now()): number {
    this.ensureSweep(windowMs);
    const rate = limit / windowMs;
    const bucket = this.buckets.get(key);
    if (!bucket) {
      this.buckets.set(key, { tokens: limit - 1, updated: now });
      return 0;
    }
    bucket.tokens = Math.min(limit, bucket.tokens + (now - bucket.updated) * rate);
    bucket.updated = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / rate);
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Drops buckets that have been idle for a whole window (they are full again). */
  sweep(windowMs: number, now = Date.now()): void {
    for (const [key, bucket] of this.buckets) if (now - bucket.updated >= windowMs) this.buckets.delete(key);
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  private ensureSweep(windowMs: number): void {
    if (this.sweepEveryMs === windowMs) return;
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweepEveryMs = windowMs;
    this.sweeper = setInterval(() => this.sweep(windowMs), Math.max(windowMs, 1_000));
    this.sweeper.unref();
  }
}
