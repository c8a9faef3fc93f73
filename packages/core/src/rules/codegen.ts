import { Compiler, splitPathMemoized } from 'json-logic-engine';
import { NO_ABOVE, type BuildState, type CompileFn, type Engine } from './jsonLogicEngine.js';
import { evaluationFailed } from './ruleErrors.js';
import { ARITH2, PAIR, chain3, contains, isBoolean, isObj, iterate, negate, reduce, usesScope } from './semantics.js';

/**
 * The compiled path of the rule engine: json-logic-engine's compiler (`buildString`) turns a rule into the source
 * of one JavaScript function, assembled with `new Function` (which a strict Content-Security-Policy forbids). The
 * code generators below replace the stock ones for Gridflow's operators and call the same helpers as their methods
 * (`semantics.ts`), so compiled and interpreted rules agree; a generator returning `false` leaves the node to its
 * method.
 */

/** Builds the function of a rule (or of an iterator's mapper, which also receives the scopes above its item). */
export type Assemble = (logic: unknown, kind: 'rule' | 'mapper') => (...args: unknown[]) => unknown;

/** `assemble` for one engine, and the code generator of each operator Gridflow generates code for, by name. */
export interface Codegen {
  assemble: Assemble;
  compilers: Record<string, CompileFn>;
}

