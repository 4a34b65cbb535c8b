// The SDK warns on every file that Node 20 support ends in 2027; the project still supports Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { GameLiftClient } from '@aws-sdk/client-gamelift';
import { AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import { Sha256 } from '@aws-crypto/sha256-js';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { decode as cborDecode, encode as cborEncode } from 'cbor2';
import http from 'node:http';
import { DEV_BOOTSTRAP } from '../../src/config/config.js';
import { send } from '../utils/http.js';

export const DEV_KEY = DEV_BOOTSTRAP.accessKey;
export const REGION = 'us-east-1';
export const FLEET_ID = 'fleet-joinery';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export const devCredentials: Credentials = { accessKeyId: DEV_KEY.accessKeyId, secretAccessKey: DEV_KEY.secret };

/**
 * The real AWS SDK client pointed at a test server. `maxAttempts: 1`, so a
 * retry can never hide a 500; enough sockets for concurrency tests.
 */
export function gameLiftClient(
  baseUrl: string,
  credentials: Credentials = devCredentials,
  sockets = 50,
  protocol: 'json' | 'cbor' = 'json',
): GameLiftClient {
  return new GameLiftClient({
    endpoint: baseUrl,
    region: REGION,
    credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: sockets }) }),
    // The SDK's default for GameLift is AWS JSON 1.1; its Smithy RPC v2 CBOR protocol is the one the model lists first.
    ...(protocol === 'cbor' ? { protocol: AwsSmithyRpcV2CborProtocol } : {}),
  });
}

/** The same SDK speaking Smithy RPC v2 CBOR (`@aws-sdk/core`'s AwsSmithyRpcV2CborProtocol). */
export function gameLiftCborClient(baseUrl: string, credentials: Credentials = devCredentials): GameLiftClient {
  return gameLiftClient(baseUrl, credentials, 50, 'cbor');
}

export interface RawAwsResult {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * One AWS JSON 1.1 call signed with `@smithy/signature-v4` directly: for the
 * game-server operations (not in the SDK) and for tampered requests.
 */
export async function signedCall(
  baseUrl: string,
  target: string,
  input: unknown,
  options: {
    credentials?: Credentials;
    signingDate?: Date;
    service?: string;
    region?: string;
    tamper?: (request: { headers: Record<string, string>; body: string }) => void;
    rawBody?: string;
    /** Headers left out of the signature (the AWS SDKs sign them all). */
    unsignable?: string[];
    contentType?: string;
  } = {},
): Promise<RawAwsResult> {
  const url = new URL(baseUrl);
  const body = options.rawBody ?? JSON.stringify(input);
  const signer = new SignatureV4({
    service: options.service ?? 'gamelift',
    region: options.region ?? REGION,
    credentials: options.credentials ?? devCredentials,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: {
        host: url.host,
        'content-type': options.contentType ?? 'application/x-amz-json-1.1',
        'x-amz-target': `GameLift.${target}`,
      },
      body,
    },
    { signingDate: options.signingDate, unsignableHeaders: new Set(options.unsignable ?? []) },
  );
  const request = { headers: { ...(signed.headers as Record<string, string>) }, body };
  options.tamper?.(request);
  delete request.headers.host;
  const response = await send(`${baseUrl}/`, { method: 'POST', headers: request.headers, body: request.body });
  const text = response.bytes.toString('utf8');
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

export interface RawCborResult {
  status: number;
  headers: Headers;
  /** The raw answer. */
  bytes: Uint8Array;
  /** The answer decoded with cbor2 (undefined if it is not CBOR). */
  body: any;
}

/**
 * One Smithy RPC v2 CBOR call signed with `@smithy/signature-v4` directly:
 * for tampered requests and fuzzed bodies. `input` is encoded with cbor2
 * unless `rawBody` gives the bytes.
 */
export async function signedCborCall(
  baseUrl: string,
  operation: string,
  input: unknown,
  options: {
    credentials?: Credentials;
    rawBody?: Uint8Array;
    /** Headers set (or, with undefined, removed) before signing. */
    headers?: Record<string, string | undefined>;
    path?: string;
    tamper?: (request: { headers: Record<string, string>; body: Uint8Array }) => void;
  } = {},
): Promise<RawCborResult> {
  const url = new URL(baseUrl);
  const body = options.rawBody ?? (input === undefined ? new Uint8Array() : cborEncode(input));
  const headers: Record<string, string> = {
    host: url.host,
    'smithy-protocol': 'rpc-v2-cbor',
    'content-type': 'application/cbor',
    accept: 'application/cbor',
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  const path = options.path ?? `/service/GameLift/operation/${operation}`;
  const signer = new SignatureV4({
    service: 'gamelift',
    region: REGION,
    credentials: options.credentials ?? devCredentials,
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path,
    query: {},
    headers,
    body,
  });
  const request = { headers: { ...(signed.headers as Record<string, string>) }, body };
  options.tamper?.(request);
  delete request.headers.host;
  const response = await send(`${baseUrl}${path}`, {
    method: 'POST',
    headers: request.headers,
    body: request.body.length ? Buffer.from(request.body) : undefined,
  });
  const bytes = new Uint8Array(response.bytes);
  let decoded: unknown;
  try {
    decoded = bytes.length ? cborDecode(bytes) : undefined;
  } catch {
    decoded = undefined;
  }
  return { status: response.status, headers: response.headers, bytes, body: decoded };
}
