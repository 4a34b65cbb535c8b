import { applyDecorators } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { HttpValidationErrorDto, HzApiErrorModelDto } from '../common/dto/error.dto.js';

/** The errors every admin route may answer, documented once. */
export function AdminErrors(options: { conditional?: boolean } = {}) {
  return applyDecorators(
    ApiNotFoundResponse({ type: HzApiErrorModelDto, description: 'No such resource' }),
    ApiConflictResponse({ type: HzApiErrorModelDto, description: 'Already exists, in use, or already done' }),
    ApiUnprocessableEntityResponse({
      type: HttpValidationErrorDto,
      description: 'Validation error; nothing was changed',
    }),
    ...(options.conditional
      ? [
          ApiResponse({ status: 412, type: HzApiErrorModelDto, description: '`If-Match` names an older version' }),
          ApiResponse({ status: 428, type: HzApiErrorModelDto, description: '`If-Match` is required' }),
        ]
      : []),
  );
}
