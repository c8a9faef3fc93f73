import { type LocalizedText, t } from '../i18n.js';
import { Severity, toPointer, type Problem } from '../problems.js';
import { ANY, DATE_RE, describe, factType, same, type Scope, type Ty } from './lintTypes.js';
import { ARITY, ARRAY_ONLY, ENGINE_ONLY, PORTABLE, SPREADING } from './portableSubset.js';
import type { FactDef, FactDictionary } from './types.js';
import { isPlainObject } from './tree/json.js';

export { PORTABLE_OPERATORS } from './portableSubset.js';

/**
 * The linter of the portable subset of JsonLogic. A rule inside the subset (`portableSubset.ts`) means the same in
 * json-logic-js 2.0.5 and in Gridflow's evaluator for every input whose facts have their declared types (see
 * docs/rules.md for how the subset was measured and what changes when a fact is missing).
 */

/**
 * The stable codes of the problems {@link lintRule} reports.
 *
 * @example
 * lintRule({ '>': [{ var: 'x' }, 1] }, {}, '')[0]?.code === RuleProblemCode.UNKNOWN_FACT; // true
 */
export const RuleProblemCode = {
  UNKNOWN_OPERATOR: 'rule.unknown_operator',
  NOT_PORTABLE: 'rule.not_portable',
  UNKNOWN_FACT: 'rule.unknown_fact',
  TYPE_MISMATCH: 'rule.type_mismatch',
  ARITY: 'rule.arity',
} as const;
export type RuleProblemCode = (typeof RuleProblemCode)[keyof typeof RuleProblemCode];

type Seg = string | number;

/**
 * Lints one JsonLogic rule against the facts it may read: operators outside the portable subset, unknown facts,
 * wrong argument counts and types, literals an enumerated fact does not allow. Each problem carries a stable code
 * ({@link RuleProblemCode}), a message in Chinese and English and the JSON Pointer of the exact sub-expression
 * (`basePath` + the path inside the rule).
 *
 * @example
 * const facts = { 'case.elapsedHours': { type: 'number', label: { zh: '处理已用时', en: 'time spent handling' } } };
 * lintRule({ '>': [{ var: 'case.elapsedHours' }, '48'] }, facts, '/rules/escalate/logic');
 * // [{ code: 'rule.type_mismatch', path: '/rules/escalate/logic/>/1', … }]
 */
