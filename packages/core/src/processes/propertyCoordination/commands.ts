import { t } from '../../i18n.js';
import { commandDef } from '../../policy/commands.js';
import { defineCommands, type CommandEvents, type CommandInputs } from '../contract/commands.js';
import { epochMs, id, note, obj, party, text } from './schemas.js';

/**
 * The commands of Process 2, each declared once with the JSON Schema of its input (names: the policy's known
 * commands, unless given): the definition's `commands` list, the inputs and the machine's events
 * (`PropertyCoordinationEvent`) follow from it.
 *
 * @module
 */

const vote = { type: 'string', enum: ['yes', 'no', 'abstain'] } as const;
const nonNegative = { type: 'number', minimum: 0 } as const;
const count = { type: 'integer', minimum: 0 } as const;

/**
 * The commands, by event type.
 *
 * @example
 * propertyCoordinationCommandSet.list.map((c) => c.type); // ['matter.triage.routine', 'matter.triage.consult', …]
 */
export const propertyCoordinationCommandSet = defineCommands(
  {
    'matter.triage.routine': {
      schema: obj({
        note,
        dueAt: epochMs('When the property company must be done (default: `actionItemDays` working days).'),
      }),
    },
    'matter.triage.consult': { schema: obj({ note }) },
    'matter.preconsult.done': { schema: obj({ note }) },
    'matter.meeting.schedule': {
      schema: obj(
        {
          meetingAt: epochMs('Meeting time; at least `coordination.noticeDays` days after now.'),
          invited: {
            type: 'array',
            items: party,
            uniqueItems: true,
            maxItems: 20,
            description: 'The N invited units.',
          },
          place: text(200),
        },
        ['meetingAt'],
      ),
    },
    'matter.meeting.confirm': { schema: obj({ party }, ['party']) },
    'matter.meeting.attend': {
      schema: obj(
        {
          party,
          reason: {
            ...text(500),
            description:
              'Given when the convener (the community) records the presence of another party, e.g. one without a login.',
          },
        },
        ['party'],
      ),
    },
    'matter.meeting.hold': { schema: obj({ note }) },
    'matter.resolution.adopt': {
      schema: obj(
        {
          decision: text(4000),
          votes: {
            type: 'object',
            maxProperties: 30,
            propertyNames: party,
            additionalProperties: vote,
            description: 'Vote of each party present.',
          },
        },
        ['decision', 'votes'],
      ),
    },
    'matter.resolution.sign': { schema: obj({ party }, ['party']) },
    'matter.no_consensus': { schema: obj({ reason: text(2000, 0) }) },
    'matter.escalate.street': {
      schema: obj({
        reason: text(2000, 0),
        category: id,
        urgency: id,
        attributes: {
          type: 'object',
          maxProperties: 100,
          additionalProperties: { type: ['string', 'number'], maxLength: 4000 },
        },
      }),
    },
    'matter.escalate.mediation': { schema: obj({ reason: text(2000, 0) }) },
    'matter.escalate.vote': { schema: obj({ reason: text(2000, 0) }) },
    'matter.vote.record': {
      schema: obj(
        {
          totalArea: nonNegative,
          totalOwners: count,
          participatingArea: nonNegative,
          participatingOwners: count,
          yesArea: nonNegative,
          yesOwners: count,
        },
        ['totalArea', 'totalOwners', 'participatingArea', 'participatingOwners', 'yesArea', 'yesOwners'],
      ),
    },
    'matter.action.add': {
      schema: obj(
        { id, party, title: text(200), dueAt: epochMs('Due date (default: `actionItemDays` working days).') },
        ['id', 'party', 'title'],
      ),
    },
    'matter.action.done': {
      schema: obj({ id: { ...id, description: 'The item (may be left out when only one is open).' }, note }),
    },
    'matter.publicise': { schema: obj({ note, until: epochMs('End of the publicity period.') }) },
    'matter.verify': { schema: obj({ passed: { type: 'boolean' }, note }, ['passed']) },
    'matter.close': { schema: obj({ note }) },
    'matter.linked': {
      name: t('关联街道案件', 'link the street case'),
      schema: obj({ caseId: id }, ['caseId']),
      internal: true,
    },
    'deadline.due': {
      name: t('期限到期', 'deadline due'),
      schema: obj({ deadlineId: text(200), kind: text(50) }, ['deadlineId', 'kind']),
      internal: true,
    },
  },
  { name: (type) => commandDef(type)?.label },
);

/** The inputs of the events this machine accepts, by event type. */
export type PropertyCoordinationCommandInputs = CommandInputs<typeof propertyCoordinationCommandSet>;

/** The events of the machine: `{ type, at, actor, input }` with the input of each type. */
export type PropertyCoordinationEvent = CommandEvents<typeof propertyCoordinationCommandSet>;
