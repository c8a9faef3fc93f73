import { commandMatches } from '@gridflow/core/policy';
import { createDefaultPolicy, SYSTEM_ACTOR, type Actor, type CaseRecord, type CaseSummary } from '@gridflow/core';
import type { ServerContext } from '../context.js';
import { noiseReport, parkingMatter } from './harness.js';

/**
 * Cases in the state a command needs, for the HTTP suites (the authorisation matrix above all). They are prepared
 * through the runtime (the system actor, or a fixture actor where a rule looks at who acts), then the command
 * under test goes through HTTP. Not a test file itself.
 */

/** A case ready for one command: its id, version and summary, and a valid input for the command. */
export interface Fixture {
  caseId: string;
  version: number;
  summary: CaseSummary;
  input: Record<string, unknown>;
}

/** A verifier who is neither the system nor any test actor (rule `verifierAllowed`: not the handler). */
const VERIFIER: Actor = { id: 'u-fixture-verifier', roles: ['street_dispatcher'], units: ['street:s-01'] };
const ASSESSOR: Actor = { id: 'u-fixture-assessor', roles: ['assessor'], units: [] };
const DAY = 86_400_000;

/** Every unit a fixture case belongs to, so each role's in-scope actor can see it. */
export const FIXTURE_UNITS = [
  'grid:g-01',
  'community:c-01',
  'street:s-01',
  'compound:x-01',
  'department:urban_management',
];

type Step = [type: string, input?: Record<string, unknown>, actor?: Actor];

async function drive(
  ctx: ServerContext,
  tenant: string,
  record: CaseRecord,
  steps: readonly Step[],
): Promise<CaseRecord> {
  const runtime = await ctx.runtimeFor(tenant);
  let current = record;
  for (const [type, input, actor] of steps) {
    current = await runtime.send(current.id, { type, input: input ?? {} }, { actor: actor ?? SYSTEM_ACTOR, tenant });
  }
  return current;
}

async function submit(
  ctx: ServerContext,
  tenant: string,
  process: string,
  input: Record<string, unknown>,
): Promise<CaseRecord> {
  const runtime = await ctx.runtimeFor(tenant);
  return runtime.submit({ process, input, actor: SYSTEM_ACTOR, tenant });
}

const fixture = (record: CaseRecord, input: Record<string, unknown> = {}): Fixture => ({
  caseId: record.id,
  version: record.version,
  summary: record.summary,
  input,
});

/** A grid case of compound x-01 in triage. */
export const gridInTriage = (ctx: ServerContext, tenant: string) =>
  submit(
    ctx,
    tenant,
    'gridEscalation',
    noiseReport({ units: { grid: 'g-01', community: 'c-01', street: 's-01', compound: 'x-01' } }),
  );

const defaultRows = createDefaultPolicy().permissions;

/**
 * The level the default policy limits `role` to for `command`, if it does: handling commands belong to the unit
 * that holds the order (a grid worker signs at grid level).
 */
export function holderLevel(role: string, command: string): string | undefined {
  return defaultRows.find((r) => r.role === role && commandMatches(r.command, command) && r.levels)?.levels?.[0];
}

/**
 * Filed and dispatched to urban management: every role's unit is in the case. With `holder`, then dispatched on to
 * the level at which that role may give that command, when the policy limits it to one.
 */
async function dispatched(
  ctx: ServerContext,
  tenant: string,
  extra: readonly Step[] = [],
  holder?: { role: string; command: string },
): Promise<CaseRecord> {
  const c = await gridInTriage(ctx, tenant);
  const found = holder && holderLevel(holder.role, holder.command);
  // The first dispatch already puts the case at department level (urban management's).
  const level = found === 'department' ? undefined : found;
  return drive(ctx, tenant, c, [
    ['case.triage.file'],
    ['case.dispatch', { level: 'department', department: 'urban_management' }],
    ...(level ? [['case.dispatch', { level }] satisfies Step] : []),
    ...extra,
  ]);
}

