/**
 * Crossplay rules, as pure functions. Two players may share a session when
 * each accepts the other: a player's `permitted_platform` names a platform
 * family the other's platform must belong to (any: no rule), and its
 * `permitted_input` names the input the other must use (any: no rule).
 * Omitted preferences mean "as permissive as possible".
 *
 * The same rule runs in SQL over per-session aggregates
 * (`joinery_cp_can_join`, src/session/sql/crossplay.sql); `canJoin` below is
 * its TypeScript twin, and test/database/sql-functions.e2e-spec.ts checks the two agree.
 */

/** RallyHere's `Platform` enum. */
export const PLATFORMS = [
  'Anon',
  'Basic',
  'XboxLive',
  'PSN',
  'NintendoNAID',
  'NintendoSwitch',
  'NintendoPPID',
  'Google',
  'GooglePlay',
  'Apple',
  'Epic',
  'Steam',
  'Amazon',
  'Twitch',
  'RallyHere',
  'LegacyName',
  'AndroidDevice',
  'iosDevice',
  'Discord',
] as const;
export type Platform = (typeof PLATFORMS)[number];

/** RallyHere's deprecated `PlatformID` values and the platform each stands for. */
export const PLATFORM_IDS: Readonly<Record<number, Platform>> = {
  2: 'Anon',
  4: 'Amazon',
  5: 'Steam',
  9: 'PSN',
  10: 'XboxLive',
  11: 'Basic',
  13: 'Google',
  16: 'Twitch',
  22: 'NintendoSwitch',
  24: 'Apple',
  26: 'NintendoNAID',
  28: 'Epic',
  25: 'Discord',
};

export const INPUTS = ['keyboardandmouse', 'gamepad', 'touch'] as const;
export type Input = (typeof INPUTS)[number];

export const CROSSPLAY_PLATFORMS = [
  'desired_platforms_any',
  'desired_platforms_xboxlike',
  'desired_platforms_playstationlike',
] as const;
export type CrossplayPlatform = (typeof CROSSPLAY_PLATFORMS)[number];

export const CROSSPLAY_INPUTS = [
  'desired_inputs_any',
  'desired_inputs_keyboardandmouse',
  'desired_inputs_gamepad',
  'desired_inputs_touch',
] as const;
export type CrossplayInput = (typeof CROSSPLAY_INPUTS)[number];

/** The platform families crossplay preferences can name, as bits. */
export const FAMILY_BITS = { xboxlike: 1, playstationlike: 2 } as const;
export type Family = keyof typeof FAMILY_BITS;
export const ALL_FAMILIES = 3;

export const INPUT_BITS: Readonly<Record<Input, number>> = { keyboardandmouse: 1, gamepad: 2, touch: 4 };
export const ALL_INPUTS = 7;

const REQUIRED_FAMILY: Readonly<Record<CrossplayPlatform, number>> = {
  desired_platforms_any: 0,
  desired_platforms_xboxlike: FAMILY_BITS.xboxlike,
  desired_platforms_playstationlike: FAMILY_BITS.playstationlike,
};

const ALLOWED_INPUTS: Readonly<Record<CrossplayInput, number>> = {
  desired_inputs_any: ALL_INPUTS,
  desired_inputs_keyboardandmouse: INPUT_BITS.keyboardandmouse,
  desired_inputs_gamepad: INPUT_BITS.gamepad,
  desired_inputs_touch: INPUT_BITS.touch,
};

/** Which platforms belong to which family. A platform may be in none, one or both. */
export type PlatformFamilies = Readonly<Record<Family, readonly Platform[]>>;

/** Default grouping: Xbox Live is xbox-like, PSN is playstation-like, everything else neither. */
export const DEFAULT_FAMILIES: PlatformFamilies = { xboxlike: ['XboxLive'], playstationlike: ['PSN'] };

export interface PlayerSettings {
  platform: Platform;
  input: Input;
  permittedPlatform?: CrossplayPlatform;
  permittedInput?: CrossplayInput;
}

/** A player reduced to the four bit sets the rule needs. */
export interface CrossplayProfile {
  /** Families the player's platform belongs to. */
  family: number;
  /** The player's input, one bit. */
  input: number;
  /** Families every other player must belong to. */
  requiredFamilies: number;
  /** Inputs the player accepts in others. */
  allowedInputs: number;
}

export function familyBits(platform: Platform, families: PlatformFamilies): number {
  let bits = 0;
  for (const family of Object.keys(FAMILY_BITS) as Family[]) {
    if (families[family].includes(platform)) bits |= FAMILY_BITS[family];
  }
  return bits;
}

export function profileOf(settings: PlayerSettings, families: PlatformFamilies = DEFAULT_FAMILIES): CrossplayProfile {
  return {
    family: familyBits(settings.platform, families),
    input: INPUT_BITS[settings.input],
    requiredFamilies: REQUIRED_FAMILY[settings.permittedPlatform ?? 'desired_platforms_any'],
    allowedInputs: ALLOWED_INPUTS[settings.permittedInput ?? 'desired_inputs_any'],
  };
}

/** Does `a` accept playing with `b`? */
export function accepts(a: CrossplayProfile, b: CrossplayProfile): boolean {
  return (b.family & a.requiredFamilies) === a.requiredFamilies && (b.input & a.allowedInputs) !== 0;
}

/** May `a` and `b` share a session? Each must accept the other. */
export function compatible(a: CrossplayProfile, b: CrossplayProfile): boolean {
  return accepts(a, b) && accepts(b, a);
}

/** What a session keeps of its members, so that a joiner is checked without reading them. */
export interface SessionCrossplay {
  /** Families every member belongs to (AND). */
  familiesAll: number;
  /** Families some member requires (OR). */
  requiredFamilies: number;
  /** Inputs some member uses (OR). */
  inputsAny: number;
  /** Inputs every member accepts (AND). */
  inputsAllowed: number;
}

/** The aggregate of an empty session: anyone may join. */
export const EMPTY_SESSION: SessionCrossplay = {
  familiesAll: ALL_FAMILIES,
  requiredFamilies: 0,
  inputsAny: 0,
  inputsAllowed: ALL_INPUTS,
};

export function addMember(session: SessionCrossplay, member: CrossplayProfile): SessionCrossplay {
  return {
    familiesAll: session.familiesAll & member.family,
    requiredFamilies: session.requiredFamilies | member.requiredFamilies,
    inputsAny: session.inputsAny | member.input,
    inputsAllowed: session.inputsAllowed & member.allowedInputs,
  };
}

export function aggregate(members: readonly CrossplayProfile[]): SessionCrossplay {
  return members.reduce(addMember, EMPTY_SESSION);
}

/**
 * May `player` join a session whose members aggregate to `session`?
 * Equivalent to `compatible(player, m)` for every member `m`.
 */
export function canJoin(session: SessionCrossplay, player: CrossplayProfile): boolean {
  return (
    (session.familiesAll & player.requiredFamilies) === player.requiredFamilies &&
    (session.inputsAny & ~player.allowedInputs) === 0 &&
    (player.family & session.requiredFamilies) === session.requiredFamilies &&
    (player.input & session.inputsAllowed) !== 0
  );
}
