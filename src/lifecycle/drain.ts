import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Graceful stop, request side. Counts the requests in flight; once
 * {@link Drain.start} is called, every request that still arrives (on a
 * keep-alive connection opened before the listener closed) is refused with
 * a 503 in RallyHere's shape and `Connection: close`, and the responses
 * still in flight close their connections when they finish.
 */
@Injectable()
export class Drain {
  private draining = false;
  private readonly inFlight = new Set<Response>();
  private idleWaiters: (() => void)[] = [];

  get isDraining(): boolean {
    return this.draining;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Express middleware, installed before anything else (see app.factory.ts). */
  readonly middleware = (_request: Request, response: Response, next: NextFunction): void => {
    if (this.draining) {
      response.setHeader('Connection', 'close');
      response.setHeader('Retry-After', '1');
      response.status(503).json({
        auth_success: true,
        error_code: 'service_unavailable',
        desc: 'This instance is shutting down; retry (another instance will answer)',
      });
      return;
    }
    this.inFlight.add(response);
    const done = () => {
      if (!this.inFlight.delete(response)) return;
      if (this.inFlight.size === 0) this.wakeIdleWaiters();
    };
    response.once('finish', done);
    response.once('close', done);
    next();
  };

  /** Refuses new requests from now on; in-flight responses will close their connections. */
  start(): void {
    this.draining = true;
    for (const response of this.inFlight) {
      if (!response.headersSent) response.setHeader('Connection', 'close');
    }
  }

  /** Resolves true once no request is in flight, false when `timeoutMs` passed first. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(wake);
    });
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
