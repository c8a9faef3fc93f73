import { t } from '../../i18n.js';
import type { Counting, OrgLevel, RoutingTable, RuleSet, TimeLimitCell, TimeLimits } from '../types.js';
import { DEFAULT_RATER_ALLOWED } from './ratingRules.js';

/** The default routing table, time limits and named rules of Process 1 (grid escalation). */

const v = (path: string): { var: string } => ({ var: path });
const category = v('case.category');
const urgency = v('case.urgency');

/**
 * First match wins. Emergencies skip the grid; categories with a clear owner go straight to the department;
 * unclear jurisdiction goes to the district as fallback (兜底); everything else starts at the grid.
 */
export const defaultRouting: RoutingTable = {
  rows: [
    {
      id: 'r-emergency',
      when: { '==': [urgency, 'emergency'] },
      then: { level: 'street' },
      note: t('紧急事项跳过网格，由街道直接处置', 'Emergencies skip the grid and start at the street'),
    },
    {
      id: 'r-illegal-construction',
      when: { '==': [category, 'illegal_construction'] },
      then: { level: 'department', department: 'urban_management' },
      note: t('违法建设直接派城管', 'Illegal construction goes straight to urban management'),
    },
    {
      id: 'r-utilities',
      when: { or: [{ '==': [category, 'utilities_fault'] }, { '==': [urgency, 'utilities'] }] },
      then: { level: 'department', department: 'utilities' },
      note: t('水电气暖故障直接派供水供电等单位', 'Utility faults go straight to the utilities'),
    },
    { id: 'r-fire', when: { '==': [category, 'fire_hazard'] }, then: { level: 'department', department: 'fire' } },
    {
      id: 'r-market',
      when: { in: [category, ['market_order', 'food_safety']] },
      then: { level: 'department', department: 'market_regulation' },
    },
    {
      id: 'r-public-safety',
      when: { '==': [category, 'public_safety'] },
      then: { level: 'department', department: 'public_security' },
    },
    {
      id: 'r-unclear',
      when: { '==': [category, 'unclear_jurisdiction'] },
      then: { level: 'district' },
      note: t('权属不清由区级兜底', 'Unclear jurisdiction falls back to the district'),
    },
    {
      id: 'r-property',
      when: { '==': [category, 'property_dispute'] },
      then: { level: 'community' },
      note: t('物业纠纷由社区组织三方协商', 'Property disputes go to the community for three-party coordination'),
    },
    {
      id: 'r-road-large',
      when: { and: [{ '==': [category, 'road_damage'] }, { '>=': [v('case.attributes.area_m2'), 50] }] },
      then: { level: 'department', department: 'housing' },
      note: t('50 平方米以上的道路破损派住建', 'Road damage of 50 m² or more goes to housing and construction'),
    },
    {
      id: 'r-complex-hotline',
      when: { and: [{ '==': [urgency, 'complex'] }, { in: [v('case.source'), ['hotline', 'platform']] }] },
      then: { level: 'street' },
      note: t(
        '热线和上级平台转来的疑难件由街道统筹',
        'Complex orders from the hotline or another platform start at the street',
      ),
    },
    {
      id: 'r-default',
      when: true,
      then: { level: 'grid' },
      note: t('其余事项先由网格处置', 'Everything else starts at the grid'),
    },
  ],
};

/** Handling limits per level (grid, community, street, department, district) for one urgency. */
const row = (
  urgencyCode: string,
  counting: Counting,
  durations: [string, string, string, string, string],
): TimeLimitCell[] => {
  const levels: OrgLevel[] = ['grid', 'community', 'street', 'department', 'district'];
  return levels.map((level, i) => ({
    id: `c-${level}-${urgencyCode}`,
    level,
    urgency: urgencyCode,
    duration: durations[i] as string,
    counting,
  }));
};

/**
 * Emergencies and utility faults count in calendar time (they do not wait for Monday); general and complex
 * matters count in working days. Higher levels never get less time than lower ones.
 */
