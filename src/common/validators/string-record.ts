import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

export interface StringRecordOptions {
  maxEntries?: number;
  maxKeyLength?: number;
  minValueLength?: number;
  maxValueLength?: number;
}

/**
 * A JSON object of string values, as RallyHere's `custom_data`
 * (`additionalProperties: {type: string, minLength: 1, maxLength: 4096}`),
 * with bounds on its size.
 */
export function IsStringRecord(options: StringRecordOptions = {}, validationOptions?: ValidationOptions) {
  const { maxEntries = 64, maxKeyLength = 128, minValueLength = 1, maxValueLength = 4096 } = options;
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isStringRecord',
      target: target.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= maxEntries &&
            entries.every(
              ([key, v]) =>
                key.length >= 1 &&
                key.length <= maxKeyLength &&
                typeof v === 'string' &&
                v.length >= minValueLength &&
                v.length <= maxValueLength,
            )
          );
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must be an object of at most ${maxEntries} string values (keys 1-${maxKeyLength} characters, values ${minValueLength}-${maxValueLength} characters)`;
        },
      },
    });
}
