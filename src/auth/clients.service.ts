import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import type { Repository } from 'typeorm';
import { Conflict, InvalidRequest, NotAuthenticated, NotFound } from '../common/errors.js';
import { type BootstrapClient, DEV_BOOTSTRAP } from '../config/config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AuthClientEntity } from './entities/auth-client.entity.js';
import { hashSecret, randomToken, safeEqual, tokenDigest, verifySecret } from './secrets.js';

export type GrantType = 'anon' | 'refresh' | 'client_credentials';

/** How long a verified secret is remembered, to spare scrypt on every login. */
const VERIFIED_TTL_MS = 30_000;
const VERIFIED_MAX = 10_000;

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
  private readonly verified = new LRUCache<string, string>({ max: VERIFIED_MAX, ttl: VERIFIED_TTL_MS });
  /** A hash of a random secret nobody knows: unknown and disabled clients are checked against it. */
  private dummyHash?: Promise<string>;

  constructor(
    @InjectRepository(AuthClientEntity) private readonly clients: Repository<AuthClientEntity>,
    private readonly metrics: MetricsService,
  ) {}

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
    // The same scrypt work whether the id exists or not, so the answer's timing does not tell which ids exist.
    const matches = client ? await this.secretMatches(client, secret) : await this.matchesNothing(secret);
    if (!client || !client.enabled || !matches) {
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
    // A client that exists costs one scrypt (the check), not two: the hash is made only to insert or to change it.
    const existing = await this.clients.findOne({ where: { clientId: spec.clientId } });
    if (existing) {
      if (!(await verifySecret(spec.secret, existing.secretHash))) {
        await this.clients.update({ id: existing.id }, { secretHash: await hashSecret(spec.secret) });
        this.logger.log(`updated the secret of bootstrap client ${spec.clientId}`);
      }
      return;
    }
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

  /**
   * Disables every enabled client whose secret is still one of the documented
   * development secrets (a database that once ran in development). Production
   * calls it at start-up; a warning names each client disabled.
   */
  async disableDevelopmentClients(): Promise<string[]> {
    const disabled: string[] = [];
    for (const dev of [DEV_BOOTSTRAP.admin, DEV_BOOTSTRAP.gameClient]) {
      const client = await this.clients.findOne({ where: { clientId: dev.clientId } });
      if (!client?.enabled || !(await verifySecret(dev.secret, client.secretHash))) continue;
      await this.clients.update({ id: client.id }, { enabled: false });
      this.forget(client.clientId);
      disabled.push(client.clientId);
      this.logger.warn(
        `disabled client ${client.clientId}: it still has the development secret (this database once ran in development)`,
      );
    }
    return disabled;
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
    if (remembered && safeEqual(remembered, digest)) return true;
    this.metrics.clientSecretHashed();
    const ok = await verifySecret(secret, client.secretHash);
    if (ok) this.verified.set(client.clientId, digest);
    return ok;
  }

  /** The work of a wrong secret, for a client id that does not exist. Always false. */
  private async matchesNothing(secret: string): Promise<false> {
    this.dummyHash ??= hashSecret(randomToken(24));
    this.metrics.clientSecretHashed();
    await verifySecret(secret, await this.dummyHash);
    return false;
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
