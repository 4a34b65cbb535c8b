import { normalizeTemplate, type SessionTemplateDto } from '../../src/session/core/dto/session-template.dto.js';
import { templateColumns } from '../../src/session/core/templates.service.js';
import { http, type TestDatabase } from './test-app.js';

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

/** Adds a template straight to the database, as the admin API would. */
export async function insertTemplate(db: TestDatabase, template: SessionTemplateDto): Promise<void> {
  const c = templateColumns(normalizeTemplate(template));
  await db.query(
    `INSERT INTO session_template (session_type, config, can_be_created_by_players_directly, attempt_auto_join, default_public,
                                   keep_alive_on_empty, can_change_own_team, num_teams, players_per_team, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'admin')`,
    [
      c.sessionType,
      JSON.stringify(c.config),
      c.canBeCreatedByPlayersDirectly,
      c.attemptAutoJoin,
      c.defaultPublic,
      c.keepAliveOnEmpty,
      c.canChangeOwnTeam,
      c.numTeams,
      c.playersPerTeam,
    ],
  );
}
