import { claimsProblem } from './principal.js';

const issued = {
  sub: '6f1c2d8e-1b2a-4c3d-9e8f-0a1b2c3d4e5f',
  exp: 1_900_000_000,
  typ: 'player',
  cid: 'joinery-game',
  role: 'player',
  perms: ['session:create'],
  name: 'Ada',
  plat: 'Anon',
};

describe('claimsProblem', () => {
  it('accepts the claims Joinery issues, for players and clients', () => {
    expect(claimsProblem(issued)).toBeUndefined();
    expect(claimsProblem({ ...issued, typ: 'client', sub: 'client:ops', name: undefined })).toBeUndefined();
  });

  it.each([
    ['no exp', { exp: undefined }],
    ['a string exp', { exp: '1900000000' }],
    ['an audience', { aud: 'joinery' }],
    ['an unknown typ', { typ: 'admin' }],
    ['perms a string', { perms: '*' }],
    ['perms with a number', { perms: ['session:create', 7] }],
    ['a player sub that is not a UUID', { sub: 'client:ops' }],
    ['a non-string cid', { cid: 42 }],
    ['a non-string name', { name: { first: 'Ada' } }],
  ])('refuses %s', (_name, change) => {
    expect(claimsProblem({ ...issued, ...change })).toEqual(expect.any(String));
  });
});
