import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import { judgeOwnersVote, type OwnersVoteTotals } from './index.js';
import { withCoordination, start, toNoConsensus } from './machine.fixtures.js';

describe('propertyCoordination: owners’ assembly vote (voteValid, votePassed)', () => {
  const coordination = createDefaultPolicy().coordination;
  // 300 owners, 30 000 m²: two thirds is 200 owners / 20 000 m² exactly.
  const base: OwnersVoteTotals = {
    totalArea: 30_000,
    totalOwners: 300,
    participatingArea: 20_000,
    participatingOwners: 200,
    yesArea: 10_001,
    yesOwners: 101,
  };

  const cases: { name: string; matter: string; totals: Partial<OwnersVoteTotals>; passed: boolean }[] = [
    {
      name: 'ordinary: participation exactly 2/3 both ways, yes just over half both ways',
      matter: 'parking',
      totals: {},
      passed: true,
    },
    {
      name: 'ordinary: 2/3 by area met but headcount one short',
      matter: 'parking',
      totals: { participatingOwners: 199 },
      passed: false,
    },
    {
      name: 'ordinary: 2/3 by headcount met but area one m² short',
      matter: 'parking',
      totals: { participatingArea: 19_999 },
      passed: false,
    },
    {
      name: 'ordinary: yes exactly half by area (not more than half)',
      matter: 'parking',
      totals: { yesArea: 10_000 },
      passed: false,
    },
    { name: 'ordinary: yes exactly half by headcount', matter: 'parking', totals: { yesOwners: 100 }, passed: false },
    {
      name: 'major: yes exactly 3/4 both ways',
      matter: 'repair_funds_raise',
      totals: { yesArea: 15_000, yesOwners: 150 },
      passed: true,
    },
    {
      name: 'major: 3/4 by area but headcount one short',
      matter: 'repair_funds_raise',
      totals: { yesArea: 15_000, yesOwners: 149 },
      passed: false,
    },
    {
      name: 'major: 3/4 by headcount but area one m² short',
      matter: 'rebuilding',
      totals: { yesArea: 14_999, yesOwners: 150 },
      passed: false,
    },
    { name: 'major: an ordinary majority is not enough', matter: 'public_rooms', totals: {}, passed: false },
    {
      name: 'two of three owners is two thirds (no floating-point loss)',
      matter: 'parking',
      totals: { totalArea: 3, totalOwners: 3, participatingArea: 2, participatingOwners: 2, yesArea: 2, yesOwners: 2 },
      passed: true,
    },
  ];

  for (const c of cases) {
    it(`${c.passed ? 'passes' : 'fails'} — ${c.name}`, () => {
      const totals = { ...base, ...c.totals };
      expect(judgeOwnersVote(coordination, c.matter, totals).passed).toBe(c.passed);
      const d = start({ matterType: c.matter });
      toNoConsensus(d);
      d.send('matter.escalate.vote');
      expect(d.state).toBe('voting');
      d.send('matter.vote.record', totals);
      expect(d.state).toBe(c.passed ? 'implementation' : 'closed');
      expect(d.context.ownersVote).toMatchObject({
        passed: c.passed,
        major: coordination.ownersVote.majorMatters.includes(c.matter),
      });
      if (!c.passed) expect(d.context.outcome).toBe('rejected');
    });
  }

  it('refuses inconsistent totals and stays voting', () => {
    const d = start();
    toNoConsensus(d);
    d.send('matter.escalate.vote');
    expect(d.send('matter.vote.record', { ...base, yesOwners: 201 }).changed).toBe(false);
    expect(d.send('matter.vote.record', { ...base, participatingArea: 30_001 }).changed).toBe(false);
    expect(
      d.send('matter.vote.record', { ...base, totalOwners: 0, participatingOwners: 0, yesOwners: 0 }).changed,
    ).toBe(false);
    expect(d.state).toBe('voting');
  });

  it('reads the thresholds from the policy', () => {
    const policy = withCoordination({ ownersVote: { ...coordination.ownersVote, participationByHeadcount: 0.5 } });
    expect(
      judgeOwnersVote(policy.coordination, 'parking', { ...base, participatingOwners: 150, yesOwners: 76 }).passed,
    ).toBe(true);
    expect(judgeOwnersVote(coordination, 'parking', { ...base, participatingOwners: 150, yesOwners: 76 }).passed).toBe(
      false,
    );
  });
});
