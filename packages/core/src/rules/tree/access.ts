import { invalidPath } from './nodes.js';
import type { RuleGroup, RuleNode, RulePath, RuleTree } from './types.js';

function checkPathShape(path: RulePath): void {
  if (!Array.isArray(path) || !path.every((i) => Number.isInteger(i) && i >= 0)) {
    throw invalidPath(Array.isArray(path) ? path : [], {
      zh: '路径应为非负整数数组',
      en: 'a path is an array of non-negative integers',
    });
  }
}

/**
 * The node at a path.
 *
 * @throws GridflowError `rule_tree.invalid_path` when there is no node there.
 * @example
 * // `tree`: fromJsonLogic({ and: [urgency == emergency, { or: [hours > 24, reopened] }, category in [fire, gas]] })
 * getNode(tree, []).type; // 'group'
 * getNode(tree, [1, 0]); // { type: 'condition', id: 'n4', not: false, field: 'case.hours', operator: '>', value: 24 }
 */
export function getNode(tree: RuleTree, path: RulePath): RuleNode {
  checkPathShape(path);
  let node = tree.root;
  for (let depth = 0; depth < path.length; depth++) {
    const child = node.type === 'group' ? node.children[path[depth] as number] : undefined;
    if (child === undefined) throw invalidPath(path);
    node = child;
  }
  return node;
}

/**
 * The node with this id, or `undefined`.
 *
 * @example
 * // `tree`: fromJsonLogic({ and: [urgency == emergency, { or: [hours > 24, reopened] }, category in [fire, gas]] })
 * findById(tree, 'n4')?.field; // 'case.hours'
 */
export function findById(tree: RuleTree, id: string): RuleNode | undefined {
  const path = pathOf(tree, id);
  return path === undefined ? undefined : getNode(tree, path);
}

/**
 * The path of the node with this id, or `undefined`.
 *
 * @example
 * // `tree`: fromJsonLogic({ and: [urgency == emergency, { or: [hours > 24, reopened] }, category in [fire, gas]] })
 * pathOf(tree, 'n4'); // [1, 0]
 */
export function pathOf(tree: RuleTree, id: string): RulePath | undefined {
  const walk = (node: RuleNode, path: number[]): number[] | undefined => {
    if (node.id === id) return path;
    if (node.type !== 'group') return undefined;
    for (let i = 0; i < node.children.length; i++) {
      const found = walk(node.children[i] as RuleNode, [...path, i]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(tree.root, []);
}

/** A new tree in which the node at `path` is replaced by `update(node)`; only the nodes on the path are copied. */
export function updateAt(tree: RuleTree, path: RulePath, update: (node: RuleNode) => RuleNode): RuleTree {
  getNode(tree, path);
  const rebuild = (node: RuleNode, depth: number): RuleNode => {
    if (depth === path.length) return update(node);
    const group = node as RuleGroup;
    const index = path[depth] as number;
    const children = group.children.slice();
    children[index] = rebuild(children[index] as RuleNode, depth + 1);
    return { ...group, children };
  };
  return { ...tree, root: rebuild(tree.root, 0) };
}
