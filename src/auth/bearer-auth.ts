import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import { DomainError, NotAuthenticated } from '../common/errors.js';
import { AppConfig } from '../config/config.js';
import { type AccessTokenClaims, type Principal, principalFromClaims } from './principal.js';
import { SigningKeysService } from './signing-keys.service.js';
import { TokenCache } from './token-cache.js';

const BEARER = /^\s*bearer\s+(\S+)\s*$/i;

/** RallyHere also accepts the token in a cookie named `Authorization`. */
function fromAuthorizationCookie(request: Request): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'Authorization') {
      const value = decodeURIComponent(rest.join('='));
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
 * Verifies Joinery's RS256 access tokens (`jsonwebtoken`, the key chosen by
 * the token's `kid`, the configured issuer). A token already verified by
 * this instance is answered from {@link TokenCache} until it expires, so the
 * RSA check runs once per token, not once per request.
 */
@Injectable()
export class BearerAuth {
  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
    private readonly tokens: TokenCache,
  ) {}

  async authenticate(request: Request): Promise<Principal> {
    const token = bearerToken(request);
    if (!token) throw bearerFailure(new Error('No auth token'));
    const cached = this.tokens.get(token);
    if (cached) return cached;
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') {
      throw new NotAuthenticated('auth_malformed_access', 'Invalid Authorization - malformed access token');
    }
    const key = await this.keys.verificationKey(decoded.header.kid);
    let claims: AccessTokenClaims & jwt.JwtPayload & { sub: string };
    try {
      // jsonwebtoken takes a KeyObject as well as PEM; the typings only name strings and buffers.
      claims = jwt.verify(token, key as unknown as string, {
        algorithms: ['RS256'],
        issuer: this.config.auth.issuer,
      }) as AccessTokenClaims & jwt.JwtPayload & { sub: string };
    } catch (error) {
      throw bearerFailure(error);
    }
    const principal = principalFromClaims(claims.sub, claims);
    if (claims.exp) this.tokens.set(token, principal, claims.exp * 1000);
    return principal;
  }
}
