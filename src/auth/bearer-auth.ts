import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import passport from 'passport';
import jwt from 'jsonwebtoken';
import { DomainError, NotAuthenticated } from '../common/errors.js';
import type { Principal } from './principal.js';
import { TokenCache } from './token-cache.js';

const BEARER = /^\s*bearer\s+(\S+)\s*$/i;

/** Methods that change nothing: a cookie-borne token is accepted on them from any origin. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** RallyHere also accepts the token in a cookie named `Authorization`. */
function fromAuthorizationCookie(request: Request): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'Authorization') {
      let value: string;
      try {
        value = decodeURIComponent(rest.join('='));
      } catch {
        return null; // not URI-encoded text (`Authorization=%`): no token
      }
      return value.replace(/^Bearer\s+/i, '') || null;
    }
  }
  return null;
}

/** Where a request's bearer token came from. */
export interface BearerCredential {
  token: string;
  fromCookie: boolean;
}

/** The bearer token of a request: the `Authorization` header, else the `Authorization` cookie. */
export function bearerCredential(request: Request): BearerCredential | null {
  const header = request.headers.authorization;
  const match = header ? BEARER.exec(header) : null;
  if (match) return { token: match[1], fromCookie: false };
  const cookie = fromAuthorizationCookie(request);
  return cookie ? { token: cookie, fromCookie: true } : null;
}

export function bearerToken(request: Request): string | null {
  return bearerCredential(request)?.token ?? null;
}

/**
 * A browser attaches cookies to cross-site form posts, so a cookie alone does
 * not show that the caller meant the request. A state-changing request
 * authenticated by the cookie must carry an `Origin` naming this service's
 * own host (browsers send it on every cross-origin and same-origin POST);
 * one without, or with another origin, is refused. Bearer headers are never
 * sent by a browser on its own and are not concerned.
 */
export function cookieOriginAllowed(request: Request): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  const origin = request.headers.origin;
  // Express's `host`: the Host header, or X-Forwarded-Host from a proxy trusted by TRUST_PROXY.
  const host = (request as Request & { host?: string }).host ?? request.headers.host;
  if (!origin || !host || origin === 'null') return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}

/** Turns token verification failures into RallyHere's auth error codes. */
export function bearerFailure(info: unknown): NotAuthenticated {
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
 * Bearer authentication: a token this instance already verified is answered
 * from {@link TokenCache} until it expires; any other goes through the
 * passport `jwt` strategy ({@link JwtStrategy}, passport-jwt). So the RSA
 * check runs once per token, not once per request.
 */
@Injectable()
export class BearerAuth {
  constructor(private readonly tokens: TokenCache) {}

  async authenticate(request: Request, response: Response): Promise<Principal> {
    const credential = bearerCredential(request);
    if (!credential) throw bearerFailure(new Error('No auth token'));
    if (credential.fromCookie && !cookieOriginAllowed(request)) {
      throw new NotAuthenticated(
        'auth_cookie_origin_mismatch',
        'A token from the Authorization cookie is accepted on this method only with an Origin header naming this service; send it in the Authorization header',
      );
    }
    const { token } = credential;
    const cached = this.tokens.get(token);
    if (cached) return cached;
    const principal = await new Promise<Principal>((resolve, reject) => {
      const callback = (error: unknown, user: Principal | false, info: unknown) => {
        if (error) reject(bearerFailure(error));
        else if (!user) reject(bearerFailure(info));
        else resolve(user);
      };
      passport.authenticate('jwt', { session: false }, callback)(request, response, reject);
    });
    // The strategy refused tokens without a numeric `exp` (see principalFromClaims).
    const exp = (jwt.decode(token) as jwt.JwtPayload | null)?.exp;
    if (typeof exp === 'number') this.tokens.set(token, principal, exp * 1000);
    return principal;
  }
}
