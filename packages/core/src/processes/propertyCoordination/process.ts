import { t } from '../../i18n.js';
import type { Policy } from '../../policy/types.js';
import type { Problem } from '../../problems.js';
import type {
  CaseSummary,
  CommandDef,
  JsonSchema,
  PartyChoices,
  PartyDef,
  ProcessDefinition,
} from '../contract/types.js';
import { propertyCoordinationCommandSet } from './commands.js';
import { createPropertyCoordinationMachine } from './machine.js';
import { id, obj, text } from './schemas.js';
import { itemToComplete, openActionItems } from './matter.js';
import type { PropertyCoordinationContext } from './types.js';
import { propertyCoordinationContextSchema } from './contextSchema.js';

/*
 * Process 2 as the runtime sees it: the machine plus the schemas, command list, state names and summary that
 * generic UIs, permissions and stores need.
 */

/** JSON Schema (2020-12) of a matter's submission. */
export const propertyCoordinationInputSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Raise a property matter (提出议事事项)',
  type: 'object',
  properties: {
    compoundId: { ...id, description: 'The residential compound (小区).' },
    communityId: id,
    streetId: id,
    gridId: id,
    matterType: { ...id, description: 'A code of `policy.coordination.matterTypes`.' },
    title: text(200),
    description: text(4000),
    raisedBy: { ...id, description: 'User id of whoever raised it (default: the submitter).' },
    category: { ...id, description: 'Grid-escalation category if it goes to the street.' },
    urgency: { ...id, description: 'Urgency if it goes to the street.' },
    location: obj(
      { lng: { type: 'number', minimum: -180, maximum: 180 }, lat: { type: 'number', minimum: -90, maximum: 90 } },
      ['lng', 'lat'],
    ),
  },
  required: ['compoundId', 'communityId', 'streetId', 'gridId', 'matterType', 'title', 'description'],
  additionalProperties: false,
};

/** The commands of Process 2 with their input schemas. */
export const propertyCoordinationCommands: CommandDef[] = propertyCoordinationCommandSet.list;

/** The convener of three-party meetings: the community party organisation / residents' committee. */
export const CONVENER_PARTY = 'community';

/** The three parties ("1+2") and the roles that act for each; invited units act as their org unit. */
export const propertyCoordinationParties: Record<string, PartyDef> = {
  community: { name: t('社区（党组织、居委会）', 'the community'), roles: ['community_staff', 'community_secretary'] },
  owners_committee: { name: t('业主委员会', 'the owners’ committee'), roles: ['owners_committee'] },
  property_company: { name: t('物业服务企业', 'the property company'), roles: ['property_company'] },
};

/**
 * The parties a command is given as: the party confirming, recording its presence or signing; the convener when it
 * records another party's presence with a reason; the owner of the action item being completed.
 *
 * @example
 * propertyCoordinationActingParties({ type: 'matter.resolution.sign', input: { party: 'owners_committee' } }, {});
 * // ['owners_committee']
 */
export function propertyCoordinationActingParties(
  command: { type: string; input: Record<string, unknown> },
  context: unknown,
): string[] {
  const { party, reason, id } = command.input as { party?: unknown; reason?: unknown; id?: unknown };
  switch (command.type) {
    case 'matter.meeting.confirm':
    case 'matter.resolution.sign':
      return typeof party === 'string' ? [party] : [];
    case 'matter.meeting.attend':
      if (typeof reason === 'string' && reason.trim() !== '') return [CONVENER_PARTY];
      return typeof party === 'string' ? [party] : [];
    case 'matter.action.done': {
      const item = itemToComplete(context as PropertyCoordinationContext, typeof id === 'string' ? id : undefined);
      return item ? [item.party] : [];
    }
    default:
      return [];
  }
}

/**
 * The values the party-naming field of a command may take now: the current meeting's parties (required and
 * invited) for a confirmation, a presence or a signature, the open items for `matter.action.done`.
 *
 * @example
 * propertyCoordinationPartyChoices('matter.resolution.sign', ctx, policy);
 * // { field: 'party', choices: [{ value: 'community', party: 'community' }, …] }
 */
