import { ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { screenInput } from './input-screen.js';

/** One entry of a FastAPI-style 422 `detail` list: where, what, and which rule. */
export interface ValidationDetail {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** Thrown for input that fails its DTO's rules; each protocol renders it in its own shape. */
export class RequestValidationFailed extends Error {
  constructor(readonly details: ValidationDetail[]) {
    super(details.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; '));
    this.name = 'RequestValidationFailed';
  }

  prefixed(location: string): RequestValidationFailed {
    return new RequestValidationFailed(this.details.map((d) => ({ ...d, loc: [location, ...d.loc] })));
  }
}

/** class-validator constraint names mapped to the error types FastAPI/pydantic clients know. */
const CONSTRAINT_TYPES: Record<string, string> = {
  isDefined: 'missing',
  whitelistValidation: 'extra_forbidden',
  isString: 'string_type',
  isInt: 'int_type',
  isNumber: 'float_type',
  isBoolean: 'bool_type',
  isObject: 'dict_type',
  isArray: 'list_type',
  isEnum: 'enum',
  isIn: 'enum',
  maxLength: 'string_too_long',
  minLength: 'string_too_short',
  isNotEmpty: 'string_too_short',
  min: 'greater_than_equal',
  max: 'less_than_equal',
  arrayMaxSize: 'too_long',
  arrayMinSize: 'too_short',
  arrayUnique: 'value_error',
  isUuid: 'uuid_parsing',
  isUUID: 'uuid_parsing',
  matches: 'string_pattern_mismatch',
  nestedValidation: 'model_type',
  unknownValue: 'model_type',
};

export function flattenValidationErrors(errors: ValidationError[], path: (string | number)[] = []): ValidationDetail[] {
  const details: ValidationDetail[] = [];
  for (const error of errors) {
    const key = /^\d+$/.test(error.property) ? Number(error.property) : error.property;
    const loc = error.property === undefined || error.property === '' ? path : [...path, key];
    const constraints = error.constraints ?? {};
    // A missing value only needs to be reported as missing.
    const names = 'isDefined' in constraints && error.value === undefined ? ['isDefined'] : Object.keys(constraints);
    for (const name of names) {
      const type = CONSTRAINT_TYPES[name] ?? 'value_error';
      // A message given in the DTO (e.g. "platform or platform_id is required") beats the generic one.
      const custom = type === 'missing' && !/should not be null or undefined$/.test(constraints[name]);
      const msg =
        type === 'missing'
          ? custom
            ? constraints[name]
            : 'Field required'
          : type === 'extra_forbidden'
            ? 'Extra inputs are not permitted'
            : constraints[name];
      details.push({ loc, msg, type });
    }
    if (error.children?.length) details.push(...flattenValidationErrors(error.children, loc));
  }
  return details;
}

const LOCATIONS: Record<ArgumentMetadata['type'], string> = {
  body: 'body',
  query: 'query',
  param: 'path',
  custom: 'body',
};

/**
 * The global pipe: strict (unknown fields refused, every field checked,
 * values transformed to their DTO classes) and reporting failures with
 * their location, like FastAPI: `["body", "client_settings", "input"]`.
 */
@Injectable()
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: true },
      exceptionFactory: (errors) => new RequestValidationFailed(flattenValidationErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const location = LOCATIONS[metadata.type];
    // Every body, query and path value, whatever its DTO (or none): NUL, unpaired surrogates, prototype keys.
    if (metadata.type !== 'custom') screenInput(value, location);
    if (metadata.type === 'body' && this.toValidate(metadata) && !isPlainObject(value)) {
      throw new RequestValidationFailed([
        value === undefined || value === null
          ? { loc: [location], msg: 'Field required', type: 'missing' }
          : {
              loc: [location],
              msg: 'Input should be a valid dictionary or object to extract fields from',
              type: 'model_attributes_type',
            },
      ]);
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof RequestValidationFailed) throw error.prefixed(location);
      throw error;
    }
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
