import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { normalizeError } from '../normalize-error.js';
import { ErrorRenderers } from './error-renderer.js';

/**
 * The one global exception filter. It reduces any exception to a
 * {@link NormalizedError} and lets the protocol of the request render it.
 */
@Catch()
export class ProtocolExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly renderers: ErrorRenderers) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const error = normalizeError(exception);
    if (error.kind === 'internal') {
      this.logger.error({ err: exception, method: request.method, url: request.originalUrl }, 'unhandled error');
    } else if (error.kind === 'unavailable') {
      this.logger.warn({ err: exception, url: request.originalUrl }, 'database unavailable');
    }
    if (response.headersSent) return;
    const renderer = this.renderers.for(request);
    renderer?.render(error, request, response);
  }
}
