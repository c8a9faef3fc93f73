import { DEMO_COMPOUNDS, DEMO_GRIDS, pointInCompound, pointInGrid, type DemoGrid } from './org.js';
import { HOUR, MINUTE, officeHours, type Random } from './random.js';
import type { MatterPlan, MatterStoryDef } from './matters.js';
import type { EvaluationPlan, GridPlan, GridStoryDef, Pace, Rating } from './gridPlan.js';
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

export type Source = 'patrol' | 'walk_in' | 'hotline' | 'platform' | 'app';
/** When a story starts: in the last day (open work), a week or two ago, or one to three months ago. */
export type When = 'now' | 'recent' | 'mid' | 'old';

const QUICK: Pace = {
  file: [5, 60],
  sign: [5, 40],
  contact: [10, 60],
  start: [5, 60],
  work: [60, 420],
  verify: [30, 240],
  office: false,
};
export const OFFICE: Pace = {
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

export interface GridSpec {
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

/** A handling-time extension asked for (3 working days), with the answer it gets. */
export const extension = (outcome: 'approve' | 'deny' | 'pending') => ({
  duration: 'P3D',
  reason: '需等待施工单位进场，申请延期 3 个工作日',
  outcome,
});

/** The state and helpers the demo scenarios are written with (see {@link createStoryBuilder}). */
export type StoryBuilder = ReturnType<typeof createStoryBuilder>;

/**
 * The helpers of the demo catalogue over one random sequence: grid stories from a short spec (its reporter,
 * place, text and pace picked), property matters, and the count of cases the stories will make.
 *
 * @example
 * const b = createStoryBuilder({ now, random, people, cases: 400 });
 * b.many(2, (i) => ({ name: `triage-${i}`, when: 'now', category: b.gridCat(), plan: { stop: 'triage' } }));
 */
export function createStoryBuilder(options: CatalogueOptions) {
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

  return {
    now,
    random,
    people,
    grid,
    matters,
    /** The cases (and evaluations) the stories so far will make. */
    get expected() {
      return expected;
    },
    office,
    startOf,
    addGrid,
    many,
    gridCat,
    deptCat,
    rated,
    addMatter,
    action,
  };
}
