import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { hasPermission } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { RateLimited } from '../common/errors.js';
import { AppConfig } from '../config/config.js';
import { RateLimiter } from './rate-limiter.js';

/** The permission that lifts the rate limit (the benchmark's players, operators' tools; `*` includes it). */
export const RATE_LIMIT_EXEMPT = 'ratelimit:exempt';

/**
 * Rate limiting per principal, the global guard after the principal guard
 * (so the caller is known): `RATE_LIMIT_LIMIT` requests per
 * `RATE_LIMIT_WINDOW_MS` for each authenticated principal, across all routes;
 * `RATE_LIMIT_ANONYMOUS_LIMIT` per IP on public routes (login). Principals
 * holding `ratelimit:exempt` are not counted. A refusal is the `RateLimited`
 * domain error: 429 with `Retry-After`, in the protocol's shape. Budgets live
 * in each instance's memory (see docs/scaling.md).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly limiter: RateLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const { enabled, windowMs, limit, anonymousLimit } = this.config.rateLimit;
    if (!enabled) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    const principal = request.user;
    if (principal && hasPermission(principal.permissions, RATE_LIMIT_EXEMPT)) return true;
    const wait = principal
      ? this.limiter.take(`${principal.kind}:${principal.subject}`, limit, windowMs)
      : this.limiter.take(`ip:${request.ip}`, anonymousLimit, windowMs);
    if (wait > 0) throw new RateLimited(Math.ceil(wait / 1000));
    return true;
  }
}
