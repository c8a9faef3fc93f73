import type { AnyStateMachine } from 'xstate';
import type { LocalizedText } from '../i18n.js';
import { commandMatches } from '../policy/commands.js';
import { COORDINATION_RULE_PREFIX, DEFAULT_COORDINATION_RULES } from '../policy/defaults/coordinationRules.js';
import { standingDefaultRule } from '../policy/defaults/ratingRules.js';
import type { CoordinationRuleKey, OrgLevel, Policy, Scope } from '../policy/types.js';
import { FIELD_LABELS } from '../processes/contract/fieldLabels.js';
import type { CommandDef, JsonSchema, ProcessDefinition } from '../processes/contract/types.js';

/**
 * What a process looks like to generic UIs and the designer: its states as the machine nests them, the
 * transitions between them with the guard and the policy rules on each, its commands with labelled input
 * schemas and the roles the policy lets give them, its deadline kinds and the policy rules it reads.
 *
 * @module
 */

/** One state node of the machine, with its children. */
export interface StateDescription {
  /** Dotted path, e.g. `handling.working` (the key of {@link ProcessDefinition.states}). */
  path: string;
  /** The last segment of the path. */
  key: string;
  name: LocalizedText;
  /** The machine's node type: `atomic`, `compound`, `parallel` (its children are regions, all active at once), `final`, `history`. */
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** True where the case's course ends (the process says so, or the node is a machine final state). */
  final: boolean;
  /** True where the case counts as open. */
  open: boolean;
  /** Nesting level: 0 for a top-level state, 1 for its children… */
  depth: number;
  /** Path of the child entered first (compound states). */
  initial?: string;
  /** True for a parallel state: `states` are its regions. */
  parallel: boolean;
  states: StateDescription[];
}

/** One transition of the machine: on `event` in `source`, when `guard` holds, to `targets`. */
export interface TransitionDescription {
  /** Path of the state that handles the event; `''` for the machine itself (the event is taken in every state). */
  source: string;
  event: string;
  /** State paths entered; empty when the transition only runs actions and stays. */
  targets: string[];
  /** The guard as written: a name (`canEscalate`) or a combination (`and(isAssessor, not(appealUpheld))`). */
  guard?: string;
  /** The named guards in `guard`. */
  guards: string[];
  /** Policy rules the guards and actions of this transition read (`routing`: the routing table). */
  rules: string[];
  /** Named actions, in order. */
  actions: string[];
  /** True when the event is an internal command (deadlines, effects of other cases). */
  internal: boolean;
  /** True when the source is exited and re-entered. */
  reenter: boolean;
}

/** A permission row of the policy that lets a role give a command. */
export interface CommandRole {
  role: string;
  /** The role's name in the policy. */
  name: LocalizedText;
  scope: Scope;
  /** Only while the case is at one of these levels, when the row says so. */
  levels?: OrgLevel[];
  /** The permission row's id. */
  permission: string;
}

/** A command of the process, described for forms and the designer. */
export interface CommandDescription {
  type: string;
  name: LocalizedText;
  inputSchema: JsonSchema;
  /** A label for every field of the input, by property path (`note`, `units.grid`). */
  labels: Record<string, LocalizedText>;
  /** True for events only the runtime sends; never offered to users. */
  internal: boolean;
  /** Who may give it, by the policy's permission rows (empty for internal commands). */
  roles: CommandRole[];
}

/** A policy rule the process reads. */
export interface RuleUse {
  /** Key under `policy.rules` (or `rules.custom`); `routing` for the routing table. */
  key: string;
  /** The rule's name in the policy, when it has one. */
  name?: LocalizedText;
}

/** What a process looks like to a generic UI, under one policy. */
export interface ProcessDescription {
  id: string;
  version: number;
  name: LocalizedText;
  /** JSON Schema of a submission, with a label for each field. */
  inputSchema: JsonSchema;
  inputLabels: Record<string, LocalizedText>;
  /** The permission command checked on submission, and who may give it. */
  submit: { command: string; roles: CommandRole[] };
  /** Names of the states by path (flat, as in {@link ProcessDefinition.states}). */
  states: ProcessDefinition['states'];
  /** The states as the machine nests them. */
  statechart: { initial?: string; states: StateDescription[] };
  transitions: TransitionDescription[];
  /** Every command, internal ones included (`internal: true`). */
  commands: CommandDescription[];
  /** The kinds of deadline the process sets. */
  deadlineKinds: { kind: string; name: LocalizedText }[];
  /** The policy rules it reads. */
  rules: RuleUse[];
  /** JSON Schema of a case's machine context (a matter's meetings, votes and outcome), when the process has one. */
  contextSchema?: JsonSchema;
  /** The parties that act in its cases, with the roles that act for each (see `ProcessDefinition.parties`). */
  parties?: { code: string; name: LocalizedText; roles: string[] }[];
}