/** Returns the code generators for one json-logic-engine instance (whose operator table `installOperators` fills). */
export function createCodegen(engine: Engine): Codegen {
  const ref = (bs: BuildState, f: unknown): string => {
    let i = bs.methods.indexOf(f);
    if (i < 0) i = bs.methods.push(f) - 1;
    return `methods[${i}]`;
  };
  const str = (node: unknown, bs: BuildState): string =>
    (Compiler.buildString as (n: unknown, b: BuildState) => string)(node, bs);
  const temp = (bs: BuildState): string => `t${bs.temps++}`;
  /**
   * For a `var` with a fixed path: code reading the raw value (`undefined` when absent, first segment hoisted) and
   * the code turning a raw value into the var's value (fallback for `undefined`, `null` for a function). Comparisons
   * and tests use the raw value on their fast path (a number or a boolean needs no turning) and turn it otherwise.
   */
  const rawVar = (
    node: unknown,
    bs: BuildState,
  ): { read: string; fallback: string; norm: (v: string) => string } | undefined => {
    if (!isObj(node) || Array.isArray(node) || Object.keys(node).length !== 1 || !('var' in node)) return undefined;
    const lower = node.var;
    const [key, fallback = null] = Array.isArray(lower) ? (lower as unknown[]) : [lower];
    if (
      (Array.isArray(lower) && lower.length > 2) ||
      isObj(fallback) ||
      (typeof key !== 'string' && typeof key !== 'number')
    )
      return undefined;
    let segments = splitPathMemoized(String(key));
    if (String(key) === '' || String(key).startsWith('../') || segments.length === 0) return undefined;
    let base = 'context';
    if (segments.length > 1) {
      const first = segments[0] as string;
      base = bs.hoist.get(first) ?? `h${bs.hoist.size}`;
      bs.hoist.set(first, base);
      segments = segments.slice(1);
    }
    const middle = segments
      .slice(0, -1)
      .map((seg) => ` || (prev = prev[${JSON.stringify(seg)}]) == null`)
      .join('');
    const f = JSON.stringify(fallback);
    return {
      read: middle
        ? `((prev = ${base}) == null${middle} ? undefined : prev[${JSON.stringify(segments[segments.length - 1])}])`
        : `(${base} == null ? undefined : ${base}[${JSON.stringify(segments[0])}])`,
      fallback: f,
      norm: (v) => `(${v} === undefined ? ${f} : typeof ${v} === 'function' ? null : ${v})`,
    };
  };
  /** Code testing a node's truthiness; with `keep`, it also leaves the node's value in `prev`. */
  const test = (node: unknown, bs: BuildState, keep = false): string => {
    if (isBoolean(node)) return keep ? `(prev = ${str(node, bs)})` : `(${str(node, bs)})`;
    const raw = keep ? undefined : rawVar(node, bs);
    if (raw) return `((prev = ${raw.read}) === true || (prev !== false && engine.truthy(${raw.norm('prev')})))`;
    return `((prev = ${str(node, bs)}) === true || (prev !== false && engine.truthy(prev)))`;
  };
  const assemble: Assemble = (logic, kind) => {
    const bs: BuildState = {
      engine,
      methods: [],
      values: [],
      notTraversed: [],
      processing: [],
      async: false,
      avoidInlineAsync: true,
      temps: 0,
      hoist: new Map(),
    };
    const code = str(logic, bs);
    const lets = ['prev', ...Array.from({ length: bs.temps }, (_, i) => `t${i}`)].join(', ');
    const hoisted = [...bs.hoist]
      .map(([seg, name]) => `const ${name} = context == null ? undefined : context[${JSON.stringify(seg)}];`)
      .join(' ');
    const body =
      kind === 'rule'
        ? `return function rule(context) { let ${lets}; if (context === undefined) context = null; const above = NO_ABOVE; try { ${hoisted} return ${code}; } catch (e) { throw fail(e); } };`
        : `return function mapper(context, above) { let ${lets}; ${hoisted} return ${code}; };`;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const factory = new Function(
      'values',
      'methods',
      'notTraversed',
      'engine',
      'coerceArray',
      'fail',
      'NO_ABOVE',
      body,
    ) as (...a: unknown[]) => (...args: unknown[]) => unknown;
    const coerceArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
    return factory(bs.values, bs.methods, bs.notTraversed, engine, coerceArray, evaluationFailed, NO_ABOVE);
  };
  const simple = (n: unknown): boolean =>
    !isObj(n) || (!Array.isArray(n) && Object.keys(n).length === 1 && 'var' in n && !isObj(n.var));
  const compilers: Record<string, CompileFn> = {};

  for (const [op, pair] of Object.entries(PAIR)) {
    const three = chain3(pair);
    compilers[op] = (data, bs) => {
      if (!Array.isArray(data) || data.length < 2) return false;
      if (data.length === 2) {
        if (op.length === 3) return `(${str(data[0], bs)} ${op} ${str(data[1], bs)})`;
        const [a, b] = [temp(bs), temp(bs)];
        const js = op === '==' ? '===' : op === '!=' ? '!==' : op;
        const [ra, rb] = [rawVar(data[0], bs), rawVar(data[1], bs)];
        const [x, y] = [ra ? ra.read : str(data[0], bs), rb ? rb.read : str(data[1], bs)];
        const slow = `${ref(bs, pair)}(${ra ? ra.norm(a) : a}, ${rb ? rb.norm(b) : b})`;
        return `((${a} = ${x}), (${b} = ${y}), typeof ${a} === 'number' && typeof ${b} === 'number' ? ${a} ${js} ${b} : ${slow})`;
      }
      if (data.length === 3 && data.every(simple))
        return `${ref(bs, three)}(${data.map((d) => str(d, bs)).join(', ')})`;
      return false;
    };
  }
  for (const isAnd of [true, false]) {
    compilers[isAnd ? 'and' : 'or'] = (data, bs) => {
      if (!Array.isArray(data)) return false;
      if (data.length === 0) return 'false';
      if (data.every(isBoolean)) return `(${data.map((d) => str(d, bs)).join(isAnd ? ' && ' : ' || ')})`;
      return `(${data.map((d) => `${isAnd ? '!' : ''}${test(d, bs, true)} ? prev : `).join('')}prev)`;
    };
  }
  for (const [name, negated] of [
    ['!', true],
    ['not', true],
    ['!!', false],
  ] as const) {
    compilers[name] = (data, bs) => {
      if (Array.isArray(data) && data.length !== 1) return data.length === 0 ? String(negated) : false;
      return `(${negated ? '!' : ''}${test(Array.isArray(data) ? data[0] : data, bs)})`;
    };
  }
  for (const op of Object.keys(ARITH2)) {
    compilers[op] = (data, bs) => {
      if (!Array.isArray(data) || data.length === 0 || data.length > 2) return false;
      if (data.length === 1) return op === '-' ? `${ref(bs, negate)}(${str(data[0], bs)})` : false;
      return `${ref(bs, ARITH2[op])}(${str(data[0], bs)}, ${str(data[1], bs)})`;
    };
  }
  compilers.in = (data, bs) => {
    if (!Array.isArray(data) || data.length !== 2) return false;
    const list: unknown = data[1];
    if (!Array.isArray(list) || list.some(isObj)) return `${ref(bs, contains)}(${str(data[0], bs)}, ${str(list, bs)})`;
    // A list of constants: `indexOf` on it is strict equality with each element, which short lists spell out.
    const needle = str(data[0], bs);
    if (list.length > 8)
      return `(values[${bs.values.push(Object.freeze([...(list as unknown[])])) - 1}].indexOf(${needle}) !== -1)`;
    const t = temp(bs);
    return list.length === 0
      ? `((${needle}), false)`
      : `((${t} = ${needle}) === ${list.map((x) => JSON.stringify(x)).join(` || ${t} === `)})`;
  };
  compilers.if = (data, bs) => {
    if (!Array.isArray(data) || data.length < 3) return false;
    const parts: unknown[] = data.length % 2 === 1 ? data : [...(data as unknown[]), null];
    let code = '';
    for (let i = 0; i + 1 < parts.length; i += 2) {
      code += `${test(parts[i], bs)} ? ${str(parts[i + 1], bs)} : `;
    }
    return `(${code}${str(parts[parts.length - 1], bs)})`;
  };
  compilers['?:'] = compilers.if;
  compilers.var = (data, bs) => {
    if (!Array.isArray(data) || data.length > 2 || isObj(data[1])) return false;
    if (data[0] === null || data[0] === undefined || data[0] === '')
      return `(typeof context === 'function' ? null : context)`;
    const raw = rawVar({ var: data }, bs);
    return raw
      ? `((prev = ${raw.read}) === undefined ? ${raw.fallback} : typeof prev === 'function' ? null : prev)`
      : false;
  };
  for (const [name, it] of Object.entries(iterate)) {
    compilers[name] = (data, bs) =>
      Array.isArray(data)
        ? `${ref(bs, it)}(${str(data[0], bs)}, ${ref(bs, assemble(data[1], 'mapper'))}, context, above, ${usesScope(data[1])})`
        : false;
  }
  compilers.every = compilers.all as CompileFn;
  compilers.reduce = (data, bs) =>
    Array.isArray(data)
      ? `${ref(bs, reduce)}(${str(data[0], bs)}, ${ref(bs, assemble(data[1], 'mapper'))}, ${data.length > 2}, ${str(data[2] ?? null, bs)}, context, above, ${usesScope(data[1])})`
      : false;
  return { assemble, compilers };
}
