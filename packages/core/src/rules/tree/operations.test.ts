import { describe, expect, it } from 'vitest';
import { GridflowError } from '../../errors.js';
import { findById, getNode, pathOf } from './access.js';
import { fromJsonLogic, toJsonLogic } from './jsonLogic.js';
import { createIdGenerator, withoutIds } from './nodes.js';
import {
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
import type { RuleTree } from './types.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const urgent = { '==': [{ var: 'case.urgency' }, 'emergency'] };
const late = { '>': [{ var: 'case.elapsedHours' }, { var: 'limits.hours' }] };
const fire = { in: [{ var: 'case.category' }, ['fire', 'gas']] };
const custom = { some: [{ var: 'items' }, { var: 'overdue' }] };

/**
 * n1 and
 * ├─ n2  urgent                [0]
 * ├─ n3  or                    [1]
 * │  ├─ n4  late               [1, 0]
 * │  └─ n5  fire               [1, 1]
 * └─ n6  custom (expression)   [2]
 */
function sample(): RuleTree {
  return deepFreeze(fromJsonLogic({ and: [urgent, { or: [late, fire] }, custom] }));
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof GridflowError ? e.code : 'not-a-gridflow-error';
  }
  return undefined;
}

describe('reading the tree', () => {
  it('finds nodes by path and by id', () => {
    const tree = sample();
    expect(getNode(tree, [1, 1])).toMatchObject({ id: 'n5', operator: 'in' });
    expect(getNode(tree, [])).toBe(tree.root);
    expect(findById(tree, 'n4')).toMatchObject({ field: 'case.elapsedHours' });
    expect(pathOf(tree, 'n5')).toEqual([1, 1]);
    expect(pathOf(tree, 'n1')).toEqual([]);
    expect(findById(tree, 'nope')).toBeUndefined();
    expect(pathOf(tree, 'nope')).toBeUndefined();
  });

  it.each([[[3]], [[0, 0]], [[1, 2]], [[-1]], [[0.5]]])('rejects the invalid path %j', (path) => {
    expect(codeOf(() => getNode(sample(), path))).toBe('rule_tree.invalid_path');
  });

  it('says where the invalid path is, as a JSON Pointer into the tree', () => {
    try {
      getNode(sample(), [1, 7]);
      expect.unreachable();
    } catch (e) {
      const err = e as GridflowError;
      expect(err.path).toBe('/root/children/1/children/7');
      expect(err.messages.zh).toContain('[1, 7]');
      expect(err.messages.en).toContain('[1, 7]');
    }
  });
});

describe('createRuleTree', () => {
  it('starts an empty and-group', () => {
    expect(createRuleTree()).toStrictEqual({
      root: { type: 'group', id: 'n1', not: false, combinator: 'and', children: [] },
    });
    expect(toJsonLogic(createRuleTree())).toStrictEqual({ and: [] });
  });

  it('rejects an invalid condition', () => {
    expect(codeOf(() => createRuleTree({ type: 'condition', field: 'x', operator: 'between', value: 3 }))).toBe(
      'rule_tree.invalid_condition',
    );
  });
});