const working: Step[] = [['case.sign'], ['case.contact', { method: 'phone' }], ['case.start']];
const atStreet: Step[] = [['case.dispatch', { level: 'street' }], ...working];

type Recipe = (ctx: ServerContext, tenant: string, role: string) => Promise<Fixture>;

/** Grid-escalation recipes by command. */
const gridRecipes: Record<string, Recipe> = {
  'case.triage.file': async (ctx, t) => fixture(await gridInTriage(ctx, t), {}),
  'case.triage.cancel': async (ctx, t) => fixture(await gridInTriage(ctx, t), { reason: '重复上报' }),
  'case.triage.merge': async (ctx, t) => {
    const original = await gridInTriage(ctx, t);
    return fixture(await gridInTriage(ctx, t), { caseId: original.id });
  },
  'case.dispatch': async (ctx, t) => fixture(await dispatched(ctx, t), { level: 'community' }),
  'case.sign': async (ctx, t, role) => fixture(await dispatched(ctx, t, [], { role, command: 'case.sign' })),
  'case.contact': async (ctx, t, role) =>
    fixture(await dispatched(ctx, t, [['case.sign']], { role, command: 'case.contact' }), { method: 'phone' }),
  'case.start': async (ctx, t, role) =>
    fixture(
      await dispatched(ctx, t, [['case.sign'], ['case.contact', { method: 'visit' }]], {
        role,
        command: 'case.start',
      }),
    ),
  'case.return': async (ctx, t, role) =>
    fixture(await dispatched(ctx, t, [], { role, command: 'case.return' }), {
      reason: 'wrong_locality',
      note: '不属于本单位辖区',
    }),
  'case.return.accept': async (ctx, t) =>
    fixture(await dispatched(ctx, t, [['case.return', { reason: 'unclear_ownership', note: '权属不清' }]])),
  'case.return.overrule': async (ctx, t) =>
    fixture(await dispatched(ctx, t, [['case.return', { reason: 'unclear_ownership', note: '权属不清' }]]), {
      note: '属地明确，须承办',
    }),
  'case.extension.request': async (ctx, t, role) =>
    fixture(await dispatched(ctx, t, working, { role, command: 'case.extension.request' }), {
      duration: 'P2D',
      reason: '需要协调施工方',
    }),
  'case.extension.approve': async (ctx, t) =>
    fixture(
      await dispatched(ctx, t, [...working, ['case.extension.request', { duration: 'P2D', reason: '协调中' }]]),
      {},
    ),
  'case.extension.deny': async (ctx, t) =>
    fixture(await dispatched(ctx, t, [...working, ['case.extension.request', { duration: 'P2D', reason: '协调中' }]]), {
      note: '不予延期',
    }),
  'case.park': async (ctx, t) => fixture(await dispatched(ctx, t, working), { reason: '待上级政策' }),
  'case.remind': async (ctx, t) => fixture(await dispatched(ctx, t), { note: '请尽快处理' }),
  'case.whistle': async (ctx, t) =>
    fixture(await dispatched(ctx, t, atStreet), { kind: 'routine', departments: ['housing'] }),
  'case.checkin': async (ctx, t) =>
    fixture(
      await dispatched(ctx, t, [...atStreet, ['case.whistle', { kind: 'tough', departments: ['urban_management'] }]]),
      { department: 'urban_management' },
    ),
  'case.department.done': async (ctx, t) =>
    fixture(
      await dispatched(ctx, t, [
        ...atStreet,
        ['case.whistle', { kind: 'tough', departments: ['urban_management'] }],
        ['case.checkin', { department: 'urban_management' }],
      ]),
      { department: 'urban_management', note: '已拆除' },
    ),
  'case.feedback': async (ctx, t, role) =>
    fixture(await dispatched(ctx, t, working, { role, command: 'case.feedback' }), {
      note: '已协调停工',
      resolved: true,
    }),
  'case.verify.pass': async (ctx, t) =>
    fixture(await dispatched(ctx, t, [...working, ['case.feedback', { note: '已处理' }]])),
  'case.verify.fail': async (ctx, t) =>
    fixture(await dispatched(ctx, t, [...working, ['case.feedback', { note: '已处理' }]]), { note: '现场仍有噪声' }),
  'case.close': async (ctx, t) =>
    fixture(
      await dispatched(ctx, t, [...working, ['case.feedback', { note: '已处理' }], ['case.verify.pass', {}, VERIFIER]]),
    ),
  'case.archive': async (ctx, t) =>
    fixture(
      await dispatched(ctx, t, [
        ...working,
        ['case.feedback', { note: '已处理' }],
        ['case.verify.pass', {}, VERIFIER],
        ['case.close'],
      ]),
    ),
  'case.escalate': async (ctx, t) => {
    const c = await gridInTriage(ctx, t);
    // At the grid level (a department has no level above it), after a detour through urban management so its liaison sees it.
    return fixture(
      await drive(ctx, t, c, [
        ['case.triage.file'],
        ['case.dispatch', { level: 'department', department: 'urban_management' }],
        ['case.dispatch', { level: 'grid' }],
      ]),
      { reason: '网格无法解决' },
    );
  },
};

