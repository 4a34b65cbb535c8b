import { getCanonicalHeaders, getCanonicalQuery } from '@smithy/signature-v4';
import { LRUCache } from 'lru-cache';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { IncompleteSignature, InvalidSignature, MissingAuthenticationToken } from './aws-errors.js';

/** The service name requests must be signed for. */
export const SIGNING_SERVICE = 'gamelift';
/** Largest accepted difference between the request's X-Amz-Date and the server clock (AWS: 15 minutes). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SIGNATURE = /^[0-9a-f]{64}$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/** What the `Authorization` header of a SigV4 request says. */
export interface SigV4Authorization {
  accessKeyId: string;
  /** Credential scope: `YYYYMMDD`, region, service. */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** The parts of an incoming request that its signature covers. */
export interface IncomingSignedRequest {
  method: string;
  /** The path as sent (still percent-encoded), without the query. */
  rawPath: string;
  /** The query string as sent, without `?`. */
  rawQuery: string;
  /** Header names in lower case, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The raw body bytes (empty when there is none). */
  body: Buffer | undefined;
}

/**
 * Parses `AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/gamelift/aws4_request,
 * SignedHeaders=host;x-amz-date, Signature=<hex>`. A missing header is
 * MissingAuthenticationTokenException, an unreadable one IncompleteSignatureException
 * (as AWS answers them); a readable one with a wrong scope is InvalidSignatureException.
 */
export function parseAuthorization(header: string | string[] | undefined): SigV4Authorization {
  if (header === undefined || header === '') throw new MissingAuthenticationToken();
  if (typeof header !== 'string' || header.length > 4096) {
    throw new IncompleteSignature('The Authorization header is not an AWS Signature V4 header');
  }
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw new IncompleteSignature(`Authorization header must use the ${ALGORITHM} algorithm`);
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  const missing = [
    ['Credential', credential],
    ['Signature', signature],
    ['SignedHeaders', signedHeaders],
  ].filter(([, value]) => !value);
  if (!credential || !signedHeaders || !signature) {
    throw new IncompleteSignature(
      missing.map(([name]) => `Authorization header requires '${name}' parameter.`).join(' '),
    );
  }
  const scope = credential.split('/');
  if (scope.length !== 5 || !scope[0]) {
    throw new IncompleteSignature('Credential must be <access key id>/<date>/<region>/<service>/aws4_request');
  }
  const [accessKeyId, date, region, service, terminator] = scope;
  if (!/^\d{8}$/.test(date) || terminator !== 'aws4_request') {
    throw new InvalidSignature(`Credential scope ${scope.slice(1).join('/')} is malformed`);
  }
  if (service !== SIGNING_SERVICE) {
    throw new InvalidSignature(`Credential should be scoped to correct service: '${SIGNING_SERVICE}'.`);
  }
  if (!REGION.test(region)) {
    throw new InvalidSignature(`Credential should be scoped to a valid region, not '${region}'.`);
  }
  const headers = signedHeaders.split(';');
  if (headers.some((h) => !HEADER_NAME.test(h))) {
    throw new InvalidSignature('SignedHeaders must be a ;-separated list of lower-case header names');
  }
  if (!headers.includes('host') || !headers.includes('x-amz-date')) {
    throw new InvalidSignature("'Host' and 'X-Amz-Date' must be signed headers");
  }
  if (!SIGNATURE.test(signature)) {
    throw new InvalidSignature('Signature must be 64 lower-case hexadecimal characters');
  }
  return { accessKeyId, date, region, service, signedHeaders: headers, signature };
}

/**
 * Refuses a signature that leaves out headers the request's meaning rests on
 * (a signature over the body alone could be replayed with other headers).
 */
export function requireSignedHeaders(authorization: SigV4Authorization, names: readonly string[]): void {
  const missing = names.filter((name) => !authorization.signedHeaders.includes(name));
  if (missing.length) {
    throw new InvalidSignature(`These headers must be signed: ${missing.join(', ')}`);
  }
}

/** Parses `YYYYMMDDTHHMMSSZ`. */
export function parseAmzDate(value: string | string[] | undefined): Date | undefined {
  const match = typeof value === 'string' ? AMZ_DATE.exec(value) : null;
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) || date.getUTCDate() !== d ? undefined : date;
}

/**
 * Checks the request's X-Amz-Date against the credential scope and the clock.
 * AWS answers a date out of the allowed skew with InvalidSignatureException "Signature expired".
 */
