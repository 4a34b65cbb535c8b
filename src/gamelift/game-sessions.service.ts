import { Injectable } from '@nestjs/common';
import { InvalidRequest, NotFound } from '../common/errors.js';
import { AppConfig } from '../config/config.js';
import type { GameSessionEntity, GameSessionStatus } from '../session/entities/game-session.entity.js';
import { SessionLedger } from '../session/session-ledger.js';
import { SessionReader } from '../session/session-reader.js';
import { InvalidSessionStatus, SessionNotFound } from '../session/session.errors.js';
import type {
  CreateGameSessionInput,
  DescribeGameSessionsInput,
  GamePropertyDto,
  GameSessionInput,
  SearchGameSessionsInput,
  TerminateGameSessionInput,
  UpdateGameSessionInput,
  UpdatePlayerSessionCreationPolicyInput,
} from './dto/operations.dto.js';
import { GameLiftIds } from '../session/gamelift-ids.js';
import { type GameSessionShape, toGameSession } from './gamelift.mappers.js';
import { decodeNextToken, encodeNextToken, page } from './paging.js';
import { parseFilterExpression, parseSortExpression, SearchExpressionError } from './search-expression.js';
import { filterToSql, sortToSql } from './search-sql.js';

/** Most game sessions one Describe call answers (and its default page size). */
export const DESCRIBE_LIMIT = 100;
/** SearchGameSessions answers at most 20 sessions a call, as GameLift does. */
export const SEARCH_LIMIT = 20;

const DESCRIBABLE_STATUSES: readonly GameSessionStatus[] = ['ACTIVE', 'TERMINATED', 'ACTIVATING', 'TERMINATING'];

export class FleetNotFound extends NotFound {
  constructor(fleet: string) {
    super('fleet_not_found', `Fleet ${fleet} not found`);
  }
}

/**
 * GameLift's game-session operations over the session core. Seat and
 * capacity rules are the ledger's; this class turns GameLift inputs into
 * ledger and reader calls and the results into GameLift shapes.
 */
@Injectable()
export class GameSessionsService {
  constructor(
    private readonly ledger: SessionLedger,
    private readonly reader: SessionReader,
    private readonly ids: GameLiftIds,
    private readonly config: AppConfig,
  ) {}

  async create(input: CreateGameSessionInput): Promise<{ GameSession: GameSessionShape }> {
    const fleetId = this.fleetOf(input.FleetId, input.AliasId, true)!;
    const { session } = await this.ledger.createGameSession({
      type: fleetId,
      fleetId,
      location: input.Location ?? this.config.gamelift.region,
      maxPlayers: input.MaximumPlayerSessionCount,
      name: input.Name,
      creatorId: input.CreatorId,
      gameProperties: this.properties(input.GameProperties),
      gameSessionData: input.GameSessionData,
      idempotencyToken: input.IdempotencyToken ?? input.GameSessionId,
      status: 'ACTIVATING',
    });
    return { GameSession: await this.shape(session.id) };
  }

