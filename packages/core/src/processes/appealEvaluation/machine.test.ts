import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import type { EvaluationPolicy, Policy } from '../../policy/types.js';
import type { Actor, Decision, Effect } from '../contract/types.js';
import { explainDecision } from '../../runtime/explainHistory.js';
import { appealEvaluationProcess } from './process.js';
import { countedRatingOf, isControllable, type AppealEvaluationContext } from './index.js';
import { createProcessDriver, DRIVER_DEFAULT_NOW, type ProcessDriver } from '../../testing/processDriver.js';

const HOUR = 3_600_000;
const T0 = DRIVER_DEFAULT_NOW;

const revisitor: Actor = { id: 'u-revisit', roles: ['community_staff'], units: ['community:c-01'] };
const liaison: Actor = { id: 'u-liaison', roles: ['department_liaison'], units: ['department:urban_management'] };
const otherLiaison: Actor = { id: 'u-other', roles: ['department_liaison'], units: ['department:housing'] };
const assessor: Actor = { id: 'u-assessor', roles: ['assessor'], units: ['district:d-01'] };

const residentInput = {
  subjectCaseId: 'g-case-1',
  subjectProcess: 'gridEscalation',
  evaluatorKind: 'resident',
  evaluatorId: 'r-01',
  unit: 'department:urban_management',
  reporterId: 'r-01',
  subjectUnits: ['grid:g-01', 'community:c-01', 'street:s-01'],
};

type Driver = ProcessDriver<AppealEvaluationContext>;

function withEvaluation(patch: Partial<EvaluationPolicy>): Policy {
  const policy = createDefaultPolicy();
  return { ...policy, evaluation: { ...policy.evaluation, ...patch } };
}

function start(options: { policy?: Policy; input?: Record<string, unknown> } = {}): Driver {
  const d = createProcessDriver<AppealEvaluationContext>(appealEvaluationProcess, {
    actor: revisitor,
    caseId: 'ev-1',
    ...(options.policy ? { policy: options.policy } : {}),
  });
  d.start(options.input ?? residentInput);
  return d;
}

const rate = (d: Driver, rating: string, extra: Record<string, unknown> = {}) =>
  d.send('evaluation.rate', { rating, solved: rating !== 'unsatisfied', ...extra });
const attempt = (d: Driver, reached: boolean, channel = 'phone') =>
  d.send('evaluation.revisit.attempt', { channel, reached });

/** A rated evaluation whose counted rating is unsatisfied (non-controllable reason, so no redo). */
function ratedUnsatisfied(policy?: Policy): Driver {
  const d = start(policy ? { policy } : {});
  rate(d, 'unsatisfied', { reason: 'beyond_remit', solved: false });
  expect(d.state).toBe('rated.standing');
  return d;
}

describe('appealEvaluation: a whole evaluation', () => {
  it('revisits by phone, reaches the resident on the second attempt and records a satisfied rating', () => {
    const d = start();
    expect(d.state).toBe('awaitingRating');
    expect(d.context.times.createdAt).toBe(T0);
    expect(appealEvaluationProcess.summarize(d.context, d.value)).toMatchObject({
      open: true,
      reporterId: 'r-01',
      level: 'department',
      units: ['department:urban_management', 'grid:g-01', 'community:c-01', 'street:s-01'],
    });
    attempt(d, false);
    attempt(d, true, 'sms');
    expect(d.context.validRevisit).toBe(true);
    rate(d, 'satisfied', { comment: '很及时' });
    expect(d.state).toBe('rated.standing');
    expect(d.context).toMatchObject({
      firstRating: 'satisfied',
      countedRating: 'satisfied',
      solved: true,
      validRevisit: true,
      redo: false,
      excluded: false,
    });
    expect(d.context.finalRating).toBeUndefined();
    expect(d.context.attempts.map((a) => [a.channel, a.reached])).toEqual([
      ['phone', false],
      ['sms', true],
    ]);
    expect(appealEvaluationProcess.summarize(d.context, d.value)).toMatchObject({
      open: false,
      tags: expect.arrayContaining(['rating:satisfied']),
    });
    expect(d.allEffects).toEqual([]);
  });

  it('lets a lower level rate a unit it summoned (下评上)', () => {
    const street: Actor = { id: 'u-street', roles: ['street_leader'], units: ['street:s-01'] };
    const d = start({
      input: {
        subjectCaseId: 'g-case-1',
        subjectProcess: 'gridEscalation',
        evaluatorKind: 'lower_level',
        evaluatorId: 'u-street',
        unit: 'department:urban_management',
        evaluatorUnit: 'street:s-01',
      },
    });
    d.send('evaluation.rate', { rating: 'basically_satisfied', solved: true }, { actor: street });
    expect(d.state).toBe('rated.standing');
    expect(d.context.ratings[0]).toMatchObject({ rating: 'basically_satisfied', by: 'u-street', phase: 'first' });
    expect(appealEvaluationProcess.summarize(d.context, d.value)).toMatchObject({
      units: ['department:urban_management', 'street:s-01'],
      tags: expect.arrayContaining(['evaluator:lower_level']),
    });
  });

  it('refuses a rating that is not on the policy scale (ratingValid)', () => {
    const d = start();
    expect(rate(d, 'meh').changed).toBe(false);
    expect(d.state).toBe('awaitingRating');
  });
});

