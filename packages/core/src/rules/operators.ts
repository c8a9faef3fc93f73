import { Constants } from 'json-logic-engine';
import type { Above, CompileFn, Engine, MethodDef, Plan } from './jsonLogicEngine.js';
import { UNFOUND } from './jsonLogicEngine.js';
import { ruleErrorType } from './ruleErrors.js';
import {
  INVALID_ARGUMENTS,
  MAX_CLIMB,
  MAX_SIZE,
  PAIR,
  TOO_LARGE,
  arith,
  asArray,
  contains,
  isObj,
  isTruthy,
  iterate,
  missing,
  raise,
  reduce,
  usesScope,
  varLookup,
} from './semantics.js';

/**
 * Gridflow's operator table on a json-logic-engine instance: one implementation for each operator whose stock
 * compiled and interpreted versions disagree (comparisons, `!`, `!!`, `and`, `or`, `if`, arithmetic, `in`, `cat`,
 * `merge`, `substr`, `var`, `val`, `exists`, `missing`, the array operators, `try`), built on the helpers in
 * `semantics.ts`, each with its code generator (`codegen.ts`) where it has one.
 */

/** Gridflow's operator methods (without code generators), reading the stock ones they wrap from `engine`. */
function operatorMethods(engine: Engine): Record<string, MethodDef> {
  /** A sub-rule's value: its registered plan when the planner made one, else json-logic-engine's own run. */
  const run = (node: unknown, data: unknown, above: Above): unknown => {
    if (!isObj(node)) return node;
    const plan = engine.optimizedMap.get(node);
    return typeof plan === 'function' ? (plan as Plan)(data, above) : engine.run(node, data, { above });
  };
  const defs: Record<string, MethodDef> = {};
  const lazy = (name: string, method: MethodDef['method']): void => {
    defs[name] = { method, lazy: true };
  };
  const eager = (name: string, method: MethodDef['method'], optimizeUnary = false): void => {
    defs[name] = { method, lazy: false, optimizeUnary };
  };

  for (const [op, pair] of Object.entries(PAIR)) {
    lazy(op, (args, ctx, above) => {
      if (!Array.isArray(args) || args.length < 2) raise(INVALID_ARGUMENTS);
      let prev = run(args[0], ctx, above);
      for (let i = 1; i < args.length; i++) {
        const cur = run(args[i], ctx, above);
        if (!pair(prev, cur)) return false;
        prev = cur;
      }
      return true;
    });
  }
  for (const isAnd of [true, false]) {
    lazy(isAnd ? 'and' : 'or', (args, ctx, above) => {
      if (!Array.isArray(args)) raise(INVALID_ARGUMENTS);
      if (args.length === 0) return false;
      let item: unknown;
      for (const a of args) {
        item = run(a, ctx, above);
        if (isTruthy(item) !== isAnd) return item;
      }
      return item;
    });
  }
  for (const [name, negated] of [
    ['!', true],
    ['not', true],
    ['!!', false],
  ] as const) {
    lazy(name, (args, ctx, above) => {
      let v: unknown;
      if (Array.isArray(args)) args.forEach((a, i) => (i === 0 ? (v = run(a, ctx, above)) : run(a, ctx, above)));
      else v = run(args, ctx, above);
      return isTruthy(v) !== negated;
    });
  }

  for (const [op, f] of Object.entries(arith)) eager(op, (args) => f(args as unknown[]));
  eager('in', (args) => contains((args as unknown[])[0], (args as unknown[])[1]));
  eager('cat', (args) => {
    const out = (args as unknown[]).join('');
    if (out.length > MAX_SIZE) raise(TOO_LARGE);
    return out;
  });
  eager('merge', (args) => {
    const list = args as unknown[];
    let size = 0;
    for (const a of list) size += Array.isArray(a) ? a.length : 1;
    if (size > MAX_SIZE) raise(TOO_LARGE);
    const out: unknown[] = [];
    for (const a of list) {
      if (Array.isArray(a)) for (const x of a) out.push(x);
      else out.push(a);
    }
    return out;
  });
  const stockVal = engine.methods.val as MethodDef;
  const scope = (a: unknown): unknown => {
    if (!Array.isArray(a) || !Array.isArray(a[0]) || a[0].length !== 1 || !(Math.abs(Number(a[0][0])) > MAX_CLIMB))
      return a;
    return [[MAX_CLIMB], ...(a.slice(1) as unknown[])];
  };
  const val = stockVal.method;
  eager('val', (args, ctx, above, eng) => val(scope(args), ctx, above, eng), true);
  eager('exists', (args, ctx, above, eng) => val(scope(args), ctx, above, eng, UNFOUND) !== UNFOUND);
  eager('substr', (args) => {
    const [source, start, end] = args as [unknown, number, number];
    if (end < 0) {
      const rest = String(source).substr(start);
      return rest.substr(0, rest.length + end);
    }
    return String(source).substr(start, end);
  });
  defs.if = { ...(engine.methods.if as MethodDef) };
  defs['?:'] = defs.if;
  const stockVar = engine.methods.var as MethodDef;
  eager(
    'var',
    (key, ctx, above, eng) => {
      const k: unknown = Array.isArray(key) ? key[0] : key;
      return typeof k === 'string' && k.startsWith('../') ? stockVar.method(key, ctx, above, eng) : varLookup(key, ctx);
    },
    true,
  );
  eager('missing', (args, ctx) => missing(args as unknown[], ctx));
  eager('missing_some', (args, ctx) => {
    const [need, keys] = args as [number, unknown[]];
    const absent = missing(asArray(keys), ctx);
    return asArray(keys).length - absent.length >= need ? [] : absent;
  });

  for (const [name, it] of Object.entries(iterate)) {
    lazy(name, (args, ctx, above) => {
      if (!Array.isArray(args)) raise(INVALID_ARGUMENTS);
      return it(run(args[0], ctx, above), (item, ab) => run(args[1], item, ab), ctx, above, usesScope(args[1]));
    });
  }
  defs.every = defs.all as MethodDef;
  lazy('reduce', (args, ctx, above) => {
    if (!Array.isArray(args)) raise(INVALID_ARGUMENTS);
    const sel = run(args[0], ctx, above);
    return reduce(
      sel,
      (item, ab) => run(args[1], item, ab),
      args.length > 2,
      run(args[2], ctx, above),
      ctx,
      above,
      usesScope(args[1]),
    );
  });
  lazy('try', (args, ctx, above) => {
    const list = Array.isArray(args) ? args : [args];
    let last: unknown;
    for (let i = 0; i < list.length; i++) {
      try {
        return i === 0 ? run(list[0], ctx, above) : run(list[i], { type: ruleErrorType(last) }, [null, ctx, above]);
      } catch (e) {
        last = e;
      }
    }
    return raise(last);
  });
  return defs;
}

/**
 * Registers Gridflow's operators on a json-logic-engine instance, each with its code generator from `compilers`;
 * every stock operator Gridflow has no code generator for loses its stock one, so compiled code calls its
 * implementation (whose semantics the planner shares).
 */
export function installOperators(engine: Engine, compilers: Readonly<Record<string, CompileFn>>): void {
  const defs = operatorMethods(engine);
  for (const [name, compile] of Object.entries(compilers)) {
    const def = defs[name];
    if (def) def.compile = compile;
  }
  for (const [name, def] of Object.entries(engine.methods)) {
    if (name in defs || typeof def === 'function' || !def.compile) continue;
    const copy: MethodDef = { ...def };
    delete copy.compile;
    engine.methods[name] = copy;
  }
  for (const [name, def] of Object.entries(defs)) {
    (def as unknown as Record<symbol, unknown>)[Constants.Sync] = true;
    engine.methods[name] = def;
  }
  engine.truthy = isTruthy;
}