/** The rated unit of an evaluation, chosen so the appealing role belongs to it (an appeal needs that). */
const ratedUnitFor = (role: string): string =>
  ({
    community_secretary: 'community:c-01',
    street_leader: 'street:s-01',
    department_liaison: 'department:urban_management',
  })[role] ?? 'grid:g-01';

/**
 * The rated unit of an evaluation to be rated: the grid, which none of the rating roles belongs to (rule
 * `raterAllowed`: nobody rates their own unit; a leader or secretary of the street still sees it by scope).
 */
const RATED_BY_OTHERS = 'grid:g-01';

async function evaluation(
  ctx: ServerContext,
  tenant: string,
  role: string,
  steps: readonly Step[] = [],
  unit: string = ratedUnitFor(role),
): Promise<CaseRecord> {
  const subject = await gridInTriage(ctx, tenant);
  const e = await submit(ctx, tenant, 'appealEvaluation', {
    subjectCaseId: subject.id,
    subjectProcess: 'gridEscalation',
    evaluatorKind: 'resident',
    evaluatorId: 'u-resident',
    reporterId: 'u-resident',
    unit,
    subjectUnits: FIXTURE_UNITS.filter((u) => u !== unit),
  });
  return drive(ctx, tenant, e, steps);
}

const ratedUnsatisfied: Step = [
  'evaluation.rate',
  { rating: 'unsatisfied', solved: false, reason: 'not_solved', controllable: false },
];

const evaluationRecipes: Record<string, Recipe> = {
  'evaluation.rate': async (ctx, t, role) =>
    fixture(await evaluation(ctx, t, role, [], RATED_BY_OTHERS), {
      rating: 'basically_satisfied',
      solved: true,
      comment: '还行',
    }),
  'evaluation.revisit.attempt': async (ctx, t, role) =>
    fixture(await evaluation(ctx, t, role), { channel: 'phone', reached: false }),
  'evaluation.revisit.unreachable': async (ctx, t, role) =>
    fixture(
      await evaluation(ctx, t, role, [['evaluation.revisit.attempt', { channel: 'sms', reached: false }, VERIFIER]]),
      { note: '三次未接' },
    ),
  'evaluation.appeal': async (ctx, t, role) =>
    fixture(await evaluation(ctx, t, role, [ratedUnsatisfied]), { reason: '诉求超出职责范围' }),
  'evaluation.appeal.decide': async (ctx, t) =>
    fixture(
      await evaluation(ctx, t, 'community_secretary', [
        ratedUnsatisfied,
        [
          'evaluation.appeal',
          { reason: '不合理' },
          { id: 'u-fx', roles: ['community_secretary'], units: ['community:c-01'] },
        ],
      ]),
      { upheld: false, note: '维持原评价' },
    ),
  'evaluation.exclusion.request': async (ctx, t, role) =>
    fixture(await evaluation(ctx, t, role), { reason: '不属于受理范围' }),
  'evaluation.exclusion.approve': async (ctx, t, role) =>
    fixture(await evaluation(ctx, t, role, [['evaluation.exclusion.request', { reason: '不合理诉求' }]]), {
      approved: true,
    }),
  'evaluation.notice.propose': async (ctx, t, role) =>
    fixture(await evaluation(ctx, t, role, [ratedUnsatisfied]), { reason: '无正当理由未整改' }),
  'evaluation.notice.approve': async (ctx, t, role) =>
    fixture(
      await evaluation(ctx, t, role, [ratedUnsatisfied, ['evaluation.notice.propose', { reason: '未整改' }, ASSESSOR]]),
      { approved: true },
    ),
};

