import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { CaseRecord } from '@gridflow/core';
import type { CaseChange } from '../../context.js';
import { currentPolicy, mayRead, policyOfCase } from '../access.js';
import { callerOf, type HttpEnv } from '../env.js';
import { errorResponses } from '../schemas.js';
import { revealFor } from '../privacy.js';
import { caseItem, maskedItem } from '../views.js';

const HEARTBEAT_MS = 15_000;

/**
 * `GET /api/v1/events`: a server-sent event stream of case changes in the caller's tenant, only of the cases the
 * caller may see (checked against each case's policy as it changes). Each event is `event: case` with the change
 * and the case as a list item (no personal data); comments keep the connection alive.
 */
export function eventRoutes(app: FastifyInstance, env: HttpEnv): void {
  const open = new Set<ServerResponse>();
  app.addHook('onClose', (_instance, done) => {
    for (const stream of open) stream.end();
    open.clear();
    done();
  });

  app.get(
    '/api/v1/events',
    {
      config: { queryToken: true },
      schema: {
        tags: ['cases'],
        summary: 'Live case changes (server-sent events)',
        description:
          'A `text/event-stream` of `case` events, each with `{change, case}`, for cases the caller may see. Browsers’ EventSource cannot send headers: pass the token as `access_token`.',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { access_token: { type: 'string', maxLength: 8192 } },
        },
        response: { 200: { description: 'An event stream', type: 'string' }, ...errorResponses(401, 429) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { ctx } = env;
      const runtime = await env.runtime(caller.tenant);
      const names = await env.stateNames(caller.tenant);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        ...(reply.getHeaders() as OutgoingHttpHeaders),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 3000\n: connected\n\n');
      open.add(raw);

      let chain: Promise<void> = Promise.resolve();
      const deliver = async (change: CaseChange, given?: CaseRecord): Promise<void> => {
        const record = given ?? (await ctx.store.getCase(caller.tenant, change.caseId));
        if (!record || record.tenant !== caller.tenant) return;
        if (!mayRead(runtime, record, caller.actor)) return;
        const policy = policyOfCase(runtime, record, await currentPolicy(ctx, caller.tenant));
        const data = {
          change: {
            caseId: change.caseId,
            version: change.version,
            state: change.state,
            command: change.command,
            at: change.at,
          },
          case: maskedItem(caseItem(record, names), revealFor(policy, caller.actor, record.summary)),
        };
        raw.write(`id: ${change.caseId}:${change.version}\nevent: case\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const unsubscribe = ctx.events.subscribe(caller.tenant, (change, record) => {
        chain = chain
          .then(() => deliver(change, record))
          .catch((error: unknown) => request.log.warn({ err: error }, 'event delivery failed'));
      });
      const heartbeat = setInterval(() => raw.write(': ping\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      const stop = () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(raw);
      };
      request.raw.on('close', stop);
      raw.on('close', stop);
    },
  );
}
