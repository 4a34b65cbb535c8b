import type { Request, Response } from 'express';
import type { NormalizedError } from '../common/normalize-error.js';
import type { ErrorRenderer } from '../common/filters/error-renderer.js';

const STATUS: Record<NormalizedError['kind'], number> = {
  validation: 422,
  malformed_body: 422,
  unauthenticated: 403,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  invalid: 400,
  full: 400,
  invalid_status: 400,
  conflict: 409,
  precondition_failed: 412,
  precondition_required: 428,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/**
 * RallyHere's shapes: `{auth_success, error_code, desc}` for 4xx/5xx and
 * `{detail: [{loc, msg, type}]}` for 422. `auth_success: false` means the
 * credentials themselves were refused.
 */
export class RallyHereErrorRenderer implements ErrorRenderer {
  matches(): boolean {
    return true;
  }

  render(error: NormalizedError, _request: Request, response: Response): void {
    const status = STATUS[error.kind];
    if (error.kind === 'validation') {
      response.status(status).json({ detail: error.details });
      return;
    }
    if (error.kind === 'malformed_body') {
      response.status(status).json({ detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] });
      return;
    }
    if (error.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(error.retryAfterSeconds));
    if (error.kind === 'unavailable') response.setHeader('Retry-After', '1');
    response
      .status(status)
      .json({ auth_success: error.kind !== 'unauthenticated', error_code: error.code, desc: error.message });
  }
}
