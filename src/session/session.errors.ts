import { Conflict, DomainError, InvalidRequest, NotFound, PermissionDenied, RateLimited } from '../common/errors.js';

/** Errors of the session core. Each protocol adapter renders them in its own shape. */

export class SessionNotFound extends NotFound {
  constructor(sessionId: string) {
    super('session_not_found', `Session ${sessionId} not found`);
  }
}

export class SessionTemplateNotFound extends NotFound {
  constructor(sessionType: string) {
    super('session_template_not_found', `Session template ${sessionType} not found`);
  }
}

/** Create-or-join names a type that has no template: a bad request rather than a missing resource. */
export class UnknownSessionType extends InvalidRequest {
  constructor(sessionType: string) {
    super('session_template_not_found', `Session template ${sessionType} not found`);
  }
}

export class SeatNotFound extends NotFound {
  constructor(seatId: string) {
    super('player_session_not_found', `Player session ${seatId} not found`);
  }
}

export class PlayerNotInSession extends NotFound {
  constructor(playerId: string, sessionId: string) {
    super('player_not_in_session', `Player ${playerId} is not in session ${sessionId}`);
  }
}

/** No free seat (on the requested team). */
export class SessionFull extends DomainError {
  readonly kind = 'full';

  constructor(sessionId: string, teamId?: number) {
    super(
      teamId === undefined ? 'session_full' : 'team_full',
      teamId === undefined
        ? `Session ${sessionId} has no free seat`
        : `Team ${teamId} of session ${sessionId} has no free seat`,
    );
  }
}

/** The session is not in a state that accepts this (not ACTIVE, or closed to new players). */
export class InvalidSessionStatus extends DomainError {
  readonly kind = 'invalid_status';

  constructor(message: string, code = 'invalid_session_status') {
    super(code, message);
  }
}

export class InvalidTeam extends InvalidRequest {
  constructor(teamId: number) {
    super('invalid_team_id', `Team ${teamId} does not exist in this session type`);
  }
}

export class SessionNotJoinable extends InvalidRequest {
  constructor(sessionId: string) {
    super('session_not_joinable', `Session ${sessionId} is not open to players who were not invited`);
  }
}

export class IncorrectSessionPassword extends InvalidRequest {
  constructor() {
    super('session_password_incorrect', 'The session password is missing or incorrect');
  }
}

/** Too many wrong passwords in a row: the session refuses password attempts for a while (predicates.sql). */
export class SessionPasswordLocked extends RateLimited {
  constructor() {
    super(60, 'session_password_attempts_exceeded', 'Too many wrong passwords for this session; retry after 60 s');
  }
}

/** An invitation names a player that does not exist. */
export class UnknownPlayer extends NotFound {
  constructor(playerId: string) {
    super('player_not_found', `Player ${playerId} does not exist`);
  }
}

export class CrossplayMismatch extends InvalidRequest {
  constructor(sessionId: string) {
    super(
      'crossplay_mismatch',
      `Crossplay preferences of the player and of the members of session ${sessionId} do not match`,
    );
  }
}

export class SessionCreationNotAllowed extends InvalidRequest {
  constructor(sessionType: string) {
    super('session_creation_not_allowed', `Players may not create sessions of type ${sessionType}`);
  }
}

export class NoSessionAvailable extends InvalidRequest {
  constructor(sessionType: string) {
    super(
      'no_session_available',
      `No open session of type ${sessionType} fits this player, and players may not create sessions of this type`,
    );
  }
}

export class TemplateInUse extends Conflict {
  constructor(sessionType: string, live: number) {
    super('session_template_in_use', `Session template ${sessionType} is used by ${live} live session(s)`);
  }
}

/** The session has no instance (none, or it was closed), or not the one named. */
export class InstanceNotFound extends NotFound {
  constructor(sessionId: string) {
    super('instance_not_found', `Session ${sessionId} has no such instance (none, or it was closed)`);
  }
}

/**
 * The session already has a live instance, hosted by someone else. Refusals of the instance routes answer 403 (the
 * codes RallyHere's spec lists for them: 200, 403, 422), each with its own `error_code`.
 */
export class InstanceAlreadyRegistered extends PermissionDenied {
  constructor(sessionId: string) {
    super(
      `Session ${sessionId} already has a live instance; it must be closed (DELETE) or gone before another registers`,
      'instance_already_registered',
    );
  }
}

/** Only the instance's host (or `session:update:any`) may change it, send its health or unregister it. */
export class NotInstanceHost extends PermissionDenied {
  constructor(sessionId: string) {
    super(`Only the host of session ${sessionId}'s instance (or session:update:any) may do this`, 'not_instance_host');
  }
}

/** An update of an allocated instance (a game-server process's) must name its allocation id; others take none. */
export class AllocationMismatch extends PermissionDenied {
  constructor(sessionId: string) {
    super(`allocation_id does not match the allocation of session ${sessionId}'s instance`, 'allocation_id_mismatch');
  }
}

/** A request for a game server found no idle, healthy, connected process in the session's fleet. */
export class NoInstanceAvailable extends PermissionDenied {
  constructor(sessionId: string) {
    super(`No game server process is free to host session ${sessionId}; retry later`, 'no_instance_available');
  }
}
