import type { FastifyInstance } from 'fastify';
import { signDemoToken } from '../auth.js';
import type { HttpEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { listSchema, errorResponses } from '../schemas.js';

const TAG = 'demo';
const WARNING = {
  notice_zh: '演示模式：此令牌仅用于体验，生产环境没有此接口。',
  notice_en: 'DEMO MODE: this token is for trying Gridflow out; production has no such endpoint.',
};
const DAY = 86_400_000;

/**
 * Demo-mode routes, clearly marked and absent in production (404 there): tokens for the seeded users, and the demo
 * clock (advance it, or run it faster) so escalations can be watched end to end.
 */
export function demoRoutes(app: FastifyInstance, env: HttpEnv): void {
  const { ctx } = env;
  if (ctx.config.mode !== 'demo') return;
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/v1/demo/')) void reply.header('x-gridflow-demo', 'true');
  });

  app.get(
    '/api/v1/demo/users',
    {
      schema: {
        tags: [TAG],
        summary: '[DEMO] The seeded users',
        description: 'Demo mode only: who one can log in as.',
        response: {
          200: listSchema({
            type: 'object',
            properties: {
              id: { type: 'string' },
              name: { type: 'string' },
              roles: { type: 'array', items: { type: 'string' } },
              units: { type: 'array', items: { type: 'string' } },
            },
          }),
        },
      },
    },
    async () => ({ items: (await ctx.org.users(ctx.config.demoTenant)).map(({ tenant: _t, ...u }) => u), ...WARNING }),
  );

  app.post<{ Body: { userId: string } }>(
    '/api/v1/demo/token',
    {
      schema: {
        tags: [TAG],
        summary: '[DEMO] A signed token for a seeded user',
        description:
          'Demo mode only. Signs an HS256 JWT (12 hours) with the demo secret for one of the seeded users of the demo tenant.',
        body: {
          type: 'object',
          required: ['userId'],
          additionalProperties: false,
          properties: { userId: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              token: { type: 'string' },
              tokenType: { const: 'Bearer' },
              expiresIn: { type: 'integer' },
              user: { type: 'object' },
              demo: { const: true },
              notice_zh: { type: 'string' },
              notice_en: { type: 'string' },
            },
          },
          ...errorResponses(400, 404, 413, 415, 429),
        },
      },
    },
    async (request) => {
      const secret = ctx.config.jwt.secret;
      if (!secret)
        throw new HttpError(503, 'demo.no_secret', '未配置演示签名密钥', 'No demo signing secret is configured');
      const user = (await ctx.org.users(ctx.config.demoTenant)).find((u) => u.id === request.body.userId);
      if (!user)
        throw new HttpError(
          404,
          'user.not_found',
          `没有演示用户 ${request.body.userId}`,
          `No demo user ${request.body.userId}`,
          { path: '/userId' },
        );
      const token = await signDemoToken(secret, user, {
        ...(ctx.config.jwt.issuer ? { issuer: ctx.config.jwt.issuer } : {}),
        ...(ctx.config.jwt.audience ? { audience: ctx.config.jwt.audience } : {}),
      });
      const { tenant: _t, ...shown } = user;
      return {
        token,
        tokenType: 'Bearer',
        expiresIn: 12 * 3600,
        user: { ...shown, tenant: user.tenant },
        demo: true,
        ...WARNING,
      };
    },
  );

  const clockSchema = {
    type: 'object',
    properties: {
      now: { type: 'integer' },
      nowIso: { type: 'string' },
      speed: { type: 'number' },
      fired: { type: 'integer' },
      demo: { const: true },
    },
  };

  app.get(
    '/api/v1/demo/clock',
    { schema: { tags: [TAG], summary: '[DEMO] The demo clock', response: { 200: clockSchema } } },
    () => ({
      now: ctx.clock.now(),
      nowIso: new Date(ctx.clock.now()).toISOString(),
      speed: ctx.clock.speed(),
      demo: true,
    }),
  );

  app.post<{ Body: { advanceMs?: number; speed?: number } }>(
    '/api/v1/demo/clock',
    {
      schema: {
        tags: [TAG],
        summary: '[DEMO] Advance the clock or change its speed',
        description:
          'Demo mode only. `advanceMs` jumps forward (at most a year) and fires every deadline now due; `speed` sets simulated ms per real ms (0.1–100000).',
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            advanceMs: { type: 'integer', minimum: 0, maximum: 365 * DAY },
            speed: { type: 'number', minimum: 0.1, maximum: 100_000 },
          },
        },
        response: { 200: clockSchema, ...errorResponses(400, 409, 413, 415, 429) },
      },
    },
    async (request) => {
      if (!ctx.clock.controllable)
        throw new HttpError(409, 'demo.clock_fixed', '时钟不可调整', 'The clock cannot be changed');
      if (request.body.speed !== undefined) ctx.clock.setSpeed(request.body.speed);
      let fired = 0;
      if (request.body.advanceMs !== undefined && request.body.advanceMs > 0) {
        ctx.clock.advance(request.body.advanceMs);
        const runtime = await env.runtime(ctx.config.demoTenant);
        for (let round = 0; round < 100; round++) {
          const step = await runtime.tick({ limit: 1000 });
          if (step.failed[0]) throw step.failed[0].error;
          fired += step.fired;
          if (step.cases === 0) break;
        }
      }
      return {
        now: ctx.clock.now(),
        nowIso: new Date(ctx.clock.now()).toISOString(),
        speed: ctx.clock.speed(),
        fired,
        demo: true,
      };
    },
  );
}
