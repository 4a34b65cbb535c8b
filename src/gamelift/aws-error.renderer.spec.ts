import type { Request, Response } from 'express';
import { NotFound } from '../common/errors.js';
import { normalizeError } from '../common/normalize-error.js';
import { RequestValidationFailed } from '../common/validation.js';
import { SessionFull } from '../session/session.errors.js';
import { AwsJsonErrorRenderer } from './aws-error.renderer.js';
import { InvalidSignature } from './aws-errors.js';

function fakeResponse() {
  const sent: { status?: number; headers: Record<string, string>; body?: string } = { headers: {} };
  const response = {
    setHeader: (name: string, value: string) => {
      sent.headers[name.toLowerCase()] = value;
      return response;
    },
    status: (status: number) => {
      sent.status = status;
      return response;
    },
    send: (body: string) => {
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
  return { ...sent, json: JSON.parse(sent.body!) as { __type: string; message: string } };
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