async function matter(ctx: ServerContext, tenant: string, steps: readonly Step[]): Promise<CaseRecord> {
  const m = await submit(ctx, tenant, 'propertyCoordination', parkingMatter());
  return drive(ctx, tenant, m, steps);
}

/** The party a role confirms, attends or signs for (its own; the community for roles of no party). */
const partyOf = (role: string): string =>
  ({
    property_company: 'property_company',
    owners_committee: 'owners_committee',
    department_liaison: 'department:urban_management',
  })[role] ?? 'community';

const PARTIES = ['community', 'owners_committee', 'property_company'];
/** Who is present at a fixture meeting: the three parties and the invited department. */
const PRESENT = [...PARTIES, 'department:urban_management'];
const consult: Step[] = [['matter.triage.consult'], ['matter.preconsult.done']];
/** Scheduled with urban management invited (so its liaison is in the matter), confirmed by nobody yet. */
const scheduled = (ctx: ServerContext): Step[] => [
  ...consult,
  ['matter.meeting.schedule', { meetingAt: ctx.clock.now() + 4 * DAY, invited: ['department:urban_management'] }],
];

/**
 * A matter whose meeting is now: scheduled with the least notice the policy allows, then the server clock (demo
 * mode) moves forward to the meeting time — a meeting cannot be held, nor presence recorded, much earlier.
 */
async function meetingNow(ctx: ServerContext, tenant: string, steps: readonly Step[] = []): Promise<CaseRecord> {
  const notice = createDefaultPolicy().coordination.noticeDays * DAY;
  const m = await matter(ctx, tenant, [
    ...consult,
    ['matter.meeting.schedule', { meetingAt: ctx.clock.now() + notice, invited: ['department:urban_management'] }],
  ]);
  ctx.clock.advance(notice);
  return drive(ctx, tenant, m, steps);
}

const present: Step[] = PRESENT.map((party): Step => ['matter.meeting.attend', { party }]);
const held: Step[] = [...present, ['matter.meeting.hold']];
const noConsensus: Step[] = [...held, ['matter.no_consensus', { reason: '分歧较大' }]];
const adopted: Step[] = [
  ...held,
  [
    'matter.resolution.adopt',
    { decision: '按楼栋摇号分配', votes: { community: 'yes', owners_committee: 'yes', property_company: 'yes' } },
  ],
];
const implementing: Step[] = [...adopted, ...PRESENT.map((party): Step => ['matter.resolution.sign', { party }])];
const actionsDone: Step[] = [
  ...implementing,
  ['matter.action.add', { id: 'a-0', party: 'property_company', title: '张贴告示' }],
  ['matter.action.done', { id: 'a-0' }],
];

