import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import { explainDecision } from '../../runtime/explainHistory.js';
import { DAY, T0, type Driver, start, toDeliberation, toNoConsensus } from './machine.fixtures.js';

describe('propertyCoordination: every check is a policy rule, explained with its values (finding 3)', () => {
  const explain = (d: Driver, locale: 'zh' | 'en') =>
    d.decisions.filter((x) => !x.result).map((x) => explainDecision(x, d.policy, locale));

  it('explains a notice that is too short with the days given and required', () => {
    const d = start();
    d.send('matter.triage.consult');
    d.send('matter.preconsult.done');
    expect(d.send('matter.meeting.schedule', { meetingAt: T0 + 2 * DAY }).changed).toBe(false);
    expect(d.decisions).toEqual([
      {
        rule: 'coordination.notice',
        inputs: { 'meeting.noticeDays': 2, 'coordination.noticeDays': 3 },
        result: false,
      },
    ]);
    expect(explain(d, 'zh')[0]).toContain('提前通知天数 2 天');
    expect(explain(d, 'zh')[0]).toContain('3 天');
    expect(explain(d, 'en')[0]).toContain('meeting notice given');
  });

  it('records the consensus check with the votes it counted', () => {
    const d = start({ matterType: 'property_fees' });
    toDeliberation(d);
    const r = d.send('matter.resolution.adopt', {
      decision: '物业费上调5%',
      votes: { community: 'yes', owners_committee: 'yes', property_company: 'no' },
    });
    expect(r.changed).toBe(false);
    expect(r.decisions).toEqual([
      { rule: 'coordination.consensus', inputs: { 'votes.yesShare': 66.666667 }, result: false },
    ]);
    expect(explain(d, 'zh')[0]).toBe('“各方协商一致”不成立：同意方占表决方 66.67%，未达到 100%');
  });

  it('explains an owners’ vote on raising repair funds that missed three quarters by area', () => {
    const d = start({ matterType: 'repair_funds_raise' });
    toNoConsensus(d);
    d.send('matter.escalate.vote');
    d.send('matter.vote.record', {
      totalArea: 10000,
      totalOwners: 100,
      participatingArea: 8000,
      participatingOwners: 80,
      yesArea: 5600,
      yesOwners: 64,
    });
    expect(d.state).toBe('closed');
    expect(d.context.outcome).toBe('rejected');
    expect(d.decisions.map((x) => [x.rule, x.result])).toEqual([
      ['coordination.ownersParticipation', true],
      ['coordination.ownersMajor', false],
    ]);
    expect(d.decisions[1]!.inputs).toMatchObject({
      'vote.yesAreaShare': 70,
      'coordination.ownersVote.majorByArea': 75,
    });
    const [zh] = explain(d, 'zh');
    expect(zh).toContain('业主大会表决通过（重大事项）');
    expect(zh).toContain('同意的专有部分面积占参与表决面积 70%');
    expect(zh).toContain('75%');
    expect(explain(d, 'en')[0]).toContain('floor area in favour, of the area voting 70%');
  });

  it('reads a rule the policy changed: a quorum rule of “two parties” holds with two present', () => {
    const policy = createDefaultPolicy();
    const quorumOfTwo = {
      id: 'cr-quorum',
      name: { zh: '两方到会即可', en: 'two parties suffice' },
      logic: { '>=': [{ var: 'meeting.requiredPresent' }, 2] },
    };
    const d = start({
      policy: { ...policy, coordination: { ...policy.coordination, rules: { quorum: quorumOfTwo } } },
    });
    toDeliberation(d, ['community', 'owners_committee']);
    expect(d.decisions.find((x) => x.rule === 'coordination.quorum')?.result).toBe(true);
  });
});
