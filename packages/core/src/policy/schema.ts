import { COORDINATION_RULE_KEYS } from './defaults/coordinationRules.js';

/**
 * The JSON Schema (draft 2020-12) of the policy document and of its parts. The schema checks shape only
 * (types, enums, formats, required fields, no unknown fields); meaning (references, ranges that depend on
 * other fields, reachable routing rows…) is checked by `validatePolicy`'s semantic checks.
 *
 * Repeated parts live in `$defs` and are referenced with `$ref` (ajv then compiles each once). Parts are also
 * exported one by one so the designer and the server can validate a fragment (a routing row, a calendar) on
 * its own; each exported part carries the shared `$defs`, so it is self-contained.
 */

/** The subset of JSON Schema 2020-12 these schemas use, to catch typos in the constants below. */
export interface PolicyJsonSchema {
  $schema?: string;
  $id?: string;
  $ref?: string;
  $defs?: Readonly<Record<string, PolicyJsonSchema>>;
  title?: string;
  description?: string;
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null' | readonly string[];
  properties?: Readonly<Record<string, PolicyJsonSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean | PolicyJsonSchema;
  items?: PolicyJsonSchema;
  prefixItems?: readonly PolicyJsonSchema[];
  enum?: readonly (string | number | boolean | null)[];
  const?: string | number | boolean | null;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  uniqueItems?: boolean;
  examples?: readonly unknown[];
}

/** Regular expressions of the formats used in policies, shared with the error messages. */
export const PolicyPattern = {
  /** Stable ids of rows, cells, rules: `r-emergency`, `c-grid-general`. */
  ID: '^[a-z0-9][a-z0-9_.-]{0,63}$',
  /** Codes of levels, departments, roles, categories, attributes: `illegal_construction`. */
  CODE: '^[a-z][a-z0-9_]{0,63}$',
  /** ISO 8601 duration with at least one component: `PT2H`, `P7D`, `P1DT12H`, `PT1.5H`. */
  DURATION:
    '^P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+([.,]\\d+)?H)?(\\d+([.,]\\d+)?M)?(\\d+([.,]\\d+)?S)?)?$',
  /** Local time of day, `HH:MM` (24-hour clock; `24:00` allowed as an end). */
  TIME: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$',
  /** Calendar date, `YYYY-MM-DD`. */
  DATE: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$',
  /** ISO 8601 date-time with an offset: `2026-01-01T00:00:00+08:00`. */
  DATE_TIME:
    '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d+)?)?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)$',
  /** A command name or pattern: `case.sign`, `case.*`, `*`. */
  COMMAND: '^(\\*|[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*(\\.\\*)?)$',
} as const;

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
const levelEnum = ['building', 'grid', 'compound', 'community', 'street', 'department', 'district'] as const;
const sourceEnum = ['patrol', 'walk_in', 'hotline', 'platform', 'app'] as const;
const scopeEnum = ['own', 'building', 'grid', 'compound', 'community', 'street', 'department', 'all'] as const;

const ref = <K extends string>(name: K) => ({ $ref: `#/$defs/${name}` }) as const;
const localizedText = ref('localizedText');
const id = ref('id');
const code = ref('code');
const duration = ref('duration');
const date = ref('date');
const level = ref('level');
const counting = ref('counting');
const jsonLogic = ref('jsonLogic');
const fraction = { type: 'number' } as const;
const strictObject = <P extends Record<string, PolicyJsonSchema>, R extends readonly (keyof P & string)[]>(
  properties: P,
  required: R,
) => ({ type: 'object', properties, required, additionalProperties: false }) as const;

