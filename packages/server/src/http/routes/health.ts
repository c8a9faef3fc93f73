import type { FastifyInstance } from 'fastify';
import type { HttpEnv } from '../env.js';
import { errorSchema } from '../schemas.js';

const READY_TIMEOUT_MS = 2_000;

/** `/healthz`: the process is up. `/readyz`: the database answers (503 otherwise). Neither is rate-limited. */
export function healthRoutes(app: FastifyInstance, env: HttpEnv): void {
  const startedAt = Date.now();
  app.get(
    '/healthz',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['operations'],
        summary: 'Liveness',
        response: { 200: { type: 'object', properties: { status: { const: 'ok' }, uptimeMs: { type: 'integer' } } } },
      },
    },
    () => ({ status: 'ok', uptimeMs: Date.now() - startedAt }),
  );
  app.get(
    '/readyz',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the database answers',
        response: {
          200: { type: 'object', properties: { status: { const: 'ready' }, database: { type: 'string' } } },
          503: errorSchema,
        },
      },
    },
    async (_request, reply) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          env.ctx.sql.query('SELECT 1 AS ok'),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS);
          }),
        ]);
        return { status: 'ready', database: env.ctx.sql.dialect };
      } catch {
        return reply
          .code(503)
          .send({ code: 'server.not_ready', message_zh: '数据库无响应', message_en: 'The database does not answer' });
      } finally {
        clearTimeout(timer);
      }
    },
  );
}