interface NodeLike {
  key: string;
  path: string[];
  type: StateDescription['type'];
  states: Record<string, NodeLike>;
  initial?: { target: readonly NodeLike[] };
  transitions: Map<string, TransitionLike[]>;
  always?: TransitionLike[];
}

interface TransitionLike {
  eventType: string;
  target?: readonly NodeLike[];
  guard?: unknown;
  actions: readonly unknown[];
  reenter: boolean;
}

const pathOf = (node: NodeLike): string => node.path.join('.');

/** A guard as text, collecting the named guards in it. xstate's `and`/`or`/`not` are functions carrying `guards`. */
function guardText(guard: unknown, names: string[]): string {
  if (typeof guard === 'string') {
    names.push(guard);
    return guard;
  }
  if (typeof guard === 'function') {
    const inner = (guard as { guards?: unknown }).guards;
    if (Array.isArray(inner)) return `${guard.name}(${inner.map((g) => guardText(g, names)).join(', ')})`;
    return guard.name || 'inline';
  }
  if (guard !== null && typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') {
    const type = (guard as { type: string }).type;
    names.push(type);
    return type;
  }
  return 'inline';
}

/** Names of the named actions (strings and `{ type }` objects); inline functions have none. */
function actionNames(actions: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const a of actions) {
    if (typeof a === 'string') out.push(a);
    else if (a !== null && typeof a === 'object' && typeof (a as { type?: unknown }).type === 'string') {
      out.push((a as { type: string }).type);
    }
  }
  return out;
}

/** Labels for every property path of an object schema: the process's own, then the shared ones. */
function labelsOf(schema: JsonSchema, own: Record<string, LocalizedText> | undefined): Record<string, LocalizedText> {
  const out: Record<string, LocalizedText> = {};
  const walk = (node: unknown, prefix: string): void => {
    if (node === null || typeof node !== 'object') return;
    const props = (node as { properties?: unknown }).properties;
    if (props === null || typeof props !== 'object') return;
    for (const [key, child] of Object.entries(props as Record<string, unknown>)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const label = own?.[path] ?? FIELD_LABELS[path] ?? own?.[key] ?? FIELD_LABELS[key];
      if (label) out[path] = label;
      walk(child, path);
    }
  };
  walk(schema, '');
  return out;
}

function rolesFor(policy: Policy | null, command: string): CommandRole[] {
  if (policy === null) return [];
  const names = new Map(policy.organisation.roles.map((r) => [r.code, r.name]));
  return policy.permissions
    .filter((row) => commandMatches(row.command, command))
    .map((row) => ({
      role: row.role,
      name: names.get(row.role) ?? { zh: row.role, en: row.role },
      scope: row.scope,
      ...(row.levels ? { levels: [...row.levels] } : {}),
      permission: row.id,
    }));
}

const ROUTING_NAME: LocalizedText = { zh: '路由表', en: 'Routing table' };

function ruleName(policy: Policy | null, key: string): LocalizedText | undefined {
  if (key === 'routing') return ROUTING_NAME;
  if (key.startsWith(COORDINATION_RULE_PREFIX)) {
    const name = key.slice(COORDINATION_RULE_PREFIX.length) as CoordinationRuleKey;
    return (policy?.coordination.rules?.[name] ?? DEFAULT_COORDINATION_RULES[name])?.name;
  }
  if (policy === null) return undefined;
  const rules = policy.rules as unknown as Record<string, { name?: LocalizedText } | undefined> & {
    custom?: Record<string, { name?: LocalizedText }>;
  };
  return (
    (key !== 'custom' && key !== 'limits' ? (rules[key] ?? standingDefaultRule(key))?.name : undefined) ??
    rules.custom?.[key]?.name
  );
}

