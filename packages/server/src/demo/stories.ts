import type { CaseRecord } from '@gridflow/core';
import type { GridEscalationContext } from '@gridflow/core/processes';
import { DAY, HOUR, MINUTE, officeHours, type Random } from './random.js';
import type { SimulationApi, Story } from './simulation.js';
import type { EvaluationPlan, GridPlan, GridStoryDef, Level, Rating } from './gridPlan.js';
import type { DemoPeople, DemoUser } from './users.js';

/*
 * How the demo cases are played: one story per case, acting as the people of the demo district would — the grid
 * worker signs and handles, the community files and verifies, the street leader whistles, approves extensions and
 * parks, departments check in — until the case reaches the state its plan asks for. Stories read the case before
 * every step, so deadlines that fire on the way (late signing, escalation on breach, public notice) are taken in
 * their stride: a case escalated by its deadline is simply handled one level up.
 */

const RANK: Record<string, number> = { grid: 0, community: 1, street: 2, district: 3 };

interface Memo {
  returned: boolean;
  extended: boolean;
  parked: boolean;
  whistled: boolean;
  verifyFailed: boolean;
  target: { level: Level; department?: string } | undefined;
}

/** Context of the story helpers. */
export interface StoryEnv {
  sim: SimulationApi;
  people: DemoPeople;
  random: Random;
}

/** A time `[min, max]` minutes after now, kept to office hours when the pace asks for it. */
export function later(env: StoryEnv, range: readonly [number, number], office: boolean): number {
  const at = env.sim.now() + env.random.int(range[0], range[1]) * MINUTE;
  return office ? officeHours(at, env.random) : at;
}

const contextOf = (c: CaseRecord): GridEscalationContext => c.snapshot.context as unknown as GridEscalationContext;

/** The person acting for the level that holds the case. */
function handlerOf(env: StoryEnv, ctx: GridEscalationContext): DemoUser {
  const u = ctx.request.units;
  switch (ctx.level) {
    case 'grid':
      return env.people.gridWorker(u.grid);
    case 'community':
      return env.people.communityStaff(u.community);
    case 'department':
      return env.people.liaison(ctx.department ?? '');
    default:
      // The street and the district fallback (兜底) are worked by the street's dispatch centre.
      return env.people.dispatcher(u.street);
  }
}

/** Who passes the case one level up. */
function escalatorOf(env: StoryEnv, ctx: GridEscalationContext): DemoUser {
  const u = ctx.request.units;
  if (ctx.level === 'grid') return env.people.gridWorker(u.grid);
  if (ctx.level === 'community') return env.people.secretary(u.community);
  return env.people.dispatcher(u.street);
}

/** Someone other than the handler (核查人回避). */
function verifierOf(env: StoryEnv, ctx: GridEscalationContext): DemoUser {
  const u = ctx.request.units;
  const staff = env.people.communityStaff(u.community);
  return staff.id === ctx.handlerId ? env.people.secretary(u.community) : staff;
}

function atTarget(ctx: GridEscalationContext, want: { level: Level; department?: string } | undefined): boolean {
  if (want === undefined) return true;
  if (want.level === 'department')
    return ctx.level === 'department' && (want.department === undefined || ctx.department === want.department);
  if (ctx.level === 'department' || ctx.level === null) return false;
  return (RANK[ctx.level] ?? 0) >= (RANK[want.level] ?? 0);
}

/**
 * Plays a grid case from its current state until the plan's stop (or until the case is closed and awaits its
 * evaluation). Returns the last record.
 */
