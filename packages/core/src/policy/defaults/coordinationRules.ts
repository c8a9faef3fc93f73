import { type LocalizedText, t } from '../../i18n.js';
import type { FactDef, FactDictionary } from '../../rules/types.js';
import type { CoordinationRuleKey, RuleDef } from '../types.js';

/*
 * The checks of a three-party meeting (三方联动) as named policy rules: the machine evaluates them with `env.rule`
 * under the key `coordination.<name>`, so history records each decision with the values it read and a refusal is
 * explained in words ("业主大会表决（重大事项）通过”不成立：同意的专有部分面积占参与表决面积 70%，未达到 75%").
 * Shares and thresholds are percentages (0–100); the thresholds themselves stay in `coordination.ownersVote`,
 * `coordination.noticeDays` and `coordination.quorum`, passed to the rules as facts.
 */

const v = (path: string): { var: string } => ({ var: path });
const fact = (type: FactDef['type'], zh: string, en: string, unit?: FactDef['unit']): FactDef => ({
  type,
  label: t(zh, en),
  ...(unit ? { unit } : {}),
});

/** The prefix of the coordination rules' keys in `env.rule` and in recorded decisions. */
export const COORDINATION_RULE_PREFIX = 'coordination.';

/** The coordination rules' names, in the order a meeting meets them. */
export const COORDINATION_RULE_KEYS = [
  'notice',
  'confirmation',
  'attendance',
  'meetingTime',
  'quorum',
  'consensus',
  'majority',
  'signature',
  'ownersParticipation',
  'ownersOrdinary',
  'ownersMajor',
] as const;

const rule = (id: string, zh: string, en: string, logic: unknown, description?: LocalizedText): RuleDef => ({
  id,
  name: t(zh, en),
  ...(description ? { description } : {}),
  logic,
});

const ownersBoth = (op: '>' | '>=', area: string, headcount: string, areaShare: string, headcountShare: string) => ({
  and: [
    { [op]: [v(areaShare), v(`coordination.ownersVote.${area}`)] },
    { [op]: [v(headcountShare), v(`coordination.ownersVote.${headcount}`)] },
  ],
});

/**
 * The default coordination rules. A policy without `coordination.rules` (or without one of them) gets these.
 *
 * @example
 * DEFAULT_COORDINATION_RULES.quorum.logic; // { '>=': [{ var: 'meeting.requiredPresent' }, { var: 'coordination.quorum' }] }
 */
export const DEFAULT_COORDINATION_RULES: Readonly<Record<CoordinationRuleKey, RuleDef>> = {
  notice: rule(
    'cr-notice',
    '会议提前通知',
    'meeting notice given',
    { '>=': [v('meeting.noticeDays'), v('coordination.noticeDays')] },
    t('会议须至少提前规定天数通知各方', 'A meeting is announced at least the required days ahead'),
  ),
  confirmation: rule('cr-confirmation', '确认参会', 'attendance confirmed', {
    and: [{ in: [v('party.code'), v('meeting.expected')] }, { '!': v('party.confirmed') }],
  }),
  attendance: rule(
    'cr-attendance',
    '到会登记',
    'presence recorded',
    {
      and: [
        { in: [v('party.code'), v('meeting.expected')] },
        { '!': v('party.present') },
        { '<=': [v('meeting.hoursToStart'), 1] },
      ],
    },
    t('应邀的一方到会签到，会前一小时起可登记', 'An expected party signs in, from one hour before the meeting'),
  ),
  meetingTime: rule('cr-meeting-time', '会议时间已到', 'meeting time reached', {
    '<=': [v('meeting.hoursToStart'), 0],
  }),
  quorum: rule('cr-quorum', '到会方达到法定数', 'quorum of required parties present', {
    '>=': [v('meeting.requiredPresent'), v('coordination.quorum')],
  }),
  consensus: rule('cr-consensus', '各方协商一致', 'consensus of the parties', {
    '>=': [v('votes.yesShare'), 100],
  }),
  majority: rule('cr-majority', '多数方同意', 'majority of the parties', { '>': [v('votes.yesShare'), 50] }),
  signature: rule('cr-signature', '到会方签署会议纪要', 'an attending party signs the minutes', {
    and: [{ in: [v('party.code'), v('meeting.present')] }, { '!': v('party.signed') }],
  }),
  ownersParticipation: rule(
    'cr-owners-participation',
    '业主参与表决人数和面积达到要求',
    'owners’ participation reached',
    ownersBoth(
      '>=',
      'participationByArea',
      'participationByHeadcount',
      'vote.participatingAreaShare',
      'vote.participatingOwnersShare',
    ),
    t(
      '民法典第二百七十八条：参与表决的专有部分面积和人数均达到规定比例',
      'Civil Code art. 278: participation by area and by headcount',
    ),
  ),
  ownersOrdinary: rule(
    'cr-owners-ordinary',
    '业主大会表决通过（一般事项）',
    'owners’ vote passed (ordinary matter)',
    ownersBoth('>', 'ordinaryByArea', 'ordinaryByHeadcount', 'vote.yesAreaShare', 'vote.yesOwnersShare'),
    t(
      '民法典第二百七十八条：经参与表决面积过半数且人数过半数同意',
      'Civil Code art. 278: more than half of the voters by area and by headcount',
    ),
  ),
  ownersMajor: rule(
    'cr-owners-major',
    '业主大会表决通过（重大事项）',
    'owners’ vote passed (major matter)',
    ownersBoth('>=', 'majorByArea', 'majorByHeadcount', 'vote.yesAreaShare', 'vote.yesOwnersShare'),
    t(
      '民法典第二百七十八条：经参与表决面积四分之三以上且人数四分之三以上同意',
      'Civil Code art. 278: three quarters of the voters by area and by headcount',
    ),
  ),
};

