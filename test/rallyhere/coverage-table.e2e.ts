import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { http, TestApp, TestDatabase } from '../utils/test-app.js';

/**
 * docs/sessions.md's coverage table of RallyHere's official OpenAPI documents stays true: it lists every operation
 * of both documents (test/fixtures/rallyhere-operations.json) once, with its method and path; every operation it marks served or partly is a route of
 * Joinery's own OpenAPI document (the explorer's) with that operationId, method and path, and every one it marks not
 * served is not; partly and not-served rows say what differs or why; the counts it states are its rows'.
 */
const DOCUMENTS = [
  { file: 'rallyhere-session.openapi.json', prefix: '/session' },
  { file: 'rallyhere-users.openapi.json', prefix: '/users' },
] as const;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
/** Every operation of both official documents (test/fixtures/rallyhere-operations.json, copied from them). */
const OPERATIONS = JSON.parse(
  readFileSync(join(process.cwd(), 'test', 'fixtures', 'rallyhere-operations.json'), 'utf8'),
) as { documents: Record<string, { operations: { operationId: string; method: string; path: string }[] }> };

interface Row {
  operation: string;
  route: string;
  status: string;
  note: string;
}

type Paths = Record<string, Record<string, { operationId?: string } | unknown>>;

function operationsOf(paths: Paths, prefix: string): Map<string, string> {
  const operations = new Map<string, string>();
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = item[method] as { operationId?: string } | undefined;
      if (operation?.operationId) operations.set(operation.operationId, `${method.toUpperCase()} ${prefix}${path}`);
    }
  }
  return operations;
}

/** The table under `### <file> (...)`, and the counts its heading and the summary line state. */
function tableOf(markdown: string, file: string) {
  const lines = markdown.split('\n');
  const heading = lines.findIndex((l) => l.startsWith(`### ${file} (`));
  expect(heading).toBeGreaterThan(0);
  const counts = (text: string) => {
    const match = /(\d+) operations: (\d+) served, (\d+) partly(?: served)?, (\d+) not served/.exec(text);
    expect(match).not.toBeNull();
    return { total: Number(match![1]), served: Number(match![2]), partly: Number(match![3]), not: Number(match![4]) };
  };
  const summary = lines.find((l) => l.startsWith(`- **${file}**:`));
  expect(summary).toBeDefined();
  const rows: Row[] = [];
  for (const line of lines.slice(heading + 1)) {
    if (line.startsWith('### ') || line.startsWith('## ')) break;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (cells.length !== 4 || !cells[0].startsWith('`')) continue;
    rows.push({
      operation: cells[0].split('`')[1],
      route: cells[1].replaceAll('`', ''),
      status: cells[2],
      note: cells[3],
    });
  }
  return { rows, heading: counts(lines[heading]), summary: counts(summary!) };
}

describe('The RallyHere coverage table of docs/sessions.md (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db);
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  it('lists every official operation once, served and partly ones being routes of Joinery, with true counts', async () => {
    const markdown = readFileSync(join(process.cwd(), 'docs', 'sessions.md'), 'utf8');
    const explorer = await http<{ paths: Paths }>(service.baseUrl, 'GET', '/docs-json');
    expect(explorer.status).toBe(200);
    const joinery = operationsOf(explorer.body.paths, '');
    for (const { file, prefix } of DOCUMENTS) {
      const official = new Map(
        OPERATIONS.documents[file].operations.map((o) => [o.operationId, `${o.method} ${prefix}${o.path}`]),
      );
      const { rows, heading, summary } = tableOf(markdown, file);
      expect(rows.map((r) => r.operation).sort()).toEqual([...official.keys()].sort());
      for (const row of rows) {
        expect({ operation: row.operation, route: row.route }).toEqual({
          operation: row.operation,
          route: official.get(row.operation),
        });
        expect({ operation: row.operation, status: row.status }).toEqual({
          operation: row.operation,
          status: expect.stringMatching(/^(served|partly|not served)$/),
        });
        const served = row.status !== 'not served';
        expect({ operation: row.operation, joinery: joinery.get(row.operation) }).toEqual({
          operation: row.operation,
          joinery: served ? row.route : undefined,
        });
        if (row.status !== 'served')
          expect({ operation: row.operation, note: row.note.length > 0 }).toEqual({
            operation: row.operation,
            note: true,
          });
      }
      const counted = {
        total: rows.length,
        served: rows.filter((r) => r.status === 'served').length,
        partly: rows.filter((r) => r.status === 'partly').length,
        not: rows.filter((r) => r.status === 'not served').length,
      };
      expect(heading).toEqual(counted);
      expect(summary).toEqual(counted);
    }
  });
});
