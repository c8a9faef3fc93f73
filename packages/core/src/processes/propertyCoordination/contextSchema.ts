import type { JsonSchema } from '../contract/types.js';

/*
 * The JSON Schema of a three-party matter's machine context — what `GET /cases/{id}` returns as `context`: the
 * meetings with each party's confirmation and presence, the resolution with the votes and signatures, the owners'
 * vote, the action items and the outcome. Kept beside the machine's types (`PropertyCoordinationContext`); the
 * process test validates real contexts against it.
 */

const epochMs = (description: string): JsonSchema => ({ type: 'integer', minimum: 0, description });
const str = (description: string): JsonSchema => ({ type: 'string', description });
const partyMap = (description: string, value: JsonSchema): JsonSchema => ({
  type: 'object',
  description,
  additionalProperties: value,
});
const obj = (properties: Record<string, JsonSchema>, required: string[], description?: string): JsonSchema => ({
  type: 'object',
  ...(description ? { description } : {}),
  properties,
  required,
  additionalProperties: false,
});

const presence = obj(
  {
    at: epochMs('When the presence was recorded.'),
    by: str('The user who recorded it.'),
    reason: str('Why the convener recorded it for the party.'),
  },
  ['at', 'by'],
);

const meeting = obj(
  {
    n: { type: 'integer', minimum: 1, description: '1-based number of the meeting within the matter.' },
    meetingAt: epochMs('The meeting time; it cannot be held before it.'),
    scheduledAt: epochMs('When the notice was given.'),
    scheduledBy: str('Who scheduled it.'),
    invited: { type: 'array', items: { type: 'string' }, description: 'The N invited units (`department:housing`).' },
    place: str('Where it meets.'),
    confirmations: partyMap('Party → when it confirmed attendance.', { type: 'integer' }),
    presence: partyMap('Party → its recorded presence (by itself, or by the convener with a reason).', presence),
    unconfirmedAtMeetingTime: {
      type: 'array',
      items: { type: 'string' },
      description: 'Required parties that had not confirmed when the meeting time came.',
    },
    status: { type: 'string', enum: ['scheduled', 'held', 'failed', 'rescheduled'] },
    heldAt: epochMs('When it was held (or failed for want of a quorum).'),
    attending: {
      type: 'array',
      items: { type: 'string' },
      description: 'The parties present: those whose presence was recorded.',
    },
    note: str('Minutes note.'),
  },
  ['n', 'meetingAt', 'scheduledAt', 'scheduledBy', 'invited', 'confirmations', 'status'],
  'A three-party meeting (三方联席会议).',
);

const resolution = obj(
  {
    decision: str('What was decided.'),
    rule: { type: 'string', enum: ['consensus', 'majority'], description: 'The matter type’s decision rule.' },
    votes: partyMap('Party → its vote; only the required parties present count.', {
      type: 'string',
      enum: ['yes', 'no', 'abstain'],
    }),
    adoptedAt: epochMs('When it was adopted.'),
    adoptedBy: str('Who recorded it.'),
    signatures: partyMap('Party → when it signed the minutes; every attending party signs for itself.', {
      type: 'integer',
    }),
  },
  ['decision', 'rule', 'votes', 'adoptedAt', 'adoptedBy', 'signatures'],
  'The resolution and the signed minutes (会议纪要).',
);

const number = { type: 'number', minimum: 0 } as const;
const ownersVote = obj(
  {
    totalArea: number,
    totalOwners: number,
    participatingArea: number,
    participatingOwners: number,
    yesArea: number,
    yesOwners: number,
    at: epochMs('When it was recorded.'),
    by: str('Who recorded it.'),
    major: { type: 'boolean', description: 'A major matter (three quarters needed).' },
    participationMet: { type: 'boolean', description: 'Rule `coordination.ownersParticipation`.' },
    approvalMet: { type: 'boolean', description: 'Rule `coordination.ownersOrdinary` or `coordination.ownersMajor`.' },
    passed: { type: 'boolean' },
  },
  [
    'totalArea',
    'totalOwners',
    'participatingArea',
    'participatingOwners',
    'yesArea',
    'yesOwners',
    'at',
    'by',
    'major',
    'participationMet',
    'approvalMet',
    'passed',
  ],
  'The owners’ assembly vote (业主大会表决, Civil Code art. 278), floor areas in m².',
);

