import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { SigV4Auth } from '../auth/decorators.js';
import { awsRequestId, SerializationFailure } from './aws-errors.js';
import { GameLiftOperations, OPERATION_INPUTS, OPERATION_NAMES, operationPermissions } from './gamelift.operations.js';
import { CBOR_CONTENT_TYPE, encodeCbor, RPC_V2_CBOR, SMITHY_PROTOCOL_HEADER } from './rpcv2-cbor.codec.js';
import { RPC_V2_SERVICE_NAMES } from './wire-protocols.js';

/**
 * The GameLift endpoint in Smithy RPC v2 CBOR, the protocol the GameLift
 * model lists first (`"protocols": ["smithy-rpc-v2-cbor", "json"]`) and the
 * AWS SDKs for Go v2, Java 2.x, .NET v4, C++, Swift and Kotlin send:
 * `POST /service/GameLift/operation/<Operation>`, signed with AWS Signature V4.
 * The same operation table as AWS JSON 1.1 (`gamelift.controller.ts`); only
 * the codec differs (`rpcv2-cbor.codec.ts`).
 */
@ApiTags('GameLift (Smithy RPC v2 CBOR)')
@Controller('service')
export class GameLiftCborController {
  constructor(private readonly operations: GameLiftOperations) {}

  @Post(':service/operation/:operation')
  @HttpCode(200)
  @SigV4Auth(operationPermissions)
  @ApiOperation({
    summary: 'GameLift operations (Smithy RPC v2 CBOR)',
    description:
      'Smithy RPC v2 CBOR, as the AWS SDKs for Go v2, Java 2.x, .NET v4, C++, Swift and Kotlin send it: the operation ' +
      'in the path, `Smithy-Protocol: rpc-v2-cbor`, `Content-Type: application/cbor`, the input as a CBOR map ' +
      '(the same members and rules as AWS JSON 1.1 on `POST /`), signed with AWS Signature V4 (service `gamelift`; ' +
      '`smithy-protocol` and `content-type` must be signed). Answers are CBOR maps, timestamps as tag 1 over epoch ' +
      "seconds. The key's role must grant `gamelift:<Operation>`. The explorer can neither sign nor write CBOR: use " +
      'an AWS SDK (docs/gamelift.md).',
  })
  @ApiSecurity('sigv4')
  @ApiParam({ name: 'service', schema: { type: 'string', enum: [...RPC_V2_SERVICE_NAMES] } })
  @ApiParam({ name: 'operation', schema: { type: 'string', enum: [...OPERATION_NAMES] } })
  @ApiHeader({ name: 'Smithy-Protocol', required: true, schema: { type: 'string', enum: [RPC_V2_CBOR] } })
  @ApiConsumes(CBOR_CONTENT_TYPE)
  @ApiProduces(CBOR_CONTENT_TYPE)
  @ApiBody({
    description: "The operation's input as a CBOR map (shown here in its JSON equivalent)",
    schema: { oneOf: OPERATION_INPUTS.map((input) => ({ $ref: getSchemaPath(input) })) },
  })
  @ApiOkResponse({
    description:
      "The operation's output as a CBOR map (e.g. `{GameSession}`), timestamps as CBOR tag 1 (epoch seconds)",
  })
  @ApiBadRequestResponse({
    description:
      'A CBOR map `{__type: "<shape id>", message}`, e.g. `com.amazonaws.gamelift#NotFoundException`: ' +
      'NotFoundException, GameSessionFullException, InvalidGameSessionStatusException, InvalidRequestException ' +
      '(`com.amazonaws.gamelift#`); UnrecognizedClientException, InvalidSignatureException, AccessDeniedException, ' +
      'UnknownOperationException, SerializationException (`com.amazon.coral.service#`)',
  })
  @ApiServiceUnavailableResponse({
    description: '`com.amazon.coral.availability#ServiceUnavailableException`: the database is unreachable; retry',
  })
  async call(
    @Req() request: Request & { rawBody?: Buffer },
    // Decoded from CBOR by rpcV2CborBodyDecoder; through the global pipe like every body.
    @Body() document: unknown,
    @Res() response: Response,
  ): Promise<void> {
    checkRpcV2CborRequest(request, request.rawBody);
    const output = await this.operations.call(request, document);
    response.setHeader('x-amzn-RequestId', awsRequestId(request));
    response.setHeader(SMITHY_PROTOCOL_HEADER, RPC_V2_CBOR);
    response.setHeader('Content-Type', CBOR_CONTENT_TYPE);
    response.status(200).send(Buffer.from(encodeCbor(output)));
  }
}

/**
 * What the spec asks of every request: `Smithy-Protocol: rpc-v2-cbor`, no
 * `X-Amz-Target` (servers MUST refuse it), and `Content-Type: application/cbor`
 * when there is a body.
 */
function checkRpcV2CborRequest(request: Request, body: Buffer | undefined): void {
  if (request.headers[SMITHY_PROTOCOL_HEADER] !== RPC_V2_CBOR) {
    throw new SerializationFailure(`Requests under /service/ must carry the header Smithy-Protocol: ${RPC_V2_CBOR}`);
  }
  if (request.headers['x-amz-target'] !== undefined || request.headers['x-amzn-target'] !== undefined) {
    throw new SerializationFailure('An RPC v2 CBOR request must not carry X-Amz-Target (the operation is in the path)');
  }
  if (body && body.length > 0 && !request.is(CBOR_CONTENT_TYPE)) {
    throw new SerializationFailure(`Content-Type must be ${CBOR_CONTENT_TYPE}`);
  }
}
