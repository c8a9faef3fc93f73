import { casesAndHistoryMigration } from './001-cases-and-history.js';
import { policyVersionsMigration } from './002-policy-versions.js';
import { orgUnitsMigration } from './003-org-units.js';
import { attachmentsAndPiiReadsMigration } from './004-attachments-and-pii-reads.js';
import { caseChangeNotifyMigration } from './005-case-change-notify.js';
import { attachmentsInS3Migration } from './006-attachments-in-s3.js';
import { idempotencyKeysMigration } from './007-idempotency-keys.js';
import { indicatorEventsMigration } from './008-indicator-events.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

/**
 * Gridflow's schema, oldest first: one file per version, `NNN-what.ts`, in this folder. A released migration is
 * never edited; a new one gets the next number, a file of its own and its place at the end of this list.
 * Databases record each applied migration by its `version` (and `name`, for people) in `gridflow_migrations`.
 */
export const migrations: readonly Migration[] = [
  casesAndHistoryMigration,
  policyVersionsMigration,
  orgUnitsMigration,
  attachmentsAndPiiReadsMigration,
  caseChangeNotifyMigration,
  attachmentsInS3Migration,
  idempotencyKeysMigration,
  indicatorEventsMigration,
];
