import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { createDefaultPolicy, validatePolicy, diffPolicies, type Clock } from '@gridflow/core';
import { installErrorHandling } from './errors.js';

export interface AppOptions {
  clock: Clock;
  /** Folder served at `/` (the demo portal). */
  portalDir?: string;
  /** Maximum JSON body size in bytes. */
  bodyLimit?: number;
  logger?: boolean;
}

/**
 * Builds the Gridflow HTTP application. Routes live under `/api/v1`; `/healthz` and `/readyz` answer probes.
 *
 * @example
 * const app = await buildApp({ clock: systemClock });
 * await app.listen({ port: 3000 });
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: options.bodyLimit ?? 1024 * 1024 });
  installErrorHandling(app);
  const startedAt = options.clock.now();

  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', () => ({ status: 'ready', uptimeMs: options.clock.now() - startedAt }));

  app.get('/api/v1/policies/default', () => createDefaultPolicy());

  app.post('/api/v1/policies/validate', (request) => {
    const result = validatePolicy(request.body);
    return { valid: result.valid, problems: result.problems };
  });

  app.post('/api/v1/policies/diff', async (request, reply) => {
    const bodyValue = request.body as { before?: unknown; after?: unknown } | null;
    const before = validatePolicy(bodyValue?.before);
    const after = validatePolicy(bodyValue?.after);
    if (!before.policy || !after.policy) {
      const side = before.policy ? 'after' : 'before';
      const problems = (before.policy ? after : before).problems;
      return reply.code(400).send({
        code: 'policy.invalid',
        message_zh: `要比较的政策（${side}）无效`,
        message_en: `The ${side} policy is invalid`,
        path: `/${side}${problems[0]?.path ?? ''}`,
        details: problems,
      });
    }
    return { changes: diffPolicies(before.policy, after.policy) };
  });

  if (options.portalDir && existsSync(options.portalDir)) {
    await app.register(fastifyStatic, { root: options.portalDir, prefix: '/', index: ['index.html'] });
  }
  return app;
}
