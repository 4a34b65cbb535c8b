import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Runs a header-only middleware (such as helmet with static directives) once,
 * at start-up, records the headers it sets and removes, and returns a
 * middleware that applies the same to every response without recomputing
 * them. helmet builds its Content-Security-Policy string on every request;
 * with no per-request directive (nonces) that string never changes.
 */
export function precomputedHeaders(middleware: RequestHandler): RequestHandler {
  const set = new Map<string, string | number | readonly string[]>();
  const removed = new Set<string>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.set(name, value);
      removed.delete(name.toLowerCase());
      return recorder;
    },
    removeHeader(name: string) {
      set.delete(name);
      removed.add(name.toLowerCase());
    },
    getHeader(name: string) {
      return set.get(name);
    },
  };
  let called = false;
  middleware(
    { headers: {}, method: 'GET', url: '/' } as Request,
    recorder as unknown as Response,
    (error?: unknown) => {
      if (error) throw error instanceof Error ? error : new Error(String(error));
      called = true;
    },
  );
  if (!called) throw new Error('precomputedHeaders: the middleware did not call next() synchronously');
  const headers = [...set];
  const removals = [...removed];
  return (_request: Request, response: Response, next: NextFunction) => {
    for (const name of removals) response.removeHeader(name);
    for (const [name, value] of headers) response.setHeader(name, value);
    next();
  };
}
