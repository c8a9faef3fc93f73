import { describe, expect, it } from 'vitest';
import { createManualClock, GridflowError } from '@gridflow/core';
import { createServerClock } from './clock.js';
import { assertStartable, CONFIG_VARIABLES, defaultConfig, loadConfig, type ConfigProblem } from './config.js';

const problemsOf = (fn: () => unknown): ConfigProblem[] => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GridflowError);
    const g = error as GridflowError;
    expect(g.code).toBe('config.invalid');
    expect(g.messages.zh).toMatch(/配置有误/);
    return (g.details as { problems: ConfigProblem[] }).problems;
  }
  throw new Error('expected config.invalid');
};

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment: demo mode, PGlite, port 3000 on 127.0.0.1', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mode: 'demo',
      port: 3000,
      host: '127.0.0.1',
      dataDir: './.gridflow/data',
      demoTenant: 'demo',
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.corsOrigins).toEqual([]);
    expect(config.portalDir).toMatch(/examples[\\/]portal$/);
    expect(config).toEqual({ ...defaultConfig('demo') });
    // Every variable read is documented.
    expect(CONFIG_VARIABLES.map((v) => v.name)).toContain('GRIDFLOW_JWKS_URL');
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      GRIDFLOW_MODE: 'production',
      DATABASE_URL: 'postgres://gridflow@db:5432/gridflow',
      GRIDFLOW_DB_SCHEMA: 'district_a',
      GRIDFLOW_DATA_DIR: '/var/lib/gridflow',
      GRIDFLOW_JWT_SECRET: 'x'.repeat(32),
      GRIDFLOW_JWKS_URL: 'https://sso.example.gov.cn/jwks.json',
      GRIDFLOW_JWT_ISSUER: 'portal',
      GRIDFLOW_CORS_ORIGINS: 'https://a.example.gov.cn, https://b.example.gov.cn:8443',
      GRIDFLOW_BODY_LIMIT: '512kb',
      GRIDFLOW_ATTACHMENT_MAX: '2mb',
      GRIDFLOW_ATTACHMENT_TYPES: 'image/png,application/pdf',
      GRIDFLOW_TICK_INTERVAL_MS: '250',
      GRIDFLOW_RATE_LIMIT_MAX: '0',
      GRIDFLOW_RATE_LIMIT_WINDOW_MS: '1000',
      GRIDFLOW_DEMO_TENANT: 'district-a',
    });
    expect(config).toMatchObject({
      mode: 'production',
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://gridflow@db:5432/gridflow',
      databaseSchema: 'district_a',
      dataDir: '/var/lib/gridflow',
      demoTenant: 'district-a',
      jwt: { secret: 'x'.repeat(32), jwksUrl: 'https://sso.example.gov.cn/jwks.json', issuer: 'portal' },
      corsOrigins: ['https://a.example.gov.cn', 'https://b.example.gov.cn:8443'],
      bodyLimitBytes: 512 * 1024,
      attachments: { maxBytes: 2 * 1024 * 1024, types: ['image/png', 'application/pdf'] },
      tickIntervalMs: 250,
      rateLimit: { max: 0, windowMs: 1000 },
    });
  });

  it('reports every invalid value at once, naming the variable', () => {
    const problems = problemsOf(() =>
      loadConfig({
        PORT: '70000',
        GRIDFLOW_MODE: 'staging',
        DATABASE_URL: 'mysql://x',
        GRIDFLOW_BODY_LIMIT: 'big',
        GRIDFLOW_CORS_ORIGINS: 'https://ok.example.gov.cn,https://bad.example.gov.cn/path',
        GRIDFLOW_TICK_INTERVAL_MS: '5',
        GRIDFLOW_DB_SCHEMA: 'Bad-Schema',
        GRIDFLOW_JWKS_URL: 'ftp://x',
      }),
    );
    expect(problems.map((p) => p.variable).sort()).toEqual(
      [
        'DATABASE_URL',
        'GRIDFLOW_BODY_LIMIT',
        'GRIDFLOW_CORS_ORIGINS',
        'GRIDFLOW_DB_SCHEMA',
        'GRIDFLOW_JWKS_URL',
        'GRIDFLOW_MODE',
        'GRIDFLOW_TICK_INTERVAL_MS',
        'PORT',
      ].sort(),
    );
    expect(problems.every((p) => p.message.zh && p.message.en)).toBe(true);
  });

  it('refuses to start production without a key, or with a short HS256 secret', () => {
    const production = loadConfig({ GRIDFLOW_MODE: 'production' });
    expect(() => assertStartable(production)).toThrow(expect.objectContaining({ code: 'config.missing_keys' }));
    expect(() => assertStartable({ ...production, jwt: { secret: 'short' } })).toThrow(
      expect.objectContaining({ code: 'config.invalid' }),
    );
    expect(() => assertStartable({ ...production, jwt: { jwksFile: '/etc/gridflow/jwks.json' } })).not.toThrow();
    expect(() => assertStartable(loadConfig({}))).not.toThrow();
  });
});

describe('server clock', () => {
  it('is the base clock in production and cannot be changed', () => {
    const base = createManualClock(1_000);
    const clock = createServerClock('production', base);
    expect(clock.controllable).toBe(false);
    base.advance(5);
    expect(clock.now()).toBe(1_005);
    expect(() => clock.advance(1)).toThrow(expect.objectContaining({ code: 'clock.not_controllable' }));
    expect(() => clock.setSpeed(2)).toThrow(expect.objectContaining({ code: 'clock.not_controllable' }));
  });

  it('runs faster and jumps forward in demo mode, never backwards, telling the worker', () => {
    const base = createManualClock(1_000);
    let changes = 0;
    const clock = createServerClock('demo', base, { onChange: () => changes++ });
    expect(clock.controllable).toBe(true);
    base.advance(10);
    expect(clock.now()).toBe(1_010);
    clock.setSpeed(60);
    expect(clock.now()).toBe(1_010); // no jump when the speed changes
    base.advance(10);
    expect(clock.now()).toBe(1_610);
    clock.advance(3_600_000);
    expect(clock.now()).toBe(3_601_610);
    expect(changes).toBe(2);
    base.set(0); // the machine's clock went back: the server's does not
    expect(clock.now()).toBe(3_601_610);
    expect(() => clock.advance(-1)).toThrow(expect.objectContaining({ code: 'clock.invalid_advance' }));
    expect(() => clock.setSpeed(Number.NaN)).toThrow(expect.objectContaining({ code: 'clock.invalid_speed' }));
    expect(clock.speed()).toBe(60);
  });
});