export async function* driveGrid(
  env: StoryEnv,
  caseId: string,
  plan: GridPlan,
): AsyncGenerator<number, CaseRecord, void> {
  const { sim, people } = env;
  const memo: Memo = {
    returned: false,
    extended: false,
    parked: false,
    whistled: false,
    verifyFailed: false,
    target:
      plan.handleAt === undefined
        ? undefined
        : { level: plan.handleAt, ...(plan.department ? { department: plan.department } : {}) },
  };
  const pace = plan.pace;
  const wait = (range: readonly [number, number]): number => later(env, range, pace.office);
  for (let step = 0; step < 120; step++) {
    const c = await sim.get(caseId);
    const ctx = contextOf(c);
    const units = ctx.request.units;
    const state = c.state;
    const send = (type: string, input: Record<string, unknown>, actor: DemoUser) =>
      sim.send(caseId, type, input, actor);
    if (state === 'evaluating' || state === 'archived' || state === 'cancelled' || state === 'merged') return c;
    const breaches = ctx.escalations.filter((e) => e.reason === 'breach').length;
    const waitingForBreach = (plan.breaches ?? 0) > breaches;
    // A whistle stop is decided below, once the departments have checked in as far as the plan says.
    if (
      state === plan.stop &&
      state !== 'handling.whistle' &&
      !waitingForBreach &&
      (!state.startsWith('handling') || atTarget(ctx, memo.target))
    ) {
      // Some stops wait for a step first (a return or an extension still to be asked for).
      const pendingFlow =
        (state === 'handling.working' &&
          ((plan.extension && !memo.extended) || (plan.park && !memo.parked) || (plan.whistle && !memo.whistled))) ||
        (state === 'handling.signed' && plan.returnOrder && !memo.returned);
      if (!pendingFlow) return c;
    }
    const handler = handlerOf(env, ctx);

    switch (state) {
      case 'triage': {
        const staff = people.communityStaff(units.community);
        if (plan.cancel !== undefined) await send('case.triage.cancel', { reason: plan.cancel }, staff);
        else if (plan.mergeInto !== undefined) {
          const original = plan.mergeInto();
          if (original === undefined) throw new Error('the original of a duplicate does not exist');
          await send('case.triage.merge', { caseId: original, note: '与已受理案件为同一事项' }, staff);
        } else {
          const source = String((ctx.request as { source?: unknown }).source);
          const filer = source === 'hotline' || source === 'platform' ? people.dispatcher(units.street) : staff;
          await send('case.triage.file', plan.urgency ? { urgency: plan.urgency } : {}, filer);
        }
        yield wait(pace.sign);
        continue;
      }
      case 'returned': {
        const o = plan.returnOrder;
        if (o?.outcome === 'overrule') {
          await send(
            'case.return.overrule',
            { note: '经核实属于本单位职责，驳回退单，请按时办理' },
            people.leader(units.street),
          );
        } else {
          const to = o?.acceptTo ?? { level: 'street' as Level };
          await send(
            'case.return.accept',
            {
              level: to.level,
              ...(to.department ? { department: to.department } : {}),
              note: '同意退单，改派相关单位',
            },
            people.dispatcher(units.street),
          );
          memo.target = to;
        }
        yield wait(pace.sign);
        continue;
      }
      case 'verifying': {
        const verifier = verifierOf(env, ctx);
        if (plan.verifyFail !== undefined && !memo.verifyFailed) {
          memo.verifyFailed = true;
          await send('case.verify.fail', { note: plan.verifyFail }, verifier);
          yield wait(pace.work);
        } else {
          await send('case.verify.pass', { note: '现场核查，问题已处置' }, verifier);
          yield wait(pace.verify);
        }
        continue;
      }
      case 'verified': {
        const closer =
          ctx.level === 'street' || ctx.level === 'district'
            ? people.dispatcher(units.street)
            : people.communityStaff(units.community);
        await send('case.close', {}, closer);
        return await sim.get(caseId);
      }
      default:
        break;
    }

    // Handling, at some level.
    if (waitingForBreach) {
      if (state === 'handling.dispatched') await send('case.sign', {}, handler);
      else if (state === 'handling.signed') await send('case.contact', { method: 'phone' }, handler);
      else if (state === 'handling.contacted') await send('case.start', { note: '正在协调处理' }, handler);
      // Working: the level does not finish in time; its deadline will pass the case up.
      yield sim.now() + (state === 'handling.working' ? 8 * HOUR : env.random.int(20, 90) * MINUTE);
      continue;
    }
    if (!atTarget(ctx, memo.target)) {
      const want = memo.target!;
      if (want.level === 'department' || ctx.level === 'department') {
        const to =
          want.level === 'department' ? { level: 'department', department: want.department } : { level: want.level };
        await send('case.dispatch', { ...to, note: '改派至职责单位' }, people.dispatcher(units.street));
      } else if (state === 'handling.dispatched') await send('case.sign', {}, handler);
      else if (state === 'handling.signed') await send('case.contact', { method: 'visit' }, handler);
      else await send('case.escalate', { reason: '本级难以解决，提请上级协调' }, escalatorOf(env, ctx));
      yield wait(pace.contact);
      continue;
    }
    switch (state) {
      case 'handling.dispatched':
        await send('case.sign', {}, handler);
        yield wait(pace.contact);
        break;
      case 'handling.signed':
        if (plan.returnOrder && !memo.returned) {
          memo.returned = true;
          await send('case.return', { reason: plan.returnOrder.reason, note: plan.returnOrder.note }, handler);
          yield wait(pace.file);
        } else {
          await send('case.contact', { method: env.random.pick(['phone', 'phone', 'visit', 'sms']) }, handler);
          yield wait(pace.start);
        }
        break;
      case 'handling.contacted':
        await send('case.start', {}, handler);
        yield wait(pace.work);
        break;
      case 'handling.working':
        if (plan.extension && !memo.extended) {
          memo.extended = true;
          await send(
            'case.extension.request',
            { duration: plan.extension.duration, reason: plan.extension.reason },
            handler,
          );
          yield wait([30, 240]);
        } else if (plan.park && !memo.parked) {
          memo.parked = true;
          await send('case.park', { reason: plan.park.reason }, people.leader(units.street));
          yield sim.now() + plan.park.resumeAfterDays * DAY;
        } else if (plan.whistle && !memo.whistled) {
          memo.whistled = true;
          await send(
            'case.whistle',
            { kind: plan.whistle.kind, departments: plan.whistle.departments, note: plan.whistle.note },
            people.leader(units.street),
          );
          yield (
            sim.now() + (plan.whistle.kind === 'emergency' ? env.random.int(5, 20) : env.random.int(10, 35)) * MINUTE
          );
        } else {
          await send('case.feedback', { note: plan.feedback, resolved: true }, handler);
          yield wait(pace.verify);
        }
        break;
      case 'handling.extension': {
        const leader = people.leader(units.street);
        if (plan.extension?.outcome === 'deny')
          await send('case.extension.deny', { note: '理由不充分，请按原时限办结' }, leader);
        else await send('case.extension.approve', { note: '同意延期' }, leader);
        yield wait(pace.work);
        break;
      }
      case 'handling.parked':
        await send('case.start', { note: '条件具备，恢复办理' }, handler);
        yield wait(pace.work);
        break;
      case 'handling.whistle': {
        const active = ctx.summoned.filter((s) => s.round === ctx.round);
        const notIn = active.find((s) => s.checkedInAt === undefined);
        const notDone = active.find((s) => s.doneAt === undefined);
        if (plan.stop === 'handling.whistle' && plan.whistle?.until === 'summoned') return c;
        if (notIn !== undefined) {
          await send(
            'case.checkin',
            { department: notIn.department, note: '已到场' },
            people.liaison(notIn.department),
          );
          yield (
            sim.now() + (plan.whistle?.kind === 'emergency' ? env.random.int(3, 15) : env.random.int(5, 30)) * MINUTE
          );
        } else if (notDone !== undefined) {
          if (plan.stop === 'handling.whistle') return c;
          await send(
            'case.department.done',
            { department: notDone.department, note: '本部门职责范围内事项已办结' },
            people.liaison(notDone.department),
          );
          yield plan.whistle?.kind === 'emergency' ? sim.now() + env.random.int(10, 30) * MINUTE : wait(pace.work);
        } else {
          throw new Error('whistle state with every department done');
        }
        break;
      }
      case 'handling.feedback':
        await send('case.feedback', { note: plan.feedback, resolved: true }, handler);
        yield wait(pace.verify);
        break;
      default:
        throw new Error(`unexpected state ${state}`);
    }
  }
  throw new Error(`case ${caseId} did not reach ${plan.stop}`);
}

