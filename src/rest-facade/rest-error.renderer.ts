import type { Request, Response } from 'express';
import type { ErrorRenderer } from '../common/filters/error-renderer.js';
import type { NormalizedError } from '../common/normalize-error.js';

/** Error kinds as the REST facade's `{success: false, error: {code, message}}` envelope. */
const CODES: Record<NormalizedError['kind'], [status: number, code: string]> = {
  validation: [400, 'VALIDATION_ERROR'],
  malformed_body: [400, 'VALIDATION_ERROR'],
  unauthenticated: [401, 'UNAUTHORIZED'],
  forbidden: [403, 'FORBIDDEN'],
  not_found: [404, 'NOT_FOUND'],
  route_not_found: [404, 'NOT_FOUND'],
  invalid: [400, 'INVALID_REQUEST'],
  full: [409, 'GAME_SESSION_FULL'],
  invalid_status: [409, 'INVALID_GAME_SESSION_STATUS'],
  conflict: [409, 'CONFLICT'],
  precondition_failed: [412, 'PRECONDITION_FAILED'],
  precondition_required: [428, 'PRECONDITION_REQUIRED'],
  too_large: [413, 'PAYLOAD_TOO_LARGE'],
  rate_limited: [429, 'RATE_LIMITED'],
  unavailable: [503, 'SERVICE_UNAVAILABLE'],
  internal: [500, 'INTERNAL_ERROR'],
};

/** Renders errors of `/player-session/...` in the seed page's envelope. */
export class RestEnvelopeErrorRenderer implements ErrorRenderer {
  matches(request: Request): boolean {
    return request.path.startsWith('/player-session/');
  }

  render(error: NormalizedError, _request: Request, response: Response): void {
    const [status, code] = CODES[error.kind];
    if (error.kind === 'unauthenticated') response.setHeader('WWW-Authenticate', 'Bearer');
    const retryAfter = error.kind === 'validation' ? undefined : error.retryAfterSeconds;
    if (error.kind === 'unavailable' || retryAfter !== undefined) {
      response.setHeader('Retry-After', String(retryAfter ?? 1));
    }
    const body: { code: string; message: string; details?: { field: string; message: string }[] } = {
      code,
      message:
        error.kind === 'validation'
          ? 'Invalid request parameters'
          : error.kind === 'malformed_body'
            ? 'Request body is not valid JSON'
            : error.message,
    };
    if (error.kind === 'validation') {
      body.details = error.details.map((d) => ({
        field: d.loc.filter((part) => part !== 'body').join('.'),
        message: d.msg,
      }));
    }
    response.status(status).json({ success: false, error: body });
  }
}