describe('addNode', () => {
  it('appends by default and generates ids above the existing ones', () => {
    const tree = sample();
    const next = addNode(tree, [1], { type: 'condition', field: 'case.level', operator: '==', value: 'grid' });
    expect(getNode(next, [1, 2])).toStrictEqual({
      type: 'condition',
      id: 'n7',
      not: false,
      field: 'case.level',
      operator: '==',
      value: 'grid',
    });
    expect(toJsonLogic(next)).toStrictEqual({
      and: [urgent, { or: [late, fire, { '==': [{ var: 'case.level' }, 'grid'] }] }, custom],
    });
    expect(toJsonLogic(tree)).toStrictEqual({ and: [urgent, { or: [late, fire] }, custom] });
  });

  it('inserts at an index, with a whole subtree and an injected id generator', () => {
    const next = addNode(
      sample(),
      [],
      { type: 'group', combinator: 'or', children: [{ type: 'expression', logic: true }] },
      0,
      { idGenerator: createIdGenerator('x') },
    );
    expect(getNode(next, [0])).toMatchObject({ id: 'x1', children: [{ id: 'x2', logic: true }] });
    expect(getNode(next, [1]).id).toBe('n2');
  });

  it('shares structure with the old tree off the edited path', () => {
    const tree = sample();
    const next = addNode(tree, [1], { type: 'expression', logic: false });
    expect(getNode(next, [0])).toBe(getNode(tree, [0]));
    expect(getNode(next, [1, 0])).toBe(getNode(tree, [1, 0]));
    expect(getNode(next, [1])).not.toBe(getNode(tree, [1]));
  });

  it('refuses bad targets, indexes, ids and nodes', () => {
    const tree = sample();
    const cond = { type: 'condition', field: 'x', operator: '==', value: 1 } as const;
    expect(codeOf(() => addNode(tree, [0], cond))).toBe('rule_tree.not_a_group');
    expect(codeOf(() => addNode(tree, [9], cond))).toBe('rule_tree.invalid_path');
    expect(codeOf(() => addNode(tree, [1], cond, 3))).toBe('rule_tree.invalid_path');
    expect(codeOf(() => addNode(tree, [1], cond, -1))).toBe('rule_tree.invalid_path');
    expect(codeOf(() => addNode(tree, [], { ...cond, id: 'n3' }))).toBe('rule_tree.duplicate_id');
    expect(
      codeOf(() =>
        addNode(tree, [], {
          type: 'group',
          combinator: 'and',
          children: [
            { ...cond, id: 'a' },
            { ...cond, id: 'a' },
          ],
        }),
      ),
    ).toBe('rule_tree.duplicate_id');
    expect(codeOf(() => addNode(tree, [], { ...cond, value: [1, 2] }))).toBe('rule_tree.invalid_condition');
    expect(codeOf(() => addNode(tree, [], { ...cond, operator: 'like' as '==' }))).toBe('rule_tree.invalid_condition');
    expect(codeOf(() => addNode(tree, [], { type: 'group', combinator: 'xor' as 'and' }))).toBe(
      'rule_tree.invalid_node',
    );
    expect(codeOf(() => addNode(tree, [], { type: 'expression', logic: undefined }))).toBe('rule_tree.invalid_node');
  });

  it('pastes a copy with fresh ids', () => {
    const tree = sample();
    const next = addNode(tree, [], withoutIds(getNode(tree, [1])));
    expect(getNode(next, [3])).toMatchObject({ id: 'n7', children: [{ id: 'n8' }, { id: 'n9' }] });
    expect(toJsonLogic(next)).toStrictEqual({ and: [urgent, { or: [late, fire] }, custom, { or: [late, fire] }] });
  });

  it('copies the value it is given', () => {
    const value = ['fire'];
    const next = addNode(sample(), [], { type: 'condition', field: 'c', operator: 'in', value });
    value.push('flood');
    expect(getNode(next, [3])).toMatchObject({ value: ['fire'] });
  });
});

describe('removeNode', () => {
  it('removes a leaf and a subtree', () => {
    const tree = sample();
    expect(toJsonLogic(removeNode(tree, [1, 0]))).toStrictEqual({ and: [urgent, { or: [fire] }, custom] });
    expect(toJsonLogic(removeNode(tree, [1]))).toStrictEqual({ and: [urgent, custom] });
  });

  it('refuses the root and missing paths', () => {
    expect(codeOf(() => removeNode(sample(), []))).toBe('rule_tree.invalid_path');
    expect(codeOf(() => removeNode(sample(), [5]))).toBe('rule_tree.invalid_path');
    expect(codeOf(() => removeNode(sample(), [0, 0]))).toBe('rule_tree.invalid_path');
  });
});

describe('replaceNode', () => {
  it('keeps the id when the replacement has none', () => {
    const next = replaceNode(sample(), [2], { type: 'condition', field: 'case.reopened', operator: '==', value: true });
    expect(getNode(next, [2])).toMatchObject({ id: 'n6', type: 'condition' });
    expect(toJsonLogic(next)).toStrictEqual({
      and: [urgent, { or: [late, fire] }, { '==': [{ var: 'case.reopened' }, true] }],
    });
  });

  it('replaces the root, and may reuse ids from the subtree it replaces', () => {
    const tree = sample();
    const next = replaceNode(tree, [], {
      type: 'group',
      id: 'n1',
      combinator: 'or',
      children: [{ ...getNode(tree, [1, 0]) }],
    });
    expect(toJsonLogic(next)).toStrictEqual({ or: [late] });
  });

  it('refuses an id used elsewhere', () => {
    expect(codeOf(() => replaceNode(sample(), [2], { type: 'expression', id: 'n2', logic: 1 }))).toBe(
      'rule_tree.duplicate_id',
    );
  });
});