/**
 * The facts the coordination rules read, with the words explanations use.
 *
 * @example
 * coordinationFacts()['vote.yesAreaShare'].label.zh; // '同意的专有部分面积占参与表决面积'
 */
export function coordinationFacts(): FactDictionary {
  const percent = (zh: string, en: string) => fact('number', zh, en, 'percent');
  return {
    'party.code': fact('string', '该方', 'the party'),
    'party.confirmed': fact('boolean', '该方已确认参会', 'the party has confirmed'),
    'party.present': fact('boolean', '该方已登记到会', 'the party is recorded present'),
    'party.signed': fact('boolean', '该方已签字', 'the party has signed'),
    'meeting.expected': fact('string[]', '应到各方', 'the parties expected'),
    'meeting.present': fact('string[]', '到会各方', 'the parties present'),
    'meeting.noticeDays': fact('number', '提前通知天数', 'the notice given', 'days'),
    'meeting.hoursToStart': fact('number', '距会议开始', 'the time to the meeting', 'hours'),
    'meeting.requiredPresent': fact('number', '到会的必到方', 'required parties present', 'count'),
    'coordination.noticeDays': fact('number', '规定的通知天数', 'the notice required', 'days'),
    'coordination.quorum': fact('number', '法定到会方数', 'the quorum', 'count'),
    'votes.voters': fact('number', '表决方', 'parties voting', 'count'),
    'votes.yes': fact('number', '同意方', 'parties in favour', 'count'),
    'votes.yesShare': percent('同意方占表决方', 'parties in favour, of those voting'),
    'vote.participatingAreaShare': percent('参与表决的专有部分面积占总面积', 'floor area voting, of the total'),
    'vote.participatingOwnersShare': percent('参与表决人数占业主总人数', 'owners voting, of all owners'),
    'vote.yesAreaShare': percent('同意的专有部分面积占参与表决面积', 'floor area in favour, of the area voting'),
    'vote.yesOwnersShare': percent('同意人数占参与表决人数', 'owners in favour, of those voting'),
    'coordination.ownersVote.participationByArea': percent('规定的参与面积比例', 'the participation required by area'),
    'coordination.ownersVote.participationByHeadcount': percent(
      '规定的参与人数比例',
      'the participation required by headcount',
    ),
    'coordination.ownersVote.ordinaryByArea': percent('一般事项面积比例', 'the ordinary threshold by area'),
    'coordination.ownersVote.ordinaryByHeadcount': percent('一般事项人数比例', 'the ordinary threshold by headcount'),
    'coordination.ownersVote.majorByArea': percent('重大事项面积比例', 'the major-matter threshold by area'),
    'coordination.ownersVote.majorByHeadcount': percent('重大事项人数比例', 'the major-matter threshold by headcount'),
  };
}