/** Gives every evaluation of a closed case still awaiting its rating the same rating, through the 12345 revisit. */
export async function rateOpenEvaluations(
  env: StoryEnv,
  caseId: string,
  rating: Rating,
  comment: string,
): Promise<void> {
  const subject = contextOf(await env.sim.get(caseId));
  for (const id of subject.evaluations ?? []) {
    const ev = await env.sim.get(id);
    if (ev.state !== 'awaitingRating') continue;
    const lowerLevel = (ev.snapshot.context as { evaluatorKind?: unknown }).evaluatorKind === 'lower_level';
    const rater = lowerLevel ? env.people.leader(subject.request.units.street) : env.people.hotline;
    if (!lowerLevel) await env.sim.send(id, 'evaluation.revisit.attempt', { channel: 'phone', reached: true }, rater);
    await env.sim.send(id, 'evaluation.rate', { rating, solved: true, comment }, rater);
  }
}

/** The unit a resident rates: the one that handled the case last (谁应谁评). */
export function ratedUnit(ctx: GridEscalationContext): string {
  const u = ctx.request.units;
  switch (ctx.level) {
    case 'grid':
      return `grid:${u.grid}`;
    case 'community':
      return `community:${u.community}`;
    case 'department':
      return `department:${ctx.department ?? ''}`;
    default:
      // The street answers for itself and for the district fallback (兜底) it works.
      return `street:${u.street}`;
  }
}