/** Every named part of the policy schema, as `$defs`. */
export const policyDefs = {
  /** `{ zh, en }`: Chinese is required, English may be empty. */
  localizedText: strictObject(
    { zh: { type: 'string', minLength: 1, maxLength: 500 }, en: { type: 'string', maxLength: 500 } },
    ['zh', 'en'],
  ),
  id: { type: 'string', maxLength: 64, pattern: PolicyPattern.ID },
  code: { type: 'string', maxLength: 64, pattern: PolicyPattern.CODE },
  duration: { type: 'string', maxLength: 64, pattern: PolicyPattern.DURATION, examples: ['PT2H', 'P7D'] },
  date: { type: 'string', maxLength: 10, pattern: PolicyPattern.DATE },
  timeOfDay: { type: 'string', maxLength: 5, pattern: PolicyPattern.TIME },
  level: { type: 'string', enum: levelEnum },
  counting: { type: 'string', enum: ['working', 'calendar'] },
  /** A JsonLogic rule: any JSON value; its meaning is checked by the rule linter. */
  jsonLogic: { description: 'JsonLogic' },
  named: strictObject({ code, name: localizedText }, ['code', 'name']),
  limit: strictObject({ duration, counting }, ['duration', 'counting']),
  dated: strictObject({ date, name: localizedText }, ['date']),
  organisation: strictObject(
    {
      levels: {
        type: 'array',
        minItems: 1,
        maxItems: 20,
        items: strictObject({ code: level, name: localizedText }, ['code', 'name']),
      },
      escalationPath: { type: 'array', minItems: 1, maxItems: 20, items: level },
      departments: { type: 'array', maxItems: 500, items: ref('named') },
      roles: { type: 'array', minItems: 1, maxItems: 200, items: ref('named') },
    },
    ['levels', 'escalationPath', 'departments', 'roles'],
  ),
  attribute: strictObject(
    {
      code,
      name: localizedText,
      type: { type: 'string', enum: ['text', 'number', 'choice', 'date'] },
      required: { type: 'boolean' },
      minLength: { type: 'integer', minimum: 0 },
      maxLength: { type: 'integer', minimum: 1 },
      minimum: { type: 'number' },
      maximum: { type: 'number' },
      options: {
        type: 'array',
        maxItems: 500,
        items: strictObject({ value: { type: 'string', minLength: 1, maxLength: 64 }, name: localizedText }, [
          'value',
          'name',
        ]),
      },
      earliest: date,
      latest: date,
    },
    ['code', 'name', 'type', 'required'],
  ),
  category: strictObject(
    {
      code,
      name: localizedText,
      defaultUrgency: code,
      allowAnonymous: { type: 'boolean' },
      attributes: { type: 'array', maxItems: 100, items: ref('attribute') },
    },
    ['code', 'name', 'defaultUrgency', 'allowAnonymous', 'attributes'],
  ),
  routeTarget: strictObject({ level, department: code }, ['level']),
  routingRow: strictObject({ id, when: jsonLogic, then: ref('routeTarget'), note: localizedText }, [
    'id',
    'when',
    'then',
  ]),
  routingTable: strictObject({ rows: { type: 'array', minItems: 1, maxItems: 2000, items: ref('routingRow') } }, [
    'rows',
  ]),
  timeLimitCell: strictObject({ id, level, urgency: code, duration, counting }, [
    'id',
    'level',
    'urgency',
    'duration',
    'counting',
  ]),
  totalLimit: strictObject({ id, urgency: code, duration, counting }, ['id', 'urgency', 'duration', 'counting']),
  filingLimit: strictObject({ id, urgency: code, source: { type: 'string', enum: sourceEnum }, duration, counting }, [
    'id',
    'urgency',
    'duration',
    'counting',
  ]),
  timeLimits: strictObject(
    {
      filing: { type: 'array', maxItems: 200, items: ref('filingLimit') },
      handling: { type: 'array', minItems: 1, maxItems: 2000, items: ref('timeLimitCell') },
      total: { type: 'array', minItems: 1, maxItems: 200, items: ref('totalLimit') },
      signing: ref('limit'),
      contact: ref('limit'),
      whistleCheckIn: ref('limit'),
      warningAt: { type: 'number' },
      publicNoticeAfterWorkingDays: { type: 'integer', minimum: 0 },
      higherLevelsNotShorter: { type: 'boolean' },
    },
    [
      'handling',
      'total',
      'signing',
      'contact',
      'whistleCheckIn',
      'warningAt',
      'publicNoticeAfterWorkingDays',
      'higherLevelsNotShorter',
    ],
  ),
  calendar: strictObject(
    {
      timeZone: { type: 'string', minLength: 1, maxLength: 64 },
      workingDays: { type: 'array', maxItems: 7, items: { type: 'integer', minimum: 1, maximum: 7 } },
      workingHours: {
        type: 'array',
        maxItems: 20,
        items: strictObject({ start: ref('timeOfDay'), end: ref('timeOfDay') }, ['start', 'end']),
      },
      holidays: { type: 'array', maxItems: 1000, items: ref('dated') },
      makeUpWorkdays: { type: 'array', maxItems: 1000, items: ref('dated') },
    },
    ['timeZone', 'workingDays', 'workingHours', 'holidays', 'makeUpWorkdays'],
  ),
  rule: strictObject({ id, name: localizedText, description: localizedText, logic: jsonLogic }, [
    'id',
    'name',
    'logic',
  ]),
  ruleSet: strictObject(
    {
      escalate: ref('rule'),
      whistle: ref('rule'),
      returnAllowed: ref('rule'),
      extensionAllowed: ref('rule'),
      verifierAllowed: ref('rule'),
      publicNotice: ref('rule'),
      redo: ref('rule'),
      autoFile: ref('rule'),
      raterAllowed: ref('rule'),
      custom: {
        type: 'object',
        description: 'Rules of processes a developer added in code, by key (read with env.rule(key, facts)).',
        maxProperties: 200,
        propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' },
        additionalProperties: ref('rule'),
      },
      limits: strictObject(
        {
          maxExtensions: { type: 'integer', minimum: 0 },
          maxReturns: { type: 'integer', minimum: 0 },
          maxWhistleDepartments: { type: 'integer', minimum: 0 },
        },
        ['maxExtensions', 'maxReturns', 'maxWhistleDepartments'],
      ),
    },
    ['escalate', 'whistle', 'returnAllowed', 'extensionAllowed', 'verifierAllowed', 'publicNotice', 'redo', 'limits'],
  ),
  coordination: strictObject(
    {
      requiredParties: { type: 'array', minItems: 1, maxItems: 20, items: code },
      noticeDays: { type: 'integer', minimum: 0 },
      quorum: { type: 'integer', minimum: 1 },
      matterTypes: {
        type: 'array',
        maxItems: 200,
        items: strictObject(
          { id, code, name: localizedText, decision: { type: 'string', enum: ['consensus', 'majority'] } },
          ['id', 'code', 'name', 'decision'],
        ),
      },
      ownersVote: strictObject(
        {
          participationByArea: fraction,
          participationByHeadcount: fraction,
          ordinaryByArea: fraction,
          ordinaryByHeadcount: fraction,
          majorByArea: fraction,
          majorByHeadcount: fraction,
          majorMatters: { type: 'array', maxItems: 200, items: code },
        },
        [
          'participationByArea',
          'participationByHeadcount',
          'ordinaryByArea',
          'ordinaryByHeadcount',
          'majorByArea',
          'majorByHeadcount',
          'majorMatters',
        ],
      ),
      actionItemDays: { type: 'integer', minimum: 1 },
      rules: strictObject(Object.fromEntries(COORDINATION_RULE_KEYS.map((k) => [k, ref('rule')])), []),
    },
    ['requiredParties', 'noticeDays', 'quorum', 'matterTypes', 'ownersVote', 'actionItemDays'],
  ),
  indicator: strictObject(
    {
      code,
      name: localizedText,
      formula: jsonLogic,
      weight: { type: 'number' },
      better: { type: 'string', enum: ['higher', 'lower'] },
    },
    ['code', 'name', 'formula', 'weight'],
  ),
  evaluation: strictObject(
    {
      scale: {
        type: 'array',
        minItems: 2,
        maxItems: 20,
        items: strictObject({ code, name: localizedText, score: { type: 'number' } }, ['code', 'name', 'score']),
      },
      unsatisfied: { type: 'array', maxItems: 20, items: code },
      basicallySatisfiedWeight: { type: 'number' },
      revisitAttempts: { type: 'integer', minimum: 1, maximum: 20 },
      controllableReasons: { type: 'array', maxItems: 200, items: ref('named') },
      ratingThatCounts: { type: 'string', enum: ['first', 'final'] },
      exclusionsNeedApproval: { type: 'boolean' },
      publicNoticeNeedsApproval: { type: 'boolean' },
      indicators: { type: 'array', maxItems: 200, items: ref('indicator') },
    },
    [
      'scale',
      'unsatisfied',
      'basicallySatisfiedWeight',
      'revisitAttempts',
      'controllableReasons',
      'ratingThatCounts',
      'exclusionsNeedApproval',
      'publicNoticeNeedsApproval',
      'indicators',
    ],
  ),
  permissionRow: strictObject(
    {
      id,
      role: code,
      command: { type: 'string', maxLength: 200, pattern: PolicyPattern.COMMAND },
      scope: { type: 'string', enum: scopeEnum },
      levels: { type: 'array', minItems: 1, maxItems: 7, uniqueItems: true, items: level },
      actFor: {
        type: 'array',
        minItems: 1,
        maxItems: 50,
        uniqueItems: true,
        description: 'Parties the role may act for in commands that name a party (`*`: any).',
        items: { type: 'string', maxLength: 164, pattern: '^(\\*|[a-z][a-z0-9_]{0,63}(:[A-Za-z0-9_.-]{1,100})?)$' },
      },
    },
    ['id', 'role', 'command', 'scope'],
  ),
  privacy: strictObject({ unmaskedRoles: { type: 'array', maxItems: 200, items: code } }, ['unmaskedRoles']),
} as const satisfies Record<string, PolicyJsonSchema>;

