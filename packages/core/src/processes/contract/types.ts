import type { AnyStateMachine } from 'xstate';
import type { BusinessCalendar } from '../../calendar/index.js';
import type { LocalizedText } from '../../i18n.js';
import type { Policy } from '../../policy/types.js';
import type { Problem } from '../../problems.js';
import type { FactDictionary } from '../../rules/types.js';

/** A JSON Schema (draft 2020-12) as a plain object. */
export type JsonSchema = Record<string, unknown>;

/** Who gives a command: the user, their roles and the org units they belong to (grid, community, street, department, compound…). */
export interface Actor {
  id: string;
  name?: string;
  roles: string[];
  /** Org unit ids the actor belongs to, e.g. `['grid:g-01', 'community:c-01']` — `kind:id`. */
  units: string[];
}

/** The system actor used for deadlines and effects. */
export const SYSTEM_ACTOR: Actor = { id: 'system', roles: ['system'], units: [] };

/**
 * Every event a process machine receives. The runtime stamps `at` (from its clock) and `actor`,
 * so machines never read the time and guards/actions stay pure.
 */
export interface CaseEvent<TType extends string = string, TInput = Record<string, unknown>> {
  type: TType;
  at: number;
  actor: Actor;
  input: TInput;
}

/** The event the runtime sends when a stored deadline is due. */
export type DeadlineDueEvent = CaseEvent<'deadline.due', { deadlineId: string; kind: string }>;

/**
 * A deadline is data in the machine's context: the runtime stores the earliest unfired `dueAt` with the case,
 * so a store finds due cases without holding actors in memory. Each deadline fires at most once (`firedAt`).
 */
export interface Deadline {
  /** Unique within the case, e.g. `handle:grid:1`, `sign:2`, `checkin:urban_management`. */
  id: string;
  /** What it measures: `sign`, `contact`, `handle`, `warning`, `total`, `checkin`, `action_item`, `public_notice`, … */
  kind: string;
  dueAt: number;
  firedAt?: number;
  /** Free data for the machine (e.g. the level or department it concerns). */
  data?: Record<string, string | number | boolean>;
}

/** A rule evaluation that decided something, recorded in history with its inputs and result. */
export interface Decision {
  /** The policy rule key (e.g. `escalate`) or routing row id (`routing:r-emergency`). */
  rule: string;
  /** The facts the rule read (only those), by `var` path. */
  inputs: Record<string, unknown>;
  result: unknown;
}

/**
 * A side effect a machine asks the runtime to carry out in the same transaction, so a command that changes
 * two cases commits both or neither. Machines enqueue it as the named action `effect` with these params.
 */
export type Effect =
  /** Send a command to another case (e.g. a redo reopening the grid case; a duplicate linked to its original). */
  | { kind: 'command'; caseId: string; type: string; input: Record<string, unknown> }
  /** Start a new case of a process (e.g. a property dispute escalating into a street-level grid case). The runtime
   *  sends `linkEvent` (if given) back to this case with `{ caseId }` of the new case. */
  | { kind: 'submit'; process: string; input: Record<string, unknown>; linkEvent?: string };

/** What a process needs from its surroundings; the runtime builds one per policy version and caches the machine. */
export interface ProcessEnv {
  policy: Policy;
  calendar: BusinessCalendar;
  /**
   * Evaluates a named policy rule over facts, records the decision for history, and returns the result (a JSON
   * value: JsonLogic gives nothing else). `key` is a key of `policy.rules` (e.g. `escalate`) or of
   * `policy.rules.custom`; facts are the documented rule facts, or those the process declares in `facts`.
   *
   * With `expect`, the result is checked to be of that type and typed so (`env.rule(k, f, 'boolean')` is a
   * `boolean`); a rule that gives another type throws `rule.wrong_type` (a policy mistake, not a `false`).
   *
   * @example
   * const agreed = env.rule('mediationAgreed', { case: { parties: 2, signed: 2 } }, 'boolean'); // true
   */
  rule(key: string, facts: Record<string, unknown>): RuleValue;
  rule<K extends keyof RuleValueOf>(key: string, facts: Record<string, unknown>, expect: K): RuleValueOf[K];
  /** Routes a new case with the policy's routing table (first matching row), recording the decision. */
  route(facts: Record<string, unknown>): { level: string; department?: string; rowId: string };
}

