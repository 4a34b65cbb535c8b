import { OPERATION_INPUT } from '../../src/gamelift/gamelift.operations.js';
import { FLEET_ID, gameLiftClient, signedCall } from '../clients/gamelift.js';
import { newGameSession } from '../gamelift/gamelift-helpers.js';
import { createOrJoinBody, joinBody } from '../utils/sessions.js';
import { ServiceProcess } from '../utils/service-process.js';
import { TestDatabase } from '../utils/database.js';
import { http, loginAdmin, loginPlayer } from '../utils/http.js';

/**
 * A fuzz of every documented route: the routes come from the app's own
 * OpenAPI document (`/docs-json`) and the GameLift operations from its
 * operation table, so a new route or operation is fuzzed without touching
 * this file. It runs the compiled service (`npm run build`), whose document
 * the Swagger CLI plugin completed with every DTO field and parameter. Each field, query parameter and path parameter gets, one at a
 * time, the value classes of issue 13 (deep nesting, NUL, unpaired
 * surrogates, null or an array for an object, prototype keys, huge numbers);
 * no answer may be a 5xx.
 */

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
};
type OpenApi = {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: unknown }>>;
  components: { schemas: Record<string, Schema> };
};

/** JSON texts spliced in as a field's value. */
const DEEP = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const FIELD_VALUES: Record<string, string> = {
  nul: JSON.stringify('a\u0000b'),
  lone_surrogate: '"a\\ud800b"',
  null: 'null',
  array: '[]',
  constructor_key: '{"constructor": {"prototype": {"polluted": true}}}',
  proto_key: '{"__proto__": {"polluted": true}}',
  huge_int: '9223372036854775808',
  overflow: '1e400',
  deep: DEEP(40),
};
/** The classes tried on nested fields (`client_settings.platform`): fewer, to keep the fuzz fast. */
const NESTED_CLASSES = ['nul', 'array', 'huge_int'];
function valuesFor(field: string[]): [string, string][] {
  return Object.entries(FIELD_VALUES).filter(([what]) => field.length === 1 || NESTED_CLASSES.includes(what));
}
/** Whole bodies. */
const BODIES: Record<string, string> = {
  deep_16000: DEEP(16_000),
  deep_objects: '{"a":'.repeat(16_000) + '1' + '}'.repeat(16_000),
  null_body: 'null',
  array_body: '[]',
  string_body: '"x"',
  proto_body: '{"__proto__": {"polluted": true}}',
  constructor_body: '{"constructor": {"prototype": {"polluted": true}}}',
  nul_key: '{"a\\u0000": "x"}',
  surrogate_key: '{"\\ud800": "x"}',
};
/** Raw (already percent-encoded) path and query values. */
const URL_VALUES: Record<string, string> = {
  nul: 'a%00b',
  lone_surrogate: '%ED%A0%80',
  bad_escape: '%',
  huge_int: '9223372036854775808',
  huge_negative: '-9223372036854775809',
  proto: '__proto__',
  constructor: 'constructor',
  prototype: 'prototype',
};

interface Probe {
  route: string;
  what: string;
  send: () => Promise<{ status: number; body: unknown }>;
}

/** Runs the probes `width` at a time. */
async function runAll(probes: Probe[], width: number) {
  const results: { route: string; what: string; status: number; body: unknown; ms: number }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < probes.length) {
        const probe = probes[next++];
        const started = Date.now();
        const { status, body } = await probe.send();
        results.push({ route: probe.route, what: probe.what, status, body, ms: Date.now() - started });
      }
    }),
  );
  return results;
}

/** The JSON text of `base` with `value` (a JSON text) at `path`. */
function withValueAt(base: Record<string, unknown>, path: string[], value: string): string {
  const marker = '__fuzz_value__';
  const copy = structuredClone(base);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    node[key] = typeof child === 'object' && child !== null && !Array.isArray(child) ? child : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), value);
}

