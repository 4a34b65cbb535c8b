/**
 * The benchmark's bare baseline (bench/README.md): Node's `http` and a `pg` pool, no framework, no auth, no
 * validation, no logging. A request's body is the parameters of one SQL statement: the ledger function the
 * service calls, or (for /login) the service's player upsert, followed by one RS256 signature.
 * `WEB_CONCURRENCY` workers share the port through node:cluster, as the service's do.
 */
import cluster from 'node:cluster';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import jwt from 'jsonwebtoken';
import pg from 'pg';

const SQL: Record<string, string> = {
  '/create-or-join': `SELECT * FROM joinery_create_or_join(p_type => $1, p_region => $2, p_team => NULL,
                        p_player => $3, p_password_digest => NULL, p_fleet_id => $4, p_location => $5)`,
  '/reserve-seats': 'SELECT * FROM joinery_reserve_seats($1, $2, $3, $4)',
  '/login': `INSERT INTO player (platform, portal_user_id, display_name, role) VALUES ('Anon', $1, $2, $3)
             ON CONFLICT (platform, portal_user_id) DO UPDATE SET last_login_at = now() RETURNING id, role`,
};
const workers = Number(process.env.WEB_CONCURRENCY ?? 1);

if (cluster.isPrimary) {
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    if (++listening === workers) console.log(`bare server: ${workers} workers on http://127.0.0.1:${address.port}`);
  });
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE) });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sign = (row: { id: string; role: string }) =>
    jwt.sign({ role: row.role }, privateKey, {
      algorithm: 'RS256',
      subject: row.id,
      expiresIn: 3600,
      jwtid: randomUUID(),
    });
  createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      pool.query(SQL[request.url!], JSON.parse(Buffer.concat(chunks).toString()) as unknown[]).then(
        ({ rows }) => {
          const body = request.url === '/login' ? { ...rows[0], access_token: sign(rows[0]) } : rows;
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        },
        (error: Error) => response.writeHead(500).end(error.message),
      );
    });
  }).listen(0, '127.0.0.1');
}
