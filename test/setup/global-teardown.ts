import pg from 'pg';

/** Drops this run's databases and stops the embedded server if the setup started one. */
export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.JOINERY_TEST_ADMIN_URL;
  const run = process.env.JOINERY_TEST_RUN;
  if (!adminUrl || !run) return;
  delete process.env.JOINERY_TEST_ADMIN_URL;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `joinery\\_%${run}%`,
    ]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
  await globalThis.joineryTestTeardown?.();
  globalThis.joineryTestTeardown = undefined;
}
