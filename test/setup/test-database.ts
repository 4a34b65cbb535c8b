import pg from 'pg';

const TEMPLATE_LOCK = 0x4a4f5454; // "JOTT"

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
  adminUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * The run's migrated template database, created by whichever test file
 * asks first (the others wait on an advisory lock). The application is imported only here, when the template
 * is built: a file that drives service processes alone never loads it.
 */
export async function ensureTemplate(adminUrl: string, template: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (rowCount) return;
    const building = `${template}_building`;
    await client.query(`DROP DATABASE IF EXISTS "${building}"`);
    await client.query(`CREATE DATABASE "${building}"`);
    const [{ DataSource }, { dataSourceOptions }, { migrateWithLock }, { createApp }, { loadConfig }] =
      await Promise.all([
        import('typeorm'),
        import('../../src/database/data-source-options.js'),
        import('../../src/database/migrate.js'),
        import('../../src/app.factory.js'),
        import('../../src/config/config.js'),
      ]);
    const dataSource = await new DataSource(
      dataSourceOptions({ url: withDatabase(adminUrl, building), poolSize: 2 }),
    ).initialize();
    try {
      await migrateWithLock(dataSource);
    } finally {
      await dataSource.destroy();
    }
    // One start on the template, so every copy already holds what a first start creates (the token signing
    // key, the bootstrap clients): an RSA key and scrypt hashes are about a second of CPU per test file.
    const app = await createApp(
      loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: withDatabase(adminUrl, building) }),
    );
    await app.init();
    await app.close();
    await client.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => undefined);
    await client.end();
  }
}

/** A fresh database copied from the template. */
export async function createDatabaseFromTemplate(adminUrl: string, template: string, name: string): Promise<string> {
  await ensureTemplate(adminUrl, template);
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      return withDatabase(adminUrl, name);
    } catch (error) {
      // 55006: the template is briefly busy while another file copies it.
      if ((error as { code?: string }).code !== '55006' || attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
    }
  }
}

/**
 * Drops a test database once the connections of the closed applications are
 * gone (a pool's end() resolves before its sockets close; terminating them
 * then would raise errors in the test process). FORCE after 5 s.
 */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 50) {
    const [{ n }] = await adminQuery<{ n: number }>(
      adminUrl,
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
      [name],
    );
    if (n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
