import type { HistoryEntry } from '@gridflow/core';

/** An int8 column: `pg` returns it as a string, PGlite as a number. */
export type Int8 = number | string | bigint;

/** A row of `case_history`, as both drivers return it. */
export interface HistoryRow {
  tenant: string;
  case_id: string;
  seq: number;
  at: Int8;
  actor: HistoryEntry['actor'];
  command: string;
  input: HistoryEntry['input'];
  from_state: string;
  to_state: string;
  policy_id: string;
  policy_version: number;
  decisions: HistoryEntry['decisions'];
}

/** Every column of `case_history`, in the order {@link HistoryRow} lists them (and inserts write them). */
export const HISTORY_COLUMNS =
  'tenant, case_id, seq, at, actor, command, input, from_state, to_state, policy_id, policy_version, decisions';

/**
 * The history entry of a `case_history` row.
 *
 * @example
 * const { rows } = await sql.query<HistoryRow>(`SELECT ${HISTORY_COLUMNS} FROM case_history WHERE tenant = $1`, [t]);
 * const entries = rows.map(historyEntryOf);
 */
export function historyEntryOf(row: HistoryRow): HistoryEntry {
  return {
    caseId: row.case_id,
    tenant: row.tenant,
    seq: row.seq,
    at: Number(row.at),
    actor: row.actor,
    command: row.command,
    input: row.input,
    from: row.from_state,
    to: row.to_state,
    policyId: row.policy_id,
    policyVersion: row.policy_version,
    decisions: row.decisions,
  };
}
