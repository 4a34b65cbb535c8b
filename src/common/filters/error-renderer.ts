import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { NormalizedError } from '../normalize-error.js';

/** Renders errors in one protocol's shape; the first renderer that matches a request wins. */
export interface ErrorRenderer {
  matches(request: Request): boolean;
  render(error: NormalizedError, request: Request, response: Response): void;
}

/**
 * The error renderers of the protocol adapters. Each adapter module adds its
 * own when it is constructed; the default one (RallyHere's shape, for every
 * route no adapter claims) is tried last.
 */
@Injectable()
export class ErrorRenderers {
  private readonly specific: ErrorRenderer[] = [];
  private fallback?: ErrorRenderer;

  add(renderer: ErrorRenderer, options: { fallback?: boolean } = {}): void {
    if (options.fallback) this.fallback = renderer;
    else this.specific.push(renderer);
  }

  for(request: Request): ErrorRenderer | undefined {
    return this.specific.find((r) => r.matches(request)) ?? this.fallback;
  }
}
