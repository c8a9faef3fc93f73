import type { FastifyInstance } from 'fastify';
import { validatePolicy, type Locale, type Policy } from '@gridflow/core';
import type { StoredPolicy } from '../../context.js';
import { simulatePolicy, type SimulationStep } from '../../policies/simulate.js';
import { currentPolicy, mayAnywhere, requireAnywhere } from '../access.js';
import { callerOf, type HttpEnv } from '../env.js';
import { TENANT_PATTERN, type Caller } from '../auth.js';
import { HttpError } from '../errors.js';
import {
  listSchema,
  caseDetailSchema,
  componentRef,
  errorResponses,
  historyEntrySchema,
  userCommands,
} from '../schemas.js';
import type { Schema } from '../validation.js';
import { caseDetail, historyView, stateNamesOf } from '../views.js';
import {
  policyIdParam,
  versionParam,
  idParams,
  versionParams,
  note,
  metaProperties,
  storedPolicySchema,
  problemSchema,
  simulateBodySchema,
} from './policySchemas.js';

const TAG = 'policies';
const bearer = [{ bearer: [] }];
const EDIT = ['policy.edit'];
const REVIEW = ['policy.edit', 'policy.approve', 'policy.publish'];

/** A stored policy without its document, for lists. */
function meta(p: StoredPolicy): Record<string, unknown> {
  return {
    id: p.id,
    version: p.version,
    status: p.status,
    author: p.author,
    ...(p.reviewedBy ? { reviewedBy: p.reviewedBy } : {}),
    ...(p.reviewNote ? { reviewNote: p.reviewNote } : {}),
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    ...(p.publishedAt !== undefined ? { publishedAt: p.publishedAt } : {}),
    name: p.document.name,
    changeNote: p.document.changeNote,
  };
}

const isPublic = (p: StoredPolicy) => p.status === 'published' || p.status === 'retired';

async function policyRights(env: HttpEnv, caller: Caller): Promise<{ policy: Policy | null; staff: boolean }> {
  const policy = await currentPolicy(env.ctx, caller.tenant);
  return { policy, staff: REVIEW.some((c) => mayAnywhere(policy, caller.actor, c)) };
}

async function require(
  env: HttpEnv,
  caller: Caller,
  commands: readonly string[],
  en: string,
  zh: string,
): Promise<void> {
  requireAnywhere(await currentPolicy(env.ctx, caller.tenant), caller.actor, commands, { en, zh });
}

/** 404 `policy.not_found` for a policy id with no version (of those the caller may see). */
function unknownPolicy(id: string): HttpError {
  return new HttpError(404, 'policy.not_found', `找不到政策 ${id}`, `Policy ${id} not found`);
}

async function stored(env: HttpEnv, caller: Caller, id: string, version: number): Promise<StoredPolicy> {
  const found = await env.ctx.policies.get(caller.tenant, id, version);
  if (!found)
    throw new HttpError(
      404,
      'policy.not_found',
      `找不到政策 ${id} 第 ${version} 版`,
      `Policy ${id} version ${version} not found`,
    );
  return found;
}

interface SimulateBody {
  process?: string;
  input: Record<string, unknown>;
  steps?: SimulationStep[];
  at?: number;
  lang?: Locale;
}

