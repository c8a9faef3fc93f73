import { cloneJson, isPlainObject, operatorOf } from './json.js';
import { COMPARISONS, createIdGenerator, isFieldRef, isLiteral, isLiteralList, isOperand } from './nodes.js';
import {
  ConditionOperator,
  type ConditionValue,
  type IdGenerator,
  type RuleCondition,
  type RuleNode,
  type RuleOperand,
  type RuleTree,
} from './types.js';

/** Options of {@link fromJsonLogic}. */
export interface FromJsonLogicOptions {
  /** Makes node ids, in pre-order. Default: a fresh `n1`, `n2`, … per call, so the same JsonLogic gives the same tree. */
  readonly idGenerator?: IdGenerator;
}

/** `{"!": x}` or `{"!": [x]}` — a negation the tree can show as a `not` flag; gives x and the form. */
function negated(logic: unknown): { inner: unknown; bare: boolean } | undefined {
  if (operatorOf(logic) !== '!') return undefined;
  const arg = (logic as Record<string, unknown>)['!'];
  if (!Array.isArray(arg)) return { inner: arg, bare: true };
  return arg.length === 1 ? { inner: arg[0], bare: false } : undefined;
}

function condition(id: string, field: string, operator: ConditionOperator, value: ConditionValue): RuleCondition {
  return { type: 'condition', id, not: false, field, operator, value: cloneJson(value) };
}

/** A condition for a single-operator JsonLogic, or `undefined` when it is not one of the shapes conditions show. */
function asCondition(op: string, args: unknown, nextId: IdGenerator): RuleCondition | undefined {
  if (!Array.isArray(args)) return undefined;
  if (COMPARISONS.has(op)) {
    if (args.length === 2 && isFieldRef(args[0]) && isOperand(args[1])) {
      return condition(nextId(), args[0].var, op as ConditionOperator, args[1]);
    }
    if (
      args.length === 3 &&
      (op === '<' || op === '<=') &&
      isOperand(args[0]) &&
      isFieldRef(args[1]) &&
      isOperand(args[2])
    ) {
      const operator = op === '<=' ? ConditionOperator.BETWEEN : ConditionOperator.BETWEEN_EXCLUSIVE;
      return condition(nextId(), args[1].var, operator, [args[0], args[2]] as const);
    }
    return undefined;
  }
  if (op === 'in' && args.length === 2) {
    const [a, b] = args as [unknown, unknown];
    if (isFieldRef(a) && (isLiteralList(b) || typeof b === 'string' || isFieldRef(b))) {
      return condition(nextId(), a.var, ConditionOperator.IN, b);
    }
    if (isLiteral(a) && isFieldRef(b)) return condition(nextId(), b.var, ConditionOperator.CONTAINS, a);
  }
  return undefined;
}

function parse(logic: unknown, nextId: IdGenerator): RuleNode {
  const neg = negated(logic);
  if (neg !== undefined) {
    // A double negation has nowhere to keep its second `not`: keep it whole.
    if (negated(neg.inner) !== undefined)
      return { type: 'expression', id: nextId(), not: false, logic: cloneJson(logic) };
    const node = parse(neg.inner, nextId);
    return neg.bare ? { ...node, not: true, bareNot: true } : { ...node, not: true };
  }
  const op = operatorOf(logic);
  if (op !== undefined) {
    const args = (logic as Record<string, unknown>)[op];
    if ((op === 'and' || op === 'or') && Array.isArray(args)) {
      const id = nextId();
      return { type: 'group', id, not: false, combinator: op, children: args.map((a: unknown) => parse(a, nextId)) };
    }
    const cond = asCondition(op, args, nextId);
    if (cond !== undefined) return cond;
  }
  return { type: 'expression', id: nextId(), not: false, logic: cloneJson(logic) };
}

/**
 * Reads JsonLogic into an editable tree. `and`/`or` become groups, `!` a `not` flag, comparisons, `in` and
 * the three-argument `<`/`<=` (between) on a `{"var": "<path>"}` become conditions, and anything else is kept
 * verbatim as an expression node — so `toJsonLogic(fromJsonLogic(x))` deep-equals `x` for every JsonLogic x.
 *
 * @example
 * const tree = fromJsonLogic({ and: [{ '==': [{ var: 'case.urgency' }, 'emergency'] }, { '>': [{ var: 'case.hours' }, 2] }] });
 * tree.root.type; // 'group'
 * toJsonLogic(tree); // the same JsonLogic
 */
export function fromJsonLogic(logic: unknown, options: FromJsonLogicOptions = {}): RuleTree {
  return { root: parse(logic, options.idGenerator ?? createIdGenerator()) };
}

function operand(value: RuleOperand): unknown {
  return isPlainObject(value) ? { var: value.var } : value;
}

function emitCondition(c: RuleCondition): unknown {
  const field = { var: c.field };
  switch (c.operator) {
    case ConditionOperator.IN:
      return { in: [field, cloneJson(c.value)] };
    case ConditionOperator.CONTAINS:
      return { in: [c.value, field] };
    case ConditionOperator.BETWEEN:
    case ConditionOperator.BETWEEN_EXCLUSIVE: {
      const [low, high] = c.value as readonly [RuleOperand, RuleOperand];
      return { [c.operator === ConditionOperator.BETWEEN ? '<=' : '<']: [operand(low), field, operand(high)] };
    }
    default:
      return { [c.operator]: [field, operand(c.value as RuleOperand)] };
  }
}

function emit(node: RuleNode): unknown {
  let out: unknown;
  switch (node.type) {
    case 'group':
      out = { [node.combinator]: node.children.map(emit) };
      break;
    case 'condition':
      out = emitCondition(node);
      break;
    case 'expression':
      out = cloneJson(node.logic);
      break;
  }
  if (!node.not) return out;
  return node.bareNot === true && !Array.isArray(out) ? { '!': out } : { '!': [out] };
}

/**
 * Writes a tree as JsonLogic. Ids are not written. The result shares no objects with the tree.
 *
 * @example
 * toJsonLogic(negateNode(fromJsonLogic({ in: [{ var: 'case.category' }, ['fire', 'gas']] }), []));
 * // { '!': [{ in: [{ var: 'case.category' }, ['fire', 'gas']] }] }
 */
export function toJsonLogic(tree: RuleTree): unknown {
  return emit(tree.root);
}
