import { Injectable } from '@nestjs/common';
import { isUuid } from '../common/ids.js';
import { AppConfig } from '../config/config.js';

/** What a GameSessionId given by a client points at. */
export interface GameSessionRef {
  sessionId: string;
  /** The fleet named by an ARN (checked against the session's); absent for a bare id. */
  fleetId?: string;
}

const GAME_SESSION_ARN =
  /^arn:aws:gamelift:([a-z0-9-]+)::gamesession\/([a-z]*fleet-[a-zA-Z0-9-]+)\/([0-9a-fA-F-]{36})$/;
const FLEET_ARN = /^arn:aws:gamelift:([a-z0-9-]+):(\d{12}):fleet\/([a-z]*fleet-[a-zA-Z0-9-]+)$/;
const PLAYER_SESSION = /^psess-([0-9a-fA-F-]{36})$/;

/**
 * The public identifiers of the core's sessions and seats, GameLift's, shown
 * by the GameLift API, the REST facade and the admin API alike:
 * a game session is `arn:aws:gamelift:<region>::gamesession/<fleet-id>/<session uuid>`,
 * a player session `psess-<seat uuid>`, a fleet `arn:aws:gamelift:<region>:<account>:fleet/<fleet-id>`.
 */
@Injectable()
export class GameLiftIds {
  constructor(private readonly config: AppConfig) {}

  get defaultFleetId(): string {
    return this.config.gamelift.fleetId;
  }

  gameSessionArn(fleetId: string, sessionId: string): string {
    return `arn:aws:gamelift:${this.config.gamelift.region}::gamesession/${fleetId}/${sessionId}`;
  }

  fleetArn(fleetId: string): string {
    return `arn:aws:gamelift:${this.config.gamelift.region}:${this.config.gamelift.accountId}:fleet/${fleetId}`;
  }

  playerSessionId(seatId: string): string {
    return `psess-${seatId}`;
  }

  /** A game session ARN of this region, or a bare session UUID; undefined when neither. */
  parseGameSessionId(value: string): GameSessionRef | undefined {
    if (isUuid(value)) return { sessionId: value.toLowerCase() };
    const match = GAME_SESSION_ARN.exec(value);
    if (!match || match[1] !== this.config.gamelift.region || !isUuid(match[3])) return undefined;
    return { sessionId: match[3].toLowerCase(), fleetId: match[2] };
  }

  /** The seat UUID of `psess-<uuid>`; undefined otherwise. */
  parsePlayerSessionId(value: string): string | undefined {
    const match = PLAYER_SESSION.exec(value);
    return match && isUuid(match[1]) ? match[1].toLowerCase() : undefined;
  }

  /** A seat UUID given as itself or as a player session id `psess-<uuid>` (the admin API takes both). */
  seatIdOf(value: string): string {
    return this.parsePlayerSessionId(value) ?? value.toLowerCase();
  }

  /** A fleet id, or the fleet id in a fleet ARN of this region and account; undefined otherwise. */
  parseFleetId(value: string): string | undefined {
    const match = FLEET_ARN.exec(value);
    if (!match) return /^[a-z]*fleet-[a-zA-Z0-9-]+$/.test(value) ? value : undefined;
    return match[1] === this.config.gamelift.region && match[2] === this.config.gamelift.accountId
      ? match[3]
      : undefined;
  }
}
