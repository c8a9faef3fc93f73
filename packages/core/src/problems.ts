import type { LocalizedText } from './i18n.js';

/** How bad a problem is: errors block publishing, warnings are shown but allowed. */
export const Severity = { ERROR: 'error', WARNING: 'warning' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/**
 * One problem found in a policy, a rule or an input, pointing at the exact cell.
 * `path` is a JSON Pointer (RFC 6901) into the document that was checked, e.g. `/routing/rows/3/when`.
 */
export interface Problem {
  /** Stable, machine-readable code, e.g. `routing.row_unreachable`. Never changes once published. */
  code: string;
  severity: Severity;
  message: LocalizedText;
  path: string;
}

/** Encodes path segments as a JSON Pointer. */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Decodes a JSON Pointer into its segments (numbers stay strings). */
export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
