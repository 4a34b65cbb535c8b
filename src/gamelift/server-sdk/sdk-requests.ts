import { Injectable } from '@nestjs/common';
import { type ClassConstructor, plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { Conflict, DomainError, InvalidRequest } from '../../common/errors.js';
import { flattenValidationErrors, RequestValidationFailed } from '../../common/validation.js';
import { GameServers } from '../../session/game-servers.js';
import { SessionNotFound } from '../../session/session.errors.js';
import { GameSessionsService } from '../game-sessions.service.js';
import { GameLiftIds } from '../../session/gamelift-ids.js';
import { PlayerSessionsService } from '../player-sessions.service.js';
import {
  ActivateServerProcessRequest,
  DescribePlayerSessionsRequest,
  EnvelopeOnlyRequest,
  GameSessionRequest,
  HeartbeatServerProcessRequest,
  PlayerSessionRequest,
  UpdatePlayerSessionCreationPolicyRequest,
} from './dto/sdk-requests.dto.js';

/** The socket a request came on: its process (once connected) and its compute. */
export interface SdkCaller {
  processId: string;
  connectionId: string;
  fleetId: string;
  computeName: string;
  sdkLanguage?: string;
  sdkVersion?: string;
  /** Set by TerminateServerProcess: the close that follows is normal. */
  ended: boolean;
}

/** An SDK call the service refuses: answered `{StatusCode, ErrorMessage}`. */
export class SdkRefused extends InvalidRequest {
  constructor(message: string) {
    super('sdk_refused', message);
  }
}

type Handler = (caller: SdkCaller, input: never) => Promise<object>;

interface Action {
  input: ClassConstructor<object>;
  run: Handler;
}

const UNSUPPORTED: Record<string, string> = {
  GetFleetRoleCredentials: 'GetFleetRoleCredentials is not supported by Joinery: its fleets have no IAM role',
  StartMatchBackfill: 'StartMatchBackfill is not supported by Joinery: there is no FlexMatch matchmaker',
  StopMatchBackfill: 'StopMatchBackfill is not supported by Joinery: there is no FlexMatch matchmaker',
};

/** Epoch milliseconds as the SDK socket carries times (integers; the JSON API uses seconds). */
const millis = (time: Date | undefined) => (time === undefined ? 0 : time.getTime());

/**
 * The Server SDK's requests, each validated and turned into core calls (the
 * process's rows) or the GameLift services' calls (players and sessions,
 * restricted to the process's own game session). Results are the fields the
 * SDK reads at the top level of the answer.
 */
@Injectable()
export class SdkRequests {
  private readonly actions: Map<string, Action>;

  constructor(
    private readonly gameServers: GameServers,
    private readonly gameSessions: GameSessionsService,
    private readonly playerSessions: PlayerSessionsService,
    private readonly ids: GameLiftIds,
  ) {
    const action = <T extends object>(
      input: ClassConstructor<T>,
      run: (caller: SdkCaller, input: T) => Promise<object>,
    ) => ({ input, run: run as Handler }) satisfies Action;
    this.actions = new Map<string, Action>([
      ['ActivateServerProcess', action(ActivateServerProcessRequest, (c, i) => this.activateServerProcess(c, i))],
      ['HeartbeatServerProcess', action(HeartbeatServerProcessRequest, (c, i) => this.heartbeat(c, i))],
      ['ActivateGameSession', action(GameSessionRequest, (c, i) => this.activateGameSession(c, i))],
      ['AcceptPlayerSession', action(PlayerSessionRequest, (c, i) => this.acceptPlayerSession(c, i))],
      ['RemovePlayerSession', action(PlayerSessionRequest, (c, i) => this.removePlayerSession(c, i))],
      [
        'UpdatePlayerSessionCreationPolicy',
        action(UpdatePlayerSessionCreationPolicyRequest, (c, i) => this.updateCreationPolicy(c, i)),
      ],
      ['DescribePlayerSessions', action(DescribePlayerSessionsRequest, (c, i) => this.describePlayerSessions(i))],
      ['TerminateServerProcess', action(EnvelopeOnlyRequest, (c) => this.terminateServerProcess(c))],
      ['GetComputeCertificate', action(EnvelopeOnlyRequest, (c) => this.computeCertificate(c))],
    ]);
  }

  /** Runs one request (already parsed, with a string Action and RequestId). */
  async run(caller: SdkCaller, message: Record<string, unknown>): Promise<object> {
    const name = message.Action as string;
    if (UNSUPPORTED[name]) throw new SdkRefused(UNSUPPORTED[name]);
    const action = this.actions.get(name);
    if (!action) throw new SdkRefused(`Unknown Action ${name.slice(0, 64)}`);
    const input = plainToInstance(action.input, message, { enableImplicitConversion: false });
    const errors = await validate(input, { whitelist: true, forbidUnknownValues: true });
    if (errors.length) throw new RequestValidationFailed(flattenValidationErrors(errors));
    return action.run(caller, input as never);
  }

  private async activateServerProcess(caller: SdkCaller, input: ActivateServerProcessRequest): Promise<object> {
    const outcome = await this.gameServers.ready(
      caller.processId,
      caller.connectionId,
      input.Port,
      input.LogPaths ?? [],
      {
        language: input.SdkLanguage ?? caller.sdkLanguage,
        version: input.SdkVersion ?? caller.sdkVersion,
      },
    );
    if (outcome === 'not_current')
      throw new Conflict('connection_replaced', 'A newer connection of this process is current');
    if (outcome !== 'ready') throw new SdkRefused(`Process ${caller.processId} has ended`);
    return {};
  }

  private async heartbeat(caller: SdkCaller, input: HeartbeatServerProcessRequest): Promise<object> {
    const outcome = await this.gameServers.heartbeat(caller.processId, input.HealthStatus);
    if (outcome !== 'ok') throw new SdkRefused(`Process ${caller.processId} has ended`);
    return {};
  }

  private async activateGameSession(caller: SdkCaller, input: GameSessionRequest): Promise<object> {
    const sessionId = this.sessionOf(input.GameSessionId);
    const outcome = await this.gameServers.activateSession(caller.processId, sessionId);
    if (outcome === 'not_this_process') {
      throw new SdkRefused(`Game session ${input.GameSessionId} is not hosted by this process`);
    }
    if (outcome === 'invalid_status') throw new SdkRefused(`Game session ${input.GameSessionId} has ended`);
    return {};
  }

  private async acceptPlayerSession(caller: SdkCaller, input: PlayerSessionRequest): Promise<object> {
    await this.ownSession(caller, input.GameSessionId);
    await this.playerSessions.accept({ GameSessionId: input.GameSessionId, PlayerSessionId: input.PlayerSessionId });
    return {};
  }

  private async removePlayerSession(caller: SdkCaller, input: PlayerSessionRequest): Promise<object> {
    await this.ownSession(caller, input.GameSessionId);
    await this.playerSessions.remove({ GameSessionId: input.GameSessionId, PlayerSessionId: input.PlayerSessionId });
    return {};
  }

  private async updateCreationPolicy(
    caller: SdkCaller,
    input: UpdatePlayerSessionCreationPolicyRequest,
  ): Promise<object> {
    await this.ownSession(caller, input.GameSessionId);
    await this.gameSessions.updateCreationPolicy({
      GameSessionId: input.GameSessionId,
      PlayerSessionCreationPolicy: input.PlayerSessionPolicy as 'ACCEPT_ALL' | 'DENY_ALL',
    });
    return {};
  }

  /** DescribePlayerSessions with times as integer epoch milliseconds, and `NextToken` always present. */
  private async describePlayerSessions(input: DescribePlayerSessionsRequest): Promise<object> {
    const given = [input.GameSessionId, input.PlayerId, input.PlayerSessionId].filter((v) => v !== undefined);
    if (given.length !== 1) {
      throw new SdkRefused('Specify exactly one of GameSessionId, PlayerId and PlayerSessionId');
    }
    const result = await this.playerSessions.describe({
      GameSessionId: input.GameSessionId,
      PlayerId: input.PlayerId,
      PlayerSessionId: input.PlayerSessionId,
      PlayerSessionStatusFilter: input.PlayerSessionStatusFilter,
      NextToken: input.NextToken ? input.NextToken : undefined,
      Limit: input.Limit,
    });
    return {
      NextToken: result.NextToken ?? '',
      PlayerSessions: result.PlayerSessions.map((p) => ({
        PlayerId: p.PlayerId,
        PlayerSessionId: p.PlayerSessionId,
        GameSessionId: p.GameSessionId,
        FleetId: p.FleetId,
        PlayerData: p.PlayerData ?? '',
        IpAddress: p.IpAddress ?? '',
        DnsName: p.DnsName ?? '',
        Port: p.Port ?? 0,
        CreationTime: millis(p.CreationTime),
        TerminationTime: millis(p.TerminationTime),
        Status: p.Status,
      })),
    };
  }

  /** ProcessEnding: the process ends with its game session; answered before the socket closes. */
  private async terminateServerProcess(caller: SdkCaller): Promise<object> {
    caller.ended = true;
    await this.gameServers.end(caller.processId, 'PROCESS_ENDING');
    return {};
  }

  private async computeCertificate(caller: SdkCaller): Promise<object> {
    const compute = await this.gameServers.compute(caller.fleetId, caller.computeName);
    return { CertificatePath: compute.certificatePath ?? '', ComputeName: compute.name };
  }

  private sessionOf(gameSessionId: string): string {
    const ref = this.ids.parseGameSessionId(gameSessionId);
    if (!ref) throw new SessionNotFound(gameSessionId);
    return ref.sessionId;
  }

  private async ownSession(caller: SdkCaller, gameSessionId: string): Promise<void> {
    const sessionId = this.sessionOf(gameSessionId);
    if ((await this.gameServers.currentSession(caller.processId)) !== sessionId) {
      throw new SdkRefused(`Game session ${gameSessionId} is not hosted by this process`);
    }
  }
}

/** The StatusCode an error answers with (the SDKs map 400/401/403/404/409/429, anything else is internal). */
export function statusOf(error: unknown): number {
  if (error instanceof RequestValidationFailed) return 400;
  if (!(error instanceof DomainError)) return 500;
  switch (error.kind) {
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'forbidden':
      return 403;
    case 'unauthenticated':
      return 401;
    case 'rate_limited':
      return 429;
    case 'unavailable':
      return 503;
    default:
      return 400;
  }
}
