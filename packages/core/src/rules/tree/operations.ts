import { getNode, updateAt } from './access.js';
import {
  checkCondition,
  checkUniqueIds,
  collectIds,
  createIdGenerator,
  defaultIdGenerator,
  invalidPath,
  materialize,
  treeError,
} from './nodes.js';
import {
  Combinator,
  type ConditionPatch,
  type RuleCondition,
  type RuleGroup,
  type RuleNode,
  type RuleNodeInput,
  type RulePath,
  type RuleTree,
  type TreeEditOptions,
} from './types.js';

/*
 * Every operation is a pure function: it returns a new tree, copies only the nodes on the edited path and
 * never changes its arguments. Paths are child indexes from the root (see RulePath).
 */

function groupAt(tree: RuleTree, path: RulePath): RuleGroup {
  const node = getNode(tree, path);
  if (node.type !== 'group') {
    throw treeError(
      'rule_tree.not_a_group',
      { zh: '只能在条件组中添加或移入节点', en: 'Nodes can only be added to or moved into a group' },
      path,
    );
  }
  return node;
}

function checkIndex(index: number, length: number, parentPath: RulePath): void {
  if (!Number.isInteger(index) || index < 0 || index > length) {
    throw invalidPath([...parentPath, index], {
      zh: `位置应在 0 到 ${length} 之间`,
      en: `the position must be between 0 and ${length}`,
    });
  }
}

function withChildren(group: RuleNode, children: readonly RuleNode[]): RuleNode {
  return { ...(group as RuleGroup), children };
}

/** Ids in the tree, leaving out the subtree at `skip`. */
function idsOutside(tree: RuleTree, skip?: RulePath): string[] {
  const ids: string[] = [];
  const walk = (node: RuleNode, path: number[]): void => {
    if (skip !== undefined && path.length === skip.length && path.every((v, i) => v === skip[i])) return;
    ids.push(node.id);
    if (node.type === 'group') node.children.forEach((c, i) => walk(c, [...path, i]));
  };
  walk(tree.root, []);
  return ids;
}

/**
 * Makes a new empty rule (an `and` group with no children), or a tree from a node.
 *
 * @example
 * createRuleTree(); // { root: { type: 'group', id: 'n1', not: false, combinator: 'and', children: [] } }
 */
export function createRuleTree(
  root: RuleNodeInput = { type: 'group', combinator: Combinator.AND },
  options: TreeEditOptions = {},
): RuleTree {
  const node = materialize(root, options.idGenerator ?? createIdGenerator(), []);
  checkUniqueIds(collectIds(node), []);
  return { root: node };
}

/**
 * Inserts a node into the group at `parentPath`, at `index` (default: last). Missing ids are generated.
 *
 * @throws GridflowError `rule_tree.invalid_path`, `rule_tree.not_a_group`, `rule_tree.duplicate_id`,
 *   `rule_tree.invalid_node` or `rule_tree.invalid_condition`.
 * @example
 * const tree = addNode(createRuleTree(), [], { type: 'condition', field: 'case.urgency', operator: '==', value: 'emergency' });
 * toJsonLogic(tree); // { and: [{ '==': [{ var: 'case.urgency' }, 'emergency'] }] }
 */
export function addNode(
  tree: RuleTree,
  parentPath: RulePath,
  node: RuleNodeInput,
  index?: number,
  options: TreeEditOptions = {},
): RuleTree {
  const parent = groupAt(tree, parentPath);
  const at = index ?? parent.children.length;
  checkIndex(at, parent.children.length, parentPath);
  const created = materialize(node, options.idGenerator ?? defaultIdGenerator(tree), [...parentPath, at]);
  checkUniqueIds([...idsOutside(tree), ...collectIds(created)], [...parentPath, at]);
  return updateAt(tree, parentPath, (g) => {
    const children = (g as RuleGroup).children.slice();
    children.splice(at, 0, created);
    return withChildren(g, children);
  });
}

/**
 * Removes the node at `path` (not the root: replace the root instead).
 *
 * @throws GridflowError `rule_tree.invalid_path`.
 * @example
 * // `tree`: fromJsonLogic({ and: [urgency == emergency, { or: [hours > 24, reopened] }, category in [fire, gas]] })
 * toJsonLogic(removeNode(tree, [0])).and.length; // 2
 */
export function removeNode(tree: RuleTree, path: RulePath): RuleTree {
  getNode(tree, path);
  if (path.length === 0) {
    throw invalidPath(path, { zh: '不能删除根节点，请改用替换', en: 'the root cannot be removed; replace it instead' });
  }
  const parentPath = path.slice(0, -1);
  const index = path[path.length - 1] as number;
  return updateAt(tree, parentPath, (g) =>
    withChildren(
      g,
      (g as RuleGroup).children.filter((_, i) => i !== index),
    ),
  );
}

