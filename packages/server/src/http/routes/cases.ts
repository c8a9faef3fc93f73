import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type CaseRecord, type Locale, type Policy, type Runtime } from '@gridflow/core';
import { currentPolicy, isStaff, mayRead, policyOfCase, scopesOf, visibilityByProcess } from '../access.js';
import { TENANT_PATTERN, type Caller } from '../auth.js';
import { listVisibleCases, type CaseSort } from '../caseQueries.js';
import { callerOf, readableCase, type HttpEnv } from '../env.js';
import { httpErrors, type HttpError } from '../errors.js';
import { placeByLocation, submitCase, type SubmitBody } from '../intake.js';
import { maskPersonalData, piiReadsOf, recordPiiRead, revealFor } from '../privacy.js';
import {
  listSchema,
  caseDetailSchema,
  caseIdParams,
  caseItemSchema,
  commandBodySchema,
  availableCommandSchema,
  errorResponses,
  historyEntrySchema,
  langQuery,
  pageSchema,
  submitBodySchema,
} from '../schemas.js';
import { sqlExecutorOf } from '../../store/sqlStore.js';
import type { SqlExecutor } from '../../store/sql.js';
import {
  caseDetail,
  caseItem,
  historyView,
  maskedItem,
  type CaseDetail,
  type CaseItem,
  type StaffTest,
  type StateNames,
} from '../views.js';

const TAG = 'cases';
const bearer = [{ bearer: [] }];

/** What building a caller's view of a case needs besides the case: read before, so a view can be built in a transaction. */
interface ViewInputs {
  names: StateNames;
  current: Policy | null;
}

const viewInputs = async (env: HttpEnv, caller: Caller): Promise<ViewInputs> => ({
  names: await env.stateNames(caller.tenant),
  current: await currentPolicy(env.ctx, caller.tenant),
});

/**
 * The detail view of a record for a caller, recording any read of unmasked personal data through `audit` (by
 * default the server's connection: a commit of its own).
 */
export async function viewCase(
  env: HttpEnv,
  caller: Caller,
  runtime: Runtime,
  record: CaseRecord,
  options: { echoOfOwnSubmission?: boolean; inputs?: ViewInputs; audit?: SqlExecutor } = {},
): Promise<CaseDetail> {
  const { names, current } = options.inputs ?? (await viewInputs(env, caller));
  const policy = policyOfCase(runtime, record, current);
  const reveal = revealFor(policy, caller.actor, record.summary);
  const { view, revealed } = caseDetail(record, names, reveal, staffTest(policy));
  // Answering a fresh submission echoes what the caller just sent: not a read of stored personal data.
  if (reveal === 'role' && !options.echoOfOwnSubmission) {
    await recordPiiRead(options.audit ?? env.ctx.sql, {
      tenant: record.tenant,
      caseId: record.id,
      actorId: caller.actor.id,
      at: env.ctx.clock.now(),
      fields: revealed,
    });
  }
  return view;
}

/** Whether an actor in a case's data works for a unit under the case's policy: their name is not personal data. */
export const staffTest =
  (policy: Policy | null): StaffTest =>
  (actor) =>
    isStaff(policy, { id: actor.id, roles: [...actor.roles], units: [] });

/** The view of a case a command returned: the detail when the caller may still read it, else the list item. */
function viewAfterCommand(
  env: HttpEnv,
  caller: Caller,
  runtime: Runtime,
  record: CaseRecord,
  inputs: ViewInputs,
  audit: SqlExecutor,
): Promise<CaseDetail | CaseItem> | CaseItem {
  if (mayRead(runtime, record, caller.actor)) return viewCase(env, caller, runtime, record, { inputs, audit });
  return maskedItem(caseItem(record, inputs.names), 'none');
}

const idempotencyHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      minLength: 8,
      maxLength: 200,
      pattern: '^[\\x21-\\x7e]+$',
      description:
        'A retried submission with the same key and body (from the same caller; for an anonymous report, the same body) returns the first case instead of a second one. The same key with another body is refused (422 `idempotency.key_reused`), and while the first request is still running (409 `idempotency.in_flight`).',
    },
  },
};

async function submit(
  env: HttpEnv,
  request: FastifyRequest<{ Body: SubmitBody }>,
  reply: FastifyReply,
): Promise<CaseDetail> {
  const { record, replayed, caller, runtime } = await submitCase(env, request);
  void reply.code(replayed ? 200 : 201);
  if (replayed) void reply.header('idempotent-replayed', 'true');
  void reply.header('location', `/api/v1/cases/${encodeURIComponent(record.id)}`);
  return viewCase(env, caller, runtime, record, { echoOfOwnSubmission: !replayed });
}

