import { describe, expect, it } from 'vitest';
import { createManualClock, GridflowError } from '@gridflow/core';
import { createServerClock } from './clock.js';
import {
  assertStartable,
  CONFIG_VARIABLES,
  defaultConfig,
  isLoopbackHost,
  loadConfig,
  type ConfigProblem,
} from './config.js';

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
      GRIDFLOW_IDEMPOTENCY_STALE_MS: '5000',
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
      idempotencyStaleMs: 5000,
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
        GRIDFLOW_IDEMPOTENCY_STALE_MS: '10',
      }),
    );
    expect(problems.map((p) => p.variable).sort()).toEqual(
      [
        'DATABASE_URL',
        'GRIDFLOW_BODY_LIMIT',
        'GRIDFLOW_CORS_ORIGINS',
        'GRIDFLOW_DB_SCHEMA',
        'GRIDFLOW_IDEMPOTENCY_STALE_MS',
        'GRIDFLOW_JWKS_URL',
        'GRIDFLOW_MODE',
        'GRIDFLOW_TICK_INTERVAL_MS',
        'PORT',
      ].sort(),
    );
    expect(problems.every((p) => p.message.zh && p.message.en)).toBe(true);
  });

  it('reads the request log level, in any case, and refuses one pino does not know', () => {
    expect(loadConfig({}).logLevel).toBeUndefined();
    expect(loadConfig({ GRIDFLOW_LOG_LEVEL: 'WARN' }).logLevel).toBe('warn');
    expect(loadConfig({ GRIDFLOW_LOG_LEVEL: 'silent' }).logLevel).toBe('silent');
    const [problem] = problemsOf(() => loadConfig({ GRIDFLOW_LOG_LEVEL: 'verbose' }));
    expect(problem).toMatchObject({ variable: 'GRIDFLOW_LOG_LEVEL' });
    expect(problem!.message.en).toContain('"verbose"');
    expect(CONFIG_VARIABLES.map((v) => v.name)).toContain('GRIDFLOW_LOG_LEVEL');
  });

  it('trusts no proxy by default, and reads proxy addresses, CIDR ranges or a hop count', () => {
    expect(loadConfig({}).trustProxy).toBeUndefined();
    expect(loadConfig({ GRIDFLOW_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ GRIDFLOW_TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,fd00::/8, loopback, ::1' }).trustProxy).toEqual([
      '10.0.0.5',
      '10.1.0.0/16',
      'fd00::/8',
      'loopback',
      '::1',
    ]);
    for (const wrong of ['0', '11', 'true', '*', '10.0.0.0/33', '300.1.1.1', 'proxy.example.gov.cn', '10.0.0.1/8/2']) {
      const [problem] = problemsOf(() => loadConfig({ GRIDFLOW_TRUST_PROXY: wrong }));
      expect(problem, wrong).toMatchObject({ variable: 'GRIDFLOW_TRUST_PROXY' });
    }
    expect(CONFIG_VARIABLES.map((v) => v.name)).toContain('GRIDFLOW_TRUST_PROXY');
  });

  it('limits live-update streams per caller and the bytes a stream may leave unread', () => {
    expect(loadConfig({}).events).toEqual({ maxStreamsPerCaller: 5, maxBufferBytes: 1024 * 1024 });
    expect(loadConfig({ GRIDFLOW_EVENTS_MAX_STREAMS: '2', GRIDFLOW_EVENTS_BUFFER_LIMIT: '256kb' }).events).toEqual({
      maxStreamsPerCaller: 2,
      maxBufferBytes: 256 * 1024,
    });
    const problems = problemsOf(() =>
      loadConfig({ GRIDFLOW_EVENTS_MAX_STREAMS: '0', GRIDFLOW_EVENTS_BUFFER_LIMIT: 'lots' }),
    );
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'GRIDFLOW_EVENTS_BUFFER_LIMIT',
      'GRIDFLOW_EVENTS_MAX_STREAMS',
    ]);
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

  it('refuses demo mode on a non-loopback HOST unless GRIDFLOW_DEMO_ALLOW_REMOTE allows it', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
      expect(() => assertStartable(loadConfig({ HOST: host })), host).not.toThrow();
    }
    for (const host of [
      '0.0.0.0',
      '::',
      '[::]',
      '10.0.0.5',
      '192.168.1.20',
      'gridflow.example.gov.cn',
      '127.0.0.256',
      '128.0.0.1',
      'localhost.evil.cn',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
      expect(() => assertStartable(loadConfig({ HOST: host })), host).toThrow(
        expect.objectContaining({ code: 'config.demo_remote', path: 'HOST' }),
      );
      expect(() => assertStartable(loadConfig({ HOST: host, GRIDFLOW_DEMO_ALLOW_REMOTE: 'true' })), host).not.toThrow();
      // Production has no demo endpoints: any address is fine.
      expect(() =>
        assertStartable(loadConfig({ HOST: host, GRIDFLOW_MODE: 'production', GRIDFLOW_JWT_SECRET: 'x'.repeat(32) })),
      ).not.toThrow();
    }
    expect(loadConfig({}).demoAllowRemote).toBe(false);
    expect(problemsOf(() => loadConfig({ GRIDFLOW_DEMO_ALLOW_REMOTE: 'maybe' })).map((p) => p.variable)).toEqual([
      'GRIDFLOW_DEMO_ALLOW_REMOTE',
    ]);
  });
});