/**
 * Puts a node in place of the one at `path` (the root too). A replacement without an id keeps the old id.
 *
 * @throws GridflowError `rule_tree.invalid_path`, `rule_tree.duplicate_id`, `rule_tree.invalid_node` or
 *   `rule_tree.invalid_condition`.
 * @example
 * // `tree`: fromJsonLogic({ and: [urgency == emergency, { or: [hours > 24, reopened] }, category in [fire, gas]] })
 * toJsonLogic(replaceNode(tree, [1], { type: 'expression', logic: { some: [{ var: 'items' }, { var: 'overdue' }] } })).and[1];
 * // { some: [{ var: 'items' }, { var: 'overdue' }] }
 */
export function replaceNode(
  tree: RuleTree,
  path: RulePath,
  node: RuleNodeInput,
  options: TreeEditOptions = {},
): RuleTree {
  const old = getNode(tree, path);
  const created = materialize(
    node.id === undefined ? { ...node, id: old.id } : node,
    options.idGenerator ?? defaultIdGenerator(tree),
    path,
  );
  checkUniqueIds([...idsOutside(tree, path), ...collectIds(created)], path);
  return updateAt(tree, path, () => created);
}

/**
 * Moves the node at `fromPath` into the group at `toParentPath` (a path in the tree as it is now), so that it
 * ends up at `index` among that group's children.
 *
 * @throws GridflowError `rule_tree.invalid_path` (also for moving the root or an index out of range),
 *   `rule_tree.not_a_group`, `rule_tree.move_into_self` (into the node itself or its own subtree).
 * @example
 * // `tree`: fromJsonLogic({ and: [urgency == emergency, { or: [hours > 24, reopened] }, category in [fire, gas]] })
 * // the first child becomes the first child of the `or` group:
 * toJsonLogic(moveNode(tree, [0], [1], 0)).and[0];
 * // { or: [{ '==': [{ var: 'case.urgency' }, 'emergency'] }, { '>': [{ var: 'case.hours' }, 24] }, { var: 'case.reopened' }] }
 */
export function moveNode(tree: RuleTree, fromPath: RulePath, toParentPath: RulePath, index: number): RuleTree {
  const node = getNode(tree, fromPath);
  groupAt(tree, toParentPath);
  if (fromPath.length === 0) throw invalidPath(fromPath, { zh: '不能移动根节点', en: 'the root cannot be moved' });
  if (fromPath.length <= toParentPath.length && fromPath.every((v, i) => v === toParentPath[i])) {
    throw treeError(
      'rule_tree.move_into_self',
      { zh: '不能把节点移到它自己或它的子节点中', en: 'A node cannot be moved into itself or its own subtree' },
      toParentPath,
      { from: [...fromPath] },
    );
  }
  // Where the target group is once the node has left: a later sibling of one of its ancestors shifts left.
  const depth = fromPath.length - 1;
  const target = toParentPath.slice();
  const removed = fromPath[depth] as number;
  if (
    target.length > depth &&
    fromPath.slice(0, depth).every((v, i) => v === target[i]) &&
    (target[depth] as number) > removed
  ) {
    target[depth] = (target[depth] as number) - 1;
  }
  const without = removeNode(tree, fromPath);
  const parent = groupAt(without, target);
  checkIndex(index, parent.children.length, toParentPath);
  return updateAt(without, target, (g) => {
    const children = (g as RuleGroup).children.slice();
    children.splice(index, 0, node);
    return withChildren(g, children);
  });
}

/**
 * Wraps sibling nodes in a new group, placed where the first of them was; the nodes keep their order. Passing
 * `[[]]` wraps the root.
 *
 * @throws GridflowError `rule_tree.invalid_path` (no paths, repeated or missing paths) or
 *   `rule_tree.not_siblings` when the nodes do not share a parent.
 * @example
 * // `tree`: fromJsonLogic({ and: [urgency == emergency, { or: [hours > 24, reopened] }, category in [fire, gas]] })
 * // children 0 and 2 become one `or` group at index 0:
 * toJsonLogic(groupNodes(tree, [[0], [2]], 'or')).and[0]; // { or: [{ '==': [{ var: 'case.urgency' }, 'emergency'] }, { in: [{ var: 'case.category' }, ['fire', 'gas']] }] }
 */
