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
