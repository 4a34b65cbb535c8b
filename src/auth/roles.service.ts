import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import type { Repository } from 'typeorm';
import { Conflict, InvalidRequest, NotFound, PermissionDenied } from '../common/errors.js';
import { RoleEntity } from './entities/role.entity.js';
import { hasAllPermissions } from './permissions.js';

const CACHE_TTL_MS = 10_000;

/** Role → permissions, read from the database and cached briefly (roles change rarely). */
@Injectable()
export class RolesService {
  private readonly cache = new LRUCache<string, string[]>({ max: 1_000, ttl: CACHE_TTL_MS });

  constructor(@InjectRepository(RoleEntity) private readonly roles: Repository<RoleEntity>) {}

  async permissionsOf(role: string): Promise<string[]> {
    const cached = this.cache.get(role);
    if (cached) return cached;
    const row = await this.roles.findOne({ where: { name: role } });
    const permissions = row?.permissions ?? [];
    this.cache.set(role, permissions);
    return permissions;
  }

  /**
   * Refuses (403 `insufficient_permissions`) unless `held` grants every
   * permission of each named role: a caller may hand out, or act on holders
   * of, only power it has itself. Unknown roles have no permissions.
   */
  async assertMayGrant(held: readonly string[], ...roles: (string | null | undefined)[]): Promise<void> {
    for (const role of roles) {
      if (!role) continue;
      const missing = (await this.permissionsOf(role)).filter((p) => !hasAllPermissions(held, [p]));
      if (missing.length) {
        throw new PermissionDenied(
          `Insufficient Permissions: role ${role} holds ${missing.join(', ')}, which the caller does not hold`,
        );
      }
    }
  }

  /** The same for a permission set about to be given to a role. */
  assertMayGrantPermissions(held: readonly string[], permissions: readonly string[]): void {
    const missing = permissions.filter((p) => !hasAllPermissions(held, [p]));
    if (missing.length) {
      throw new PermissionDenied(`Insufficient Permissions: the caller does not hold ${missing.join(', ')}`);
    }
  }

  list(): Promise<RoleEntity[]> {
    return this.roles.find({ order: { name: 'ASC' } });
  }

  async get(name: string): Promise<RoleEntity> {
    const role = await this.roles.findOne({ where: { name } });
    if (!role) throw new NotFound('role_not_found', `Role ${name} not found`);
    return role;
  }

  async create(name: string, permissions: string[], description = ''): Promise<RoleEntity> {
    const result = await this.roles
      .createQueryBuilder()
      .insert()
      .values({ name, permissions, description })
      .orIgnore()
      .returning(['name'])
      .execute();
    if (result.raw.length === 0) throw new Conflict('role_exists', `Role ${name} already exists`);
    return this.get(name);
  }

  /**
   * Changes a role's permissions. Tokens carry permissions, so holders see the
   * change at their next login or refresh; this instance's cache is cleared now,
   * others' within 10 s.
   */
  async update(name: string, permissions: string[], description?: string): Promise<RoleEntity> {
    const result = await this.roles.update(
      { name },
      { permissions, ...(description !== undefined ? { description } : {}) },
    );
    if (!result.affected) throw new NotFound('role_not_found', `Role ${name} not found`);
    this.invalidate(name);
    return this.get(name);
  }

  /** Deletes a role no player, client or key holds. Built-in roles stay. */
  async delete(name: string): Promise<void> {
    const role = await this.get(name);
    if (role.builtin) throw new InvalidRequest('role_builtin', `Role ${name} is built in and cannot be deleted`);
    const [{ holders }] = await this.roles.query(
      `SELECT (SELECT count(*) FROM player WHERE role = $1) + (SELECT count(*) FROM auth_client WHERE role = $1 OR player_role = $1) AS holders`,
      [name],
    );
    if (Number(holders) > 0)
      throw new Conflict('role_in_use', `Role ${name} is held by ${holders} player(s) or client(s)`);
    await this.roles.delete({ name });
    this.invalidate(name);
  }

  /** Forgets cached permission sets (after an admin edits a role on this instance). */
  invalidate(role?: string): void {
    if (role) this.cache.delete(role);
    else this.cache.clear();
  }
}
