import { decode, encode, Tag } from 'cbor2';
import { RequestValidationFailed } from '../common/validation.js';
import { SerializationFailure } from './aws-errors.js';
import { encodeAwsJson } from './aws-json.codec.js';
import { decodeCborInput, encodeCbor, MAX_DEPTH } from './rpcv2-cbor.codec.js';

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const failure = (body: Uint8Array) => {
  try {
    decodeCborInput(body);
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('RPC v2 CBOR codec', () => {
  it('decodes a request into the document AWS JSON 1.1 would give, indefinite lengths included', () => {
    const document = { FleetId: 'fleet-1', MaximumPlayerSessionCount: 4, GameProperties: [{ Key: 'k', Value: 'v' }] };
    expect(decodeCborInput(encode(document))).toEqual(document);
    // {_ "a": [_ 1, 2], "b": (_ "x", "y")}
    expect(decodeCborInput(hex('bf61619f0102ff61627f61786179ffff'))).toEqual({ a: [1, 2], b: 'xy' });
    expect(Object.getPrototypeOf(decodeCborInput(encode({ a: 1 })))).toBe(Object.prototype);
    expect(decodeCborInput(undefined)).toBeUndefined();
    expect(decodeCborInput(new Uint8Array())).toBeUndefined();
    // Half-precision floats, undefined as null, tag 1 as a Date.
    expect(decodeCborInput(hex('a36161f93e006162f76163c11a65000000'))).toEqual({
      a: 1.5,
      b: null,
      c: new Date(0x65000000 * 1000),
    });
  });

  it('refuses what is not well-formed, or not used by the protocol, as SerializationException', () => {
    const deep = Uint8Array.from([...new Array<number>(MAX_DEPTH + 1).fill(0x81), 0x00]);
    for (const body of [
      hex('a2616101'), // truncated
      hex('a000'), // trailing data
      hex('ff'),
      hex('bf616101'), // no break
      hex('a1616162fffe'), // invalid UTF-8
      hex('a2616101616102'), // duplicate key
      hex('a10102'), // integer key
      hex('a16161c24101'), // bignum tag
      hex('a16161c16161'), // tag 1 over a string
      hex('a16161f863'), // simple(99)
      hex('5bffffffffffffffff'),
      deep,
    ]) {
      expect([Buffer.from(body).toString('hex').slice(0, 40), failure(body)]).toEqual([
        Buffer.from(body).toString('hex').slice(0, 40),
        expect.any(SerializationFailure),
      ]);
    }
    expect(failure(hex('a161614101'))).toBeInstanceOf(RequestValidationFailed);
  });

  it('encodes answers with tag 1 timestamps, doubles and no unset members; JSON with epoch seconds', () => {
    const output = {
      When: new Date(1_700_000_000_500),
      Half: 1.5,
      Count: 3,
      Gone: undefined,
      Nothing: null,
      List: [1],
    };
    const bytes = encodeCbor(output);
    const decoded = decode(bytes, { tags: new Map([[1, (tag) => tag]]) }) as Record<string, unknown>;
    expect(decoded.When).toEqual(new Tag(1, 1_700_000_000.5));
    expect(Object.keys(decoded)).toEqual(['When', 'Half', 'Count', 'List']);
    // 1.5 as a double (fb), never half precision (f9).
    expect(Buffer.from(bytes).includes(Buffer.from('fb3ff8000000000000', 'hex'))).toBe(true);
    expect(Buffer.from(bytes).includes(0xf9)).toBe(false);
    expect(JSON.parse(encodeAwsJson(output))).toEqual({
      When: 1_700_000_000.5,
      Half: 1.5,
      Count: 3,
      Nothing: null,
      List: [1],
    });
  });
});
