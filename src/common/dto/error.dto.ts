import { ApiProperty } from '@nestjs/swagger';

/** RallyHere's error body for 400, 403, 404, 409, 412, 429 and 503 answers. */
export class HzApiErrorModelDto {
  /** `false` when the credentials themselves were refused (missing, expired, forged). */
  @ApiProperty({ default: true })
  auth_success: boolean;

  /** Stable, machine-readable code, e.g. `session_not_found`. */
  @ApiProperty({ example: 'session_not_found' })
  error_code: string;

  /** Human-readable description. */
  @ApiProperty({ example: 'Session not found' })
  desc: string;
}

export class ValidationErrorDto {
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    example: ['body', 'session_type'],
  })
  loc: (string | number)[];

  @ApiProperty({ example: 'Field required' })
  msg: string;

  @ApiProperty({ example: 'missing' })
  type: string;
}

/** RallyHere's (FastAPI's) 422 body. */
export class HttpValidationErrorDto {
  @ApiProperty({ type: [ValidationErrorDto] })
  detail: ValidationErrorDto[];
}
