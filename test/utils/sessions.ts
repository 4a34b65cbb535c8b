import type { SessionTemplateDto } from '../../src/session/dto/session-template.dto.js';
import { http, loginAdmin } from './http.js';

/** A CreateOrJoinRequest shaped like RallyHere's OpenAPI example. */
export function createOrJoinBody(sessionType: string, extra: Record<string, unknown> = {}) {
  return {
    client_version: '1.0.0',
    client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
    crossplay_preferences: { permitted_platform: 'desired_platforms_any', permitted_input: 'desired_inputs_any' },
    session_type: sessionType,
    ...extra,
  };
}

/** A SelfSessionPlayerUpdateRequest (join by id). */
export function joinBody(extra: Record<string, unknown> = {}) {
  return {
    client_version: '1.0.0',
    client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
    team_id: 0,
    ...extra,
  };
}

export function createOrJoin(baseUrl: string, token: string, sessionType: string, extra: Record<string, unknown> = {}) {
  return http(baseUrl, 'POST', '/session/v1/session', { token, body: createOrJoinBody(sessionType, extra) });
}

export function getSession(baseUrl: string, token: string, sessionId: string) {
  return http(baseUrl, 'GET', `/session/v1/session/${sessionId}`, { token });
}

/** Adds a template through the admin API. */
export async function addTemplate(baseUrl: string, template: SessionTemplateDto): Promise<void> {
  const admin = await loginAdmin(baseUrl);
  const created = await http(baseUrl, 'POST', '/admin/v1/templates', { token: admin.access_token, body: template });
  if (created.status !== 201)
    throw new Error(`template not created: ${created.status} ${JSON.stringify(created.body)}`);
}