interface ListQuery {
  state?: string[];
  process?: string;
  level?: string;
  unit?: string;
  category?: string;
  overdue?: boolean;
  open?: boolean;
  mine?: boolean;
  text?: string;
  sort?: CaseSort;
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
}

const code = (max = 100) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '^[A-Za-z0-9_.:-]+$' });

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    state: {
      type: 'array',
      items: code(),
      maxItems: 20,
      description: 'State prefixes, comma-separated: `handling` matches `handling.working`.',
    },
    process: code(),
    level: code(),
    unit: { ...code(200), description: 'Only cases of this unit (`grid:g-01`).' },
    category: code(),
    overdue: { type: 'boolean' },
    open: { type: 'boolean' },
    mine: { type: 'boolean', description: 'Only cases the caller reported or handles.' },
    text: { type: 'string', minLength: 1, maxLength: 100, description: 'Words in the title.' },
    sort: {
      type: 'string',
      enum: ['deadline', 'created', 'updated'],
      description: 'Default `deadline` (earliest first; cases without one last).',
    },
    order: { type: 'string', enum: ['asc', 'desc'] },
    limit: { type: 'integer', minimum: 1, maximum: 200, description: 'Default 50.' },
    cursor: { type: 'string', minLength: 1, maxLength: 500 },
  },
};

