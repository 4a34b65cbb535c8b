import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Principal } from '../../auth/principal.js';
import { AuditService } from './audit.service.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ADMIN_PATH = /^\/admin(\/|$)/;
/** Body fields that name what a create is about. */
const SUBJECT_FIELDS = ['session_type', 'client_id', 'name', 'role'];

function subjectOf(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  const subject: Record<string, string> = {};
  for (const field of SUBJECT_FIELDS) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string' && value.length <= 128) subject[field] = value;
  }
  return subject;
}

type AuditedRequest = Request & {
  user?: Principal;
  id?: string;
  auditTarget?: Record<string, string>;
  authThrottled?: boolean;
};

/**
 * Records every admin change and every refused admin attempt (401/403, reads
 * included), whatever refused it: the body parser, the guard, the pipe or the
 * service, whatever the input (see `storable` in audit.service.ts); except
 * the attempts of an IP already over its failed-authentication limit
 * (`AUTH_FAILURE_LIMIT`), answered 429 without any database work. The
 * entry is written before the answer is sent, so the log is in the order the
 * caller saw the answers; a failure to write it is logged, never fatal.
 */
@Injectable()
export class AuditMiddleware implements NestMiddleware {
  private readonly logger = new Logger('Audit');

  constructor(private readonly audit: AuditService) {}

  /** Express middleware for the whole application: audits `/admin` requests, passes the others. */
  readonly middleware = (request: AuditedRequest, response: Response, next: NextFunction): void => {
    if (ADMIN_PATH.test(request.path)) this.use(request, response, next);
    else next();
  };

  use(request: AuditedRequest, response: Response, next: NextFunction): void {
    const end = response.end.bind(response) as (...args: unknown[]) => Response;
    let recorded = false;
    response.end = ((...args: unknown[]) => {
      const status = response.statusCode;
      // Requests of an IP over its failed-authentication limit (429 before authentication) are not written:
      // the limit exists so that a flood of bad credentials costs no database work (the first ones are recorded).
      const audited = !request.authThrottled && (!READS.has(request.method) || status === 401 || status === 403);
      if (recorded || !audited) return end(...args);
      recorded = true;
      // Route patterns escape literal colons (`:session_id\\:terminate`); the log shows them plainly.
      const routePath = ((request.route as { path?: string } | undefined)?.path ?? request.path).replace(/\\:/g, ':');
      this.audit
        .record({
          principal: request.user,
          method: request.method,
          routePath: `${request.baseUrl ?? ''}${routePath}`,
          path: request.originalUrl.split('?')[0],
          target: { ...subjectOf(request.body), ...(request.params as Record<string, string>), ...request.auditTarget },
          status,
          requestId: typeof request.id === 'string' ? request.id : undefined,
        })
        .catch((error: unknown) => this.logger.error({ err: error }, 'could not write the audit log'))
        .finally(() => end(...args));
      return response;
    }) as Response['end'];
    next();
  }
}
