import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { RoleEntity } from './entities/role.entity.js';

const CACHE_TTL_MS = 10_000;

/** Role → permissions, read from the database and cached briefly (roles change rarely). */
@Injectable()
export class RolesService {
  private cache = new Map<string, { permissions: string[]; expires: number }>();

  constructor(@InjectRepository(RoleEntity) private readonly roles: Repository<RoleEntity>) {}

  async permissionsOf(role: string): Promise<string[]> {
    const cached = this.cache.get(role);
    if (cached && cached.expires > Date.now()) return cached.permissions;
    const row = await this.roles.findOne({ where: { name: role } });
    const permissions = row?.permissions ?? [];
    this.cache.set(role, { permissions, expires: Date.now() + CACHE_TTL_MS });
    return permissions;
  }

  /** Forgets cached permission sets (after an admin edits a role on this instance). */
  invalidate(role?: string): void {
    if (role) this.cache.delete(role);
    else this.cache.clear();
  }
}
