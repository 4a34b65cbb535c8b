import { ConfigError } from '../config/config.js';

/** Reports a start-up failure and exits with status 1. */
export function failedToStart(error: unknown): never {
  // The message and stack only: a database error object also carries its statement's parameters.
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('Joinery failed to start:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
}
