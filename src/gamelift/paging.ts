import { InvalidRequest } from '../common/errors.js';

/** What a NextToken carries: the last item of the previous page, or an offset (searches). */
export type PageCursor = { after: string } | { offset: number };

/** Opaque to clients: base64url of a small JSON document tagged with the operation. */
export function encodeNextToken(operation: string, cursor: PageCursor): string {
  return Buffer.from(JSON.stringify({ op: operation, ...cursor }), 'utf8').toString('base64url');
}

export function decodeNextToken(operation: string, token: string | undefined): PageCursor | undefined {
  if (token === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (parsed.op === operation) {
      if (typeof parsed.after === 'string' && parsed.after.length <= 64) return { after: parsed.after };
      // A safe integer: a forged 2^63 would otherwise reach PostgreSQL's OFFSET and overflow its bigint.
      if (typeof parsed.offset === 'number' && Number.isSafeInteger(parsed.offset) && parsed.offset >= 0) {
        return { offset: parsed.offset };
      }
    }
  } catch {
    // fall through
  }
  throw new InvalidRequest('invalid_next_token', 'NextToken is not a token this operation returned');
}

/** Splits `limit + 1` fetched rows into the page and whether another page follows. */
export function page<T>(rows: T[], limit: number): { items: T[]; more: boolean } {
  return { items: rows.slice(0, limit), more: rows.length > limit };
}
