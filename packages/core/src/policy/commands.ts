import type { LocalizedText } from '../i18n.js';

/** The processes commands belong to: the first segment of a command name. */
export const CommandProcess = {
  /** Process 1, grid escalation (案件). */
  CASE: 'case',
  /** Process 2, three-party property coordination (议事事项). */
  MATTER: 'matter',
  /** Process 3, appeal evaluation (评价). */
  EVALUATION: 'evaluation',
  /** Editing and publishing the policy itself. */
  POLICY: 'policy',
} as const;
export type CommandProcess = (typeof CommandProcess)[keyof typeof CommandProcess];

/** One command a user (or a platform) may give, as the permission matrix names it. */
export interface KnownCommand {
  name: string;
  process: CommandProcess;
  /** What the command does, as a verb phrase: "签收" / "sign for the order". */
  label: LocalizedText;
}

const c = (name: string, zh: string, en: string): KnownCommand => ({
  name,
  process: name.slice(0, name.indexOf('.')) as CommandProcess,
  label: { zh, en },
});

/**
 * Every command the machines accept, in process order. The permission matrix grants them per role and scope;
 * machines import this list so that a command they accept and a command a policy may grant never drift apart.
 *
 * @example
 * COMMAND_DEFS.find((d) => d.name === 'case.sign')?.label.zh; // '签收'
 */
export const COMMAND_DEFS: readonly KnownCommand[] = Object.freeze([
  // Process 1 — grid escalation
  c('case.submit', '上报诉求', 'submit a matter'),
  c('case.triage.file', '立案', 'file the case'),
  c('case.triage.cancel', '作废无效上报', 'cancel an invalid report'),
  c('case.triage.merge', '合并重复件', 'merge a duplicate'),
  c('case.dispatch', '派遣', 'dispatch'),
  c('case.sign', '签收', 'sign for the order'),
  c('case.contact', '联系诉求人', 'contact the requester'),
  c('case.start', '开始处置', 'start handling'),
  c('case.return', '退单', 'return the order'),
  c('case.return.accept', '同意退单', 'accept a return'),
  c('case.return.overrule', '驳回退单并强制派遣', 'overrule a return and force-assign'),
  c('case.extension.request', '申请延期', 'request an extension'),
  c('case.extension.approve', '批准延期', 'approve an extension'),
  c('case.extension.deny', '驳回延期', 'deny an extension'),
  c('case.park', '挂账', 'park the case'),
  c('case.remind', '催办', 'send a reminder'),
  c('case.whistle', '吹哨', 'blow the whistle'),
  c('case.checkin', '部门报到', 'check in (department)'),
  c('case.department.done', '部门办结', 'finish the department’s part'),
  c('case.feedback', '反馈处置结果', 'feed back the result'),
  c('case.verify.pass', '核查通过', 'pass verification'),
  c('case.verify.fail', '核查不通过', 'fail verification'),
  c('case.close', '结案', 'close the case'),
  c('case.reopen', '重新打开', 'reopen the case'),
  c('case.archive', '归档', 'archive the case'),
  c('case.escalate', '上报上级', 'escalate one level'),
  // Evidence (photos and files) is attached outside the machine, each kind under its own permission.
  c('case.attach.before', '上传问题照片', 'attach a photo of the problem'),
  c('case.attach.after', '上传处置照片', 'attach a photo of the fix'),
  c('case.attach.other', '上传其他附件', 'attach another file'),
  // Process 2 — three-party property coordination
  c('matter.raise', '提出议事事项', 'raise a matter'),
  c('matter.triage.routine', '转物业常规工单', 'send to the property company as a routine order'),
  c('matter.triage.consult', '纳入三方协商', 'take into three-party consultation'),
  c('matter.preconsult.done', '完成预协商', 'finish pre-consultation'),
  c('matter.meeting.schedule', '安排会议', 'schedule the meeting'),
  c('matter.meeting.confirm', '确认参会', 'confirm attendance'),
  c('matter.meeting.attend', '登记到会', 'record presence at the meeting'),
  c('matter.meeting.hold', '召开会议', 'hold the meeting'),
  c('matter.resolution.adopt', '形成决议', 'adopt a resolution'),
  c('matter.resolution.sign', '会议纪要签字', 'sign the minutes'),
  c('matter.no_consensus', '记录未达成一致', 'record no consensus'),
  c('matter.escalate.street', '提交街道', 'escalate to the street'),
  c('matter.escalate.mediation', '转人民调解', 'refer to people’s mediation'),
  c('matter.escalate.vote', '提请业主大会表决', 'put to an owners’ assembly vote'),
  c('matter.vote.record', '登记表决结果', 'record the vote'),
  c('matter.action.add', '添加落实事项', 'add an action item'),
  c('matter.action.done', '完成落实事项', 'complete an action item'),
  c('matter.publicise', '公示', 'publicise'),
  c('matter.verify', '核验落实', 'verify the implementation'),
  c('matter.close', '办结事项', 'close the matter'),
  c('matter.attach.before', '上传事项现状照片', 'attach a photo of the matter as raised'),
  c('matter.attach.after', '上传落实照片', 'attach a photo of the implementation'),
  c('matter.attach.other', '上传事项附件', 'attach a file to the matter'),
  // Process 3 — appeal evaluation
  c('evaluation.rate', '评价', 'rate'),
  c('evaluation.revisit.attempt', '回访', 'attempt a revisit'),
  c('evaluation.revisit.unreachable', '登记回访联系不上', 'record the requester as unreachable'),
  c('evaluation.appeal', '申诉评价', 'appeal a rating'),
  c('evaluation.appeal.decide', '裁定申诉', 'decide an appeal'),
  c('evaluation.exclusion.request', '申请剔除', 'request an exclusion'),
  c('evaluation.exclusion.approve', '批准剔除', 'approve an exclusion'),
  c('evaluation.notice.propose', '提出通报', 'propose a public notice'),
  c('evaluation.notice.approve', '批准通报', 'approve a public notice'),
  c('evaluation.attach.other', '上传申诉材料', 'attach evidence to the evaluation'),
  // The policy itself
  c('policy.edit', '编辑政策', 'edit the policy'),
  c('policy.approve', '审批政策', 'approve the policy'),
  c('policy.publish', '发布政策', 'publish the policy'),
]);

