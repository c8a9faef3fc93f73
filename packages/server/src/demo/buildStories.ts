import { DAY, MINUTE } from './random.js';
import type { MatterStoryDef } from './matters.js';
import type { EvaluationPlan, GridPlan, GridStoryDef } from './gridPlan.js';
import { addGridScenarios } from './gridScenarios.js';
import { FEEDBACK } from './texts.js';
import { createStoryBuilder, extension, OFFICE, type CatalogueOptions } from './storyBuilder.js';

/*
 * The catalogue of demo cases: a fixed set of scenarios that puts cases in every state of the three processes
 * (each handling step at grid, community, street, department and district level; returns, extensions, parking,
 * whistles, verification failures, redo, appeals, notices, exclusions; property matters at every stage), then
 * ordinary cases — mostly handled, closed, rated and archived — until the requested number of cases is reached.
 * Recent cases are still open; older ones are closed, as in a real district.
 */

export type { CatalogueOptions } from './storyBuilder.js';

/** The stories of the demo, in no particular order (the simulation orders them by time). */
export function buildStories(options: CatalogueOptions): {
  grid: GridStoryDef[];
  matters: MatterStoryDef[];
  expectedCases: number;
} {
  const b = createStoryBuilder(options);
  const { now, random, grid, matters, office, addGrid, addMatter, action, rated, gridCat, deptCat } = b;
  addGridScenarios(b);

  // Property matters at every stage.
  const standard = [
    action('property_company', '制定整改方案并公示'),
    action('owners_committee', '组织业主意见征集'),
    action('community', '跟踪督办落实情况'),
  ];
  const consult = { route: 'consult' as const, outcome: 'resolution' as const, actions: standard };
  addMatter('matter-triage-0', 'now', { ...consult, stop: 'triage' });
  addMatter('matter-triage-1', 'now', { ...consult, stop: 'triage' });
  addMatter(
    'matter-work-order',
    'recent',
    { route: 'routine', outcome: 'resolution', actions: [], stop: 'workOrder' },
    'service_quality',
  );
  addMatter(
    'matter-work-order-late',
    'mid',
    { route: 'routine', routineLate: true, outcome: 'resolution', actions: [], stop: 'workOrder' },
    'service_quality',
  );
  for (let i = 0; i < 4; i++)
    addMatter(
      `matter-work-order-done-${i}`,
      'old',
      { route: 'routine', outcome: 'resolution', actions: [], stop: 'closed' },
      random.pick(['service_quality', 'property_fees']),
    );
  addMatter(
    'matter-preconsultation-0',
    'recent',
    { ...consult, route: 'routineThenConsult', stop: 'preconsultation' },
    'service_quality',
  );
  addMatter('matter-preconsultation-1', 'mid', { ...consult, stop: 'preconsultation' });
  addMatter('matter-scheduling-0', 'mid', { ...consult, stop: 'scheduling' });
  addMatter('matter-scheduling-1', 'old', { ...consult, failedMeetingFirst: true, stop: 'scheduling' });
  addMatter('matter-confirming-0', 'mid', { ...consult, stop: 'confirming', confirmations: 1 });
  addMatter('matter-confirming-1', 'mid', {
    ...consult,
    stop: 'confirming',
    confirmations: 3,
    invited: ['department:housing'],
  });
  addMatter('matter-deliberation', 'old', { ...consult, stop: 'deliberation' });
  addMatter('matter-signing-0', 'old', { ...consult, stop: 'signing', signatures: 1 });
  addMatter('matter-signing-1', 'old', { ...consult, stop: 'signing', signatures: 2 });
  addMatter('matter-no-consensus', 'old', { ...consult, outcome: 'no_consensus', stop: 'noConsensus' });
  const streetPlan = (stop: GridPlan['stop']): GridPlan => ({
    stop,
    handleAt: 'street',
    feedback: FEEDBACK.property_dispute!,
    pace: OFFICE,
  });
  addMatter(
    'matter-escalated-open',
    'old',
    {
      ...consult,
      outcome: 'no_consensus',
      escalate: 'street',
      street: streetPlan('handling.working'),
      stop: 'escalated',
    },
    'parking',
  );
  addMatter(
    'matter-escalated-closed',
    'long',
    { ...consult, outcome: 'no_consensus', escalate: 'street', street: streetPlan('archived'), stop: 'closed' },
    'property_fees',
  );
  addMatter('matter-mediation', 'old', {
    ...consult,
    outcome: 'no_consensus',
    escalate: 'mediation',
    stop: 'mediation',
  });
  addMatter('matter-mediated', 'old', { ...consult, outcome: 'no_consensus', escalate: 'mediation', stop: 'closed' });
  addMatter(
    'matter-voting',
    'old',
    { ...consult, outcome: 'no_consensus', escalate: 'vote', stop: 'voting' },
    'repair_funds_use',
  );
  addMatter(
    'matter-vote-passed',
    'long',
    { ...consult, outcome: 'no_consensus', escalate: 'vote', vote: 'passed', stop: 'closed' },
    'rebuilding',
  );
  addMatter(
    'matter-vote-rejected',
    'old',
    { ...consult, outcome: 'no_consensus', escalate: 'vote', vote: 'rejected', stop: 'closed' },
    'repair_funds_raise',
  );
  addMatter('matter-implementation-0', 'old', {
    ...consult,
    actions: [standard[0]!, { ...standard[1]!, done: false }],
    stop: 'implementation',
  });
  addMatter(
    'matter-implementation-late',
    'old',
    {
      ...consult,
      actions: [action('property_company', '限期清理违章搭建', false, true), action('community', '跟踪督办')],
      stop: 'implementation',
    },
    'illegal_structures',
  );
  addMatter('matter-implementation-2', 'old', {
    ...consult,
    invited: ['department:housing'],
    stop: 'implementation',
    actions: [action('property_company', '更换老化消防设施', false)],
  });
  addMatter('matter-publicised-0', 'old', { ...consult, stop: 'publicised' });
  addMatter('matter-publicised-1', 'old', {
    ...consult,
    actions: [action('property_company', '延期整改', true, true)],
    stop: 'publicised',
  });
  addMatter('matter-closed-0', 'long', { ...consult, stop: 'closed' });
  addMatter('matter-closed-1', 'long', { ...consult, failedMeetingFirst: true, stop: 'closed' });
  addMatter('matter-closed-2', 'long', { ...consult, invited: ['department:housing'], stop: 'closed' });
  addMatter('matter-closed-3', 'long', { ...consult, verifyFailOnce: true, stop: 'closed' });

  // Ordinary cases until the number asked for.
  for (let i = 0; b.expected < options.cases; i++) {
    // Spread over the whole period; those of the last three weeks are closed but not archived yet.
    const at = office(now - random.int(6 * 24 * 60, 88 * 24 * 60) * MINUTE, undefined);
    const recentClosure = at > now - 20 * DAY;
    const department = random.chance(0.3);
    const evaluation = random.weighted<EvaluationPlan | undefined>([
      [rated('satisfied'), 62],
      [rated('basically_satisfied'), 18],
      [{ kind: 'rated', rating: 'unsatisfied', solved: false, reason: 'policy_limit' }, 3],
      [{ kind: 'unreachable' }, 3],
      [{ kind: 'redo', reason: 'not_solved', final: { rating: 'satisfied', solved: true } }, 3],
      [undefined, 11],
    ]);
    const complication = random.weighted<Partial<GridPlan>>([
      [{}, 70],
      [{ extension: extension('approve') }, 8],
      [{ breaches: 1 }, 8],
      [{ verifyFail: '核查未通过，整改不到位' }, 6],
      [{ handleAt: 'community' }, 8],
    ]);
    addGrid({
      name: `ordinary-${i}`,
      when: 'old',
      at,
      category: department ? deptCat() : gridCat(),
      plan: {
        ...(department && complication.handleAt ? {} : complication),
        stop: recentClosure ? 'evaluating' : 'archived',
        ...(evaluation ? { evaluation } : {}),
      },
    });
  }
  return { grid, matters, expectedCases: b.expected };
}
