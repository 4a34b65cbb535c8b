import { Injectable } from '@nestjs/common';
import { type ClassConstructor, plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request } from 'express';
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

/** The operations' input classes (each documented in the explorer). */
export const OPERATION_INPUTS = [
  CreateGameSessionInput,
  DescribeGameSessionsInput,
  SearchGameSessionsInput,
  UpdateGameSessionInput,
  TerminateGameSessionInput,
  CreatePlayerSessionInput,
  CreatePlayerSessionsInput,
  DescribePlayerSessionsInput,
  GameSessionInput,
  PlayerSessionInput,
  UpdatePlayerSessionCreationPolicyInput,
];

/** Every operation served, on `POST /` (AWS JSON 1.1) and on `POST /service/GameLift/operation/<name>` (RPC v2 CBOR). */
export const OPERATION_NAMES = new Set([
  'CreateGameSession',
  'DescribeGameSessions',
  'DescribeGameSessionDetails',
  'SearchGameSessions',
  'UpdateGameSession',
  'TerminateGameSession',
  'CreatePlayerSession',
  'CreatePlayerSessions',
  'DescribePlayerSessions',
  'AcceptPlayerSession',
  'RemovePlayerSession',
  'ActivateGameSession',
  'UpdatePlayerSessionCreationPolicy',
]);

interface Operation<T extends object = object> {
  input: ClassConstructor<T>;
  run: (input: T) => Promise<object>;
}

function operation<T extends object>(input: ClassConstructor<T>, run: (input: T) => Promise<object>): Operation {
  return { input, run: run as (input: object) => Promise<object> };
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
      ['CreateGameSession', operation(CreateGameSessionInput, (i) => gameSessions.create(i))],
      ['DescribeGameSessions', operation(DescribeGameSessionsInput, (i) => gameSessions.describe(i))],
      ['DescribeGameSessionDetails', operation(DescribeGameSessionsInput, (i) => gameSessions.describeDetails(i))],
      ['SearchGameSessions', operation(SearchGameSessionsInput, (i) => gameSessions.search(i))],
      ['UpdateGameSession', operation(UpdateGameSessionInput, (i) => gameSessions.update(i))],
      ['TerminateGameSession', operation(TerminateGameSessionInput, (i) => gameSessions.terminate(i))],
      [
        'CreatePlayerSession',
        operation(CreatePlayerSessionInput, async (i) => ({
          PlayerSession: (await playerSessions.createOne(i)).PlayerSession,
        })),
      ],
      ['CreatePlayerSessions', operation(CreatePlayerSessionsInput, (i) => playerSessions.createMany(i))],
      ['DescribePlayerSessions', operation(DescribePlayerSessionsInput, (i) => playerSessions.describe(i))],
      // Game-server calls (GameLift's server SDK; not in the AWS JSON model).
      ['AcceptPlayerSession', operation(PlayerSessionInput, (i) => playerSessions.accept(i))],
      ['RemovePlayerSession', operation(PlayerSessionInput, (i) => playerSessions.remove(i))],
      ['ActivateGameSession', operation(GameSessionInput, (i) => gameSessions.activate(i))],
      [
        'UpdatePlayerSessionCreationPolicy',
        operation(UpdatePlayerSessionCreationPolicyInput, (i) => gameSessions.updateCreationPolicy(i)),
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
    return op.run(await this.input(op.input, document, protocolOf(request)));
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