describe('appealEvaluation: who may rate (canRate, rule `raterAllowed`)', () => {
  /** The resident's evaluation of the street that answered the case (谁应谁评). */
  const ofStreet = { ...residentInput, unit: 'street:s-01' };
  const resident: Actor = { id: 'r-01', roles: ['resident'], units: [] };
  const hotline: Actor = { id: 'u-12345', roles: ['external_platform'], units: [] };
  const leader: Actor = { id: 'u-leader', roles: ['street_leader'], units: ['street:s-01'] };
  const secretary: Actor = {
    id: 'u-secretary',
    roles: ['community_secretary'],
    units: ['community:c-01', 'street:s-01'],
  };
  const raterDecision = (decisions: Decision[]) => decisions.filter((x) => x.rule === 'raterAllowed');

  it('refuses a member of the rated unit, recording the rule and explaining it in both languages', () => {
    const d = start({ input: ofStreet });
    const r = d.send('evaluation.rate', { rating: 'satisfied', solved: true }, { actor: leader });
    expect(r.changed).toBe(false);
    expect(d.state).toBe('awaitingRating');
    expect(d.context.ratings).toEqual([]);
    // Both transitions of `evaluation.rate` ask; the decision is recorded once.
    expect(r.decisions).toEqual([
      {
        rule: 'raterAllowed',
        inputs: {
          'evaluation.unit': 'street:s-01',
          'actor.units': ['street:s-01'],
          'actor.id': 'u-leader',
          'evaluation.evaluatorId': 'r-01',
          'actor.roles': ['street_leader'],
        },
        result: false,
      },
    ]);
    expect(explainDecision(r.decisions[0]!, d.policy, 'zh')).toBe(
      '“评价人回避”不成立：操作人所属单位（street:s-01）包含被评价单位 street:s-01，且操作人（u-leader）与评价人（r-01）不同',
    );
    expect(explainDecision(r.decisions[0]!, d.policy, 'en')).toBe(
      '“The rated unit does not rate itself” does not apply: the actor’s units (street:s-01) contains the rated unit street:s-01, and the actor (u-leader) differs from the evaluator (r-01)',
    );
    // The community secretary belongs to the street as well.
    const s = d.send('evaluation.rate', { rating: 'satisfied', solved: true }, { actor: secretary });
    expect(s.changed).toBe(false);
    expect(raterDecision(s.decisions)).toMatchObject([{ result: false }]);
  });

  it('accepts the resident (even one living in the rated unit), the 12345 platform recording for them, and a street rating a department (下评上)', () => {
    // A directory may list a resident's home grid, community and street: they still rate their own matter.
    const neighbour: Actor = { ...resident, units: ['grid:g-01', 'community:c-01', 'street:s-01'] };
    for (const actor of [resident, neighbour, hotline]) {
      const d = start({ input: ofStreet });
      const r = d.send('evaluation.rate', { rating: 'satisfied', solved: true }, { actor });
      expect(d.state, actor.id).toBe('rated.standing');
      expect(raterDecision(r.decisions), actor.id).toMatchObject([
        {
          rule: 'raterAllowed',
          inputs: { 'evaluation.unit': 'street:s-01', 'actor.units': actor.units },
          result: true,
        },
      ]);
      expect(d.context.ratings[0]?.by).toBe(actor.id);
    }
    // Someone else of the street naming the resident's id is no help: only the resident rates as the resident.
    const impostor: Actor = { id: 'r-01', roles: ['street_leader'], units: ['street:s-01'] };
    const refused = start({ input: ofStreet }).send(
      'evaluation.rate',
      { rating: 'satisfied', solved: true },
      { actor: impostor },
    );
    expect(refused.changed).toBe(false);
    const d = start({
      input: {
        subjectCaseId: 'g-case-1',
        subjectProcess: 'gridEscalation',
        evaluatorKind: 'lower_level',
        evaluatorId: 'u-leader',
        unit: 'department:urban_management',
        evaluatorUnit: 'street:s-01',
      },
    });
    const r = d.send('evaluation.rate', { rating: 'basically_satisfied', solved: true }, { actor: leader });
    expect(d.state).toBe('rated.standing');
    expect(raterDecision(r.decisions)).toMatchObject([{ result: true }]);
    expect(explainDecision(r.decisions[0]!, d.policy, 'zh')).toBe(
      '评价人回避：操作人所属单位（street:s-01）不包含被评价单位 department:urban_management',
    );
  });

  it('guards the final rating after a redo as well', () => {
    const d = start({ input: ofStreet });
    d.send('evaluation.rate', { rating: 'unsatisfied', solved: false, reason: 'not_solved' }, { actor: resident });
    expect(d.state).toBe('redoPending');
    const r = d.send('evaluation.rate', { rating: 'satisfied', solved: true }, { actor: leader });
    expect(r.changed).toBe(false);
    expect(raterDecision(r.decisions)).toMatchObject([{ result: false }]);
    d.send('evaluation.rate', { rating: 'satisfied', solved: true }, { actor: hotline });
    expect(d.state).toBe('rated.standing');
  });

  it('applies the default rule to a policy stored without `raterAllowed`', () => {
    const policy = createDefaultPolicy();
    delete policy.rules.raterAllowed;
    const d = start({ policy, input: ofStreet });
    const r = d.send('evaluation.rate', { rating: 'satisfied', solved: true }, { actor: leader });
    expect(r.changed).toBe(false);
    expect(r.decisions).toMatchObject([{ rule: 'raterAllowed', result: false }]);
    expect(explainDecision(r.decisions[0]!, policy, 'zh')).toMatch(/^“评价人回避”不成立：/);
    d.send('evaluation.rate', { rating: 'satisfied', solved: true }, { actor: resident });
    expect(d.state).toBe('rated.standing');
  });

  it('reads the policy’s own rule: e.g. only the evaluator or the 12345 platform may rate', () => {
    const policy = createDefaultPolicy();
    policy.rules.raterAllowed = {
      id: 'rule-rater',
      name: { zh: '仅评价人本人或12345平台评价', en: 'Only the evaluator or the 12345 platform rates' },
      logic: {
        or: [
          { '==': [{ var: 'actor.id' }, { var: 'evaluation.evaluatorId' }] },
          { in: ['external_platform', { var: 'actor.roles' }] },
        ],
      },
    };
    const d = start({ policy });
    const r = d.send('evaluation.rate', { rating: 'satisfied', solved: true }, { actor: revisitor });
    expect(r.changed).toBe(false);
    expect(r.decisions[0]).toMatchObject({
      rule: 'raterAllowed',
      inputs: { 'actor.id': 'u-revisit', 'evaluation.evaluatorId': 'r-01', 'actor.roles': ['community_staff'] },
      result: false,
    });
    d.send('evaluation.rate', { rating: 'satisfied', solved: true }, { actor: hotline });
    expect(d.state).toBe('rated.standing');
  });
});