export type PolicyDefName = keyof typeof policyDefs;

/**
 * A self-contained schema for one part of the policy (it carries the shared `$defs`).
 *
 * @example
 * const schema = policyPartSchema('routingRow'); // give it to any JSON Schema 2020-12 validator
 * schema.$schema; // 'https://json-schema.org/draft/2020-12/schema'
 * Object.keys(schema.$defs as object).includes('routingRow'); // true
 */
export function policyPartSchema<K extends PolicyDefName>(name: K): PolicyJsonSchema {
  return { $schema: DRAFT, ...(policyDefs[name] as PolicyJsonSchema), $defs: policyDefs };
}

export const localizedTextSchema = policyPartSchema('localizedText');
export const durationSchema = policyPartSchema('duration');
export const organisationSchema = policyPartSchema('organisation');
export const categorySchema = policyPartSchema('category');
export const attributeSchema = policyPartSchema('attribute');
export const routingRowSchema = policyPartSchema('routingRow');
export const routingTableSchema = policyPartSchema('routingTable');
export const timeLimitCellSchema = policyPartSchema('timeLimitCell');
export const filingLimitSchema = policyPartSchema('filingLimit');
export const timeLimitsSchema = policyPartSchema('timeLimits');
export const calendarSchema = policyPartSchema('calendar');
export const ruleSchema = policyPartSchema('rule');
export const ruleSetSchema = policyPartSchema('ruleSet');
export const coordinationSchema = policyPartSchema('coordination');
export const indicatorSchema = policyPartSchema('indicator');
export const evaluationSchema = policyPartSchema('evaluation');
export const permissionRowSchema = policyPartSchema('permissionRow');
export const privacySchema = policyPartSchema('privacy');

