import type { FastifyInstance } from 'fastify';
import type { HttpEnv } from '../env.js';
import { errorSchema } from '../schemas.js';

const READY_TIMEOUT_MS = 2_000;

/**
 * `/healthz`: the process is up. `/readyz`: the database answers and the attachment storage is usable (503
 * otherwise, saying which). Neither is rate-limited.
 */
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
        summary: 'Readiness: the database answers, the attachment storage is usable',
        response: {
          200: {
            type: 'object',
            properties: {
              status: { const: 'ready' },
              database: { type: 'string' },
              attachments: { type: 'string', enum: ['db', 'folder', 's3'] },
            },
          },
          503: errorSchema,
        },
      },
    },
    async (_request, reply) => {
      const notReady = (code: string, zh: string, en: string) =>
        reply.code(503).send({ code, message_zh: zh, message_en: en });
      if (!(await withinTimeout(env.ctx.sql.query('SELECT 1 AS ok'))))
        return notReady('server.not_ready', '数据库无响应', 'The database does not answer');
      if (env.attachments.check && !(await withinTimeout(env.attachments.check())))
        return notReady(
          'attachments.unavailable',
          '附件存储不可用',
          `The attachment storage (${env.attachments.storage}) is not usable`,
        );
      return { status: 'ready', database: env.ctx.sql.dialect, attachments: env.attachments.storage };
    },
  );
}

/** Whether a check resolves within {@link READY_TIMEOUT_MS}. */
async function withinTimeout(check: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