/**
 * Describes a process from its definition and its machine (built for `policy`): states nested as in the machine,
 * every transition with its guard and the rules it reads, commands with labels and the roles the policy lets give
 * them (none without a policy).
 *
 * @example
 * const machine = createGridEscalationMachine(createProcessEnv(policy, { decisions: [] }));
 * const d = describeProcess(gridEscalationProcess, machine, policy);
 * d.transitions.find((t) => t.guard === 'canEscalate')?.rules; // ['escalate']
 */
export function describeProcess(
  def: ProcessDefinition,
  machine: AnyStateMachine,
  policy: Policy | null,
): ProcessDescription {
  const internal = new Set(def.commands.filter((c) => c.internal).map((c) => c.type));
  const guardRules = def.rulesRead?.guards ?? {};
  const actionRules = def.rulesRead?.actions ?? {};
  const transitions: TransitionDescription[] = [];

  const describeTransition = (node: NodeLike, t: TransitionLike): void => {
    const guards: string[] = [];
    const guard = t.guard === undefined ? undefined : guardText(t.guard, guards);
    const actions = actionNames(t.actions);
    const rules = new Set<string>();
    for (const g of guards) for (const r of guardRules[g] ?? []) rules.add(r);
    for (const a of actions) for (const r of actionRules[a] ?? []) rules.add(r);
    transitions.push({
      source: pathOf(node),
      event: t.eventType,
      targets: (t.target ?? []).map(pathOf),
      ...(guard !== undefined ? { guard } : {}),
      guards,
      rules: [...rules],
      actions,
      internal: internal.has(t.eventType),
      reenter: t.reenter,
    });
  };

  const describeNode = (node: NodeLike, depth: number): StateDescription => {
    for (const list of node.transitions.values()) for (const t of list) describeTransition(node, t);
    for (const t of node.always ?? []) describeTransition(node, t);
    const path = pathOf(node);
    const named = def.states[path];
    const final = named?.final ?? node.type === 'final';
    const initial = node.type === 'compound' ? node.initial?.target[0] : undefined;
    return {
      path,
      key: node.key,
      name: named?.name ?? { zh: node.key, en: node.key },
      type: node.type,
      final,
      open: named?.open ?? !final,
      depth,
      ...(initial ? { initial: pathOf(initial) } : {}),
      parallel: node.type === 'parallel',
      states: Object.values(node.states).map((child) => describeNode(child, depth + 1)),
    };
  };

  const root = machine.root as unknown as NodeLike;
  for (const list of root.transitions.values()) for (const t of list) describeTransition(root, t);
  const states = Object.values(root.states).map((child) => describeNode(child, 0));
  const rootInitial = root.type === 'compound' ? root.initial?.target[0] : undefined;

  const describeCommand = (c: CommandDef): CommandDescription => ({
    type: c.type,
    name: c.name,
    inputSchema: c.inputSchema,
    labels: labelsOf(c.inputSchema, c.labels),
    internal: c.internal === true,
    roles: c.internal ? [] : rolesFor(policy, c.type),
  });

  const ruleKeys = new Set<string>();
  for (const keys of [...Object.values(guardRules), ...Object.values(actionRules)])
    for (const k of keys) ruleKeys.add(k);
  const submitCommand = def.submitCommand ?? 'case.submit';
  return {
    id: def.id,
    version: def.version,
    name: def.name,
    inputSchema: def.inputSchema,
    inputLabels: labelsOf(def.inputSchema, def.inputLabels),
    submit: { command: submitCommand, roles: rolesFor(policy, submitCommand) },
    states: def.states,
    statechart: { ...(rootInitial ? { initial: pathOf(rootInitial) } : {}), states },
    transitions,
    commands: def.commands.map(describeCommand),
    deadlineKinds: Object.entries(def.deadlineKinds ?? {}).map(([kind, name]) => ({ kind, name })),
    rules: [...ruleKeys].map((key) => {
      const name = ruleName(policy, key);
      return { key, ...(name ? { name } : {}) };
    }),
    ...(def.contextSchema ? { contextSchema: def.contextSchema } : {}),
    ...(def.parties
      ? { parties: Object.entries(def.parties).map(([code, p]) => ({ code, name: p.name, roles: [...p.roles] })) }
      : {}),
  };
}
