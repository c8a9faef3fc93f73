import { t } from '../../i18n.js';
import type { Policy } from '../../policy/types.js';
import type { Problem } from '../../problems.js';
import type { CaseSummary, CommandDef, JsonSchema, ProcessDefinition } from '../contract/types.js';
import { appealEvaluationCommandSet } from './commands.js';
import { createAppealEvaluationMachine } from './machine.js';
import { id, text, unit } from './schemas.js';
import type { AppealEvaluationContext } from './types.js';

/*
 * Process 3 as the runtime sees it: the machine plus the schemas, command list, state names and summary.
 */

/** JSON Schema (2020-12) of an evaluation's submission: one evaluation per response (一事一评). */
export const appealEvaluationInputSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Evaluate a response (评价)',
  type: 'object',
  properties: {
    subjectCaseId: { ...id, description: 'The case whose response is evaluated.' },
    subjectProcess: { ...id, description: 'Its process, e.g. `gridEscalation`.' },
    subjectTitle: { ...text(200), description: 'Its title: the evaluation is titled after it.' },
    evaluatorKind: { type: 'string', enum: ['resident', 'lower_level'] },
    evaluatorId: id,
    unit: { ...unit, description: 'The rated unit, e.g. `department:urban_management` or `grid:g-01`.' },
    reporterId: id,
    evaluatorUnit: { ...unit, description: 'The rating unit for a lower level, e.g. `street:s-01`.' },
    subjectUnits: { type: 'array', items: unit, uniqueItems: true, maxItems: 10 },
  },
  required: ['subjectCaseId', 'subjectProcess', 'evaluatorKind', 'evaluatorId', 'unit'],
  additionalProperties: false,
};

/** The commands of Process 3 with their input schemas (declared once in `commands.ts`). */
export const appealEvaluationCommands: CommandDef[] = appealEvaluationCommandSet.list;

/**
 * Names of every state, keyed by state path. `final` marks an evaluation with its outcome: `rated` (its
 * `standing` child) still takes an appeal, a public-notice proposal or an exclusion request.
 */
export const appealEvaluationStates: ProcessDefinition['states'] = {
  awaitingRating: { name: t('待评价', 'Awaiting the rating') },
  redoPending: { name: t('重办中，待再次评价', 'Redo under way, awaiting the final rating') },
  rated: { name: t('已评价', 'Rated'), final: true },
  'rated.standing': { name: t('已评价', 'Rated'), final: true },
  'rated.appealed': { name: t('申诉待裁定', 'Appeal awaiting decision') },
  'rated.noticeProposed': { name: t('通报待审批', 'Public notice awaiting approval') },
  unreachable: { name: t('回访联系不上', 'Requester unreachable'), final: true },
  excluded: { name: t('已剔除', 'Excluded'), final: true },
};

/**
 * Checks a submission against the policy: a resident evaluation needs the resident (`evaluatorId`) and a lower-level
 * evaluation names its unit.
 *
 * @example
 * validateAppealEvaluationInput({ evaluatorKind: 'lower_level', … }, policy); // [{ code: 'evaluation.evaluator_unit_missing', … }]
 */
export function validateAppealEvaluationInput(input: unknown, _policy: Policy): Problem[] {
  if (input === null || typeof input !== 'object') return [];
  const {
    evaluatorKind,
    evaluatorUnit,
    unit: rated,
  } = input as { evaluatorKind?: unknown; evaluatorUnit?: unknown; unit?: unknown };
  const problems: Problem[] = [];
  if (evaluatorKind === 'lower_level' && typeof evaluatorUnit !== 'string') {
    problems.push({
      code: 'evaluation.evaluator_unit_missing',
      severity: 'error',
      message: t('下级评价上级时须填写评价单位', 'A lower-level evaluation must name the evaluating unit'),
      path: '/evaluatorUnit',
    });
  }
  if (typeof evaluatorUnit === 'string' && evaluatorUnit === rated) {
    problems.push({
      code: 'evaluation.self_rating',
      severity: 'error',
      message: t('单位不能评价自己', 'A unit cannot rate itself'),
      path: '/evaluatorUnit',
    });
  }
  return problems;
}

const stateOf = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [k, v] = Object.entries(value as Record<string, unknown>)[0] ?? [];
    return k === undefined ? '' : `${k}.${stateOf(v)}`;
  }
  return '';
};

