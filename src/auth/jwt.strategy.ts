import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { NotAuthenticated } from '../common/errors.js';
import { AppConfig } from '../config/config.js';
import { type AccessTokenClaims, type Principal, principalFromClaims } from './principal.js';
import { SigningKeysService } from './signing-keys.service.js';

/** RallyHere also accepts the token in a cookie named `Authorization`. */
export function fromAuthorizationCookie(request: Request): string | null {
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

const fromHeader = ExtractJwt.fromAuthHeaderAsBearerToken();

/** The bearer token of a request: the `Authorization` header, else the `Authorization` cookie. */
export function bearerToken(request: Request): string | null {
  return fromHeader(request) ?? fromAuthorizationCookie(request);
}

/** Verifies Joinery's RS256 access tokens with `passport-jwt`. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: AppConfig, keys: SigningKeysService) {
    super({
      jwtFromRequest: bearerToken,
      secretOrKeyProvider: (_request: Request, rawToken: string, done: (error: unknown, key?: string) => void) => {
        const decoded = jwt.decode(rawToken, { complete: true });
        if (!decoded) {
          done(new NotAuthenticated('auth_malformed_access', 'Invalid Authorization - malformed access token'));
          return;
        }
        keys.verificationKey(decoded.header.kid).then(
          // jsonwebtoken takes a KeyObject as well as PEM; the typings only name strings and buffers.
          (key) => done(null, key as unknown as string),
          (error: unknown) => done(error),
        );
      },
      algorithms: ['RS256'],
      issuer: config.auth.issuer,
      ignoreExpiration: false,
    });
  }

  validate(payload: AccessTokenClaims & { sub: string }): Principal {
    return principalFromClaims(payload.sub, payload);
  }
}
