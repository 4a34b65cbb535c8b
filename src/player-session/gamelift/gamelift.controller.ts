import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { SigV4Auth } from '../../auth/decorators.js';
import { AMZ_JSON, awsRequestId } from './aws-errors.js';
import { GameLiftOperations, operationPermissions } from './gamelift.operations.js';

/**
 * The GameLift endpoint: AWS JSON 1.1 on `POST /`, routed by
 * `X-Amz-Target: GameLift.<Operation>`, signed with AWS Signature V4.
 * Made for the AWS SDKs, so it is left out of the explorer (see docs/gamelift.md).
 */
@ApiExcludeController()
@Controller()
export class GameLiftController {
  constructor(private readonly operations: GameLiftOperations) {}

  @Post()
  @HttpCode(200)
  @SigV4Auth(operationPermissions)
  async call(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<object> {
    const output = await this.operations.call(request);
    response.setHeader('x-amzn-RequestId', awsRequestId(request));
    response.setHeader('Content-Type', AMZ_JSON);
    return output;
  }
}
