import { GridflowError } from '../../errors.js';
import type { LocalizedText } from '../../i18n.js';
import { toPointer } from '../../problems.js';
import { cloneJson, isPlainObject } from './json.js';
import {
  Combinator,
  ConditionOperator,
  type ConditionValue,
  type FieldRef,
  type IdGenerator,
  type RuleCondition,
  type RuleLiteral,
  type RuleNode,
  type RuleNodeInput,
  type RuleOperand,
  type RulePath,
  type RuleTree,
} from './types.js';

/** The comparison operators a condition writes as `{op: [field, value]}`. */
export const COMPARISONS: ReadonlySet<string> = new Set(['==', '===', '!=', '!==', '<', '<=', '>', '>=']);
const OPERATORS: ReadonlySet<string> = new Set(Object.values(ConditionOperator));
const COMBINATORS: ReadonlySet<string> = new Set(Object.values(Combinator));

export function isLiteral(value: unknown): value is RuleLiteral {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** `{"var": "<string>"}` and nothing else. */
export function isFieldRef(value: unknown): value is FieldRef {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === 'var' && typeof value.var === 'string';
}

export function isOperand(value: unknown): value is RuleOperand {
  return isLiteral(value) || isFieldRef(value);
}

export function isLiteralList(value: unknown): value is readonly RuleLiteral[] {
  return Array.isArray(value) && value.every(isLiteral);
}

/** Why a value does not fit an operator, or `undefined` when it does. */
export function conditionValueProblem(operator: unknown, value: unknown): LocalizedText | undefined {
  if (typeof operator !== 'string' || !OPERATORS.has(operator)) {
    return { zh: `不支持的运算符"${String(operator)}"`, en: `Unsupported operator "${String(operator)}"` };
  }
  switch (operator) {
    case ConditionOperator.IN:
      return isLiteralList(value) || typeof value === 'string' || isFieldRef(value)
        ? undefined
        : { zh: '"属于"的值应为列表、文本或字段', en: 'The value of "in" must be a list, a text or a field' };
    case ConditionOperator.CONTAINS:
      return isLiteral(value)
        ? undefined
        : { zh: '"包含"的值应为单个值', en: 'The value of "contains" must be a single value' };
    case ConditionOperator.BETWEEN:
    case ConditionOperator.BETWEEN_EXCLUSIVE:
      return Array.isArray(value) && value.length === 2 && value.every(isOperand)
        ? undefined
        : { zh: '"介于"的值应为 [下限, 上限]', en: 'The value of "between" must be [low, high]' };
    default:
      return isOperand(value)
        ? undefined
        : { zh: '比较的值应为单个值或字段', en: 'A comparison value must be a single value or a field' };
  }
}

export function treePointer(path: RulePath): string {
  return '/root' + toPointer(path.flatMap((i) => ['children', i]));
}

export function treeError(code: string, messages: LocalizedText, path?: RulePath, details?: unknown): GridflowError {
  return new GridflowError(code, messages, {
    ...(path === undefined ? {} : { path: treePointer(path) }),
    details: { ...(path === undefined ? {} : { treePath: [...path] }), ...(isPlainObject(details) ? details : {}) },
  });
}

export function invalidPath(path: RulePath, why?: LocalizedText): GridflowError {
  const shown = `[${path.join(', ')}]`;
  return treeError(
    'rule_tree.invalid_path',
    {
      zh: `规则树中没有路径 ${shown}${why === undefined ? '' : '：' + why.zh}`,
      en: `No node at path ${shown} in the rule tree${why === undefined ? '' : ': ' + why.en}`,
    },
    path,
  );
}

/**
 * A deterministic id generator: `n1`, `n2`, … (or your prefix).
 *
 * @example
 * const ids = createIdGenerator('r');
 * ids(); // 'r1'
 * ids(); // 'r2'
 */
export function createIdGenerator(prefix = 'n', start = 1): IdGenerator {
  let next = start;
  return () => `${prefix}${next++}`;
}

/** Every id in a subtree, in pre-order. */
export function collectIds(node: RuleNode, into: string[] = []): string[] {
  into.push(node.id);
  if (node.type === 'group') for (const child of node.children) collectIds(child, into);
  return into;
}

/** The default generator for edits: `n<k>` with k above every `n<number>` id in the tree. */
export function defaultIdGenerator(tree: RuleTree): IdGenerator {
  let max = 0;
  for (const id of collectIds(tree.root)) {
    const m = /^n(\d+)$/.exec(id);
    if (m !== null) max = Math.max(max, Number(m[1]));
  }
  return createIdGenerator('n', max + 1);
}

const invalidNode = (path: RulePath, why: LocalizedText): GridflowError =>
  treeError('rule_tree.invalid_node', { zh: `节点无效：${why.zh}`, en: `Invalid node: ${why.en}` }, path);

export function invalidCondition(path: RulePath, why: LocalizedText): GridflowError {
  return treeError(
    'rule_tree.invalid_condition',
    { zh: `条件无效：${why.zh}`, en: `Invalid condition: ${why.en}` },
    path,
  );
}

/** Checks a condition's field, operator and value; throws `rule_tree.invalid_condition`. */
export function checkCondition(c: Pick<RuleCondition, 'field' | 'operator' | 'value'>, path: RulePath): void {
  if (typeof c.field !== 'string') {
    throw invalidCondition(path, { zh: '字段应为文本路径', en: 'the field must be a text path' });
  }
  const problem = conditionValueProblem(c.operator, c.value);
  if (problem !== undefined) throw invalidCondition(path, problem);
}

function copyValue(value: ConditionValue): ConditionValue {
  return cloneJson(value);
}

/**
 * Turns an input node into a tree node: checks it, copies it (the tree shares nothing with the caller) and
 * gives every node without an id one from `ids`. `path` is where it will be, for error messages.
 */
export function materialize(input: RuleNodeInput, ids: IdGenerator, path: RulePath): RuleNode {
  const raw: unknown = input;
  if (!isPlainObject(raw)) throw invalidNode(path, { zh: '应为对象', en: 'expected an object' });
  if (input.id !== undefined && typeof input.id !== 'string') {
    throw invalidNode(path, { zh: 'id 应为文本', en: 'the id must be a text' });
  }
  const id = input.id ?? ids();
  const not = input.not === true;
  const base = { id, not, ...(not && input.bareNot === true ? { bareNot: true as const } : {}) };
  switch (input.type) {
    case 'group': {
      if (!COMBINATORS.has(input.combinator)) {
        throw invalidNode(path, {
          zh: `组合方式应为 and 或 or，而不是"${String(input.combinator)}"`,
          en: `the combinator must be and or or, not "${String(input.combinator)}"`,
        });
      }
      const rawChildren: unknown = input.children ?? [];
      if (!Array.isArray(rawChildren))
        throw invalidNode(path, { zh: 'children 应为数组', en: 'children must be an array' });
      const children = rawChildren as readonly RuleNodeInput[];
      const node: RuleNode = {
        type: 'group',
        ...base,
        combinator: input.combinator,
        children: children.map((child, i) => materialize(child, ids, [...path, i])),
      };
      return node;
    }
    case 'condition': {
      checkCondition(input, path);
      return {
        type: 'condition',
        ...base,
        field: input.field,
        operator: input.operator,
        value: copyValue(input.value),
      };
    }
    case 'expression': {
      if (input.logic === undefined) {
        throw invalidNode(path, { zh: '表达式缺少 logic', en: 'the expression has no logic' });
      }
      return { type: 'expression', ...base, logic: cloneJson(input.logic) };
    }
    default:
      throw invalidNode(path, {
        zh: `未知的节点类型"${String((raw as { type?: unknown }).type)}"`,
        en: `unknown node type "${String((raw as { type?: unknown }).type)}"`,
      });
  }
}

/** Throws `rule_tree.duplicate_id` when an id appears twice among `ids`. */
export function checkUniqueIds(ids: readonly string[], path: RulePath): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) {
      throw treeError(
        'rule_tree.duplicate_id',
        { zh: `节点 id "${id}" 重复`, en: `Node id "${id}" is used twice` },
        path,
        { id },
      );
    }
    seen.add(id);
  }
}

/**
 * A copy of a node with every id removed, to insert it again (copy and paste, duplicate) and get fresh ids.
 *
 * @example
 * // `tree`: fromJsonLogic({ and: [urgency == emergency, { or: [hours > 24, reopened] }, category in [fire, gas]] })
 * // duplicates the first child at the end, with new ids:
 * toJsonLogic(addNode(tree, [], withoutIds(getNode(tree, [0])))).and[3]; // { '==': [{ var: 'case.urgency' }, 'emergency'] }
 */
export function withoutIds(node: RuleNode): RuleNodeInput {
  if (node.type === 'group') {
    const { id: _id, ...rest } = node;
    return { ...rest, children: rest.children.map((child) => withoutIds(child)) };
  }
  const { id: _id, ...rest } = node;
  return cloneJson(rest);
}
