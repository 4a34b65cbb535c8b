import { createPrivateKey, type KeyObject, randomBytes } from 'node:crypto';
import pg from 'pg';
import { SecretBox } from '../../src/auth/secret-box.js';
import { DEV_BOOTSTRAP } from '../../src/config/config.js';
import { createDatabaseFromTemplate, dropDatabase } from '../setup/test-database.js';

/** A database of its own for one test file, copied from the run's migrated template. */
export class TestDatabase {
  private client?: Promise<pg.Client>;

  private constructor(
    readonly name: string,
    readonly url: string,
    private readonly adminUrl: string,
  ) {}

  static async create(): Promise<TestDatabase> {
    const adminUrl = process.env.JOINERY_TEST_ADMIN_URL;
    const run = process.env.JOINERY_TEST_RUN;
    if (!adminUrl || !run) throw new Error('The e2e global setup did not run');
    const template = `joinery_tpl_${run}`;
    const name = `joinery_t_${run}_${randomBytes(4).toString('hex')}`;
    const url = await createDatabaseFromTemplate(adminUrl, template, name);
    return new TestDatabase(name, url, adminUrl);
  }

  /** Runs SQL directly, to check what the service wrote. */
  async query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    // One client (it queues queries): unlike a pool's, its end() resolves only once the connection is closed.
    this.client ??= (async () => {
      const client = new pg.Client({ connectionString: this.url });
      await client.connect();
      return client;
    })();
    return (await (await this.client).query<T>(sql, params)).rows;
  }

  /** The private key of a stored signing key, opened with the development SECRETS_ENCRYPTION_KEY the tests run with. */
  async signingKey(kid: string): Promise<KeyObject> {
    const [row] = await this.query(`SELECT private_key_sealed FROM signing_key WHERE kid = $1`, [kid]);
    const pem = row && new SecretBox(DEV_BOOTSTRAP.secretsEncryptionKey).open(row.private_key_sealed, kid);
    if (!pem) throw new Error(`signing key ${kid} is not stored or does not open`);
    return createPrivateKey(pem);
  }

  async drop(): Promise<void> {
    if (this.client) await (await this.client).end();
    await dropDatabase(this.adminUrl, this.name);
  }
}
