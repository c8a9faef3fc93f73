import { t } from '../../i18n.js';
import type { CoordinationPolicy, EvaluationPolicy, IndicatorDef } from '../types.js';
import { DEFAULT_COORDINATION_RULES } from './coordinationRules.js';

/** The default three-party coordination (Process 2) and appeal evaluation (Process 3). */

const v = (path: string): { var: string } => ({ var: path });

/**
 * Three parties must all attend; owners' assembly thresholds follow Civil Code art. 278: two thirds take part
 * (by floor area and by headcount), ordinary matters need more than half of the voters, major matters
 * (raising repair funds, rebuilding, changing the use of common parts) three quarters.
 */
export const defaultCoordination: CoordinationPolicy = {
  requiredParties: ['community', 'owners_committee', 'property_company'],
  noticeDays: 3,
  quorum: 3,
  matterTypes: [
    { id: 'm-fees', code: 'property_fees', name: t('物业费', 'Property fees'), decision: 'consensus' },
    { id: 'm-service', code: 'service_quality', name: t('物业服务质量', 'Service quality'), decision: 'consensus' },
    {
      id: 'm-structures',
      code: 'illegal_structures',
      name: t('违章搭建', 'Illegal structures'),
      decision: 'consensus',
    },
    { id: 'm-parking', code: 'parking', name: t('停车管理', 'Parking'), decision: 'majority' },
    {
      id: 'm-public-rooms',
      code: 'public_rooms',
      name: t('公共用房用途', 'Use of public rooms'),
      decision: 'majority',
    },
    {
      id: 'm-repair-use',
      code: 'repair_funds_use',
      name: t('使用维修资金', 'Using the repair funds'),
      decision: 'majority',
    },
    {
      id: 'm-repair-raise',
      code: 'repair_funds_raise',
      name: t('筹集维修资金', 'Raising repair funds'),
      decision: 'majority',
    },
    { id: 'm-rebuild', code: 'rebuilding', name: t('改建重建', 'Rebuilding'), decision: 'majority' },
  ],
  ownersVote: {
    participationByArea: 2 / 3,
    participationByHeadcount: 2 / 3,
    ordinaryByArea: 0.5,
    ordinaryByHeadcount: 0.5,
    majorByArea: 0.75,
    majorByHeadcount: 0.75,
    majorMatters: ['repair_funds_raise', 'rebuilding', 'public_rooms'],
  },
  actionItemDays: 15,
  rules: { ...DEFAULT_COORDINATION_RULES },
};

/** `numerator / denominator`, or null when nothing was counted. */
const rate = (numerator: unknown, denominator: string): unknown => ({
  if: [{ '>': [v(denominator), 0] }, { '/': [numerator, v(denominator)] }, null],
});

const indicator = (
  code: string,
  zh: string,
  en: string,
  formula: unknown,
  weight: number,
  better?: 'lower',
): IndicatorDef => ({
  code,
  name: t(zh, en),
  formula,
  weight,
  ...(better ? { better } : {}),
});

/**
 * The nine indicators of domain.md and 及时立案率. Weights sum to 1: resolution and satisfaction weigh most;
 * return and redo rates count inverted (lower is better); the whistle rate is reported but weighs 0, since
 * summoning departments is a tool, not a failure; the timely filing rate is reported and weighs 0 until a
 * district gives it a weight (the composite of existing rankings stays as it was).
 */
export const defaultIndicators: IndicatorDef[] = [
  indicator('response_rate', '响应率', 'Response rate', rate(v('contactedInTime'), 'dispatched'), 0.15),
  indicator('resolution_rate', '解决率', 'Resolution rate', rate(v('solved'), 'revisits'), 0.25),
  indicator(
    'satisfaction_rate',
    '满意率',
    'Satisfaction rate',
    rate({ '+': [v('satisfied'), { '*': [v('basicallySatisfiedWeight'), v('basicallySatisfied')] }] }, 'revisits'),
    0.25,
  ),
  indicator('on_time_closure_rate', '按期结案率', 'On-time closure rate', rate(v('closedOnTime'), 'due'), 0.1),
  indicator('closure_rate', '结案率', 'Closure rate', rate(v('closed'), 'due'), 0.1),
  indicator('timely_signing_rate', '及时签收率', 'Timely signing rate', rate(v('signedInTime'), 'dispatched'), 0.05),
  indicator('return_rate', '回退率', 'Return rate', rate(v('returned'), 'dispatched'), 0.05, 'lower'),
  indicator('redo_rate', '重办率', 'Redo rate', rate(v('redone'), 'closed'), 0.05, 'lower'),
  indicator('whistle_rate', '吹哨率', 'Whistle rate', rate(v('whistled'), 'filed'), 0),
  indicator('timely_filing_rate', '及时立案率', 'Timely filing rate', rate(v('filedInTime'), 'filed'), 0),
];

/**
 * Satisfied / basically satisfied / unsatisfied; "basically satisfied" counts as 0.8 of "satisfied" in the
 * satisfaction rate (the ratio of their scores, 80 / 100). Three revisit attempts; the rating after a redo
 * is the one that counts.
 */
export const defaultEvaluation: EvaluationPolicy = {
  scale: [
    { code: 'satisfied', name: t('满意', 'Satisfied'), score: 100 },
    { code: 'basically_satisfied', name: t('基本满意', 'Basically satisfied'), score: 80 },
    { code: 'unsatisfied', name: t('不满意', 'Unsatisfied'), score: 0 },
  ],
  unsatisfied: ['unsatisfied'],
  basicallySatisfiedWeight: 0.8,
  revisitAttempts: 3,
  controllableReasons: [
    { code: 'not_solved', name: t('问题未解决', 'problem not solved') },
    { code: 'delay', name: t('办理拖延', 'handled too slowly') },
    { code: 'attitude', name: t('服务态度差', 'poor attitude') },
    { code: 'no_contact', name: t('未联系诉求人', 'requester never contacted') },
    { code: 'false_feedback', name: t('反馈与实际不符', 'feedback does not match the facts') },
  ],
  ratingThatCounts: 'final',
  exclusionsNeedApproval: true,
  publicNoticeNeedsApproval: true,
  indicators: defaultIndicators,
};
