import type { LocalizedText } from '../i18n.js';
import { Severity } from '../problems.js';

/** One problem code `validatePolicy` may report, with its severity and what it means. */
export interface PolicyProblemCodeDef {
  code: string;
  severity: Severity;
  description: LocalizedText;
}

const E = Severity.ERROR;
const W = Severity.WARNING;
const d = (code: string, severity: Severity, zh: string, en: string): PolicyProblemCodeDef => ({
  code,
  severity,
  description: { zh, en },
});

/**
 * Every problem code of policy validation, besides those passed through from the rule linter (`lintRule`,
 * for rule conditions and formulas) and from `validateCalendar` (`calendar.*`). Codes never change once
 * published; the designer can key help texts on them.
 *
 * @example
 * POLICY_PROBLEM_CODES.find((c) => c.code === 'routing.row_unreachable')?.severity; // 'warning'
 */
export const POLICY_PROBLEM_CODES: readonly PolicyProblemCodeDef[] = Object.freeze([
  // Shape (JSON Schema)
  d('schema.required', E, '缺少必填项', 'a required property is missing'),
  d('schema.additional_property', E, '不认识的字段', 'an unknown property'),
  d('schema.type', E, '类型不对', 'a value of the wrong type'),
  d('schema.enum', E, '不在可选值中', 'a value outside its enumeration'),
  d('schema.const', E, '取值不对', 'a value other than the only one allowed'),
  d('schema.pattern', E, '格式不对（编号、代码、时长、日期、时刻）', 'a malformed id, code, duration, date or time'),
  d('schema.minimum', E, '数值太小', 'a number too small'),
  d('schema.maximum', E, '数值太大', 'a number too large'),
  d('schema.min_items', E, '列表项太少', 'too few items'),
  d('schema.max_items', E, '列表项太多', 'too many items'),
  d('schema.min_length', E, '文字太短', 'a text too short'),
  d('schema.max_length', E, '文字太长', 'a text too long'),
  d('schema.unique_items', E, '列表项重复', 'repeated items'),
  d('schema.invalid', E, '其他格式问题', 'another shape problem'),
  // Identity
  d('duplicate.id', E, '编号重复', 'an id used twice'),
  d('duplicate.code', E, '代码重复', 'a code used twice'),
  d('duplicate.value', W, '列表中重复列出', 'a value listed twice'),
  d('duplicate.rule_key', E, '自定义规则与内置规则同名', 'a custom rule named like a built-in one'),
  // References
  d('reference.unknown_level', E, '未定义的层级', 'an undefined level'),
  d('reference.unknown_department', E, '未定义的部门', 'an undefined department'),
  d('reference.unknown_urgency', E, '未定义的紧急程度', 'an undefined urgency'),
  d('reference.unknown_role', E, '未定义的角色', 'an undefined role'),
  d('reference.unknown_category', E, '未定义的类别', 'an undefined category'),
  d('reference.unknown_matter_type', E, '未定义的议事类型', 'an undefined matter type'),
  d('reference.unknown_rating', E, '未定义的评价等级', 'an undefined rating'),
  d('reference.unknown_party', E, '未定义的参会方', 'an undefined party'),
  d(
    'reference.unknown_value',
    E,
    '规则中比较了枚举事实不存在的取值',
    'a rule compares an enumerated fact with a value it cannot have',
  ),
  // Organisation and categories
  d('organisation.escalation_path_duplicate', E, '上报路径中层级重复', 'a level twice on the escalation path'),
  d('organisation.escalation_path_order', W, '上报路径走向更低层级', 'the escalation path goes down'),
  d(
    'category.attribute_type_conflict',
    E,
    '同一属性代码在不同类别中类型不同',
    'one attribute code with different types',
  ),
  d('category.attribute_limits_inverted', E, '属性上下限颠倒', 'attribute limits inverted'),
  d('category.attribute_limit_ignored', W, '限制与属性类型无关', 'a limit that does not apply to the type'),
  d('category.choice_without_options', E, '选项属性没有选项', 'a choice without options'),
  d('category.invalid_date', E, '不存在的日期', 'a date that does not exist'),
  // Routing
  d('routing.no_default_row', E, '路由表没有兜底行', 'no default routing row'),
  d('routing.row_after_default', E, '兜底行之后还有路由行', 'a routing row after the default'),
  d('routing.row_unreachable', W, '路由行永远不会被使用', 'a routing row that can never match first'),
  d('routing.department_missing', E, '派往部门却未指定部门', 'a department target without a department'),
  // Time limits (the calendar's own codes come from validateCalendar)
  d('limits.cell_missing', E, '可达的层级×紧急程度缺少处理时限', 'a reachable level × urgency has no limit'),
  d('limits.duplicate_cell', E, '同一层级×紧急程度有多个时限', 'two cells for one level × urgency'),
  d('limits.total_missing', E, '紧急程度缺少总时限', 'an urgency without a total limit'),
  d('limits.duplicate_total', E, '同一紧急程度有多个总时限', 'two total limits for one urgency'),
  d('limits.duplicate_filing', E, '同一紧急程度×来源有多个立案时限', 'two filing limits for one urgency × source'),
  d('limits.higher_level_shorter', E, '上级时限短于下级', 'a higher level with a shorter limit'),
  d(
    'limits.total_shorter_than_handling',
    E,
    '总时限短于起始层级时限',
    'a total shorter than the starting level’s limit',
  ),
  d('limits.warning_at_range', E, '预警点不在 0 和 1 之间', 'warningAt outside (0, 1)'),
  d('limits.working_years_months', E, '工作时间时长使用了年或月', 'a working-time duration in years or months'),
  d('limits.duration_zero', E, '时长为零', 'a zero duration'),
  d('limits.duration_invalid', E, '时长无法解析', 'a duration that cannot be read'),
  d('limits.signing_exceeds_handling', W, '签收时限长于处理时限', 'signing takes longer than a handling limit'),
  // Evaluation and coordination
  d('evaluation.scale_order', W, '评价等级未按从好到差排列', 'the scale is not best first'),
  d('evaluation.no_unsatisfied', W, '没有等级算作不满意', 'no rating counts as unsatisfied'),
  d('evaluation.all_unsatisfied', E, '所有等级都算作不满意', 'every rating counts as unsatisfied'),
  d('evaluation.weight_range', E, '权重不在 0 到 1 之间', 'a weight outside [0, 1]'),
  d('evaluation.weights_sum', W, '指标权重之和不为 1', 'indicator weights do not add up to 1'),
  d('coordination.quorum_exceeds_parties', E, '法定到会方数多于必须参会方', 'a quorum above the required parties'),
  d('coordination.threshold_range', E, '表决比例不在 (0, 1] 之间', 'a vote threshold outside (0, 1]'),
  d('coordination.major_below_ordinary', W, '重大事项比例低于一般事项', 'major matters need less than ordinary ones'),
  // Permissions and privacy
  d('permissions.unknown_command', E, '未知命令', 'an unknown command'),
  d('permissions.duplicate_row', W, '同一角色重复授权同一命令', 'a role granted one command twice'),
  d('permissions.levels_ignored', W, '政策命令的层级限制不起作用', 'a level limit on a policy command'),
  d('permissions.command_unassigned', W, '没有角色可以执行的命令', 'a command nobody may give'),
  d(
    'privacy.contact_without_unmasked',
    W,
    '可联系诉求人的角色看不到明文联系方式',
    'a role that contacts requesters cannot see their details',
  ),
  // Internal
  d('policy.check_failed', E, '某项检查执行失败', 'a check failed to run'),
]);