/** What a JsonLogic rule can give: a JSON value. */
export type RuleValue = string | number | boolean | null | RuleValue[] | { [key: string]: RuleValue };

/** The result types `ProcessEnv.rule` can be asked for, by name. */
export interface RuleValueOf {
  boolean: boolean;
  number: number;
  string: string;
}

/**
 * The input a machine's `context` factory receives: what the submitter sent (checked against the process's
 * `inputSchema`), plus what the runtime adds — the new case's id, the time, and who submitted it.
 *
 * @example
 * context: ({ input }: { input: MachineInput<{ title: string }> }) => ({ title: input.title, by: input.submittedBy.id })
 */
export type MachineInput<TInput = Record<string, unknown>> = TInput & {
  /** The id of the case being created. */
  caseId: string;
  /** The submission time (the runtime's clock), epoch ms; the same as `submittedAt`. */
  at: number;
  /** The submitter as authenticated: id, name, roles and units. */
  actor: Actor;
  /** The submission time, epoch ms. */
  submittedAt: number;
  /** The submitter's id and roles (what a stored context keeps of them). */
  submittedBy: { id: string; roles: string[] };
};

/** A command a process accepts, described for generic UIs (forms, timelines). */
export interface CommandDef {
  /** Event type, e.g. `case.sign`; also the permission command name. */
  type: string;
  name: LocalizedText;
  /** JSON Schema of the command's `input`. */
  inputSchema: JsonSchema;
  /** True for events only the runtime sends (deadlines, effects); never offered to users. */
  internal?: boolean;
  /**
   * Labels of the input's fields for forms, by property path (`note`, `units.grid`). Fields without one take the
   * shared label of their name (`FIELD_LABELS`), so only a process's own fields need it.
   */
  labels?: Record<string, LocalizedText>;
}

/**
 * The policy rules a machine reads, by the named guard or action that reads them (`routing` stands for the routing
 * table). The runtime's description puts them on each transition; the machines' model tests check the map against
 * what the guards and actions really evaluate, so it cannot drift.
 */
export interface RulesRead {
  /** Rule keys per guard name, e.g. `{ canEscalate: ['escalate'] }`. */
  guards?: Record<string, readonly string[]>;
  /** Rule keys per action name, e.g. `{ file: ['routing'] }`. */
  actions?: Record<string, readonly string[]>;
}

/**
 * The values a command's input field naming its acting party may take now, each with the party it gives the command
 * as (the meeting's parties for a confirmation, the open items' owners for `matter.action.done`).
 */
export interface PartyChoices {
  /** The input field (`party`, `id`). */
  field: string;
  choices: { value: string; party: string }[];
  /**
   * An input field that, when given, makes the command act as another party (a presence recorded by the convener
   * with a `reason`): an actor who may act as that one may give any choice.
   */
  othersWith?: string;
}

/** A party of a process: its name and the roles whose holders act for it. */
export interface PartyDef {
  name: LocalizedText;
  roles: readonly string[];
}

/** Indexable fields of a case that stores keep in columns (for inboxes, scopes and indicators). */
export interface CaseSummary {
  /** Org level currently responsible (grid, community, street, department, district…). */
  level?: string;
  /** Org units the case belongs to, `kind:id` (e.g. `grid:g-01`, `community:c-01`, `street:s-01`, `department:urban_management`, `compound:x`). */
  units: string[];
  category?: string;
  urgency?: string;
  /** The reporter's user id (scope `own`). */
  reporterId?: string;
  /** The current handler's user id. */
  handlerId?: string;
  title?: string;
  /** Whether the case is open (not closed, archived or cancelled). */
  open: boolean;
  /** Location of the matter when known. */
  location?: { lng: number; lat: number };
  /** Other data worth indexing (free form, small). */
  tags?: string[];
}

/** The context every process machine keeps: deadlines as data. */
export interface ProcessContextBase {
  deadlines: Deadline[];
}

/**
 * A process the runtime can run: a machine per policy version plus the descriptions generic UIs need.
 * The three built-in processes and any a developer registers are all of this shape.
 */
