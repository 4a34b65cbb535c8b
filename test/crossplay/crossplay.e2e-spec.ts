import {
  addMember,
  aggregate,
  canJoin,
  compatible,
  CROSSPLAY_INPUTS,
  CROSSPLAY_PLATFORMS,
  type CrossplayProfile,
  EMPTY_SESSION,
  INPUTS,
  PLATFORMS,
  profileOf,
  type SessionCrossplay,
} from '../../src/crossplay/crossplay.js';
import { expectLedgerInvariants } from '../utils/invariants.js';
import { createOrJoin } from '../utils/sessions.js';
import { http, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

interface Kind {
  platform: string;
  input: string;
  permitted_platform: string;
  permitted_input: string;
}

const XBOX_ONLY: Kind = {
  platform: 'XboxLive',
  input: 'gamepad',
  permitted_platform: 'desired_platforms_xboxlike',
  permitted_input: 'desired_inputs_any',
};
const PSN: Kind = {
  platform: 'PSN',
  input: 'gamepad',
  permitted_platform: 'desired_platforms_any',
  permitted_input: 'desired_inputs_any',
};
const PAD_ONLY: Kind = {
  platform: 'Steam',
  input: 'gamepad',
  permitted_platform: 'desired_platforms_any',
  permitted_input: 'desired_inputs_gamepad',
};
const KBM: Kind = {
  platform: 'Steam',
  input: 'keyboardandmouse',
  permitted_platform: 'desired_platforms_any',
  permitted_input: 'desired_inputs_any',
};
const ANY_XBOX_PAD: Kind = {
  platform: 'XboxLive',
  input: 'gamepad',
  permitted_platform: 'desired_platforms_any',
  permitted_input: 'desired_inputs_any',
};

describe('Crossplay (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let device = 0;

  beforeAll(async () => {
    db = await TestDatabase.create();
    // These specs check the crossplay rule across platforms; anonymous logins are the only ones there are, so the
    // development setting takes their stated platforms (by default an anonymous login counts as Anon).
    service = await TestApp.start(db, { CROSSPLAY_TRUST_CLIENT_PLATFORM: 'true' });
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  async function join(kind: Kind, region: string) {
    const player = await loginPlayer(service.baseUrl, `crossplay-${device++}`);
    const result = await createOrJoin(service.baseUrl, player.access_token, 'hub', {
      region_id: region,
      client_settings: { platform: kind.platform, input: kind.input },
      crossplay_preferences: { permitted_platform: kind.permitted_platform, permitted_input: kind.permitted_input },
    });
    expect(result.status).toBe(200);
    return { player: player.active_player_uuid, session: result.body.session_id as string, kind };
  }

  async function sessionsOf(region: string) {
    return db.query<{ id: string; players: number; platforms: string[]; inputs: string[]; prefs: string[] }>(
      `SELECT g.id, g.player_count AS players, array_agg(s.platform ORDER BY s.created_at) AS platforms,
              array_agg(s.input ORDER BY s.created_at) AS inputs,
              array_agg(s.permitted_platform || '/' || s.permitted_input ORDER BY s.created_at) AS prefs
         FROM game_session g JOIN seat s ON s.session_id = g.id AND s.status = 'ACTIVE'
        WHERE g.region_id = $1 GROUP BY g.id, g.created_at ORDER BY g.created_at`,
      [region],
    );
  }

  it('never seats xbox-only players with PlayStation players, and lets "any" players fill both', async () => {
    const xbox = [];
    for (let i = 0; i < 3; i++) xbox.push(await join(XBOX_ONLY, 'platforms'));
    const psn = [];
    for (let i = 0; i < 3; i++) psn.push(await join(PSN, 'platforms'));
    expect(new Set(xbox.map((j) => j.session)).size).toBe(1);
    expect(new Set(psn.map((j) => j.session)).size).toBe(1);
    expect(psn[0].session).not.toBe(xbox[0].session);

    for (let i = 0; i < 10; i++) await join(ANY_XBOX_PAD, 'platforms');
    const sessions = await sessionsOf('platforms');
    expect(sessions.map((s) => s.players)).toEqual([8, 8]);
    expect(sessions[0].platforms).not.toContain('PSN');
    await expectLedgerInvariants(db);
  });

  it('never seats gamepad-only players with keyboard-and-mouse players, and lets "any" players fill both', async () => {
    const pads = [];
    for (let i = 0; i < 3; i++) pads.push(await join(PAD_ONLY, 'inputs'));
    const kbm = [];
    for (let i = 0; i < 3; i++) kbm.push(await join(KBM, 'inputs'));
    expect(kbm[0].session).not.toBe(pads[0].session);
    for (let i = 0; i < 10; i++) await join(ANY_XBOX_PAD, 'inputs');
    const sessions = await sessionsOf('inputs');
    expect(sessions.map((s) => s.players)).toEqual([8, 8]);
    expect(sessions[0].inputs).not.toContain('keyboardandmouse');
    await expectLedgerInvariants(db);
  });

  it('keeps the rule when everyone arrives at once', async () => {
    const kinds = [XBOX_ONLY, PSN, PAD_ONLY, KBM, ANY_XBOX_PAD];
    const joins = await Promise.all(Array.from({ length: 80 }, (_, i) => join(kinds[i % kinds.length], 'mixed')));
    expect(joins).toHaveLength(80);
    for (const session of await sessionsOf('mixed')) {
      const xboxOnly = session.prefs.some((p) => p.startsWith('desired_platforms_xboxlike'));
      if (xboxOnly) expect(session.platforms.every((p) => p === 'XboxLive')).toBe(true);
      const padOnly = session.prefs.some((p) => p.endsWith('desired_inputs_gamepad'));
      if (padOnly) expect(session.inputs.every((i) => i === 'gamepad')).toBe(true);
    }
    await expectLedgerInvariants(db);
  });

  it('applies in SQL exactly the rule the TypeScript predicate states', async () => {
    // Every distinct player profile...
    const unique = new Map<string, CrossplayProfile>();
    for (const platform of PLATFORMS)
      for (const input of INPUTS)
        for (const permittedPlatform of CROSSPLAY_PLATFORMS)
          for (const permittedInput of CROSSPLAY_INPUTS) {
            const profile = profileOf({ platform, input, permittedPlatform, permittedInput });
            unique.set(JSON.stringify(profile), profile);
          }
    const profiles = [...unique.values()];
    // ...against sessions of one member each, and of several compatible members.
    const sessions: SessionCrossplay[] = [EMPTY_SESSION, ...profiles.map((p) => addMember(EMPTY_SESSION, p))];
    for (let i = 0; i < profiles.length; i++) {
      const members = profiles.filter((p, j) => j >= i && compatible(p, profiles[i])).slice(0, 4);
      if (members.every((a) => members.every((b) => compatible(a, b)))) sessions.push(aggregate(members));
    }
    const rows = await db.query<{ ok: boolean }>(
      `SELECT joinery_cp_can_join(s.fa, s.rf, s.ia, s.al, p.f, p.i, p.r, p.a) AS ok
         FROM unnest($1::int[], $2::int[], $3::int[], $4::int[]) WITH ORDINALITY AS s(fa, rf, ia, al, n)
        CROSS JOIN unnest($5::int[], $6::int[], $7::int[], $8::int[]) WITH ORDINALITY AS p(f, i, r, a, m)
        ORDER BY s.n, p.m`,
      [
        sessions.map((s) => s.familiesAll),
        sessions.map((s) => s.requiredFamilies),
        sessions.map((s) => s.inputsAny),
        sessions.map((s) => s.inputsAllowed),
        profiles.map((p) => p.family),
        profiles.map((p) => p.input),
        profiles.map((p) => p.requiredFamilies),
        profiles.map((p) => p.allowedInputs),
      ],
    );
    const expected = sessions.flatMap((s) => profiles.map((p) => canJoin(s, p)));
    expect(rows).toHaveLength(expected.length);
    const mismatches = rows.filter((row, k) => row.ok !== expected[k]).length;
    expect(mismatches).toBe(0);
    expect(expected.filter(Boolean).length).toBeGreaterThan(expected.length / 10);
  });

  it('serves the platform families and checks two players', async () => {
    const token = (await loginPlayer(service.baseUrl, 'crossplay-reader')).access_token;
    const families = await http(service.baseUrl, 'GET', '/crossplay/v1/platform-families', { token });
    expect(families.status).toBe(200);
    expect(families.body.families).toEqual({ xboxlike: ['XboxLive'], playstationlike: ['PSN'] });
    expect(families.body.platforms).toContainEqual({ platform: 'Steam', families: [] });
    const check = await http(service.baseUrl, 'POST', '/crossplay/v1/compatibility', {
      token,
      body: {
        a: {
          client_settings: { platform: 'XboxLive', input: 'gamepad' },
          crossplay_preferences: {
            permitted_platform: 'desired_platforms_xboxlike',
            permitted_input: 'desired_inputs_any',
          },
        },
        b: { client_settings: { platform: 'PSN', input: 'gamepad' } },
      },
    });
    expect(check.body).toEqual({ compatible: false, a_accepts_b: false, b_accepts_a: true });
    const bad = await http(service.baseUrl, 'POST', '/crossplay/v1/compatibility', { token, body: { a: {} } });
    expect(bad.status).toBe(422);
  });

  it('follows the configured platform families', async () => {
    const configured = await TestApp.start(db, { CROSSPLAY_XBOXLIKE_PLATFORMS: 'XboxLive,Steam' });
    try {
      const token = (await loginPlayer(configured.baseUrl, 'crossplay-config')).access_token;
      const check = await http(configured.baseUrl, 'POST', '/crossplay/v1/compatibility', {
        token,
        body: {
          a: {
            client_settings: { platform: 'XboxLive', input: 'gamepad' },
            crossplay_preferences: {
              permitted_platform: 'desired_platforms_xboxlike',
              permitted_input: 'desired_inputs_any',
            },
          },
          b: { client_settings: { platform: 'Steam', input: 'gamepad' } },
        },
      });
      expect(check.body.compatible).toBe(true);
    } finally {
      await configured.close();
    }
  });
});
