/*
 * Issue 13, items 1, 2, 3 and 5: seat rules are the core's whichever door a request comes through; session
 * passwords are slow hashes with a failed-attempt limit; invitations go to known players, expire, can be
 * cancelled by their sender and do not keep a session alive; the limited view leaves out custom data.
 */
import { expectLedgerInvariants } from '../utils/invariants.js';
import { addTemplate, createOrJoin, getSession, joinBody } from '../utils/sessions.js';
import { http, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

type Player = Awaited<ReturnType<typeof loginPlayer>>;

describe('Seat rules whichever the door (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let device = 0;
  const player = (): Promise<Player> => loginPlayer(service.baseUrl, `seat-rules-${device++}`);
  const api = (method: string, path: string, token: string, body?: unknown) =>
    http(service.baseUrl, method, path, { token, body });
  const facade = (token: string, sessionId: string, playerId: string) =>
    api('POST', '/player-session/v1/player-sessions', token, { game_session_id: sessionId, player_id: playerId });
  const seatsOf = async (playerId: string) =>
    (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM seat WHERE player_id = $1 AND status IN ('RESERVED', 'ACTIVE')`,
        [playerId],
      )
    )[0].n;
  /** A session created by a fresh leader with the given template. */
  const sessionOf = async (type: string, extra: Record<string, unknown> = {}) => {
    const leader = await player();
    const created = await createOrJoin(service.baseUrl, leader.access_token, type, extra);
    expect(created.status).toBe(200);
    return { leader, sessionId: created.body.session_id as string };
  };

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db, { INVITATION_TTL_SECONDS: '120' });
    await addTemplate(service.baseUrl, {
      session_type: 'open-room',
      attempt_auto_join: false,
      can_be_created_by_players_directly: true,
      default_public: true,
      players_per_team: 4,
    });
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  afterEach(async () => {
    await expectLedgerInvariants(db);
  });

  describe('the REST facade decides as join by id for player tokens (item 1)', () => {
    it('refuses a private session', async () => {
      const { sessionId } = await sessionOf('party');
      const eve = await player();
      const byId = await api('POST', `/session/v1/session/${sessionId}/player/me`, eve.access_token, joinBody());
      expect(byId.status).toBeGreaterThanOrEqual(400);
      const viaFacade = await facade(eve.access_token, sessionId, eve.active_player_uuid);
      expect(viaFacade.status).toBe(400);
      expect(viaFacade.body).toMatchObject({ success: false, error: { code: 'INVALID_REQUEST' } });
      expect(viaFacade.body.error.message).toMatch(/not joinable|not open/i);
      await expect(seatsOf(eve.active_player_uuid)).resolves.toBe(0);
    });

    it('refuses a session closed to newcomers', async () => {
      const { leader, sessionId } = await sessionOf('open-room');
      const closed = await api('PATCH', `/session/v1/session/${sessionId}`, leader.access_token, {
        joinability: { open: false },
      });
      expect(closed.status).toBe(200);
      const eve = await player();
      const viaFacade = await facade(eve.access_token, sessionId, eve.active_player_uuid);
      expect(viaFacade.status).toBe(400);
      await expect(seatsOf(eve.active_player_uuid)).resolves.toBe(0);
    });

    it('refuses a password-protected session (the facade has no password)', async () => {
      const { leader, sessionId } = await sessionOf('open-room');
      const patched = await api('PATCH', `/session/v1/session/${sessionId}`, leader.access_token, {
        password: 'sesame',
      });
      expect(patched.status).toBe(200);
      const eve = await player();
      const viaFacade = await facade(eve.access_token, sessionId, eve.active_player_uuid);
      expect(viaFacade.status).toBe(400);
      expect(viaFacade.body.error.message).toMatch(/password/i);
      await expect(seatsOf(eve.active_player_uuid)).resolves.toBe(0);
    });

    it('refuses a session whose players restrict inputs (a facade player has no known profile)', async () => {
      const { sessionId } = await sessionOf('open-room', {
        client_settings: { platform: 'Steam', input: 'gamepad' },
        crossplay_preferences: {
          permitted_platform: 'desired_platforms_any',
          permitted_input: 'desired_inputs_gamepad',
        },
      });
      const eve = await player();
      const viaFacade = await facade(eve.access_token, sessionId, eve.active_player_uuid);
      expect(viaFacade.status).toBe(400);
      expect(viaFacade.body.error.message).toMatch(/crossplay/i);
      await expect(seatsOf(eve.active_player_uuid)).resolves.toBe(0);
    });

    it('reserves a seat in an open session, and takes up an invitation the player holds', async () => {
      const { sessionId } = await sessionOf('open-room');
      const ann = await player();
      const reserved = await facade(ann.access_token, sessionId, ann.active_player_uuid);
      expect(reserved.status).toBe(201);
      expect(reserved.body.data).toMatchObject({ player_id: ann.active_player_uuid, status: 'RESERVED' });

      const { leader, sessionId: party } = await sessionOf('party');
      const ben = await player();
      const invited = await api(
        'POST',
        `/session/v2/session/${party}/player/${ben.active_player_uuid}:invite`,
        leader.access_token,
        {},
      );
      expect(invited.status).toBe(200);
      const taken = await facade(ben.access_token, party, ben.active_player_uuid);
      expect(taken.status).toBe(201);
      expect(taken.body.data.status).toBe('RESERVED');
      const [seat] = await db.query<{ role: string; status: string }>(
        `SELECT role, status FROM seat WHERE session_id = $1 AND player_id = $2`,
        [party, ben.active_player_uuid],
      );
      expect(seat).toEqual({ role: 'member', status: 'RESERVED' });
    });
  });

  describe('session passwords (item 2)', () => {
    it('stores an scrypt digest and refuses attempts after 5 wrong passwords, even the right one', async () => {
      const { leader, sessionId } = await sessionOf('open-room');
      const patched = await api('PATCH', `/session/v1/session/${sessionId}`, leader.access_token, {
        password: 'sesame',
      });
      expect(patched.status).toBe(200);
      const [{ password_digest }] = await db.query<{ password_digest: string }>(
        `SELECT password_digest FROM game_session WHERE id = $1`,
        [sessionId],
      );
      expect(password_digest).toMatch(/^scrypt\$/);

      const eve = await player();
      const join = (password: string) =>
        api('POST', `/session/v1/session/${sessionId}/player/me`, eve.access_token, joinBody({ password }));
      for (let i = 0; i < 5; i++) {
        const wrong = await join(`guess-${i}`);
        expect(wrong.status).toBe(403);
        expect(wrong.body.error_code).toBe('session_password_incorrect');
      }
      const locked = await join('sesame');
      expect(locked.status).toBe(429);
      expect(locked.body.error_code).toBe('session_password_attempts_exceeded');
      expect(locked.headers.get('retry-after')).toBe('60');
      await expect(seatsOf(eve.active_player_uuid)).resolves.toBe(0);

      // The lock lasts 60 s from the last failure: move that failure into the past.
      await db.query(`UPDATE game_session SET password_failed_at = now() - interval '61 seconds' WHERE id = $1`, [
        sessionId,
      ]);
      const right = await join('sesame');
      expect(right.status).toBe(200);
      const [{ password_failures }] = await db.query<{ password_failures: number }>(
        `SELECT password_failures FROM game_session WHERE id = $1`,
        [sessionId],
      );
      expect(password_failures).toBe(0);
    });
  });

  describe('invitations (item 3)', () => {
    const invite = (token: string, sessionId: string, playerUuid: string) =>
      api('POST', `/session/v2/session/${sessionId}/player/${playerUuid}:invite`, token, {});

    it('refuses made-up player UUIDs', async () => {
      const { leader, sessionId } = await sessionOf('party');
      const made = await invite(leader.access_token, sessionId, '0b7a9d7e-1111-4222-8333-444455556666');
      expect(made.status).toBe(404);
      expect(made.body.error_code).toBe('player_not_found');
      const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM seat WHERE session_id = $1`, [
        sessionId,
      ]);
      expect(n).toBe(1);
    });

    it('expire after INVITATION_TTL_SECONDS and free their seat', async () => {
      const { leader, sessionId } = await sessionOf('party');
      const ivy = await player();
      expect((await invite(leader.access_token, sessionId, ivy.active_player_uuid)).status).toBe(200);
      const [seat] = await db.query<{ ttl: number }>(
        `SELECT extract(epoch FROM reserved_until - created_at)::int AS ttl FROM seat
          WHERE session_id = $1 AND player_id = $2`,
        [sessionId, ivy.active_player_uuid],
      );
      expect(seat.ttl).toBe(120);
      await db.query(`UPDATE seat SET reserved_until = now() - interval '1 second' WHERE player_id = $1`, [
        ivy.active_player_uuid,
      ]);
      // Reads show it expired at once; the sweeper then frees the seat.
      const read = await getSession(service.baseUrl, leader.access_token, sessionId);
      const shown = read.body.teams.flatMap((t: { players: { player_uuid: string }[] }) => t.players);
      expect(shown.map((p: { player_uuid: string }) => p.player_uuid)).not.toContain(ivy.active_player_uuid);
      await db.query(`SELECT joinery_sweep_reservations(100)`);
      const [after] = await db.query<{ status: string }>(`SELECT status FROM seat WHERE player_id = $1`, [
        ivy.active_player_uuid,
      ]);
      expect(after.status).toBe('TIMEDOUT');
    });

    it('can be cancelled by the member who sent them, not by another member', async () => {
      const { leader, sessionId } = await sessionOf('party');
      const [mia, zed, ivy] = [await player(), await player(), await player()];
      for (const p of [mia, zed]) {
        expect((await invite(leader.access_token, sessionId, p.active_player_uuid)).status).toBe(200);
        expect(
          (await api('POST', `/session/v1/session/${sessionId}/player/me`, p.access_token, joinBody())).status,
        ).toBe(200);
      }
      expect((await invite(mia.access_token, sessionId, ivy.active_player_uuid)).status).toBe(200);
      const byZed = await api(
        'DELETE',
        `/session/v1/session/${sessionId}/player/${ivy.active_player_uuid}`,
        zed.access_token,
      );
      expect(byZed.status).toBe(403);
      const byMia = await api(
        'DELETE',
        `/session/v1/session/${sessionId}/player/${ivy.active_player_uuid}`,
        mia.access_token,
      );
      expect(byMia.status).toBe(204);
      await expect(seatsOf(ivy.active_player_uuid)).resolves.toBe(0);
    });

    it('do not keep a session alive once its last real player left', async () => {
      const { leader, sessionId } = await sessionOf('party');
      const ivy = await player();
      expect((await invite(leader.access_token, sessionId, ivy.active_player_uuid)).status).toBe(200);
      const left = await api('DELETE', `/session/v1/session/${sessionId}/player/me`, leader.access_token);
      expect(left.status).toBe(204);
      const [session] = await db.query<{ status: string; player_count: number }>(
        `SELECT status, player_count FROM game_session WHERE id = $1`,
        [sessionId],
      );
      expect(session).toEqual({ status: 'TERMINATED', player_count: 0 });
      const [invitation] = await db.query<{ status: string }>(`SELECT status FROM seat WHERE player_id = $1`, [
        ivy.active_player_uuid,
      ]);
      expect(invitation.status).toBe('COMPLETED');
    });
  });

  describe('the limited view (item 5)', () => {
    it('leaves out the session custom data for non-members; members see it', async () => {
      const { leader, sessionId } = await sessionOf('open-room');
      const patched = await api('PATCH', `/session/v1/session/${sessionId}`, leader.access_token, {
        custom_data: { join_secret: 'hunter2' },
      });
      expect(patched.status).toBe(200);
      const stranger = await player();
      const limited = await getSession(service.baseUrl, stranger.access_token, sessionId);
      expect(limited.status).toBe(200);
      expect(limited.body.custom_data).toBeUndefined();
      expect(JSON.stringify(limited.body)).not.toContain('hunter2');
      const full = await getSession(service.baseUrl, leader.access_token, sessionId);
      expect(full.body.custom_data).toEqual({ join_secret: 'hunter2' });
    });
  });
});