const actionItem = obj(
  {
    id: str('Item id.'),
    party: str('The party that owns it, and only it completes it.'),
    title: str('What is to be done.'),
    dueAt: epochMs('Due date.'),
    addedAt: epochMs('When it was added.'),
    addedBy: str('Who added it.'),
    doneAt: epochMs('When it was completed.'),
    doneBy: str('Who completed it.'),
    note: str('Note.'),
    overdueAt: epochMs('When it went overdue.'),
    cancelledAt: epochMs('When it was cancelled.'),
  },
  ['id', 'party', 'title', 'dueAt', 'addedAt', 'addedBy'],
);

/** JSON Schema (2020-12) of a propertyCoordination case's context. */
export const propertyCoordinationContextSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'A three-party matter (三方联动议事事项)',
  type: 'object',
  properties: {
    deadlines: { type: 'array', items: { type: 'object' }, description: 'Pending and fired deadlines.' },
    caseId: str('The case id.'),
    compoundId: str('The residential compound (小区).'),
    communityId: str('Community.'),
    streetId: str('Street.'),
    gridId: str('Grid.'),
    matterType: str('A code of `policy.coordination.matterTypes`.'),
    title: str('Title.'),
    description: str('Description.'),
    raisedBy: str('Who raised it.'),
    category: str('Grid-escalation category if it goes to the street.'),
    urgency: str('Urgency if it goes to the street.'),
    location: obj({ lng: { type: 'number' }, lat: { type: 'number' } }, ['lng', 'lat']),
    route: { type: 'string', enum: ['work_order', 'consultation'] },
    meetings: { type: 'array', items: meeting },
    resolution,
    noConsensusReason: str('Why no consensus was reached.'),
    escalation: obj(
      {
        to: { type: 'string', enum: ['street', 'mediation', 'vote'] },
        at: epochMs('When.'),
        by: str('Who.'),
        reason: str('Why.'),
        cause: { type: 'string', enum: ['no_consensus', 'action_overdue'] },
        linkedCaseId: str('The street-level grid case created.'),
      },
      ['to', 'at', 'by', 'cause'],
    ),
    ownersVote,
    actionItems: { type: 'array', items: actionItem },
    overdue: {
      type: 'array',
      items: obj(
        {
          at: { type: 'integer' },
          itemId: { type: 'string' },
          party: { type: 'string' },
          escalatedToStreet: { type: 'boolean' },
        },
        ['at', 'itemId', 'party', 'escalatedToStreet'],
      ),
    },
    publicity: obj({ at: epochMs('When.'), by: str('Who.'), until: epochMs('End of publicity.'), note: str('Note.') }, [
      'at',
      'by',
    ]),
    verifications: {
      type: 'array',
      items: obj(
        { at: { type: 'integer' }, by: { type: 'string' }, passed: { type: 'boolean' }, note: { type: 'string' } },
        ['at', 'by', 'passed'],
      ),
    },
    outcome: {
      type: 'string',
      enum: ['resolved', 'work_order', 'mediated', 'escalated', 'rejected'],
      description: 'How the matter ended.',
    },
    times: {
      type: 'object',
      description: 'Milestone timestamps (raisedAt, heldAt, signedAt, votedAt, closedAt…).',
      additionalProperties: { type: 'integer' },
    },
  },
  required: [
    'deadlines',
    'compoundId',
    'communityId',
    'streetId',
    'gridId',
    'matterType',
    'title',
    'description',
    'meetings',
    'actionItems',
    'overdue',
    'verifications',
    'times',
  ],
  additionalProperties: false,
};