/** Property paths of a schema, nested objects one level deep (`client_settings.platform`). */
function fieldPaths(schema: Schema | undefined, schemas: Record<string, Schema>, depth = 0): string[][] {
  const resolved = resolve(schema, schemas);
  const paths: string[][] = [];
  for (const [name, property] of Object.entries(resolved?.properties ?? {})) {
    paths.push([name]);
    const inner = resolve(property, schemas);
    if (depth < 1 && inner?.properties) {
      for (const sub of fieldPaths(inner, schemas, depth + 1)) paths.push([name, ...sub]);
    }
  }
  return paths;
}

function resolve(schema: Schema | undefined, schemas: Record<string, Schema>): Schema | undefined {
  if (!schema) return undefined;
  if (schema.$ref) return resolve(schemas[schema.$ref.split('/').pop()!], schemas);
  if (schema.allOf?.length === 1) return resolve(schema.allOf[0], schemas);
  return schema;
}

describe('Fuzz: every documented route, every value class (issue 13)', () => {
  let db: TestDatabase;
  let service: ServiceProcess;

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await ServiceProcess.start({ DATABASE_URL: db.url, SWAGGER_ENABLED: 'true' });
  });

  afterAll(async () => {
    await service?.stop();
    await db?.drop();
  });

  it('answers no request with a 5xx', async () => {
    const base = service.url;
    const admin = (await loginAdmin(base)).access_token;
    const player = await loginPlayer(base, 'fuzz-device');
    const created = await http(base, 'POST', '/session/v1/session', {
      token: player.access_token,
      body: createOrJoinBody('hub'),
    });
    expect(created.status).toBe(200);
    const sessionId = (created.body as { session_id: string }).session_id;
    const keyId = ((await http(base, 'GET', '/users/v1/publickeys')).body as { keys: { kid: string }[] }).keys[0].kid;
    const gameSessionId = await newGameSession(gameLiftClient(base), base);

    const document = (await http<OpenApi>(base, 'GET', '/docs-json')).body;
    const schemas = document.components.schemas;
    /** Valid values for path parameters, by name (a fuzzed request changes one part at a time). */
    const PATH_VALUES: Record<string, string> = {
      session_id: sessionId,
      player_uuid: player.active_player_uuid,
      player_id: player.active_player_uuid,
      session_type: 'hub',
      key_id: keyId,
      client_id: 'no-such-client',
      name: 'no-such-role',
      seat_id: '00000000-0000-4000-8000-000000000000',
      access_key_id: 'AKIAAAAAAAAAAAAAAAAA',
    };
    /** Valid bodies where the route has one, so that a fuzzed field is checked past the others. */
    const BASE_BODIES: Record<string, Record<string, unknown>> = {
      'POST /users/v1/login': { grant_type: 'anon', portal_access_token: 'fuzz-device' },
      'POST /session/v1/session': createOrJoinBody('hub'),
      'POST /session/v1/session/{session_id}/player/me': joinBody(),
      'POST /player-session/v1/player-sessions': {
        game_session_id: sessionId,
        player_id: player.active_player_uuid,
      },
    };
    const GAMELIFT_BASE: Record<string, unknown> = {
      FleetId: FLEET_ID,
      GameSessionId: gameSessionId,
      MaximumPlayerSessionCount: 4,
      PlayerId: 'fuzz-player',
      PlayerIds: ['fuzz-player'],
      PlayerSessionId: 'psess-00000000-0000-4000-8000-000000000000',
    };

    const probes: Probe[] = [];
    /** A body schema's fields are fuzzed once, on the first route or operation taking it (its DTO validates them). */
    const fuzzedSchemas = new Set<string>();
    const routes = new Set<string>();
    for (const [template, methods] of Object.entries(document.paths)) {
      if (template === '/') continue; // GameLift: below, one route per operation
      for (const [method, operation] of Object.entries(methods)) {
        const route = `${method.toUpperCase()} ${template}`;
        routes.add(route);
        const token = template.startsWith('/admin') ? admin : player.access_token;
        const params = operation.parameters ?? [];
        const pathParams = params.filter((p) => p.in === 'path').map((p) => p.name);
        const queryParams = params.filter((p) => p.in === 'query').map((p) => p.name);
        const pathWith = (fuzzed?: string, raw?: string) =>
          template.replace(/\{([^}]+)\}/g, (_m, name: string) =>
            name === fuzzed ? raw! : encodeURIComponent(PATH_VALUES[name] ?? 'x'),
          );
        const bodySchema = (operation.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)
          ?.content?.['application/json']?.schema;
        const baseBody = BASE_BODIES[route] ?? {};
        const send = (path: string, rawBody?: string) => () =>
          http(base, method.toUpperCase(), path, {
            token,
            rawBody,
            headers: rawBody === undefined ? {} : { 'content-type': 'application/json' },
          });
        for (const name of pathParams) {
          for (const [what, raw] of Object.entries(URL_VALUES)) {
            probes.push({ route, what: `path ${name}=${what}`, send: send(pathWith(name, raw)) });
          }
        }
        for (const name of queryParams) {
          for (const [what, raw] of Object.entries(URL_VALUES)) {
            probes.push({ route, what: `query ${name}=${what}`, send: send(`${pathWith()}?${name}=${raw}`) });
          }
          probes.push({ route, what: `query ${name} twice`, send: send(`${pathWith()}?${name}=1&${name}=2`) });
        }
        if (bodySchema) {
          for (const [what, raw] of Object.entries(BODIES)) {
            probes.push({ route, what: `body ${what}`, send: send(pathWith(), raw) });
          }
          const schemaKey = JSON.stringify(bodySchema);
          const fields = fuzzedSchemas.has(schemaKey) ? [] : fieldPaths(bodySchema, schemas);
          fuzzedSchemas.add(schemaKey);
          for (const field of fields) {
            for (const [what, value] of valuesFor(field)) {
              probes.push({
                route,
                what: `body ${field.join('.')}=${what}`,
                send: send(pathWith(), withValueAt(baseBody, field, value)),
              });
            }
          }
        }
        if (!pathParams.length && !queryParams.length && !bodySchema) {
          probes.push({ route, what: 'unused query', send: send(`${pathWith()}?x=%00`) });
        }
      }
    }

    for (const [name, input] of Object.entries(OPERATION_INPUT)) {
      const route = `GameLift.${name}`;
      routes.add(route);
      const schema = schemas[input.name];
      expect(schema).toBeDefined();
      const fields = fieldPaths(schema, schemas);
      const baseInput = Object.fromEntries(
        Object.entries(GAMELIFT_BASE).filter(([key]) => fields.some((f) => f[0] === key)),
      );
      const call = (rawBody: string) => () => signedCall(base, name, undefined, { rawBody });
      for (const [what, raw] of Object.entries(BODIES)) probes.push({ route, what: `body ${what}`, send: call(raw) });
      const fuzzed = fuzzedSchemas.has(input.name) ? [] : fields;
      fuzzedSchemas.add(input.name);
      for (const field of fuzzed) {
        for (const [what, value] of valuesFor(field)) {
          probes.push({
            route,
            what: `${field.join('.')}=${what}`,
            send: call(withValueAt(baseInput, field, value)),
          });
        }
      }
    }

    // Both RallyHere routes families, the users API, the admin API, the REST facade and GameLift are covered.
    for (const prefix of [
      'POST /session/',
      'GET /session/',
      'POST /users/v1/',
      '/admin/v1/',
      'POST /player-session/',
    ]) {
      expect([...routes].some((route) => route.includes(prefix))).toBe(true);
    }
    expect([...routes].filter((route) => route.startsWith('GameLift.'))).toHaveLength(
      Object.keys(OPERATION_INPUT).length,
    );

    const started = Date.now();
    const results = await runAll(probes, 12);
    if (process.env.FUZZ_STATS) {
      const counts: Record<string, number> = {};
      for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
      console.log(`${probes.length} probes in ${Date.now() - started} ms`, counts);
      const per: Record<string, number> = {};
      for (const r of results) per[r.route] = (per[r.route] ?? 0) + r.ms;
      console.log(per);
    }
    expect(results).toHaveLength(probes.length);
    const failures = results.filter((r) => r.status >= 500).map((r) => `${r.route} ${r.what}: ${r.status}`);
    expect(failures).toEqual([]);
    // The fuzz reached past authentication on every route (else it would test nothing).
    const unreached = [...routes].filter((route) =>
      results.filter((r) => r.route === route).every((r) => r.status === 401 || r.status === 403),
    );
    expect(unreached).toEqual([]);
  });
});
