/**
 * AWS JSON 1.1 encoding of an operation's output: the output document as
 * JSON, timestamps (`Date`) as epoch seconds with fractions (milliseconds
 * would break the SDKs). Unset members are already left out by the mappers.
 */
export function encodeAwsJson(output: object): string {
  return JSON.stringify(output, function (this: Record<string, unknown>, key, value: unknown) {
    // JSON.stringify hands the replacer Date#toJSON's string; the holder still has the Date.
    const original = this[key];
    return original instanceof Date ? original.getTime() / 1000 : value;
  });
}
