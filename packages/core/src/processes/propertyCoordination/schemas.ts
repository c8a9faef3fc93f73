import type { SchemaNode } from '../contract/commands.js';

/**
 * The schema atoms of the three-party process's submission and commands (ids, texts, times, parties).
 *
 * @module
 */

/** An id (dots alone are refused: an id may become a URL path segment, where `.` and `..` are dot segments). */
export const id = { type: 'string', minLength: 1, maxLength: 100, pattern: '^(?!\\.+$)[A-Za-z0-9_.:-]+$' } as const;
export const text = (maxLength: number, minLength = 1) => ({ type: 'string', minLength, maxLength }) as const;
export const epochMs = (description: string) => ({ type: 'integer', minimum: 0, description }) as const;
export const note = text(2000, 0);
export const party = {
  ...id,
  description:
    'A party code (`community`, `owners_committee`, `property_company`) or an invited unit (`department:housing`).',
};

/** An object schema with exactly these properties; its literal types survive, so inputs are inferred from it. */
export const obj = <const P extends Record<string, SchemaNode>, const R extends readonly (keyof P & string)[] = []>(
  properties: P,
  required?: R,
): { type: 'object'; properties: P; required?: R; additionalProperties: false } => ({
  type: 'object',
  properties,
  ...(required !== undefined && required.length > 0 ? { required } : {}),
  additionalProperties: false,
});
