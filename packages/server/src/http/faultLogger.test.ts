import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installErrorHandling } from './errors.js';
import { faultLogger } from './faultLogger.js';

describe('faultLogger', () => {
  it('passes server faults to the report, without a stack in the answer, and drops client errors', async () => {
    const reported: [string, unknown][] = [];
    const app = Fastify({ loggerInstance: faultLogger((message, error) => reported.push([message, error])) });
    installErrorHandling(app, () => ['GET']);
    app.get('/boom', () => {
      throw new Error('disk on fire');
    });
    app.get(
      '/bad',
      { schema: { querystring: { type: 'object', properties: { n: { type: 'integer' } } } } },
      () => ({}),
    );
    const boom = await app.inject({ method: 'GET', url: '/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.json()).toMatchObject({ code: 'server.internal', message_zh: '服务器内部错误' });
    expect(boom.body).not.toContain('disk on fire');
    expect(reported).toHaveLength(1);
    expect((reported[0]![1] as Error).message).toBe('disk on fire');
    const bad = await app.inject({ method: 'GET', url: '/bad?n=x' });
    expect(bad.statusCode).toBe(400);
    expect(reported).toHaveLength(1);
    await app.close();
  });
});
