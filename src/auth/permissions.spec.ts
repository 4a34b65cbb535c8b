import { hasAllPermissions, grants, hasAnyPermission, hasPermission, isValidPermission } from './permissions.js';

describe('permissions', () => {
  it('grants an exact match', () => {
    expect(grants('session:create', 'session:create')).toBe(true);
  });

  it('grants everything under a wildcard prefix', () => {
    expect(grants('session:*', 'session:create')).toBe(true);
    expect(grants('session:*', 'session:read:any')).toBe(true);
    expect(grants('*', 'admin:templates:write')).toBe(true);
    expect(grants('gamelift:Describe*', 'gamelift:DescribeGameSessions')).toBe(true);
  });

  it('keeps scopes apart', () => {
    expect(grants('session:read:self', 'session:read:any')).toBe(false);
    expect(grants('session:read:*', 'session:read:any')).toBe(true);
    expect(grants('session:read:*', 'session:create')).toBe(false);
  });

  it('denies what nothing grants', () => {
    expect(grants('session:create', 'session:create:extra')).toBe(false);
    expect(grants('session', 'session:create')).toBe(false);
    expect(grants('sessions:*', 'session:create')).toBe(false);
    expect(hasPermission([], 'session:create')).toBe(false);
    expect(hasPermission(['admin:*'], 'session:create')).toBe(false);
  });

  it('follows the any-of rule of RallyHere route descriptions', () => {
    expect(hasAnyPermission(['session:create'], ['session:*', 'session:create'])).toBe(true);
    expect(hasAnyPermission(['session:*'], ['session:*', 'session:create'])).toBe(true);
    expect(hasAnyPermission(['session:read:self'], ['session:*', 'session:create'])).toBe(false);
  });

  it('validates the shape of stored permissions', () => {
    expect(isValidPermission('session:update-player:self')).toBe(true);
    expect(isValidPermission('session:*')).toBe(true);
    expect(isValidPermission('gamelift:CreatePlayerSession')).toBe(true);
    expect(isValidPermission('*')).toBe(true);
    expect(isValidPermission('session::x')).toBe(false);
    expect(isValidPermission('Session:create')).toBe(false);
    expect(isValidPermission('session:cre ate')).toBe(false);
  });
});

describe('hasAllPermissions (what a caller may hand out)', () => {
  it('needs every required permission, a wildcard only through an equal or wider one', () => {
    expect(hasAllPermissions(['*'], ['*'])).toBe(true);
    expect(hasAllPermissions(['admin:*'], ['admin:clients:write', 'admin:roles:read'])).toBe(true);
    expect(hasAllPermissions(['admin:clients:write'], ['*'])).toBe(false);
    expect(hasAllPermissions(['gamelift:Describe*'], ['gamelift:*'])).toBe(false);
    expect(hasAllPermissions(['gamelift:*'], ['gamelift:Describe*', 'gamelift:AcceptPlayerSession'])).toBe(true);
    expect(hasAllPermissions(['session:create'], [])).toBe(true);
  });
});
