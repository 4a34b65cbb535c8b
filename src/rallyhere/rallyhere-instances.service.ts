import { Injectable } from '@nestjs/common';
import { hasPermission } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { InvalidRequest } from '../common/errors.js';
import { type InstanceActor, SessionInstances } from '../session/session-instances.js';
import { InstanceNotFound, SessionNotFound } from '../session/session.errors.js';
import type { InstanceHealthStatusUpdateDto, InstanceInfoUpdateDto, InstanceRequestDto } from './dto/instance.dto.js';
import type { InstanceInfoDto, SessionDto } from './dto/session.dto.js';
import { RallyHereSessionsService } from './rallyhere-sessions.service.js';
import { toInstanceInfo, toSessionDto } from './session.view.js';

/**
 * RallyHere instance use cases: the request and the token in the core's terms, and the answers' views. The rules
 * (who hosts, who may register, update or end an instance, its health) are the core's (`SessionInstances`).
 */
@Injectable()
export class RallyHereInstancesService {
  constructor(
    private readonly instances: SessionInstances,
    private readonly sessions: RallyHereSessionsService,
  ) {}

  /** POST .../instance. Who hosts it, and who may register it, is the core's rule (`SessionInstances.register`). */
  async register(principal: Principal, sessionId: string, request: InstanceRequestDto): Promise<InstanceInfoDto> {
    if (request.instance_request_template_id !== undefined) {
      throw new InvalidRequest(
        'instance_request_templates_not_supported',
        'Instance request templates (matchmaking) are not supported: give host_type and instance_startup_params',
      );
    }
    await this.instances.register(
      sessionId,
      {
        hostType: request.host_type ?? 'dedicated',
        hostPlayerId: request.host_player_uuid?.toLowerCase(),
        instanceId: request.instance_id,
        startupParams: request.instance_startup_params as unknown as Record<string, unknown> | undefined,
        customData: request.custom_data,
      },
      actorOf(principal),
    );
    return this.instanceOf(sessionId);
  }

  /** PATCH .../instance: the host's changes (an allocated instance's updates name its allocation id). */
  async update(principal: Principal, sessionId: string, request: InstanceInfoUpdateDto): Promise<InstanceInfoDto> {
    const { session } = await this.sessions.activeSnapshot(sessionId);
    await this.instances.update(
      sessionId,
      session.fleetId,
      {
        joinStatus: request.join_status,
        joinParams: request.join_params && {
          publicConnStr: request.join_params.public_conn_str,
          privateConnStr: request.join_params.private_conn_str,
          customData: request.join_params.custom_data,
        },
        version: request.version,
        customData: request.custom_data,
        matchId: request.match_id,
      },
      actorOf(principal),
      request.allocation_id,
    );
    return this.instanceOf(sessionId);
  }

  /** DELETE .../instance. */
  end(principal: Principal, sessionId: string): Promise<void> {
    return this.instances.end(sessionId, actorOf(principal));
  }

  /** POST .../instance/health. */
  healthCheck(principal: Principal, sessionId: string, request: InstanceHealthStatusUpdateDto) {
    return this.instances.healthCheck(sessionId, request.instance_id, request.instance_health, actorOf(principal));
  }

  get healthConfig() {
    return this.instances.healthConfig;
  }

  /** GET /session/v1/session/allocation/{id}: the session as GET by id shows it to the caller. */
  async byAllocation(principal: Principal, allocationId: string): Promise<SessionDto> {
    const sessionId = await this.instances.sessionOfAllocation(allocationId);
    if (!sessionId) throw new SessionNotFound(allocationId);
    const { snapshot, full } = await this.sessions.view(principal, sessionId);
    return toSessionDto(snapshot, full);
  }

  /** The instance, whole: whoever passed the core's checks is its host, the leader, or privileged. */
  private async instanceOf(sessionId: string): Promise<InstanceInfoDto> {
    const instance = toInstanceInfo(await this.sessions.activeSnapshot(sessionId), true);
    if (!instance) throw new InstanceNotFound(sessionId);
    return instance;
  }
}

/** A player acts as themselves, a client token as its client; `session:update:any` acts on any instance. */
function actorOf(principal: Principal): InstanceActor {
  return {
    playerId: principal.playerUuid,
    clientId: principal.playerUuid ? undefined : principal.clientId,
    privileged: hasPermission(principal.permissions, 'session:update:any'),
  };
}