export function checkRequestDate(
  request: IncomingSignedRequest,
  authorization: SigV4Authorization,
  now: Date,
  maxSkewMs = MAX_CLOCK_SKEW_MS,
): Date {
  const raw = request.headers['x-amz-date'];
  const signedAt = parseAmzDate(raw);
  if (!signedAt) throw new InvalidSignature('X-Amz-Date must be present and look like 20250101T000000Z');
  if ((raw as string).slice(0, 8) !== authorization.date) {
    throw new InvalidSignature('The credential scope date does not match X-Amz-Date');
  }
  if (Math.abs(now.getTime() - signedAt.getTime()) > maxSkewMs) {
    const stamp = (d: Date) =>
      d
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
    const earliest = stamp(new Date(now.getTime() - maxSkewMs));
    const latest = stamp(new Date(now.getTime() + maxSkewMs));
    throw new InvalidSignature(
      `Signature expired: ${raw as string} is now earlier than ${earliest} or later than ${latest} (${stamp(now)} +/- 15 min.)`,
    );
  }
  return signedAt;
}

/**
 * Derived signing keys (`kSigning`: four HMACs over the secret, the date, the region and the service), one per
 * access key and credential scope, as the AWS SDKs keep them on their side. An entry holds the secret it was
 * derived from: after a rotation the next request derives the key again.
 */
const signingKeys = new LRUCache<string, { secret: string; key: Buffer }>({ max: 10_000 });

function signingKey(authorization: SigV4Authorization, secret: string): Buffer {
  const scope = `${authorization.accessKeyId}/${authorization.date}/${authorization.region}/${authorization.service}`;
  const cached = signingKeys.get(scope);
  if (cached?.secret === secret) return cached.key;
  let key = createHmac('sha256', `AWS4${secret}`).update(authorization.date).digest();
  for (const part of [authorization.region, authorization.service, 'aws4_request']) {
    key = createHmac('sha256', key).update(part).digest();
  }
  signingKeys.set(scope, { secret, key });
  return key;
}

/**
 * Verifies a request's signature: the canonical request is built once from the method, the path, the query,
 * the headers named in SignedHeaders and the raw body (the canonical query and header rules are
 * `@smithy/signature-v4`'s own functions, the path and scope follow the SigV4 specification as that package
 * does), and signed with one HMAC under the cached signing key of the request's credential scope; the result
 * is compared with the given signature in constant time. Throws InvalidSignatureException when they differ.
 * `src/gamelift/sigv4.spec.ts` checks it against requests that `@smithy/signature-v4` itself signed.
 */
export function verifySignature(
  request: IncomingSignedRequest,
  authorization: SigV4Authorization,
  secret: string,
  signedAt: Date,
): void {
  const signedHeaders = authorization.signedHeaders;
  // The canonical list is sorted and has each name once; a client's list that is not cannot match it.
  for (let i = 1; i < signedHeaders.length; i++) {
    if (signedHeaders[i - 1] >= signedHeaders[i]) throw signatureMismatch();
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) throw new InvalidSignature(`Signed header ${name} is missing from the request`);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const body = request.body ?? Buffer.alloc(0);
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const claimedHash = headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== bodyHash) {
    throw new InvalidSignature('The provided x-amz-content-sha256 header does not match the payload');
  }
  const canonicalHeaders = getCanonicalHeaders({ headers } as never, undefined, new Set(signedHeaders));
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(decodePath(request.rawPath)),
    getCanonicalQuery({ query: parseQuery(request.rawQuery) } as never),
    ...signedHeaders.map((name) => `${name}:${canonicalHeaders[name] ?? ''}`),
    '',
    signedHeaders.join(';'),
    bodyHash,
  ].join('\n');
  const amzDate = signedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const stringToSign = [
    ALGORITHM,
    amzDate,
    `${authorization.date}/${authorization.region}/${authorization.service}/aws4_request`,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const expected = createHmac('sha256', signingKey(authorization, secret)).update(stringToSign).digest();
  const given = Buffer.from(authorization.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw signatureMismatch();
}

function signatureMismatch(): InvalidSignature {
  return new InvalidSignature(
    'The request signature we calculated does not match the signature you provided. ' +
      'Check your AWS Secret Access Key and signing method.',
  );
}

/** The canonical URI: dot segments and empty segments removed, each byte URI-encoded twice (not `/`). */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

/** RFC 3986 encoding: encodeURIComponent plus the sub-delimiters it leaves alone. */
function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodePath(rawPath: string): string {
  try {
    return rawPath
      .split('/')
      .map((segment) => decodeURIComponent(segment))
      .join('/');
  } catch {
    throw new InvalidSignature('The request path is not validly percent-encoded');
  }
}

function parseQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

/** The parts of an Express request that a signature covers. */
export function signedPartsOf(request: {
  method: string;
  originalUrl: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer;
}): IncomingSignedRequest {
  const queryAt = request.originalUrl.indexOf('?');
  return {
    method: request.method,
    rawPath: queryAt < 0 ? request.originalUrl : request.originalUrl.slice(0, queryAt),
    rawQuery: queryAt < 0 ? '' : request.originalUrl.slice(queryAt + 1),
    headers: request.headers,
    body: request.rawBody,
  };
}
