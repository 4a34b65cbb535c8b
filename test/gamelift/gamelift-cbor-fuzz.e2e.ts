import { encode } from 'cbor2';
import { FLEET_ID, type RawCborResult, signedCborCall } from '../clients/gamelift.js';
import { TestApp, TestDatabase } from '../utils/test-app.js';

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const concat = (...parts: (Uint8Array | number[])[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
/** A CBOR text string (definite length). */
const text = (s: string) => encode(s);

/** Every error answer of the protocol: 4xx, CBOR map `{__type: <shape id>, message}`, the protocol header. */
function expectRpcV2Error(result: RawCborResult, type: string, label: string, status = 400): void {
  expect({
    label,
    status: result.status,
    contentType: result.headers.get('content-type'),
    protocol: result.headers.get('smithy-protocol'),
    errorTypeHeader: result.headers.get('x-amzn-errortype'),
    keys: result.body && typeof result.body === 'object' ? Object.keys(result.body as object).sort() : result.body,
    type: (result.body as { __type?: string } | undefined)?.__type?.replace(/^.*#/, ''),
  }).toEqual({
    label,
    status,
    contentType: 'application/cbor',
    protocol: 'rpc-v2-cbor',
    errorTypeHeader: null,
    keys: ['__type', 'message'],
    type,
  });
  expect((result.body as { __type: string }).__type).toMatch(/^com\.amazon(aws\.gamelift|\.coral\.[a-z]+)#[A-Za-z]+$/);
}

/** A small seeded PRNG (mulberry32), so a failing fuzz case can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('GameLift over RPC v2 CBOR: malformed and hostile bodies (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let sessionArn: string;

  /** The tables a GameLift call can change, hashed: equal hashes, nothing changed. */
  const fingerprint = async () => {
    const rows = await db.query(
      `SELECT (SELECT md5(coalesce(string_agg(g::text, ',' ORDER BY g.id), '')) FROM game_session g) AS sessions,
              (SELECT md5(coalesce(string_agg(s::text, ',' ORDER BY s.id), '')) FROM seat s) AS seats`,
    );
    return rows[0] as { sessions: string; seats: string };
  };

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db);
    const created = await signedCborCall(service.baseUrl, 'CreateGameSession', {
      FleetId: FLEET_ID,
      MaximumPlayerSessionCount: 4,
    });
    expect(created.status).toBe(200);
    sessionArn = created.body.GameSession.GameSessionId;
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  const call = (operation: string, rawBody: Uint8Array) =>
    signedCborCall(service.baseUrl, operation, undefined, { rawBody });

  it('answers malformed CBOR with SerializationException and wrong member types with InvalidRequestException, changing nothing', async () => {
    const valid = encode({ FleetId: FLEET_ID, MaximumPlayerSessionCount: 4, Name: 'fuzz' });
    const key = (name: string, value: Uint8Array) => concat([0xa2], text('FleetId'), text(FLEET_ID), text(name), value);
    const cases: [label: string, body: Uint8Array, type: string][] = [
      // Truncated: every proper prefix of a definite-length item is malformed.
      ...Array.from(
        { length: valid.length - 1 },
        (_, i) =>
          [`truncated to ${i + 1} bytes`, valid.slice(0, i + 1), 'SerializationException'] as [
            string,
            Uint8Array,
            string,
          ],
      ),
      ['trailing bytes', concat(valid, [0x00]), 'SerializationException'],
      ['two items', concat(valid, valid), 'SerializationException'],
      // Wrong major types.
      ['an array, not a map', hex('820102'), 'SerializationException'],
      ['a text string, not a map', text('FleetId'), 'SerializationException'],
      ['an integer, not a map', hex('1903e8'), 'SerializationException'],
      ['null, not a map', hex('f6'), 'SerializationException'],
      ['integer map keys', hex('a10102'), 'SerializationException'],
      ['a byte-string map key', concat([0xa1, 0x47], Buffer.from('FleetId'), text(FLEET_ID)), 'SerializationException'],
      ['FleetId an integer', concat([0xa1], text('FleetId'), [0x07]), 'InvalidRequestException'],
      [
        'FleetId a byte string',
        concat([0xa1], text('FleetId'), [0x4d], Buffer.from(FLEET_ID)),
        'InvalidRequestException',
      ],
      ['FleetId null', concat([0xa1], text('FleetId'), [0xf6]), 'InvalidRequestException'],
      ['FleetId undefined', concat([0xa1], text('FleetId'), [0xf7]), 'InvalidRequestException'],
      ['count a text string', key('MaximumPlayerSessionCount', text('4')), 'InvalidRequestException'],
      ['count a float', key('MaximumPlayerSessionCount', hex('fb4012000000000000')), 'InvalidRequestException'],
      ['count a half-precision NaN', key('MaximumPlayerSessionCount', hex('f97e00')), 'InvalidRequestException'],
      ['count 2^64-1', key('MaximumPlayerSessionCount', hex('1bffffffffffffffff')), 'InvalidRequestException'],
      ['count negative', key('MaximumPlayerSessionCount', hex('3903e7')), 'InvalidRequestException'],
      ['count a boolean', key('MaximumPlayerSessionCount', hex('f5')), 'InvalidRequestException'],
      ['properties a map', key('GameProperties', encode({ Key: 'a', Value: 'b' })), 'InvalidRequestException'],
      ['a property a list', key('GameProperties', encode([['a', 'b']])), 'InvalidRequestException'],
      ['an unknown member', key('Surprise', hex('f5')), 'InvalidRequestException'],
      // Lengths past the end of the body.
      [
        'text string of 2^32-1 bytes',
        concat([0xa1], text('FleetId'), hex('7affffffff'), [0x61]),
        'SerializationException',
      ],
      [
        'text string of 2^64-1 bytes',
        concat([0xa1], text('FleetId'), hex('7bffffffffffffffff')),
        'SerializationException',
      ],
      ['byte string of 2^64-1 bytes', hex('5bffffffffffffffff00'), 'SerializationException'],
      ['array of 2^32-1 items', concat([0xa1], text('GameProperties'), hex('9affffffff')), 'SerializationException'],
      ['map of 2^64-1 pairs', hex('bbffffffffffffffff'), 'SerializationException'],
      ['map of 2^28 pairs', hex('ba10000000'), 'SerializationException'],
      // Nesting.
      [
        'arrays nested 90 000 deep',
        concat([0xa1], text('GameProperties'), new Uint8Array(90_000).fill(0x81), [0x00]),
        'SerializationException',
      ],
      [
        'maps nested 40 deep',
        concat(...Array.from({ length: 40 }, () => concat([0xa1], text('x'))), [0x00]),
        'SerializationException',
      ],
      ['maps nested 5 deep, unknown member', encode({ a: { b: { c: { d: { e: 1 } } } } }), 'InvalidRequestException'],
      // Indefinite lengths that are not well-formed.
      ['indefinite map without break', concat([0xbf], text('FleetId'), text(FLEET_ID)), 'SerializationException'],
      [
        'indefinite map, key without value',
        concat([0xbf], text('FleetId'), text(FLEET_ID), text('Name'), [0xff]),
        'SerializationException',
      ],
      [
        'break in a definite array',
        concat([0xa1], text('GameProperties'), [0x82, 0xff, 0x00]),
        'SerializationException',
      ],
      ['stray break', hex('ff'), 'SerializationException'],
      [
        'indefinite text with a byte chunk',
        concat([0xa1], text('FleetId'), [0x7f, 0x41, 0x61, 0xff]),
        'SerializationException',
      ],
      [
        'indefinite text nested',
        concat([0xa1], text('FleetId'), [0x7f, 0x7f, 0x61, 0x61, 0xff, 0xff]),
        'SerializationException',
      ],
      ['indefinite integer', hex('1f'), 'SerializationException'],
      // Tags where none belong (only tag 1, on timestamp members, means anything; no GameLift input has one).
      ['self-described CBOR', concat(hex('d9d9f7'), valid), 'SerializationException'],
      ['a date string (tag 0)', key('Name', concat([0xc0], text('2025-01-01T00:00:00Z'))), 'SerializationException'],
      ['a bignum (tag 2)', key('MaximumPlayerSessionCount', hex('c24104')), 'SerializationException'],
      ['tag 1 over a text string', key('Name', concat([0xc1], text('now'))), 'SerializationException'],
      ['tag 1 where a string belongs', key('Name', hex('c11a65000000')), 'InvalidRequestException'],
      ['tag 1 on the whole body', concat([0xc1], valid), 'SerializationException'],
      ['a tag on a map key', concat([0xa1, 0xd8, 0x20], text('FleetId'), text(FLEET_ID)), 'SerializationException'],
      // Other malformations.
      ['simple value 99', key('Name', hex('f863')), 'SerializationException'],
      ['reserved additional information', key('Name', hex('1c')), 'SerializationException'],
      ['invalid UTF-8', concat([0xa1], text('FleetId'), [0x62, 0xff, 0xfe]), 'SerializationException'],
      [
        'a duplicate key',
        concat([0xa2], text('FleetId'), text(FLEET_ID), text('FleetId'), text('fleet-other')),
        'SerializationException',
      ],
    ];
    const before = await fingerprint();
    for (const [label, body, type] of cases) expectRpcV2Error(await call('CreateGameSession', body), type, label);
    expect(await fingerprint()).toEqual(before);

    const tooLarge = await call('CreateGameSession', encode({ FleetId: FLEET_ID, Name: 'x'.repeat(200_000) }));
    expectRpcV2Error(tooLarge, 'SerializationException', 'body over the limit', 413);
    expect(await fingerprint()).toEqual(before);
  });

  it('accepts well-formed indefinite-length maps, lists and strings, and a float that is an integer', async () => {
    const chunks = (s: string) => concat([0x7f], ...[...s].map((c) => text(c)), [0xff]);
    const body = concat(
      [0xbf],
      text('FleetId'),
      chunks(FLEET_ID),
      text('MaximumPlayerSessionCount'),
      hex('fb4008000000000000'), // 3.0 as a double
      text('GameProperties'),
      [0x9f],
      [0xbf],
      text('Key'),
      chunks('mode'),
      text('Value'),
      text('ctf'),
      [0xff],
      [0xff],
      [0xff],
    );
    const created = await call('CreateGameSession', body);
    expect(created.status).toBe(200);
    expect(created.body.GameSession).toMatchObject({
      FleetId: FLEET_ID,
      MaximumPlayerSessionCount: 3,
      GameProperties: [{ Key: 'mode', Value: 'ctf' }],
    });
    // Answers use tag 1 (epoch seconds) for timestamps and definite lengths only.
    expect(created.body.GameSession.CreationTime).toBeInstanceOf(Date);
    const raw = Buffer.from(created.bytes);
    expect(raw.includes(Buffer.from([0xc1, 0xfb])) || raw.includes(Buffer.from([0xc1, 0x1a]))).toBe(true);
    expect(raw.includes(0xff)).toBe(false);
    // A member named __proto__ is refused like any JSON one (src/common/input-screen.ts, issue 13 item 9): it
    // never becomes the input's prototype.
    const proto = await call(
      'DescribeGameSessions',
      concat([0xa2], text('FleetId'), text(FLEET_ID), text('__proto__'), encode({ Limit: 0, StatusFilter: 'NONE' })),
    );
    expectRpcV2Error(proto, 'InvalidRequestException', 'a __proto__ member');
    expect(proto.body.message).toContain('The key "__proto__" is not accepted');
    const empty = await call('DescribeGameSessions', new Uint8Array());
    expectRpcV2Error(empty, 'InvalidRequestException', 'no body is an empty input');
  });

  it('refuses requests that are not RPC v2 CBOR enough, in the protocol shape', async () => {
    const input = { FleetId: FLEET_ID };
    const cases: [string, Promise<RawCborResult>, string][] = [
      [
        'no Smithy-Protocol header',
        signedCborCall(service.baseUrl, 'DescribeGameSessions', input, {
          headers: { 'smithy-protocol': 'rpc-v2-json' },
        }),
        'SerializationException',
      ],
      [
        'X-Amz-Target as well',
        signedCborCall(service.baseUrl, 'DescribeGameSessions', input, {
          headers: { 'x-amz-target': 'GameLift.CreateGameSession' },
        }),
        'SerializationException',
      ],
      [
        'a JSON Content-Type',
        signedCborCall(service.baseUrl, 'DescribeGameSessions', input, {
          headers: { 'content-type': 'application/x-amz-json-1.1' },
        }),
        'SerializationException',
      ],
      [
        'a JSON body',
        signedCborCall(service.baseUrl, 'DescribeGameSessions', undefined, {
          rawBody: Buffer.from(JSON.stringify(input)),
          headers: { 'content-type': 'application/json' },
        }),
        'SerializationException',
      ],
      ['an unknown operation', signedCborCall(service.baseUrl, 'LaunchRocket', input), 'UnknownOperationException'],
      [
        'another service',
        signedCborCall(service.baseUrl, 'DescribeGameSessions', input, {
          path: '/service/DynamoDB/operation/DescribeGameSessions',
        }),
        'UnknownOperationException',
      ],
      [
        'an absolute operation shape id',
        signedCborCall(service.baseUrl, 'x', input, {
          path: '/service/GameLift/operation/com.amazonaws.gamelift.DescribeGameSessions',
        }),
        'UnknownOperationException',
      ],
      [
        'no operation',
        signedCborCall(service.baseUrl, 'x', input, { path: '/service/GameLift/operation/' }),
        'UnknownOperationException',
      ],
      [
        'Smithy-Protocol not signed',
        signedCborCall(service.baseUrl, 'DescribeGameSessions', input, {
          headers: { 'smithy-protocol': undefined },
          tamper: (request) => {
            request.headers['smithy-protocol'] = 'rpc-v2-cbor';
          },
        }),
        'InvalidSignatureException',
      ],
      [
        'Content-Type not signed',
        signedCborCall(service.baseUrl, 'DescribeGameSessions', input, {
          headers: { 'content-type': undefined },
          tamper: (request) => {
            request.headers['content-type'] = 'application/cbor';
          },
        }),
        'InvalidSignatureException',
      ],
      [
        'a body changed after signing',
        signedCborCall(service.baseUrl, 'DescribeGameSessions', input, {
          tamper: (request) => {
            request.body = encode({ FleetId: FLEET_ID, Limit: 1 });
          },
        }),
        'InvalidSignatureException',
      ],
      [
        'an unsigned request',
        fetch(`${service.baseUrl}/service/GameLift/operation/DescribeGameSessions`, {
          method: 'POST',
          headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' },
          body: Buffer.from(encode(input)),
        }).then(async (r) => {
          const bytes = new Uint8Array(await r.arrayBuffer());
          const { decode } = await import('cbor2');
          return { status: r.status, headers: r.headers, bytes, body: decode(bytes) };
        }),
        // AWS's answer to a request without Authorization (issue 13, item 22).
        'MissingAuthenticationTokenException',
      ],
    ];
    const before = await fingerprint();
    for (const [label, pending, type] of cases) expectRpcV2Error(await pending, type, label);
    expect(await fingerprint()).toEqual(before);

    const shapeId = await signedCborCall(service.baseUrl, 'x', input, {
      path: '/service/com.amazonaws.gamelift.GameLift/operation/DescribeGameSessions',
    });
    expect(shapeId.status).toBe(200);
    expect(shapeId.headers.get('smithy-protocol')).toBe('rpc-v2-cbor');
    const missing = await signedCborCall(service.baseUrl, 'DescribeGameSessions', {
      GameSessionId: sessionArn.replace(/[0-9a-f]{12}$/, '000000000000'),
    });
    expectRpcV2Error(missing, 'NotFoundException', 'modeled error');
    expect(missing.body.__type).toBe('com.amazonaws.gamelift#NotFoundException');
  });

  it('never answers 5xx to randomly damaged bodies of the read-only operations', async () => {
    const random = prng(20261201);
    const bodies: [string, Uint8Array][] = [
      ['DescribeGameSessions', encode({ FleetId: FLEET_ID, StatusFilter: 'ACTIVE', Limit: 5 })],
      ['DescribeGameSessions', encode({ GameSessionId: sessionArn })],
      [
        'DescribePlayerSessions',
        encode({ GameSessionId: sessionArn, PlayerSessionStatusFilter: 'RESERVED', Limit: 2 }),
      ],
      [
        'SearchGameSessions',
        encode({
          FleetId: FLEET_ID,
          FilterExpression: "gameSessionProperties.mode = 'ctf'",
          SortExpression: 'maximumSessions ASC',
        }),
      ],
      ['DescribeGameSessionDetails', encode({ FleetId: FLEET_ID, Limit: 1 })],
    ];
    const before = await fingerprint();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const [operation, valid] = bodies[i % bodies.length];
      const body = Uint8Array.from(valid);
      let mutated: Uint8Array;
      const at = Math.floor(random() * body.length);
      switch (i % 4) {
        case 0:
          body[at] = Math.floor(random() * 256);
          mutated = body;
          break;
        case 1:
          mutated = concat(body.slice(0, at), [Math.floor(random() * 256)], body.slice(at));
          break;
        case 2:
          mutated = concat(body.slice(0, at), body.slice(at + 1 + Math.floor(random() * 4)));
          break;
        default:
          mutated = Uint8Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256));
      }
      const result = await call(operation, mutated);
      statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
      const label = `#${i} ${operation} ${Buffer.from(mutated).toString('hex')}`;
      if (result.status === 200) {
        expect([label, result.headers.get('smithy-protocol')]).toEqual([label, 'rpc-v2-cbor']);
      } else {
        expect([label, result.status]).toEqual([label, 400]);
        expectRpcV2Error(result, (result.body as { __type: string }).__type.replace(/^.*#/, ''), label);
        expect([
          'SerializationException',
          'InvalidRequestException',
          'NotFoundException',
          'UnknownOperationException',
        ]).toContain((result.body as { __type: string }).__type.replace(/^.*#/, ''));
      }
    }
    expect(await fingerprint()).toEqual(before);
    // The mutations reached both the decoder and the validators.
    expect(statuses.get(400)).toBeGreaterThan(100);
  });
});
