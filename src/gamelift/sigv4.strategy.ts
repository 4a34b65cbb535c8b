import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-strategy';
import type { Principal } from '../auth/principal.js';
import { RolesService } from '../auth/roles.service.js';
import { AccessKeysService } from './access-keys/access-keys.service.js';
import { InvalidSignature, SerializationFailure, UnrecognizedClient } from './aws-errors.js';
import { checkRequestDate, parseAuthorization, requireSignedHeaders, signedPartsOf, verifySignature } from './sigv4.js';
import { isRpcV2Request } from './wire-protocols.js';

/**
 * The headers a request must sign beyond `host` and `x-amz-date`: an AWS JSON
 * 1.1 request its `x-amz-target` and `content-type` (as the AWS SDKs do; else a
 * captured `AcceptPlayerSession` replays as `RemovePlayerSession`), an RPC v2
 * CBOR request its `smithy-protocol` and, with a body, its `content-type`.
 */
function signedHeadersRequiredFor(request: Request): string[] {
  if (!isRpcV2Request(request)) return ['x-amz-target', 'content-type'];
  return request.headers['content-type'] === undefined ? ['smithy-protocol'] : ['smithy-protocol', 'content-type'];
}

/** The body types `POST /` reads (the others are not parsed, so their signature could only fail, misleadingly). */
const GAMELIFT_CONTENT_TYPES = ['application/x-amz-json-1.1', 'application/json'];

function requireJsonContentType(request: Request): void {
  const contentType = String(request.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (!GAMELIFT_CONTENT_TYPES.includes(contentType)) {
    throw new SerializationFailure(
      `Content-Type ${contentType || '(none)'} is not supported: GameLift requests are ` +
        'application/x-amz-json-1.1 (AWS JSON 1.1) or application/json',
    );
  }
}

type Verify = (request: Request, done: (error: unknown, user?: Principal | false) => void) => void;

/** A passport strategy that hands the request to a verify callback (the Nest mixin's `validate`). */
class RequestStrategy extends Strategy {
  constructor(private readonly verify: Verify) {
    super();
  }

  override authenticate(request: Request): void {
    this.verify(request, (error, user) => {
      if (error) this.error(error as Error);
      else if (!user) this.fail(new UnrecognizedClient(), 400);
      else this.success(user);
    });
  }
}

/**
 * Passport strategy `sigv4`: AWS Signature V4 with Joinery's access keys.
 * Errors are the AWS types SDKs understand: MissingAuthenticationTokenException
 * (no Authorization header), IncompleteSignatureException (an unreadable one),
 * UnrecognizedClientException (unknown or disabled key, a session token),
 * InvalidSignatureException (bad signature, scope, unsigned required headers,
 * or date skew) and SerializationException (a body type other than AWS JSON 1.1).
 */
@Injectable()
export class SigV4Strategy extends PassportStrategy(RequestStrategy, 'sigv4') {
  constructor(
    private readonly keys: AccessKeysService,
    private readonly roles: RolesService,
  ) {
    super();
  }

  async validate(request: Request & { rawBody?: Buffer }): Promise<Principal> {
    const parts = signedPartsOf(request);
    const authorization = parseAuthorization(request.headers.authorization);
    // Temporary credentials carry a session token; Joinery issues none, so it cannot be valid (as AWS answers).
    if (request.headers['x-amz-security-token'] !== undefined) throw new UnrecognizedClient();
    if (!isRpcV2Request(request)) requireJsonContentType(request);
    requireSignedHeaders(authorization, signedHeadersRequiredFor(request));
    let key = await this.keys.usable(authorization.accessKeyId);
    if (!key) throw new UnrecognizedClient();
    const signedAt = checkRequestDate(parts, authorization, new Date());
    try {
      verifySignature(parts, authorization, key.secret, signedAt);
    } catch (error) {
      // The key may have been rotated (or disabled) on another instance since it was cached.
      if (!(error instanceof InvalidSignature) || !key.cached) throw error;
      key = await this.keys.usable(authorization.accessKeyId, true);
      if (!key) throw new UnrecognizedClient();
      verifySignature(parts, authorization, key.secret, signedAt);
    }
    return {
      kind: 'access-key',
      subject: key.id,
      clientId: key.id,
      role: key.role,
      permissions: await this.roles.permissionsOf(key.role),
    };
  }
}
