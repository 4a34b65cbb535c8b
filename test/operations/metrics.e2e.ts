import { CreatePlayerSessionCommand, type GameLiftClient } from '@aws-sdk/client-gamelift';
import { gameLiftClient } from '../clients/gamelift.js';
import { newGameSession } from '../gamelift/gamelift-helpers.js';
import { http, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

const BODY = {
  client_version: '1.0.0',
  client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
  session_type: 'hub',
};

/** The value of one series in a Prometheus text exposition (undefined when absent). */
function value(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Metrics (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let gamelift: GameLiftClient;

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db, { RESERVATION_TIMEOUT_SECONDS: '1', RESERVATION_SWEEP_INTERVAL_MS: '100' });
    gamelift = gameLiftClient(service.baseUrl);
  });

  afterAll(async () => {
    gamelift?.destroy();
    await service?.close();
    await db?.drop();
  });

  it('exposes latency per route pattern, join outcomes, seats and pool use, without credentials', async () => {
    const [ada, bob] = await Promise.all([loginPlayer(service.baseUrl, 'ada'), loginPlayer(service.baseUrl, 'bob')]);
    const created = await http(service.baseUrl, 'POST', '/session/v1/session', { token: ada.access_token, body: BODY });
    await http(service.baseUrl, 'POST', '/session/v1/session', { token: bob.access_token, body: BODY });
    await http(service.baseUrl, 'POST', '/session/v1/session', { token: bob.access_token, body: BODY });
    await http(service.baseUrl, 'POST', '/session/v1/session', {
      token: bob.access_token,
      body: { ...BODY, session_type: 'no-such-type' },
    });
    await http(service.baseUrl, 'GET', `/session/v1/session/${created.body.session_id}`, { token: ada.access_token });

    // A reservation nobody accepts: reserved, then timed out by the sweeper.
    const gameSession = await newGameSession(gamelift, service.baseUrl, { MaximumPlayerSessionCount: 4 });
    await gamelift.send(new CreatePlayerSessionCommand({ GameSessionId: gameSession, PlayerId: 'carol' }));
    for (let waited = 0; waited < 5_000; waited += 100) {
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM seat WHERE status = 'TIMEDOUT'`);
      if (n === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const scrape = await http<string>(service.baseUrl, 'GET', '/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = scrape.body;

    // Latency histograms per route pattern, not per raw URL.
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="POST",route="\/session\/v1\/session",status_code="200"\} 3$/m,
    );
    expect(text).toMatch(
      // The +Inf bucket: which finite bucket a request lands in depends on the machine's load, not on the code.
      /^http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/session\/v1\/session\/:session_id",status_code="200"\} 1$/m,
    );
    expect(text).not.toContain(created.body.session_id);
    // Join outcomes, refusals by code.
    expect(value(text, 'joinery_join_outcomes_total{operation="create_or_join",outcome="created"}')).toBe(1);
    expect(value(text, 'joinery_join_outcomes_total{operation="create_or_join",outcome="joined"}')).toBe(1);
    expect(value(text, 'joinery_join_outcomes_total{operation="create_or_join",outcome="existing"}')).toBe(1);
    expect(value(text, 'joinery_join_outcomes_total{operation="create_or_join",outcome="template_not_found"}')).toBe(1);
    expect(value(text, 'joinery_join_outcomes_total{operation="reserve",outcome="reserved"}')).toBe(1);
    // Seats reserved, timed out, and occupied now.
    expect(value(text, 'joinery_seats_reserved_total')).toBe(1);
    expect(value(text, 'joinery_seats_timed_out_total')).toBe(1);
    expect(value(text, 'joinery_seats{status="ACTIVE"}')).toBe(2);
    expect(value(text, 'joinery_seats{status="RESERVED"}')).toBe(0);
    // Database pool use.
    expect(value(text, 'joinery_db_pool_connections{pool="main",state="max"}')).toBe(20);
    expect(value(text, 'joinery_db_pool_connections{pool="main",state="total"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'joinery_db_pool_connections{pool="main",state="waiting"}')).toBe(0);
    expect(value(text, 'joinery_db_pool_connections{pool="read",state="max"}')).toBe(4);
    expect(value(text, 'joinery_db_pool_connections{pool="read",state="total"}')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('can be turned off', async () => {
    const quiet = await TestApp.start(db, { METRICS_ENABLED: 'false' });
    try {
      expect((await http(quiet.baseUrl, 'GET', '/metrics')).status).toBe(404);
    } finally {
      await quiet.close();
    }
  });
});
