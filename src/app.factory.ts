import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication, NestExpressBodyParserOptionsFor } from '@nestjs/platform-express';
import type { Request } from 'express';
import type { IncomingMessage } from 'node:http';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AuditMiddleware } from './admin/audit/audit.middleware.js';
import { AppModule } from './app.module.js';
import { jsonBodyVerifier } from './common/input-screen.js';
import { precomputedHeaders } from './common/static-headers.js';
import { AppConfig } from './config/config.js';
import { Drain } from './lifecycle/drain.js';
import { rpcV2CborBodyDecoder } from './gamelift/rpcv2-cbor.codec.js';
import { isRpcV2Request } from './gamelift/wire-protocols.js';
import { MetricsService } from './metrics/metrics.service.js';

/** Body types parsed as JSON: plain JSON and AWS JSON 1.1 (GameLift). */
const JSON_TYPES = ['application/json', 'application/x-amz-json-1.1', 'application/*+json'];

/** Under `/service/` (GameLift over Smithy RPC v2 CBOR) bodies are always kept as bytes. */
const isRpcV2Body = (request: IncomingMessage) => isRpcV2Request({ path: request.url ?? '' });
/** JSON bodies, except RPC v2 ones. Body parsers run after Express has made the request an Express request. */
const isJsonBody = (request: IncomingMessage) => !isRpcV2Body(request) && Boolean((request as Request).is(JSON_TYPES));

/** Builds the configured application (not yet listening). Used by main.ts and the e2e tests alike. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
    // The JSON parser's own verify hook keeps the raw bytes (for AWS Signature V4 payload hashes); see below.
    rawBody: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // No automatic ETag (a SHA-1 of every JSON body): nothing here serves conditional GETs; the admin API
  // sets its own ETags from row versions.
  app.set('etag', false);
  // TRUST_PROXY: which peers' X-Forwarded-For is believed for `request.ip` (rate limits, quotas). Off by default:
  // a client could otherwise choose its own IP. See README "Behind a proxy".
  app.set('trust proxy', config.http.trustProxy);
  // First: while the instance stops, requests still arriving get a 503 and `Connection: close`.
  app.use(app.get(Drain).middleware);
  if (config.metrics.enabled) app.use(app.get(MetricsService).middleware);
  // Before the body parser: an admin request it refuses is audited too.
  app.use(app.get(AuditMiddleware).middleware);
  // No upgrade-insecure-requests: the service is often reached over plain HTTP (development, behind a proxy),
  // where that directive would make browsers fetch the explorer's assets over HTTPS and fail.
  // helmet's headers are static here, so they are computed once (see static-headers.ts), not on every request.
  app.use(precomputedHeaders(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } })));
  // Keeps `req.rawBody` and refuses too deeply nested JSON before it is parsed (src/common/input-screen.ts).
  // Nest's type leaves `verify` out because its own `rawBody` option sets it; that option is off here.
  app.useBodyParser('json', {
    limit: config.http.bodyLimit,
    type: isJsonBody,
    verify: jsonBodyVerifier,
  } as NestExpressBodyParserOptionsFor<'json'>);
  // GameLift over RPC v2 CBOR: the bytes are read whatever the Content-Type claims, so the signature covers
  // them and the controller can refuse a wrong Content-Type in the protocol's own error shape.
  app.useBodyParser('raw', { limit: config.http.bodyLimit, type: isRpcV2Body });
  app.use(rpcV2CborBodyDecoder);
  if (config.http.swagger) setupSwagger(app);
  return app;
}

/** The explorer at /docs and its document at /docs-json. The document is built at its first request, not at start. */
export function setupSwagger(app: INestApplication): void {
  const document = () =>
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Joinery')
        .setDescription(
          'Self-hostable game sessions. RallyHere-compatible session API (`/session/...`, `/users/...`), ' +
            'GameLift-compatible player sessions (AWS JSON 1.1 on `POST /`, Smithy RPC v2 CBOR on ' +
            '`POST /service/GameLift/operation/{operation}`), and the operator API (`/admin/...`). ' +
            'Get a token from `POST /users/v1/login`, then use **Authorize**.',
        )
        .setVersion('1')
        .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
        .addBasicAuth()
        .addSecurity('sigv4', {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'AWS Signature V4 (service gamelift) with a Joinery access key; sign with an AWS SDK',
        })
        .build(),
    );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