export const defaultTimeLimits: TimeLimits = {
  // A report is filed within one working hour; emergencies and utility faults within one hour of the clock, and
  // online reports (the app, WeChat) within two working hours, as 12345 lines accept them.
  filing: [
    { id: 'f-emergency', urgency: 'emergency', duration: 'PT1H', counting: 'calendar' },
    { id: 'f-utilities', urgency: 'utilities', duration: 'PT1H', counting: 'calendar' },
    { id: 'f-general', urgency: 'general', duration: 'PT1H', counting: 'working' },
    { id: 'f-complex', urgency: 'complex', duration: 'PT1H', counting: 'working' },
    { id: 'f-general-app', urgency: 'general', source: 'app', duration: 'PT2H', counting: 'working' },
    { id: 'f-complex-app', urgency: 'complex', source: 'app', duration: 'PT2H', counting: 'working' },
  ],
  handling: [
    ...row('emergency', 'calendar', ['PT1H', 'PT1H', 'PT2H', 'PT2H', 'PT2H']),
    ...row('utilities', 'calendar', ['PT12H', 'PT12H', 'PT24H', 'PT24H', 'PT24H']),
    ...row('general', 'working', ['P2D', 'P3D', 'P5D', 'P5D', 'P7D']),
    ...row('complex', 'working', ['P3D', 'P5D', 'P10D', 'P10D', 'P15D']),
  ],
  total: [
    { id: 't-emergency', urgency: 'emergency', duration: 'PT2H', counting: 'calendar' },
    { id: 't-utilities', urgency: 'utilities', duration: 'PT24H', counting: 'calendar' },
    { id: 't-general', urgency: 'general', duration: 'P7D', counting: 'working' },
    { id: 't-complex', urgency: 'complex', duration: 'P15D', counting: 'working' },
  ],
  signing: { duration: 'PT1H', counting: 'calendar' },
  contact: { duration: 'PT2H', counting: 'working' },
  whistleCheckIn: { duration: 'PT30M', counting: 'calendar' },
  warningAt: 0.8,
  publicNoticeAfterWorkingDays: 5,
  higherLevelsNotShorter: true,
};

export const defaultRules: RuleSet = {
  escalate: {
    id: 'rule-escalate',
    name: t('超时上报上级', 'Escalate when overdue'),
    description: t(
      '本级处理超过时限且尚未办结时，上报上一级',
      'Rise one level when this level is past its limit and the case is not resolved',
    ),
    logic: { and: [{ '>': [v('case.elapsedHours'), v('case.limitHours')] }, { '!': [v('case.resolved')] }] },
  },
  whistle: {
    id: 'rule-whistle',
    name: t('街道吹哨', 'Street whistle'),
    description: t(
      '案件在街道且召集部门数未达上限时可以吹哨',
      'The street may summon departments while fewer than the limit have been summoned',
    ),
    logic: {
      and: [
        { '==': [v('case.level'), 'street'] },
        { '<': [v('case.whistleDepartments'), v('limits.maxWhistleDepartments')] },
      ],
    },
  },
  returnAllowed: {
    id: 'rule-return',
    name: t('允许退单', 'Return allowed'),
    description: t(
      '退单次数未达上限且不在区级兜底时可以退单',
      'A unit may return the order while under the return limit, except at the district fallback',
    ),
    logic: { and: [{ '<': [v('case.returns'), v('limits.maxReturns')] }, { '!=': [v('case.level'), 'district'] }] },
  },
  extensionAllowed: {
    id: 'rule-extension',
    name: t('允许申请延期', 'Extension allowed'),
    description: t(
      '时限届满前且延期次数少于上限时可以申请延期',
      'An extension may be requested before the deadline and while under the extension limit',
    ),
    logic: { and: [v('case.beforeDeadline'), { '<': [v('case.extensions'), v('limits.maxExtensions')] }] },
  },
  verifierAllowed: {
    id: 'rule-verifier',
    name: t('核查人回避', 'Verifier is not the handler'),
    description: t('核查人不能是承办人本人', 'The person verifying must not be the handler'),
    logic: { '!=': [v('actor.id'), v('case.handlerId')] },
  },
  publicNotice: {
    id: 'rule-public-notice',
    name: t('超期通报', 'Public notice when overdue'),
    description: t(
      '超期 5 个工作日以上列为通报对象',
      'More than 5 working days overdue makes the case a public-notice candidate',
    ),
    logic: { '>': [v('case.overdueWorkingDays'), 5] },
  },
  redo: {
    id: 'rule-redo',
    name: t('不满意重办', 'Redo when unsatisfied'),
    description: t(
      '评价不满意且原因属承办单位可控时重办',
      'An unsatisfied rating for a reason within the unit’s control sends the case back',
    ),
    logic: { and: [{ in: [v('evaluation.rating'), ['unsatisfied']] }, v('evaluation.controllable')] },
  },
  autoFile: {
    id: 'rule-auto-file',
    name: t('逾期自动立案', 'File automatically when the filing limit passes'),
    description: t(
      '网格员巡查、12345热线和上级平台转来的事项超过立案时限仍未立案的，自动立案并派往路由确定的单位；群众自行反映的事项须人工受理',
      'Reports from a grid worker’s patrol, the 12345 hotline or another platform still unfiled past the filing limit are filed automatically to the routed unit; residents’ own reports wait for a person',
    ),
    logic: {
      and: [
        { '>=': [v('case.filingElapsedHours'), v('case.filingLimitHours')] },
        { in: [v('case.source'), ['patrol', 'hotline', 'platform']] },
      ],
    },
  },
  raterAllowed: DEFAULT_RATER_ALLOWED,
  limits: { maxExtensions: 2, maxReturns: 2, maxWhistleDepartments: 5 },
};
