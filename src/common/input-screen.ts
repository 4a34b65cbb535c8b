import type { IncomingMessage } from 'node:http';
import { RequestValidationFailed, type ValidationDetail } from './validation.js';

/**
 * The request pipeline's screen for input no route can use, applied once for
 * every route and protocol (not per DTO):
 *
 * - JSON nested deeper than {@link MAX_JSON_DEPTH} levels is refused from the
 *   raw bytes, before it is parsed or transformed ({@link jsonBodyVerifier});
 * - strings (values and keys, in the body, the query and the path) holding a
 *   NUL character or an unpaired UTF-16 surrogate, which PostgreSQL cannot
 *   store, are refused ({@link screenInput}, called by the global pipe);
 * - object keys `__proto__` and `constructor`, which JavaScript objects cannot
 *   hold faithfully (the first is dropped or poisons a prototype, the second
 *   breaks class-transformer), are refused;
 * - `null` as the value of a field is refused: no field of either protocol's
 *   contract is nullable (RallyHere's schemas and GameLift's model type every
 *   member), so an absent field is left out rather than sent as `null`.
 *
 * Each is a validation error, rendered in the shape of the request's protocol.
 */
export const MAX_JSON_DEPTH = 32;

/** Keys refused in any JSON object of a request. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor']);

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting of a JSON text (brackets outside strings), stopping once it passes `limit`. */
export function jsonDepth(bytes: Uint8Array, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

/** The validation error for too deep JSON (body-parser wraps it; normalizeError unwraps it). */
function jsonTooDeep(): RequestValidationFailed {
  return new RequestValidationFailed([
    { loc: ['body'], msg: `JSON is nested deeper than ${MAX_JSON_DEPTH} levels`, type: 'json_too_deep' },
  ]);
}

/**
 * The body parser's `verify` hook: keeps the raw bytes (AWS Signature V4
 * hashes them) and refuses too deep JSON before `JSON.parse` runs.
 */
export function jsonBodyVerifier(request: IncomingMessage & { rawBody?: Buffer }, _response: unknown, body: Buffer) {
  request.rawBody = body;
  if (jsonDepth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw jsonTooDeep();
}

/** An unpaired surrogate: with the `u` flag a well-formed pair is one code point, not in `Cs`. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Why a string cannot be accepted, or undefined. */
function stringProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'Input should not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'Input should be valid Unicode (it contains an unpaired surrogate)';
  return undefined;
}

/**
 * Every string (and key) of a parsed value that cannot be accepted, with its
 * location (`['body', 'client_settings', 'platform']`).
 */
export function inputProblems(value: unknown, location: (string | number)[]): ValidationDetail[] {
  const problems: ValidationDetail[] = [];
  const visit = (node: unknown, loc: (string | number)[], depth: number) => {
    if (typeof node === 'string') {
      const msg = stringProblem(node);
      if (msg) problems.push({ loc, msg, type: 'string_unicode' });
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (depth > MAX_JSON_DEPTH) {
      problems.push({ loc, msg: `Input is nested deeper than ${MAX_JSON_DEPTH} levels`, type: 'json_too_deep' });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...loc, index], depth + 1));
      return;
    }
    for (const key of Object.keys(node)) {
      const keyProblem = FORBIDDEN_KEYS.has(key) ? `The key "${key}" is not accepted` : stringProblem(key);
      if (keyProblem) {
        problems.push({ loc: [...loc, key], msg: keyProblem, type: 'key_refused' });
        continue;
      }
      const child = (node as Record<string, unknown>)[key];
      if (child === null) {
        problems.push({
          loc: [...loc, key],
          msg: 'Input should not be null (leave the field out)',
          type: 'null_value',
        });
        continue;
      }
      visit(child, [...loc, key], depth + 1);
    }
  };
  visit(value, location, 0);
  return problems;
}

/** Throws the validation error for a value holding strings or keys that cannot be accepted. */
export function screenInput(value: unknown, location: string): void {
  const problems = inputProblems(value, [location]);
  if (problems.length) throw new RequestValidationFailed(problems);
}
