/**
 * Families of JsonLogic operators, named once: the engine, the linter, the tracer and the explanations each build
 * the sets they need from them.
 */

/** The comparisons, loose and strict. */
export const COMPARISONS = ['==', '===', '!=', '!==', '<', '<=', '>', '>='] as const;

/** The operators that run a rule (their second argument) over the items of a list. */
export const LIST_OPERATORS = ['map', 'filter', 'all', 'some', 'none', 'reduce'] as const;

/** The arithmetic operators. */
export const ARITHMETIC = ['+', '-', '*', '/', '%', 'min', 'max'] as const;