describe('appealEvaluation: redo (redoRequired, rule `redo`)', () => {
  it('sends the case back when unsatisfied for a controllable reason, and keeps both ratings', () => {
    const d = start();
    const r = rate(d, 'unsatisfied', { reason: 'not_solved' });
    expect(d.state).toBe('redoPending');
    expect(r.effects).toEqual<Effect[]>([
      {
        kind: 'command',
        caseId: 'g-case-1',
        type: 'case.reopen',
        input: { reason: 'not_solved', evaluationCaseId: 'ev-1' },
      },
    ]);
    expect(r.decisions).toEqual([
      {
        rule: 'raterAllowed',
        inputs: {
          'evaluation.unit': 'department:urban_management',
          'actor.units': ['community:c-01'],
          'actor.id': 'u-revisit',
          'evaluation.evaluatorId': 'r-01',
          'actor.roles': ['community_staff'],
        },
        result: true,
      },
      { rule: 'redo', inputs: { 'evaluation.rating': 'unsatisfied', 'evaluation.controllable': true }, result: true },
    ]);
    expect(d.context).toMatchObject({ redo: true, firstRating: 'unsatisfied', countedRating: 'unsatisfied' });
    expect(appealEvaluationProcess.summarize(d.context, d.value)).toMatchObject({
      open: true,
      tags: expect.arrayContaining(['redo']),
    });

    rate(d, 'satisfied');
    expect(d.state).toBe('rated.standing');
    expect(d.context.ratings.map((x) => [x.phase, x.rating])).toEqual([
      ['first', 'unsatisfied'],
      ['final', 'satisfied'],
    ]);
    expect(d.context).toMatchObject({
      firstRating: 'unsatisfied',
      finalRating: 'satisfied',
      countedRating: 'satisfied',
      solved: true,
      redo: true,
    });
    expect(d.allEffects).toHaveLength(1);
  });

  it('counts the first rating when the policy says so', () => {
    const d = start({ policy: withEvaluation({ ratingThatCounts: 'first' }) });
    rate(d, 'unsatisfied', { reason: 'delay' });
    rate(d, 'satisfied');
    expect(d.context).toMatchObject({
      firstRating: 'unsatisfied',
      finalRating: 'satisfied',
      countedRating: 'unsatisfied',
      solved: false,
    });
  });

  it('does not redo for a reason outside the unit’s control, nor when told it is not controllable', () => {
    const d1 = start();
    const r1 = rate(d1, 'unsatisfied', { reason: 'beyond_remit' });
    expect(d1.state).toBe('rated.standing');
    expect(r1.effects).toEqual([]);
    expect(r1.decisions.find((x) => x.rule === 'redo')?.result).toBe(false);

    const d2 = start();
    rate(d2, 'unsatisfied', { reason: 'not_solved', controllable: false });
    expect(d2.state).toBe('rated.standing');

    const d3 = start();
    rate(d3, 'unsatisfied', { reason: 'something_else', controllable: true });
    expect(d3.state).toBe('redoPending');
  });

  it('does not redo a satisfied rating, and never redoes twice', () => {
    const d = start();
    rate(d, 'basically_satisfied', { reason: 'delay' });
    expect(d.state).toBe('rated.standing');

    const again = start();
    rate(again, 'unsatisfied', { reason: 'not_solved' });
    const r = rate(again, 'unsatisfied', { reason: 'not_solved' });
    expect(again.state).toBe('rated.standing');
    expect(r.effects).toEqual([]);
    expect(again.context.countedRating).toBe('unsatisfied');
  });

  it('keeps the first rating when the requester cannot be reached after the redo', () => {
    const d = start();
    rate(d, 'unsatisfied', { reason: 'not_solved' });
    attempt(d, false);
    attempt(d, false);
    expect(d.state).toBe('redoPending');
    attempt(d, false);
    expect(d.state).toBe('rated.standing');
    expect(d.context).toMatchObject({ firstRating: 'unsatisfied', countedRating: 'unsatisfied', redo: true });
    expect(d.context.finalRating).toBeUndefined();
    expect(d.context.attempts.every((a) => a.phase === 'final')).toBe(true);
  });

  it('may record the requester as unreachable after the redo once an attempt failed', () => {
    const d = start();
    rate(d, 'unsatisfied', { reason: 'not_solved' });
    expect(d.send('evaluation.revisit.unreachable').changed).toBe(false);
    attempt(d, false);
    d.send('evaluation.revisit.unreachable');
    expect(d.state).toBe('rated.standing');
  });
});

