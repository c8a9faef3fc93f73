/**
 * The editable rule tree behind the rule designer: a plain, immutable model of JsonLogic rules with lossless
 * import/export and pure editing operations addressed by path. No framework, no DOM.
 *
 * @module
 */
export {
  Combinator,
  ConditionOperator,
  type ConditionPatch,
  type ConditionValue,
  type FieldRef,
  type IdGenerator,
  type RuleCondition,
  type RuleConditionInput,
  type RuleExpression,
  type RuleExpressionInput,
  type RuleGroup,
  type RuleGroupInput,
  type RuleLiteral,
  type RuleNode,
  type RuleNodeInput,
  type RuleOperand,
  type RulePath,
  type RuleTree,
  type TreeEditOptions,
} from './types.js';
export { fromJsonLogic, toJsonLogic, type FromJsonLogicOptions } from './jsonLogic.js';
export { findById, getNode, pathOf } from './access.js';
export { createIdGenerator, withoutIds } from './nodes.js';
export {
  addNode,
  createRuleTree,
  groupNodes,
  moveNode,
  negateNode,
  removeNode,
  replaceNode,
  setCombinator,
  updateCondition,
} from './operations.js';
