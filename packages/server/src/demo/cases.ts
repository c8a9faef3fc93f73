import { DEMO_COMPOUNDS, DEMO_GRIDS, pointInCompound, pointInGrid, type DemoGrid } from './org.js';
import { DAY, HOUR, MINUTE, officeHours, type Random } from './random.js';
import type { MatterPlan, MatterStoryDef } from './matters.js';
import type { EvaluationPlan, GridPlan, GridStoryDef, Pace, Rating } from './stories.js';
import {
  DEPARTMENT_CATEGORIES,
  FEEDBACK,
  GIVEN,
  GRID_CATEGORIES,
  MATTERS,
  SURNAMES,
  TEMPLATES,
  place,
} from './texts.js';
import type { DemoPeople, DemoUser } from './users.js';

/*
 * The catalogue of demo cases: a fixed set of scenarios that puts cases in every state of the three processes
 * (each handling step at grid, community, street, department and district level; returns, extensions, parking,
 * whistles, verification failures, redo, appeals, notices, exclusions; property matters at every stage), then
 * ordinary cases — mostly handled, closed, rated and archived — until the requested number of cases is reached.
 * Recent cases are still open; older ones are closed, as in a real district.
 */

type Source = 'patrol' | 'walk_in' | 'hotline' | 'platform' | 'app';
/** When a story starts: in the last day (open work), a week or two ago, or one to three months ago. */
type When = 'now' | 'recent' | 'mid' | 'old';

const QUICK: Pace = {
  file: [5, 60],
  sign: [5, 40],
  contact: [10, 60],
  start: [5, 60],
  work: [60, 420],
  verify: [30, 240],
  office: false,
};
const OFFICE: Pace = {
  file: [10, 180],
  sign: [5, 55],
  contact: [10, 100],
  start: [10, 120],
  work: [180, 1500],
  verify: [60, 600],
  office: true,
};
const EMERGENCY: Pace = {
  file: [2, 10],
  sign: [2, 8],
  contact: [3, 10],
  start: [1, 5],
  work: [20, 50],
  verify: [30, 120],
  office: false,
};
const UTILITIES: Pace = {
  file: [5, 30],
  sign: [5, 30],
  contact: [5, 30],
  start: [5, 30],
  work: [60, 540],
  verify: [60, 300],
  office: false,
};

/** Options of {@link buildStories}. */
export interface CatalogueOptions {
  now: number;
  random: Random;
  people: DemoPeople;
  /** About how many cases (of all processes) to create; the fixed scenarios come first whatever the number. */
  cases: number;
}

interface GridSpec {
  name: string;
  when: When;
  category: string;
  source?: Source;
  urgency?: string;
  grid?: DemoGrid;
  /** Start at this time instead of one picked for `when`. */
  at?: number;
  /** Road damage of this many square metres (50 or more goes to housing). */
  area?: number;
  plan: Omit<GridPlan, 'pace' | 'feedback'> & { feedback?: string };
}

