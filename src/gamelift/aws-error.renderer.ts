import type { Request, Response } from 'express';
import type { ErrorRenderer } from '../common/filters/error-renderer.js';
import type { NormalizedError } from '../common/normalize-error.js';
import { AMZ_JSON, awsRequestId } from './aws-errors.js';
import { CBOR_CONTENT_TYPE, encodeCbor, RPC_V2_CBOR, SMITHY_PROTOCOL_HEADER } from './rpcv2-cbor.codec.js';
import { isRpcV2Request } from './wire-protocols.js';

/** Error kinds as AWS error types, with the HTTP status both GameLift protocols answer them with. */
const TYPES: Record<NormalizedError['kind'], [status: number, type: string]> = {
  validation: [400, 'InvalidRequestException'],
  malformed_body: [400, 'SerializationException'],
  unauthenticated: [400, 'UnrecognizedClientException'],
  forbidden: [400, 'AccessDeniedException'],
  not_found: [400, 'NotFoundException'],
  route_not_found: [400, 'UnknownOperationException'],
  invalid: [400, 'InvalidRequestException'],
  full: [400, 'GameSessionFullException'],
  invalid_status: [400, 'InvalidGameSessionStatusException'],
  conflict: [400, 'ConflictException'],
  precondition_failed: [400, 'InvalidRequestException'],
  precondition_required: [400, 'InvalidRequestException'],
  too_large: [413, 'SerializationException'],
  rate_limited: [400, 'ThrottlingException'],
  // Retryable, never 500. It may follow a committed write (the answer is read after the commit): every operation is
  // safe to retry, see docs/gamelift.md "After a 503, retry".
  unavailable: [503, 'ServiceUnavailableException'],
  internal: [500, 'InternalServiceException'],
};

/** A domain error whose code already is an AWS error type (e.g. `InvalidSignatureException`). */
const AWS_TYPE = /^[A-Z][A-Za-z]+Exception$/;

/** One AWS error as both GameLift protocols render it. */
export interface AwsError {
  status: number;
  /** The error's name, e.g. `NotFoundException`. */
  type: string;
  message: string;
  retryAfterSeconds?: number;
}

export function awsErrorOf(error: NormalizedError): AwsError {
  const [status, kindType] = TYPES[error.kind];
  const type = AWS_TYPE.test(error.code) ? error.code : kindType;
  const message =
    error.kind === 'validation'
      ? `${error.details.length} validation error${error.details.length === 1 ? '' : 's'} detected: ` +
        error.details.map((d) => `${d.loc.join('.') || 'body'}: ${d.msg}`).join('; ')
      : error.kind === 'malformed_body'
        ? 'Request body is not valid JSON'
        : error.message;
  const retryAfterSeconds =
    error.kind === 'validation'
      ? undefined
      : (error.retryAfterSeconds ?? (error.kind === 'unavailable' ? 1 : undefined));
  return { status, type, message, retryAfterSeconds };
}

function setCommonHeaders(error: AwsError, request: Request, response: Response): void {
  if (error.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(error.retryAfterSeconds));
  response.setHeader('x-amzn-RequestId', awsRequestId(request));
}

/**
 * AWS JSON 1.1 errors for the GameLift endpoint (`POST /`, or any request
 * carrying `X-Amz-Target` outside `/service/`): HTTP 400 (500 only for
 * InternalServiceException) with `{"__type", "message"}`, `x-amzn-ErrorType`
 * and `x-amzn-RequestId`.
 */
export class AwsJsonErrorRenderer implements ErrorRenderer {
  matches(request: Request): boolean {
    if (isRpcV2Request(request)) return false;
    return request.headers['x-amz-target'] !== undefined || (request.method === 'POST' && request.path === '/');
  }

  render(normalized: NormalizedError, request: Request, response: Response): void {
    const error = awsErrorOf(normalized);
    setCommonHeaders(error, request, response);
    response.setHeader('x-amzn-ErrorType', error.type);
    response.setHeader('Content-Type', AMZ_JSON);
    response.status(error.status).send(JSON.stringify({ __type: error.type, message: error.message }));
  }
}

/** The GameLift model's own error shapes; the others are the AWS front end's (`com.amazon.coral.*`). */
const MODEL_ERRORS = new Set([
  'ConflictException',
  'FleetCapacityExceededException',
  'GameSessionFullException',
  'IdempotentParameterMismatchException',
  'InternalServiceException',
  'InvalidFleetStatusException',
  'InvalidGameSessionStatusException',
  'InvalidRequestException',
  'LimitExceededException',
  'NotFoundException',
  'NotReadyException',
  'TerminalRoutingStrategyException',
  'UnauthorizedException',
  'UnsupportedRegionException',
]);

/** The absolute shape id RPC v2 puts in `__type`, e.g. `com.amazonaws.gamelift#NotFoundException`. */
export function errorShapeId(type: string): string {
  if (MODEL_ERRORS.has(type)) return `com.amazonaws.gamelift#${type}`;
  if (type === 'ThrottlingException' || type === 'ServiceUnavailableException') {
    return `com.amazon.coral.availability#${type}`;
  }
  return `com.amazon.coral.service#${type}`;
}

/**
 * Smithy RPC v2 CBOR errors for every request under `/service/` (whatever its
 * headers, so a request that is not RPC v2 enough still gets an answer an RPC v2
 * client can read): the same status as AWS JSON 1.1 (the spec's 400 for client
 * errors and 500 for server errors; 413 and 503 kept as Joinery's own
 * statuses), a CBOR map `{__type: <absolute shape id>, message}`,
 * `Smithy-Protocol: rpc-v2-cbor`, and no `x-amzn-ErrorType` (the spec says SHOULD NOT).
 */
export class RpcV2CborErrorRenderer implements ErrorRenderer {
  matches(request: Request): boolean {
    return isRpcV2Request(request);
  }

  render(normalized: NormalizedError, request: Request, response: Response): void {
    const error = awsErrorOf(normalized);
    setCommonHeaders(error, request, response);
    response.setHeader(SMITHY_PROTOCOL_HEADER, RPC_V2_CBOR);
    response.setHeader('Content-Type', CBOR_CONTENT_TYPE);
    response
      .status(error.status)
      .send(Buffer.from(encodeCbor({ __type: errorShapeId(error.type), message: error.message })));
  }
}
