import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The text of an SQL file shipped with the code, by its path under `src/`
 * (`session/sql/game-servers.sql`). The build copies `src/**\/*.sql` beside
 * the compiled JavaScript (nest-cli.json `assets`), so the same relative path
 * works from `src/` (tests) and from `dist/src/` (the service).
 */
export function sqlFile(pathUnderSrc: string): string {
  return readFileSync(fileURLToPath(new URL(`../${pathUnderSrc}`, import.meta.url)), 'utf8');
}
