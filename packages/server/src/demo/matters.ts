import type { PropertyCoordinationContext } from '@gridflow/core/processes';
import { DAY, HOUR, MINUTE } from './random.js';
import type { Story } from './simulation.js';
import type { GridPlan } from './gridPlan.js';
import { driveGrid, later, rateOpenEvaluations, type StoryEnv } from './stories.js';
import type { DemoUser } from './users.js';

/*
 * How the demo's property matters (三方联动, Process 2) are played: raised in a compound, triaged by the community,
 * a routine work order for the property company or a three-party consultation — meeting, resolution and signed
 * minutes, or no consensus and escalation (street, mediation, owners' vote) — then action items, publicity,
 * verification and closure.
 */

/** Where a matter's story stops: a state of the property coordination process. */
export type MatterStop =
  | 'triage'
  | 'workOrder'
  | 'preconsultation'
  | 'scheduling'
  | 'confirming'
  | 'deliberation'
  | 'signing'
  | 'noConsensus'
  | 'escalated'
  | 'mediation'
  | 'voting'
  | 'implementation'
  | 'publicised'
  | 'closed';

type Party = 'community' | 'owners_committee' | 'property_company';

/** The plan of a matter's story. */
export interface MatterPlan {
  stop: MatterStop;
  route: 'routine' | 'consult' | 'routineThenConsult';
  /** The routine work order runs past its due date before the property company finishes it. */
  routineLate?: boolean;
  /** The N invited units (`department:housing`…). */
  invited?: string[];
  /** The first meeting misses its quorum and is rescheduled. */
  failedMeetingFirst?: boolean;
  /** With `stop: 'confirming'`: how many parties have confirmed. */
  confirmations?: number;
  outcome: 'resolution' | 'no_consensus';
  /** With `stop: 'signing'`: how many parties have signed. */
  signatures?: number;
  escalate?: 'street' | 'mediation' | 'vote';
  vote?: 'passed' | 'rejected';
  /** The street-level grid case an escalation to the street creates. */
  street?: GridPlan;
  /** Action items: who, what, whether done by the end, whether late. */
  actions: { party: Party; title: string; done: boolean; late?: boolean }[];
  verifyFailOnce?: boolean;
  office: boolean;
}

/** A matter to play. */
export interface MatterStoryDef {
  name: string;
  start: number;
  raiser: DemoUser;
  compound: { id: string; name: string; households: number; community: string; street: string };
  input: Record<string, unknown> & { matterType: string };
  plan: MatterPlan;
  caseId?: string;
}

const REQUIRED: readonly Party[] = ['community', 'owners_committee', 'property_company'];
const MAJORITY_TYPES = new Set(['parking', 'public_rooms', 'repair_funds_use', 'repair_funds_raise', 'rebuilding']);
const DISPUTE_TYPE: Record<string, string> = {
  property_fees: 'fees',
  parking: 'parking',
  public_rooms: 'public_rooms',
  repair_funds_use: 'repair_funds',
  repair_funds_raise: 'repair_funds',
  service_quality: 'service_quality',
};

/** 14:30 Beijing time, `days` days from `at`. */
function afternoonIn(at: number, days: number): number {
  const beijing = 8 * HOUR;
  const midnight = Math.floor((at + beijing) / DAY) * DAY - beijing;
  return midnight + days * DAY + 14.5 * HOUR;
}

