import type { CommandDef } from '@gridflow/core';
import { coordinateSystemSchema } from '../org/coordinates.js';
import type { Schema } from './validation.js';

/**
 * JSON Schemas of the API. Request schemas validate requests (see validation.ts) and, unchanged, become the
 * OpenAPI document; the process and command schemas come from the process definitions themselves.
 */

/** What the schemas need of a process: a `ProcessDefinition` or the runtime's `ProcessDescription`. */
export interface ProcessSchemas {
  id: string;
  inputSchema: CommandDef['inputSchema'];
  commands: readonly CommandDef[];
  /** JSON Schema of a case's machine context, when the process describes it. */
  contextSchema?: CommandDef['inputSchema'];
}

/** A process or command schema made embeddable: `$schema` and `$id` belong to a document root, not to a part. */
export function embed(schema: Schema): Schema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

export const errorSchema: Schema = {
  type: 'object',
  description: 'Every error: a stable code, messages in Chinese and English, the JSON Pointer of the offending input.',
  required: ['code', 'message_zh', 'message_en'],
  properties: {
    code: { type: 'string', examples: ['input.invalid'] },
    message_zh: { type: 'string' },
    message_en: { type: 'string' },
    path: {
      type: 'string',
      description: 'JSON Pointer into the request body (or the query parameter / path parameter).',
    },
    details: {},
    requestId: {
      type: 'string',
      description: 'On a 5xx answer only: the request id the fault was logged with (also the `X-Request-ID` header).',
    },
  },
};

/** Error responses shared by every route (merged into each route's `response`). */
export const errorResponses = (...statuses: number[]): Record<number, Schema> =>
  Object.fromEntries(statuses.map((s) => [s, { ...errorSchema, description: ERROR_DESCRIPTIONS[s] ?? 'Error' }]));

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (JSON Schema or policy checks)',
  401: 'No valid bearer token',
  403: 'Not allowed by the policy’s permission matrix',
  404: 'Not found (or not visible to the caller)',
  409: 'Conflict: stale expectedVersion, or the case’s state does not take the command now',
  413: 'Body or file too large',
  415: 'Unsupported content type',
  422: 'The policy’s rules refuse the command',
  429: 'Rate limited',
  500: 'A fault of the server (no internals are shown)',
  503: 'A store the server needs is unavailable right now; retry later',
};

export const localizedTextSchema: Schema = {
  type: 'object',
  required: ['zh', 'en'],
  properties: { zh: { type: 'string' }, en: { type: 'string' } },
};

export const unitSchema: Schema = {
  type: 'string',
  maxLength: 200,
  pattern: '^[a-z_]+:[A-Za-z0-9_.:-]+$',
  description: 'An org unit as `kind:id`, e.g. `grid:g-01`.',
};

/**
 * What an id in a URL path may be: letters, digits and `_.:-`, but not dots alone (`.` and `..` are dot segments,
 * which a proxy or a client library may resolve against the path). The schema states it, so the OpenAPI
 * document says what the server refuses (400 `path.invalid`).
 */
export const PATH_ID_PATTERN = '^(?!\\.+$)[A-Za-z0-9_.:-]+$';

/** An id in a URL path (case ids, action item ids): at most 100 characters of {@link PATH_ID_PATTERN}. */
export const pathIdSchema: Schema = { type: 'string', minLength: 1, maxLength: 100, pattern: PATH_ID_PATTERN };

export const caseIdParams: Schema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: pathIdSchema },
};

export const expectedVersionSchema: Schema = {
  type: 'integer',
  minimum: 1,
  maximum: 2147483647,
  description: 'The case version the caller saw; a stale one gets 409 `case.conflict`.',
};

export const summarySchema: Schema = {
  type: 'object',
  description: 'Indexable fields of a case.',
  properties: {
    level: { type: 'string' },
    units: { type: 'array', items: { type: 'string' } },
    category: { type: 'string' },
    urgency: { type: 'string' },
    reporterId: { type: 'string' },
    handlerId: { type: 'string' },
    title: { type: 'string' },
    open: { type: 'boolean' },
    location: { type: 'object', properties: { lng: { type: 'number' }, lat: { type: 'number' } } },
    tags: { type: 'array', items: { type: 'string' } },
  },
};

export const deadlineSchema: Schema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    dueAt: { type: 'integer', description: 'Epoch milliseconds.' },
    firedAt: { type: 'integer' },
    data: { type: 'object' },
  },
};

export const caseItemSchema: Schema = {
  type: 'object',
  description: 'A case in a list (no personal data).',
  properties: {
    id: { type: 'string' },
    process: { type: 'string' },
    state: { type: 'string' },
    stateName: localizedTextSchema,
    version: { type: 'integer' },
    policyVersion: { type: 'integer' },
    summary: summarySchema,
    overdue: { type: 'boolean' },
    nextDueAt: { type: ['integer', 'null'] },
    createdAt: { type: 'integer' },
    updatedAt: { type: 'integer' },
  },
};

export const caseDetailSchema: Schema = {
  type: 'object',
  description:
    'A case with its machine context. Residents’ personal data (reporter name, phone, ID number, address) is masked unless the caller’s role is in `policy.privacy.unmaskedRoles` (each such read is recorded) or the caller reported it.',
  properties: {
    ...(caseItemSchema.properties as Record<string, Schema>),
    processVersion: { type: 'integer' },
    policyId: { type: 'string' },
    value: { description: 'The XState state value.' },
    context: {
      type: 'object',
      description:
        'The machine context (personal data masked as above). Its JSON Schema is the process’s `contextSchema` in `GET /processes/{id}` and the component `Context.<process>` (e.g. `Context.propertyCoordination`: meetings with confirmations and presence, the resolution with votes and signatures, the owners’ vote, action items, the outcome).',
    },
    deadlines: { type: 'array', items: deadlineSchema },
    personalData: { type: 'string', enum: ['masked', 'unmasked', 'own'] },
  },
};

