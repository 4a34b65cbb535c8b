import { Injectable } from '@nestjs/common';
import { InvalidRequest } from '../common/errors.js';
import type { SeatStatus } from '../session/entities/seat.entity.js';
import { SessionLedger } from '../session/session-ledger.js';
import { type SeatListing, SessionReader } from '../session/session-reader.js';
import { SeatNotFound, SessionNotFound } from '../session/session.errors.js';
import type {
  CreatePlayerSessionInput,
  CreatePlayerSessionsInput,
  DescribePlayerSessionsInput,
  PlayerSessionInput,
} from './dto/operations.dto.js';
import { GameSessionsService } from './game-sessions.service.js';
import { GameLiftIds } from '../session/gamelift-ids.js';
import { type PlayerSessionShape, toPlayerSession } from './gamelift.mappers.js';
import { decodeNextToken, encodeNextToken, page } from './paging.js';

/** Most player sessions one DescribePlayerSessions call answers (and its default page size). */
export const DESCRIBE_PLAYER_SESSIONS_LIMIT = 100;

const SEAT_STATUSES: readonly SeatStatus[] = ['RESERVED', 'ACTIVE', 'COMPLETED', 'TIMEDOUT'];

/**
 * GameLift's player-session operations over the seat ledger: reserving seats
 * (CreatePlayerSession(s)), describing them, and the game server's accept
 * and remove. Capacity, status and timeout rules are the ledger's.
 */
@Injectable()
export class PlayerSessionsService {
  constructor(
    private readonly ledger: SessionLedger,
    private readonly reader: SessionReader,
    private readonly gameSessions: GameSessionsService,
    private readonly ids: GameLiftIds,
  ) {}

  /**
   * Reserves a seat for one player. A player already holding a RESERVED or
   * ACTIVE seat in the game session gets that player session back.
   */
  async createOne(
    input: CreatePlayerSessionInput,
  ): Promise<{ PlayerSession: PlayerSessionShape; listing: SeatListing }> {
    const sessionId = await this.gameSessions.resolve(input.GameSessionId);
    const [seat] = await this.ledger.reserveSeats(sessionId, [
      { playerId: input.PlayerId, playerData: input.PlayerData },
    ]);
    const [listing] = await this.seats([seat.seatId]);
    return { PlayerSession: toPlayerSession(this.ids, listing.seat, listing.session), listing };
  }

  /** Reserves seats for 1..25 players, all or none. */
  async createMany(input: CreatePlayerSessionsInput): Promise<{ PlayerSessions: PlayerSessionShape[] }> {
    if (new Set(input.PlayerIds).size !== input.PlayerIds.length) {
      throw new InvalidRequest('duplicate_player_id', 'PlayerIds has the same player more than once');
    }
    const sessionId = await this.gameSessions.resolve(input.GameSessionId);
    const data = input.PlayerDataMap ?? {};
    const reserved = await this.ledger.reserveSeats(
      sessionId,
      input.PlayerIds.map((playerId) => ({
        playerId,
        playerData: Object.prototype.hasOwnProperty.call(data, playerId) ? data[playerId] : undefined,
      })),
    );
    const listings = new Map((await this.seats(reserved.map((r) => r.seatId))).map((l) => [l.seat.id, l]));
    return {
      PlayerSessions: reserved.map((r) => {
        const listing = listings.get(r.seatId)!;
        return toPlayerSession(this.ids, listing.seat, listing.session);
      }),
    };
  }

  async describe(
    input: DescribePlayerSessionsInput,
  ): Promise<{ PlayerSessions: PlayerSessionShape[]; NextToken?: string }> {
    if (input.PlayerSessionId !== undefined) {
      const seatId = this.ids.parsePlayerSessionId(input.PlayerSessionId);
      const [listing] = seatId ? await this.seats([seatId]) : [];
      if (!listing) throw new SeatNotFound(input.PlayerSessionId);
      return { PlayerSessions: [toPlayerSession(this.ids, listing.seat, listing.session)] };
    }
    if (input.GameSessionId === undefined && input.PlayerId === undefined) {
      throw new InvalidRequest('missing_filter', 'Specify a GameSessionId, a PlayerId or a PlayerSessionId');
    }
    let status: SeatStatus | undefined;
    if (input.PlayerSessionStatusFilter !== undefined) {
      if (!SEAT_STATUSES.includes(input.PlayerSessionStatusFilter as SeatStatus)) {
        throw new InvalidRequest(
          'invalid_status_filter',
          `PlayerSessionStatusFilter must be one of ${SEAT_STATUSES.join(', ')}`,
        );
      }
      // As in GameLift, the filter has no effect when a PlayerId is given.
      if (input.PlayerId === undefined) status = input.PlayerSessionStatusFilter as SeatStatus;
    }
    let sessionId: string | undefined;
    if (input.GameSessionId !== undefined) {
      sessionId = await this.gameSessions.resolve(input.GameSessionId);
      await this.gameSessions.shape(sessionId);
    }
    const limit = Math.min(input.Limit ?? DESCRIBE_PLAYER_SESSIONS_LIMIT, DESCRIBE_PLAYER_SESSIONS_LIMIT);
    const cursor = decodeNextToken('DescribePlayerSessions', input.NextToken);
    const rows = await this.reader.listSeats({
      sessionId,
      playerId: input.PlayerId,
      status,
      after: cursor && 'after' in cursor ? cursor.after : undefined,
      limit: limit + 1,
    });
    const { items, more } = page(rows, limit);
    return {
      PlayerSessions: items.map((l) => toPlayerSession(this.ids, l.seat, l.session)),
      ...(more
        ? { NextToken: encodeNextToken('DescribePlayerSessions', { after: items[items.length - 1].seat.id }) }
        : {}),
    };
  }

  /** Game server: the player connected; RESERVED → ACTIVE (only from RESERVED, before the deadline). */
  async accept(input: PlayerSessionInput): Promise<{ PlayerSession: PlayerSessionShape }> {
    const seatId = await this.seatIn(input);
    await this.ledger.acceptSeat(seatId);
    return { PlayerSession: await this.shape(seatId) };
  }

  /** Game server: the player left; the seat becomes COMPLETED and is freed. Removing an ended seat changes nothing. */
  async remove(input: PlayerSessionInput): Promise<{ PlayerSession: PlayerSessionShape }> {
    const seatId = await this.seatIn(input);
    await this.ledger.releaseSeat(seatId, 'COMPLETED');
    return { PlayerSession: await this.shape(seatId) };
  }

  /** The seat of a player session that belongs to the given game session (NotFoundException otherwise). */
  private async seatIn(input: PlayerSessionInput): Promise<string> {
    const sessionId = await this.gameSessions.resolve(input.GameSessionId);
    const seatId = this.ids.parsePlayerSessionId(input.PlayerSessionId);
    const [listing] = seatId ? await this.seats([seatId]) : [];
    if (!listing) throw new SeatNotFound(input.PlayerSessionId);
    if (listing.seat.sessionId !== sessionId) {
      throw new SessionNotFound(`${input.GameSessionId} (player session ${input.PlayerSessionId} is not in it)`);
    }
    return listing.seat.id;
  }

  private async shape(seatId: string): Promise<PlayerSessionShape> {
    const [listing] = await this.seats([seatId]);
    if (!listing) throw new SeatNotFound(this.ids.playerSessionId(seatId));
    return toPlayerSession(this.ids, listing.seat, listing.session);
  }

  private seats(ids: string[]): Promise<SeatListing[]> {
    return this.reader.listSeats({ ids, limit: ids.length });
  }
}
