import { componentRef, localizedTextSchema } from './schemas.js';
import type { Schema } from './validation.js';

/**
 * Response schemas of `GET /processes` and of the public intake data: documentation (responses are written with
 * `JSON.stringify`). The nested state is an OpenAPI component, `ProcessState`, that refers to itself.
 */

const stringList: Schema = { type: 'array', items: { type: 'string' } };

const labelsSchema: Schema = {
  type: 'object',
  description: 'A label {zh, en} for every field of the input, by property path (`note`, `units.grid`).',
  additionalProperties: localizedTextSchema,
};

const roleSchema: Schema = {
  type: 'object',
  description: 'A permission row of the policy that lets a role give the command.',
  required: ['role', 'name', 'scope', 'permission'],
  properties: {
    role: { type: 'string', examples: ['grid_worker'] },
    name: localizedTextSchema,
    scope: { type: 'string', examples: ['grid'] },
    levels: { ...stringList, description: 'Only while the case is at one of these levels.' },
    permission: { type: 'string', description: 'The permission row’s id.' },
  },
};

/** One state of the machine, with its children (component `ProcessState`). */
export const processStateSchema: Schema = {
  type: 'object',
  required: ['path', 'key', 'name', 'type', 'final', 'open', 'depth', 'parallel', 'states'],
  properties: {
    path: { type: 'string', examples: ['handling.working'] },
    key: { type: 'string' },
    name: localizedTextSchema,
    type: { enum: ['atomic', 'compound', 'parallel', 'final', 'history'] },
    final: { type: 'boolean', description: 'The case’s course ends here.' },
    open: { type: 'boolean', description: 'A case here counts as open.' },
    depth: { type: 'integer', description: 'Nesting level: 0 for a top-level state.' },
    initial: { type: 'string', description: 'Path of the child entered first.' },
    parallel: { type: 'boolean', description: 'A parallel state: its `states` are regions, all active at once.' },
    states: { type: 'array', items: componentRef('ProcessState') },
  },
};

export const processDescriptionSchema: Schema = {
  type: 'object',
  description:
    'A process as the machine defines it and the tenant’s current policy configures it: nested states, transitions with the guard and the policy rules on each, commands with labelled input schemas and the roles that may give them.',
  required: ['id', 'version', 'name', 'statechart', 'transitions', 'commands', 'deadlineKinds', 'rules'],
  properties: {
    id: { type: 'string', examples: ['gridEscalation'] },
    version: { type: 'integer' },
    name: localizedTextSchema,
    inputSchema: { type: 'object', description: 'JSON Schema of a submission.' },
    inputLabels: labelsSchema,
    submit: {
      type: 'object',
      properties: { command: { type: 'string' }, roles: { type: 'array', items: roleSchema } },
    },
    states: {
      type: 'object',
      description: 'State names by path, flat.',
      additionalProperties: {
        type: 'object',
        properties: { name: localizedTextSchema, final: { type: 'boolean' }, open: { type: 'boolean' } },
      },
    },
    statechart: {
      type: 'object',
      properties: { initial: { type: 'string' }, states: { type: 'array', items: componentRef('ProcessState') } },
    },
    transitions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['source', 'event', 'targets', 'guards', 'rules', 'actions', 'internal', 'reenter'],
        properties: {
          source: { type: 'string', description: 'The state handling the event; `""` for every state.' },
          event: { type: 'string', examples: ['deadline.due'] },
          targets: { ...stringList, description: 'States entered; empty when the transition stays.' },
          guard: { type: 'string', examples: ['canEscalate', 'and(isAssessor, not(appealUpheld))'] },
          guards: { ...stringList, description: 'The named guards in `guard`.' },
          rules: {
            ...stringList,
            description: 'Policy rules read by the guards and actions (`routing`: the routing table).',
          },
          actions: stringList,
          internal: { type: 'boolean' },
          reenter: { type: 'boolean' },
        },
      },
    },
    commands: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'name', 'inputSchema', 'labels', 'internal', 'roles'],
        properties: {
          type: { type: 'string', examples: ['case.sign'] },
          name: localizedTextSchema,
          inputSchema: { type: 'object' },
          labels: labelsSchema,
          internal: { type: 'boolean', description: 'Sent only by the runtime (deadlines, effects); never offered.' },
          roles: { type: 'array', items: roleSchema },
        },
      },
    },
    deadlineKinds: {
      type: 'array',
      items: { type: 'object', properties: { kind: { type: 'string' }, name: localizedTextSchema } },
    },
    rules: {
      type: 'array',
      description:
        'Policy rules the process reads: keys of `policy.rules` (or `rules.custom`), `routing`, or `coordination.<name>` for the three-party meeting’s checks in `policy.coordination.rules`.',
      items: { type: 'object', properties: { key: { type: 'string' }, name: localizedTextSchema } },
    },
    contextSchema: {
      type: 'object',
      description:
        'JSON Schema of a case’s machine context (`context` of a case): for propertyCoordination the meetings (confirmations, presence, attendance), the resolution (votes, signatures), the owners’ vote and the outcome.',
    },
    parties: {
      type: 'array',
      description:
        'The parties that act in the process’s cases and the roles that act for each; an actor also acts for its org units (`department:housing`). A command naming another party is refused 403 `permission.not_party` unless a permission row’s `actFor` names it.',
      items: {
        type: 'object',
        required: ['code', 'name', 'roles'],
        properties: {
          code: { type: 'string', examples: ['owners_committee'] },
          name: localizedTextSchema,
          roles: stringList,
        },
      },
    },
  },
};

const publicUnitSchema: Schema = {
  type: 'object',
  description: 'A unit of the organisation tree as the public sees it: no staff, no attributes.',
  required: ['id', 'kind', 'parentId', 'name'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    kind: { enum: ['district', 'street', 'community', 'grid', 'compound', 'department'] },
    parentId: { type: ['string', 'null'] },
    name: localizedTextSchema,
    boundary: { type: 'object', description: 'GeoJSON Polygon or MultiPolygon (WGS 84), where the unit has one.' },
  },
};

export const intakeSchema: Schema = {
  type: 'object',
  required: ['tenant', 'anonymousAllowed', 'categories', 'urgencies', 'units', 'submission'],
  properties: {
    tenant: { type: 'string' },
    anonymousAllowed: { type: 'boolean', description: 'Some category accepts anonymous reports.' },
    categories: {
      type: 'array',
      description: 'Without a token: only the categories that accept anonymous reports.',
      items: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          name: localizedTextSchema,
          defaultUrgency: { type: 'string' },
          allowAnonymous: { type: 'boolean' },
          attributes: { type: 'array', items: { type: 'object' } },
        },
      },
    },
    urgencies: {
      type: 'array',
      items: { type: 'object', properties: { code: { type: 'string' }, name: localizedTextSchema } },
    },
    units: { type: 'array', items: publicUnitSchema },
    submission: {
      type: 'object',
      description: 'What a report is: the process, its submission schema and field labels.',
      properties: { process: { type: 'string' }, inputSchema: { type: 'object' }, labels: labelsSchema },
    },
  },
};
