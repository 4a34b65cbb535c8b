import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Conflict, InvalidRequest, NotAuthenticated, NotFound } from '../common/errors.js';
import type { BootstrapClient } from '../config/config.js';
import { AuthClientEntity } from './entities/auth-client.entity.js';
import { hashSecret, randomToken, safeEqual, tokenDigest, verifySecret } from './secrets.js';

export type GrantType = 'anon' | 'refresh' | 'client_credentials';

/** How long a verified secret is remembered, to spare scrypt on every login. */
const VERIFIED_TTL_MS = 30_000;

export interface ClientSpec {
  clientId: string;
  secret: string;
  grants: GrantType[];
  role: string | null;
  playerRole?: string;
  description: string;
}

/** Registered clients and the HTTP Basic credentials they log in with. */
@Injectable()
export class ClientsService {
  private readonly logger = new Logger(ClientsService.name);
  private readonly verified = new Map<string, { digest: string; expires: number }>();

  constructor(@InjectRepository(AuthClientEntity) private readonly clients: Repository<AuthClientEntity>) {}

  /**
   * Checks `Authorization: Basic base64(client_id:secret)` and returns the
   * enabled client it names. Failures are RallyHere's 403 codes.
   */
  async authenticateBasic(header: string | undefined): Promise<AuthClientEntity> {
    if (!header || !/^Basic\s+/i.test(header)) {
      throw new NotAuthenticated('basic_auth_credentials_not_found', 'Basic auth credentials not found');
    }
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (separator <= 0) {
      throw new NotAuthenticated(
        'basic_auth_incorrect_format',
        'Basic auth should be formatted like `USERNAME:PASSWORD`',
      );
    }
    const clientId = decoded.slice(0, separator);
    const secret = decoded.slice(separator + 1);
    const client = await this.clients.findOne({ where: { clientId } });
    if (!client || !client.enabled || !(await this.secretMatches(client, secret))) {
      throw new NotAuthenticated(
        'client_credentials_invalid',
        'Client Credentials provided to authentication attempt were invalid',
      );
    }
    return client;
  }

  /**
   * Creates the client when missing and sets its secret when it changed.
   * Safe when several instances start at once.
   */
  async ensure(spec: ClientSpec): Promise<void> {
    await this.clients
      .createQueryBuilder()
      .insert()
      .values({
        clientId: spec.clientId,
        secretHash: await hashSecret(spec.secret),
        grants: spec.grants,
        role: spec.role,
        playerRole: spec.playerRole ?? 'player',
        description: spec.description,
      })
      .orIgnore()
      .execute();
    const client = await this.clients.findOneOrFail({ where: { clientId: spec.clientId } });
    if (!(await verifySecret(spec.secret, client.secretHash))) {
      await this.clients.update({ id: client.id }, { secretHash: await hashSecret(spec.secret) });
      this.logger.log(`updated the secret of bootstrap client ${spec.clientId}`);
    }
  }

  list(): Promise<AuthClientEntity[]> {
    return this.clients.find({ order: { clientId: 'ASC' } });
  }

  async get(clientId: string): Promise<AuthClientEntity> {
    const client = await this.clients.findOne({ where: { clientId } });
    if (!client) throw new NotFound('client_not_found', `Client ${clientId} not found`);
    return client;
  }

  /** Registers a client with a new random secret, returned once. */
  async create(spec: Omit<ClientSpec, 'secret'>): Promise<{ client: AuthClientEntity; secret: string }> {
    if (spec.grants.includes('client_credentials') && !spec.role) {
      throw new InvalidRequest('client_role_required', 'A client with the client_credentials grant needs a role');
    }
    const secret = randomToken(24);
    const result = await this.clients
      .createQueryBuilder()
      .insert()
      .values({
        clientId: spec.clientId,
        secretHash: await hashSecret(secret),
        grants: spec.grants,
        role: spec.role,
        playerRole: spec.playerRole ?? 'player',
        description: spec.description,
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    if (result.raw.length === 0) throw new Conflict('client_exists', `Client ${spec.clientId} already exists`);
    return { client: await this.get(spec.clientId), secret };
  }

  /** Disables or enables a client; a disabled client cannot log in (its issued tokens live until they expire). */
  async setEnabled(clientId: string, enabled: boolean): Promise<AuthClientEntity> {
    const result = await this.clients.update({ clientId }, { enabled });
    if (!result.affected) throw new NotFound('client_not_found', `Client ${clientId} not found`);
    this.forget(clientId);
    return this.get(clientId);
  }

  /** Replaces a client's secret; the old one stops working at once on every instance. */
  async rotate(clientId: string): Promise<{ client: AuthClientEntity; secret: string }> {
    const secret = randomToken(24);
    const result = await this.clients.update({ clientId }, { secretHash: await hashSecret(secret) });
    if (!result.affected) throw new NotFound('client_not_found', `Client ${clientId} not found`);
    this.forget(clientId);
    return { client: await this.get(clientId), secret };
  }

  /** Forgets remembered secrets (after a rotation or a disable on this instance). */
  forget(clientId: string): void {
    this.verified.delete(clientId);
  }

  private async secretMatches(client: AuthClientEntity, secret: string): Promise<boolean> {
    const digest = tokenDigest(`${client.secretHash}:${secret}`);
    const remembered = this.verified.get(client.clientId);
    if (remembered && remembered.expires > Date.now() && safeEqual(remembered.digest, digest)) return true;
    const ok = await verifySecret(secret, client.secretHash);
    if (ok) this.verified.set(client.clientId, { digest, expires: Date.now() + VERIFIED_TTL_MS });
    return ok;
  }
}

export function bootstrapSpecs(admin?: BootstrapClient, gameClient?: BootstrapClient): ClientSpec[] {
  const specs: ClientSpec[] = [];
  if (admin) {
    specs.push({
      ...admin,
      grants: ['client_credentials', 'refresh'],
      role: 'admin',
      description: 'Bootstrap admin client (from BOOTSTRAP_ADMIN_CLIENT_ID)',
    });
  }
  if (gameClient) {
    specs.push({
      ...gameClient,
      grants: ['anon', 'refresh'],
      role: null,
      playerRole: 'player',
      description: 'Bootstrap game client for player logins (from BOOTSTRAP_GAME_CLIENT_ID)',
    });
  }
  return specs;
}