export function lintRule(logic: unknown, facts: FactDictionary, basePath: string): Problem[] {
  const problems: Problem[] = [];
  const report = (
    code: RuleProblemCode,
    at: Seg[],
    message: LocalizedText,
    severity: Severity = Severity.ERROR,
  ): void => {
    problems.push({ code, severity, message, path: basePath + toPointer(at) });
  };
  const mismatch = (at: Seg[], zh: string, en: string): void => report(RuleProblemCode.TYPE_MISMATCH, at, t(zh, en));

  /** A literal compared with an enumerated fact must be one of its values. */
  const checkValue = (fact: Ty, literal: Ty, at: Seg[]): void => {
    const values = fact.fact?.def.values;
    if (!values || !literal.lit || typeof literal.lit.value !== 'string') return;
    if (values.some((v) => v.value === literal.lit?.value)) return;
    const label = (fact.fact as { def: FactDef }).def.label;
    const known = values.map((v) => `${v.value}（${v.name.zh}）`).join('、');
    mismatch(
      at,
      `${label.zh}没有“${literal.lit.value}”这个取值（可选：${known}）`,
      `${label.en} has no value "${literal.lit.value}" (allowed: ${values.map((v) => `${v.value} (${v.name.en})`).join(', ')})`,
    );
  };

  const walkVar = (args: unknown, at: Seg[], scope: Scope): Ty => {
    const [path, fallback] = Array.isArray(args) ? (args as unknown[]) : [args];
    if (isPlainObject(path) || Array.isArray(path)) {
      report(
        RuleProblemCode.NOT_PORTABLE,
        at,
        t('变量路径必须是固定的文本，不能由计算得出', 'A var path must be fixed text, not computed'),
      );
      return ANY;
    }
    const key = path === null || path === undefined ? '' : typeof path === 'string' ? path : JSON.stringify(path);
    let ty: Ty | undefined;
    if (key === '') {
      ty = scope.element;
      if (!ty)
        report(
          RuleProblemCode.NOT_PORTABLE,
          at,
          t(
            '空路径读取整个数据，只能在遍历列表时读取当前项',
            'An empty path reads all the data; use it only for the current item of a list',
          ),
        );
      return ty ?? ANY;
    }
    if (/\\|^\.|\.$|\.\.|^\.\.\//.test(key)) {
      report(
        RuleProblemCode.NOT_PORTABLE,
        at,
        t(
          `变量路径“${key}”含转义、上级或空的段，各引擎读法不同`,
          `The var path "${key}" has escapes, parent steps or empty segments, which engines read differently`,
        ),
      );
      return ANY;
    }
    if (key.split('.').some((seg) => /^\d+$/.test(seg))) {
      report(
        RuleProblemCode.NOT_PORTABLE,
        at,
        t(
          `变量路径“${key}”用点号按序号取列表元素，请改用 some/all/filter 等列表运算`,
          `The var path "${key}" indexes a list with a dotted path; use some/all/filter instead`,
        ),
        Severity.WARNING,
      );
      return ANY;
    }
    if (scope.reduce) {
      const [head, ...rest] = key.split('.');
      const base =
        head === 'accumulator' ? scope.reduce.accumulator : head === 'current' ? scope.reduce.current : undefined;
      if (base && rest.length === 0) ty = base;
      else if (base?.item && rest.length > 0 && base.item[rest.join('.')])
        ty = factType(rest.join('.'), base.item[rest.join('.')] as FactDef);
      else if (base?.k === 'any') ty = ANY;
    } else {
      const def = scope.facts[key];
      if (def) ty = factType(key, def);
    }
    if (!ty) {
      const where = scope.iterator
        ? t('（在列表运算中，变量读取的是当前项）', ' (inside a list operation, var reads the current item)')
        : t('', '');
      report(RuleProblemCode.UNKNOWN_FACT, at, t(`未知的事实“${key}”${where.zh}`, `Unknown fact "${key}"${where.en}`));
      return ANY;
    }
    if (fallback !== undefined && fallback !== null) {
      const fb = walk(fallback, [...at, 'var', 1], scope);
      if (!same(ty, fb) && fb.k !== 'any' && ty.k !== 'any')
        mismatch(
          [...at, 'var', 1],
          `默认值是${describe(fb).zh}，但${describe(ty).zh}不是`,
          `The default is ${describe(fb).en} but ${describe(ty).en} is not`,
        );
    }
    return ty;
  };

  const comparable = (op: string, types: Ty[], at: Seg[], argAt: (i: number) => Seg[]): void => {
    const equality = op.startsWith('=') || op.startsWith('!');
    types.forEach((ty, i) => {
      if (ty.k === 'null' && (op === '==' || op === '!=')) {
        report(
          RuleProblemCode.NOT_PORTABLE,
          argAt(i),
          t(
            '用 == / != 与 null 比较时各引擎不同（null == 0），请用 === 或 missing',
            'Comparing with null using == or != differs between engines (null == 0); use === or missing',
          ),
        );
      } else if (ty.k === 'array' || ty.k === 'object' || (!equality && (ty.k === 'boolean' || ty.k === 'null'))) {
        mismatch(argAt(i), `${op} 不能比较${describe(ty).zh}`, `${op} cannot compare ${describe(ty).en}`);
      }
    });
    const typed = types.filter((ty) => ty.k !== 'any' && ty.k !== 'null' && ty.k !== 'array' && ty.k !== 'object');
    for (let i = 1; i < typed.length; i++) {
      const [a, b] = [typed[0] as Ty, typed[i] as Ty];
      if (!same(a, b)) {
        const bad = types.indexOf(b.lit ? b : a.lit ? a : b);
        mismatch(
          argAt(bad),
          `${describe(a).zh}与${describe(b).zh}类型不同，不能比较（各引擎的转换规则也不同）`,
          `${describe(a).en} and ${describe(b).en} have different types and cannot be compared (engines convert them differently)`,
        );
        return;
      }
    }
    types.forEach((ty, i) => {
      const other = types.find((o, j) => j !== i && o.fact?.def.values);
      if (equality && other) checkValue(other, ty, argAt(i));
      if (
        ty.lit &&
        typeof ty.lit.value === 'string' &&
        types.some((o) => o.k === 'date') &&
        !DATE_RE.test(ty.lit.value)
      ) {
        mismatch(argAt(i), `“${ty.lit.value}”不是 YYYY-MM-DD 格式的日期`, `"${ty.lit.value}" is not a YYYY-MM-DD date`);
      }
    });
  };

  const walkOp = (op: string, raw: unknown, at: Seg[], scope: Scope): Ty => {
    const opAt = [...at, op];
    if (op === 'var') return walkVar(raw, at, scope);
    const isArray = Array.isArray(raw);
    const args: unknown[] = isArray ? raw : [raw];
    const argAt = (i: number): Seg[] => (isArray ? [...opAt, i] : opAt);
    const range = ARITY[op];
    if (ARRAY_ONLY.has(op) && !isArray) {
      report(RuleProblemCode.ARITY, at, t(`${op} 的参数必须写成数组`, `The arguments of ${op} must be an array`));
    } else if (range && (args.length < range[0] || args.length > range[1])) {
      const want =
        range[0] === range[1] ? `${range[0]}` : range[1] === Infinity ? `≥ ${range[0]}` : `${range[0]}–${range[1]}`;
      report(
        RuleProblemCode.ARITY,
        at,
        t(`${op} 需要 ${want} 个参数，这里有 ${args.length} 个`, `${op} takes ${want} argument(s), not ${args.length}`),
      );
    }
    if (op === 'missing' || op === 'missing_some') {
      const keys = op === 'missing_some' ? args[1] : args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
      const keysAt = op === 'missing_some' ? argAt(1) : args.length === 1 && Array.isArray(args[0]) ? argAt(0) : opAt;
      if (Array.isArray(keys)) {
        keys.forEach((k, i) => {
          if (typeof k !== 'string') walk(k, [...keysAt, i], scope);
          else if (!scope.facts[k])
            report(RuleProblemCode.UNKNOWN_FACT, [...keysAt, i], t(`未知的事实“${k}”`, `Unknown fact "${k}"`));
        });
      } else walk(keys, keysAt, scope);
      return { k: 'array', of: { k: 'string' } };
    }
    if (op === 'map' || op === 'filter' || op === 'all' || op === 'some' || op === 'none' || op === 'reduce') {
      const list = walk(args[0], argAt(0), scope);
      if (list.k !== 'array' && list.k !== 'any')
        mismatch(
          argAt(0),
          `${op} 只能遍历列表，这里是${describe(list).zh}`,
          `${op} iterates over a list, not ${describe(list).en}`,
        );
      const element = list.of ?? ANY;
      const inner: Scope = { facts: element.item ?? {}, element, iterator: true };
      if (op === 'reduce') {
        const initial = args.length > 2 ? walk(args[2], argAt(2), scope) : ANY;
        walk(args[1], argAt(1), { facts: {}, iterator: true, reduce: { accumulator: initial, current: element } });
        return initial;
      }
      const mapped = walk(args[1], argAt(1), inner);
      return op === 'map' ? { k: 'array', of: mapped } : op === 'filter' ? list : { k: 'boolean' };
    }
    const types = args.map((a, i) => walk(a, argAt(i), scope));
    if (!isArray && SPREADING.has(op) && (types[0]?.k === 'array' || (types[0]?.k === 'any' && isPlainObject(raw)))) {
      report(
        RuleProblemCode.NOT_PORTABLE,
        opAt,
        t(
          `${op} 的单个参数可能是列表，请写成 [ ] 数组`,
          `The single argument of ${op} may be a list; write it inside [ ]`,
        ),
      );
    }
    switch (op) {
      case '==':
      case '===':
      case '!=':
      case '!==':
      case '<':
      case '<=':
      case '>':
      case '>=':
        comparable(op, types, at, argAt);
        return { k: 'boolean' };
      case '!':
      case '!!':
        return { k: 'boolean' };
      case 'and':
      case 'or':
      case 'if':
      case '?:': {
        const results =
          op === 'and' || op === 'or' ? types : types.filter((_, i) => i % 2 === 1 || i === types.length - 1);
        const first = results[0] ?? ANY;
        return results.every((r) => r.k === first.k) ? first : ANY;
      }
      case 'in':
        walkIn(types, argAt);
        return { k: 'boolean' };
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
      case 'min':
      case 'max':
        types.forEach((ty, i) => {
          if (ty.k !== 'number' && ty.k !== 'any')
            mismatch(
              argAt(i),
              `${op} 只能用于数字，这里是${describe(ty).zh}`,
              `${op} works on numbers only, not ${describe(ty).en}`,
            );
        });
        if ((op === '/' || op === '%') && types[1]?.lit?.value === 0)
          report(
            RuleProblemCode.NOT_PORTABLE,
            argAt(1),
            t(
              '除以零：json-logic-js 得到无穷大，Gridflow 报错',
              'Division by zero: json-logic-js yields Infinity, Gridflow fails',
            ),
          );
        return { k: 'number', ...(types[0]?.fact ? { fact: types[0].fact } : {}) };
      case 'cat':
        return { k: 'string' };
      case 'substr':
        if (types[0] && !['string', 'number', 'date', 'any'].includes(types[0].k))
          mismatch(argAt(0), `substr 只能截取文本`, `substr works on text`);
        types
          .slice(1)
          .forEach(
            (ty, i) =>
              ty.k !== 'number' &&
              ty.k !== 'any' &&
              mismatch(argAt(i + 1), 'substr 的位置和长度必须是数字', 'The start and length of substr must be numbers'),
          );
        return { k: 'string' };
      case 'merge':
        return {
          k: 'array',
          of:
            types
              .map((ty) => (ty.k === 'array' ? (ty.of ?? ANY) : ty))
              .reduce<Ty | undefined>((a, b) => (!a || a.k === b.k ? b : ANY), undefined) ?? ANY,
        };
      default:
        return ANY;
    }
  };

  const walkIn = (types: Ty[], argAt: (i: number) => Seg[]): void => {
    const [needle, hay] = types as [Ty | undefined, Ty | undefined];
    if (!needle || !hay || hay.k === 'any') return;
    if (hay.k === 'string' || hay.k === 'date') {
      if (needle.k !== 'string' && needle.k !== 'any')
        mismatch(
          argAt(0),
          `在文本中查找的必须是文本，这里是${describe(needle).zh}`,
          `Searching text needs text, not ${describe(needle).en}`,
        );
      return;
    }
    if (hay.k !== 'array') {
      mismatch(
        argAt(1),
        `in 的第二个参数必须是列表或文本，这里是${describe(hay).zh}`,
        `The second argument of in must be a list or text, not ${describe(hay).en}`,
      );
      return;
    }
    const element = hay.of ?? ANY;
    if (needle.k !== 'any' && element.k !== 'any' && !same(needle, element)) {
      mismatch(
        argAt(0),
        `${describe(needle).zh}不会出现在由${describe(element).zh}组成的列表中`,
        `${describe(needle).en} cannot be in a list of ${describe(element).en}`,
      );
      return;
    }
    if (element.fact) checkValue(element, needle, argAt(0));
    const literals = (hay as Ty & { items?: Ty[] }).items;
    if (needle.fact?.def.values && literals) literals.forEach((lit, j) => checkValue(needle, lit, [...argAt(1), j]));
  };

  const walk = (node: unknown, at: Seg[], scope: Scope): Ty => {
    if (node === null) return { k: 'null', lit: { value: null } };
    if (typeof node === 'number') return { k: 'number', lit: { value: node } };
    if (typeof node === 'string') return { k: 'string', lit: { value: node } };
    if (typeof node === 'boolean') return { k: 'boolean', lit: { value: node } };
    if (Array.isArray(node)) {
      const items = node.map((n, i) => walk(n, [...at, i], scope));
      const first = items[0];
      const of = first && items.every((ty) => same(ty, first)) ? { k: first.k } : ANY;
      return { k: 'array', of, items };
    }
    if (!isPlainObject(node)) return ANY;
    const keys = Object.keys(node);
    if (keys.length === 0) return { k: 'object' };
    if (keys.length > 1) {
      report(
        RuleProblemCode.NOT_PORTABLE,
        at,
        t(
          `对象有多个键（${keys.join('、')}）：json-logic-js 当作数据，Gridflow 拒绝`,
          `An object with several keys (${keys.join(', ')}): json-logic-js reads it as data, Gridflow rejects it`,
        ),
      );
      return ANY;
    }
    const op = keys[0] as string;
    if (PORTABLE.has(op)) return walkOp(op, node[op], at, scope);
    if (ENGINE_ONLY.has(op)) {
      report(
        RuleProblemCode.NOT_PORTABLE,
        at,
        t(
          `运算符“${op}”是 json-logic-engine 的扩展，json-logic-js 没有`,
          `The operator "${op}" is a json-logic-engine extension that json-logic-js does not have`,
        ),
      );
    } else {
      report(RuleProblemCode.UNKNOWN_OPERATOR, at, t(`未知的运算符“${op}”`, `Unknown operator "${op}"`));
    }
    return ANY;
  };

  walk(logic, [], { facts, iterator: false });
  return problems;
}