describe('moveNode', () => {
  it('moves into another group', () => {
    const next = moveNode(sample(), [0], [1], 0);
    expect(toJsonLogic(next)).toStrictEqual({ and: [{ or: [urgent, late, fire] }, custom] });
    expect(pathOf(next, 'n2')).toEqual([0, 0]);
  });

  it('moves out of a group', () => {
    expect(toJsonLogic(moveNode(sample(), [1, 1], [], 3))).toStrictEqual({
      and: [urgent, { or: [late] }, custom, fire],
    });
  });

  it('reorders within a group, the index being the final position', () => {
    expect(toJsonLogic(moveNode(sample(), [0], [], 2))).toStrictEqual({ and: [{ or: [late, fire] }, custom, urgent] });
    expect(toJsonLogic(moveNode(sample(), [2], [], 0))).toStrictEqual({ and: [custom, urgent, { or: [late, fire] }] });
    expect(toJsonLogic(moveNode(sample(), [1, 1], [1], 0))).toStrictEqual({
      and: [urgent, { or: [fire, late] }, custom],
    });
  });

  it('finds the target group after an earlier sibling of it has left', () => {
    const tree = deepFreeze(fromJsonLogic({ and: [urgent, custom, { or: [late] }] }));
    expect(toJsonLogic(moveNode(tree, [0], [2], 1))).toStrictEqual({ and: [custom, { or: [late, urgent] }] });
  });

  it('rejects moving into its own subtree', () => {
    const tree = deepFreeze(fromJsonLogic({ and: [{ or: [{ and: [late] }, fire] }] }));
    expect(codeOf(() => moveNode(tree, [0], [0], 0))).toBe('rule_tree.move_into_self');
    expect(codeOf(() => moveNode(tree, [0], [0, 0], 0))).toBe('rule_tree.move_into_self');
  });

  it('rejects the root, non-groups and bad indexes', () => {
    expect(codeOf(() => moveNode(sample(), [], [1], 0))).toBe('rule_tree.invalid_path');
    expect(codeOf(() => moveNode(sample(), [1], [0], 0))).toBe('rule_tree.not_a_group');
    expect(codeOf(() => moveNode(sample(), [0], [1], 3))).toBe('rule_tree.invalid_path');
    expect(codeOf(() => moveNode(sample(), [0], [], 3))).toBe('rule_tree.invalid_path');
    expect(codeOf(() => moveNode(sample(), [7], [], 0))).toBe('rule_tree.invalid_path');
  });
});

describe('groupNodes', () => {
  it('wraps siblings in a new group where the first was, keeping their order', () => {
    const next = groupNodes(sample(), [[2], [0]], 'or');
    expect(toJsonLogic(next)).toStrictEqual({ and: [{ or: [urgent, custom] }, { or: [late, fire] }] });
    expect(getNode(next, [0])).toMatchObject({ id: 'n7', type: 'group', not: false });
  });

  it('wraps a single node and the root', () => {
    expect(toJsonLogic(groupNodes(sample(), [[1, 1]], 'and'))).toStrictEqual({
      and: [urgent, { or: [late, { and: [fire] }] }, custom],
    });
    const wrapped = groupNodes(sample(), [[]], 'or', { idGenerator: () => 'top' });
    expect(wrapped.root.id).toBe('top');
    expect(toJsonLogic(wrapped)).toStrictEqual({ or: [{ and: [urgent, { or: [late, fire] }, custom] }] });
  });

  it('refuses non-siblings, repeats, nothing and a colliding id', () => {
    expect(codeOf(() => groupNodes(sample(), [[0], [1, 0]], 'and'))).toBe('rule_tree.not_siblings');
    expect(codeOf(() => groupNodes(sample(), [[0], [0]], 'and'))).toBe('rule_tree.invalid_path');
    expect(codeOf(() => groupNodes(sample(), [], 'and'))).toBe('rule_tree.invalid_path');
    expect(codeOf(() => groupNodes(sample(), [[], [0]], 'and'))).toBe('rule_tree.invalid_path');
    expect(codeOf(() => groupNodes(sample(), [[0], [9]], 'and'))).toBe('rule_tree.invalid_path');
    expect(codeOf(() => groupNodes(sample(), [[0]], 'and', { idGenerator: () => 'n3' }))).toBe(
      'rule_tree.duplicate_id',
    );
  });
});

describe('negateNode', () => {
  it('toggles a condition, a group and an expression', () => {
    const tree = sample();
    const once = negateNode(negateNode(negateNode(tree, [1, 1]), [1]), [2]);
    expect(toJsonLogic(once)).toStrictEqual({
      and: [urgent, { '!': [{ or: [late, { '!': [fire] }] }] }, { '!': [custom] }],
    });
    expect(toJsonLogic(negateNode(negateNode(once, [1, 1]), [1]))).toStrictEqual({
      and: [urgent, { or: [late, fire] }, { '!': [custom] }],
    });
  });

  it('forgets the bare form once the negation is removed', () => {
    const tree = deepFreeze(fromJsonLogic({ '!': fire }));
    expect(tree.root).toMatchObject({ not: true, bareNot: true });
    const off = negateNode(tree, []);
    expect(off.root).not.toHaveProperty('bareNot');
    expect(toJsonLogic(negateNode(off, []))).toStrictEqual({ '!': [fire] });
  });
});

