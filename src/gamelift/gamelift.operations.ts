import { Injectable } from '@nestjs/common';
import { type ClassConstructor, plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request } from 'express';
import { hasPermission } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { PermissionDenied } from '../common/errors.js';
import { flattenValidationErrors, isPlainObject, RequestValidationFailed } from '../common/validation.js';
import { SerializationFailure, UnknownOperation } from './aws-errors.js';
import {
  CreateGameSessionInput,
  CreatePlayerSessionInput,
  CreatePlayerSessionsInput,
  DescribeGameSessionsInput,
  DescribePlayerSessionsInput,
  GameSessionInput,
  PlayerSessionInput,
  SearchGameSessionsInput,
  TerminateGameSessionInput,
  UpdateGameSessionInput,
  UpdatePlayerSessionCreationPolicyInput,
} from './dto/operations.dto.js';
import { GameSessionsService } from './game-sessions.service.js';
import { PlayerSessionsService } from './player-sessions.service.js';
import { protocolOf, requestedOperation, unknownOperationMessage, type WireProtocol } from './wire-protocols.js';

/** Every operation served on `POST /` and its input class (each class documented in the explorer). */
export const OPERATION_INPUT = {
  CreateGameSession: CreateGameSessionInput,
  DescribeGameSessions: DescribeGameSessionsInput,
  DescribeGameSessionDetails: DescribeGameSessionsInput,
  SearchGameSessions: SearchGameSessionsInput,
  UpdateGameSession: UpdateGameSessionInput,
  TerminateGameSession: TerminateGameSessionInput,
  CreatePlayerSession: CreatePlayerSessionInput,
  CreatePlayerSessions: CreatePlayerSessionsInput,
  DescribePlayerSessions: DescribePlayerSessionsInput,
  AcceptPlayerSession: PlayerSessionInput,
  RemovePlayerSession: PlayerSessionInput,
  ActivateGameSession: GameSessionInput,
  UpdatePlayerSessionCreationPolicy: UpdatePlayerSessionCreationPolicyInput,
} as const;

/** Every operation served, on `POST /` (AWS JSON 1.1) and on `POST /service/GameLift/operation/<name>` (RPC v2 CBOR). */
export const OPERATION_NAMES = new Set(Object.keys(OPERATION_INPUT));

/** The operations' input classes, each once. */
export const OPERATION_INPUTS = [...new Set(Object.values(OPERATION_INPUT))];

interface Operation<T extends object = object> {
  input: ClassConstructor<T>;
  run: (input: T) => Promise<object>;
  /** Permissions some inputs need besides `gamelift:<Operation>` (all of them). */
  alsoRequires?: (input: T) => string[];
}

function operation<T extends object>(
  input: ClassConstructor<T>,
  run: (input: T) => Promise<object>,
  alsoRequires?: (input: T) => string[],
): Operation {
  return {
    input,
    run: run as (input: object) => Promise<object>,
    alsoRequires: alsoRequires as ((input: object) => string[]) | undefined,
  };
}

/**
 * The GameLift operations, by name: the ones of the model, and the
 * game-server calls Joinery adds on the same endpoints. Each validates its
 * input against the model's constraints. The table knows no wire protocol:
 * each protocol's controller names the operation and hands over the decoded
 * input document (see `wire-protocols.ts`).
 */
@Injectable()
export class GameLiftOperations {
  private readonly operations: Map<string, Operation>;

