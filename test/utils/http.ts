/*
 * HTTP helpers for the tests, without the application: suites that only drive service processes import these
 * (and ./database.js) so that Jest does not load the whole application for them (docs/testing.md).
 */
import { request } from 'undici';
import { DEV_BOOTSTRAP } from '../../src/config/config.js';

export const GAME_CLIENT = DEV_BOOTSTRAP.gameClient;
export const ADMIN_CLIENT = DEV_BOOTSTRAP.admin;

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * A small HTTP client: JSON in, JSON out, status and headers kept. On undici's `request` rather than `fetch`:
 * keep-alive connections as with fetch, at a third of its CPU per request, which adds up over the suite
 * (docs/testing.md).
 */
export async function http<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await send(`${baseUrl}${path}`, { method, headers, body });
  const text = response.bytes.toString('utf8');
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** One request with undici's `request` (see {@link http}); the answer's bytes are read whole. */
export async function send(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string | Uint8Array },
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await request(url, { method: init.method as 'POST', headers: init.headers, body: init.body });
  const bytes = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: headersOf(response.headers), bytes };
}

function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  return headers;
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

/** Logs a player in by device id through the bootstrap game client. */
export async function loginPlayer(baseUrl: string, deviceId: string, extra: Record<string, unknown> = {}) {
  const result = await http(baseUrl, 'POST', '/users/v1/login', {
    body: { grant_type: 'anon', portal_access_token: deviceId, ...extra },
    headers: { authorization: basic(GAME_CLIENT.clientId, GAME_CLIENT.secret) },
  });
  if (result.status !== 200) throw new Error(`login failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body as {
    access_token: string;
    active_player_uuid: string;
    refresh_token?: string;
    permissions: string[];
  };
}

/** Logs the bootstrap admin client in (client_credentials). */
export async function loginAdmin(baseUrl: string) {
  const result = await http(baseUrl, 'POST', '/users/v1/login', {
    body: { grant_type: 'client_credentials' },
    headers: { authorization: basic(ADMIN_CLIENT.clientId, ADMIN_CLIENT.secret) },
  });
  if (result.status !== 200) throw new Error(`admin login failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body as { access_token: string; permissions: string[] };
}
