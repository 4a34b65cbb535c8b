/** Who is calling, as established by a bearer token or an AWS signature. */
export interface Principal {
  kind: 'player' | 'client' | 'access-key';
  /** Player UUID, client id or access key id. */
  subject: string;
  /** Set for players: the RallyHere `player_uuid`. */
  playerUuid?: string;
  /** The client (or access key) the credentials were issued to. */
  clientId: string;
  role: string;
  permissions: string[];
  displayName?: string;
  platform?: string;
}

/** Claims Joinery puts into its RS256 access tokens (beside iss, sub, iat, exp, jti). */
export interface AccessTokenClaims {
  typ: 'player' | 'client';
  cid: string;
  role: string;
  perms: string[];
  name?: string;
  plat?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PERMISSIONS = 1_000;

const isText = (value: unknown, max = 1024): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max;
const isOptionalText = (value: unknown): boolean => value === undefined || typeof value === 'string';

/**
 * Why verified claims are not the shape Joinery issues, or undefined. A token
 * signed with the right key but made by hand (no `exp`, an audience, `perms`
 * that is not a list of strings) is refused, not trusted as far as it goes.
 */
export function claimsProblem(claims: Record<string, unknown>): string | undefined {
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return 'exp is required';
  if (claims.aud !== undefined) return 'aud is not accepted (Joinery tokens have no audience)';
  if (claims.typ !== 'player' && claims.typ !== 'client') return 'typ must be player or client';
  if (!isText(claims.sub)) return 'sub must be a string';
  if (claims.typ === 'player' && !UUID.test(claims.sub)) return 'sub of a player must be a UUID';
  if (!isText(claims.cid, 256)) return 'cid must be a string';
  if (typeof claims.role !== 'string' || claims.role.length > 256) return 'role must be a string';
  const perms = claims.perms;
  if (!Array.isArray(perms) || perms.length > MAX_PERMISSIONS || !perms.every((p) => isText(p, 256))) {
    return 'perms must be an array of strings';
  }
  if (!isOptionalText(claims.name) || !isOptionalText(claims.plat)) return 'name and plat must be strings';
  return undefined;
}

export function principalFromClaims(sub: string, claims: AccessTokenClaims): Principal {
  return {
    kind: claims.typ,
    subject: sub,
    playerUuid: claims.typ === 'player' ? sub : undefined,
    clientId: claims.cid,
    role: claims.role,
    permissions: claims.perms,
    displayName: claims.name,
    platform: claims.plat,
  };
}
