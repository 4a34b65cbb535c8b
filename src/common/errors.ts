/**
 * Domain errors: thrown by services, translated once per protocol
 * (RallyHere `{auth_success, error_code, desc}`, AWS `{__type, message}`,
 * the REST facade's envelope). `code` is stable and documented.
 */
export type ErrorKind =
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'invalid'
  | 'conflict'
  | 'precondition_failed'
  | 'precondition_required'
  | 'full'
  | 'invalid_status'
  | 'unavailable'
  | 'rate_limited';

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;

  protected constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request carries no usable credentials (missing, forged, expired token or signature). */
export class NotAuthenticated extends DomainError {
  readonly kind = 'unauthenticated';

  constructor(code: string, message: string) {
    super(code, message);
  }
}

/** The principal is known but may not do this. */
export class PermissionDenied extends DomainError {
  readonly kind = 'forbidden';

  constructor(message = 'Insufficient Permissions', code = 'insufficient_permissions') {
    super(code, message);
  }
}

export class NotFound extends DomainError {
  readonly kind = 'not_found';

  constructor(code: string, message: string) {
    super(code, message);
  }
}

/** A well-formed request that the rules refuse. */
export class InvalidRequest extends DomainError {
  readonly kind = 'invalid';

  constructor(code: string, message: string) {
    super(code, message);
  }
}

export class Conflict extends DomainError {
  readonly kind = 'conflict';

  constructor(code: string, message: string) {
    super(code, message);
  }
}

export class PreconditionFailed extends DomainError {
  readonly kind = 'precondition_failed';

  constructor(code: string, message: string) {
    super(code, message);
  }
}

/** A conditional request was expected (`If-Match`) and not sent. */
export class PreconditionRequired extends DomainError {
  readonly kind = 'precondition_required';

  constructor(message: string) {
    super('precondition_required', message);
  }
}

/** The database cannot be reached; the request may be retried (a write may have committed first: docs/gamelift.md). */
export class ServiceUnavailable extends DomainError {
  readonly kind = 'unavailable';

  constructor(message = 'The service is temporarily unavailable; retry shortly') {
    super('service_unavailable', message);
  }
}

export class RateLimited extends DomainError {
  readonly kind = 'rate_limited';

  constructor(
    readonly retryAfterSeconds: number,
    code = 'rate_limited',
    message = `Too many requests; retry after ${retryAfterSeconds} s`,
  ) {
    super(code, message);
  }
}
