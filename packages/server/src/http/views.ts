import { COMMAND_DEFS, type RuleDef } from '@gridflow/core/policy';
import { EVALUATION_OPENED } from '@gridflow/core/processes';
import { explainEntry, type ExplainedDecision, type ProcessDescription } from '@gridflow/core/runtime';
import {
  localize,
  type CaseRecord,
  type CaseSummary,
  type Decision,
  type Deadline,
  type HistoryEntry,
  type LocalizedText,
  type Locale,
  type Policy,
} from '@gridflow/core';
import { type FactDictionary } from '@gridflow/core/rules';
import { maskPersonalData, type MaskOptions, type PersonalField, type Reveal } from './privacy.js';

/**
 * What the API returns for cases and their history: plain JSON views built from stored records, with personal
 * data masked as the caller's rights say and rule decisions explained in the caller's language.
 */

/** A case in a list: no machine context, so no personal data. Every id shown comes with its name beside it. */
export interface CaseItem {
  id: string;
  process: string;
  processName?: LocalizedText;
  /** A title a person can read: the case's own, or for an evaluation 「对“…”办理结果的评价」; else the process's name. */
  title: string;
  state: string;
  stateName?: LocalizedText;
  /** The name of `summary.level`. */
  levelName?: LocalizedText;
  /** Names of the units in `summary.units`, by `kind:id`. */
  unitNames: Record<string, LocalizedText>;
  version: number;
  policyVersion: number;
  summary: CaseSummary;
  overdue: boolean;
  nextDueAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A case with its (masked) machine context. */
export interface CaseDetail extends CaseItem {
  processVersion: number;
  policyId: string;
  value: unknown;
  context: Record<string, unknown>;
  deadlines: Deadline[];
  personalData: 'masked' | 'unmasked' | 'own';
}

/** The fields a list reads (from SQL rows or records). */
export interface CaseListRow {
  id: string;
  process: string;
  state: string;
  version: number;
  policyVersion: number;
  summary: CaseSummary;
  nextDueAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** Names of what views show by id: processes, org units (`kind:id`), levels and roles. */
export interface DisplayNames {
  process(id: string): LocalizedText | undefined;
  unit(key: string): LocalizedText | undefined;
  level(code: string): LocalizedText | undefined;
  role(code: string): LocalizedText | undefined;
}

/** Names of states by process, for views; with the other {@link DisplayNames} where the caller knows them. */
export type StateNames = ((process: string, state: string) => LocalizedText | undefined) & Partial<DisplayNames>;

/** State and process names from the runtime's process descriptions. */
export function stateNamesOf(processes: readonly ProcessDescription[]): StateNames {
  const byId = new Map(processes.map((p) => [p.id, p]));
  const states = (process: string, state: string): LocalizedText | undefined =>
    byId.get(process)?.states[state]?.name ?? byId.get(process)?.states[state.split('.')[0] ?? '']?.name;
  return Object.assign(states, { process: (id: string) => byId.get(id)?.name });
}

/** A unit of the organisation tree, as far as names go. */
export interface NamedUnit {
  id: string;
  kind: string;
  name: LocalizedText;
}

/**
 * Every name a view needs: states and processes from the descriptions, units from the organisation tree (then the
 * policy's departments), levels and roles from the policy.
 *
 * @example
 * const names = displayNamesOf(runtime.processes(), policy, await ctx.org.tree(tenant));
 * names.unit?.('grid:g-01'); // { zh: '一网格', en: 'Grid 1' }
 */
export function displayNamesOf(
  processes: readonly ProcessDescription[],
  policy: Policy | null,
  units: readonly NamedUnit[],
): StateNames {
  const byKey = new Map(units.map((u) => [`${u.kind}:${u.id}`, u.name]));
  for (const d of policy?.organisation.departments ?? []) {
    if (!byKey.has(`department:${d.code}`)) byKey.set(`department:${d.code}`, d.name);
  }
  const levels = new Map((policy?.organisation.levels ?? []).map((l) => [l.code as string, l.name]));
  const roles = new Map((policy?.organisation.roles ?? []).map((r) => [r.code, r.name]));
  return Object.assign(stateNamesOf(processes), {
    unit: (key: string) => byKey.get(key),
    level: (code: string) => levels.get(code),
    role: (code: string) => roles.get(code),
  });
}

/** The list view of a case. */
export function caseItem(row: CaseListRow, names: StateNames): CaseItem {
  const name = names(row.process, row.state);
  const processName = names.process?.(row.process);
  const levelName = row.summary.level !== undefined ? names.level?.(row.summary.level) : undefined;
  const unitNames: Record<string, LocalizedText> = {};
  for (const unit of row.summary.units) {
    const n = names.unit?.(unit);
    if (n) unitNames[unit] = n;
  }
  return {
    id: row.id,
    process: row.process,
    ...(processName ? { processName } : {}),
    title: row.summary.title ?? processName?.zh ?? row.process,
    state: row.state,
    ...(name ? { stateName: name } : {}),
    ...(levelName ? { levelName } : {}),
    unitNames,
    version: row.version,
    policyVersion: row.policyVersion,
    summary: row.summary,
    overdue: row.summary.tags?.includes('overdue') ?? false,
    nextDueAt: row.nextDueAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Who counts as staff when masking a view (see {@link maskPersonalData}); default: nobody. */
export type StaffTest = NonNullable<MaskOptions['isStaff']>;

/**
 * A list item as a caller may see it: with `reveal` 'none', mobile and ID numbers written in its title are
 * masked (a list has no context to mask more from).
 */
export function maskedItem(item: CaseItem, reveal: Reveal): CaseItem {
  return reveal === 'none' ? maskPersonalData(item, { reveal: false }).value : item;
}

/** The detail view of a case and the personal fields it shows unmasked. */
export function caseDetail(
  record: CaseRecord,
  names: StateNames,
  reveal: Reveal,
  isStaff?: StaffTest,
): { view: CaseDetail; revealed: PersonalField[] } {
  const view: CaseDetail = {
    ...caseItem(record, names),
    processVersion: record.processVersion,
    policyId: record.policyId,
    value: record.snapshot.value,
    context: record.snapshot.context,
    deadlines: record.snapshot.context.deadlines ?? [],
    personalData: reveal === 'none' ? 'masked' : reveal === 'self' ? 'own' : 'unmasked',
  };
  const masked = maskPersonalData(view, {
    reveal: reveal !== 'none',
    ...(isStaff ? { isStaff } : {}),
    ...(record.summary.reporterId !== undefined ? { reporterId: record.summary.reporterId } : {}),
  });
  return { view: masked.value, revealed: masked.revealed };
}

/** A history entry as the API returns it. */
export interface HistoryView extends Omit<HistoryEntry, 'decisions' | 'caseId' | 'tenant'> {
  commandName?: string;
  /** Names of the states left and entered. */
  fromName?: LocalizedText;
  toName?: LocalizedText;
  /** Names of the actor's roles, in the order of `actor.roles`. */
  actorRoleNames?: LocalizedText[];
  decisions: ExplainedDecision[];
}

const formatValue = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'null'));

/**
 * A plain explanation of one rule decision, for when core's `explainEntry` cannot be used (the policy version the
 * entry names is not known here): the rule's name and description (or the routing row's note and target), what it
 * read and what it decided.
 *
 * @example
 * explainDecision({ rule: 'escalate', inputs: { 'case.level': 'grid' }, result: true }, policy, 'en');
 * // 'Escalate when overdue (…): true — read case.level = grid'
 */
export function explainDecision(decision: Decision, policy: Policy | null, lang: Locale): string {
  const zh = lang === 'zh';
  const inputs = Object.entries(decision.inputs ?? {})
    .map(([k, v]) => `${k} = ${formatValue(v)}`)
    .join(zh ? '；' : '; ');
  const read = inputs ? (zh ? `（依据：${inputs}）` : ` — read ${inputs}`) : '';
  if (decision.rule.startsWith('routing:')) {
    const rowId = decision.rule.slice('routing:'.length);
    const row = policy?.routing.rows.find((r) => r.id === rowId);
    const target = decision.result as { level?: string; department?: string } | null;
    const to = [target?.level, target?.department].filter(Boolean).join(' / ');
    const note = row?.note ? localize(row.note, lang) : '';
    return zh
      ? `分派规则 ${rowId}${note ? `「${note}」` : ''}命中：派往 ${to}${read}`
      : `Routing row ${rowId}${note ? ` (“${note}”)` : ''} matched: sent to ${to}${read}`;
  }
  const key = decision.rule;
  const def: RuleDef | undefined =
    policy && key !== 'limits' && Object.hasOwn(policy.rules, key)
      ? (policy.rules as unknown as Record<string, RuleDef>)[key]
      : undefined;
  const name = def ? localize(def.name, lang) : decision.rule;
  const description = def?.description ? localize(def.description, lang) : '';
  const result =
    decision.result === true
      ? zh
        ? '成立'
        : 'yes'
      : decision.result === false
        ? zh
          ? '不成立'
          : 'no'
        : formatValue(decision.result);
  return zh
    ? `规则「${name}」${description ? `（${description}）` : ''}：${result}${read}`
    : `Rule “${name}”${description ? ` (${description})` : ''}: ${result}${read}`;
}

const commandNames = new Map<string, LocalizedText>([
  ...COMMAND_DEFS.map((d) => [d.name, d.label] as const),
  // Not a command: how history names an evaluation's creation.
  [EVALUATION_OPENED, { zh: '发起评价', en: 'open the evaluation' }],
]);

/**
 * The history view: personal data in inputs masked as the caller's rights say, every rule decision explained in the
 * caller's language by core's `explainEntry` with the policy version the entry ran under (and the facts the case's
 * process declares, so its own rules are explained with their facts' names).
 */
export function historyView(
  entries: readonly HistoryEntry[],
  policyOf: (entry: HistoryEntry) => Policy | null,
  lang: Locale,
  reveal: Reveal,
  masking: { isStaff?: StaffTest; record?: CaseRecord } = {},
  names?: StateNames,
  processFacts?: FactDictionary,
): { view: HistoryView[]; revealed: PersonalField[] } {
  const process = masking.record?.process;
  const stateName = (state: string | null | undefined): LocalizedText | undefined =>
    names && process && state ? names(process, state) : undefined;
  const view = entries.map((e): HistoryView => {
    const policy = policyOf(e);
    const label = commandNames.get(e.command);
    const fromName = stateName(e.from);
    const toName = stateName(e.to);
    const role = names?.role ?? ((code: string) => policy?.organisation.roles.find((r) => r.code === code)?.name);
    return {
      seq: e.seq,
      at: e.at,
      actor: e.actor,
      command: e.command,
      ...(label ? { commandName: localize(label, lang) } : {}),
      input: e.input,
      from: e.from,
      ...(fromName ? { fromName } : {}),
      to: e.to,
      ...(toName ? { toName } : {}),
      actorRoleNames: e.actor.roles.map((r) => role(r) ?? { zh: r, en: r }),
      policyId: e.policyId,
      policyVersion: e.policyVersion,
      decisions: policy
        ? explainEntry(e, policy, lang, processFacts).decisions
        : e.decisions.map((d) => ({ ...d, explanation: explainDecision(d, null, lang) })),
    };
  });
  // Actors, inputs and the explanations that echo them, masked as one value.
  const { record, isStaff } = masking;
  const masked = maskPersonalData(view, {
    reveal: reveal !== 'none',
    ...(isStaff ? { isStaff } : {}),
    ...(record?.summary.reporterId !== undefined ? { reporterId: record.summary.reporterId } : {}),
    ...(record ? { knownFrom: [record.snapshot.context] } : {}),
  });
  return { view: masked.value, revealed: masked.revealed };
}
