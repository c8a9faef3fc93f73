import type { Migration } from './types.js';

/**
 * Schema version 8: the indicator projection. One row per indicator event of a case (core's `indicatorEvents`)
 * and unit it counts for, plus one row with the empty unit for the tenant as a whole; `level` is the unit's kind
 * (`street` of `street:s-01`, empty for the tenant row). A case's rows are rewritten in the transaction that
 * appends its history (see `indicators/projection.ts`) and can be rebuilt from history
 * (`gridflow indicators rebuild`).
 *
 * - `indicator_events_unit` answers a unit's counts for a period (and the drill-down) with a range scan;
 * - `indicator_events_level` answers a ranking of every unit of a level with an index-only range scan.
 * Derived data: no foreign key to `cases`, so rewriting costs no lookups; a rebuild recomputes it all.
 */
export const indicatorEventsMigration: Migration = {
  version: 8,
  name: 'indicator projection',
  statements: [
    `CREATE TABLE indicator_events (
      tenant text COLLATE "C" NOT NULL,
      case_id text COLLATE "C" NOT NULL,
      n integer NOT NULL,
      kind text COLLATE "C" NOT NULL,
      at bigint NOT NULL,
      unit text COLLATE "C" NOT NULL,
      level text COLLATE "C" NOT NULL,
      PRIMARY KEY (tenant, case_id, n, unit)
    )`,
    `CREATE INDEX indicator_events_unit ON indicator_events (tenant, unit, at) INCLUDE (kind, case_id, n)`,
    `CREATE INDEX indicator_events_level ON indicator_events (tenant, level, at) INCLUDE (unit, kind)`,
  ],
};
