import { decode, type DecodeOptions, encode, type EncodeOptions, Simple, Tag } from 'cbor2';
import { RequestValidationFailed } from '../common/validation.js';
import { SerializationFailure } from './aws-errors.js';
import { isRpcV2Request } from './wire-protocols.js';

/**
 * Smithy RPC v2 CBOR encoding (smithy.io, "Smithy RPC v2 CBOR protocol"),
 * with cbor2 as the codec. Requests are decoded strictly into the same plain
 * document the AWS JSON 1.1 path gets from JSON.parse, so that one operation
 * table with one set of validators serves both protocols:
 *
 * - structures and maps (major type 5) become plain objects; keys must be text strings;
 * - lists (4), text strings (3), integers (0, 1), floats (7: half, single and
 *   double) and booleans stay what they are; null and undefined become null;
 * - timestamps (tag 1 over an integer or a float: epoch seconds) become `Date`;
 * - byte strings (2) are refused as the wrong type: no GameLift input has a blob member;
 * - any other tag, any other simple value, a map key that is not a text string,
 *   or a body that is not well-formed CBOR (truncated, trailing bytes, a length
 *   past the end, a stray or missing break, invalid UTF-8, a duplicate key,
 *   nesting deeper than {@link MAX_DEPTH}) is a `SerializationException`.
 *
 * Indefinite-length strings, lists and maps are well-formed CBOR and accepted.
 * Answers are encoded with definite lengths, floats as doubles (never half
 * precision), timestamps as tag 1 over epoch seconds, unset members left out
 * (never CBOR undefined).
 */
export const CBOR_CONTENT_TYPE = 'application/cbor';
export const SMITHY_PROTOCOL_HEADER = 'smithy-protocol';
export const RPC_V2_CBOR = 'rpc-v2-cbor';

/** Deepest nesting accepted: GameLift inputs are at most three levels deep (a list of key/value structures). */
export const MAX_DEPTH = 32;

const DECODE: DecodeOptions = {
  maxDepth: MAX_DEPTH,
  rejectDuplicateKeys: true,
  // Every tag reaches toDocument as a Tag: only tag 1 (epoch timestamp) means anything here.
  ignoreGlobalTags: true,
  tags: new Map(),
};

const ENCODE: EncodeOptions = { float64: true, rejectUndefined: true, ignoreGlobalTags: false };

const EPOCH_TIMESTAMP_TAG = 1;

/** Decodes a request body; an empty body is no input (`undefined`). */
export function decodeCborInput(body: Uint8Array | undefined): unknown {
  if (!body || body.length === 0) return undefined;
  let value: unknown;
  try {
    value = decode(body, DECODE);
  } catch (error) {
    throw new SerializationFailure(`Request body is not well-formed CBOR: ${decodeFailure(error)}`);
  }
  return toDocument(value, []);
}

function decodeFailure(error: unknown): string {
  if (error instanceof RangeError) return 'it ends inside a data item';
  const message = error instanceof Error ? error.message : String(error);
  if (/Cannot mix BigInt|Unexpected end|greater than/i.test(message)) return 'a length runs past the end of the body';
  if (/utf-8/i.test(message)) return 'a text string is not valid UTF-8';
  return message.slice(0, 200);
}

function toDocument(value: unknown, path: (string | number)[]): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'number':
      return value;
    case 'bigint':
      // Beyond 2^53: no GameLift member holds such a number; the validators refuse it like JSON's 1e30.
      return Number(value);
    default:
      break;
  }
  if (Array.isArray(value)) return value.map((item, i) => toDocument(item, [...path, i]));
  if (value instanceof Tag) {
    const contents = value.contents;
    if (Number(value.tag) === EPOCH_TIMESTAMP_TAG && (typeof contents === 'number' || typeof contents === 'bigint')) {
      const date = new Date(Number(contents) * 1000);
      if (!Number.isNaN(date.getTime())) return date;
    }
    throw new SerializationFailure(
      `${where(path)}: CBOR tag ${String(value.tag)} is not used here (only tag 1 over epoch seconds, for timestamps)`,
    );
  }
  if (value instanceof Uint8Array) {
    throw new RequestValidationFailed([
      { loc: path, msg: 'must be a text string, not a byte string (no member here is a blob)', type: 'string_type' },
    ]);
  }
  if (value instanceof Simple)
    throw new SerializationFailure(`${where(path)}: CBOR simple value ${value.value} is not used here`);
  if (value instanceof Map) throw new SerializationFailure(`${where(path)}: CBOR map keys must be text strings`);
  if (typeof value === 'object' && isRecord(value)) {
    const document: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      // A key named like the prototype accessor would set the prototype, not a member.
      Object.defineProperty(document, key, {
        value: toDocument(value[key], [...path, key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return document;
  }
  throw new SerializationFailure(`${where(path)}: this CBOR data item is not used here`);
}

function isRecord(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === null || prototype === Object.prototype;
}

function where(path: (string | number)[]): string {
  return path.length ? path.join('.') : 'body';
}

/** Encodes an answer: an operation's output, or an error's `{__type, message}`. */
export function encodeCbor(document: object): Uint8Array {
  return encode(withoutUnset(document), ENCODE);
}

/** Leaves out null and undefined members (the spec: null values MUST be omitted; undefined is never sent). */
function withoutUnset(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUnset);
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => [k, withoutUnset(v)]),
  );
}

/**
 * Express middleware, after the raw body parser: a CBOR body under
 * `/service/` becomes its decoded document in `req.body` (the bytes stay in
 * `req.rawBody` for SigV4), just as the JSON parser leaves a JSON body, so
 * both protocols' bodies reach `@Body()` and the global pipe alike. A body
 * that does not decode is passed on as a SerializationException, like a
 * JSON parse error; a body of another Content-Type is left as bytes for the
 * controller to refuse.
 */
export function rpcV2CborBodyDecoder(
  request: { path: string; body?: unknown; rawBody?: Buffer; is(type: string): string | false | null },
  _response: unknown,
  next: (error?: unknown) => void,
): void {
  if (!isRpcV2Request(request) || !Buffer.isBuffer(request.body)) return next();
  request.rawBody ??= request.body;
  if (!request.is(CBOR_CONTENT_TYPE)) return next();
  try {
    request.body = decodeCborInput(request.body);
  } catch (error) {
    return next(error);
  }
  next();
}
