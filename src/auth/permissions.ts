/**
 * Permission strings follow RallyHere's: `session:create`,
 * `session:read:self`, `session:update-player:any`... A held permission
 * ending in `*` grants every permission that starts with what precedes it:
 * `session:*` grants all `session:...`; `*` grants everything;
 * `gamelift:Describe*` grants `gamelift:DescribeGameSessions`.
 */
export function grants(held: string, required: string): boolean {
  if (held === required) return true;
  if (!held.endsWith('*')) return false;
  return required.startsWith(held.slice(0, -1));
}

/** True when any held permission grants the required one. */
export function hasPermission(held: readonly string[], required: string): boolean {
  return held.some((permission) => grants(permission, required));
}

/** True when the held permissions grant at least one of `anyOf` (RallyHere's "any of" rule). */
export function hasAnyPermission(held: readonly string[], anyOf: readonly string[]): boolean {
  return anyOf.some((required) => hasPermission(held, required));
}

/**
 * True when the held permissions grant every one of `required` (a required
 * wildcard such as `gamelift:*` needs a held `gamelift:*` or wider). This is
 * the rule for handing out power: a caller may give a client, a key or a
 * role only permissions it holds itself.
 */
export function hasAllPermissions(held: readonly string[], required: readonly string[]): boolean {
  return required.every((permission) => hasPermission(held, permission));
}

const PERMISSION_PATTERN = /^(\*|[a-z][a-z0-9-]*(:[A-Za-z0-9-]+)*(:\*|\*)?)$/;

/** Shape check for permission strings stored in roles. */
export function isValidPermission(permission: string): boolean {
  return permission.length <= 128 && PERMISSION_PATTERN.test(permission);
}
