/**
 * The part of json-logic-engine's internals Gridflow's evaluator relies on, typed: its operator table (methods
 * with an optional code generator), the plan map where operators look sub-rules up, and the state of its code
 * builder. Shared by the operators, the code generator and the planner.
 */

/** The scopes above the current data (json-logic-engine's `above`), innermost first. */
export type Above = readonly unknown[];
/** A planned rule node: its value for the data and the scopes above it. */
export type Plan = (data: unknown, above: Above) => unknown;
export interface BuildState {
  engine: unknown;
  methods: unknown[];
  values: unknown[];
  notTraversed: unknown[];
  processing: unknown[];
  async: boolean;
  avoidInlineAsync: boolean;
  /** Temporaries `t0…` the generated function declares. */
  temps: number;
  /** First path segments read once at the top of the generated function, e.g. `case` → `h0`. */
  hoist: Map<string, string>;
}
export type CompileFn = (data: unknown, bs: BuildState) => string | false;
export interface MethodDef {
  /** `unfound` is json-logic-engine's `val` extension used by `exists`. */
  method: (args: unknown, context: unknown, above: Above, engine: unknown, unfound?: symbol) => unknown;
  lazy?: boolean;
  optimizeUnary?: boolean;
  compile?: CompileFn;
}
export interface Engine {
  methods: Record<string, MethodDef | ((args: unknown, context: unknown, above: Above, engine: unknown) => unknown)>;
  optimizedMap: WeakMap<object, unknown>;
  truthy: (value: unknown) => boolean;
  run(logic: unknown, data?: unknown, options?: { above?: Above }): unknown;
}

/** The empty scope chain (a rule evaluated at the top level). */
export const NO_ABOVE: Above = Object.freeze([]);
/** json-logic-engine's marker for a value `val` did not find (what `exists` tests for). */
export const UNFOUND = Symbol.for('json_logic_unfound');
