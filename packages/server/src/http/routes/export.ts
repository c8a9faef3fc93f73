import type { FastifyInstance } from 'fastify';
import { requireAnywhere, currentPolicy } from '../access.js';
import { exportCases } from '../caseQueries.js';
import { callerOf, type HttpEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { maskPersonalData } from '../privacy.js';
import { staffTest } from './cases.js';
import { errorResponses, historyEntrySchema, summarySchema } from '../schemas.js';

const DAY = 86_400_000;

/** Export of recent cases with their histories (paged), for what-if analysis of a draft policy. */
export function exportRoutes(app: FastifyInstance, env: HttpEnv): void {
  app.get<{ Querystring: { from?: number; to?: number; process?: string; limit?: number; cursor?: string } }>(
    '/api/v1/export/cases',
    {
      schema: {
        tags: ['policies'],
        summary: 'Export recent cases with their histories',
        description:
          'Cases created in [from, to) (default: the last 30 days), newest first, each with its whole history, for replaying against a draft. Personal data is always masked. Needs `policy.edit`, `policy.approve` or `policy.publish`.',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: { type: 'integer', minimum: 0, maximum: 8_640_000_000_000 },
            to: { type: 'integer', minimum: 0, maximum: 8_640_000_000_000 },
            process: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' },
            limit: { type: 'integer', minimum: 1, maximum: 100, description: 'Default 20.' },
            cursor: { type: 'string', minLength: 1, maxLength: 500 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    process: { type: 'string' },
                    state: { type: 'string' },
                    policyVersion: { type: 'integer' },
                    summary: summarySchema,
                    snapshot: { type: 'object' },
                    history: { type: 'array', items: historyEntrySchema },
                  },
                },
              },
              nextCursor: { type: ['string', 'null'] },
            },
          },
          ...errorResponses(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      requireAnywhere(
        await currentPolicy(env.ctx, caller.tenant),
        caller.actor,
        ['policy.edit', 'policy.approve', 'policy.publish'],
        {
          en: 'export cases',
          zh: '导出案件',
        },
      );
      // Default: up to and including now.
      const to = request.query.to ?? env.ctx.clock.now() + 1;
      const from = request.query.from ?? to - 30 * DAY;
      if (from > to)
        throw new HttpError(400, 'query.invalid', '起始时间晚于结束时间', '`from` is after `to`', { path: '/from' });
      const page = await exportCases(env.ctx.sql, {
        tenant: caller.tenant,
        from,
        to,
        limit: request.query.limit ?? 20,
        ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
        ...(request.query.process ? { process: request.query.process } : {}),
      });
      // Always masked: actors (the reporter submitting), inputs, comments; ids are kept for replays.
      const policy = await currentPolicy(env.ctx, caller.tenant);
      const isStaff = staffTest(policy);
      return {
        items: page.items.map(
          (item) =>
            maskPersonalData(item, {
              reveal: false,
              isStaff,
              ...(item.summary.reporterId !== undefined ? { reporterId: item.summary.reporterId } : {}),
            }).value,
        ),
        nextCursor: page.nextCursor,
      };
    },
  );
}
