import { Injectable } from '@nestjs/common';
import { NotAuthenticated } from '../common/errors.js';
import { AbuseLimits } from '../ratelimit/abuse-limits.js';
import { stableUuid } from '../common/ids.js';
import { AppConfig } from '../config/config.js';
import { ClientsService, type GrantType } from './clients.service.js';
import type { LoginRequestDto, LoginResultDto } from './dto/login.dto.js';
import type { AuthClientEntity } from './entities/auth-client.entity.js';
import type { PlayerEntity } from './entities/player.entity.js';
import { PlayersService } from './players.service.js';
import { RefreshTokensService } from './refresh-tokens.service.js';
import { RolesService } from './roles.service.js';
import { TokensService } from './tokens.service.js';

/** `POST /users/v1/login`: RallyHere's login for the grant types Joinery serves. */
@Injectable()
export class LoginService {
  constructor(
    private readonly config: AppConfig,
    private readonly clients: ClientsService,
    private readonly players: PlayersService,
    private readonly roles: RolesService,
    private readonly tokens: TokensService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly abuse: AbuseLimits,
  ) {}

  /**
   * `ip` is the caller's address (`request.ip`, see TRUST_PROXY): an IP over
   * its failed-authentication budget is refused before the client's secret is
   * hashed; wrong client credentials and unusable refresh tokens spend it.
   */
  async login(basicAuthorization: string | undefined, request: LoginRequestDto, ip?: string): Promise<LoginResultDto> {
    this.abuse.assertMayAuthenticate(ip);
    let client: AuthClientEntity;
    try {
      client = await this.clients.authenticateBasic(basicAuthorization);
    } catch (error) {
      if (error instanceof NotAuthenticated) this.abuse.authenticationFailed(ip);
      throw error;
    }
    switch (request.grant_type) {
      case 'anon':
        return this.anonymous(client, request, ip);
      case 'refresh':
        try {
          return await this.refresh(client, request);
        } catch (error) {
          if (error instanceof NotAuthenticated && error.code.startsWith('refresh_token_'))
            this.abuse.authenticationFailed(ip);
          throw error;
        }
      case 'client_credentials':
        return this.clientCredentials(client);
      default:
        throw new NotAuthenticated('invalid_grant_type', `Grant Type ${request.grant_type} is not supported`);
    }
  }

  private async anonymous(client: AuthClientEntity, request: LoginRequestDto, ip?: string): Promise<LoginResultDto> {
    this.assertGrant(client, 'anon', 'user_auth_disabled', 'User authentication is not permitted for this policy');
    const deviceId = request.portal_access_token?.trim() ?? '';
    if (!deviceId) throw new NotAuthenticated('anon_token_empty', 'Anon access token is empty');
    const displayName = request.portal_display_name?.trim() ?? '';
    // A device id seen before logs in whatever the quota; a new one spends the IP's quota of new identities.
    let player = await this.players.touchAnonymous(deviceId, displayName);
    if (!player) {
      this.abuse.takeNewIdentity(ip);
      player = await this.players.upsertAnonymous(deviceId, displayName, client.playerRole);
    }
    if (player.disabled)
      throw new NotAuthenticated('user_auth_restricted', 'Authentication for this user has been restricted');
    const refreshToken = request.include_refresh
      ? await this.refreshTokens.issue(client.clientId, player.id)
      : undefined;
    return this.playerResult(client, player, refreshToken);
  }

  private async refresh(client: AuthClientEntity, request: LoginRequestDto): Promise<LoginResultDto> {
    this.assertGrant(client, 'refresh', 'refresh_disabled', 'Refresh authentication is currently disabled');
    const token = request.portal_access_token?.trim() ?? '';
    if (!token) throw new NotAuthenticated('refresh_token_empty', 'Refresh token is empty');
    const consumed = await this.refreshTokens.consume(token, client.clientId);
    if (consumed.outcome === 'client_mismatch') {
      throw new NotAuthenticated(
        'refresh_token_client_id_mismatch',
        'Client ID for new token request did not match original token',
      );
    }
    // A reused token is answered like an unknown one (its family is revoked meanwhile).
    if (consumed.outcome !== 'consumed')
      throw new NotAuthenticated('refresh_token_not_found', 'Refresh token was not found or has expired');
    const stored = consumed.token;
    const next = await this.refreshTokens.issue(client.clientId, stored.playerId, stored.familyId);
    if (!stored.playerId) return this.clientResult(client, next);
    const player = await this.players.findById(stored.playerId);
    if (!player) throw new NotAuthenticated('refresh_token_invalid_user', 'Refresh token refrences invalid user');
    if (player.disabled)
      throw new NotAuthenticated('user_auth_restricted', 'Authentication for this user has been restricted');
    return this.playerResult(client, player, next);
  }

  private async clientCredentials(client: AuthClientEntity): Promise<LoginResultDto> {
    if (!client.role)
      throw new NotAuthenticated('client_auth_disabled', 'Client authentication is not permitted for this policy');
    this.assertGrant(
      client,
      'client_credentials',
      'client_auth_disabled',
      'Client authentication is not permitted for this policy',
    );
    return this.clientResult(client, undefined);
  }

  private assertGrant(client: AuthClientEntity, grant: GrantType, code: string, message: string): void {
    if (!client.grants.includes(grant)) throw new NotAuthenticated(code, message);
  }

  private async playerResult(
    client: AuthClientEntity,
    player: PlayerEntity,
    refreshToken?: string,
  ): Promise<LoginResultDto> {
    const permissions = await this.roles.permissionsOf(player.role);
    const { accessToken, expiresIn } = this.tokens.issue(player.id, {
      typ: 'player',
      cid: client.clientId,
      role: player.role,
      perms: permissions,
      name: player.displayName,
      plat: player.platform,
    });
    return {
      ...this.common(client, accessToken, expiresIn, permissions, refreshToken),
      active_player_id: Number(player.legacyId),
      active_player_uuid: player.id,
      person_id: player.id,
      platform: player.platform,
      portal_user_id: player.portalUserId,
      display_name: player.displayName,
    };
  }

  private async clientResult(client: AuthClientEntity, refreshToken?: string): Promise<LoginResultDto> {
    const role = client.role ?? '';
    const permissions = await this.roles.permissionsOf(role);
    const { accessToken, expiresIn } = this.tokens.issue(`client:${client.clientId}`, {
      typ: 'client',
      cid: client.clientId,
      role,
      perms: permissions,
    });
    return this.common(client, accessToken, expiresIn, permissions, refreshToken);
  }

  private common(
    client: AuthClientEntity,
    accessToken: string,
    expiresIn: number,
    permissions: string[],
    refreshToken?: string,
  ): LoginResultDto {
    const tenant = stableUuid(`joinery:${this.config.auth.issuer}`);
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: expiresIn,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      permissions,
      restrictions: [],
      role_custom_data: {},
      client_id: client.clientId,
      client_uuid: client.id,
      publisher_uuid: tenant,
      tenant_uuid: tenant,
      config_elector_uuid: tenant,
    };
  }
}
