import { Module } from '@nestjs/common';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimiter } from './rate-limiter.js';

/** `RATE_LIMIT_*`: per-principal budgets enforced by {@link RateLimitGuard}. */
@Module({ providers: [RateLimiter, RateLimitGuard], exports: [RateLimitGuard] })
export class RateLimitModule {}