/** The member of the rated unit who may appeal or ask for an exclusion. */
function unitVoice(env: StoryEnv, unit: string, ctx: GridEscalationContext): DemoUser {
  const [kind, id = ''] = unit.split(':');
  if (kind === 'department') return env.people.liaison(id);
  if (kind === 'community' || kind === 'grid') return env.people.secretary(ctx.request.units.community);
  return env.people.leader(ctx.request.units.street);
}

/**
 * A whole grid case: submitted at the story's start, played to its stop; once closed, the street rates the
 * departments it summoned, the resident's revisit and rating follow, and the case is archived if the plan says so.
 */
export async function* gridStory(env: StoryEnv, def: GridStoryDef): Story {
  const { sim, people, random } = env;
  const created = await sim.submit('gridEscalation', def.input, def.submitter);
  def.caseId = created.id;
  yield later(env, def.plan.pace.file, def.plan.pace.office);
  let c = yield* driveGrid(env, created.id, def.plan);
  if (c.state !== 'evaluating') return;
  let ctx = contextOf(c);
  const units = ctx.request.units;
  const office = def.plan.pace.office;

  // Closing opened the evaluations (一事一评): the reporter's, and the street's of each summoned department.
  const evaluations = await Promise.all((ctx.evaluations ?? []).map((id) => sim.get(id)));
  const kindOf = (e: CaseRecord): string => String((e.snapshot.context as { evaluatorKind?: unknown }).evaluatorKind);
  const archive = def.plan.stop === 'archived';

  const departmentEvaluations = evaluations.filter((e) => kindOf(e) === 'lower_level');
  if (departmentEvaluations.length > 0 && (def.plan.rateDepartments !== undefined || archive)) {
    yield later(env, [60, 24 * 60], office);
    const leader = people.leader(units.street);
    const plan = def.plan.rateDepartments ?? { rating: 'satisfied' as const, comment: '部门按时报到，处置到位' };
    for (const ev of departmentEvaluations) {
      const department = String((ev.snapshot.context as { unit?: unknown }).unit).replace('department:', '');
      const late = ctx.summoned.some((s) => s.department === department && s.late === true);
      await sim.send(
        ev.id,
        'evaluation.rate',
        {
          rating: late ? 'basically_satisfied' : plan.rating,
          solved: true,
          controllable: false,
          comment: late ? '报到超时，处置到位' : plan.comment,
        },
        leader,
      );
    }
  }

  const reporterId = typeof def.input.reporter.id === 'string' ? def.input.reporter.id : undefined;
  // Archived cases were rated; a case closed lately may still wait for its revisit.
  const plan: EvaluationPlan | undefined =
    def.plan.evaluation ??
    (archive
      ? { kind: 'rated', rating: random.chance(0.8) ? 'satisfied' : 'basically_satisfied', solved: true }
      : undefined);
  if (plan !== undefined && reporterId !== undefined) {
    yield later(env, [20 * 60, 60 * 60], office);
    c = await sim.get(c.id);
    ctx = contextOf(c);
    const resident = people.residents.find((r) => r.id === reporterId);
    const rater = plan.kind === 'rated' && plan.byResident && resident ? resident : people.hotline;
    const ev =
      evaluations.find((e) => kindOf(e) === 'resident') ??
      (await sim.submit(
        'appealEvaluation',
        {
          subjectCaseId: c.id,
          subjectProcess: 'gridEscalation',
          evaluatorKind: 'resident',
          evaluatorId: reporterId,
          unit: ratedUnit(ctx),
          reporterId,
          subjectUnits: c.summary.units.slice(0, 10),
        },
        rater,
      ));
    const unit = String((ev.snapshot.context as { unit?: unknown }).unit);
    const rate = (input: Record<string, unknown>) => sim.send(ev.id, 'evaluation.rate', input, rater);
    const attempt = (reached: boolean) =>
      sim.send(
        ev.id,
        'evaluation.revisit.attempt',
        { channel: 'phone', reached, ...(reached ? {} : { note: '无人接听' }) },
        people.hotline,
      );
    const failed =
      plan.kind === 'pending' ? plan.failedAttempts : plan.kind === 'rated' ? (plan.failedAttempts ?? 0) : 0;
    for (let i = 0; i < failed; i++) {
      await attempt(false);
      yield sim.now() + random.int(2, 6) * HOUR;
    }
    switch (plan.kind) {
      case 'pending':
        return;
      case 'unreachable':
        for (let i = 0; i < 3; i++) {
          await attempt(false);
          if (i < 2) yield sim.now() + random.int(2, 20) * HOUR;
        }
        break;
      case 'rated':
        if (rater.id === people.hotline.id) await attempt(true);
        await rate({
          rating: plan.rating,
          solved: plan.solved,
          ...(plan.reason ? { reason: plan.reason, controllable: false } : {}),
        });
        break;
      case 'redo': {
        await attempt(true);
        await rate({
          rating: 'unsatisfied',
          solved: false,
          reason: plan.reason,
          comment: '问题没有解决，要求重新办理',
        });
        yield later(env, def.plan.pace.sign, office);
        const redoPlan: GridPlan = {
          stop: plan.final ? 'evaluating' : 'handling.working',
          feedback: '重新办理，问题已解决',
          pace: def.plan.pace,
        };
        c = yield* driveGrid(env, c.id, redoPlan);
        if (plan.final === undefined) return;
        yield later(env, [20 * 60, 48 * 60], office);
        await attempt(true);
        await rate({ rating: plan.final.rating, solved: plan.final.solved, comment: '重办后问题已解决' });
        break;
      }
      case 'appeal': {
        await attempt(true);
        await rate({
          rating: 'unsatisfied',
          solved: false,
          reason: 'beyond_scope',
          controllable: false,
          comment: '诉求未得到满足',
        });
        yield later(env, [2 * 60, 48 * 60], office);
        await sim.send(ev.id, 'evaluation.appeal', { reason: plan.reason }, unitVoice(env, unit, ctx));
        if (plan.decision === 'pending') return;
        yield later(env, [24 * 60, 96 * 60], office);
        const decide =
          plan.decision === 'rejected'
            ? { upheld: false, note: '申诉理由不成立，维持原评价' }
            : plan.decision === 'excluded'
              ? { upheld: true, note: '诉求超出职责范围，剔除该评价' }
              : {
                  upheld: true,
                  note: '经核实已解决，更正为基本满意',
                  correctedRating: 'basically_satisfied',
                  correctedSolved: true,
                };
        await sim.send(ev.id, 'evaluation.appeal.decide', decide, people.assessor);
        break;
      }
      case 'notice': {
        await attempt(true);
        await rate({
          rating: 'unsatisfied',
          solved: false,
          reason: 'no_rectification',
          controllable: false,
          comment: '多次反映未整改',
        });
        yield later(env, [24 * 60, 72 * 60], office);
        await sim.send(ev.id, 'evaluation.notice.propose', { reason: plan.reason }, people.leader(units.street));
        if (plan.decision === 'pending') return;
        yield later(env, [24 * 60, 72 * 60], office);
        await sim.send(ev.id, 'evaluation.notice.approve', { approved: true, note: '同意通报' }, people.assessor);
        break;
      }
      case 'exclusion': {
        await sim.send(ev.id, 'evaluation.exclusion.request', { reason: plan.reason }, unitVoice(env, unit, ctx));
        if (plan.decision === 'pending') return;
        yield later(env, [24 * 60, 72 * 60], office);
        await sim.send(
          ev.id,
          'evaluation.exclusion.approve',
          { approved: true, note: '经核实属不合理诉求，同意剔除' },
          people.assessor,
        );
        break;
      }
    }
  }
  if (archive) {
    yield later(env, [24 * 60, 96 * 60], office);
    await sim.send(c.id, 'case.archive', {}, people.dispatcher(units.street));
  }
}
