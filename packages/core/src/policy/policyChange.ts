import type { LocalizedText } from '../i18n.js';

/** What happened to a thing between two policy versions (`moved`: a routing row changed place). */
export type PolicyChangeKind = 'added' | 'removed' | 'changed' | 'moved';

/** One change the semantic policy diff (`diffPolicies`) reports; its own file so that the diff and its collector share it without importing each other. */
export interface PolicyChange {
  kind: PolicyChangeKind;
  /** What part of the policy: `meta`, `routing.rows`, `timeLimits.handling`, `categories.attributes`, … */
  section: string;
  /** The stable id of the thing changed within its section (row id, cell id, category code, holiday date, field name…). */
  id: string;
  /** JSON Pointer in `after` (in `before` for `removed`). */
  path: string;
  /** For `changed`: which field of the thing. */
  field?: string;
  /** The old value (`changed`, `removed`) or the old position, 0-based (`moved`). */
  before?: unknown;
  /** The new value (`changed`, `added`) or the new position, 0-based (`moved`). */
  after?: unknown;
  summary: LocalizedText;
}
