/**
 * The editable rule tree: the model behind the rule designer, apart from any view. A plain, immutable tree
 * of groups, conditions and opaque expressions that converts to and from JsonLogic without loss.
 */

/**
 * How a group joins its children.
 *
 * @example
 * toJsonLogic(setCombinator(createRuleTree(), [], Combinator.OR)); // { or: [] }
 */
export const Combinator = { AND: 'and', OR: 'or' } as const;
export type Combinator = (typeof Combinator)[keyof typeof Combinator];

/**
 * The operators a condition node can show structurally, and the JsonLogic each stands for (`f` is the
 * condition's field, `{"var": f}`):
 * - `==` `===` `!=` `!==` `<` `<=` `>` `>=`: `{op: [f, value]}`;
 * - `in`: `{"in": [f, value]}` — f is one of a list, a substring of a string, or in another field;
 * - `contains`: `{"in": [value, f]}` — the string or list f contains value;
 * - `between`: `{"<=": [low, f, high]}` (inclusive); `between_exclusive`: `{"<": [low, f, high]}`.
 *
 * "Not in" and the like are a condition with `not: true`: `{"!": [{"in": [f, value]}]}`.
 *
 * @example
 * const tree = addNode(createRuleTree(), [], {
 *   type: 'condition',
 *   field: 'case.hours',
 *   operator: ConditionOperator.BETWEEN,
 *   value: [0, 24],
 * });
 * toJsonLogic(tree); // { and: [{ '<=': [0, { var: 'case.hours' }, 24] }] }
 */
export const ConditionOperator = {
  EQUAL: '==',
  STRICT_EQUAL: '===',
  NOT_EQUAL: '!=',
  STRICT_NOT_EQUAL: '!==',
  LESS: '<',
  LESS_OR_EQUAL: '<=',
  GREATER: '>',
  GREATER_OR_EQUAL: '>=',
  IN: 'in',
  CONTAINS: 'contains',
  BETWEEN: 'between',
  BETWEEN_EXCLUSIVE: 'between_exclusive',
} as const;
export type ConditionOperator = (typeof ConditionOperator)[keyof typeof ConditionOperator];

/** A JSON scalar as it appears literally in a rule. */
export type RuleLiteral = string | number | boolean | null;

/** A reference to another fact, exactly as JsonLogic writes it: `{"var": "limits.maxExtensions"}`. */
export interface FieldRef {
  readonly var: string;
}

/** One side of a comparison: a literal or another field. */
export type RuleOperand = RuleLiteral | FieldRef;

/**
 * A condition's value. Which shapes an operator takes:
 * comparisons — a {@link RuleOperand}; `in` — a list of literals, a string, or a {@link FieldRef};
 * `contains` — a literal; `between`/`between_exclusive` — `[low, high]`, each a {@link RuleOperand}.
 */
export type ConditionValue = RuleOperand | readonly RuleLiteral[] | readonly [RuleOperand, RuleOperand];

interface NodeBase {
  /** Stable identity for selection, drag and drop and undo. Never written to JsonLogic. */
  readonly id: string;
  /** Negation: the node is written as `{"!": [node]}`. */
  readonly not: boolean;
  /**
   * Set when the negation was read as `{"!": node}` rather than `{"!": [node]}`, so the JsonLogic comes back
   * exactly as it was written. Views can ignore it.
   */
  readonly bareNot?: true;
}

/** `and` / `or` over children, possibly negated. An empty group is allowed (`{"and": []}`). */
export interface RuleGroup extends NodeBase {
  readonly type: 'group';
  readonly combinator: Combinator;
  readonly children: readonly RuleNode[];
}

/** "field operator value", e.g. `case.urgency == "emergency"`. */
export interface RuleCondition extends NodeBase {
  readonly type: 'condition';
  /** The dotted `var` path of the fact, e.g. `case.elapsedHours`. */
  readonly field: string;
  readonly operator: ConditionOperator;
  readonly value: ConditionValue;
}

/** Any JsonLogic the tree cannot show structurally, kept verbatim so every rule round-trips. */
export interface RuleExpression extends NodeBase {
  readonly type: 'expression';
  /** The JsonLogic, as JSON. */
  readonly logic: unknown;
}

export type RuleNode = RuleGroup | RuleCondition | RuleExpression;

/**
 * A rule being edited. `root` may be any node, so any JsonLogic (even a bare `true`) is a tree.
 *
 * @example
 * const tree: RuleTree = fromJsonLogic({ or: [{ '==': [{ var: 'case.urgency' }, 'emergency'] }, true] });
 * // { root: { type: 'group', id: 'n1', combinator: 'or', not: false, children: [condition n2, expression n3] } }
 */
export interface RuleTree {
  readonly root: RuleNode;
}

/** Where a node is: child indexes from the root. `[]` is the root, `[1, 0]` the first child of its second child. */
export type RulePath = readonly number[];

/** Makes node ids. Inject one to get ids you control (tests, or UUIDs in a browser). */
export type IdGenerator = () => string;

interface InputBase {
  /** Taken as is when given; otherwise the operation's {@link IdGenerator} makes one. */
  readonly id?: string;
  readonly not?: boolean;
  readonly bareNot?: true;
}

/** A group to insert; ids and `not` may be left out. Every {@link RuleGroup} is one. */
export interface RuleGroupInput extends InputBase {
  readonly type: 'group';
  readonly combinator: Combinator;
  readonly children?: readonly RuleNodeInput[];
}

/** A condition to insert; `id` and `not` may be left out. Every {@link RuleCondition} is one. */
export interface RuleConditionInput extends InputBase {
  readonly type: 'condition';
  readonly field: string;
  readonly operator: ConditionOperator;
  readonly value: ConditionValue;
}

/** An expression to insert; `id` and `not` may be left out. Every {@link RuleExpression} is one. */
export interface RuleExpressionInput extends InputBase {
  readonly type: 'expression';
  readonly logic: unknown;
}

/** A node to insert: like {@link RuleNode}, but ids are optional (they are generated). */
export type RuleNodeInput = RuleGroupInput | RuleConditionInput | RuleExpressionInput;

/** What {@link updateCondition} may change. */
export interface ConditionPatch {
  readonly field?: string;
  readonly operator?: ConditionOperator;
  readonly value?: ConditionValue;
}

/** Options of the operations that create nodes. */
export interface TreeEditOptions {
  /** Makes ids for new nodes. Default: `n<k>` with k above every `n<number>` id already in the tree. */
  readonly idGenerator?: IdGenerator;
}