export function propertyCoordinationPartyChoices(
  command: string,
  context: unknown,
  policy: Policy,
): PartyChoices | undefined {
  const ctx = context as PropertyCoordinationContext;
  const meeting = ctx.meetings[ctx.meetings.length - 1];
  const meetingParties = () =>
    [...new Set([...policy.coordination.requiredParties, ...(meeting?.invited ?? [])])].map((p) => ({
      value: p,
      party: p,
    }));
  switch (command) {
    case 'matter.meeting.confirm':
    case 'matter.resolution.sign':
      return meeting ? { field: 'party', choices: meetingParties() } : undefined;
    case 'matter.meeting.attend':
      return meeting ? { field: 'party', choices: meetingParties(), othersWith: 'reason' } : undefined;
    case 'matter.action.done':
      return { field: 'id', choices: openActionItems(ctx).map((i) => ({ value: i.id, party: i.party })) };
    default:
      return undefined;
  }
}

/** Names of every state, keyed by state path. */
export const propertyCoordinationStates: ProcessDefinition['states'] = {
  triage: { name: t('待分流', 'Raised, awaiting triage') },
  workOrder: { name: t('物业常规工单', 'Routine work order') },
  preconsultation: { name: t('预协商', 'Pre-consultation') },
  scheduling: { name: t('待安排会议', 'Meeting to be scheduled') },
  confirming: { name: t('待各方确认参会', 'Awaiting confirmations') },
  deliberation: { name: t('会议协商', 'Deliberation') },
  signing: { name: t('会议纪要签字', 'Signing the minutes') },
  noConsensus: { name: t('未达成一致', 'No consensus') },
  escalated: { name: t('已提交街道', 'Escalated to the street') },
  mediation: { name: t('人民调解', 'People’s mediation') },
  voting: { name: t('业主大会表决', 'Owners’ assembly vote') },
  implementation: { name: t('决议落实', 'Implementation') },
  publicised: { name: t('公示中', 'Publicised') },
  closed: { name: t('已办结', 'Closed'), final: true },
};

/**
 * Checks a submission against the policy: the matter type must be one of `coordination.matterTypes`, and a
 * given category or urgency must exist.
 *
 * @example
 * validatePropertyCoordinationInput({ matterType: 'karaoke', … }, policy); // [{ code: 'matter.unknown_type', path: '/matterType', … }]
 */
export function validatePropertyCoordinationInput(input: unknown, policy: Policy): Problem[] {
  const problems: Problem[] = [];
  if (input === null || typeof input !== 'object') return problems;
  const { matterType, category, urgency } = input as { matterType?: unknown; category?: unknown; urgency?: unknown };
  if (typeof matterType === 'string' && !policy.coordination.matterTypes.some((m) => m.code === matterType)) {
    problems.push({
      code: 'matter.unknown_type',
      severity: 'error',
      message: t(`政策中没有议事事项类型 ${matterType}`, `The policy has no matter type ${matterType}`),
      path: '/matterType',
    });
  }
  if (typeof category === 'string' && !policy.categories.some((c) => c.code === category)) {
    problems.push({
      code: 'matter.unknown_category',
      severity: 'error',
      message: t(`政策中没有类别 ${category}`, `The policy has no category ${category}`),
      path: '/category',
    });
  }
  if (typeof urgency === 'string' && !policy.urgencies.some((u) => u.code === urgency)) {
    problems.push({
      code: 'matter.unknown_urgency',
      severity: 'error',
      message: t(`政策中没有紧急程度 ${urgency}`, `The policy has no urgency ${urgency}`),
      path: '/urgency',
    });
  }
  return problems;
}

const LEVEL_BY_STATE: Record<string, string> = { workOrder: 'compound', escalated: 'street' };