describe('appealEvaluation: revisit attempts (attemptAllowed, exhaustsAttempts, attemptFailed)', () => {
  it('ends unreachable when the policy’s three attempts all fail', () => {
    const d = start();
    attempt(d, false);
    attempt(d, false, 'sms');
    expect(d.state).toBe('awaitingRating');
    attempt(d, false, 'app');
    expect(d.state).toBe('unreachable');
    expect(d.done).toBe(true);
    expect(d.context).toMatchObject({ validRevisit: false });
    expect(d.context.times.unreachableAt).toBe(T0);
    expect(appealEvaluationProcess.summarize(d.context, d.value).open).toBe(false);
  });

  it('reads the number of attempts from the policy', () => {
    const d = start({ policy: withEvaluation({ revisitAttempts: 1 }) });
    attempt(d, false);
    expect(d.state).toBe('unreachable');
  });

  it('does not end unreachable once the requester was reached, and refuses attempts past the limit', () => {
    const d = start();
    attempt(d, true);
    attempt(d, false);
    attempt(d, false);
    expect(d.state).toBe('awaitingRating');
    expect(attempt(d, false).changed).toBe(false);
    expect(d.send('evaluation.revisit.unreachable').changed).toBe(false);
    rate(d, 'satisfied');
    expect(d.state).toBe('rated.standing');
  });

  it('records unreachable by hand only after a failed attempt', () => {
    const d = start();
    expect(d.send('evaluation.revisit.unreachable').changed).toBe(false);
    attempt(d, false);
    d.send('evaluation.revisit.unreachable', { note: '空号' }, { at: T0 + HOUR });
    expect(d.state).toBe('unreachable');
    expect(d.context.times.unreachableAt).toBe(T0 + HOUR);
  });
});

