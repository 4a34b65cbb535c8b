import { Module } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import sonicBoom, { type SonicBoomOpts } from 'sonic-boom';
import { AppConfig } from '../config/config.js';
import { errorSerializer } from './error-serializer.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Probes and scrapes: never access-logged. */
const OPERATIONAL = /^\/(health|metrics)(\/|\?|$)/;

/**
 * Standard output, written in 4 KiB batches rather than one write(2) per line
 * (flushed when the process exits, SIGTERM included; a SIGKILL may lose the
 * last few lines). Logging must never keep the process from stopping: once
 * standard output fails (EPIPE: the reader is gone), logging stops and the
 * service goes on; a reader that stops reading blocks a flush for at most
 * about a second (sonic-boom 5's bounded retries, where pino's own sonic-boom 4
 * retries any write error forever inside the exit handler).
 */
export function logDestination(config: AppConfig): DestinationStream {
  const sync = config.log.level === 'silent';
  // `maxWriteRetries` (sonic-boom 5) is missing from its type definitions.
  const options: SonicBoomOpts & { maxWriteRetries: number } = {
    fd: 1,
    sync,
    minLength: sync ? 0 : 4096,
    maxWriteRetries: 10,
  };
  const stream = new sonicBoom.SonicBoom(options);
  let broken = false;
  stream.on('error', () => {
    broken = true;
  });
  if (!sync) {
    process.once('exit', () => {
      if (broken) return;
      try {
        stream.flushSync();
      } catch {
        // standard output is gone: the last lines are lost, the exit goes on
      }
    });
  }
  return {
    write(line: string) {
      if (broken) return;
      try {
        stream.write(line);
      } catch {
        broken = true;
      }
    },
  };
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
          logDestination(config),
        ],
      }),
    }),
  ],
})
export class LoggingModule {}
