import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import passport from 'passport';
import jwt from 'jsonwebtoken';
import { DomainError, NotAuthenticated } from '../common/errors.js';
import type { Principal } from './principal.js';
import { TokenCache } from './token-cache.js';

const BEARER = /^\s*bearer\s+(\S+)\s*$/i;

/** RallyHere also accepts the token in a cookie named `Authorization`. */
function fromAuthorizationCookie(request: Request): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'Authorization') {
      const raw = rest.join('=');
      // A value that is not percent-encoded UTF-8 (`Authorization=%`) is kept as sent: a malformed token.
      let value = raw;
      try {
        value = decodeURIComponent(raw);
      } catch {
        // keep the raw value
      }
      return value.replace(/^Bearer\s+/i, '') || null;
    }
  }
  return null;
}

/** The bearer token of a request: the `Authorization` header, else the `Authorization` cookie. */
export function bearerToken(request: Request): string | null {
  const header = request.headers.authorization;
  const match = header ? BEARER.exec(header) : null;
  return match ? match[1] : fromAuthorizationCookie(request);
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
    const token = bearerToken(request);
    if (!token) throw bearerFailure(new Error('No auth token'));
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
    const exp = (jwt.decode(token) as jwt.JwtPayload | null)?.exp;
    if (exp) this.tokens.set(token, principal, exp * 1000);
    return principal;
  }
}