export function groupNodes(
  tree: RuleTree,
  paths: readonly RulePath[],
  combinator: Combinator,
  options: TreeEditOptions = {},
): RuleTree {
  const first = paths[0];
  if (first === undefined) throw invalidPath([], { zh: '没有选中任何节点', en: 'no nodes were given' });
  paths.forEach((p) => getNode(tree, p));
  const ids = options.idGenerator ?? defaultIdGenerator(tree);
  const wrap = (children: readonly RuleNode[], at: RulePath): RuleNode => {
    const group = materialize({ type: 'group', combinator }, ids, at);
    checkUniqueIds([...idsOutside(tree), group.id], at);
    return { ...(group as RuleGroup), children };
  };
  if (first.length === 0) {
    if (paths.length !== 1) throw invalidPath(first, { zh: '根节点没有兄弟节点', en: 'the root has no siblings' });
    return { ...tree, root: wrap([tree.root], []) };
  }
  const parentPath = first.slice(0, -1);
  const indexes: number[] = [];
  for (const p of paths) {
    if (p.length !== first.length || !parentPath.every((v, i) => v === p[i])) {
      throw treeError(
        'rule_tree.not_siblings',
        { zh: '只能把同一组中的节点组合在一起', en: 'Only nodes of the same group can be grouped together' },
        p,
      );
    }
    const index = p[p.length - 1] as number;
    if (indexes.includes(index)) throw invalidPath(p, { zh: '路径重复', en: 'the path is given twice' });
    indexes.push(index);
  }
  indexes.sort((a, b) => a - b);
  const at = indexes[0] as number;
  return updateAt(tree, parentPath, (g) => {
    const siblings = (g as RuleGroup).children;
    const group = wrap(
      indexes.map((i) => siblings[i] as RuleNode),
      [...parentPath, at],
    );
    const children: RuleNode[] = [];
    siblings.forEach((child, i) => {
      if (i === at) children.push(group);
      else if (!indexes.includes(i)) children.push(child);
    });
    return withChildren(g, children);
  });
}

/**
 * Toggles the negation of the node at `path` (`{"!": [node]}`): "not in", "none of", etc.
 *
 * @throws GridflowError `rule_tree.invalid_path`.
 * @example
 * // `tree`: fromJsonLogic({ and: [urgency == emergency, { or: [hours > 24, reopened] }, category in [fire, gas]] })
 * toJsonLogic(negateNode(tree, [0])).and[0]; // { '!': [{ '==': [{ var: 'case.urgency' }, 'emergency'] }] }
 */
export function negateNode(tree: RuleTree, path: RulePath): RuleTree {
  return updateAt(tree, path, (node) => {
    if (node.not) {
      const { bareNot: _bare, ...rest } = node;
      return { ...rest, not: false };
    }
    return { ...node, not: true };
  });
}

/**
 * Sets whether the group at `path` joins its children with `and` or `or`.
 *
 * @throws GridflowError `rule_tree.invalid_path` or `rule_tree.not_a_group`.
 * @example
 * // `tree`: fromJsonLogic({ and: [urgency == emergency, { or: [hours > 24, reopened] }, category in [fire, gas]] })
 * Object.keys(toJsonLogic(setCombinator(tree, [], 'or'))); // ['or']
 */
export function setCombinator(tree: RuleTree, path: RulePath, combinator: Combinator): RuleTree {
  groupAt(tree, path);
  if (combinator !== Combinator.AND && combinator !== Combinator.OR) {
    throw treeError(
      'rule_tree.invalid_node',
      { zh: `组合方式应为 and 或 or`, en: `The combinator must be and or or` },
      path,
    );
  }
  return updateAt(tree, path, (g) => ({ ...(g as RuleGroup), combinator }));
}

/**
 * Changes the field, operator and/or value of the condition at `path`. The result must still be a valid
 * condition: when switching to `between`, give the `[low, high]` value in the same patch.
 *
 * @throws GridflowError `rule_tree.invalid_path`, `rule_tree.not_a_condition` or `rule_tree.invalid_condition`.
 * @example
 * // `tree`: fromJsonLogic({ and: [urgency == emergency, { or: [hours > 24, reopened] }, category in [fire, gas]] })
 * toJsonLogic(updateCondition(tree, [1, 0], { operator: 'between', value: [1, 5] })).and[1].or[0];
 * // { '<=': [1, { var: 'case.hours' }, 5] }
 */
export function updateCondition(tree: RuleTree, path: RulePath, patch: ConditionPatch): RuleTree {
  const node = getNode(tree, path);
  if (node.type !== 'condition') {
    throw treeError('rule_tree.not_a_condition', { zh: '该节点不是条件', en: 'The node is not a condition' }, path);
  }
  const next: RuleCondition = {
    ...node,
    ...(patch.field === undefined ? {} : { field: patch.field }),
    ...(patch.operator === undefined ? {} : { operator: patch.operator }),
    ...(patch.value === undefined ? {} : { value: patch.value }),
  };
  checkCondition(next, path);
  const copy = materialize(next, () => node.id, path);
  return updateAt(tree, path, () => copy);
}
