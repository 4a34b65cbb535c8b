/*
 * The SQL function loader (src/database/sql-functions.ts) on a database copied from the run's migrated template:
 * skipped while the files are unchanged, re-applied when a file's text changes, a function removed from the files
 * dropped, and a file that fails leaves the functions as they were.
 */
import { DataSource, type QueryRunner } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { migrateWithLock } from '../../src/database/migrate.js';
import { applySqlFunctions, checksumOf, type SqlFile, sqlFunctionFiles } from '../../src/database/sql-functions.js';
import { TestDatabase } from '../utils/test-app.js';

const PROBE = `
CREATE OR REPLACE FUNCTION joinery_loader_probe() RETURNS integer
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT 42 $$;
`;

let db: TestDatabase;
let dataSource: DataSource;
let runner: QueryRunner;
let files: SqlFile[];

/** The files with one file's text changed. */
function changed(path: string, edit: (text: string) => string): SqlFile[] {
  if (!files.some((file) => file.path === path)) throw new Error(`no file ${path}`);
  return files.map((file) => (file.path === path ? { path, text: edit(file.text) } : file));
}

/** Every joinery_* function's signature, in order. */
async function signatures(): Promise<string[]> {
  const rows = await db.query<{ signature: string }>(
    `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p
      WHERE p.pronamespace = current_schema()::regnamespace AND p.proname LIKE 'joinery\\_%' ORDER BY 1`,
  );
  return rows.map((r) => r.signature);
}

async function storedChecksum(): Promise<string | undefined> {
  const [row] = await db.query<{ checksum: string }>(`SELECT checksum FROM sql_functions_applied WHERE id = 1`);
  return row?.checksum;
}

async function exists(name: string): Promise<boolean> {
  const [{ found }] = await db.query<{ found: boolean }>(`SELECT to_regproc($1) IS NOT NULL AS found`, [name]);
  return found;
}

beforeAll(async () => {
  db = await TestDatabase.create();
  // Errors the tests provoke on purpose are not logged.
  dataSource = await new DataSource({
    ...dataSourceOptions({ url: db.url, poolSize: 4 }),
    logging: false,
  }).initialize();
  runner = dataSource.createQueryRunner();
  await runner.connect();
  files = await sqlFunctionFiles();
});

afterAll(async () => {
  await runner?.release();
  await dataSource?.destroy();
  await db?.drop();
});

