import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Validates answers against the component schemas of RallyHere's official
 * OpenAPI documents (copied into test/fixtures).
 */
const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its function is the module itself (its `default` under some loaders).
const addFormats = ((formats as unknown as { default?: typeof formats }).default ?? formats) as unknown as (
  a: Ajv2020,
) => void;
addFormats(ajv);
ajv.addFormat('semver', /^\d+\.\d+\.\d+([-+].*)?$/);
for (const [id, file] of [
  ['rh-session', 'rallyhere-session.schemas.json'],
  ['rh-users', 'rallyhere-users.schemas.json'],
]) {
  ajv.addSchema({ ...JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', file), 'utf8')), $id: id });
}

export function expectRallyHereSchema(document: 'session' | 'users', schema: string, value: unknown): void {
  const validate = ajv.getSchema(`rh-${document}#/components/schemas/${schema}`);
  if (!validate) throw new Error(`No schema ${schema} in the ${document} document`);
  if (!validate(value)) {
    throw new Error(
      `Answer does not match RallyHere's ${schema}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value, null, 2)}`,
    );
  }
}
