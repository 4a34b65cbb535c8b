import { Module } from '@nestjs/common';
import { AbuseLimits } from './abuse-limits.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * `RATE_LIMIT_*`: per-principal budgets enforced by {@link RateLimitGuard};
 * `AUTH_FAILURE_*`, `ANON_IDENTITY_*`: per-IP abuse limits ({@link AbuseLimits}).
 */
@Module({ providers: [RateLimiter, RateLimitGuard, AbuseLimits], exports: [RateLimitGuard, AbuseLimits] })
export class RateLimitModule {}
