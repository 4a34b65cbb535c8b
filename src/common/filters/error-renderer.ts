import type { Request, Response } from 'express';
import type { NormalizedError } from '../normalize-error.js';

/** Renders errors in one protocol's shape; the first renderer that matches a request wins. */
export interface ErrorRenderer {
  matches(request: Request): boolean;
  render(error: NormalizedError, request: Request, response: Response): void;
}

export const ERROR_RENDERERS = Symbol('ERROR_RENDERERS');
