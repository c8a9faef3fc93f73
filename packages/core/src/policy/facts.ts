import { type LocalizedText, t } from '../i18n.js';
import type { FactDef, FactDictionary } from '../rules/types.js';
import type { AttributeDef, Policy, RuleKey } from './types.js';
import { CaseSource } from './types.js';

/**
 * The facts rules may read, built from a policy so that enumerated facts (category, urgency, level, rating…)
 * carry the policy's own values and names. The data a machine passes to a rule has the same shape, e.g.
 * `{ case: { elapsedHours: 30, limitHours: 24, resolved: false }, limits: { maxExtensions: 2 } }`.
 */

const fact = (type: FactDef['type'], zh: string, en: string, extra: Partial<FactDef> = {}): FactDef => ({
  type,
  label: t(zh, en),
  ...extra,
});
const hours = (zh: string, en: string): FactDef => fact('number', zh, en, { unit: 'hours' });
const count = (zh: string, en: string): FactDef => fact('number', zh, en, { unit: 'count' });
/** The closed set of values of a fact naming one of the policy's coded things (categories, levels, roles…). */
const codes = (list: readonly { code: string; name: LocalizedText }[]): FactDef['values'] =>
  list.map((x) => ({ value: x.code, name: x.name }));

/**
 * The names of the intake channels, for `case.source`.
 *
 * @example
 * CASE_SOURCE_NAMES.hotline.zh; // '12345热线'
 */
export const CASE_SOURCE_NAMES: Readonly<Record<CaseSource, LocalizedText>> = Object.freeze({
  patrol: t('网格员巡查发现', 'a grid worker’s patrol'),
  walk_in: t('群众上门反映', 'a resident walking in'),
  hotline: t('12345热线', 'the 12345 hotline'),
  platform: t('上级平台派单', 'another platform’s order'),
  app: t('App或微信', 'the app or WeChat'),
});

const ATTRIBUTE_PREFIX = 'case.attributes.';

/**
 * True for facts that may be absent from a case (category attributes exist only for their categories and
 * optional ones may be left empty). The decision-table analysis never assumes such a fact has a value.
 *
 * @example
 * isOptionalFact('case.attributes.area_m2'); // true
 */
export function isOptionalFact(path: string): boolean {
  return path.startsWith(ATTRIBUTE_PREFIX);
}

function attributeFact(attr: AttributeDef, options: Map<string, LocalizedText>): FactDef {
  switch (attr.type) {
    case 'number':
      return { type: 'number', label: attr.name };
    case 'date':
      return { type: 'date', label: attr.name };
    case 'choice':
      return { type: 'string', label: attr.name, values: [...options].map(([value, name]) => ({ value, name })) };
    default:
      return { type: 'string', label: attr.name };
  }
}

/**
 * `case.attributes.<code>` for every attribute of every category (union over categories; the first
 * category that defines a code gives its type and label, choice options are merged).
 */
function attributeFacts(policy: Pick<Policy, 'categories'>): FactDictionary {
  const defs = new Map<string, AttributeDef>();
  const options = new Map<string, Map<string, LocalizedText>>();
  for (const category of policy.categories) {
    for (const attr of category.attributes) {
      if (!defs.has(attr.code)) defs.set(attr.code, attr);
      const opts = options.get(attr.code) ?? new Map<string, LocalizedText>();
      for (const o of attr.options ?? []) if (!opts.has(o.value)) opts.set(o.value, o.name);
      options.set(attr.code, opts);
    }
  }
  const out: FactDictionary = {};
  for (const [code, attr] of defs)
    out[ATTRIBUTE_PREFIX + code] = attributeFact(attr, options.get(code) ?? new Map<string, LocalizedText>());
  return out;
}

/**
 * What is known of a case when it arrives, before it is routed: the facts routing rows may read.
 *
 * @example
 * const facts = routingFacts(createDefaultPolicy());
 * facts['case.category'].values?.length; // number of categories
 */
