import type { Migration } from './types.js';

/**
 * Schema version 5: the database announces case changes itself. A statement-level trigger on `case_history`
 * sends one `NOTIFY gridflow_cases` per case a statement appended history to (its last entry: version, state,
 * command, time, and the table's schema, as `parseChange` of `live/eventHub.ts` reads it; a transaction that appends to a case in
 * several statements announces each). PostgreSQL delivers notifications when the
 * transaction commits, and only then: live updates need no statement and no commit of their own, and a
 * transaction that rolls back announces nothing. Every writer of history is covered, whichever process or tool
 * it is.
 *
 * PostgreSQL only: PGlite serves one process, which delivers its changes in-process, and the trigger would only
 * slow its writes (about 60 µs per history statement).
 */
export const caseChangeNotifyMigration: Migration = {
  version: 5,
  name: 'case changes announced by the database',
  statements: [
    {
      only: 'postgres',
      sql: `CREATE FUNCTION gridflow_announce_case_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('gridflow_cases', json_build_object(
          'tenant', c.tenant, 'caseId', c.case_id, 'version', c.seq, 'state', c.to_state,
          'command', c.command, 'at', c.at, 's', TG_TABLE_SCHEMA)::text)
        FROM (SELECT DISTINCT ON (tenant, case_id) tenant, case_id, seq, to_state, command, at
                FROM appended ORDER BY tenant, case_id, seq DESC) AS c;
      RETURN NULL;
    END
    $$`,
    },
    {
      only: 'postgres',
      sql: `CREATE TRIGGER case_history_announce AFTER INSERT ON case_history
      REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION gridflow_announce_case_changes()`,
    },
  ],
};
