import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { isUuid } from '../../common/ids.js';
import { GameSessionEntity } from './entities/game-session.entity.js';
import { SeatEntity } from './entities/seat.entity.js';
import { SessionTeamEntity } from './entities/session-team.entity.js';

/** A session with its teams and its occupied seats, read in one statement. */
export interface SessionSnapshot {
  session: GameSessionEntity;
  teams: SessionTeamEntity[];
  /** Occupied seats (RESERVED or ACTIVE), oldest first. */
  seats: SeatEntity[];
}

export interface SessionFilter {
  type?: string;
  regionId?: string;
  status?: string;
  hasFreeSeats?: boolean;
  playerId?: string;
  fleetId?: string;
}

/**
 * Reads of sessions and seats. Overdue reservations are shown as they will be
 * once the sweeper runs: TIMEDOUT, not counted.
 */
@Injectable()
export class SessionReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async snapshot(sessionId: string): Promise<SessionSnapshot | undefined> {
    if (!isUuid(sessionId)) return undefined;
    const rows = await this.dataSource.query<
      { session: Record<string, unknown>; teams: Record<string, unknown>[]; seats: Record<string, unknown>[] | null }[]
    >(
      `SELECT to_jsonb(g) - 'password_digest' AS session,
              (SELECT jsonb_agg(to_jsonb(t) ORDER BY t.team_id) FROM session_team t WHERE t.session_id = g.id) AS teams,
              (SELECT jsonb_agg(to_jsonb(s) ORDER BY s.created_at, s.id) FROM seat s
                WHERE s.session_id = g.id AND s.status IN ('RESERVED', 'ACTIVE')
                  AND NOT (s.status = 'RESERVED' AND s.reserved_until IS NOT NULL AND s.reserved_until <= now())) AS seats
         FROM game_session g WHERE g.id = $1`,
      [sessionId],
    );
    if (rows.length === 0) return undefined;
    const seats = (rows[0].seats ?? []).map((s) => fromRow(SeatEntity, s));
    const teams = (rows[0].teams ?? []).map((t) => fromRow(SessionTeamEntity, t));
    const session = fromRow(GameSessionEntity, rows[0].session);
    // Overdue reservations are not shown; the counts follow what is shown.
    const counts = new Map<number, number>();
    for (const seat of seats) counts.set(seat.teamId, (counts.get(seat.teamId) ?? 0) + 1);
    for (const team of teams) team.playerCount = counts.get(team.teamId) ?? 0;
    session.playerCount = seats.length;
    return { session, teams, seats };
  }

  async seat(seatId: string): Promise<SeatEntity | undefined> {
    if (!isUuid(seatId)) return undefined;
    return (await this.dataSource.getRepository(SeatEntity).findOne({ where: { id: seatId } })) ?? undefined;
  }

  /**
   * Public, active sessions of a type with a free seat, oldest first
   * (the order create-or-join fills them in), one page after `offset`.
   */
  async openSessions(
    sessionType: string,
    regionId: string | undefined,
    offset: number,
    limit: number,
  ): Promise<{ sessions: GameSessionEntity[]; more: boolean }> {
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT to_jsonb(g) - 'password_digest' AS session FROM game_session g
        WHERE g.type = $1 AND g.status = 'ACTIVE' AND g.public AND g.creation_policy = 'ACCEPT_ALL'
          AND g.player_count < g.max_players AND ($2::text IS NULL OR g.region_id = $2)
        ORDER BY g.created_at, g.id
        OFFSET $3 LIMIT $4`,
      [sessionType, regionId ?? null, offset, limit + 1],
    );
    const sessions = rows.slice(0, limit).map((r) => fromRow(GameSessionEntity, r.session as Record<string, unknown>));
    return { sessions, more: rows.length > limit };
  }

  /**
   * Sessions for operators, newest first, filtered, one page after the
   * cursor (created_at, id of the last one seen).
   */
  async search(
    filter: SessionFilter,
    limit: number,
    after?: { createdAt: string; id: string },
  ): Promise<{ session: GameSessionEntity; cursor: { createdAt: string; id: string } }[]> {
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT to_jsonb(g) - 'password_digest' AS session, g.created_at::text AS created_at_text FROM game_session g
        WHERE ($1::text IS NULL OR g.type = $1)
          AND ($2::text IS NULL OR g.region_id = $2)
          AND ($3::text IS NULL OR g.status = $3)
          AND ($4::boolean IS NULL OR (g.player_count < g.max_players) = $4)
          AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM seat s WHERE s.session_id = g.id AND s.player_id = $5
                                                                AND s.status IN ('RESERVED', 'ACTIVE')))
          AND ($6::text IS NULL OR g.fleet_id = $6)
          AND ($7::timestamptz IS NULL OR (g.created_at, g.id) < ($7::timestamptz, $8::uuid))
        ORDER BY g.created_at DESC, g.id DESC
        LIMIT $9`,
      [
        filter.type ?? null,
        filter.regionId ?? null,
        filter.status ?? null,
        filter.hasFreeSeats ?? null,
        filter.playerId ?? null,
        filter.fleetId ?? null,
        after?.createdAt ?? null,
        after?.id ?? null,
        limit,
      ],
    );
    // The cursor keeps the timestamp's microseconds (a Date would round them away and skip rows).
    return rows.map((r) => {
      const session = fromRow(GameSessionEntity, r.session as Record<string, unknown>);
      return { session, cursor: { createdAt: r.created_at_text as string, id: session.id } };
    });
  }

  /** Every seat of a session, history included, oldest first. */
  async allSeats(sessionId: string): Promise<SeatEntity[]> {
    if (!isUuid(sessionId)) return [];
    return this.dataSource
      .getRepository(SeatEntity)
      .find({ where: { sessionId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** A player's seats, newest first; only occupied ones unless `all`. */
  async seatsOfPlayer(
    playerId: string,
    options: { all?: boolean } = {},
  ): Promise<(SeatEntity & { sessionType: string })[]> {
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT to_jsonb(s) AS seat, g.type AS session_type FROM seat s JOIN game_session g ON g.id = s.session_id
        WHERE s.player_id = $1 AND ($2 OR (s.status IN ('RESERVED', 'ACTIVE') AND g.status = 'ACTIVE'))
        ORDER BY s.created_at DESC`,
      [playerId, options.all ?? false],
    );
    return rows.map((r) =>
      Object.assign(fromRow(SeatEntity, r.seat as Record<string, unknown>), { sessionType: r.session_type as string }),
    );
  }
}

const TIMESTAMPS = new Set(['createdAt', 'updatedAt', 'terminatedAt', 'reservedUntil', 'joinedAt', 'endedAt']);

/** Maps a snake_case JSON row onto an entity instance (timestamps as Dates). */
export function fromRow<T extends object>(type: new () => T, row: Record<string, unknown>): T {
  const entity = new type() as Record<string, unknown>;
  for (const [key, value] of Object.entries(row)) {
    const property = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    entity[property] = TIMESTAMPS.has(property) && typeof value === 'string' ? new Date(value) : value;
  }
  return entity as T;
}
