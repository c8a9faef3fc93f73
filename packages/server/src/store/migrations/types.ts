import type { SqlDialect } from '../sql.js';

/**
 * One schema change. Versions are 1, 2, 3… with no gaps; a released migration is never edited, only followed
 * by a new one. Each statement is run on its own (PGlite's extended protocol takes one statement per query).
 */
export interface Migration {
  version: number;
  name: string;
  /** SQL run in order; one given as `{ sql, only }` runs only on that engine. */
  statements: readonly (string | { sql: string; only: SqlDialect })[];
}