describe('setCombinator', () => {
  it('switches and/or', () => {
    expect(toJsonLogic(setCombinator(sample(), [1], 'and'))).toStrictEqual({
      and: [urgent, { and: [late, fire] }, custom],
    });
    expect(codeOf(() => setCombinator(sample(), [0], 'or'))).toBe('rule_tree.not_a_group');
  });
});

describe('updateCondition', () => {
  it('patches field, operator and value', () => {
    const tree = sample();
    expect(toJsonLogic(updateCondition(tree, [0], { value: 'general' }))).toStrictEqual({
      and: [{ '==': [{ var: 'case.urgency' }, 'general'] }, { or: [late, fire] }, custom],
    });
    expect(
      getNode(updateCondition(tree, [1, 0], { operator: 'between', value: [0, { var: 'limits.hours' }] }), [1, 0]),
    ).toStrictEqual({
      type: 'condition',
      id: 'n4',
      not: false,
      field: 'case.elapsedHours',
      operator: 'between',
      value: [0, { var: 'limits.hours' }],
    });
    expect(
      toJsonLogic(updateCondition(tree, [1, 1], { operator: 'contains', value: 'fire', field: 'case.tags' })),
    ).toStrictEqual({
      and: [urgent, { or: [late, { in: ['fire', { var: 'case.tags' }] }] }, custom],
    });
    expect(getNode(updateCondition(tree, [0], { value: null }), [0])).toMatchObject({ value: null });
  });

  it('keeps a negation', () => {
    const tree = negateNode(sample(), [0]);
    expect(toJsonLogic(updateCondition(tree, [0], { operator: '!=' }))).toStrictEqual({
      and: [{ '!': [{ '!=': [{ var: 'case.urgency' }, 'emergency'] }] }, { or: [late, fire] }, custom],
    });
  });

  it('refuses a value that does not fit the operator, and non-conditions', () => {
    expect(codeOf(() => updateCondition(sample(), [0], { operator: 'between' }))).toBe('rule_tree.invalid_condition');
    expect(codeOf(() => updateCondition(sample(), [0], { operator: 'in', value: 5 }))).toBe(
      'rule_tree.invalid_condition',
    );
    expect(codeOf(() => updateCondition(sample(), [0], { operator: 'contains', value: { var: 'x' } }))).toBe(
      'rule_tree.invalid_condition',
    );
    expect(codeOf(() => updateCondition(sample(), [1], { value: 1 }))).toBe('rule_tree.not_a_condition');
    expect(codeOf(() => updateCondition(sample(), [2], { value: 1 }))).toBe('rule_tree.not_a_condition');
    expect(codeOf(() => updateCondition(sample(), [4], { value: 1 }))).toBe('rule_tree.invalid_path');
  });
});

describe('immutability', () => {
  it('never changes the tree it is given (all trees here are deep-frozen)', () => {
    const tree = sample();
    const before = JSON.stringify(tree);
    addNode(tree, [1], { type: 'expression', logic: 1 });
    removeNode(tree, [1, 0]);
    replaceNode(tree, [0], { type: 'expression', logic: 2 });
    moveNode(tree, [1, 0], [], 0);
    groupNodes(tree, [[0], [2]], 'or');
    negateNode(tree, [1]);
    setCombinator(tree, [], 'or');
    updateCondition(tree, [0], { value: 'x' });
    expect(JSON.stringify(tree)).toBe(before);
  });

  it('an edited tree still round-trips through JsonLogic', () => {
    let tree = sample();
    tree = groupNodes(tree, [[0], [2]], 'or');
    tree = negateNode(tree, [0]);
    tree = moveNode(tree, [1, 0], [0], 1);
    tree = updateCondition(tree, [0, 1], { operator: 'between_exclusive', value: [1, 9] });
    const logic = toJsonLogic(tree);
    expect(logic).toStrictEqual({
      and: [{ '!': [{ or: [urgent, { '<': [1, { var: 'case.elapsedHours' }, 9] }, custom] }] }, { or: [fire] }],
    });
    expect(toJsonLogic(fromJsonLogic(logic))).toStrictEqual(logic);
    expect(withoutIds(fromJsonLogic(logic).root)).toStrictEqual(withoutIds(tree.root));
  });
});