/**
 * The schema of a whole policy: every part, as one JSON document
 *
 * @example
 * // new Ajv2020({ allErrors: true }).compile(policySchema) checks a document's shape; validatePolicy checks its meaning too
 * policySchema.$id; // 'https://gridflow.dev/schemas/policy.json'
 * policySchema.required.includes('routing'); // true
 */
export const policySchema = {
  $schema: DRAFT,
  $id: 'https://gridflow.dev/schemas/policy.json',
  title: 'Gridflow policy',
  description:
    'Every decision of a district that may change without code: routing, time limits, calendar, rules, coordination, evaluation, permissions.',
  type: 'object',
  properties: {
    $schema: { type: 'string', maxLength: 200 },
    id,
    version: { type: 'integer', minimum: 1 },
    status: { type: 'string', enum: ['draft', 'in_review', 'published', 'retired'] },
    effectiveFrom: { type: 'string', maxLength: 40, pattern: PolicyPattern.DATE_TIME },
    author: { type: 'string', minLength: 1, maxLength: 200 },
    changeNote: { type: 'string', maxLength: 4000 },
    name: localizedText,
    organisation: ref('organisation'),
    urgencies: { type: 'array', minItems: 1, maxItems: 20, items: ref('named') },
    categories: { type: 'array', minItems: 1, maxItems: 1000, items: ref('category') },
    routing: ref('routingTable'),
    timeLimits: ref('timeLimits'),
    calendar: ref('calendar'),
    rules: ref('ruleSet'),
    coordination: ref('coordination'),
    evaluation: ref('evaluation'),
    permissions: { type: 'array', maxItems: 5000, items: ref('permissionRow') },
    privacy: ref('privacy'),
  },
  required: [
    'id',
    'version',
    'status',
    'effectiveFrom',
    'author',
    'changeNote',
    'name',
    'organisation',
    'urgencies',
    'categories',
    'routing',
    'timeLimits',
    'calendar',
    'rules',
    'coordination',
    'evaluation',
    'permissions',
    'privacy',
  ],
  additionalProperties: false,
  $defs: policyDefs,
} as const satisfies PolicyJsonSchema;