  /** DescribeGameSessions. */
  async describe(input: DescribeGameSessionsInput): Promise<{ GameSessions: GameSessionShape[]; NextToken?: string }> {
    const { sessions, nextToken } = await this.list(input, 'DescribeGameSessions');
    return {
      GameSessions: sessions.map((s) => toGameSession(this.ids, s)),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  /** DescribeGameSessionDetails: the sessions with their protection policies. */
  async describeDetails(input: DescribeGameSessionsInput): Promise<{
    GameSessionDetails: { GameSession: GameSessionShape; ProtectionPolicy: string }[];
    NextToken?: string;
  }> {
    const { sessions, nextToken } = await this.list(input, 'DescribeGameSessionDetails');
    return {
      GameSessionDetails: sessions.map((s) => ({
        GameSession: toGameSession(this.ids, s),
        ProtectionPolicy: s.protectionPolicy,
      })),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  private async list(
    input: DescribeGameSessionsInput,
    operation: string,
  ): Promise<{ sessions: GameSessionEntity[]; nextToken?: string }> {
    const fleetId = this.fleetOf(input.FleetId, input.AliasId, false);
    const sessionId = input.GameSessionId === undefined ? undefined : await this.resolve(input.GameSessionId);
    if (!fleetId && !sessionId) {
      throw new InvalidRequest('missing_fleet', 'Specify a FleetId, an AliasId or a GameSessionId');
    }
    if (sessionId && (await this.reader.listSessions({ ids: [sessionId], limit: 1 })).length === 0) {
      throw new SessionNotFound(input.GameSessionId!);
    }
    let statuses: GameSessionStatus[] | undefined;
    if (input.StatusFilter !== undefined) {
      if (!DESCRIBABLE_STATUSES.includes(input.StatusFilter as GameSessionStatus)) {
        throw new InvalidRequest(
          'invalid_status_filter',
          `StatusFilter must be one of ${DESCRIBABLE_STATUSES.join(', ')}`,
        );
      }
      statuses = [input.StatusFilter as GameSessionStatus];
    }
    const limit = Math.min(input.Limit ?? DESCRIBE_LIMIT, DESCRIBE_LIMIT);
    const cursor = decodeNextToken(operation, input.NextToken);
    const rows = await this.reader.listSessions({
      ids: sessionId ? [sessionId] : undefined,
      fleetId,
      location: input.Location,
      statuses,
      after: cursor && 'after' in cursor ? cursor.after : undefined,
      limit: limit + 1,
    });
    const { items, more } = page(rows, limit);
    return {
      sessions: items,
      nextToken: more ? encodeNextToken(operation, { after: items[items.length - 1].id }) : undefined,
    };
  }

  async search(input: SearchGameSessionsInput): Promise<{ GameSessions: GameSessionShape[]; NextToken?: string }> {
    const fleetId = this.fleetOf(input.FleetId, input.AliasId, false);
    if (!fleetId) throw new InvalidRequest('missing_fleet', 'Specify a FleetId or an AliasId');
    let filter;
    let sort;
    try {
      filter = input.FilterExpression === undefined ? undefined : parseFilterExpression(input.FilterExpression);
      sort = input.SortExpression === undefined ? undefined : parseSortExpression(input.SortExpression);
    } catch (error) {
      if (error instanceof SearchExpressionError) throw new InvalidRequest('invalid_search_expression', error.message);
      throw error;
    }
    const limit = Math.min(input.Limit ?? SEARCH_LIMIT, SEARCH_LIMIT);
    const cursor = decodeNextToken('SearchGameSessions', input.NextToken);
    const offset = cursor && 'offset' in cursor ? cursor.offset : 0;
    const rows = await this.reader.listSessions({
      fleetId,
      location: input.Location,
      statuses: ['ACTIVE'],
      where: filter ? (params) => filterToSql(filter, params, (v) => this.searchableId(v)) : undefined,
      orderBy: sort ? (params) => sortToSql(sort, params) : undefined,
      offset,
      limit: limit + 1,
    });
    const { items, more } = page(rows, limit);
    return {
      GameSessions: items.map((s) => toGameSession(this.ids, s)),
      ...(more ? { NextToken: encodeNextToken('SearchGameSessions', { offset: offset + limit }) } : {}),
    };
  }

  async update(input: UpdateGameSessionInput): Promise<{ GameSession: GameSessionShape }> {
    const sessionId = await this.resolve(input.GameSessionId);
    await this.ledger.updateGameSession(sessionId, {
      maxPlayers: input.MaximumPlayerSessionCount,
      name: input.Name,
      creationPolicy: input.PlayerSessionCreationPolicy,
      protectionPolicy: input.ProtectionPolicy,
      gameProperties: input.GameProperties ? this.properties(input.GameProperties) : undefined,
    });
    return { GameSession: await this.shape(sessionId) };
  }

  /** Ends the game session at once, whatever the TerminationMode (there is no server process to notify). */
  async terminate(input: TerminateGameSessionInput): Promise<{ GameSession: GameSessionShape }> {
    const sessionId = await this.resolve(input.GameSessionId);
    const reason = input.TerminationMode === 'FORCE_TERMINATE' ? 'FORCE_TERMINATED' : 'TRIGGERED_ON_PROCESS_TERMINATE';
    if (!(await this.ledger.terminate(sessionId, reason))) {
      throw new InvalidSessionStatus(`Game session ${input.GameSessionId} is already TERMINATED`);
    }
    return { GameSession: await this.shape(sessionId) };
  }

  /** Game server: the session is ready for players (ACTIVATING → ACTIVE). */
  async activate(input: GameSessionInput): Promise<{ GameSession: GameSessionShape }> {
    const sessionId = await this.resolve(input.GameSessionId);
    await this.ledger.activateGameSession(sessionId);
    return { GameSession: await this.shape(sessionId) };
  }

  /** Game server: ACCEPT_ALL or DENY_ALL new player sessions. */
  async updateCreationPolicy(
    input: UpdatePlayerSessionCreationPolicyInput,
  ): Promise<{ GameSession: GameSessionShape }> {
    const sessionId = await this.resolve(input.GameSessionId);
    await this.ledger.updateGameSession(sessionId, { creationPolicy: input.PlayerSessionCreationPolicy });
    return { GameSession: await this.shape(sessionId) };
  }

  /**
   * The session UUID a GameSessionId (ARN or bare UUID) names. An ARN must
   * name the session's own fleet. Anything that does not resolve is NotFoundException.
   */
  async resolve(gameSessionId: string): Promise<string> {
    const ref = this.ids.parseGameSessionId(gameSessionId);
    if (!ref) throw new SessionNotFound(gameSessionId);
    if (ref.fleetId !== undefined && !(await this.reader.sessionExists(ref.sessionId, ref.fleetId))) {
      throw new SessionNotFound(gameSessionId);
    }
    return ref.sessionId;
  }

  async shape(sessionId: string): Promise<GameSessionShape> {
    const [session] = await this.reader.listSessions({ ids: [sessionId], limit: 1 });
    if (!session) throw new SessionNotFound(sessionId);
    return toGameSession(this.ids, session);
  }

  /**
   * The fleet a request names. Joinery hosts one fleet (GAMELIFT_FLEET_ID):
   * every alias resolves to it; another fleet id is NotFoundException.
   */
  private fleetOf(fleet: string | undefined, alias: string | undefined, required: boolean): string | undefined {
    if (fleet !== undefined && alias !== undefined) {
      // The model: "Each request must reference either a fleet ID or alias ID, but not both."
      throw new InvalidRequest('fleet_and_alias', 'Specify a FleetId or an AliasId, not both');
    }
    if (fleet !== undefined) {
      const fleetId = this.ids.parseFleetId(fleet);
      if (fleetId !== this.ids.defaultFleetId) throw new FleetNotFound(fleet);
      return fleetId;
    }
    if (alias !== undefined) return this.ids.defaultFleetId;
    if (required) throw new InvalidRequest('missing_fleet', 'Specify a FleetId or an AliasId');
    return undefined;
  }

  private properties(list: GamePropertyDto[] | undefined): { Key: string; Value: string }[] {
    const properties = (list ?? []).map((p) => ({ Key: p.Key, Value: p.Value }));
    const keys = new Set(properties.map((p) => p.Key));
    if (keys.size !== properties.length) {
      throw new InvalidRequest('duplicate_game_property', 'GameProperties has the same Key more than once');
    }
    return properties;
  }

  /** A gameSessionId search value as the UUID text it is compared with. */
  private searchableId(value: string): string {
    return this.ids.parseGameSessionId(value)?.sessionId ?? value;
  }
}
