import type { Request, Response } from 'express';
import { NotFound } from '../common/errors.js';
import { normalizeError } from '../common/normalize-error.js';
import { RequestValidationFailed } from '../common/validation.js';
import { SessionFull } from '../session/session.errors.js';
import { decode } from 'cbor2';
import { AwsJsonErrorRenderer, RpcV2CborErrorRenderer } from './aws-error.renderer.js';
import { InvalidSignature } from './aws-errors.js';

function fakeResponse() {
  const sent: { status?: number; headers: Record<string, string>; body?: string | Buffer } = { headers: {} };
  const response = {
    setHeader: (name: string, value: string) => {
      sent.headers[name.toLowerCase()] = value;
      return response;
    },
    status: (status: number) => {
      sent.status = status;
      return response;
    },
    send: (body: string | Buffer) => {
      sent.body = body;
      return response;
    },
  };
  return { response: response as unknown as Response, sent };
}

const request = { id: 'req-1', method: 'POST', path: '/', headers: {} } as unknown as Request;

function render(exception: unknown) {
  const { response, sent } = fakeResponse();
  new AwsJsonErrorRenderer().render(normalizeError(exception), request, response);
  return { ...sent, json: JSON.parse(sent.body as string) as { __type: string; message: string } };
}

describe('AwsJsonErrorRenderer', () => {
  it('matches GameLift requests only', () => {
    const renderer = new AwsJsonErrorRenderer();
    expect(renderer.matches(request)).toBe(true);
    expect(renderer.matches({ method: 'GET', path: '/x', headers: { 'x-amz-target': 'GameLift.X' } } as never)).toBe(
      true,
    );
    expect(renderer.matches({ method: 'POST', path: '/session/v1/session', headers: {} } as never)).toBe(false);
  });

  it('renders domain errors as AWS types with the headers SDKs read', () => {
    const full = render(new SessionFull('s1'));
    expect(full.status).toBe(400);
    expect(full.json).toEqual({ __type: 'GameSessionFullException', message: 'Session s1 has no free seat' });
    expect(full.headers).toMatchObject({
      'x-amzn-errortype': 'GameSessionFullException',
      'x-amzn-requestid': 'req-1',
      'content-type': 'application/x-amz-json-1.1',
    });
    expect(render(new NotFound('x', 'gone')).json.__type).toBe('NotFoundException');
    expect(render(new InvalidSignature('bad')).json.__type).toBe('InvalidSignatureException');
  });

  it('names the members of a validation failure', () => {
    const { json } = render(
      new RequestValidationFailed([
        { loc: ['PlayerIds'], msg: 'PlayerIds must contain no more than 25 elements', type: 'too_long' },
        { loc: ['GameSessionId'], msg: 'Field required', type: 'missing' },
      ]),
    );
    expect(json.__type).toBe('InvalidRequestException');
    expect(json.message).toBe(
      '2 validation errors detected: PlayerIds: PlayerIds must contain no more than 25 elements; GameSessionId: Field required',
    );
  });

  it('answers a lost database with a retryable 503, and only unknown failures with 500', () => {
    const unavailable = render(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    );
    expect(unavailable.status).toBe(503);
    expect(unavailable.json.__type).toBe('ServiceUnavailableException');
    expect(unavailable.headers['retry-after']).toBe('1');
    const internal = render(new TypeError('boom'));
    expect(internal.status).toBe(500);
    expect(internal.json).toEqual({ __type: 'InternalServiceException', message: 'An internal error occurred' });
  });
});

const rpcV2Request = {
  id: 'req-2',
  method: 'POST',
  path: '/service/GameLift/operation/CreatePlayerSession',
  headers: { 'x-amz-target': 'GameLift.CreatePlayerSession' },
} as unknown as Request;

function renderCbor(exception: unknown) {
  const { response, sent } = fakeResponse();
  new RpcV2CborErrorRenderer().render(normalizeError(exception), rpcV2Request, response);
  return { ...sent, cbor: decode(sent.body as Buffer) as Record<string, unknown> };
}

describe('RpcV2CborErrorRenderer', () => {
  it('claims every request under /service/, which the JSON renderer leaves alone', () => {
    expect(new RpcV2CborErrorRenderer().matches(rpcV2Request)).toBe(true);
    expect(new AwsJsonErrorRenderer().matches(rpcV2Request)).toBe(false);
    expect(new RpcV2CborErrorRenderer().matches(request)).toBe(false);
  });

  it('renders a CBOR map with the absolute shape id, the smithy-protocol header and no x-amzn-ErrorType', () => {
    const full = renderCbor(new SessionFull('s1'));
    expect(full.status).toBe(400);
    expect(full.cbor).toEqual({
      __type: 'com.amazonaws.gamelift#GameSessionFullException',
      message: 'Session s1 has no free seat',
    });
    expect(full.headers).toEqual({
      'x-amzn-requestid': 'req-2',
      'smithy-protocol': 'rpc-v2-cbor',
      'content-type': 'application/cbor',
    });
    expect(renderCbor(new InvalidSignature('bad')).cbor.__type).toBe(
      'com.amazon.coral.service#InvalidSignatureException',
    );
    const validation = renderCbor(
      new RequestValidationFailed([{ loc: ['GameSessionId'], msg: 'Field required', type: 'missing' }]),
    );
    expect(validation.cbor).toEqual({
      __type: 'com.amazonaws.gamelift#InvalidRequestException',
      message: '1 validation error detected: GameSessionId: Field required',
    });
    const unavailable = renderCbor(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect([unavailable.status, unavailable.cbor.__type, unavailable.headers['retry-after']]).toEqual([
      503,
      'com.amazon.coral.availability#ServiceUnavailableException',
      '1',
    ]);
    const internal = renderCbor(new TypeError('boom'));
    expect([internal.status, internal.cbor.__type]).toEqual([500, 'com.amazonaws.gamelift#InternalServiceException']);
  });
});
