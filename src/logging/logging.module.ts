import { Module } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';
import { AppConfig } from '../config/config.js';
import { errorSerializer } from './error-serializer.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Probes and scrapes: never access-logged. */
const OPERATIONAL = /^\/(health|metrics)(\/|\?|$)/;

/**
 * Standard output, written in 4 KiB batches rather than one write(2) per line
 * (pino flushes what is buffered when the process exits, SIGTERM included;
 * a SIGKILL may lose the last few lines).
 */
function destination(config: AppConfig): DestinationStream {
  if (config.log.level === 'silent') return pino.destination({ dest: 1, sync: true });
  return pino.destination({ dest: 1, sync: false, minLength: 4096 });
}

/** The request id: the caller's `x-request-id` when well-formed, else a new UUID. Echoed back. */
export function requestId(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader('x-request-id', id);
  return id;
}

/** Structured JSON logs (pino); every line of a request carries its `req.id`. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: [
          {
            level: config.log.level,
            genReqId: requestId,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-amz-security-token"]'],
            // LOG_REQUESTS: one access-log line per request (all), only for failures (errors), or none.
            autoLogging:
              config.log.requests === 'none'
                ? false
                : { ignore: (request: IncomingMessage) => OPERATIONAL.test(request.url ?? '') },
            customLogLevel: (_request: IncomingMessage, response: ServerResponse, error?: Error) =>
              error || response.statusCode >= 500
                ? 'error'
                : response.statusCode >= 400
                  ? 'warn'
                  : config.log.requests === 'all'
                    ? 'info'
                    : 'silent',
            serializers: {
              // Errors without SQL parameters or driver details (see error-serializer.ts).
              err: errorSerializer,
              req: (request: { id: string; method: string; url: string }) => ({
                id: request.id,
                method: request.method,
                url: request.url,
              }),
              res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
            },
          },
          destination(config),
        ],
      }),
    }),
  ],
})
export class LoggingModule {}