describe('appealEvaluation: appeals (canAppeal, isAssessor, appealUpheld, hasCorrection, correctionValid)', () => {
  it('lets only the rated unit appeal, once', () => {
    const d = ratedUnsatisfied();
    expect(d.send('evaluation.appeal', { reason: '不属实' }, { actor: otherLiaison }).changed).toBe(false);
    d.send('evaluation.appeal', { reason: '诉求人要求超出政策' }, { actor: liaison });
    expect(d.state).toBe('rated.appealed');
    expect(appealEvaluationProcess.summarize(d.context, d.value)).toMatchObject({
      open: true,
      tags: expect.arrayContaining(['appeal:pending']),
    });
    d.send('evaluation.appeal.decide', { upheld: false, note: '理由不成立' }, { actor: assessor });
    expect(d.state).toBe('rated.standing');
    expect(d.send('evaluation.appeal', { reason: '再申诉' }, { actor: liaison }).changed).toBe(false);
  });

  it('needs an assessor to decide; a rejected appeal leaves the rating as it was', () => {
    const d = ratedUnsatisfied();
    d.send('evaluation.appeal', { reason: '不合理' }, { actor: liaison });
    expect(d.send('evaluation.appeal.decide', { upheld: true, note: '自己裁定' }, { actor: liaison }).changed).toBe(
      false,
    );
    d.send('evaluation.appeal.decide', { upheld: false, note: '维持' }, { actor: assessor });
    expect(d.context.appeal?.decision).toMatchObject({ upheld: false, by: 'u-assessor' });
    expect(d.context.countedRating).toBe('unsatisfied');
  });

  it('corrects the counted rating when upheld with a correction (keeping the original ratings)', () => {
    const d = ratedUnsatisfied();
    d.send('evaluation.appeal', { reason: '已解决' }, { actor: liaison });
    expect(
      d.send('evaluation.appeal.decide', { upheld: true, note: 'x', correctedRating: 'meh' }, { actor: assessor })
        .changed,
    ).toBe(false);
    d.send(
      'evaluation.appeal.decide',
      { upheld: true, note: '录音证实已解决', correctedRating: 'basically_satisfied', correctedSolved: true },
      { actor: assessor },
    );
    expect(d.state).toBe('rated.standing');
    expect(d.context).toMatchObject({ countedRating: 'basically_satisfied', solved: true, firstRating: 'unsatisfied' });
    expect(d.context.ratings.map((r) => r.rating)).toEqual(['unsatisfied']);
  });

  it('excludes the rating when upheld without a correction', () => {
    const d = ratedUnsatisfied();
    d.send('evaluation.appeal', { reason: '恶意差评' }, { actor: liaison });
    d.send('evaluation.appeal.decide', { upheld: true, note: '属恶意评价' }, { actor: assessor });
    expect(d.state).toBe('excluded');
    expect(d.done).toBe(true);
    expect(d.context.excluded).toBe(true);
  });
});

