import type { FastifyInstance } from 'fastify';
import type { HttpEnv } from '../env.js';
import { registerCommandRoutes, registerSubmitRoute, type CommandRoute } from './commandRoutes.js';

const TAG = 'matters';

/** Three-party property coordination (三方联动 "1+2+N"): meetings, minutes, votes, action items. */
const routes: readonly CommandRoute[] = [
  {
    url: '/api/v1/matters/:id/triage/routine',
    command: 'matter.triage.routine',
    summary: 'Send to the property company as a routine work order',
  },
  {
    url: '/api/v1/matters/:id/triage/consult',
    command: 'matter.triage.consult',
    summary: 'Take into three-party consultation',
  },
  {
    url: '/api/v1/matters/:id/preconsultation/done',
    command: 'matter.preconsult.done',
    summary: 'Finish pre-consultation (预协商)',
  },
  {
    url: '/api/v1/matters/:id/meeting',
    command: 'matter.meeting.schedule',
    summary: 'Schedule the meeting (安排会议)',
    description: 'At least `coordination.noticeDays` days ahead; rescheduling restarts confirmations.',
  },
  {
    url: '/api/v1/matters/:id/meeting/confirm',
    command: 'matter.meeting.confirm',
    summary: 'Confirm attendance (确认参会)',
    description:
      'One party at a time, each for itself (403 `permission.not_party` for another party unless a permission row’s `actFor` names it); all required parties confirm.',
  },
  {
    url: '/api/v1/matters/:id/meeting/attendance',
    command: 'matter.meeting.attend',
    summary: 'Record a party’s presence (到会签到)',
    description:
      'One party at a time, by that party itself (403 `permission.not_party` otherwise), or by the convener (the community) with a `reason`; from one hour before the meeting (rule `coordination.attendance`).',
  },
  {
    url: '/api/v1/matters/:id/meeting/hold',
    command: 'matter.meeting.hold',
    summary: 'Hold the meeting (召开会议)',
    description:
      'Not before its time (rule `coordination.meetingTime`). The attendance is the presence recorded, not a list in the request; below the quorum of required parties (rule `coordination.quorum`) the meeting fails and is rescheduled.',
  },
  {
    url: '/api/v1/matters/:id/resolution',
    command: 'matter.resolution.adopt',
    summary: 'Adopt a resolution with the parties’ votes (形成决议)',
  },
  {
    url: '/api/v1/matters/:id/minutes/signatures',
    command: 'matter.resolution.sign',
    summary: 'Sign the minutes (会议纪要签字)',
    description:
      'Every attending party, invited departments included, signs for itself (rule `coordination.signature`: present, not signed before).',
  },
  {
    url: '/api/v1/matters/:id/no-consensus',
    command: 'matter.no_consensus',
    summary: 'Record no consensus (未达成一致)',
  },
  {
    url: '/api/v1/matters/:id/escalation/street',
    command: 'matter.escalate.street',
    summary: 'Escalate to the street as a grid case (提交街道)',
  },
  {
    url: '/api/v1/matters/:id/escalation/mediation',
    command: 'matter.escalate.mediation',
    summary: 'Refer to people’s mediation (人民调解)',
  },
  {
    url: '/api/v1/matters/:id/escalation/vote',
    command: 'matter.escalate.vote',
    summary: 'Put to an owners’ assembly vote (业主大会表决)',
  },
  {
    url: '/api/v1/matters/:id/votes',
    command: 'matter.vote.record',
    summary: 'Record the owners’ vote (登记表决结果)',
    description:
      'Thresholds by floor area and headcount (Civil Code art. 278), as the policy sets them: rules `coordination.ownersParticipation` and `coordination.ownersOrdinary` / `coordination.ownersMajor`, recorded in history with their values.',
  },
  { url: '/api/v1/matters/:id/actions', command: 'matter.action.add', summary: 'Add an action item (添加落实事项)' },
  {
    url: '/api/v1/matters/:id/actions/:itemId/done',
    command: 'matter.action.done',
    summary: 'Complete an action item (完成落实事项)',
    description: 'Only the party that owns the item completes it (403 `permission.not_party` otherwise).',
    fromPath: { itemId: 'id' },
  },
  { url: '/api/v1/matters/:id/publicity', command: 'matter.publicise', summary: 'Publicise the result (公示)' },
  { url: '/api/v1/matters/:id/verification', command: 'matter.verify', summary: 'Verify the implementation (核验)' },
  { url: '/api/v1/matters/:id/close', command: 'matter.close', summary: 'Close the matter (办结)' },
];

/** The matter routes: raise a matter, then its commands as resources. */
export function matterRoutes(app: FastifyInstance, env: HttpEnv): void {
  registerSubmitRoute(app, env, {
    url: '/api/v1/matters',
    process: 'propertyCoordination',
    tag: TAG,
    summary: 'Raise a property matter (提出议事事项)',
    description: 'Submits a propertyCoordination case; the caller needs `matter.raise` in scope.',
  });
  registerCommandRoutes(app, env, { kind: 'matter', process: 'propertyCoordination', tag: TAG, routes });
}
