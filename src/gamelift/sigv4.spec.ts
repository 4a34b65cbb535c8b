import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { IncompleteSignature, InvalidSignature, MissingAuthenticationToken } from './aws-errors.js';
import {
  checkRequestDate,
  type IncomingSignedRequest,
  parseAmzDate,
  parseAuthorization,
  requireSignedHeaders,
  signedPartsOf,
  verifySignature,
} from './sigv4.js';

const KEY = { accessKeyId: 'AKIAJOINERYTEST00001', secretAccessKey: 'x'.repeat(40) };
const NOW = new Date('2026-01-02T03:04:05Z');

/** Signs like an AWS SDK does, and returns what the server receives. */
async function signedRequest(
  options: { body?: string; path?: string; service?: string; region?: string; date?: Date } = {},
): Promise<IncomingSignedRequest> {
  const body = options.body ?? '{"GameSessionId":"x"}';
  const signer = new SignatureV4({
    service: options.service ?? 'gamelift',
    region: options.region ?? 'eu-west-1',
    credentials: KEY,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 3000,
      path: options.path ?? '/',
      query: { b: '2', a: ['1', '0'] },
      headers: {
        host: '127.0.0.1:3000',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'GameLift.CreatePlayerSession',
      },
      body,
    },
    { signingDate: options.date ?? NOW },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  return signedPartsOf({
    method: 'POST',
    originalUrl: `${options.path ?? '/'}?b=2&a=1&a=0`,
    headers,
    rawBody: Buffer.from(body),
  });
}

async function verify(request: IncomingSignedRequest, secret = KEY.secretAccessKey, now = NOW): Promise<void> {
  const authorization = parseAuthorization(request.headers.authorization);
  const signedAt = checkRequestDate(request, authorization, now);
  verifySignature(request, authorization, secret, signedAt);
}

describe('SigV4 verification', () => {
  it('accepts a request signed by the SDK signer, in any well-formed region', async () => {
    await expect(verify(await signedRequest())).resolves.toBeUndefined();
    await expect(verify(await signedRequest({ region: 'ap-southeast-2' }))).resolves.toBeUndefined();
    await expect(verify(await signedRequest({ path: '/some path/é' }))).resolves.toBeUndefined();
  });

  it('reads the Authorization header', async () => {
    const request = await signedRequest();
    expect(parseAuthorization(request.headers.authorization)).toMatchObject({
      accessKeyId: KEY.accessKeyId,
      date: '20260102',
      region: 'eu-west-1',
      service: 'gamelift',
      signedHeaders: expect.arrayContaining(['host', 'x-amz-date', 'x-amz-target', 'content-type']),
    });
  });

  it('refuses a wrong secret, a changed body, header or query', async () => {
    await expect(verify(await signedRequest(), 'y'.repeat(40))).rejects.toThrow(InvalidSignature);
    const body = await signedRequest();
    body.body = Buffer.from('{"GameSessionId":"y"}');
    await expect(verify(body)).rejects.toThrow('does not match');
    const header = await signedRequest();
    header.headers['x-amz-target'] = 'GameLift.RemovePlayerSession';
    await expect(verify(header)).rejects.toThrow(InvalidSignature);
    const query = await signedRequest();
    query.rawQuery = 'a=1&b=2';
    await expect(verify(query)).rejects.toThrow(InvalidSignature);
  });

  it('agrees with the SDK signer on paths, queries and header values of every kind', async () => {
    const paths = ['/', '/a/b/', '/a/./b/../c', '//double//slash', "/sp ace/!'()*/~._-", '/%/é/😀'];
    const queries = [{}, { 'k y': 'v&=', a: ['2', '1', '10'] }, { '': 'x', e: '' }, { ü: "!'()*" }];
    for (const [i, path] of paths.entries()) {
      const query = queries[i % queries.length] as Record<string, string | string[]>;
      const signer = new SignatureV4({ service: 'gamelift', region: 'us-west-2', credentials: KEY, sha256: Sha256 });
      const rawQuery = new URLSearchParams(
        Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x])),
      ).toString();
      const signed = await signer.sign(
        {
          method: 'POST',
          protocol: 'http:',
          hostname: 'localhost',
          path,
          query,
          headers: { host: 'localhost', 'x-amz-target': '  GameLift.CreatePlayerSession   x  ', 'x-custom': 'a\tb' },
          body: `{"n":${i}}`,
        },
        { signingDate: NOW },
      );
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
      const encodedPath = path.split('/').map(encodeURIComponent).join('/');
      const request = signedPartsOf({
        method: 'POST',
        originalUrl: rawQuery ? `${encodedPath}?${rawQuery}` : encodedPath,
        headers,
        rawBody: Buffer.from(`{"n":${i}}`),
      });
      await expect(verify(request)).resolves.toBeUndefined();
      await expect(verify(request, 'z'.repeat(40))).rejects.toThrow(InvalidSignature);
    }
  });

  it('derives the signing key again when the secret of an access key changed (rotation)', async () => {
    const request = await signedRequest();
    await expect(verify(request)).resolves.toBeUndefined();
    await expect(verify(request, 'r'.repeat(40))).rejects.toThrow(InvalidSignature);
    await expect(verify(request)).resolves.toBeUndefined();
  });

  it('refuses a signature for another service', async () => {
    await expect(verify(await signedRequest({ service: 's3' }))).rejects.toThrow(
      "scoped to correct service: 'gamelift'",
    );
  });

  it('allows 15 minutes of clock skew and no more ("Signature expired")', async () => {
    const request = await signedRequest();
    await expect(verify(request, KEY.secretAccessKey, new Date(NOW.getTime() + 14 * 60_000))).resolves.toBeUndefined();
    await expect(verify(request, KEY.secretAccessKey, new Date(NOW.getTime() - 14 * 60_000))).resolves.toBeUndefined();
    await expect(verify(request, KEY.secretAccessKey, new Date(NOW.getTime() + 16 * 60_000))).rejects.toThrow(
      'Signature expired',
    );
    await expect(verify(request, KEY.secretAccessKey, new Date(NOW.getTime() - 16 * 60_000))).rejects.toThrow(
      InvalidSignature,
    );
  });

  it('checks a signed payload hash against the body', async () => {
    const request = await signedRequest();
    request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    await expect(verify(request)).rejects.toThrow('x-amz-content-sha256');
  });

  it.each([
    [undefined, MissingAuthenticationToken],
    ['Bearer abc', IncompleteSignature],
    ['AWS4-HMAC-SHA256 Credential=AKIA/20260102/us-east-1/gamelift/aws4_request', IncompleteSignature],
    [
      'AWS4-HMAC-SHA256 Credential=AKIA/20260102/us-east-1/gamelift, SignedHeaders=host;x-amz-date, Signature=' +
        'a'.repeat(64),
      IncompleteSignature,
    ],
    [
      'AWS4-HMAC-SHA256 Credential=AKIA/20260102/mars/gamelift/aws4_request, SignedHeaders=host;x-amz-date, Signature=' +
        'a'.repeat(64),
      InvalidSignature,
    ],
    [
      'AWS4-HMAC-SHA256 Credential=AKIA/20260102/us-east-1/gamelift/aws4_request, SignedHeaders=x-amz-date, Signature=' +
        'a'.repeat(64),
      InvalidSignature,
    ],
    [
      'AWS4-HMAC-SHA256 Credential=AKIA/20260102/us-east-1/gamelift/aws4_request, SignedHeaders=host;x-amz-date, Signature=xyz',
      InvalidSignature,
    ],
  ])('refuses the Authorization header %j', (header, type) => {
    expect(() => parseAuthorization(header)).toThrow(type);
  });

  it('requires the headers a request rests on to be signed (x-amz-target, content-type for AWS JSON 1.1)', () => {
    const authorization = parseAuthorization(
      'AWS4-HMAC-SHA256 Credential=AKIA/20260102/us-east-1/gamelift/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=' +
        'a'.repeat(64),
    );
    expect(() => requireSignedHeaders(authorization, ['x-amz-target', 'content-type'])).toThrow(
      new InvalidSignature('These headers must be signed: x-amz-target'),
    );
    expect(() => requireSignedHeaders(authorization, ['content-type'])).not.toThrow();
  });

  it('parses X-Amz-Date strictly', () => {
    expect(parseAmzDate('20260102T030405Z')).toEqual(NOW);
    expect(parseAmzDate('20260230T030405Z')).toBeUndefined();
    expect(parseAmzDate('2026-01-02T03:04:05Z')).toBeUndefined();
    expect(parseAmzDate(undefined)).toBeUndefined();
  });
});