/** Plays a matter from being raised to the plan's stop. */
export async function* matterStory(env: StoryEnv, def: MatterStoryDef): Story {
  const { sim, people, random } = env;
  const plan = def.plan;
  const x = def.compound;
  const staff = people.communityStaff(x.community);
  const secretary = people.secretary(x.community);
  /** Who acts for a party: each party confirms, records its presence and signs for itself. */
  const partyActor = (party: string): DemoUser => {
    if (party === 'owners_committee') return people.ownersCommittee(x.id);
    if (party === 'property_company') return people.propertyCompany(x.id);
    if (party.startsWith('department:')) return people.liaison(party.slice('department:'.length));
    // The community's own confirmation, presence and signature.
    return secretary;
  };
  const wait = (minutes: [number, number]): number => later(env, minutes, plan.office);

  const created = await sim.submit('propertyCoordination', def.input, def.raiser);
  def.caseId = created.id;
  const id = created.id;
  const send = (type: string, input: Record<string, unknown>, actor: DemoUser) => sim.send(id, type, input, actor);
  let failedMeeting = false;
  let failedVerification = false;
  yield wait([60, 8 * 60]);

  for (let step = 0; step < 80; step++) {
    const c = await sim.get(id);
    const view = c.snapshot.context as unknown as PropertyCoordinationContext;
    const state = c.state;
    const laterStop =
      state === 'confirming' || state === 'signing' || state === 'implementation' || state === 'escalated';
    const meetingToFail = state === 'scheduling' && plan.failedMeetingFirst === true && !failedMeeting;
    if (state === plan.stop && !laterStop && !meetingToFail) return;
    switch (state) {
      case 'triage':
        if (plan.route === 'consult')
          await send('matter.triage.consult', { note: '涉及多方权益，启动三方协商' }, staff);
        else
          await send(
            'matter.triage.routine',
            { note: '转物业常规处理', ...(plan.routineLate ? { dueAt: sim.now() + DAY } : {}) },
            staff,
          );
        yield wait(plan.routineLate ? [3 * 24 * 60, 5 * 24 * 60] : [2 * 60, 48 * 60]);
        break;
      case 'workOrder':
        if (plan.route === 'routineThenConsult')
          await send('matter.triage.consult', { note: '物业无法单方解决，转三方协商' }, staff);
        else await send('matter.action.done', { note: '已按工单处理完毕' }, people.propertyCompany(x.id));
        yield wait([60, 24 * 60]);
        break;
      case 'preconsultation':
        await send('matter.preconsult.done', { note: '已分别听取业委会和物业意见' }, staff);
        yield wait([60, 24 * 60]);
        break;
      case 'scheduling':
        await send(
          'matter.meeting.schedule',
          {
            meetingAt: afternoonIn(sim.now(), random.int(4, 7)),
            place: `${x.name}党群服务站会议室`,
            ...(plan.invited ? { invited: plan.invited } : {}),
          },
          staff,
        );
        yield wait([60, 12 * 60]);
        break;
      case 'confirming': {
        const meeting = view.meetings[view.meetings.length - 1]!;
        const parties = [...REQUIRED, ...meeting.invited];
        const confirmed = parties.filter((p) => meeting.confirmations[p] !== undefined).length;
        if (plan.stop === 'confirming' && confirmed >= (plan.confirmations ?? 0)) return;
        const next = parties.find((p) => meeting.confirmations[p] === undefined);
        if (next !== undefined) {
          await send('matter.meeting.confirm', { party: next }, partyActor(next));
          yield sim.now() + random.int(2, 20) * HOUR;
        } else if (sim.now() < meeting.meetingAt) {
          yield meeting.meetingAt + random.int(0, 15) * MINUTE;
        } else {
          const quorumFails: boolean = plan.failedMeetingFirst === true && !failedMeeting;
          failedMeeting ||= quorumFails;
          const attending = quorumFails ? ['community', 'owners_committee'] : parties;
          // Each party present signs in for itself; then the convener holds the meeting.
          for (const party of attending)
            if (meeting.presence?.[party] === undefined)
              await send('matter.meeting.attend', { party }, partyActor(party));
          await send(
            'matter.meeting.hold',
            { note: quorumFails ? '物业公司未到会，会议改期' : '三方到会，充分协商' },
            secretary,
          );
          yield sim.now() + random.int(60, 150) * MINUTE;
        }
        break;
      }
      case 'deliberation':
        if (plan.outcome === 'no_consensus') {
          await send('matter.no_consensus', { reason: '各方意见分歧较大，未能形成一致意见' }, secretary);
        } else {
          const majority = MAJORITY_TYPES.has(def.input.matterType);
          const votes: Record<string, string> = {
            community: 'yes',
            owners_committee: 'yes',
            property_company: majority ? 'no' : 'yes',
          };
          await send(
            'matter.resolution.adopt',
            { decision: '三方协商一致，形成会议纪要，明确各方落实事项和完成时限', votes },
            secretary,
          );
        }
        yield sim.now() + random.int(20, 90) * MINUTE;
        break;
      case 'signing': {
        const attending = view.meetings[view.meetings.length - 1]?.attending ?? [];
        const signatures = view.resolution?.signatures ?? {};
        const signed = attending.filter((p) => signatures[p] !== undefined).length;
        if (plan.stop === 'signing' && signed >= (plan.signatures ?? 0)) return;
        const next = attending.find((p) => signatures[p] === undefined);
        if (next === undefined) throw new Error('signing with every signature given');
        await send('matter.resolution.sign', { party: next }, partyActor(next));
        yield sim.now() + random.int(10, 8 * 60) * MINUTE;
        break;
      }
      case 'noConsensus': {
        if (plan.escalate === 'street') {
          const attributes = {
            compound: x.name,
            dispute_type: DISPUTE_TYPE[def.input.matterType] ?? 'service_quality',
            description: String(def.input.description),
          };
          await send(
            'matter.escalate.street',
            { reason: '三方协商未果，提请街道协调', category: 'property_dispute', attributes },
            secretary,
          );
        } else if (plan.escalate === 'mediation') {
          await send('matter.escalate.mediation', { reason: '转人民调解委员会调解' }, secretary);
        } else {
          await send('matter.escalate.vote', { reason: '提请业主大会表决' }, secretary);
        }
        yield wait([60, 24 * 60]);
        break;
      }
      case 'escalated': {
        const linked = view.escalation?.linkedCaseId;
        if (linked === undefined) throw new Error('escalated without a street case');
        if (plan.street) {
          const streetCase = yield* driveGrid(env, linked, plan.street);
          if (streetCase.state === 'evaluating') {
            yield wait([24 * 60, 72 * 60]);
            await rateOpenEvaluations(env, linked, 'basically_satisfied', '街道协调后问题基本解决');
            yield wait([24 * 60, 72 * 60]);
            await sim.send(linked, 'case.archive', {}, people.dispatcher(x.street));
          }
        }
        if (plan.stop === 'escalated') return;
        yield wait([60, 24 * 60]);
        await send('matter.close', { note: '街道协调处理完毕' }, secretary);
        return;
      }
      case 'mediation':
        yield wait([5 * 24 * 60, 15 * 24 * 60]);
        await send('matter.close', { note: '经人民调解达成调解协议' }, secretary);
        return;
      case 'voting': {
        const owners = x.households;
        const area = owners * 96;
        const p = (share: number, whole: number) => Math.round(whole * share);
        const passed = plan.vote !== 'rejected';
        await send(
          'matter.vote.record',
          {
            totalArea: area,
            totalOwners: owners,
            participatingArea: p(0.78, area),
            participatingOwners: p(0.76, owners),
            yesArea: p(passed ? 0.8 : 0.42, p(0.78, area)),
            yesOwners: p(passed ? 0.81 : 0.4, p(0.76, owners)),
          },
          people.ownersCommittee(x.id),
        );
        yield wait([60, 24 * 60]);
        break;
      }
      case 'implementation': {
        const added = new Set(view.actionItems.map((i) => i.id));
        const toAdd = plan.actions.findIndex((_, i) => !added.has(`a${i + 1}`));
        if (toAdd >= 0) {
          const a = plan.actions[toAdd]!;
          const due = a.late ? sim.now() + 2 * DAY : sim.now() + random.int(10, 20) * DAY;
          await send('matter.action.add', { id: `a${toAdd + 1}`, party: a.party, title: a.title, dueAt: due }, staff);
          yield sim.now() + random.int(5, 30) * MINUTE;
          break;
        }
        const pending = plan.actions
          .map((a, i) => ({ a, item: view.actionItems.find((it) => it.id === `a${i + 1}`)! }))
          .find(({ a, item }) => a.done && item.doneAt === undefined);
        if (pending !== undefined) {
          if (pending.a.late && pending.item.overdueAt === undefined) {
            yield pending.item.dueAt + random.int(1, 3) * DAY;
            break;
          }
          await send('matter.action.done', { id: pending.item.id, note: '已落实' }, partyActor(pending.item.party));
          yield wait([2 * 60, 4 * 24 * 60]);
          break;
        }
        if (plan.stop === 'implementation') return;
        await send(
          'matter.publicise',
          { note: '落实情况在小区公示栏和业主群公示 7 天', until: sim.now() + 7 * DAY },
          staff,
        );
        yield wait([5 * 24 * 60, 8 * 24 * 60]);
        break;
      }
      case 'publicised': {
        const fail: boolean = plan.verifyFailOnce === true && !failedVerification;
        failedVerification ||= fail;
        await send(
          'matter.verify',
          { passed: !fail, note: fail ? '公示期间业主提出异议，需补充落实' : '公示无异议，落实到位' },
          staff,
        );
        yield wait([24 * 60, 3 * 24 * 60]);
        break;
      }
      case 'closed':
        return;
      default:
        throw new Error(`unexpected matter state ${state}`);
    }
  }
  throw new Error(`matter ${id} did not reach ${plan.stop}`);
}
