import { Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/config.js';
import type { AccessTokenClaims } from './principal.js';
import { SigningKeysService } from './signing-keys.service.js';

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

/** Signs RS256 access tokens carrying the principal and its permissions. */
@Injectable()
export class TokensService {
  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
  ) {}

  issue(subject: string, claims: AccessTokenClaims): IssuedToken {
    const { kid, privateKey } = this.keys.signingKey();
    const expiresIn = this.config.auth.accessTokenTtlSeconds;
    const accessToken = jwt.sign(claims, privateKey, {
      algorithm: 'RS256',
      keyid: kid,
      subject,
      issuer: this.config.auth.issuer,
      expiresIn,
      jwtid: randomUUID(),
    });
    return { accessToken, expiresIn };
  }
}
