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
/**
 * The documents say OpenAPI 3.1 (JSON Schema 2020-12), yet a few schemas (`InstanceHealthSettingsResponse`) use the
 * OpenAPI 3.0 form `exclusiveMinimum: true` beside `minimum: n`, which 2020-12 writes `exclusiveMinimum: n`. They
 * are read in the 2020-12 form (the same bound), the fixtures themselves left as copied.
 */
function as2020(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(as2020);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = as2020(value);
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ]) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag] === true && typeof out[bound] === 'number') out[flag] = out[bound];
      else delete out[flag];
      if (typeof out[flag] === 'number') delete out[bound];
    }
  }
  return out;
}

for (const [id, file] of [
  ['rh-session', 'rallyhere-session.schemas.json'],
  ['rh-users', 'rallyhere-users.schemas.json'],
]) {
  const document = as2020(JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', file), 'utf8')));
  ajv.addSchema({ ...(document as object), $id: id });
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