/** The stories of the demo, in no particular order (the simulation orders them by time). */
export function buildStories(options: CatalogueOptions): {
  grid: GridStoryDef[];
  matters: MatterStoryDef[];
  expectedCases: number;
} {
  const { now, random, people } = options;
  const grid: GridStoryDef[] = [];
  const matters: MatterStoryDef[] = [];
  let expected = 0;
  let citizens = 0;
  let appReports = 0;

  const startOf = (when: When, source: Source | undefined): number => {
    switch (when) {
      case 'now':
        return now - random.int(3 * 60, 10 * 60) * MINUTE;
      case 'recent':
        return now - random.int(20 * 60, 30 * 60) * MINUTE;
      case 'mid':
        return office(now - random.int(8 * 24, 16 * 24) * HOUR, source);
      case 'old':
        return office(now - random.int(25 * 24, 88 * 24) * HOUR, source);
    }
  };
  const office = (at: number, source: Source | undefined): number =>
    source === 'hotline' || source === 'platform' ? at : officeHours(at, random);
  const citizen = (): { id: string; name: string; phone: string } => {
    citizens += 1;
    return {
      id: `citizen-${String(citizens).padStart(4, '0')}`,
      name: `${random.pick(SURNAMES)}${random.pick(GIVEN)}`,
      phone: `1${random.pick(['38', '39', '58', '59', '87', '88', '77', '36'])}${String(random.int(0, 99_999_999)).padStart(8, '0')}`,
    };
  };

  const addGrid = (spec: GridSpec): GridStoryDef => {
    // A property dispute happens in a compound: in the grid of one.
    // One compound picked once (picking inside find drew a new compound per grid, and could match none).
    const compoundGrid = (): DemoGrid => {
      const compound = random.pick(DEMO_COMPOUNDS);
      return DEMO_GRIDS.find((x) => x.id === compound.grid)!;
    };
    const g = spec.grid ?? (spec.category === 'property_dispute' ? compoundGrid() : random.pick(DEMO_GRIDS));
    const template = TEMPLATES[spec.category];
    if (template === undefined) throw new Error(`no template for ${spec.category}`);
    const needsReporter = spec.plan.evaluation !== undefined;
    const source: Source =
      spec.source ??
      (needsReporter
        ? random.weighted<Source>([
            ['hotline', 5],
            ['app', 2],
            ['walk_in', 2],
            ['platform', 1],
          ])
        : random.weighted<Source>([
            ['patrol', 4],
            ['hotline', 3],
            ['app', 1],
            ['walk_in', 2],
          ]));
    const where =
      spec.category === 'property_dispute'
        ? (DEMO_COMPOUNDS.find((x) => x.grid === g.id)?.name.zh ?? '锦绣花园')
        : place(random, g);
    const title = random.pick(template.titles);
    const attributes = template.attributes(random, where);
    if (spec.area !== undefined) attributes.area_m2 = spec.area;
    const compound = DEMO_COMPOUNDS.find((x) => x.grid === g.id && where.startsWith(x.name.zh));
    let submitter: DemoUser;
    let reporter: Record<string, string>;
    if (source === 'app') {
      // In turn, so every demo resident has matters of their own.
      const resident = people.residents[appReports++ % people.residents.length]!;
      submitter = resident;
      reporter = { id: resident.id, name: resident.name, phone: `1390527${resident.id.slice(-2).padStart(4, '0')}` };
    } else if (source === 'hotline' || source === 'platform') {
      submitter = people.hotline;
      reporter = citizen();
    } else if (source === 'walk_in') {
      submitter = random.chance(0.5) ? people.gridWorker(g.id) : people.communityStaff(g.community);
      reporter = { ...citizen(), address: where };
    } else {
      submitter = people.gridWorker(g.id);
      reporter = {};
    }
    const anonymous = !needsReporter && source !== 'app' && template.anonymous && random.chance(0.15);
    if (anonymous) reporter = {};
    const urgency = spec.urgency;
    const pace =
      spec.category === 'emergency_incident'
        ? EMERGENCY
        : spec.category === 'utilities_fault'
          ? UTILITIES
          : spec.when === 'now' || spec.when === 'recent'
            ? QUICK
            : OFFICE;
    const def: GridStoryDef = {
      name: spec.name,
      start: spec.at ?? startOf(spec.when, source),
      submitter,
      input: {
        category: spec.category,
        ...(urgency ? { urgency } : {}),
        title,
        description: template.describe(title, where),
        source,
        anonymous,
        reporter,
        location: compound ? pointInCompound(compound, random) : pointInGrid(g, random),
        units: { grid: g.id, community: g.community, street: g.street, ...(compound ? { compound: compound.id } : {}) },
        attributes,
      },
      plan: { ...spec.plan, feedback: spec.plan.feedback ?? FEEDBACK[spec.category] ?? '已处理完毕', pace },
    };
    grid.push(def);
    // Closing opens an evaluation for the reporter and one per summoned department; closing after a redo, again.
    const closes =
      (def.plan.stop === 'archived' || def.plan.stop === 'evaluating' ? 1 : 0) *
      (def.plan.evaluation?.kind === 'redo' ? 2 : 1);
    expected += 1 + closes * ((reporter.id ? 1 : 0) + (def.plan.whistle?.departments.length ?? 0));
    return def;
  };
  const many = (n: number, make: (i: number) => GridSpec): void => {
    for (let i = 0; i < n; i++) addGrid(make(i));
  };
  const gridCat = (): string => random.pick(GRID_CATEGORIES);
  const deptCat = (): string => random.pick(DEPARTMENT_CATEGORIES);
  const rated = (rating: Rating = 'satisfied'): EvaluationPlan => ({
    kind: 'rated',
    rating,
    solved: rating !== 'unsatisfied',
    byResident: random.chance(0.3),
  });

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
  const extension = (outcome: 'approve' | 'deny' | 'pending') => ({
    duration: 'P3D',
    reason: '需等待施工单位进场，申请延期 3 个工作日',
    outcome,
  });
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

  // Property matters at every stage.
  const addMatter = (
    name: string,
    when: When | 'long',
    plan: Omit<MatterPlan, 'office'>,
    matterType?: string,
  ): void => {
    const x = random.pick(DEMO_COMPOUNDS);
    const type = matterType ?? random.pick(Object.keys(MATTERS));
    const [title, description] = random.pick(MATTERS[type]!);
    const resident = people.residents.find((r) => r.units.includes(`compound:${x.id}`));
    const raiser = random.weighted<DemoUser>([
      [resident ?? people.ownersCommittee(x.id), 3],
      [people.ownersCommittee(x.id), 2],
      [people.propertyCompany(x.id), 1],
      [people.communityStaff(x.community), 1],
    ]);
    const start =
      when === 'long'
        ? officeHours(now - random.int(60 * 24, 85 * 24) * HOUR, random)
        : when === 'old'
          ? officeHours(now - random.int(30 * 24, 45 * 24) * HOUR, random)
          : startOf(when, undefined);
    matters.push({
      name,
      start,
      raiser,
      compound: { id: x.id, name: x.name.zh, households: x.households, community: x.community, street: x.street },
      input: {
        compoundId: x.id,
        communityId: x.community,
        streetId: x.street,
        gridId: x.grid,
        matterType: type,
        title,
        description,
        location: pointInCompound(x, random),
      },
      plan: { ...plan, office: when !== 'now' && when !== 'recent' },
    });
    expected += 1 + (plan.escalate === 'street' ? 1 : 0);
  };
  const action = (
    party: 'property_company' | 'owners_committee' | 'community',
    title: string,
    done = true,
    late = false,
  ) => ({ party, title, done, late });
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
  for (let i = 0; expected < options.cases; i++) {
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
  return { grid, matters, expectedCases: expected };
}
