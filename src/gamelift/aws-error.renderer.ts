import type { Request, Response } from 'express';
import type { ErrorRenderer } from '../common/filters/error-renderer.js';
import type { NormalizedError } from '../common/normalize-error.js';
import { AMZ_JSON, awsRequestId } from './aws-errors.js';

/** Error kinds as AWS JSON 1.1 error types. */
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

/**
 * AWS JSON 1.1 errors for the GameLift endpoint (`POST /`, or any request
 * carrying `X-Amz-Target`): HTTP 400 (500 only for InternalServiceException)
 * with `{"__type", "message"}`, `x-amzn-ErrorType` and `x-amzn-RequestId`.
 */
export class AwsJsonErrorRenderer implements ErrorRenderer {
  matches(request: Request): boolean {
    return request.headers['x-amz-target'] !== undefined || (request.method === 'POST' && request.path === '/');
  }

  render(error: NormalizedError, request: Request, response: Response): void {
    const [status, kindType] = TYPES[error.kind];
    const type = AWS_TYPE.test(error.code) ? error.code : kindType;
    const message =
      error.kind === 'validation'
        ? `${error.details.length} validation error${error.details.length === 1 ? '' : 's'} detected: ` +
          error.details.map((d) => `${d.loc.join('.') || 'body'}: ${d.msg}`).join('; ')
        : error.kind === 'malformed_body'
          ? 'Request body is not valid JSON'
          : error.message;
    const retryAfter = error.kind === 'validation' ? undefined : error.retryAfterSeconds;
    if (error.kind === 'unavailable' || retryAfter !== undefined) {
      response.setHeader('Retry-After', String(retryAfter ?? 1));
    }
    response.setHeader('x-amzn-RequestId', awsRequestId(request));
    response.setHeader('x-amzn-ErrorType', type);
    response.setHeader('Content-Type', AMZ_JSON);
    response.status(status).send(JSON.stringify({ __type: type, message }));
  }
}
