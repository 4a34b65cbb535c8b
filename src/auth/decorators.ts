import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { HzApiErrorModelDto } from '../common/dto/error.dto.js';
import type { Principal } from './principal.js';

export const IS_PUBLIC = 'joinery:isPublic';
export const REQUIRED_PERMISSIONS = 'joinery:requiredPermissions';
export const AUTH_SCHEME = 'joinery:authScheme';

export type AuthScheme = 'bearer' | 'sigv4';

/** Computes the permissions a request needs when they depend on the request itself. */
export type PermissionResolver = (request: Request) => string[];

/** The route needs no credentials. Every other route is closed. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * States a route's security in one place: a bearer token whose permissions
 * include any of `anyOf` (none: any valid token), documented in the explorer
 * with the 403 it answers otherwise.
 */
export function Auth(...anyOf: string[]) {
  const needs = anyOf.length ? `any of: ${anyOf.map((p) => `\`${p}\``).join(', ')}` : 'any valid token';
  return applyDecorators(
    SetMetadata(REQUIRED_PERMISSIONS, anyOf),
    SetMetadata(AUTH_SCHEME, 'bearer' satisfies AuthScheme),
    ApiBearerAuth(),
    ApiExtension('x-required-permissions', anyOf),
    ApiForbiddenResponse({
      type: HzApiErrorModelDto,
      description: `Missing, expired or forged token (\`auth_success: false\`), or a token without the permission (${needs}).`,
    }),
  );
}

/** Marks a route authenticated by AWS Signature V4; `resolve` names the permissions each request needs. */
export function SigV4Auth(resolve: PermissionResolver) {
  return applyDecorators(
    SetMetadata(REQUIRED_PERMISSIONS, resolve),
    SetMetadata(AUTH_SCHEME, 'sigv4' satisfies AuthScheme),
  );
}

/** The authenticated principal of the request. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<Request & { user?: Principal }>();
  if (!request.user) throw new Error('CurrentPrincipal used on a route without authentication');
  return request.user;
});