describe('SQL function files', () => {
  it('are found under each module, and define each function exactly once', async () => {
    const paths = files.map((file) => file.path);
    expect(paths).toEqual(expect.arrayContaining(['session/sql/predicates.sql', 'session/sql/seats.sql']));
    expect(paths).toEqual([...paths].sort());
    const defined = files.flatMap((file) =>
      [...file.text.matchAll(/CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(joinery_[a-z0-9_]+)\s*\(/gi)].map((m) => m[1]),
    );
    expect(defined.filter((name, i) => defined.indexOf(name) !== i)).toEqual([]);
    const installed = (await signatures()).map((signature) => signature.replace(/\(.*$/, ''));
    expect([...defined].sort()).toEqual(installed);
  });
});

describe('applySqlFunctions', () => {
  it('is skipped on a migrated database while the files are unchanged', async () => {
    expect(await storedChecksum()).toBe(checksumOf(files));
    await expect(applySqlFunctions(runner)).resolves.toBe(false);
    await expect(applySqlFunctions(runner, files)).resolves.toBe(false);
    // At start, under the migration lock: no migration pending, no function change.
    await expect(migrateWithLock(dataSource)).resolves.toEqual({ migrations: [], functions: false });
  });

  it('re-applies when a file changes, then skips that text; drops a function no longer in the files', async () => {
    const before = await signatures();
    const withProbe = changed('session/sql/predicates.sql', (text) => text + PROBE);
    await expect(applySqlFunctions(runner, withProbe)).resolves.toBe(true);
    await expect(db.query(`SELECT joinery_loader_probe() AS v`)).resolves.toEqual([{ v: 42 }]);
    expect(await storedChecksum()).toBe(checksumOf(withProbe));
    expect(await signatures()).toEqual([...before, 'joinery_loader_probe()'].sort());
    await expect(applySqlFunctions(runner, withProbe)).resolves.toBe(false);

    // A changed body replaces the old one.
    const changedBody = changed('session/sql/predicates.sql', (text) => text + PROBE.replace('42', '43'));
    await expect(applySqlFunctions(runner, changedBody)).resolves.toBe(true);
    await expect(db.query(`SELECT joinery_loader_probe() AS v`)).resolves.toEqual([{ v: 43 }]);

    // Back to the real files: the probe is gone, every other function is as it was.
    await expect(applySqlFunctions(runner, files)).resolves.toBe(true);
    await expect(exists('joinery_loader_probe')).resolves.toBe(false);
    expect(await signatures()).toEqual(before);
    expect(await storedChecksum()).toBe(checksumOf(files));
    await expect(applySqlFunctions(runner)).resolves.toBe(false);
  });

  it('re-applies a function whose signature changed (the old signature is dropped)', async () => {
    const before = await signatures();
    const withProbe = changed('session/sql/predicates.sql', (text) => text + PROBE);
    await expect(applySqlFunctions(runner, withProbe)).resolves.toBe(true);
    const withArgument = changed(
      'session/sql/predicates.sql',
      (text) => text + PROBE.replace('joinery_loader_probe()', 'joinery_loader_probe(p integer)'),
    );
    await expect(applySqlFunctions(runner, withArgument)).resolves.toBe(true);
    expect((await signatures()).filter((s) => s.startsWith('joinery_loader_probe'))).toEqual([
      'joinery_loader_probe(integer)',
    ]);
    await expect(applySqlFunctions(runner, files)).resolves.toBe(true);
    expect(await signatures()).toEqual(before);
  });

  it.each([
    ['a statement that does not parse', 'CREATE OR REPLACE FUNCTION joinery_broken( RETURNS integer;'],
    [
      'a PL/pgSQL body that does not parse',
      `CREATE OR REPLACE FUNCTION joinery_broken() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN 1 +; END $$;`,
    ],
    [
      'an SQL body naming a function that does not exist',
      `CREATE OR REPLACE FUNCTION joinery_broken() RETURNS integer LANGUAGE sql AS $$ SELECT joinery_nowhere() $$;`,
    ],
  ])('rolls everything back when one file has %s: the old functions still work', async (_, broken) => {
    const before = await signatures();
    const checksum = await storedChecksum();
    // An earlier file changes a function and adds one; a later file is broken.
    const bad = changed('session/sql/crossplay.sql', (text) =>
      text.replace(
        /joinery_cp_all_families\(\) RETURNS integer([\s\S]*?)SELECT 3/,
        'joinery_cp_all_families() RETURNS integer$1SELECT 99',
      ),
    )
      .map((file) => (file.path === 'session/sql/predicates.sql' ? { ...file, text: file.text + PROBE } : file))
      .map((file) => (file.path === 'session/sql/seats.sql' ? { ...file, text: `${file.text}\n${broken}\n` } : file));
    expect(bad.find((file) => file.path === 'session/sql/crossplay.sql')!.text).toContain('SELECT 99');

    await expect(applySqlFunctions(runner, bad)).rejects.toThrow(/^session\/sql\/seats\.sql: /);
    expect(runner.isTransactionActive).toBe(false);
    expect(await signatures()).toEqual(before);
    expect(await storedChecksum()).toBe(checksum);
    await expect(exists('joinery_loader_probe')).resolves.toBe(false);
    await expect(exists('joinery_broken')).resolves.toBe(false);
    await expect(db.query(`SELECT joinery_cp_all_families() AS v`)).resolves.toEqual([{ v: 3 }]);
    await expect(db.query(`SELECT joinery_seat_occupies('ACTIVE') AS v`)).resolves.toEqual([{ v: true }]);
    // The runner is usable, and the real files are still the applied ones.
    await expect(applySqlFunctions(runner)).resolves.toBe(false);
  });
});
