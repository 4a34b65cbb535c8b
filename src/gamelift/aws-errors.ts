import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { InvalidRequest, NotAuthenticated } from '../common/errors.js';

/**
 * Errors that only the AWS protocols have. Their `code` is the AWS error
 * type itself, which the AWS renderers send as `__type`.
 */
export class UnknownOperation extends InvalidRequest {
  constructor(message: string) {
    super('UnknownOperationException', message);
  }
}

/** The body is not a document of the request's protocol, or not a map. */
export class SerializationFailure extends InvalidRequest {
  constructor(message: string) {
    super('SerializationException', message);
  }
}

/** Unknown or disabled access key, or temporary credentials (a session token), which Joinery has none of. */
export class UnrecognizedClient extends NotAuthenticated {
  constructor(message = 'The security token included in the request is invalid.') {
    super('UnrecognizedClientException', message);
  }
}

/** No `Authorization` header (AWS: MissingAuthenticationTokenException). */
export class MissingAuthenticationToken extends NotAuthenticated {
  constructor() {
    super('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
}

/** An `Authorization` header that is not a complete AWS Signature V4 (AWS: IncompleteSignatureException). */
export class IncompleteSignature extends NotAuthenticated {
  constructor(message: string) {
    super('IncompleteSignatureException', message);
  }
}

/** A signature that does not verify, a malformed credential scope, or a date outside the allowed skew. */
export class InvalidSignature extends NotAuthenticated {
  constructor(message: string) {
    super('InvalidSignatureException', message);
  }
}

/** The id AWS clients log: the request id the logger gave this request, or a new one. */
export function awsRequestId(request: Request): string {
  const id = (request as Request & { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : randomUUID();
}

export const AMZ_JSON = 'application/x-amz-json-1.1';
