import { DEMO_GRIDS } from './org.js';
import { MINUTE } from './random.js';
import type { EvaluationPlan } from './gridPlan.js';
import { extension, type GridSpec, type StoryBuilder } from './storyBuilder.js';

/**
 * The fixed grid-escalation scenarios of the demo: cases in every state of the process (each handling step at
 * grid, community, street, department and district level; returns, extensions, parking, whistles, verification
 * failures, redo, appeals, notices, exclusions), open, closed and archived.
 */
export function addGridScenarios(b: StoryBuilder): void {
  const { random, addGrid, many, gridCat, deptCat, rated } = b;
  // Open work: every handling step at every level.
  many(5, (i) => ({ name: `triage-${i}`, when: 'now', category: gridCat(), plan: { stop: 'triage' } }));
  many(3, (i) => ({
    name: `dispatched-grid-${i}`,
    when: 'now',
    category: gridCat(),
    plan: { stop: 'handling.dispatched' },
  }));
  many(2, (i) => ({
    name: `dispatched-department-${i}`,
    when: 'now',
    category: deptCat(),
    plan: { stop: 'handling.dispatched' },
  }));
  many(1, () => ({
    name: 'dispatched-community',
    when: 'now',
    category: 'property_dispute',
    plan: { stop: 'handling.dispatched' },
  }));
  many(2, (i) => ({ name: `signed-grid-${i}`, when: 'now', category: gridCat(), plan: { stop: 'handling.signed' } }));
  many(1, () => ({ name: 'signed-department', when: 'now', category: deptCat(), plan: { stop: 'handling.signed' } }));
  many(1, () => ({
    name: 'signed-street',
    when: 'now',
    category: 'neighbour_dispute',
    source: 'hotline',
    urgency: 'complex',
    plan: { stop: 'handling.signed' },
  }));
  many(2, (i) => ({
    name: `contacted-grid-${i}`,
    when: 'recent',
    category: gridCat(),
    plan: { stop: 'handling.contacted' },
  }));
  many(1, () => ({
    name: 'contacted-community',
    when: 'recent',
    category: 'property_dispute',
    plan: { stop: 'handling.contacted' },
  }));
  many(3, (i) => ({
    name: `working-grid-${i}`,
    when: 'recent',
    category: gridCat(),
    plan: { stop: 'handling.working' },
  }));
  many(2, (i) => ({
    name: `working-community-${i}`,
    when: 'recent',
    category: gridCat(),
    plan: { stop: 'handling.working', handleAt: 'community' },
  }));
  many(2, (i) => ({
    name: `working-street-${i}`,
    when: 'recent',
    category: gridCat(),
    plan: { stop: 'handling.working', handleAt: 'street' },
  }));
  many(3, (i) => ({
    name: `working-department-${i}`,
    when: 'recent',
    category: deptCat(),
    plan: { stop: 'handling.working' },
  }));
  many(1, () => ({
    name: 'working-district',
    when: 'recent',
    category: 'unclear_jurisdiction',
    plan: { stop: 'handling.working' },
  }));
  many(1, () => ({
    name: 'extension-grid',
    when: 'recent',
    category: gridCat(),
    plan: { stop: 'handling.extension', extension: extension('pending') },
  }));
  many(2, (i) => ({
    name: `extension-department-${i}`,
    when: 'recent',
    category: deptCat(),
    plan: { stop: 'handling.extension', extension: extension('pending') },
  }));
  const park = { reason: '涉及历史遗留问题，需纳入明年改造计划统筹解决', resumeAfterDays: 0 };
  many(2, (i) => ({
    name: `parked-street-${i}`,
    when: 'mid',
    category: gridCat(),
    plan: { stop: 'handling.parked', handleAt: 'street', park },
  }));
  many(1, () => ({
    name: 'parked-department',
    when: 'old',
    category: 'illegal_construction',
    plan: { stop: 'handling.parked', park },
  }));
  const teams = [
    ['urban_management', 'housing'],
    ['market_regulation', 'public_security'],
    ['urban_management', 'fire', 'utilities'],
  ];
  // `team` picks the departments: the open whistles take each team in turn, so every department demo user has a
  // summons to answer now; closed ones pick at random.
  const whistle = (until?: 'summoned' | 'checkedIn', team?: number) => ({
    kind: random.pick(['routine', 'tough'] as const),
    departments: team === undefined ? random.pick(teams) : teams[team % teams.length]!,
    note: '多部门联合处置',
    ...(until ? { until } : {}),
  });
  many(1, () => ({
    name: 'whistle-summoned',
    when: 'recent',
    category: 'neighbour_dispute',
    source: 'hotline',
    urgency: 'complex',
    plan: { stop: 'handling.whistle', whistle: whistle('summoned', 2) },
  }));
  many(2, (i) => ({
    name: `whistle-checked-in-${i}`,
    when: 'recent',
    category: gridCat(),
    plan: { stop: 'handling.whistle', handleAt: 'street', whistle: whistle('checkedIn', i) },
  }));
  many(2, (i) => ({
    name: `whistle-feedback-${i}`,
    when: 'recent',
    category: gridCat(),
    plan: { stop: 'handling.feedback', handleAt: 'street', whistle: whistle(undefined, i + 1) },
  }));
  const wrongLocality = { reason: 'wrong_locality' as const, note: '经现场核实，该点位不属于本单位管辖范围' };
  many(2, (i) => ({
    name: `returned-department-${i}`,
    when: 'recent',
    category: deptCat(),
    plan: { stop: 'returned', returnOrder: { ...wrongLocality, outcome: 'pending' } },
  }));
  many(1, () => ({
    name: 'returned-grid',
    when: 'mid',
    category: gridCat(),
    plan: {
      stop: 'returned',
      returnOrder: { reason: 'overlapping_duties', note: '该事项涉及多个部门职责，网格无法处置', outcome: 'pending' },
    },
  }));
  many(4, (i) => ({
    name: `verifying-${i}`,
    when: 'recent',
    category: i % 2 ? deptCat() : gridCat(),
    plan: { stop: 'verifying' },
  }));
  many(3, (i) => ({ name: `verified-${i}`, when: 'recent', category: gridCat(), plan: { stop: 'verified' } }));
  many(3, (i) => ({
    name: `overdue-district-${i}`,
    when: 'old',
    category: gridCat(),
    plan: { stop: 'handling.working', breaches: 3 },
  }));

  // Closed, awaiting or under evaluation.
  // The first three are the demo residents' own matters, so each of them has a rating to give.
  many(6, (i) => ({
    name: `evaluation-pending-${i}`,
    when: 'mid',
    ...(i < 3 ? { source: 'app' as const } : {}),
    category: i % 3 ? gridCat() : deptCat(),
    plan: { stop: 'evaluating', evaluation: { kind: 'pending', failedAttempts: i % 3 } },
  }));
  many(3, (i) => ({
    name: `redo-under-way-${i}`,
    when: 'mid',
    category: gridCat(),
    plan: { stop: 'evaluating', evaluation: { kind: 'redo', reason: 'not_solved' } },
  }));
  many(2, (i) => ({
    name: `appeal-pending-${i}`,
    when: 'mid',
    category: deptCat(),
    plan: {
      stop: 'evaluating',
      evaluation: { kind: 'appeal', reason: '诉求人要求超出法定职责范围，已依法答复', decision: 'pending' },
    },
  }));
  many(1, () => ({
    name: 'notice-pending',
    when: 'mid',
    category: deptCat(),
    plan: {
      stop: 'evaluating',
      evaluation: { kind: 'notice', reason: '多次反映未整改到位，建议通报', decision: 'pending' },
    },
  }));
  many(1, () => ({
    name: 'exclusion-pending',
    when: 'mid',
    category: deptCat(),
    plan: {
      stop: 'evaluating',
      evaluation: { kind: 'exclusion', reason: '诉求人要求赔偿超出政策规定，属不合理诉求', decision: 'pending' },
    },
  }));

  // History: closed and archived, with every complication.
  const archived = (plan: Omit<GridSpec['plan'], 'stop'>): GridSpec['plan'] => ({ ...plan, stop: 'archived' });
  many(3, (i) => ({
    name: `return-accepted-${i}`,
    when: 'old',
    category: 'road_damage',
    area: 60 + i * 25,
    plan: archived({
      returnOrder: {
        reason: 'overlapping_duties',
        note: '该路段养护属城管部门职责',
        outcome: 'accept',
        acceptTo: { level: 'department', department: 'urban_management' },
      },
      evaluation: rated(),
    }),
  }));
  many(2, (i) => ({
    name: `return-overruled-${i}`,
    when: 'old',
    category: deptCat(),
    plan: archived({
      returnOrder: { ...wrongLocality, outcome: 'overrule' },
      evaluation: rated('basically_satisfied'),
    }),
  }));
  many(3, (i) => ({
    name: `extension-approved-${i}`,
    when: 'old',
    category: i ? deptCat() : gridCat(),
    plan: archived({ extension: extension('approve'), evaluation: rated() }),
  }));
  many(2, (i) => ({
    name: `extension-denied-${i}`,
    when: 'old',
    category: deptCat(),
    plan: archived({ extension: extension('deny'), evaluation: rated('basically_satisfied') }),
  }));
  many(3, (i) => ({
    name: `verify-failed-${i}`,
    when: 'old',
    category: gridCat(),
    plan: archived({ verifyFail: '现场核查发现问题未彻底解决，退回重新处置', evaluation: rated() }),
  }));
  many(4, (i) => ({
    name: `breached-once-${i}`,
    when: 'old',
    category: gridCat(),
    plan: archived({ breaches: 1, evaluation: rated(i % 2 ? 'basically_satisfied' : 'satisfied') }),
  }));
  many(2, (i) => ({
    name: `breached-twice-${i}`,
    when: 'old',
    category: gridCat(),
    plan: archived({ breaches: 2, evaluation: rated('basically_satisfied') }),
  }));
  many(4, (i) => ({
    name: `whistle-closed-${i}`,
    when: 'old',
    category: gridCat(),
    plan: archived({
      handleAt: 'street',
      whistle: whistle(),
      rateDepartments: { rating: 'satisfied', comment: '部门按时报到，配合积极' },
      evaluation: rated(),
    }),
  }));
  many(2, (i) => ({
    name: `emergency-${i}`,
    when: 'old',
    category: 'emergency_incident',
    plan: archived({
      whistle: { kind: 'emergency', departments: ['fire', 'public_security'], note: '应急哨：消防、公安立即到场' },
      rateDepartments: { rating: 'satisfied', comment: '应急响应迅速' },
      evaluation: rated(),
    }),
  }));
  many(4, (i) => ({
    name: `utilities-${i}`,
    when: 'old',
    category: 'utilities_fault',
    plan: archived({ evaluation: rated(i === 3 ? 'basically_satisfied' : 'satisfied') }),
  }));
  many(2, (i) => ({
    name: `parked-resumed-${i}`,
    when: 'old',
    category: 'illegal_construction',
    plan: archived({
      park: { reason: '当事人外出，待其返回后再行处置', resumeAfterDays: 6 + i * 4 },
      evaluation: rated('basically_satisfied'),
    }),
  }));
  many(2, (i) => ({
    name: `district-${i}`,
    when: 'old',
    category: 'unclear_jurisdiction',
    plan: archived({ evaluation: rated('basically_satisfied') }),
  }));
  many(4, (i) => ({
    name: `redo-${i}`,
    when: 'old',
    category: gridCat(),
    plan: archived({
      evaluation: {
        kind: 'redo',
        reason: i % 2 ? 'not_solved' : 'delay',
        final: { rating: i === 3 ? 'basically_satisfied' : 'satisfied', solved: true },
      },
    }),
  }));
  many(3, (i) => ({
    name: `unreachable-${i}`,
    when: 'old',
    category: gridCat(),
    plan: archived({ evaluation: { kind: 'unreachable' } }),
  }));
  many(2, (i) => ({
    name: `unsatisfied-${i}`,
    when: 'old',
    category: gridCat(),
    plan: archived({ evaluation: { kind: 'rated', rating: 'unsatisfied', solved: false, reason: 'policy_limit' } }),
  }));
  const appeal = (decision: 'rejected' | 'excluded' | 'corrected'): EvaluationPlan => ({
    kind: 'appeal',
    reason: '已按规定办结并答复，诉求人要求超出职责范围',
    decision,
  });
  many(2, (i) => ({
    name: `appeal-rejected-${i}`,
    when: 'old',
    category: deptCat(),
    plan: archived({ evaluation: appeal('rejected') }),
  }));
  many(1, () => ({
    name: 'appeal-excluded',
    when: 'old',
    category: deptCat(),
    plan: archived({ evaluation: appeal('excluded') }),
  }));
  many(1, () => ({
    name: 'appeal-corrected',
    when: 'old',
    category: deptCat(),
    plan: archived({ evaluation: appeal('corrected') }),
  }));
  many(1, () => ({
    name: 'appeal-community',
    when: 'old',
    category: 'property_dispute',
    plan: archived({ evaluation: appeal('rejected') }),
  }));
  many(2, (i) => ({
    name: `notice-approved-${i}`,
    when: 'old',
    category: deptCat(),
    plan: archived({
      evaluation: { kind: 'notice', reason: '群众反映强烈，整改不力，予以通报', decision: 'approved' },
    }),
  }));
  many(1, () => ({
    name: 'exclusion-approved',
    when: 'old',
    category: gridCat(),
    plan: archived({
      evaluation: { kind: 'exclusion', reason: '诉求人反映事项已进入司法程序，不属受理范围', decision: 'approved' },
    }),
  }));
  const cancelReasons = [
    '重复上报，信息不全无法核实',
    '非本辖区事项，已告知诉求人向属地反映',
    '经核实为恶意举报',
    '诉求人主动撤回',
  ];
  many(6, (i) => ({
    name: `cancelled-${i}`,
    when: i < 2 ? 'mid' : 'old',
    category: gridCat(),
    plan: { stop: 'cancelled', cancel: cancelReasons[i % cancelReasons.length]! },
  }));
  for (let i = 0; i < 5; i++) {
    const original = addGrid({
      name: `duplicate-original-${i}`,
      when: 'old',
      category: gridCat(),
      plan: archived({ evaluation: rated() }),
    });
    const duplicate = addGrid({
      name: `duplicate-${i}`,
      when: 'old',
      category: String(original.input.category),
      grid: DEMO_GRIDS.find((g) => g.id === original.input.units.grid)!,
      plan: { stop: 'merged', mergeInto: () => original.caseId },
    });
    duplicate.start = original.start + random.int(60, 300) * MINUTE;
  }

  // Every grid holds an order of its own waiting to be signed: its grid worker has something to do on first login
  // (handling commands belong to the unit that holds the order).
  for (const g of DEMO_GRIDS) {
    addGrid({
      name: `to-sign-${g.id}`,
      when: 'now',
      category: gridCat(),
      grid: g,
      plan: { stop: 'handling.dispatched' },
    });
  }
}
