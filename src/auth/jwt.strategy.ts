import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import { Strategy } from 'passport-jwt';
import { NotAuthenticated } from '../common/errors.js';
import { AppConfig } from '../config/config.js';
import { bearerToken } from './bearer-auth.js';
import { type AccessTokenClaims, claimsProblem, type Principal, principalFromClaims } from './principal.js';
import { SigningKeysService } from './signing-keys.service.js';

/**
 * Verifies Joinery's RS256 access tokens with `passport-jwt`: the key chosen
 * by the token's `kid`, the configured issuer, the expiry. The token comes
 * from the `Authorization` header or RallyHere's `Authorization` cookie.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: AppConfig, keys: SigningKeysService) {
    super({
      jwtFromRequest: (request: Request) => bearerToken(request),
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
    const problem = claimsProblem(payload as unknown as Record<string, unknown>);
    if (problem)
      throw new NotAuthenticated('auth_token_invalid_claim', `Token contained invalid claim value: ${problem}`);
    return principalFromClaims(payload.sub, payload);
  }
}
