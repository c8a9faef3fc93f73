import type { FastifyInstance } from 'fastify';
import { computeIndicators, rankUnits, type CaseRecord, type IndicatorReport } from '@gridflow/core';
import { currentPolicy, isStaff, requirePolicy, scopesOf } from '../access.js';
import { callerOf, type HttpEnv } from '../env.js';
import { HttpError, httpErrors } from '../errors.js';
import { errorResponses, localizedTextSchema, unitSchema } from '../schemas.js';
import type { Schema } from '../validation.js';

const TAG = 'indicators';
const DAY = 86_400_000;
/** Deadlines of cases dispatched shortly before a period still count in it: the runtime reads this lead-in too. */
const LEAD_IN = 60 * DAY;
const time = { type: 'integer', minimum: 0, maximum: 8_640_000_000_000, description: 'Epoch milliseconds.' };

const reportSchema: Schema = {
  type: 'object',
  properties: {
    from: { type: 'integer' },
    to: { type: 'integer' },
    unit: { type: 'string' },
    counts: { type: 'object', additionalProperties: { type: 'integer' } },
    indicators: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          name: localizedTextSchema,
          value: { type: ['number', 'null'] },
          weight: { type: 'number' },
          better: { enum: ['higher', 'lower'] },
        },
      },
    },
    score: { type: ['number', 'null'], description: 'Weighted composite, 0–100.' },
  },
};

function period(env: HttpEnv, q: { from?: number; to?: number }): { from: number; to: number } {
  const to = q.to ?? env.ctx.clock.now() + 1;
  const from = q.from ?? to - 30 * DAY;
  if (from >= to)
    throw new HttpError(400, 'query.invalid', '起始时间须早于结束时间', '`from` must be before `to`', {
      path: '/from',
    });
  return { from, to };
}

/** Indicators (响应率、解决率、满意率…) by unit and period, and monthly rankings (红黑榜). */
export function indicatorRoutes(app: FastifyInstance, env: HttpEnv): void {
  app.get<{ Querystring: { from?: number; to?: number; unit?: string } }>(
    '/api/v1/indicators',
    {
      schema: {
        tags: [TAG],
        summary: 'Indicators of a unit for a period',
        description:
          'From the cases’ history with the policy’s formulas and weights. Staff see their own units; staff whose scope is the whole tenant see any unit or the whole tenant (no `unit`). Default period: the last 30 days.',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { from: time, to: time, unit: unitSchema },
        },
        response: { 200: reportSchema, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const policy = await currentPolicy(env.ctx, caller.tenant);
      if (!isStaff(policy, caller.actor)) throw httpErrors.forbidden('read indicators', '查看考核指标');
      const everywhere = scopesOf(policy, caller.actor).has('all');
      const unit = request.query.unit ?? (everywhere ? undefined : caller.actor.units[0]);
      if (!everywhere && (unit === undefined || !caller.actor.units.includes(unit)))
        throw httpErrors.forbidden('read indicators of this unit', '查看该单位的考核指标');
      const runtime = await env.runtime(caller.tenant);
      return runtime.indicators({ ...period(env, request.query), tenant: caller.tenant, ...(unit ? { unit } : {}) });
    },
  );

  app.get<{ Querystring: { from?: number; to?: number; kind: string } }>(
    '/api/v1/indicators/rankings',
    {
      schema: {
        tags: [TAG],
        summary: 'Rank units of a kind by composite score',
        description:
          'Every unit of the kind (grids, communities, streets, departments) ranked best first; units without a score last. For staff.',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          required: ['kind'],
          additionalProperties: false,
          properties: {
            from: time,
            to: time,
            kind: { enum: ['grid', 'community', 'street', 'department', 'compound'] },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'integer' },
              to: { type: 'integer' },
              kind: { type: 'string' },
              items: {
                type: 'array',
                items: {
                  ...reportSchema,
                  properties: {
                    ...(reportSchema.properties as Record<string, Schema>),
                    rank: { type: ['integer', 'null'] },
                    name: localizedTextSchema,
                  },
                },
              },
            },
          },
          ...errorResponses(400, 401, 403, 409, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const policy = requirePolicy(await currentPolicy(env.ctx, caller.tenant));
      if (!isStaff(policy, caller.actor)) throw httpErrors.forbidden('read rankings', '查看排名');
      const { from, to } = period(env, request.query);
      const kind = request.query.kind;
      const tree = await env.ctx.org.tree(caller.tenant);
      const names = new Map(tree.filter((u) => u.kind === kind).map((u) => [`${kind}:${u.id}`, u.name]));
      if (kind === 'department')
        for (const d of policy.organisation.departments)
          if (!names.has(`department:${d.code}`)) names.set(`department:${d.code}`, d.name);
      const store = env.ctx.store;
      const history = await store.historyBetween(caller.tenant, from - LEAD_IN, to);
      const ids = [...new Set(history.map((e) => e.caseId))];
      const cases = (await Promise.all(ids.map((id) => store.getCase(caller.tenant, id)))).filter(
        (c): c is CaseRecord => c !== null,
      );
      const reports: IndicatorReport[] = [...names.keys()].map((unit) =>
        computeIndicators({ policy, cases, history, from, to, unit }),
      );
      const items = rankUnits(reports).map((r) => ({
        ...r,
        ...(r.unit && names.get(r.unit) ? { name: names.get(r.unit) } : {}),
      }));
      return { from, to, kind, items };
    },
  );
}