const matterRecipes: Record<string, Recipe> = {
  'matter.triage.routine': async (ctx, t) => fixture(await matter(ctx, t, []), { note: '物业常规维修' }),
  'matter.triage.consult': async (ctx, t) => fixture(await matter(ctx, t, [])),
  'matter.preconsult.done': async (ctx, t) => fixture(await matter(ctx, t, [['matter.triage.consult']])),
  'matter.meeting.schedule': async (ctx, t) =>
    fixture(await matter(ctx, t, consult), { meetingAt: ctx.clock.now() + 5 * DAY, place: '社区会议室' }),
  'matter.meeting.confirm': async (ctx, t, role) =>
    fixture(await matter(ctx, t, scheduled(ctx)), { party: partyOf(role) }),
  'matter.meeting.attend': async (ctx, t, role) => fixture(await meetingNow(ctx, t), { party: partyOf(role) }),
  'matter.meeting.hold': async (ctx, t) => fixture(await meetingNow(ctx, t, present)),
  'matter.resolution.adopt': async (ctx, t) =>
    fixture(await meetingNow(ctx, t, held), {
      decision: '同意',
      votes: { community: 'yes', owners_committee: 'yes', property_company: 'no' },
    }),
  'matter.resolution.sign': async (ctx, t, role) =>
    fixture(await meetingNow(ctx, t, adopted), {
      party: PRESENT.includes(partyOf(role)) ? partyOf(role) : 'community',
    }),
  'matter.no_consensus': async (ctx, t) => fixture(await meetingNow(ctx, t, held), { reason: '物业不同意' }),
  'matter.escalate.street': async (ctx, t) =>
    fixture(await meetingNow(ctx, t, noConsensus), { reason: '提请街道协调' }),
  'matter.escalate.mediation': async (ctx, t) =>
    fixture(await meetingNow(ctx, t, noConsensus), { reason: '转人民调解' }),
  'matter.escalate.vote': async (ctx, t) => fixture(await meetingNow(ctx, t, noConsensus), {}),
  'matter.vote.record': async (ctx, t) =>
    fixture(await meetingNow(ctx, t, [...noConsensus, ['matter.escalate.vote']]), {
      totalArea: 10000,
      totalOwners: 100,
      participatingArea: 8000,
      participatingOwners: 80,
      yesArea: 7000,
      yesOwners: 70,
    }),
  'matter.action.add': async (ctx, t) =>
    fixture(await meetingNow(ctx, t, implementing), { id: 'a-1', party: 'property_company', title: '重新划线' }),
  // The item belongs to the property company: only it completes it.
  'matter.action.done': async (ctx, t) =>
    fixture(
      await meetingNow(ctx, t, [
        ...implementing,
        ['matter.action.add', { id: 'a-1', party: 'property_company', title: '重新划线' }],
      ]),
      { id: 'a-1' },
    ),
  'matter.publicise': async (ctx, t) => fixture(await meetingNow(ctx, t, actionsDone), { note: '公示七天' }),
  'matter.verify': async (ctx, t) =>
    fixture(await meetingNow(ctx, t, [...actionsDone, ['matter.publicise']]), { passed: true }),
  'matter.close': async (ctx, t) =>
    fixture(await meetingNow(ctx, t, [...noConsensus, ['matter.escalate.mediation']]), { note: '调解成功' }),
};

/**
 * The parties a command of these recipes is given as (the specification the authorisation matrix checks the
 * server against): the `party` it names, the convener's when it records another's presence with a reason, the
 * owner of the action item it completes (the recipes' items all belong to the property company).
 */
export function recipeParties(command: string, input: Record<string, unknown>): string[] {
  if (command === 'matter.meeting.confirm' || command === 'matter.resolution.sign') return [String(input.party)];
  if (command === 'matter.meeting.attend') return input.reason ? ['community'] : [String(input.party)];
  if (command === 'matter.action.done') return ['property_company'];
  return [];
}

/** A recipe for every user command of the built-in processes. */
export const recipes: Readonly<Record<string, Recipe>> = { ...gridRecipes, ...evaluationRecipes, ...matterRecipes };
