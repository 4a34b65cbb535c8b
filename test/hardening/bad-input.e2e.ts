import { encodeNextToken } from '../../src/gamelift/paging.js';
import { FLEET_ID, gameLiftClient, signedCall } from '../clients/gamelift.js';
import { newGameSession } from '../gamelift/gamelift-helpers.js';
import { createOrJoinBody, joinBody } from '../utils/sessions.js';
import { basic, GAME_CLIENT, http, loginAdmin, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

/**
 * Issue 13, items 7 to 10: the exact requests of the attack run, each a 4xx
 * in the shape of the route's protocol, never a 500.
 */
describe('Bad input is refused in the protocol shape (issue 13)', () => {
  let db: TestDatabase;
  let app: TestApp;
  let base: string;
  let admin: string;
  let player: Awaited<ReturnType<typeof loginPlayer>>;
  let gameSessionId: string;

  /** 96 KB: 16,000 levels of `{"a": ...}`. */
  const DEEP = '{"a":'.repeat(16_000) + '1' + '}'.repeat(16_000);

  beforeAll(async () => {
    db = await TestDatabase.create();
    app = await TestApp.start(db);
    base = app.baseUrl;
    admin = (await loginAdmin(base)).access_token;
    player = await loginPlayer(base, 'bad-input-device');
    gameSessionId = await newGameSession(gameLiftClient(base), base);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  describe('7: deeply nested JSON', () => {
    it('is refused on the public login route without credentials, in RallyHere shape', async () => {
      expect(DEEP.length).toBeGreaterThan(96_000);
      const result = await http(base, 'POST', '/users/v1/login', {
        rawBody: DEEP,
        headers: { 'content-type': 'application/json' },
      });
      expect(result.status).toBe(422);
      expect(result.body).toEqual({
        detail: [{ loc: ['body'], msg: 'JSON is nested deeper than 32 levels', type: 'json_too_deep' }],
      });
    });

    it('is refused on GameLift in AWS shape, on the admin API and on the REST facade in theirs', async () => {
      const aws = await signedCall(base, 'CreateGameSession', undefined, { rawBody: DEEP });
      expect(aws.status).toBe(400);
      expect(aws.body).toEqual({
        __type: 'InvalidRequestException',
        message: '1 validation error detected: body: JSON is nested deeper than 32 levels',
      });
      const adminResult = await http(base, 'POST', '/admin/v1/templates', {
        token: admin,
        rawBody: DEEP,
        headers: { 'content-type': 'application/json' },
      });
      expect(adminResult.status).toBe(422);
      expect(adminResult.body.detail[0].type).toBe('json_too_deep');
      const facade = await http(base, 'POST', '/player-session/v1/player-sessions', {
        token: player.access_token,
        rawBody: DEEP,
        headers: { 'content-type': 'application/json' },
      });
      expect(facade.status).toBe(400);
      expect(facade.body).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
    });

    it('still accepts ordinary nesting', async () => {
      const created = await http(base, 'POST', '/session/v1/session', {
        token: player.access_token,
        body: createOrJoinBody('hub', { region_id: 'eu' }),
      });
      expect(created.body).toMatchObject({ session_id: expect.any(String) });
      expect(created.status).toBe(200);
    });
  });

  describe('8: NUL characters and unpaired surrogates', () => {
    const gameClient = { authorization: basic(GAME_CLIENT.clientId, GAME_CLIENT.secret) };

    it('in a RallyHere body', async () => {
      const nul = await http(base, 'POST', '/users/v1/login', {
        body: { grant_type: 'anon', portal_access_token: 'a\u0000b' },
        headers: gameClient,
      });
      expect(nul.status).toBe(422);
      expect(nul.body).toEqual({
        detail: [
          {
            loc: ['body', 'portal_access_token'],
            msg: 'Input should not contain NUL characters',
            type: 'string_unicode',
          },
        ],
      });
      const surrogate = await http(base, 'POST', '/users/v1/login', {
        rawBody: '{"grant_type": "anon", "portal_access_token": "a\\ud800b"}',
        headers: { ...gameClient, 'content-type': 'application/json' },
      });
      expect(surrogate.status).toBe(422);
      expect(surrogate.body.detail[0]).toMatchObject({ loc: ['body', 'portal_access_token'], type: 'string_unicode' });
      const inKey = await http(base, 'POST', '/session/v1/session', {
        token: player.access_token,
        body: createOrJoinBody('hub', { custom_data: { 'k\u0000': 'v' } }),
      });
      expect(inKey.status).toBe(422);
      expect(inKey.body.detail[0]).toMatchObject({ loc: ['body', 'custom_data', 'k\u0000'], type: 'key_refused' });
    });

    it('in a query and a path', async () => {
      const query = await http(base, 'GET', '/session/v1/browser?session_type=a%00b', { token: player.access_token });
      expect(query.status).toBe(422);
      expect(query.body.detail[0]).toMatchObject({ loc: ['query', 'session_type'], type: 'string_unicode' });
      const path = await http(base, 'GET', '/session/v1/session/a%00b', { token: player.access_token });
      expect(path.status).toBe(422);
      expect(path.body.detail[0]).toMatchObject({ loc: ['path', 'session_id'], type: 'string_unicode' });
      // An unpaired surrogate cannot even be percent-encoded UTF-8: the path is refused as such.
      const surrogate = await http(base, 'GET', '/session/v1/session/%ED%A0%80', { token: player.access_token });
      expect(surrogate.status).toBe(422);
      expect(surrogate.body.detail).toEqual([
        { loc: ['path'], msg: 'The path is not valid percent-encoded UTF-8', type: 'value_error' },
      ]);
    });

    it('on GameLift, in AWS shape', async () => {
      const nul = await signedCall(base, 'CreatePlayerSession', { GameSessionId: gameSessionId, PlayerId: 'p\u0000' });
      expect(nul.status).toBe(400);
      expect(nul.body).toEqual({
        __type: 'InvalidRequestException',
        message: '1 validation error detected: body.PlayerId: Input should not contain NUL characters',
      });
      const surrogate = await signedCall(base, 'CreateGameSession', undefined, {
        rawBody: `{"FleetId": "${FLEET_ID}", "MaximumPlayerSessionCount": 2, "Name": "\\udc00"}`,
      });
      expect(surrogate.status).toBe(400);
      expect(surrogate.body.__type).toBe('InvalidRequestException');
      expect(surrogate.body.message).toContain('body.Name: Input should be valid Unicode');
    });

    it('on the admin API and the REST facade', async () => {
      const body = await http(base, 'POST', '/admin/v1/roles', {
        token: admin,
        body: { name: 'r\u0000', permissions: ['session:read'] },
      });
      expect(body.status).toBe(422);
      expect(body.body.detail[0]).toMatchObject({ loc: ['body', 'name'], type: 'string_unicode' });
      const path = await http(base, 'GET', '/admin/v1/templates/a%00b', { token: admin });
      expect(path.status).toBe(422);
      expect(path.body.detail[0]).toMatchObject({ loc: ['path', 'session_type'] });
      const facade = await http(base, 'POST', '/player-session/v1/player-sessions', {
        token: player.access_token,
        body: { game_session_id: 'a\u0000', player_id: player.active_player_uuid },
      });
      expect(facade.status).toBe(400);
      expect(facade.body).toEqual({
        success: false,
        error: {
          code: 'VALIDATION_ERROR',
          message: 'Invalid request parameters',
          details: [{ field: 'game_session_id', message: 'Input should not contain NUL characters' }],
        },
      });
    });
  });

  describe('9: null or an array for an object, prototype keys, huge numbers, a malformed cookie', () => {
    it('client_settings null or [] is a validation error', async () => {
      for (const value of [null, []]) {
        const created = await http(base, 'POST', '/session/v1/session', {
          token: player.access_token,
          body: createOrJoinBody('hub', { client_settings: value }),
        });
        expect(created.status).toBe(422);
        expect(created.body.detail[0].loc).toEqual(['body', 'client_settings']);
      }
      const join = await http(base, 'POST', `/session/v1/session/${gameSessionId.split('/').pop()}/player/me`, {
        token: player.access_token,
        body: joinBody({ client_settings: [] }),
      });
      expect(join.status).toBe(422);
      expect(join.body.detail[0]).toMatchObject({ loc: ['body', 'client_settings'], type: 'dict_type' });
    });

    it('description null or [] is a validation error', async () => {
      for (const value of [null, []]) {
        const created = await http(base, 'POST', '/admin/v1/access-keys', {
          token: admin,
          body: { role: 'game-client', description: value },
        });
        expect(created.status).toBe(422);
        expect(created.body.detail[0].loc).toEqual(['body', 'description']);
      }
    });

    it('FilterExpression null or [] is an InvalidRequestException', async () => {
      for (const value of [null, []]) {
        const search = await signedCall(base, 'SearchGameSessions', { FleetId: FLEET_ID, FilterExpression: value });
        expect(search.status).toBe(400);
        expect(search.body.__type).toBe('InvalidRequestException');
        expect(search.body.message).toContain('FilterExpression');
      }
    });

    it('constructor and __proto__ keys are refused; prototype is an ordinary key', async () => {
      const constructorKey = await signedCall(base, 'CreatePlayerSessions', {
        GameSessionId: gameSessionId,
        PlayerIds: ['p-1'],
        PlayerDataMap: { constructor: 'x' },
      });
      expect(constructorKey.status).toBe(400);
      expect(constructorKey.body).toEqual({
        __type: 'InvalidRequestException',
        message: '1 validation error detected: body.PlayerDataMap.constructor: The key "constructor" is not accepted',
      });
      const nested = await signedCall(base, 'DescribeGameSessions', undefined, {
        rawBody: '{"GameSessionId": {"constructor": {"prototype": {"polluted": true}}}}',
      });
      expect(nested.status).toBe(400);
      expect(nested.body.__type).toBe('InvalidRequestException');
      const proto = await signedCall(base, 'CreatePlayerSessions', undefined, {
        rawBody: `{"GameSessionId": "${gameSessionId}", "PlayerIds": ["p-1"], "PlayerDataMap": {"__proto__": {"x": 1}}}`,
      });
      expect(proto.status).toBe(400);
      expect(proto.body.message).toContain('The key "__proto__" is not accepted');
      expect(({} as Record<string, unknown>).x).toBeUndefined();
      const prototypeKey = await signedCall(base, 'CreatePlayerSessions', {
        GameSessionId: gameSessionId,
        PlayerIds: ['p-2'],
        PlayerDataMap: { prototype: 'x', 'p-2': 'data' },
      });
      expect(prototypeKey.status).toBe(200);
      expect(prototypeKey.body.PlayerSessions[0]).toMatchObject({ PlayerId: 'p-2', PlayerData: 'data' });
    });

    it('a forged NextToken with an offset of 2^63 is an InvalidRequestException', async () => {
      const token = encodeNextToken('SearchGameSessions', { offset: 2 ** 63 });
      const search = await signedCall(base, 'SearchGameSessions', { FleetId: FLEET_ID, NextToken: token });
      expect(search.status).toBe(400);
      expect(search.body).toEqual({
        __type: 'InvalidRequestException',
        message: 'NextToken is not a token this operation returned',
      });
    });

    it('audit?after=9223372036854775808 is a validation error', async () => {
      const audit = await http(base, 'GET', '/admin/v1/audit?after=9223372036854775808', { token: admin });
      expect(audit.status).toBe(422);
      expect(audit.body.detail[0]).toMatchObject({ loc: ['query', 'after'], type: 'less_than_equal' });
    });

    it('Cookie: Authorization=% is no token', async () => {
      const result = await http(base, 'GET', '/session/v1/player/me/session', {
        headers: { cookie: 'Authorization=%' },
      });
      expect(result.status).toBe(403);
      expect(result.body).toEqual({
        auth_success: false,
        error_code: 'auth_not_jwt',
        desc: 'Invalid Authorization - no bearer token in the Authorization header or cookie',
      });
    });
  });

  describe('10: the audit records every refused admin attempt, whatever its input', () => {
    async function auditRows(afterId: number) {
      return db.query<{ id: string; path: string; target: Record<string, string>; status: number; outcome: string }>(
        'SELECT id, path, target, status, outcome FROM audit_log WHERE id > $1 ORDER BY id',
        [afterId],
      );
    }
    async function lastId(): Promise<number> {
      const [row] = await db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM audit_log');
      return Number(row.id ?? 0);
    }

    it('a NUL in an audited body field, refused by the guard', async () => {
      const before = await lastId();
      const result = await http(base, 'POST', '/admin/v1/templates', { body: { session_type: 'x\u0000y' } });
      expect(result.status).toBe(403);
      const rows = await auditRows(before);
      expect(rows).toEqual([
        expect.objectContaining({
          path: '/admin/v1/templates',
          target: { session_type: 'x\uFFFDy' },
          status: 403,
          outcome: 'refused',
        }),
      ]);
    });

    it('a NUL in the path, refused by the guard and by the pipe', async () => {
      const before = await lastId();
      const anonymous = await http(base, 'POST', '/admin/v1/clients/a%00b:disable');
      expect(anonymous.status).toBe(403);
      const authenticated = await http(base, 'POST', '/admin/v1/clients/a%00b:disable', { token: admin });
      expect(authenticated.status).toBe(422);
      const rows = await auditRows(before);
      expect(rows).toEqual([
        expect.objectContaining({ path: '/admin/v1/clients/a%00b:disable', target: { client_id: 'a\uFFFDb' } }),
        expect.objectContaining({ status: 422, outcome: 'failed', target: { client_id: 'a\uFFFDb' } }),
      ]);
      expect(rows[0]).toMatchObject({ status: 403, outcome: 'refused' });
    });

    it('an unpaired surrogate, and JSON the body parser refuses', async () => {
      const before = await lastId();
      const surrogate = await http(base, 'POST', '/admin/v1/roles', {
        rawBody: '{"name": "\\ud800", "permissions": []}',
        headers: { 'content-type': 'application/json' },
      });
      expect(surrogate.status).toBe(403);
      const deep = await http(base, 'POST', '/admin/v1/roles', {
        rawBody: DEEP,
        headers: { 'content-type': 'application/json' },
      });
      expect(deep.status).toBe(422);
      const rows = await auditRows(before);
      expect(rows).toEqual([
        expect.objectContaining({ target: { name: '\uFFFD' }, status: 403, outcome: 'refused' }),
        expect.objectContaining({ path: '/admin/v1/roles', target: {}, status: 422, outcome: 'failed' }),
      ]);
    });
  });
});