describe('appealEvaluation: exclusions (canRequestExclusion, exclusionNeedsApproval, exclusionPending, approved)', () => {
  it('needs an assessor’s approval by default; a rejection allows a new request', () => {
    const d = ratedUnsatisfied();
    d.send('evaluation.exclusion.request', { reason: '超出职责范围' }, { actor: liaison });
    expect(d.state).toBe('rated.standing');
    expect(d.context.exclusion?.status).toBe('pending');
    expect(appealEvaluationProcess.summarize(d.context, d.value)).toMatchObject({
      open: true,
      tags: expect.arrayContaining(['exclusion:pending']),
    });
    expect(d.send('evaluation.exclusion.request', { reason: '再次' }, { actor: liaison }).changed).toBe(false);
    expect(d.send('evaluation.exclusion.approve', { approved: true }, { actor: liaison }).changed).toBe(false);
    d.send('evaluation.exclusion.approve', { approved: false, note: '属职责范围' }, { actor: assessor });
    expect(d.context.exclusion?.status).toBe('rejected');
    expect(d.send('evaluation.exclusion.approve', { approved: true }, { actor: assessor }).changed).toBe(false);

    d.send('evaluation.exclusion.request', { reason: '补充材料' }, { actor: liaison });
    d.send('evaluation.exclusion.approve', { approved: true }, { actor: assessor });
    expect(d.state).toBe('excluded');
    expect(d.context).toMatchObject({ excluded: true, exclusion: { status: 'approved', decidedBy: 'u-assessor' } });
  });

  it('excludes at once when the policy needs no approval, even before a rating', () => {
    const d = start({ policy: withEvaluation({ exclusionsNeedApproval: false }) });
    d.send('evaluation.exclusion.request', { reason: '重复诉求' });
    expect(d.state).toBe('excluded');
    expect(d.context.exclusion?.status).toBe('approved');
  });

  it('may be requested while awaiting the rating', () => {
    const d = start();
    d.send('evaluation.exclusion.request', { reason: '无理诉求' });
    d.send('evaluation.exclusion.approve', { approved: true }, { actor: assessor });
    expect(d.state).toBe('excluded');
  });
});

describe('appealEvaluation: public notices (noticeEligible, noticeNeedsApproval)', () => {
  it('proposes a notice for an unsatisfied rating, published only after an assessor approves', () => {
    const d = ratedUnsatisfied();
    d.send('evaluation.notice.propose', { reason: '无正当理由未整改' });
    expect(d.state).toBe('rated.noticeProposed');
    expect(d.send('evaluation.notice.approve', { approved: true }).changed).toBe(false); // not an assessor
    d.send('evaluation.notice.approve', { approved: true, note: '同意通报' }, { actor: assessor });
    expect(d.state).toBe('rated.standing');
    expect(d.context.notice).toMatchObject({ status: 'published', decidedBy: 'u-assessor' });
    expect(d.send('evaluation.notice.propose', { reason: '再次' }).changed).toBe(false);
  });

  it('records a rejected proposal', () => {
    const d = ratedUnsatisfied();
    d.send('evaluation.notice.propose', { reason: '未整改' });
    d.send('evaluation.notice.approve', { approved: false }, { actor: assessor });
    expect(d.context.notice?.status).toBe('rejected');
  });

  it('refuses a notice when the counted rating is not unsatisfied', () => {
    const d = start();
    rate(d, 'satisfied');
    expect(d.send('evaluation.notice.propose', { reason: '?' }).changed).toBe(false);
  });

  it('publishes at once when the policy needs no approval', () => {
    const d = ratedUnsatisfied(withEvaluation({ publicNoticeNeedsApproval: false }));
    d.send('evaluation.notice.propose', { reason: '未整改' });
    expect(d.state).toBe('rated.standing');
    expect(d.context.notice?.status).toBe('published');
  });
});

describe('appealEvaluation: helpers', () => {
  const evaluation = createDefaultPolicy().evaluation;
  it('isControllable follows the given flag, else the policy’s reasons', () => {
    expect(isControllable(evaluation, 'attitude', undefined)).toBe(true);
    expect(isControllable(evaluation, 'weather', undefined)).toBe(false);
    expect(isControllable(evaluation, undefined, undefined)).toBe(false);
    expect(isControllable(evaluation, 'weather', true)).toBe(true);
  });
  it('countedRatingOf picks the first or the last rating', () => {
    const r = (rating: string) => ({
      phase: 'first' as const,
      rating,
      solved: true,
      controllable: false,
      at: 0,
      by: 'x',
    });
    expect(countedRatingOf('first', [r('a'), r('b')])?.rating).toBe('a');
    expect(countedRatingOf('final', [r('a'), r('b')])?.rating).toBe('b');
    expect(countedRatingOf('final', [])).toBeUndefined();
  });
});
