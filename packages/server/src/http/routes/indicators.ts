import type { FastifyInstance } from 'fastify';
import {
  INDICATOR_KINDS,
  emptyIndicatorCounts,
  indicatorReport,
  rankUnits,
  type IndicatorReport,
} from '@gridflow/core/runtime';
import { type LocalizedText, type Policy } from '@gridflow/core';
import { drillDown, levelCounts, unitCounts } from '../../indicators/index.js';
import { currentPolicy, isStaff, requirePolicy, scopesOf, visibilityByProcess } from '../access.js';
import { visibleCasesByIds } from '../caseQueries.js';
import type { Caller } from '../auth.js';
import { callerOf, type HttpEnv } from '../env.js';
import { HttpError, httpErrors } from '../errors.js';
import { caseItemSchema, errorResponses, localizedTextSchema, unitSchema } from '../schemas.js';
import type { Schema } from '../validation.js';
import { revealFor } from '../privacy.js';
import { caseItem, maskedItem } from '../views.js';

const TAG = 'indicators';
const DAY = 86_400_000;
/** Where docs/indicators.md defines every counter, its formula and the period it counts in. */
const DEFINITIONS =
  'Counted from the indicator projection, which is kept in the transaction of every history append; docs/indicators.md defines each counter and the period it counts in.';
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
        description: `The counts of a unit (or of the whole tenant) in [from, to) and the policy’s indicators over them, with its formulas and weights. ${DEFINITIONS} Staff see their own units; staff whose scope is the whole tenant see any unit or the whole tenant (no \`unit\`). Default period: the last 30 days.`,
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { from: time, to: time, unit: unitSchema },
        },
        response: { 200: reportSchema, ...errorResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const policy = await currentPolicy(env.ctx, caller.tenant);
      const unit = readableUnit(policy, caller, request.query.unit);
      const { from, to } = period(env, request.query);
      const counts = await unitCounts(env.ctx.sql, caller.tenant, from, to, unit);
      return indicatorReport(requirePolicy(policy), counts, { from, to, ...(unit ? { unit } : {}) });
    },
  );

  app.get<{
    Querystring: { from?: number; to?: number; unit?: string; kind?: string[]; limit?: number; cursor?: string };
  }>(
    '/api/v1/indicators/cases',
    {
      schema: {
        tags: [TAG],
        summary: 'The cases behind the figures of a unit for a period (drill-down)',
        description: `One item per indicator event of the unit (or of the whole tenant) in [from, to), oldest first: the case, the counter it adds one to (\`kind\`, a key of \`counts\`) and the instant that put it in the period. Give \`kind\` (repeatable) to list what one figure counts, e.g. \`kind=signedInTime\` for 及时签收数; the items of a figure are exactly as many as its count in \`GET /indicators\`. A case counted twice (dispatched twice) appears twice. Each item carries the case as \`GET /cases\` lists it, when the caller may read it. ${DEFINITIONS} Same access as \`GET /indicators\`. Cursor pagination.`,
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: time,
            to: time,
            unit: unitSchema,
            kind: {
              type: 'array',
              items: { enum: [...INDICATOR_KINDS] },
              maxItems: INDICATOR_KINDS.length,
              uniqueItems: true,
              description: 'Counters to list (default: all).',
            },
            limit: { type: 'integer', minimum: 1, maximum: 500, description: 'Default 50.' },
            cursor: { type: 'string', minLength: 1, maxLength: 500 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'integer' },
              to: { type: 'integer' },
              unit: { type: 'string' },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    caseId: { type: 'string' },
                    kind: { type: 'string' },
                    at: { type: 'integer', description: 'The instant that decides the period (epoch ms).' },
                    case: caseItemSchema,
                  },
                },
              },
              nextCursor: { type: ['string', 'null'] },
            },
          },
          ...errorResponses(400, 401, 403, 409, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const policy = await currentPolicy(env.ctx, caller.tenant);
      const unit = readableUnit(policy, caller, request.query.unit);
      const { from, to } = period(env, request.query);
      const q = request.query;
      const page = await drillDown(env.ctx.sql, caller.tenant, {
        ...(unit ? { unit } : {}),
        from,
        to,
        ...(q.kind ? { kinds: q.kind } : {}),
        limit: q.limit ?? 50,
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      const visible = await visibleCasesByIds(
        env.ctx.sql,
        {
          tenant: caller.tenant,
          actorId: caller.actor.id,
          visibility: visibilityByProcess(policy, caller.actor, await env.runtime(caller.tenant)),
        },
        page.items.map((i) => i.caseId),
      );
      const names = await env.stateNames(caller.tenant);
      return {
        from,
        to,
        ...(unit ? { unit } : {}),
        items: page.items.map((i) => {
          const row = visible.get(i.caseId);
          // Masked as the case list masks it (a title may quote the reporter).
          const item = row ? maskedItem(caseItem(row, names), revealFor(policy, caller.actor, row.summary)) : null;
          return { ...i, ...(item ? { case: item } : {}) };
        }),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get<{ Querystring: { from?: number; to?: number; kind: string } }>(
    '/api/v1/indicators/rankings',
    {
      schema: {
        tags: [TAG],
        summary: 'Rank units of a kind by composite score',
        description: `Every unit of the kind (grids, communities, streets, departments) ranked best first by composite score; units without a score last. The indicators’ names and weights come once (\`indicators\`); each item gives their values by code. The units are those of the organisation tree (and, for departments, the policy’s departments), counted or not. ${DEFINITIONS} For staff.`,
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
              indicators: {
                type: 'array',
                description: 'The policy’s indicators, in the order of every item’s `indicators`.',
                items: {
                  type: 'object',
                  properties: {
                    code: { type: 'string' },
                    name: localizedTextSchema,
                    weight: { type: 'number' },
                    better: { enum: ['higher', 'lower'] },
                  },
                },
              },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    unit: { type: 'string' },
                    name: localizedTextSchema,
                    rank: { type: ['integer', 'null'] },
                    score: { type: ['number', 'null'], description: 'Weighted composite, 0–100.' },
                    counts: { type: 'object', additionalProperties: { type: 'integer' } },
                    indicators: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: { code: { type: 'string' }, value: { type: ['number', 'null'] } },
                      },
                    },
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
      // The units of that kind only (not the whole tree with its boundaries): thousands of grids in a city.
      const { rows: units } = await env.ctx.sql.query<{ id: string; name: LocalizedText }>(
        'SELECT id, name FROM org_units WHERE tenant = $1 AND kind = $2 ORDER BY id',
        [caller.tenant, kind],
        { name: 'gridflow_units_of_kind' },
      );
      const names = new Map(units.map((u) => [`${kind}:${u.id}`, u.name]));
      if (kind === 'department')
        for (const d of policy.organisation.departments)
          if (!names.has(`department:${d.code}`)) names.set(`department:${d.code}`, d.name);
      const counted = await levelCounts(env.ctx.sql, caller.tenant, kind, from, to);
      const reports: IndicatorReport[] = [...names.keys()].map((unit) =>
        indicatorReport(policy, counted.get(unit) ?? emptyIndicatorCounts(), { from, to, unit }),
      );
      // Each item names its indicators by code only: a ranking of thousands of grids stays small.
      const indicators = (reports[0]?.indicators ?? []).map(({ code, name, weight, better }) => ({
        code,
        name,
        weight,
        better,
      }));
      const items = rankUnits(reports).map((r) => ({
        unit: r.unit,
        ...(r.unit && names.get(r.unit) ? { name: names.get(r.unit) } : {}),
        rank: r.rank,
        score: r.score,
        counts: r.counts,
        indicators: r.indicators.map(({ code, value }) => ({ code, value })),
      }));
      return { from, to, kind, indicators, items };
    },
  );
}

/** The unit whose figures the caller asks for (undefined: the tenant), or 403 when it is not theirs to read. */
function readableUnit(policy: Policy | null, caller: Caller, unit: string | undefined): string | undefined {
  if (!isStaff(policy, caller.actor)) throw httpErrors.forbidden('read indicators', '查看考核指标');
  const everywhere = scopesOf(policy, caller.actor).has('all');
  const chosen = unit ?? (everywhere ? undefined : caller.actor.units[0]);
  if (!everywhere && (chosen === undefined || !caller.actor.units.includes(chosen)))
    throw httpErrors.forbidden('read indicators of this unit', '查看该单位的考核指标');
  return chosen;
}
