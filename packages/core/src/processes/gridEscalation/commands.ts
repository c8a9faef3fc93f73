import { t } from '../../i18n.js';
import { defineCommands, type CommandEvents, type CommandInputs, type SchemaNode } from '../contract/commands.js';
import { idString } from './submission.js';

/**
 * The commands of the grid escalation process, each declared once with its name and the JSON Schema of its
 * input: the definition's `commands` list, the inputs (`GridEscalationCommandInputs`) and the machine's events
 * (`GridEscalationEvent`) follow from it. `internal` ones are sent by the runtime (deadlines) or by other cases'
 * effects (`case.duplicate.link`, `case.reopen`).
 *
 * @module
 */

const note = { type: 'string', maxLength: 2000 } as const;
const requiredNote = { type: 'string', minLength: 1, maxLength: 2000 } as const;
const isoDuration = {
  type: 'string',
  maxLength: 64,
  pattern: '^P(?!$)(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+S)?)?$',
  description: 'ISO 8601 duration, e.g. PT4H, P2D',
} as const;
const levelCode = { enum: ['building', 'grid', 'compound', 'community', 'street', 'department', 'district'] } as const;

/** An object schema with exactly these properties; its literal types survive, so inputs are inferred from it. */
const object = <const P extends Record<string, SchemaNode>, const R extends readonly (keyof P & string)[] = []>(
  properties: P,
  required?: R,
): { type: 'object'; additionalProperties: false; properties: P; required?: R } => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...(required !== undefined && required.length > 0 ? { required } : {}),
});

/**
 * The commands, by event type.
 *
 * @example
 * gridEscalationCommandSet.list.find((c) => c.type === 'case.whistle')?.inputSchema.required; // ['kind', 'departments']
 */
export const gridEscalationCommandSet = defineCommands({
  'case.triage.file': { name: t('立案', 'file the case'), schema: object({ urgency: idString, note }) },
  'case.triage.cancel': {
    name: t('作废无效上报', 'cancel an invalid report'),
    schema: object({ reason: requiredNote }, ['reason']),
  },
  'case.triage.merge': {
    name: t('合并重复件', 'merge a duplicate'),
    schema: object({ caseId: idString, note }, ['caseId']),
  },
  'case.dispatch': {
    name: t('改派', 'dispatch to another unit'),
    schema: object({ level: levelCode, department: idString, note }, ['level']),
  },
  'case.sign': { name: t('签收', 'sign for the order'), schema: object({ note }) },
  'case.contact': {
    name: t('联系诉求人', 'contact the requester'),
    schema: object({ method: { enum: ['phone', 'visit', 'sms', 'app'] }, note }),
  },
  'case.start': { name: t('开始处置', 'start handling'), schema: object({ note }) },
  'case.return': {
    name: t('退单', 'return the order'),
    schema: object(
      { reason: { enum: ['wrong_locality', 'unclear_ownership', 'overlapping_duties'] }, note: requiredNote },
      ['reason', 'note'],
    ),
  },
  'case.return.accept': {
    name: t('同意退单', 'accept a return'),
    schema: object({
      level: levelCode,
      department: idString,
      units: object({ grid: idString, community: idString, street: idString, compound: idString, building: idString }),
      note,
    }),
  },
  'case.return.overrule': {
    name: t('驳回退单并强制派遣', 'overrule a return and force-assign'),
    schema: object({ note: requiredNote }, ['note']),
  },
  'case.extension.request': {
    name: t('申请延期', 'request an extension'),
    schema: object({ duration: isoDuration, reason: requiredNote }, ['duration', 'reason']),
  },
  'case.extension.approve': { name: t('批准延期', 'approve an extension'), schema: object({ note }) },
  'case.extension.deny': { name: t('驳回延期', 'deny an extension'), schema: object({ note }) },
  'case.park': { name: t('挂账', 'park the case'), schema: object({ reason: requiredNote }, ['reason']) },
  'case.remind': { name: t('催办', 'send a reminder'), schema: object({ note }) },
  'case.whistle': {
    name: t('吹哨', 'blow the whistle'),
    schema: object(
      {
        kind: { enum: ['routine', 'tough', 'emergency'] },
        departments: { type: 'array', items: idString, minItems: 1, maxItems: 50, uniqueItems: true },
        note,
      },
      ['kind', 'departments'],
    ),
  },
  'case.checkin': {
    name: t('部门报到', 'check in (department)'),
    schema: object({ department: idString, note }, ['department']),
  },
  'case.department.done': {
    name: t('部门办结', 'finish the department’s part'),
    schema: object({ department: idString, note }, ['department']),
  },
  'case.feedback': {
    name: t('反馈处置结果', 'feed back the result'),
    schema: object({ note: requiredNote, resolved: { type: 'boolean' } }, ['note']),
  },
  'case.verify.pass': { name: t('核查通过', 'pass verification'), schema: object({ note }) },
  'case.verify.fail': { name: t('核查不通过', 'fail verification'), schema: object({ note: requiredNote }, ['note']) },
  'case.close': { name: t('结案', 'close the case'), schema: object({ note }) },
  'case.archive': { name: t('归档', 'archive the case'), schema: object({ note }) },
  'case.escalate': { name: t('上报上级', 'escalate one level'), schema: object({ reason: requiredNote }, ['reason']) },
  'case.reopen': {
    name: t('重新打开（重办）', 'reopen for redo'),
    schema: object({ reason: note, evaluationCaseId: idString }),
    internal: true,
  },
  'case.duplicate.link': {
    name: t('登记重复件', 'record a duplicate'),
    schema: object({ caseId: idString }, ['caseId']),
    internal: true,
  },
  'case.evaluation.link': {
    name: t('登记评价', 'link an evaluation'),
    schema: object({ caseId: idString }, ['caseId']),
    internal: true,
  },
  'deadline.due': {
    name: t('时限到期', 'deadline due'),
    schema: object({ deadlineId: idString, kind: idString }, ['deadlineId', 'kind']),
    internal: true,
  },
});

/** The inputs of the events this machine accepts, by event type. */
export type GridEscalationCommandInputs = CommandInputs<typeof gridEscalationCommandSet>;

/** Every event type the machine accepts. */
export type GridEscalationEventType = keyof GridEscalationCommandInputs;

/**
 * The events of the machine: `{ type, at, actor, input }` with the input of each type.
 *
 * @example
 * const at = clock.now();
 * const e: GridEscalationEvent = { type: 'case.whistle', at, actor: SYSTEM_ACTOR, input: { kind: 'tough', departments: ['fire'] } };
 * e.input.departments; // ['fire']
 */
export type GridEscalationEvent = CommandEvents<typeof gridEscalationCommandSet>;