export interface ProcessDefinition<TContext = unknown> {
  /** Stable id, e.g. `gridEscalation`. */
  id: string;
  /** Version of the machine definition; stored with every snapshot. Bump it when states or context change. */
  version: number;
  name: LocalizedText;
  /** Builds the machine for one policy. The machine's context must extend {@link ProcessContextBase}. */
  createMachine(env: ProcessEnv): AnyStateMachine;
  /** JSON Schema of the submit input (the machine's `input`). */
  inputSchema: JsonSchema;
  /** The permission command checked when a case is submitted (default `case.submit`). */
  submitCommand?: string;
  /**
   * The name history records a case's creation under (default: {@link submitCommand}). A process whose submit
   * permission is one of its own commands names its creation apart, so that no reader of history takes the
   * creation for that command (an evaluation is opened as `evaluation.open`, rated by `evaluation.rate`).
   */
  createdAs?: string;
  /**
   * Command patterns of other processes whose permission rows also open this process's cases for reading (e.g. an
   * assessor's `evaluation.*` rows opening the grid cases they judge). Rows for the submit command and the
   * process's own commands always do; rows for any other command never do.
   */
  readableWith?: readonly string[];
  /** Extra checks of a submission against the policy (e.g. the category's attributes). */
  validateInput?(input: unknown, policy: Policy): Problem[];
  /**
   * The facts this process's rules (`policy.rules.custom`) read, by `var` path, with their types and the words
   * explanations and the designer use for them (`{ 'contract.signed': { type: 'number', label: { zh: '已签字户数',
   * en: 'households signed' }, unit: 'count' } }`). The server validates policies against them (unknown facts,
   * wrong types); without them, custom rules are checked for portability only and explained without names.
   */
  facts?: FactDictionary;
  /** Commands users may give (and internal ones). */
  commands: CommandDef[];
  /**
   * Names of the states for UIs, keyed by state path (`handling.working`). `final`: the case's course ends there;
   * `open`: the case counts as open there (default: not final) — a grid case under evaluation is closed, not final.
   */
  states: Record<string, { name: LocalizedText; final?: boolean; open?: boolean }>;
  /** Labels of the submission's fields, by property path (as {@link CommandDef.labels}). */
  inputLabels?: Record<string, LocalizedText>;
  /** The policy rules the machine reads, by guard and action. */
  rulesRead?: RulesRead;
  /**
   * JSON Schema of the machine's context (what a case's `context` holds: a matter's meetings, votes and outcome),
   * for the processes API and the OpenAPI document.
   */
  contextSchema?: JsonSchema;
  /**
   * The parties that act in the process's cases (三方联动: the community, the owners' committee, the property
   * company), each with its name and the roles whose holders act for it. An actor also acts for each org unit it
   * belongs to (a liaison of `department:housing` for the invited unit `department:housing`).
   */
  parties?: Record<string, PartyDef>;
  /**
   * The parties a command is given as (a signature's `party`, the owner of the action item being completed). The
   * runtime refuses the command (403 `permission.not_party`) unless the actor acts for each of them
   * ({@link parties}) or a permission row that lets it give the command names the party in `actFor`.
   */
  actingParties?(command: { type: string; input: Record<string, unknown> }, context: TContext): string[];
  /**
   * For a command whose acting party an input field names: the values that field may take now. The runtime offers
   * a caller only the values it may act for (`availableCommands` narrows the field's schema to them), or marks the
   * command unavailable when there are none.
   */
  partyChoices?(command: string, context: TContext, policy: Policy): PartyChoices | undefined;
  /** The kinds of deadline the machine sets (`sign`, `handle`…), with their names. */
  deadlineKinds?: Record<string, LocalizedText>;
  /** Extracts the indexable fields from a machine context and state value. */
  summarize(context: TContext, value: unknown): CaseSummary;
  /**
   * Upgrades a stored snapshot from `fromVersion` to `fromVersion + 1` (value and context). Chained by the runtime.
   */
  migrations?: Record<number, (snapshot: { value: unknown; context: unknown }) => { value: unknown; context: unknown }>;
  /**
   * Recomputes what depends on the policy (deadlines above all) when an open case is moved to another policy
   * version. Returns the new context. Without it, the context is kept as it is.
   */
  onPolicyChange?(context: TContext, value: unknown, env: ProcessEnv, at: number): TContext;
}