/** Policies: versions, drafts (autosave), validation, diff, simulation, review, publishing, rollback, migration, export. */
export function policyRoutes(app: FastifyInstance, env: HttpEnv): void {
  const { ctx } = env;
  const commandTypes = [...userCommands(env.processes).keys()];

  app.get<{ Querystring: { id?: string } }>(
    '/api/v1/policies',
    {
      schema: {
        tags: [TAG],
        summary: 'List policy versions',
        description:
          'Policy staff see every version; others see published and retired ones. With `id`, a policy with no version the caller may see is 404 `policy.not_found`.',
        security: bearer,
        querystring: { type: 'object', additionalProperties: false, properties: { id: policyIdParam } },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: { type: 'object', properties: metaProperties } } },
          },
          ...errorResponses(400, 401, 404, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { staff } = await policyRights(env, caller);
      const list = (await ctx.policies.list(caller.tenant, request.query.id)).filter((p) => staff || isPublic(p));
      if (request.query.id !== undefined && list.length === 0) throw unknownPolicy(request.query.id);
      return { items: list.map(meta) };
    },
  );

  app.get<{ Querystring: { tenant?: string } }>(
    '/api/v1/policies/current',
    {
      schema: {
        tags: [TAG],
        summary: 'The policy in effect now',
        description:
          'What intake forms need (categories, urgencies, anonymous reporting). Open without a token for anonymous intake (`tenant` parameter).',
        security: [{}, { bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { tenant: { type: 'string', maxLength: 64, pattern: TENANT_PATTERN.source } },
        },
        response: { 200: componentRef('Policy'), ...errorResponses(400, 409, 429) },
      },
    },
    async (request) => {
      const tenant = request.caller?.tenant ?? request.query.tenant ?? ctx.config.demoTenant;
      const policy = await currentPolicy(ctx, tenant);
      if (!policy)
        throw new HttpError(
          409,
          'policy.none_published',
          '本辖区尚未发布政策',
          'This tenant has no published policy yet',
        );
      return policy;
    },
  );

  app.get<{ Params: { policyId: string; version: number } }>(
    '/api/v1/policies/:policyId/versions/:version',
    {
      schema: {
        tags: [TAG],
        summary: 'Read one policy version',
        security: bearer,
        params: versionParams,
        response: { 200: storedPolicySchema, ...errorResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { staff } = await policyRights(env, caller);
      const found = await stored(env, caller, request.params.policyId, request.params.version);
      if (!staff && !isPublic(found))
        throw new HttpError(404, 'policy.not_found', '找不到该政策版本', 'Policy version not found');
      return found;
    },
  );

  app.post<{ Params: { policyId: string }; Body: { document?: Record<string, unknown> } }>(
    '/api/v1/policies/:policyId/drafts',
    {
      schema: {
        tags: [TAG],
        summary: 'Create a draft',
        description:
          'A copy of the given document, or of the latest version, with the next version number. Needs `policy.edit`.',
        security: bearer,
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { document: { ...componentRef('Policy'), description: 'Optional: the document to start from.' } },
        },
        response: { 201: storedPolicySchema, ...errorResponses(400, 401, 403, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      await require(env, caller, EDIT, 'edit policies', '编辑政策');
      let document: Policy | undefined;
      if (request.body.document !== undefined) {
        const shape = validatePolicy(request.body.document, { semantic: false });
        if (!shape.valid) {
          throw new HttpError(400, 'policy.invalid', '政策文档格式有误', 'The policy document is malformed', {
            path: `/document${shape.problems[0]?.path ?? ''}`,
            details: { problems: shape.problems },
          });
        }
        document = request.body.document as unknown as Policy;
      }
      const draft = await ctx.policies.createDraft(caller.tenant, request.params.policyId, caller.actor.id, document);
      void reply.code(201);
      return draft;
    },
  );

  app.put<{ Params: { policyId: string; version: number }; Body: { document: Record<string, unknown> } }>(
    '/api/v1/policies/:policyId/versions/:version',
    {
      schema: {
        tags: [TAG],
        summary: 'Save a draft (autosave)',
        description:
          'Replaces a draft’s document, valid or not, and returns its validation problems. Only drafts. Needs `policy.edit`.',
        security: bearer,
        params: versionParams,
        body: {
          type: 'object',
          required: ['document'],
          additionalProperties: false,
          properties: {
            document: {
              type: 'object',
              maxProperties: 40,
              description: 'The policy document being edited (may be incomplete).',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { policy: storedPolicySchema, problems: { type: 'array', items: problemSchema } },
          },
          ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      await require(env, caller, EDIT, 'edit policies', '编辑政策');
      return ctx.policies.updateDraft(
        caller.tenant,
        request.params.policyId,
        request.params.version,
        request.body.document,
        caller.actor.id,
      );
    },
  );

  app.post<{ Body: { document: unknown } }>(
    '/api/v1/policies/validate',
    {
      schema: {
        tags: [TAG],
        summary: 'Validate a policy document',
        description:
          'Shape (JSON Schema) and meaning (references, routing reachability, rules, limits…), each problem with the JSON Pointer of its cell.',
        security: bearer,
        body: { type: 'object', required: ['document'], additionalProperties: false, properties: { document: {} } },
        response: {
          200: {
            type: 'object',
            properties: { valid: { type: 'boolean' }, problems: { type: 'array', items: problemSchema } },
          },
          ...errorResponses(400, 401, 403, 413, 415, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      await require(env, caller, REVIEW, 'work on policies', '处理政策');
      const result = env.ctx.policies.validate(request.body.document);
      return { valid: result.valid, problems: result.problems };
    },
  );

  app.get<{ Params: { policyId: string }; Querystring: { from: number; to: number } }>(
    '/api/v1/policies/:policyId/diff',
    {
      schema: {
        tags: [TAG],
        summary: 'What changed between two versions',
        security: bearer,
        params: idParams,
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: { from: versionParam, to: versionParam },
        },
        response: {
          200: { type: 'object', properties: { changes: { type: 'array', items: { type: 'object' } } } },
          ...errorResponses(400, 401, 403, 404, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      await require(env, caller, REVIEW, 'work on policies', '处理政策');
      const { from, to } = request.query;
      await stored(env, caller, request.params.policyId, from);
      await stored(env, caller, request.params.policyId, to);
      return { changes: await ctx.policies.diff(caller.tenant, request.params.policyId, from, to) };
    },
  );

  app.post<{ Params: { policyId: string; version: number }; Body: SimulateBody }>(
    '/api/v1/policies/:policyId/versions/:version/simulate',
    {
      schema: {
        tags: [TAG],
        summary: 'Simulate a case against a version (usually a draft)',
        description:
          'Runs a submission through a runtime with an in-memory store and this version as the only policy (nothing is stored): returns the routing decision, the deadlines and every rule decision explained. A grid case is filed first unless `steps` say otherwise; a step `{advanceMs}` moves the simulated clock and fires due deadlines.',
        security: bearer,
        params: versionParams,
        body: simulateBodySchema(
          env.processes.map((p) => p.id),
          commandTypes,
        ),
        response: {
          200: {
            type: 'object',
            properties: {
              case: caseDetailSchema,
              routing: { type: ['object', 'null'] },
              deadlines: { type: 'array', items: { type: 'object' } },
              history: { type: 'array', items: historyEntrySchema },
            },
          },
          ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      await require(env, caller, ['policy.edit', 'policy.approve'], 'simulate policies', '模拟政策');
      const found = await stored(env, caller, request.params.policyId, request.params.version);
      const checked = env.ctx.policies.validate(found.document);
      if (!checked.policy) {
        throw new HttpError(
          422,
          'policy.invalid',
          '该版本政策有错误，无法模拟',
          'This policy version has errors and cannot be simulated',
          {
            details: { problems: checked.problems },
          },
        );
      }
      const process = request.body.process ?? 'gridEscalation';
      if (!env.definitions.some((d) => d.id === process)) {
        throw new HttpError(
          400,
          'process.not_found',
          `不能模拟流程 ${process}`,
          `Process ${process} cannot be simulated`,
          { path: '/process' },
        );
      }
      const sim = await simulatePolicy({
        policy: checked.policy,
        processes: env.definitions,
        process,
        tenant: caller.tenant,
        input: request.body.input,
        at: request.body.at ?? ctx.clock.now(),
        ...(request.body.steps ? { steps: request.body.steps } : {}),
      });
      const { record, routing, policy } = sim;
      const lang = request.body.lang ?? 'zh';
      const names = stateNamesOf(sim.processes);
      const facts = env.definitions.find((d) => d.id === record.process)?.facts;
      const history = historyView(sim.history, () => policy, lang, 'self', {}, undefined, facts).view;
      const explained = routing
        ? (history
            .flatMap((h) => h.decisions)
            .filter((d) => d.rule === routing.rule)
            .pop() ?? null)
        : null;
      return {
        case: caseDetail(record, names, 'self').view,
        routing: explained,
        deadlines: (record.snapshot.context.deadlines ?? []).map((d) => ({
          ...d,
          dueAtIso: new Date(d.dueAt).toISOString(),
        })),
        history,
      };
    },
  );

  const transition = (
    url: string,
    summary: string,
    description: string,
    commands: readonly string[],
    body: Schema | undefined,
    act: (
      caller: Caller,
      params: { policyId: string; version: number },
      body: { note?: string },
    ) => Promise<StoredPolicy>,
  ) =>
    app.post<{ Params: { policyId: string; version: number }; Body: { note?: string } }>(
      url,
      {
        schema: {
          tags: [TAG],
          summary,
          description,
          security: bearer,
          params: versionParams,
          ...(body ? { body } : {}),
          response: { 200: storedPolicySchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        await require(env, caller, commands, summary.toLowerCase(), '处理政策');
        return act(caller, request.params, request.body ?? {});
      },
    );

  transition(
    '/api/v1/policies/:policyId/versions/:version/submit',
    'Submit a draft for review',
    'Needs `policy.edit`.',
    EDIT,
    undefined,
    (caller, p) => ctx.policies.submitForReview(caller.tenant, p.policyId, p.version, caller.actor.id),
  );
  transition(
    '/api/v1/policies/:policyId/versions/:version/approve',
    'Approve a version under review',
    'Needs `policy.approve`; the author of a draft cannot approve it (403 `policy.author_cannot_approve`).',
    ['policy.approve'],
    note(false),
    async (caller, p, body) => {
      const found = await stored(env, caller, p.policyId, p.version);
      if (found.author === caller.actor.id) {
        throw new HttpError(
          403,
          'policy.author_cannot_approve',
          '起草人不能审批自己起草的政策',
          'The author of a draft cannot approve it',
        );
      }
      return ctx.policies.approve(caller.tenant, p.policyId, p.version, caller.actor.id, body.note);
    },
  );
  transition(
    '/api/v1/policies/:policyId/versions/:version/reject',
    'Reject a version under review',
    'Needs `policy.approve`; a note is required.',
    ['policy.approve'],
    note(true),
    (caller, p, body) => ctx.policies.reject(caller.tenant, p.policyId, p.version, caller.actor.id, body.note ?? ''),
  );
  transition(
    '/api/v1/policies/:policyId/versions/:version/publish',
    'Publish an approved version',
    'Needs `policy.publish` (only an approver). New cases then use this version; open cases keep theirs until migrated.',
    ['policy.publish'],
    undefined,
    (caller, p) => ctx.policies.publish(caller.tenant, p.policyId, p.version, caller.actor.id),
  );

  app.post<{ Params: { policyId: string }; Body: { toVersion: number } }>(
    '/api/v1/policies/:policyId/rollback',
    {
      schema: {
        tags: [TAG],
        summary: 'Roll back to an earlier version',
        description: 'Republishes an earlier version as a new version number. Needs `policy.publish`.',
        security: bearer,
        params: idParams,
        body: {
          type: 'object',
          required: ['toVersion'],
          additionalProperties: false,
          properties: { toVersion: versionParam },
        },
        response: { 200: storedPolicySchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      await require(env, caller, ['policy.publish'], 'publish policies', '发布政策');
      await stored(env, caller, request.params.policyId, request.body.toVersion);
      return ctx.policies.rollback(caller.tenant, request.params.policyId, request.body.toVersion, caller.actor.id);
    },
  );

  app.get<{ Params: { policyId: string } }>(
    '/api/v1/policies/:policyId/open-cases',
    {
      schema: {
        tags: [TAG],
        summary: 'Open cases per version',
        description: 'How many open cases each version governs. A policy with no version is 404 `policy.not_found`.',
        security: bearer,
        params: idParams,
        response: {
          200: listSchema({ type: 'object', properties: { version: { type: 'integer' }, open: { type: 'integer' } } }),
          ...errorResponses(400, 401, 403, 404, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      await require(env, caller, REVIEW, 'work on policies', '处理政策');
      const { policyId } = request.params;
      if ((await ctx.policies.list(caller.tenant, policyId)).length === 0) throw unknownPolicy(policyId);
      return { items: await ctx.policies.openCaseCounts(caller.tenant, policyId) };
    },
  );

  app.post<{ Params: { policyId: string }; Body: { caseIds: string[]; toVersion: number } }>(
    '/api/v1/policies/:policyId/migrations',
    {
      schema: {
        tags: [TAG],
        summary: 'Move chosen open cases to a version',
        description:
          'Recomputes their deadlines under the target version, in one transaction; recorded in each case’s history. Needs `policy.publish`.',
        security: bearer,
        params: idParams,
        body: {
          type: 'object',
          required: ['caseIds', 'toVersion'],
          additionalProperties: false,
          properties: {
            caseIds: {
              type: 'array',
              minItems: 1,
              maxItems: 500,
              uniqueItems: true,
              items: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' },
            },
            toVersion: versionParam,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              migrated: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    policyVersion: { type: 'integer' },
                    version: { type: 'integer' },
                  },
                },
              },
            },
          },
          ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      await require(env, caller, ['policy.publish'], 'migrate cases', '迁移案件');
      const target = await stored(env, caller, request.params.policyId, request.body.toVersion);
      if (target.status !== 'published' && target.status !== 'retired') {
        throw new HttpError(
          409,
          'policy.not_published',
          '只能迁移到已发布的版本',
          'Cases can only move to a published version',
        );
      }
      const runtime = await env.runtime(caller.tenant);
      const migrated = await runtime.migrate(request.body.caseIds, request.body.toVersion, {
        actor: caller.actor,
        tenant: caller.tenant,
      });
      return { migrated: migrated.map((r) => ({ id: r.id, policyVersion: r.policyVersion, version: r.version })) };
    },
  );
}
