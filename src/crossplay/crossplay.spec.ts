import {
  accepts,
  aggregate,
  canJoin,
  compatible,
  CROSSPLAY_INPUTS,
  CROSSPLAY_PLATFORMS,
  DEFAULT_FAMILIES,
  EMPTY_SESSION,
  INPUTS,
  PLATFORMS,
  type PlayerSettings,
  profileOf,
} from './crossplay.js';

/** Every combination of platform, input and preferences: 19 × 3 × 3 × 4 = 684 players. */
const EVERY_PLAYER: PlayerSettings[] = PLATFORMS.flatMap((platform) =>
  INPUTS.flatMap((input) =>
    CROSSPLAY_PLATFORMS.flatMap((permittedPlatform) =>
      CROSSPLAY_INPUTS.map((permittedInput) => ({ platform, input, permittedPlatform, permittedInput })),
    ),
  ),
);

/** The rule stated directly on settings, without bits: the reference the bit logic must match. */
function referenceAccepts(a: PlayerSettings, b: PlayerSettings): boolean {
  const platformOk =
    (a.permittedPlatform ?? 'desired_platforms_any') === 'desired_platforms_any' ||
    (a.permittedPlatform === 'desired_platforms_xboxlike' && b.platform === 'XboxLive') ||
    (a.permittedPlatform === 'desired_platforms_playstationlike' && b.platform === 'PSN');
  const inputOk =
    (a.permittedInput ?? 'desired_inputs_any') === 'desired_inputs_any' ||
    a.permittedInput === `desired_inputs_${b.input}`;
  return platformOk && inputOk;
}

/** A small deterministic PRNG so that the sampled sessions are the same on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

describe('crossplay', () => {
  it('matches the reference rule for every ordered pair of players', () => {
    const profiles = EVERY_PLAYER.map((p) => profileOf(p));
    let checked = 0;
    for (let i = 0; i < EVERY_PLAYER.length; i++) {
      for (let j = 0; j < EVERY_PLAYER.length; j++) {
        const expected = referenceAccepts(EVERY_PLAYER[i], EVERY_PLAYER[j]);
        if (accepts(profiles[i], profiles[j]) !== expected) {
          throw new Error(
            `accepts(${JSON.stringify(EVERY_PLAYER[i])}, ${JSON.stringify(EVERY_PLAYER[j])}) should be ${expected}`,
          );
        }
        checked++;
      }
    }
    expect(checked).toBe(684 * 684);
  });

  it('is symmetric', () => {
    const profiles = EVERY_PLAYER.map((p) => profileOf(p));
    let asymmetric = 0;
    for (const a of profiles) for (const b of profiles) if (compatible(a, b) !== compatible(b, a)) asymmetric++;
    expect(asymmetric).toBe(0);
  });

  it('treats omitted preferences as "any"', () => {
    const bare = profileOf({ platform: 'Steam', input: 'gamepad' });
    const any = profileOf({
      platform: 'Steam',
      input: 'gamepad',
      permittedPlatform: 'desired_platforms_any',
      permittedInput: 'desired_inputs_any',
    });
    expect(bare).toEqual(any);
  });

  it('keeps xbox-only players away from PlayStation players, and gamepad-only from keyboard-and-mouse', () => {
    const xboxOnly = profileOf({
      platform: 'XboxLive',
      input: 'gamepad',
      permittedPlatform: 'desired_platforms_xboxlike',
    });
    const psn = profileOf({ platform: 'PSN', input: 'gamepad' });
    const padOnly = profileOf({ platform: 'Steam', input: 'gamepad', permittedInput: 'desired_inputs_gamepad' });
    const kbm = profileOf({ platform: 'Steam', input: 'keyboardandmouse' });
    const anyone = profileOf({ platform: 'Steam', input: 'touch' });
    expect(compatible(xboxOnly, psn)).toBe(false);
    expect(compatible(padOnly, kbm)).toBe(false);
    expect(compatible(psn, kbm)).toBe(true);
    expect(compatible(anyone, kbm)).toBe(true);
    // An xbox-only player refuses non-xbox platforms even with permissive others.
    expect(compatible(xboxOnly, anyone)).toBe(false);
  });

  it('lets configuration change which platforms are xbox-like', () => {
    const families = { ...DEFAULT_FAMILIES, xboxlike: ['XboxLive', 'Steam'] as const };
    const xboxOnly = profileOf(
      { platform: 'XboxLive', input: 'gamepad', permittedPlatform: 'desired_platforms_xboxlike' },
      families,
    );
    const steam = profileOf({ platform: 'Steam', input: 'gamepad' }, families);
    expect(compatible(xboxOnly, steam)).toBe(true);
    expect(compatible(xboxOnly, profileOf({ platform: 'Steam', input: 'gamepad' }))).toBe(false);
  });

  it('lets anyone into an empty session', () => {
    for (const p of EVERY_PLAYER) expect(canJoin(EMPTY_SESSION, profileOf(p))).toBe(true);
  });

  it('decides from the aggregate exactly as checking every member would', () => {
    const random = prng(42);
    const profiles = EVERY_PLAYER.map((p) => profileOf(p));
    const pick = () => profiles[Math.floor(random() * profiles.length)];
    let mismatches = 0;
    let joinable = 0;
    for (let round = 0; round < 20_000; round++) {
      // Members must be compatible with each other, as they are in a real session.
      const members = [pick()];
      const size = 1 + Math.floor(random() * 6);
      for (let attempts = 0; members.length < size && attempts < 50; attempts++) {
        const candidate = pick();
        if (members.every((m) => compatible(m, candidate))) members.push(candidate);
      }
      // Half the joiners are drawn among players the members accept, so both outcomes are common.
      let joiner = pick();
      for (
        let attempts = 0;
        round % 2 === 0 && attempts < 200 && !members.every((m) => compatible(m, joiner));
        attempts++
      ) {
        joiner = pick();
      }
      const expected = members.every((m) => compatible(m, joiner));
      if (canJoin(aggregate(members), joiner) !== expected) mismatches++;
      if (expected) joinable++;
    }
    expect(mismatches).toBe(0);
    // Both outcomes are well represented in the sample.
    expect(joinable).toBeGreaterThan(5_000);
    expect(joinable).toBeLessThan(15_000);
  });
});
