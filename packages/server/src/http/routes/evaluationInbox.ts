import type { FastifyInstance } from 'fastify';
import { encodeCursor } from '@gridflow/core/runtime';
import { visibilityOf, currentPolicy } from '../access.js';
import { listVisibleCases } from '../caseQueries.js';
import { callerOf, type HttpEnv } from '../env.js';
import { availableCommandSchema, caseItemSchema, errorResponses, pageSchema } from '../schemas.js';
import { caseItem } from '../views.js';

/** What a caller gives or records on an evaluation: the rating, or the revisit that tried to get it. */
export const EVALUATION_TODO = ['evaluation.rate', 'evaluation.revisit.attempt', 'evaluation.revisit.unreachable'];

/** Underlying pages read per request at most; a request that finds fewer than `limit` hands on the cursor. */
const MAX_ROUNDS = 10;

const pendingItemSchema = {
  ...caseItemSchema,
  description: 'An open evaluation with what the caller should give or record on it now.',
  properties: {
    ...(caseItemSchema.properties as Record<string, unknown>),
    subjectCaseId: { type: 'string', description: 'The case whose response is evaluated.' },
    commands: {
      type: 'array',
      items: availableCommandSchema,
      description: 'Of `evaluation.rate`, `evaluation.revisit.attempt`, `evaluation.revisit.unreachable`.',
    },
  },
};

/**
 * `GET /api/v1/evaluations/pending`: the evaluations the caller should give (a resident's rating of their own
 * matter, a street rating a department it summoned) or record (a revisit by phone, unreachable) now, earliest
 * deadline first. Closing a case opens its evaluations; they appear here for whoever may rate or revisit them.
 */
export function evaluationInboxRoute(app: FastifyInstance, env: HttpEnv): void {
  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/api/v1/evaluations/pending',
    {
      schema: {
        tags: ['evaluations'],
        summary: 'Evaluations the caller should give or record now',
        description:
          'Closing a case (`case.close`) opens its evaluations (一事一评): the requester rates the closure (谁呼谁评), ' +
          'and the street rates each department it summoned (下评上). This lists the open evaluations on which the ' +
          'caller may now give `evaluation.rate`, `evaluation.revisit.attempt` or `evaluation.revisit.unreachable`, ' +
          'with those commands (as `GET /cases/{id}/commands` gives them), earliest deadline first. A page may hold ' +
          'fewer than `limit` items while `nextCursor` is not null: follow it.',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 100, description: 'Default 20.' },
            cursor: { type: 'string', minLength: 1, maxLength: 500 },
          },
        },
        response: { 200: pageSchema(pendingItemSchema), ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const limit = request.query.limit ?? 20;
      const policy = await currentPolicy(env.ctx, caller.tenant);
      const runtime = await env.runtime(caller.tenant);
      const names = await env.stateNames(caller.tenant);
      const options = { actor: caller.actor, tenant: caller.tenant };
      const items: Record<string, unknown>[] = [];
      let cursor = request.query.cursor;
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const page = await listVisibleCases(env.ctx.sql, {
          tenant: caller.tenant,
          actorId: caller.actor.id,
          visibility: visibilityOf(policy, caller.actor, runtime.readCommands('appealEvaluation')),
          process: 'appealEvaluation',
          open: true,
          sort: 'deadline',
          order: 'asc',
          limit,
          ...(cursor ? { cursor } : {}),
        });
        for (const [i, row] of page.items.entries()) {
          const commands = (await runtime.availableCommands(row.id, options)).filter(
            (c) => c.available && EVALUATION_TODO.includes(c.type),
          );
          if (commands.length === 0) continue;
          const record = await runtime.get(row.id, options);
          const subject = (record.snapshot.context as { subjectCaseId?: unknown }).subjectCaseId;
          items.push({
            ...caseItem(row, names),
            ...(typeof subject === 'string' ? { subjectCaseId: subject } : {}),
            commands: commands.map((c) => ({
              type: c.type,
              name: c.name,
              inputSchema: c.inputSchema,
              available: c.available,
              ...(c.condition ? { condition: c.condition } : {}),
            })),
          });
          if (items.length === limit) {
            const more = i < page.items.length - 1 || page.nextCursor !== null;
            return { items, nextCursor: more ? encodeCursor(row.nextDueAt, row.id) : null };
          }
        }
        if (page.nextCursor === null) return { items, nextCursor: null };
        cursor = page.nextCursor;
      }
      return { items, nextCursor: cursor ?? null };
    },
  );
}