  constructor(gameSessions: GameSessionsService, playerSessions: PlayerSessionsService) {
    this.operations = new Map<string, Operation>([
      ['CreateGameSession', operation(OPERATION_INPUT.CreateGameSession, (i) => gameSessions.create(i))],
      ['DescribeGameSessions', operation(OPERATION_INPUT.DescribeGameSessions, (i) => gameSessions.describe(i))],
      [
        'DescribeGameSessionDetails',
        operation(OPERATION_INPUT.DescribeGameSessionDetails, (i) => gameSessions.describeDetails(i)),
      ],
      ['SearchGameSessions', operation(OPERATION_INPUT.SearchGameSessions, (i) => gameSessions.search(i))],
      [
        'UpdateGameSession',
        operation(
          OPERATION_INPUT.UpdateGameSession,
          (i) => gameSessions.update(i),
          // The creation policy is the game server's to change (UpdatePlayerSessionCreationPolicy), whichever call.
          (i) => (i.PlayerSessionCreationPolicy === undefined ? [] : ['gamelift:UpdatePlayerSessionCreationPolicy']),
        ),
      ],
      ['TerminateGameSession', operation(OPERATION_INPUT.TerminateGameSession, (i) => gameSessions.terminate(i))],
      [
        'CreatePlayerSession',
        operation(OPERATION_INPUT.CreatePlayerSession, async (i) => ({
          PlayerSession: (await playerSessions.createOne(i)).PlayerSession,
        })),
      ],
      ['CreatePlayerSessions', operation(OPERATION_INPUT.CreatePlayerSessions, (i) => playerSessions.createMany(i))],
      ['DescribePlayerSessions', operation(OPERATION_INPUT.DescribePlayerSessions, (i) => playerSessions.describe(i))],
      // Game-server calls (GameLift's server SDK; not in the AWS JSON model).
      ['AcceptPlayerSession', operation(OPERATION_INPUT.AcceptPlayerSession, (i) => playerSessions.accept(i))],
      ['RemovePlayerSession', operation(OPERATION_INPUT.RemovePlayerSession, (i) => playerSessions.remove(i))],
      ['ActivateGameSession', operation(OPERATION_INPUT.ActivateGameSession, (i) => gameSessions.activate(i))],
      [
        'UpdatePlayerSessionCreationPolicy',
        operation(OPERATION_INPUT.UpdatePlayerSessionCreationPolicy, (i) => gameSessions.updateCreationPolicy(i)),
      ],
    ]);
    const missing = [...OPERATION_NAMES].filter((n) => !this.operations.has(n));
    if (missing.length || this.operations.size !== OPERATION_NAMES.size) {
      throw new Error(`GameLift operations and OPERATION_NAMES differ: ${missing.join(', ')}`);
    }
  }

  /**
   * Runs the operation the request names (see {@link requestedOperation}) with
   * its validated input: `document` is the decoded body, a plain document
   * (JSON's data model; timestamps as `Date`), undefined when there was none.
   */
  async call(request: Request, document: unknown): Promise<object> {
    const name = requestedOperation(request);
    const op = name === undefined ? undefined : this.operations.get(name);
    if (!op) throw new UnknownOperation(unknownOperationMessage(request));
    const input = await this.input(op.input, document, protocolOf(request));
    const principal = (request as Request & { user?: Principal }).user;
    for (const permission of op.alsoRequires?.(input) ?? []) {
      if (!principal || !hasPermission(principal.permissions, permission)) {
        throw new PermissionDenied(`Insufficient Permissions: this request also requires ${permission}`);
      }
    }
    return op.run(input);
  }

  private async input<T extends object>(
    type: ClassConstructor<T>,
    document: unknown,
    protocol: WireProtocol,
  ): Promise<T> {
    const plain = document === undefined ? {} : document;
    if (!isPlainObject(plain)) {
      throw new SerializationFailure(
        `Request body must be ${protocol === 'RPC v2 CBOR' ? 'a CBOR map' : 'a JSON object'}`,
      );
    }
    const input = plainToInstance(type, plain, { enableImplicitConversion: false });
    const errors = await validate(input, {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: true },
    });
    if (errors.length) throw new RequestValidationFailed(flattenValidationErrors(errors));
    return input;
  }
}

/** `@SigV4Auth` resolver: each operation needs `gamelift:<Operation>`. */
export function operationPermissions(request: Request): string[] {
  const name = requestedOperation(request);
  if (name === undefined || !OPERATION_NAMES.has(name)) throw new UnknownOperation(unknownOperationMessage(request));
  return [`gamelift:${name}`];
}
