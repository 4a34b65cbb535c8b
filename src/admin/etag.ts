import { PreconditionRequired } from '../common/errors.js';
import { RequestValidationFailed } from '../common/validation.js';

export function etagOf(version: number): string {
  return `"${version}"`;
}

/** The version an `If-Match` header names (`"3"` or `W/"3"`); required for changes. */
export function ifMatchVersion(header: string | undefined, required: true): number;
export function ifMatchVersion(header: string | undefined, required: false): number | undefined;
export function ifMatchVersion(header: string | undefined, required: boolean): number | undefined {
  if (header === undefined || header === '') {
    if (required)
      throw new PreconditionRequired('Send If-Match with the ETag you read, so a concurrent change is not lost');
    return undefined;
  }
  const match = /^(W\/)?"(\d{1,9})"$/.exec(header.trim());
  if (!match) {
    throw new RequestValidationFailed([
      { loc: ['header', 'if-match'], msg: 'must be an ETag such as "3"', type: 'value_error' },
    ]);
  }
  return Number(match[2]);
}
