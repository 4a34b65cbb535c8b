import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import etag from 'etag';
import type { Request, Response } from 'express';
import { map, type Observable } from 'rxjs';

/**
 * Sets a strong `ETag` on a JSON read: the hash of the exact body the client gets (Express's own `etag`), so it
 * changes with anything the client would see (a seat, the limited or full view, a timestamp) and with nothing
 * else. Express then answers a matching `If-None-Match` with 304 and no body (`res.send` checks `req.fresh`).
 * The handler still runs: the read still counts as the player polling (player_culling_timeout), and a poll costs a
 * read but no transfer.
 */
@Injectable()
export class ETagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    return next.handle().pipe(
      map((body: unknown) => {
        if (body === undefined) return body;
        const tag = etag(JSON.stringify(body));
        response.setHeader('ETag', tag);
        // Express's own check (`fresh`) treats a request's `Cache-Control: no-cache` as "not fresh", as a cache
        // would; an origin server evaluates If-None-Match regardless (RFC 9110 13.1.2), and fetch() adds that
        // header to every conditional request. So the request's freshness is decided here.
        Object.defineProperty(request, 'fresh', { value: ifNoneMatchHolds(request.headers['if-none-match'], tag) });
        return body;
      }),
    );
  }
}

/** RFC 9110 13.1.2: `*`, or any listed tag equal to the current one by weak comparison. */
export function ifNoneMatchHolds(header: string | undefined, current: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(current));
}

/** A read clients poll: `ETag` on the answer, `If-None-Match` answered 304 when nothing changed. */
export function ConditionalRead() {
  return applyDecorators(
    UseInterceptors(ETagInterceptor),
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'The ETag of the answer the client holds: 304 Not Modified, without a body, while it is current',
    }),
    ApiResponse({ status: 304, description: 'Not modified: the ETag sent in If-None-Match is current' }),
  );
}
