import type { Request, Response } from 'express';
import helmet from 'helmet';
import { precomputedHeaders } from './static-headers.js';

/** A response that only records headers. */
function recordingResponse() {
  const headers = new Map<string, unknown>([['x-powered-by', 'Express']]);
  return {
    headers,
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), value),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
    getHeader: (name: string) => headers.get(name.toLowerCase()),
  };
}

function run(middleware: (req: Request, res: Response, next: () => void) => void) {
  const response = recordingResponse();
  let nextCalled = false;
  middleware(
    { headers: {}, method: 'GET', url: '/session/v1/session' } as Request,
    response as unknown as Response,
    () => {
      nextCalled = true;
    },
  );
  return { headers: Object.fromEntries(response.headers), nextCalled };
}

describe('precomputedHeaders', () => {
  it('sets exactly the headers helmet sets, CSP included', () => {
    const options = { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } };
    const live = run(helmet(options));
    const precomputed = run(precomputedHeaders(helmet(options)));
    expect(precomputed).toEqual(live);
    expect(precomputed.headers['content-security-policy']).toContain("default-src 'self'");
    expect(precomputed.headers).not.toHaveProperty('x-powered-by');
    expect(precomputed.nextCalled).toBe(true);
  });

  it('refuses a middleware that does not answer synchronously', () => {
    expect(() => precomputedHeaders((_req, _res, next) => void setTimeout(next, 1))).toThrow(/synchronously/);
  });
});
