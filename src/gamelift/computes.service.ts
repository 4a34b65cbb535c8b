import { Injectable } from '@nestjs/common';
import { InvalidRequest } from '../common/errors.js';
import { AppConfig } from '../config/config.js';
import { type ComputeRow, GameServers } from '../session/game-servers.js';
import type { ComputeInput, ListComputeInput, RegisterComputeInput } from './dto/compute.dto.js';
import { FleetNotFound } from './game-sessions.service.js';
import { GameLiftIds } from '../session/gamelift-ids.js';
import { decodeNextToken, encodeNextToken, page } from './paging.js';
import { SdkEndpoint } from './server-sdk/sdk-endpoint.js';

/** GameLift `Compute` (output shape). */
export interface ComputeShape {
  FleetId: string;
  FleetArn: string;
  ComputeName: string;
  ComputeArn: string;
  IpAddress?: string;
  DnsName?: string;
  ComputeStatus: string;
  Location: string;
  CreationTime: Date;
  OperatingSystem?: string;
  GameLiftServiceSdkEndpoint: string;
}

const LIST_LIMIT = 100;

/**
 * GameLift Anywhere's control plane on the JSON 1.1 endpoint: computes of
 * the fleet and the auth tokens their server processes connect with. The
 * rows and rules are the core's (`GameServers`); this maps GameLift shapes.
 */
@Injectable()
export class ComputesService {
  constructor(
    private readonly gameServers: GameServers,
    private readonly ids: GameLiftIds,
    private readonly config: AppConfig,
    private readonly endpoint: SdkEndpoint,
  ) {}

  async register(input: RegisterComputeInput): Promise<{ Compute: ComputeShape }> {
    if (input.IpAddress === undefined && input.DnsName === undefined) {
      throw new InvalidRequest('missing_address', 'Specify an IpAddress or a DnsName for the compute');
    }
    const row = await this.gameServers.registerCompute({
      fleetId: this.fleet(input.FleetId),
      name: input.ComputeName,
      ipAddress: input.IpAddress,
      dnsName: input.DnsName,
      location: input.Location ?? this.config.gamelift.region,
      certificatePath: input.CertificatePath,
    });
    return { Compute: this.shape(row) };
  }

  async describe(input: ComputeInput): Promise<{ Compute: ComputeShape }> {
    const fleetId = this.fleet(input.FleetId);
    return { Compute: this.shape(await this.gameServers.compute(fleetId, this.name(input.ComputeName))) };
  }

  async list(input: ListComputeInput): Promise<{ ComputeList: ComputeShape[]; NextToken?: string }> {
    const fleetId = this.fleet(input.FleetId);
    const limit = Math.min(input.Limit ?? LIST_LIMIT, LIST_LIMIT);
    const cursor = decodeNextToken('ListCompute', input.NextToken);
    const offset = cursor && 'offset' in cursor ? cursor.offset : 0;
    // Anywhere computes are always ACTIVE here; IMPAIRED lists none.
    const rows =
      input.ComputeStatus === 'IMPAIRED'
        ? []
        : (await this.gameServers.listComputes(fleetId, input.Location, undefined, offset + limit + 1)).slice(offset);
    const { items, more } = page(rows, limit);
    return {
      ComputeList: items.map((r) => this.shape(r)),
      ...(more ? { NextToken: encodeNextToken('ListCompute', { offset: offset + limit }) } : {}),
    };
  }

  async deregister(input: ComputeInput): Promise<object> {
    await this.gameServers.deregisterCompute(this.fleet(input.FleetId), this.name(input.ComputeName));
    return {};
  }

  async authToken(input: ComputeInput): Promise<{
    FleetId: string;
    FleetArn: string;
    ComputeName: string;
    ComputeArn: string;
    AuthToken: string;
    ExpirationTimestamp: Date;
  }> {
    const fleetId = this.fleet(input.FleetId);
    const name = this.name(input.ComputeName);
    const { token, expiresAt } = await this.gameServers.issueToken(fleetId, name);
    return {
      FleetId: fleetId,
      FleetArn: this.ids.fleetArn(fleetId),
      ComputeName: name,
      ComputeArn: this.computeArn(name),
      AuthToken: token,
      ExpirationTimestamp: new Date(expiresAt),
    };
  }

  private shape(row: ComputeRow): ComputeShape {
    return {
      FleetId: row.fleetId,
      FleetArn: this.ids.fleetArn(row.fleetId),
      ComputeName: row.name,
      ComputeArn: this.computeArn(row.name),
      ...(row.ipAddress ? { IpAddress: row.ipAddress } : {}),
      ...(row.dnsName ? { DnsName: row.dnsName } : {}),
      ComputeStatus: row.status,
      Location: row.location,
      CreationTime: new Date(row.createdAt),
      GameLiftServiceSdkEndpoint: this.endpoint.publicUrl(),
    };
  }

  private computeArn(name: string): string {
    const { region, accountId } = this.config.gamelift;
    return `arn:aws:gamelift:${region}:${accountId}:compute/${name}`;
  }

  /** The compute name in a name or a compute ARN. */
  private name(value: string): string {
    const at = value.indexOf(':compute/');
    return value.startsWith('arn:') && at >= 0 ? value.slice(at + ':compute/'.length) : value;
  }

  /** Joinery hosts one fleet (GAMELIFT_FLEET_ID); another is NotFoundException. */
  private fleet(value: string): string {
    const fleetId = this.ids.parseFleetId(value);
    if (fleetId !== this.ids.defaultFleetId) throw new FleetNotFound(value);
    return fleetId;
  }
}