/**
 * The title of an evaluation, after the case it evaluates: 「对“盲道被破坏”办理结果的评价」.
 *
 * @example
 * evaluationTitle('盲道被破坏'); // '对“盲道被破坏”办理结果的评价'
 */
export function evaluationTitle(subjectTitle: string | undefined): string {
  return subjectTitle ? `对“${subjectTitle}”办理结果的评价` : '诉求办理结果评价';
}

const OPEN_STATES = new Set(['awaitingRating', 'redoPending', 'rated.appealed', 'rated.noticeProposed']);

/**
 * The indexable fields of an evaluation: the rated unit, the evaluating unit and the subject case's units; the
 * requester; open while a rating, an appeal, a notice approval or an exclusion approval is awaited.
 *
 * @example
 * summarizeAppealEvaluation(context, { rated: 'appealed' });
 * // { level: 'department', units: ['department:urban_management', 'street:s-01'], open: true, tags: ['evaluator:lower_level', …] }
 */
export function summarizeAppealEvaluation(context: unknown, value: unknown): CaseSummary {
  const ctx = context as AppealEvaluationContext;
  const state = stateOf(value);
  const units = [...new Set([ctx.unit, ...(ctx.evaluatorUnit ? [ctx.evaluatorUnit] : []), ...ctx.subjectUnits])];
  const reporterId = ctx.reporterId ?? (ctx.evaluatorKind === 'resident' ? ctx.evaluatorId : undefined);
  const tags = [
    `evaluator:${ctx.evaluatorKind}`,
    `subject:${ctx.subjectProcess}`,
    ...(ctx.countedRating ? [`rating:${ctx.countedRating}`] : []),
    ...(ctx.redo ? ['redo'] : []),
    ...(ctx.excluded ? ['excluded'] : []),
    ...(ctx.appeal && !ctx.appeal.decision ? ['appeal:pending'] : []),
    ...(ctx.exclusion?.status === 'pending' ? ['exclusion:pending'] : []),
    ...(ctx.notice?.status === 'pending' ? ['notice:pending'] : []),
    ...(ctx.notice?.status === 'published' ? ['notice:published'] : []),
  ];
  const level = ctx.unit.includes(':') ? ctx.unit.slice(0, ctx.unit.indexOf(':')) : undefined;
  return {
    ...(level ? { level } : {}),
    units,
    title: evaluationTitle(ctx.subjectTitle),
    ...(reporterId ? { reporterId } : {}),
    open: OPEN_STATES.has(state) || ctx.exclusion?.status === 'pending',
    tags,
  };
}

/**
 * The name of an evaluation's creation in its history (closing a case opens its evaluations); ratings are
 * `evaluation.rate`. Not a command anyone gives: opening one is permitted by `evaluation.rate`.
 */
export const EVALUATION_OPENED = 'evaluation.open';

/**
 * Process 3, appeal evaluation (谁呼谁评、谁应谁评，下评上、一事一评), version 1. A case is submitted per response
 * evaluated; the submitter needs the `evaluation.rate` permission.
 *
 * @example
 * const runtime = createRuntime({ store: createMemoryStore(), clock, policies: createPolicyRegistry([policy]), processes: builtInProcesses });
 * const resident = { id: 'r-1', roles: ['resident'], units: [] };
 * const ev = await runtime.submit({ process: 'appealEvaluation', actor: resident, input: {
 *   subjectCaseId: 'c-1', subjectProcess: 'gridEscalation', evaluatorKind: 'resident',
 *   evaluatorId: resident.id, unit: 'grid:g-01', reporterId: resident.id } });
 * const rated = await runtime.send(ev.id, { type: 'evaluation.rate', input: { rating: 'satisfied', solved: true } }, { actor: resident });
 * rated.state; // 'rated.standing'
 */
export const appealEvaluationProcess: ProcessDefinition = {
  id: 'appealEvaluation',
  version: 1,
  name: t('诉求办理评价', 'Appeal evaluation'),
  createMachine: createAppealEvaluationMachine,
  inputSchema: appealEvaluationInputSchema,
  submitCommand: 'evaluation.rate',
  createdAs: EVALUATION_OPENED,
  validateInput: validateAppealEvaluationInput,
  commands: appealEvaluationCommands,
  states: appealEvaluationStates,
  rulesRead: { guards: { canRate: ['raterAllowed'], redoRequired: ['redo'] } },
  deadlineKinds: {},
  summarize: summarizeAppealEvaluation,
};
