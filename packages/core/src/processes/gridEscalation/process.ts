import { t } from '../../i18n.js';
import type { CaseSummary, CommandDef, ProcessDefinition } from '../contract/types.js';
import { gridEscalationCommandSet } from './commands.js';
import { recomputeDeadlines } from './deadlines.js';
import { createGridEscalationMachine } from './machine.js';
import { gridEscalationInputSchema, isRecord, validateGridEscalationInput } from './submission.js';
import type { GridEscalationContext } from './types.js';

/**
 * The grid escalation process (小事不出网格，难事不出社区，大事不出街道) as the runtime and generic UIs see it:
 * the machine, the submit and command schemas, state names and the summary a store indexes.
 *
 * @module
 */

/* ------------------------------------------------------------------------------------------------------------
 * Commands
 * ---------------------------------------------------------------------------------------------------------- */

/**
 * The commands of the process, with JSON Schemas of their inputs (declared once in `commands.ts`).
 *
 * @example
 * gridEscalationCommands.find((c) => c.type === 'case.whistle')?.inputSchema.required; // ['kind', 'departments']
 */
export const gridEscalationCommands: CommandDef[] = gridEscalationCommandSet.list;

/* ------------------------------------------------------------------------------------------------------------
 * States and summary
 * ---------------------------------------------------------------------------------------------------------- */

/**
 * Names of every state path, in Chinese and English.
 *
 * @example
 * gridEscalationStates['handling.whistle'].name.zh; // '街道吹哨、部门报到'
 */
export const gridEscalationStates: ProcessDefinition['states'] = {
  triage: { name: t('待受理', 'Awaiting triage') },
  handling: { name: t('处置中', 'Handling') },
  'handling.dispatched': { name: t('已派遣待签收', 'Dispatched, awaiting signature') },
  'handling.signed': { name: t('已签收待联系', 'Signed, requester to contact') },
  'handling.contacted': { name: t('已联系诉求人', 'Requester contacted') },
  'handling.working': { name: t('处置中', 'Working') },
  'handling.extension': { name: t('延期审核中', 'Extension requested') },
  'handling.parked': { name: t('挂账', 'Parked') },
  'handling.whistle': { name: t('街道吹哨、部门报到', 'Whistle blown, departments summoned') },
  'handling.feedback': { name: t('待反馈', 'Awaiting feedback') },
  returned: { name: t('退单待审核', 'Returned, awaiting arbitration') },
  verifying: { name: t('待核查', 'Awaiting verification') },
  verified: { name: t('核查通过待结案', 'Verified, awaiting closure') },
  evaluating: { name: t('已结案待评价', 'Closed, under evaluation'), open: false },
  archived: { name: t('已归档', 'Archived'), final: true },
  cancelled: { name: t('已作废', 'Cancelled'), final: true },
  merged: { name: t('已合并（重复件）', 'Merged as a duplicate'), final: true },
};

const CLOSED_STATES = new Set(['evaluating', 'archived', 'cancelled', 'merged']);

function topState(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isRecord(value)) return Object.keys(value)[0] ?? '';
  return '';
}

/**
 * The indexable fields of a grid escalation case.
 *
 * @example
 * summarizeGridEscalation(snapshot.context, snapshot.value);
 * // { level: 'grid', units: ['grid:g-01', 'community:c-01', 'street:s-01'], open: true, … }
 */
export function summarizeGridEscalation(context: unknown, value: unknown): CaseSummary {
  const c = context as GridEscalationContext;
  const u = c.request.units;
  const units = [`grid:${u.grid}`, `community:${u.community}`, `street:${u.street}`];
  if (u.compound) units.push(`compound:${u.compound}`);
  if (u.building) units.push(`building:${u.building}`);
  const departments = new Set<string>();
  for (const d of c.dispatches) if (d.department) departments.add(d.department);
  for (const s of c.summoned) departments.add(s.department);
  if (c.department) departments.add(c.department);
  for (const d of departments) units.push(`department:${d}`);
  const tags: string[] = [];
  if (c.whistled) tags.push('whistled');
  // Overdue: past the total or an unescalated handling limit, or still unfiled past the filing limit.
  const unfiledOverdue =
    c.filingOverdue === true && c.filedAt === null && c.cancelledAt === null && c.mergedInto === null;
  if (c.overdue || unfiledOverdue) tags.push('overdue');
  if (c.filedInTime === false) tags.push('filed_late');
  if (c.publicNotice) tags.push('public_notice');
  if (c.parkedAt !== null) tags.push('parked');
  if (c.redoCount > 0) tags.push('redo');
  if (c.mergedInto !== null) tags.push('duplicate');
  return {
    ...(c.level !== null ? { level: c.level } : {}),
    units,
    category: c.category,
    urgency: c.urgency,
    ...(c.request.reporter.id ? { reporterId: c.request.reporter.id } : {}),
    ...(c.handlerId !== null ? { handlerId: c.handlerId } : {}),
    title: c.request.title,
    open: !CLOSED_STATES.has(topState(value)),
    ...(c.request.location ? { location: { lng: c.request.location.lng, lat: c.request.location.lat } } : {}),
    ...(tags.length > 0 ? { tags } : {}),
  };
}

/**
 * The grid escalation process definition (id `gridEscalation`, version 1).
 *
 * @example
 * createRuntime({ store: createMemoryStore(), clock, policies: createPolicyRegistry([policy]), processes: [gridEscalationProcess] });
 * gridEscalationProcess.commands.find((c) => c.type === 'case.sign')?.name.zh; // '签收'
 */
export const gridEscalationProcess: ProcessDefinition = {
  id: 'gridEscalation',
  version: 1,
  name: t('网格事项分级处置（小事不出网格）', 'Grid escalation (small matters stay in the grid)'),
  createMachine: createGridEscalationMachine,
  // Whoever judges an appeal, an exclusion or a public notice reads the case it is about.
  readableWith: ['evaluation.appeal.decide', 'evaluation.exclusion.approve', 'evaluation.notice.*'],
  inputSchema: gridEscalationInputSchema,
  validateInput: validateGridEscalationInput,
  commands: gridEscalationCommands,
  states: gridEscalationStates,
  rulesRead: {
    guards: {
      canReturn: ['returnAllowed'],
      canRequestExtension: ['extensionAllowed'],
      canWhistle: ['whistle'],
      canVerify: ['verifierAllowed'],
      canEscalate: ['escalate'],
      isPublicNoticeDue: ['publicNotice'],
      canAutoFile: ['routing', 'autoFile'],
    },
    actions: { file: ['routing'], acceptReturn: ['routing'] },
  },
  deadlineKinds: {
    filing: t('立案时限', 'Filing limit'),
    sign: t('签收时限', 'Signing limit'),
    contact: t('联系诉求人时限', 'Contact limit'),
    handle: t('办理时限', 'Handling limit'),
    warning: t('办理时限预警', 'Handling limit warning'),
    total: t('总办理时限', 'Total limit'),
    checkin: t('部门报到时限', 'Department check-in limit'),
    public_notice: t('超期通报检查', 'Public notice check'),
  },
  summarize: summarizeGridEscalation,
  onPolicyChange: (context, _value, env, at) => recomputeDeadlines(env, context as GridEscalationContext, at),
};
