import { commandDef } from '../../policy/commands.js';
import { defineCommands, type CommandEvents, type CommandInputs } from '../contract/commands.js';
import { id, note, obj, text } from './schemas.js';

/**
 * The commands of Process 3, each declared once with the JSON Schema of its input (names: the policy's known
 * commands): the definition's `commands` list, the inputs and the machine's events (`AppealEvaluationEvent`)
 * follow from it.
 *
 * @module
 */

/**
 * The commands, by event type.
 *
 * @example
 * appealEvaluationCommandSet.list[0]?.type; // 'evaluation.rate'
 */
export const appealEvaluationCommandSet = defineCommands(
  {
    'evaluation.rate': {
      schema: obj(
        {
          rating: { ...id, description: 'A code of `policy.evaluation.scale`.' },
          solved: { type: 'boolean' },
          reason: { ...id, description: 'Why unsatisfied, e.g. a code of `policy.evaluation.controllableReasons`.' },
          controllable: {
            type: 'boolean',
            description: 'Within the unit’s control (default: whether the reason is a controllable one).',
          },
          comment: note,
        },
        ['rating', 'solved'],
      ),
    },
    'evaluation.revisit.attempt': {
      schema: obj({ channel: { type: 'string', enum: ['phone', 'sms', 'app'] }, reached: { type: 'boolean' }, note }, [
        'channel',
        'reached',
      ]),
    },
    'evaluation.revisit.unreachable': { schema: obj({ note }) },
    'evaluation.appeal': { schema: obj({ reason: text(2000) }, ['reason']) },
    'evaluation.appeal.decide': {
      schema: obj(
        {
          upheld: { type: 'boolean' },
          note: text(2000),
          correctedRating: {
            ...id,
            description: 'For an upheld appeal: the corrected rating; leave out to exclude the rating.',
          },
          correctedSolved: { type: 'boolean' },
        },
        ['upheld', 'note'],
      ),
    },
    'evaluation.exclusion.request': { schema: obj({ reason: text(2000) }, ['reason']) },
    'evaluation.exclusion.approve': { schema: obj({ approved: { type: 'boolean' }, note }, ['approved']) },
    'evaluation.notice.propose': { schema: obj({ reason: text(2000) }, ['reason']) },
    'evaluation.notice.approve': { schema: obj({ approved: { type: 'boolean' }, note }, ['approved']) },
  },
  { name: (type) => commandDef(type)?.label },
);

/** The inputs of the events this machine accepts, by event type. */
export type AppealEvaluationCommandInputs = CommandInputs<typeof appealEvaluationCommandSet>;

/** The events of the machine: `{ type, at, actor, input }` with the input of each type. */
export type AppealEvaluationEvent = CommandEvents<typeof appealEvaluationCommandSet>;
