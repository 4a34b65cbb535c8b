import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError, ErrorKind, RateLimited } from './errors.js';
import { RequestValidationFailed, ValidationDetail } from './validation.js';

/** Any exception reduced to what a protocol renderer needs. */
export type NormalizedError =
  | { kind: 'validation'; code: 'validation_error'; message: string; details: ValidationDetail[] }
  | {
      kind: ErrorKind | 'malformed_body' | 'too_large' | 'route_not_found' | 'internal';
      code: string;
      message: string;
      retryAfterSeconds?: number;
    };

/**
 * PostgreSQL error codes meaning the server is unreachable or restarting, or
 * that the statement was rolled back for a transient reason (deadlock,
 * serialization failure, lock or statement timeout): nothing was written and
 * the request may be retried, so they answer 503, never 500.
 */
const CONNECTION_SQLSTATES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
  '40P01',
  '40001',
  '55P03',
  '57014',
]);
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

export function isDatabaseUnavailable(error: unknown): boolean {
  const candidates = [error, (error as { driverError?: unknown })?.driverError];
  return candidates.some((e) => {
    if (!e || typeof e !== 'object') return false;
    const code = (e as { code?: unknown }).code;
    const message = String((e as { message?: unknown }).message ?? '');
    return (
      (typeof code === 'string' && (CONNECTION_SQLSTATES.has(code) || CONNECTION_ERRNOS.has(code))) ||
      /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
        message,
      )
    );
  });
}

export function normalizeError(exception: unknown): NormalizedError {
  // body-parser wraps what its verify hook throws (too deep JSON, src/common/input-screen.ts) in an HTTP error.
  const cause = exception instanceof HttpException ? exception.cause : undefined;
  const validation = exception instanceof RequestValidationFailed ? exception : cause;
  if (validation instanceof RequestValidationFailed) {
    return { kind: 'validation', code: 'validation_error', message: validation.message, details: validation.details };
  }
  // Express could not decode a path parameter (`%`, `%ED%A0%80`: not percent-encoded UTF-8).
  if (cause instanceof URIError) {
    const details = [{ loc: ['path'], msg: 'The path is not valid percent-encoded UTF-8', type: 'value_error' }];
    return { kind: 'validation', code: 'validation_error', message: details[0].msg, details };
  }
  if (exception instanceof DomainError) {
    return {
      kind: exception.kind,
      code: exception.code,
      message: exception.message,
      retryAfterSeconds: exception instanceof RateLimited ? exception.retryAfterSeconds : undefined,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === HttpStatus.PAYLOAD_TOO_LARGE) {
      return {
        kind: 'too_large',
        code: 'request_too_large',
        message: 'Request body is larger than the configured limit',
      };
    }
    if (status === HttpStatus.NOT_FOUND) {
      return { kind: 'route_not_found', code: 'not_found', message: 'No such route' };
    }
    if (status === HttpStatus.BAD_REQUEST && isBodyParseError(exception)) {
      return { kind: 'malformed_body', code: 'json_invalid', message: 'Request body is not valid JSON' };
    }
    if (status === HttpStatus.TOO_MANY_REQUESTS) {
      return { kind: 'rate_limited', code: 'rate_limited', message: 'Too many requests' };
    }
    if (status < 500) {
      return { kind: 'invalid', code: 'bad_request', message: exception.message };
    }
  }
  const sqlState = databaseErrorCode(exception);
  if (sqlState === '23505') {
    return { kind: 'conflict', code: 'already_exists', message: 'A resource with the same identity already exists' };
  }
  if (sqlState === '23503') {
    return {
      kind: 'conflict',
      code: 'in_use',
      message: 'The resource is referenced by others and cannot be changed this way',
    };
  }
  if (isDatabaseUnavailable(exception)) {
    return { kind: 'unavailable', code: 'service_unavailable', message: 'The database is unavailable; retry shortly' };
  }
  return { kind: 'internal', code: 'internal_error', message: 'An internal error occurred' };
}

/** The SQLSTATE of a database error (TypeORM wraps the driver's error). */
function databaseErrorCode(error: unknown): string | undefined {
  for (const candidate of [error, (error as { driverError?: unknown })?.driverError]) {
    const code = (candidate as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

function isBodyParseError(exception: HttpException): boolean {
  const cause = exception.cause as { type?: string } | undefined;
  return cause instanceof SyntaxError || cause?.type === 'entity.parse.failed' || /JSON/i.test(exception.message);
}