export function routingFacts(policy: Pick<Policy, 'categories' | 'urgencies'>): FactDictionary {
  return {
    'case.category': fact('string', '诉求类别', 'the category', {
      values: codes(policy.categories),
    }),
    'case.urgency': fact('string', '紧急程度', 'the urgency', {
      values: codes(policy.urgencies),
    }),
    'case.source': fact('string', '来源渠道', 'the source', {
      values: Object.values(CaseSource).map((value) => ({ value, name: CASE_SOURCE_NAMES[value] })),
    }),
    'case.anonymous': fact('boolean', '匿名反映', 'reported anonymously'),
    'case.grid': fact('string', '所在网格', 'the grid'),
    'case.community': fact('string', '所在社区', 'the community'),
    'case.street': fact('string', '所在街道', 'the street'),
    ...attributeFacts(policy),
  };
}

/** The case as the machines know it while it runs: intake facts plus where it is, who has it, its clock. */
function caseStateFacts(policy: Pick<Policy, 'categories' | 'urgencies' | 'organisation'>): FactDictionary {
  return {
    ...routingFacts(policy),
    'case.level': fact('string', '当前层级', 'the current level', {
      values: codes(policy.organisation.levels),
    }),
    'case.department': fact('string', '承办部门', 'the handling department'),
    'case.state': fact('string', '案件状态', 'the case state'),
    'case.resolved': fact('boolean', '已办结', 'resolved'),
    'case.extensions': count('已延期次数', 'the number of extensions'),
    'case.returns': count('已退单次数', 'the number of returns'),
    'case.escalations': count('已上报上级次数', 'the number of escalations'),
    'case.whistleDepartments': count('已吹哨部门数', 'the number of departments summoned'),
    'case.handlerId': fact('string', '承办人', 'the handler'),
    'case.elapsedHours': hours('处理已用时', 'time spent handling'),
    'case.limitHours': hours('时限', 'the time limit'),
    'case.overdueHours': hours('已超时', 'time overdue'),
    'case.overdueWorkingDays': fact('number', '超期工作日数', 'working days overdue', { unit: 'working_days' }),
    'case.beforeDeadline': fact('boolean', '未超过时限', 'before the deadline'),
  };
}

/**
 * The person (or platform) giving a command: `actor.id`, `actor.roles` (values: the policy's roles) and
 * `actor.units`, the org units the actor belongs to (`kind:id`, e.g. `street:s-01`).
 *
 * @example
 * actorFacts(policy)['actor.roles'].type; // 'string[]'
 */
export function actorFacts(policy: Pick<Policy, 'organisation'>): FactDictionary {
  return {
    'actor.id': fact('string', '操作人', 'the actor'),
    'actor.roles': fact('string[]', '操作人角色', 'the actor’s roles', {
      values: codes(policy.organisation.roles),
    }),
    'actor.units': fact('string[]', '操作人所属单位', 'the actor’s units'),
  };
}

/**
 * `policy.rules.limits`, readable by rules as `limits.*`.
 *
 * @example
 * limitFacts()['limits.maxExtensions'].label.zh; // '延期次数上限'
 */
export function limitFacts(): FactDictionary {
  return {
    'limits.maxExtensions': count('延期次数上限', 'the extension limit'),
    'limits.maxReturns': count('退单次数上限', 'the return limit'),
    'limits.maxWhistleDepartments': count('吹哨部门数上限', 'the limit on departments summoned'),
  };
}

/**
 * The rating being recorded, for the `redo` rule: `evaluation.rating` (values: the policy's scale),
 * `evaluation.solved`, `evaluation.reason`, `evaluation.controllable`, `evaluation.attempts`.
 *
 * @example
 * evaluationFacts(policy)['evaluation.rating'].values?.map((v) => v.value); // ['satisfied', 'basically_satisfied', 'unsatisfied']
 */
