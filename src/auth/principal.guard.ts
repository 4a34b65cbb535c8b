import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import passport from 'passport';
import { NotAuthenticated, PermissionDenied } from '../common/errors.js';
import { AbuseLimits } from '../ratelimit/abuse-limits.js';
import { BearerAuth } from './bearer-auth.js';
import {
  AUTH_SCHEME,
  type AuthScheme,
  IS_PUBLIC,
  type PermissionResolver,
  REQUIRED_PERMISSIONS,
} from './decorators.js';
import { hasAnyPermission } from './permissions.js';
import type { Principal } from './principal.js';

/** A request refused by the failed-authentication limit: the audit log does not record it (no database work). */
export type ThrottledRequest = Request & { user?: Principal; authThrottled?: boolean };

/** Credentials refused (not a database outage): RallyHere's auth codes, AWS's client and signature errors. */
function isAuthenticationFailure(error: unknown): boolean {
  return error instanceof NotAuthenticated;
}

/**
 * The global guard. Every route is closed unless marked `@Public()`; others
 * declare their scheme and permissions with `@Auth(...)` or `@SigV4Auth(...)`.
 * A route with neither is refused, so forgetting a decorator fails safe.
 */
@Injectable()
export class PrincipalGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly bearer: BearerAuth,
    private readonly abuse: AbuseLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const required = this.reflector.getAllAndOverride<string[] | PermissionResolver | undefined>(
      REQUIRED_PERMISSIONS,
      targets,
    );
    const scheme = this.reflector.getAllAndOverride<AuthScheme | undefined>(AUTH_SCHEME, targets) ?? 'bearer';
    const http = context.switchToHttp();
    const request = http.getRequest<ThrottledRequest>();
    // An IP that failed to authenticate too often is refused before any token, key or database work.
    try {
      this.abuse.assertMayAuthenticate(request.ip);
    } catch (error) {
      request.authThrottled = true;
      throw error;
    }
    let principal: Principal;
    try {
      principal = await this.authenticate(scheme, request, http.getResponse<Response>());
    } catch (error) {
      if (isAuthenticationFailure(error)) this.abuse.authenticationFailed(request.ip);
      throw error;
    }
    request.user = principal;
    if (required === undefined) throw new PermissionDenied('This route declares no permission and is closed');
    const anyOf = typeof required === 'function' ? required(request) : required;
    if (anyOf.length > 0 && !hasAnyPermission(principal.permissions, anyOf)) {
      throw new PermissionDenied(`Insufficient Permissions: requires any of ${anyOf.join(', ')}`);
    }
    return true;
  }

  /** Bearer tokens are verified here (see {@link BearerAuth}); AWS signatures by the passport `sigv4` strategy. */
  private authenticate(scheme: AuthScheme, request: Request, response: Response): Promise<Principal> {
    if (scheme === 'bearer') return this.bearer.authenticate(request, response);
    return new Promise((resolve, reject) => {
      const callback = (error: unknown, user: Principal | false, info: unknown) => {
        if (error) reject(error);
        else if (!user) reject(info);
        else resolve(user);
      };
      passport.authenticate(scheme, { session: false }, callback)(request, response, reject);
    });
  }
}
