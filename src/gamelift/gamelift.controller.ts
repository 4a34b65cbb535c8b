import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { SigV4Auth } from '../auth/decorators.js';
import { AMZ_JSON, awsRequestId } from './aws-errors.js';
import { encodeAwsJson } from './aws-json.codec.js';
import { GameLiftOperations, OPERATION_INPUTS, OPERATION_NAMES, operationPermissions } from './gamelift.operations.js';
import { TARGET_PREFIX } from './wire-protocols.js';

/**
 * The GameLift endpoint: AWS JSON 1.1 on `POST /`, routed by
 * `X-Amz-Target: GameLift.<Operation>`, signed with AWS Signature V4.
 * Made for the AWS SDKs (the explorer documents it but cannot sign it; see docs/gamelift.md).
 * The same operations answer Smithy RPC v2 CBOR in `gamelift-cbor.controller.ts`.
 */
@ApiTags('GameLift (AWS JSON 1.1)')
@ApiExtraModels(...OPERATION_INPUTS)
@Controller()
export class GameLiftController {
  constructor(private readonly operations: GameLiftOperations) {}

  @Post()
  @HttpCode(200)
  @SigV4Auth(operationPermissions)
  @ApiOperation({
    summary: 'GameLift operations',
    description:
      'AWS JSON 1.1, as the AWS SDKs send it: `Content-Type: application/x-amz-json-1.1`, the operation in ' +
      '`X-Amz-Target`, the input as the JSON body, signed with AWS Signature V4 (service `gamelift`) by a Joinery ' +
      "access key. The key's role must grant `gamelift:<Operation>`. `AcceptPlayerSession`, `RemovePlayerSession`, " +
      '`ActivateGameSession` and `UpdatePlayerSessionCreationPolicy` are the game-server calls. The explorer ' +
      'cannot sign requests: use an AWS SDK (docs/gamelift.md).',
  })
  @ApiSecurity('sigv4')
  @ApiHeader({
    name: 'X-Amz-Target',
    required: true,
    schema: { type: 'string', enum: [...OPERATION_NAMES].map((name) => `${TARGET_PREFIX}${name}`) },
  })
  @ApiBody({ schema: { oneOf: OPERATION_INPUTS.map((input) => ({ $ref: getSchemaPath(input) })) } })
  @ApiOkResponse({
    description: "The operation's output (e.g. `{GameSession}`, `{PlayerSession}`), timestamps in epoch seconds",
  })
  @ApiBadRequestResponse({
    description:
      '`{"__type": "<Exception>", "message": "..."}`: NotFoundException, GameSessionFullException, ' +
      'InvalidGameSessionStatusException, InvalidRequestException, UnrecognizedClientException, ' +
      'InvalidSignatureException, AccessDeniedException, UnknownOperationException, SerializationException',
  })
  @ApiServiceUnavailableResponse({ description: '`ServiceUnavailableException`: the database is unreachable; retry' })
  async call(
    @Req() request: Request,
    // Through the global pipe like every body; each operation validates its own input class.
    @Body() body: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const output = await this.operations.call(request, body);
    response.setHeader('x-amzn-RequestId', awsRequestId(request));
    response.setHeader('Content-Type', AMZ_JSON);
    response.status(200).send(encodeAwsJson(output));
  }
}