export function evaluationFacts(policy: Pick<Policy, 'evaluation'>): FactDictionary {
  return {
    'evaluation.rating': fact('string', '评价结果', 'the rating', {
      values: codes(policy.evaluation.scale),
    }),
    'evaluation.solved': fact('boolean', '问题已解决', 'solved'),
    'evaluation.reason': fact('string', '不满意原因', 'the reason'),
    'evaluation.controllable': fact('boolean', '原因属承办单位可控', 'within the unit’s control'),
    'evaluation.attempts': count('回访次数', 'the number of revisit attempts'),
  };
}

/** The kinds of evaluator (谁呼谁评 / 下评上), for `evaluation.evaluatorKind`. */
const EVALUATOR_KINDS: FactDef['values'] = [
  { value: 'resident', name: t('群众', 'a resident') },
  { value: 'lower_level', name: t('下级单位', 'a lower level') },
];

/**
 * The evaluation being rated, for the `raterAllowed` rule: `evaluation.unit` (the rated unit, `kind:id`),
 * `evaluation.evaluatorKind` (`resident` or `lower_level`), `evaluation.evaluatorId` (the resident, or the user
 * rating for the lower level) and `evaluation.evaluatorUnit` (the rating unit of a lower level, else null).
 *
 * @example
 * raterFacts()['evaluation.unit'].label.zh; // '被评价单位'
 */
export function raterFacts(): FactDictionary {
  return {
    'evaluation.unit': fact('string', '被评价单位', 'the rated unit'),
    'evaluation.evaluatorKind': fact('string', '评价人类型', 'the kind of evaluator', { values: EVALUATOR_KINDS }),
    'evaluation.evaluatorId': fact('string', '评价人', 'the evaluator'),
    'evaluation.evaluatorUnit': fact('string', '评价单位', 'the evaluating unit'),
  };
}

/**
 * What rule `autoFile` reads beside the intake facts, when a report's filing limit passes:
 * `case.filingElapsedHours` (how long it has waited since it was submitted, counted the way its filing limit
 * counts), `case.filingLimitHours`, and the unit routing would send it to, `case.routedLevel` and
 * `case.routedDepartment` (null unless a department).
 *
 * @example
 * filingFacts(createDefaultPolicy())['case.routedLevel'].values?.[0].value; // 'building'
 */
export function filingFacts(policy: Pick<Policy, 'organisation'>): FactDictionary {
  return {
    'case.filingElapsedHours': hours('等待立案已用时', 'time waiting to be filed'),
    'case.filingLimitHours': hours('立案时限', 'the filing limit'),
    'case.routedLevel': fact('string', '拟派层级', 'the level routing sends it to', {
      values: codes(policy.organisation.levels),
    }),
    'case.routedDepartment': fact('string', '拟派部门', 'the department routing sends it to', {
      values: codes(policy.organisation.departments),
    }),
  };
}

/**
 * Every fact a case rule may read: the case (intake facts, where it is, who has it, its clock, the filing
 * facts of `autoFile`), the actor, the limits, the rating being recorded and the evaluation being rated. Hours are calendar hours against the current level's limit;
 * `case.overdueWorkingDays` counts working days. {@link ruleFactsFor} narrows this to one rule.
 *
 * @example
 * caseFacts(createDefaultPolicy())['case.elapsedHours'].label.zh; // '处理已用时'
 */
export function caseFacts(
  policy: Pick<Policy, 'categories' | 'urgencies' | 'organisation' | 'evaluation'>,
): FactDictionary {
  return {
    ...caseStateFacts(policy),
    ...filingFacts(policy),
    ...actorFacts(policy),
    ...limitFacts(),
    ...evaluationFacts(policy),
    ...raterFacts(),
  };
}