/** Cases: submit, list, read, history, the commands a caller may give, and giving one. */
export function caseRoutes(app: FastifyInstance, env: HttpEnv): void {
  const { processes } = env;

  app.post<{ Body: SubmitBody }>(
    '/api/v1/cases',
    {
      schema: {
        tags: [TAG],
        summary: 'Submit a case (上报)',
        description:
          'Submits a case of a process. Without a token only an anonymous grid-escalation report is accepted, and only for categories that allow anonymous reporting (`tenant` query parameter; default the demo tenant). A grid-escalation report with `location` and no `units` is placed in the grid containing the point; `coordinateSystem` (`wgs84` default, `gcj02`, `bd09`) says which system `location` is in, and it is stored converted to WGS-84. `Idempotency-Key` makes retries safe.',
        security: [{}, { bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { tenant: { type: 'string', maxLength: 64, pattern: TENANT_PATTERN.source } },
        },
        headers: idempotencyHeaders,
        body: submitBodySchema(processes),
        response: {
          201: { ...caseDetailSchema, description: 'Created' },
          200: { ...caseDetailSchema, description: 'A retry with an Idempotency-Key already used: the first case' },
          ...errorResponses(400, 401, 403, 409, 413, 415, 422, 429),
        },
      },
      preValidation: async (request) => placeByLocation(env, request),
    },
    (request, reply) => submit(env, request, reply),
  );

  app.get<{ Querystring: ListQuery }>(
    '/api/v1/cases',
    {
      schema: {
        tags: [TAG],
        summary: 'List cases the caller may see',
        description:
          'Restricted in the query itself to the cases within the caller’s scopes (their units, or their own matters). Sorted by deadline by default; cursor pagination.',
        security: bearer,
        querystring: listQuery,
        response: { 200: pageSchema(caseItemSchema), ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const q = request.query;
      const policy = await currentPolicy(env.ctx, caller.tenant);
      const runtime = await env.runtime(caller.tenant);
      const sort = q.sort ?? 'deadline';
      const page = await listVisibleCases(env.ctx.sql, {
        tenant: caller.tenant,
        actorId: caller.actor.id,
        visibility: visibilityByProcess(policy, caller.actor, runtime),
        sort,
        order: q.order ?? (sort === 'deadline' ? 'asc' : 'desc'),
        limit: q.limit ?? 50,
        ...(q.state ? { states: q.state } : {}),
        ...(q.process ? { process: q.process } : {}),
        ...(q.level ? { level: q.level } : {}),
        ...(q.unit ? { unit: q.unit } : {}),
        ...(q.category ? { category: q.category } : {}),
        ...(q.overdue !== undefined ? { overdue: q.overdue } : {}),
        ...(q.open !== undefined ? { open: q.open } : {}),
        ...(q.mine ? { mine: true } : {}),
        ...(q.text ? { text: q.text } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      const names = await env.stateNames(caller.tenant);
      return {
        items: page.items.map((row) => maskedItem(caseItem(row, names), revealFor(policy, caller.actor, row.summary))),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get<{ Querystring: { category: string; lng?: number; lat?: number; radius?: number; withinHours?: number } }>(
    '/api/v1/cases/duplicates',
    {
      schema: {
        tags: [TAG],
        summary: 'Open cases that look like the same matter',
        description: 'Same category, open, recent and (with a location) nearby; only cases the caller may see.',
        security: bearer,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['category'],
          dependentRequired: { lng: ['lat'], lat: ['lng'] },
          properties: {
            category: code(),
            lng: { type: 'number', minimum: -180, maximum: 180 },
            lat: { type: 'number', minimum: -90, maximum: 90 },
            radius: { type: 'number', minimum: 1, maximum: 10000, description: 'Metres (default 300).' },
            withinHours: { type: 'number', minimum: 1, maximum: 8760, description: 'Hours (default 168).' },
          },
        },
        response: {
          200: listSchema({
            type: 'object',
            properties: {
              caseId: { type: 'string' },
              title: { type: 'string' },
              state: { type: 'string' },
              distanceMeters: { type: ['number', 'null'] },
              ageHours: { type: 'number' },
              score: { type: 'number' },
            },
          }),
          ...errorResponses(400, 401, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const q = request.query;
      const runtime = await env.runtime(caller.tenant);
      const suggestions = await runtime.suggestDuplicates({
        tenant: caller.tenant,
        category: q.category,
        ...(q.lng !== undefined && q.lat !== undefined ? { location: { lng: q.lng, lat: q.lat } } : {}),
        ...(q.radius !== undefined ? { radiusMeters: q.radius } : {}),
        ...(q.withinHours !== undefined ? { withinHours: q.withinHours } : {}),
      });
      const items = [];
      const policy = await currentPolicy(env.ctx, caller.tenant);
      for (const s of suggestions.slice(0, 50)) {
        try {
          const found = await runtime.get(s.caseId, { actor: caller.actor, tenant: caller.tenant });
          // A title may quote a phone number: masked like the case's other text.
          const reveal = revealFor(policyOfCase(runtime, found, policy), caller.actor, found.summary) !== 'none';
          items.push(maskPersonalData(s, { reveal }).value);
        } catch {
          // not visible to the caller
        }
        if (items.length >= 20) break;
      }
      return { items };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/cases/:id',
    {
      schema: {
        tags: [TAG],
        summary: 'Read a case',
        description: 'Personal data is masked unless the caller’s role is granted it; every unmasked read is recorded.',
        security: bearer,
        params: caseIdParams,
        response: { 200: caseDetailSchema, ...errorResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { record, runtime } = await readableCase(env, caller, request.params.id);
      return viewCase(env, caller, runtime, record);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { lang?: Locale } }>(
    '/api/v1/cases/:id/history',
    {
      schema: {
        tags: [TAG],
        summary: 'History of a case with rule explanations',
        description: 'Every accepted command, oldest first, with the rule decisions it made explained in `lang`.',
        security: bearer,
        params: caseIdParams,
        querystring: langQuery,
        response: {
          200: {
            type: 'object',
            properties: { caseId: { type: 'string' }, items: { type: 'array', items: historyEntrySchema } },
          },
          ...errorResponses(400, 401, 404, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { record, runtime } = await readableCase(env, caller, request.params.id);
      const entries = await runtime.history(record.id, { actor: caller.actor, tenant: caller.tenant });
      const current = await currentPolicy(env.ctx, caller.tenant);
      const policy = policyOfCase(runtime, record, current);
      const reveal = revealFor(policy, caller.actor, record.summary);
      const registry = runtime.policiesFor(caller.tenant);
      const policyOf = (e: { policyId: string; policyVersion: number }) => {
        try {
          return registry.get(e.policyId, e.policyVersion);
        } catch {
          return current;
        }
      };
      const facts = env.definitions.find((d) => d.id === record.process)?.facts;
      const { view, revealed } = historyView(
        entries,
        policyOf,
        request.query.lang ?? 'zh',
        reveal,
        { isStaff: staffTest(policy), record },
        await env.stateNames(caller.tenant),
        facts,
      );
      if (reveal === 'role') {
        await recordPiiRead(env.ctx.sql, {
          tenant: caller.tenant,
          caseId: record.id,
          actorId: caller.actor.id,
          at: env.ctx.clock.now(),
          fields: revealed,
        });
      }
      return { caseId: record.id, items: view };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/cases/:id/commands',
    {
      schema: {
        tags: [TAG],
        summary: 'Commands the caller may give now',
        description:
          'The commands the case’s state takes now and the policy lets the caller give, each with its input schema ' +
          'and whether the process accepts it from the caller now. A command the case’s rules refuse whatever the ' +
          'input comes with `available: false` and the `reason` in Chinese and English (show it disabled); one ' +
          'whose acceptance depends on the input comes with `available: true` and a `condition`. Commands the ' +
          'state does not take or the policy does not let the caller give are left out.',
        security: bearer,
        params: caseIdParams,
        response: {
          200: {
            type: 'object',
            properties: {
              caseId: { type: 'string' },
              version: { type: 'integer' },
              state: { type: 'string' },
              commands: { type: 'array', items: availableCommandSchema },
            },
          },
          ...errorResponses(400, 401, 404, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { record, runtime } = await readableCase(env, caller, request.params.id);
      const commands = await runtime.availableCommands(record.id, { actor: caller.actor, tenant: caller.tenant });
      return {
        caseId: record.id,
        version: record.version,
        state: record.state,
        commands: commands.map((c) => ({
          type: c.type,
          name: c.name,
          inputSchema: c.inputSchema,
          available: c.available,
          ...(c.reason ? { reason: c.reason } : {}),
          ...(c.condition ? { condition: c.condition } : {}),
        })),
      };
    },
  );

  app.post<{
    Params: { id: string };
    Body: { type: string; input?: Record<string, unknown>; expectedVersion: number };
  }>(
    '/api/v1/cases/:id/commands',
    {
      schema: {
        tags: [TAG],
        summary: 'Give a command',
        description:
          'Checked against the policy’s permission matrix and scope, the command’s input schema, the case’s state and the policy’s rules. `expectedVersion` must be the case’s current version (409 `case.conflict` otherwise).',
        security: bearer,
        params: caseIdParams,
        body: commandBodySchema(processes),
        response: { 200: caseDetailSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { type, input, expectedVersion } = request.body;
      return sendCommand(env, caller, request.params.id, type, input ?? {}, expectedVersion);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/cases/:id/pii-reads',
    {
      schema: {
        tags: [TAG],
        summary: 'Who read the case’s personal data (audit)',
        description: 'For staff whose scope is the whole tenant (e.g. assessors).',
        security: bearer,
        params: caseIdParams,
        response: {
          200: listSchema({
            type: 'object',
            properties: {
              id: { type: 'string' },
              caseId: { type: 'string' },
              actorId: { type: 'string' },
              at: { type: 'integer' },
              fields: { type: 'array', items: { type: 'string' } },
            },
          }),
          ...errorResponses(400, 401, 403, 404, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { record } = await readableCase(env, caller, request.params.id);
      const policy = await currentPolicy(env.ctx, caller.tenant);
      if (!scopesOf(policy, caller.actor).has('all') || !isStaff(policy, caller.actor)) {
        throw httpErrors.forbidden('read the personal-data audit', '查看个人信息访问记录');
      }
      return { items: await piiReadsOf(env.ctx.sql, caller.tenant, record.id) };
    },
  );
}

/** Gives a command on behalf of a caller and returns the case as the caller may now see it. */
export async function sendCommand(
  env: HttpEnv,
  caller: Caller,
  caseId: string,
  type: string,
  input: Record<string, unknown>,
  expectedVersion: number,
): Promise<CaseDetail | CaseItem> {
  const runtime = await env.runtime(caller.tenant);
  const inputs = await viewInputs(env, caller);
  let view: CaseDetail | CaseItem | undefined;
  await runtime.send(
    caseId,
    { type, input },
    {
      actor: caller.actor,
      tenant: caller.tenant,
      expectedVersion,
      // The answer's personal-data read is recorded in the command's own transaction: one commit, not two.
      beforeCommit: async (record, tx) => {
        // Another connection here would hold a second one while this one waits (PGlite has only one).
        const audit = sqlExecutorOf(tx);
        if (!audit) throw new Error('The case store passes no SQL executor (tx.native) for the personal-data audit');
        view = await viewAfterCommand(env, caller, runtime, record, inputs, audit);
      },
    },
  );
  if (!view) throw new Error('The command committed without building its answer');
  return view;
}

/** 404 for a case of another process than a convenience route serves. */
export function wrongProcess(kind: 'evaluation' | 'matter'): HttpError {
  return kind === 'evaluation' ? httpErrors.notFound('evaluation', '评价') : httpErrors.notFound('matter', '议事事项');
}