/**
 * The names of every known command.
 *
 * @example
 * COMMANDS.includes('case.whistle'); // true
 */
export const COMMANDS: readonly string[] = Object.freeze(COMMAND_DEFS.map((d) => d.name));

const known = new Set(COMMANDS);

/**
 * True when `name` is a known command (not a pattern).
 *
 * @example
 * isKnownCommand('case.sign'); // true
 * isKnownCommand('case.*'); // false
 */
export function isKnownCommand(name: string): boolean {
  return known.has(name);
}

/**
 * True when a permission's command pattern grants a command: the exact name, `prefix.*` for every command
 * under `prefix.`, or `*` for every command.
 *
 * @example
 * commandMatches('case.*', 'case.extension.approve'); // true
 * commandMatches('case.extension.*', 'case.extension'); // false
 */
export function commandMatches(pattern: string, command: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return command.startsWith(pattern.slice(0, -1));
  return pattern === command;
}

/**
 * The known commands a permission pattern grants; empty when the pattern names no known command.
 *
 * @example
 * expandCommandPattern('case.verify.*'); // ['case.verify.pass', 'case.verify.fail']
 */
export function expandCommandPattern(pattern: string): string[] {
  return COMMANDS.filter((name) => commandMatches(pattern, name));
}

/**
 * The definition of a known command, or `undefined`.
 *
 * @example
 * commandDef('policy.publish')?.label.en; // 'publish the policy'
 */
export function commandDef(name: string): KnownCommand | undefined {
  return COMMAND_DEFS.find((d) => d.name === name);
}