/** Which fact groups each named rule may read. */
const RULE_GROUPS: Readonly<Record<RuleKey, readonly ('actor' | 'evaluation' | 'filing' | 'rater')[]>> = {
  escalate: [],
  whistle: ['actor'],
  returnAllowed: ['actor'],
  extensionAllowed: ['actor'],
  verifierAllowed: ['actor'],
  publicNotice: [],
  redo: ['evaluation'],
  autoFile: ['filing'],
  raterAllowed: ['actor', 'rater'],
};

/**
 * The facts a named rule may read: the case and the limits always, the actor for rules that guard a command
 * (`whistle`, `returnAllowed`, `extensionAllowed`, `verifierAllowed`, `raterAllowed`), the rating being recorded
 * for `redo`, the filing facts for `autoFile`, the evaluation being rated ({@link raterFacts}) for `raterAllowed`.
 *
 * @example
 * const facts = ruleFactsFor('redo', createDefaultPolicy());
 * 'evaluation.controllable' in facts; // true
 */
export function ruleFactsFor(
  ruleKey: RuleKey,
  policy: Pick<Policy, 'categories' | 'urgencies' | 'organisation' | 'evaluation'>,
): FactDictionary {
  const groups = RULE_GROUPS[ruleKey];
  return {
    ...caseStateFacts(policy),
    ...limitFacts(),
    ...(groups.includes('actor') ? actorFacts(policy) : {}),
    ...(groups.includes('evaluation') ? evaluationFacts(policy) : {}),
    ...(groups.includes('filing') ? filingFacts(policy) : {}),
    ...(groups.includes('rater') ? raterFacts() : {}),
  };
}

/**
 * The counts an indicator formula reads, over one unit and one period (e.g. a street in a month), plus
 * `basicallySatisfiedWeight` from the policy so the satisfaction formula need not repeat it:
 * - `filed` 立案数: cases filed (by hand or by rule `autoFile`);
 * - `filedInTime` 及时立案数: of those, reports a person filed within the filing limit;
 * - `dispatched` 派遣数: cases dispatched to the unit;
 * - `signedInTime` 及时签收数: dispatched cases signed for within the signing limit;
 * - `contactedInTime` 及时联系数: cases whose requester was contacted within the contact limit;
 * - `returned` 退单数: cases the unit returned;
 * - `whistled` 吹哨数: cases on which the whistle was blown;
 * - `due` 应结案数: cases whose total limit fell in the period;
 * - `closed` 结案数: of those, cases closed; `closedOnTime` 按期结案数: closed within the total limit;
 * - `revisits` 有效回访数: revisits that reached the requester (unreachable and excluded ones left out);
 * - `solved` 已解决数: valid revisits saying "solved";
 * - `satisfied` / `basicallySatisfied` / `unsatisfied`: valid revisits by rating;
 * - `redone` 重办数: cases sent back for redo after an evaluation.
 *
 * @example
 * indicatorFacts()['revisits'].label.zh; // '有效回访数'
 */
export function indicatorFacts(): FactDictionary {
  return {
    filed: count('立案数', 'cases filed'),
    filedInTime: count('及时立案数', 'reports filed in time'),
    dispatched: count('派遣数', 'cases dispatched'),
    signedInTime: count('及时签收数', 'orders signed for in time'),
    contactedInTime: count('及时联系数', 'requesters contacted in time'),
    returned: count('退单数', 'orders returned'),
    whistled: count('吹哨数', 'cases whistled'),
    due: count('应结案数', 'cases due'),
    closed: count('结案数', 'cases closed'),
    closedOnTime: count('按期结案数', 'cases closed on time'),
    revisits: count('有效回访数', 'valid revisits'),
    solved: count('已解决数', 'cases solved'),
    satisfied: count('满意数', 'satisfied ratings'),
    basicallySatisfied: count('基本满意数', 'basically satisfied ratings'),
    unsatisfied: count('不满意数', 'unsatisfied ratings'),
    redone: count('重办数', 'cases redone'),
    basicallySatisfiedWeight: fact('number', '基本满意折算系数', 'the weight of “basically satisfied”'),
  };
}