export const pageSchema = (items: Schema): Schema => ({
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items },
    nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page.' },
  },
});

export const decisionSchema: Schema = {
  type: 'object',
  properties: {
    rule: { type: 'string', description: 'A policy rule key (`escalate`) or a routing row (`routing:r-emergency`).' },
    inputs: { type: 'object' },
    result: {},
    explanation: { type: 'string', description: 'What the rule decided, in the requested language.' },
  },
};

export const historyEntrySchema: Schema = {
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    at: { type: 'integer' },
    actor: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        roles: { type: 'array', items: { type: 'string' } },
      },
    },
    command: { type: 'string' },
    commandName: { type: 'string' },
    input: { type: 'object' },
    from: { type: 'string' },
    to: { type: 'string' },
    policyId: { type: 'string' },
    policyVersion: { type: 'integer' },
    decisions: { type: 'array', items: decisionSchema },
  },
};

export const commandDefSchema: Schema = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    name: localizedTextSchema,
    inputSchema: { type: 'object', description: 'JSON Schema (2020-12) of the command input.' },
  },
};

/** A command offered on a case: the command, and whether the case's rules accept it from the caller now. */
export const availableCommandSchema: Schema = {
  type: 'object',
  required: ['type', 'name', 'inputSchema', 'available'],
  properties: {
    ...(commandDefSchema.properties as Record<string, Schema>),
    available: {
      type: 'boolean',
      description:
        'False when the process refuses the command now whatever the input (e.g. the verifier is the handler); ' +
        'given anyway it answers 422 `command.refused`. True: the policy lets the caller give it and, unless ' +
        '`condition` is set, any input valid for `inputSchema` is accepted.',
    },
    reason: {
      ...localizedTextSchema,
      description: 'Why the command is unavailable now (the rule that refuses it, with its values).',
    },
    condition: {
      ...localizedTextSchema,
      description:
        'Set when acceptance depends on the input (a rule reads it, e.g. which departments a whistle summons): ' +
        'an input the rules refuse answers 422 `command.refused`.',
    },
  },
};

/** The user commands of the processes (internal ones left out), grouped by type. */
export function userCommands(processes: readonly ProcessSchemas[]): Map<string, Schema[]> {
  const byType = new Map<string, Schema[]>();
  for (const p of processes) {
    for (const c of p.commands) {
      if (c.internal) continue;
      const list = byType.get(c.type) ?? [];
      list.push(embed(c.inputSchema));
      byType.set(c.type, list);
    }
  }
  return byType;
}

/**
 * The body of `POST /cases/{id}/commands`: one branch per command, chosen by `type` (an OpenAPI discriminator), each
 * carrying the command's own input schema.
 */
export function commandBodySchema(processes: readonly ProcessSchemas[]): Schema {
  const branches = [...userCommands(processes)].map(([type, inputs]) => ({
    type: 'object',
    title: type,
    required: ['type', 'expectedVersion'],
    additionalProperties: false,
    properties: {
      type: { const: type },
      input: inputs.length === 1 ? inputs[0] : { anyOf: inputs },
      expectedVersion: expectedVersionSchema,
    },
  }));
  return {
    description: 'A command and its input; `type` chooses the input schema. `input` defaults to `{}`.',
    oneOf: branches,
    discriminator: { propertyName: 'type' },
  };
}

/** The body of `POST /cases`: one branch per process, chosen by `process`, each with the process's submission schema. */
export function submitBodySchema(processes: readonly ProcessSchemas[]): Schema {
  return {
    description: 'A submission: the process and its input.',
    oneOf: processes.map((p) => ({
      type: 'object',
      title: p.id,
      required: ['process', 'input'],
      additionalProperties: false,
      properties: { process: { const: p.id }, input: embed(p.inputSchema), coordinateSystem: coordinateSystemSchema },
    })),
    discriminator: { propertyName: 'process' },
  };
}

/** A command's input schema with `expectedVersion` added: the body of the convenience routes. */
export function commandRouteBody(
  processes: readonly ProcessSchemas[],
  type: string,
  omit: readonly string[] = [],
): Schema {
  const input = userCommands(processes).get(type)?.[0];
  if (!input) throw new TypeError(`No process has the command ${type}`);
  const properties = { ...((input.properties ?? {}) as Record<string, Schema>) };
  for (const key of omit) delete properties[key];
  const required = ((input.required ?? []) as string[]).filter((r) => !omit.includes(r));
  return {
    ...input,
    properties: { ...properties, expectedVersion: expectedVersionSchema },
    required: [...required, 'expectedVersion'],
  };
}

export const langQuery: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    lang: { type: 'string', enum: ['zh', 'en'], description: 'Language of the explanations (default zh).' },
  },
};

/** A placeholder the OpenAPI transform replaces with `$ref: '#/components/schemas/<name>'`. */
export const componentRef = (name: string, description?: string): Schema => ({
  type: 'object',
  'x-gridflow-ref': name,
  ...(description ? { description } : {}),
});

/** A list answer that is not paged: `{ items: [...] }`. */
export const listSchema = (items: Schema): Schema => ({
  type: 'object',
  properties: { items: { type: 'array', items } },
});
