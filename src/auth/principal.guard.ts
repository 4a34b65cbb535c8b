import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import passport from 'passport';
import { DomainError, NotAuthenticated, PermissionDenied } from '../common/errors.js';
import {
  AUTH_SCHEME,
  type AuthScheme,
  IS_PUBLIC,
  type PermissionResolver,
  REQUIRED_PERMISSIONS,
} from './decorators.js';
import { bearerToken } from './jwt.strategy.js';
import { hasAnyPermission } from './permissions.js';
import type { Principal } from './principal.js';
import { TokenCache } from './token-cache.js';

const STRATEGY: Record<AuthScheme, string> = { bearer: 'jwt', sigv4: 'sigv4' };

/** Turns passport-jwt's failure reasons into RallyHere's auth error codes. */
function bearerFailure(info: unknown): NotAuthenticated {
  if (info instanceof DomainError && info instanceof NotAuthenticated) return info;
  const error = info as { name?: string; message?: string } | undefined;
  const message = error?.message ?? '';
  if (error?.name === 'TokenExpiredError') return new NotAuthenticated('auth_token_expired', 'Token is expired');
  if (/No auth token/i.test(message)) {
    return new NotAuthenticated(
      'auth_not_jwt',
      'Invalid Authorization - no bearer token in the Authorization header or cookie',
    );
  }
  if (/invalid signature/i.test(message))
    return new NotAuthenticated('auth_token_sig_invalid', 'Token Signature is invalid');
  if (/malformed|invalid token|Unexpected token/i.test(message)) {
    return new NotAuthenticated('auth_malformed_access', 'Invalid Authorization - malformed access token');
  }
  if (/jwt (issuer|audience|subject) invalid|invalid algorithm|jwt not active/i.test(message)) {
    return new NotAuthenticated('auth_token_invalid_claim', `Token contained invalid claim value: ${message}`);
  }
  return new NotAuthenticated('auth_token_unknown', 'Failed to parse token');
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
    private readonly tokens: TokenCache,
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
    const request = http.getRequest<Request & { user?: Principal }>();
    const principal = await this.authenticate(scheme, request, http.getResponse<Response>());
    request.user = principal;
    if (required === undefined) throw new PermissionDenied('This route declares no permission and is closed');
    const anyOf = typeof required === 'function' ? required(request) : required;
    if (anyOf.length > 0 && !hasAnyPermission(principal.permissions, anyOf)) {
      throw new PermissionDenied(`Insufficient Permissions: requires any of ${anyOf.join(', ')}`);
    }
    return true;
  }

  private async authenticate(scheme: AuthScheme, request: Request, response: Response): Promise<Principal> {
    if (scheme !== 'bearer') return this.viaPassport(scheme, request, response);
    // A token already verified by this instance is not verified again until it expires.
    const token = bearerToken(request);
    const cached = token ? this.tokens.get(token) : undefined;
    if (cached) return cached;
    const principal = await this.viaPassport(scheme, request, response);
    const exp = token ? (jwt.decode(token, { json: true })?.exp ?? 0) : 0;
    if (token && exp > 0) this.tokens.set(token, principal, exp * 1000);
    return principal;
  }

  private viaPassport(scheme: AuthScheme, request: Request, response: Response): Promise<Principal> {
    return new Promise((resolve, reject) => {
      const callback = (error: unknown, user: Principal | false, info: unknown) => {
        if (error) reject(error instanceof DomainError ? error : scheme === 'bearer' ? bearerFailure(error) : error);
        else if (!user) reject(scheme === 'bearer' ? bearerFailure(info) : info);
        else resolve(user);
      };
      passport.authenticate(STRATEGY[scheme], { session: false }, callback)(request, response, reject);
    });
  }
}