describe('attachment storage', () => {
  const S3 = {
    GRIDFLOW_S3_ENDPOINT: 'http://minio.internal:9000',
    GRIDFLOW_S3_BUCKET: 'gridflow-attachments',
    GRIDFLOW_S3_ACCESS_KEY_ID: 'gridflow',
    GRIDFLOW_S3_SECRET_ACCESS_KEY: 'top-secret-value-1234567890',
  };
  const messagesOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      const g = error as GridflowError;
      return JSON.stringify([g.messages, g.details, g.message]);
    }
    throw new Error('expected an error');
  };

  it('keeps bytes in the database by default, with the folder configured for rows kept there earlier', () => {
    const { attachments } = loadConfig({});
    expect(attachments).toEqual({
      storage: 'db',
      dir: './.gridflow/attachments',
      maxBytes: 10 * 1024 * 1024,
      types: ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'],
    });
    expect(
      loadConfig({ GRIDFLOW_ATTACHMENT_STORAGE: 'folder', GRIDFLOW_ATTACHMENTS_DIR: '/srv/files' }).attachments,
    ).toMatchObject({ storage: 'folder', dir: '/srv/files' });
    for (const name of [
      'GRIDFLOW_ATTACHMENT_STORAGE',
      'GRIDFLOW_S3_ENDPOINT',
      'GRIDFLOW_S3_BUCKET',
      'GRIDFLOW_S3_REGION',
      'GRIDFLOW_S3_ACCESS_KEY_ID',
      'GRIDFLOW_S3_SECRET_ACCESS_KEY',
      'GRIDFLOW_S3_PREFIX',
      'GRIDFLOW_S3_FORCE_PATH_STYLE',
    ])
      expect(CONFIG_VARIABLES.map((v) => v.name)).toContain(name);
  });

  it('reads the S3 settings, with region us-east-1 and path-style addressing by default', () => {
    expect(loadConfig({ GRIDFLOW_ATTACHMENT_STORAGE: 's3', ...S3 }).attachments).toMatchObject({
      storage: 's3',
      s3: {
        endpoint: 'http://minio.internal:9000',
        bucket: 'gridflow-attachments',
        region: 'us-east-1',
        accessKeyId: 'gridflow',
        secretAccessKey: 'top-secret-value-1234567890',
        forcePathStyle: true,
      },
    });
    const aws = loadConfig({
      GRIDFLOW_ATTACHMENT_STORAGE: 's3',
      ...S3,
      GRIDFLOW_S3_ENDPOINT: 'https://s3.cn-north-1.amazonaws.com.cn',
      GRIDFLOW_S3_REGION: 'cn-north-1',
      GRIDFLOW_S3_PREFIX: 'district-a/',
      GRIDFLOW_S3_FORCE_PATH_STYLE: 'false',
    }).attachments.s3;
    expect(aws).toMatchObject({ region: 'cn-north-1', prefix: 'district-a/', forcePathStyle: false });
  });

  it('keeps complete S3 settings when new attachments go elsewhere, to read those kept in S3 earlier', () => {
    const { attachments } = loadConfig({ GRIDFLOW_ATTACHMENT_STORAGE: 'db', ...S3 });
    expect(attachments.storage).toBe('db');
    expect(attachments.s3).toMatchObject({ bucket: 'gridflow-attachments' });
  });

  it('refuses a storage it does not know', () => {
    const problems = problemsOf(() => loadConfig({ GRIDFLOW_ATTACHMENT_STORAGE: 'ftp' }));
    expect(problems).toEqual([
      {
        variable: 'GRIDFLOW_ATTACHMENT_STORAGE',
        message: { zh: expect.stringContaining('ftp'), en: 'must be db, folder or s3, not "ftp"' },
      },
    ]);
  });

  it('names every missing S3 setting when storage is s3, never showing the secret', () => {
    const error = () =>
      loadConfig({
        GRIDFLOW_ATTACHMENT_STORAGE: 's3',
        GRIDFLOW_S3_ENDPOINT: S3.GRIDFLOW_S3_ENDPOINT,
        GRIDFLOW_S3_SECRET_ACCESS_KEY: S3.GRIDFLOW_S3_SECRET_ACCESS_KEY,
      });
    const problems = problemsOf(error);
    expect(problems.map((p) => p.variable)).toEqual(['GRIDFLOW_S3_BUCKET', 'GRIDFLOW_S3_ACCESS_KEY_ID']);
    expect(problems[0]!.message.en).toBe('is required when GRIDFLOW_ATTACHMENT_STORAGE is s3');
    const text = messagesOf(error);
    expect(text).toContain('GRIDFLOW_S3_BUCKET');
    expect(text).toContain('GRIDFLOW_S3_ACCESS_KEY_ID');
    expect(text).not.toContain(S3.GRIDFLOW_S3_SECRET_ACCESS_KEY);
    expect(problemsOf(() => loadConfig({ GRIDFLOW_ATTACHMENT_STORAGE: 's3' })).map((p) => p.variable)).toEqual([
      'GRIDFLOW_S3_ENDPOINT',
      'GRIDFLOW_S3_BUCKET',
      'GRIDFLOW_S3_ACCESS_KEY_ID',
      'GRIDFLOW_S3_SECRET_ACCESS_KEY',
    ]);
  });

  it('refuses incomplete S3 settings whatever the storage, rather than ignoring them', () => {
    const problems = problemsOf(() => loadConfig({ GRIDFLOW_S3_BUCKET: 'gridflow-attachments' }));
    expect(problems.map((p) => p.variable)).toEqual([
      'GRIDFLOW_S3_ENDPOINT',
      'GRIDFLOW_S3_ACCESS_KEY_ID',
      'GRIDFLOW_S3_SECRET_ACCESS_KEY',
    ]);
    expect(problems[0]!.message.en).toContain('GRIDFLOW_S3_BUCKET set');
  });

  it('checks the endpoint, bucket, region, prefix and addressing style', () => {
    const problems = problemsOf(() =>
      loadConfig({
        GRIDFLOW_ATTACHMENT_STORAGE: 's3',
        ...S3,
        GRIDFLOW_S3_ENDPOINT: 'http://key:secret@minio:9000',
        GRIDFLOW_S3_BUCKET: 'Not_A_Bucket!',
        GRIDFLOW_S3_REGION: 'us east',
        GRIDFLOW_S3_PREFIX: 'a/../b',
        GRIDFLOW_S3_FORCE_PATH_STYLE: 'maybe',
      }),
    );
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'GRIDFLOW_S3_BUCKET',
      'GRIDFLOW_S3_ENDPOINT',
      'GRIDFLOW_S3_FORCE_PATH_STYLE',
      'GRIDFLOW_S3_PREFIX',
      'GRIDFLOW_S3_REGION',
    ]);
    expect(problems.every((p) => p.message.zh && p.message.en)).toBe(true);
    expect(problemsOf(() => loadConfig({ ...S3, GRIDFLOW_S3_ENDPOINT: 'ftp://x' }))[0]!.variable).toBe(
      'GRIDFLOW_S3_ENDPOINT',
    );
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