/**
 * The indexable fields of a matter: its compound, community, street and grid, the invited units of its meetings,
 * the matter type as category, the person who raised it, and whether it is open.
 *
 * @example
 * summarizePropertyCoordination(context, 'implementation');
 * // { level: 'community', units: ['compound:x-01', 'community:c-01', 'street:s-01', 'grid:g-01'], open: true, … }
 */
export function summarizePropertyCoordination(context: unknown, value: unknown): CaseSummary {
  const ctx = context as PropertyCoordinationContext;
  const state = typeof value === 'string' ? value : '';
  const invited = ctx.meetings.flatMap((m) => m.invited).filter((u) => u.includes(':'));
  const units = [
    ...new Set([
      `compound:${ctx.compoundId}`,
      `community:${ctx.communityId}`,
      `street:${ctx.streetId}`,
      `grid:${ctx.gridId}`,
      ...invited,
    ]),
  ];
  const tags = [
    `matter:${ctx.matterType}`,
    ...(ctx.outcome ? [`outcome:${ctx.outcome}`] : []),
    ...(ctx.escalation ? [`escalated:${ctx.escalation.to}`] : []),
    ...(ctx.actionItems.some((i) => i.overdueAt !== undefined && i.doneAt === undefined && i.cancelledAt === undefined)
      ? ['overdue']
      : []),
  ];
  return {
    level: LEVEL_BY_STATE[state] ?? 'community',
    units,
    category: ctx.matterType,
    ...(ctx.urgency ? { urgency: ctx.urgency } : {}),
    ...(ctx.raisedBy ? { reporterId: ctx.raisedBy } : {}),
    title: ctx.title,
    open: state !== 'closed',
    ...(ctx.location ? { location: ctx.location } : {}),
    tags,
  };
}

/**
 * Process 2, three-party property coordination (三方联动, "1+2+N"), version 1.
 *
 * @example
 * const processes = [gridEscalationProcess, propertyCoordinationProcess];
 * const runtime = createRuntime({ store: createMemoryStore(), clock, policies: createPolicyRegistry([policy]), processes });
 * const actor = { id: 'u-1', roles: ['community_secretary'], units: ['community:c-01'] };
 * const matter = await runtime.submit({ process: 'propertyCoordination', actor, input: {
 *   compoundId: 'x-01', communityId: 'c-01', streetId: 's-01', gridId: 'g-01', matterType: 'parking',
 *   title: '地面车位分配', description: '业主与物业就地面车位分配发生争议' } });
 * (await runtime.send(matter.id, { type: 'matter.triage.consult' }, { actor })).state; // 'preconsultation'
 */
export const propertyCoordinationProcess: ProcessDefinition = {
  id: 'propertyCoordination',
  version: 1,
  name: t('三方联动议事', 'Three-party property coordination'),
  createMachine: createPropertyCoordinationMachine,
  inputSchema: propertyCoordinationInputSchema,
  submitCommand: 'matter.raise',
  validateInput: validatePropertyCoordinationInput,
  commands: propertyCoordinationCommands,
  states: propertyCoordinationStates,
  rulesRead: {
    guards: {
      noticeSufficient: ['coordination.notice'],
      isExpectedParty: ['coordination.confirmation'],
      canAttend: ['coordination.attendance'],
      meetingStarted: ['coordination.meetingTime'],
      quorumMet: ['coordination.quorum'],
      decisionRuleMet: ['coordination.consensus', 'coordination.majority'],
      canSign: ['coordination.signature'],
      votePassed: ['coordination.ownersParticipation', 'coordination.ownersOrdinary', 'coordination.ownersMajor'],
    },
  },
  contextSchema: propertyCoordinationContextSchema,
  parties: propertyCoordinationParties,
  actingParties: propertyCoordinationActingParties,
  partyChoices: propertyCoordinationPartyChoices,
  deadlineKinds: {
    meeting: t('会议时间', 'Meeting time'),
    action_item: t('落实事项期限', 'Action item due'),
  },
  summarize: summarizePropertyCoordination,
};
