import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { QueryRunner } from 'typeorm';

/** The source tree (src/ when run from TypeScript, dist/src/ when built): every module's `sql/` folder is under it. */
const SOURCE_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface SqlFile {
  /** Path relative to the source root, e.g. `session/sql/seats.sql`. */
  path: string;
  text: string;
}

/** Every `<module>/sql/*.sql` file under the source root, in path order. */
export async function sqlFunctionFiles(root = SOURCE_ROOT): Promise<SqlFile[]> {
  const entries = await readdir(root, { recursive: true });
  const paths = entries
    .map((entry) => entry.split('\\').join('/'))
    .filter((entry) => /(^|\/)sql\/[^/]+\.sql$/.test(entry))
    .sort();
  return Promise.all(paths.map(async (path) => ({ path, text: await readFile(join(root, path), 'utf8') })));
}

/** One checksum of all the files, names included. */
export function checksumOf(files: SqlFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(file.path).update('\0').update(file.text).update('\0');
  return hash.digest('hex');
}

/**
 * Applies the SQL functions: in one transaction, drops every `joinery_*`
 * function and creates those the files define, so a function removed from a
 * file disappears and one changed is replaced whatever its signature. The
 * files are run twice: once without checking function bodies (so that they
 * may call each other in any order), once with the check, which then sees
 * them all. Skipped when the files' checksum is the one last applied.
 * The caller holds the migration lock.
 */
export async function applySqlFunctions(runner: QueryRunner, files?: SqlFile[]): Promise<boolean> {
  const sources = files ?? (await sqlFunctionFiles());
  const checksum = checksumOf(sources);
  const [current] = (await runner.query(`SELECT checksum FROM sql_functions_applied WHERE id = 1`)) as {
    checksum: string;
  }[];
  if (current?.checksum === checksum) return false;
  await runner.startTransaction();
  try {
    const existing = (await runner.query(
      `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p
        WHERE p.pronamespace = current_schema()::regnamespace AND p.proname LIKE 'joinery\\_%'`,
    )) as { signature: string }[];
    for (const { signature } of existing) await runner.query(`DROP FUNCTION ${signature}`);
    await runner.query(`SET LOCAL check_function_bodies = off`);
    for (const file of sources) await run(runner, file);
    await runner.query(`SET LOCAL check_function_bodies = on`);
    for (const file of sources) await run(runner, file);
    await runner.query(
      `INSERT INTO sql_functions_applied (id, checksum) VALUES (1, $1)
       ON CONFLICT (id) DO UPDATE SET checksum = excluded.checksum, applied_at = now()`,
      [checksum],
    );
    await runner.commitTransaction();
    return true;
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  }
}

async function run(runner: QueryRunner, file: SqlFile): Promise<void> {
  try {
    await runner.query(file.text);
  } catch (error) {
    throw new Error(`${file.path}: ${(error as Error).message}`, { cause: error });
  }
}
