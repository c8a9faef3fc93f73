import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import fastifyCors from '@fastify/cors';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import helmet from 'helmet';
import { builtInProcesses, type ProcessDefinition } from '@gridflow/core';
import { createAttachmentStore, type AttachmentStorage, type AttachmentStore } from '../attachments/index.js';
import type { ServerContext } from '../context.js';
import { bearerToken, createTokenVerifier } from './auth.js';
import { faultLogger } from './faultLogger.js';
import { requestIdOf, requestLogger, type LogStream } from './requestLog.js';
import { createHttpEnv } from './env.js';
import { clientErrorHandler, frameworkErrors, HttpError, httpErrors, installErrorHandling } from './errors.js';
import { registerDocs, registerOpenApi } from './openapi.js';
import { attachmentRoutes } from './routes/attachments.js';
import { caseRoutes } from './routes/cases.js';
import { demoRoutes } from './routes/demo.js';
import { evaluationRoutes } from './routes/evaluations.js';
import { eventRoutes } from './routes/events.js';
import { exportRoutes } from './routes/export.js';
import { healthRoutes } from './routes/health.js';
import { indicatorRoutes } from './routes/indicators.js';
import { matterRoutes } from './routes/matters.js';
import { orgRoutes } from './routes/org.js';
import { processRoutes } from './routes/processes.js';
import { policyRoutes } from './routes/policies.js';
import { validatorCompiler } from './validation.js';

/** Options of {@link buildHttpApp} beyond the server context. */
export interface HttpAppOptions {
  /**
   * The process definitions simulations run (default: core's built-in ones). The command and intake routes are
   * validated and documented with the processes the runtime runs, whatever this says.
   */
  processes?: readonly ProcessDefinition[];
  /**
   * Where new attachments' bytes go, instead of `config.attachments.storage`: `db` (`bytea`), `folder`
   * (`config.attachments.dir`) or `s3` (`config.attachments.s3`).
   */
  attachmentStorage?: AttachmentStorage;
  /** An attachment store of one's own (embedding, tests); overrides the configured storage. */
  attachments?: AttachmentStore;
  /**
   * Fastify logging of one's own, instead of the request log `config.logLevel` turns on (default: that log when
   * the level is set, otherwise none).
   */
  logger?: FastifyServerOptions['logger'];
  /** Where the request log's JSON lines go (default: standard output). */
  logStream?: LogStream;
  /**
   * Told about every server fault (a 5xx answer, an unhandled error) when there is no request log (neither
   * `logger` nor `config.logLevel`); the message names the request id. With a request log, faults are in it.
   */
  onServerFault?: (message: string, error: unknown) => void;
  /** Serve `config.portalDir` at `/` when it exists (default true). */
  servePortal?: boolean;
}

/** Methods of the routes by URL pattern, to answer 405 with `Allow` for a known path. */
function routeTable(): { add(method: string | string[], url: string): void; allowed(path: string): string[] } {
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  const byUrl = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  const toPattern = (url: string) =>
    new RegExp(`^${url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`);
  return {
    add(method, url) {
      if (url.includes('*')) return;
      let entry = byUrl.get(url);
      if (!entry) {
        entry = { pattern: toPattern(url), methods: new Set() };
        byUrl.set(url, entry);
        routes.push(entry);
      }
      for (const m of Array.isArray(method) ? method : [method]) entry.methods.add(m);
    },
    allowed(path) {
      const methods = new Set<string>();
      for (const r of routes) if (r.pattern.test(path)) for (const m of r.methods) methods.add(m);
      return [...methods].sort();
    },
  };
}

/**
 * Builds the Gridflow HTTP application on a server context: JSON over HTTP under `/api/v1`, the OpenAPI 3.1
 * document at `/openapi.json` (generated from the schemas that validate the requests) and its reference page at
 * `/docs`, `/healthz` and `/readyz`, the demo routes in demo mode only, and the demo portal at `/`.
 *
 * Every request is authenticated with the host portal's JWT (jose; HS256 secret or RS256/ES256 JWKS), confined to
 * its tenant, and checked against the policy's permission matrix and scope; bodies are validated by JSON Schema;
 * CORS is limited to the configured origins; security headers (CSP and others) are set; rate limiting answers 429.
 * Errors are always `{code, message_zh, message_en, path}`, and nothing a client sends yields a 500.
 *
 * @example
 * const app = await buildHttpApp(ctx);
 * await app.listen({ port: ctx.config.port, host: ctx.config.host });
 */
export async function buildHttpApp(ctx: ServerContext, options: HttpAppOptions = {}): Promise<FastifyInstance> {
  const { config } = ctx;
  const logging: Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> =
    options.logger !== undefined
      ? { logger: options.logger }
      : config.logLevel !== undefined
        ? {
            logger: requestLogger({
              level: config.logLevel,
              ...(options.logStream ? { stream: options.logStream } : {}),
            }),
          }
        : options.onServerFault
          ? { loggerInstance: faultLogger(options.onServerFault) }
          : { logger: false };
  const app = Fastify({
    ...logging,
    // Behind a reverse proxy: whose X-Forwarded-For is believed (none unless configured), for `request.ip`.
    trustProxy: trustedProxies(config.trustProxy),
    // A proxy's `X-Request-ID` is kept when it is plain (REQUEST_ID_PATTERN); otherwise a UUID is made.
    genReqId: requestIdOf,
    requestIdHeader: false,
    bodyLimit: config.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors,
    clientErrorHandler,
  });
  const routes = routeTable();
  app.addHook('onRoute', (route) => routes.add(route.method, route.url));
  app.setValidatorCompiler(validatorCompiler);
  // Responses are documented by schemas but serialised as they are: a schema never silently drops a field.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // JSON (and multipart for uploads) only: anything else is 415.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('caller', null);
  installErrorHandling(app, (path) => routes.allowed(path));

  // helmet's middleware built once (@fastify/helmet builds it again for every request: ~30 µs each).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'", ...config.corsOrigins],
      },
    },
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: config.corsOrigins.length > 0 ? 'cross-origin' : 'same-origin' },
    strictTransportSecurity: config.mode === 'production',
  });
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error instanceof Error ? error : undefined));
  });
  await app.register(fastifyCors, {
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID', 'X-Request-ID'],
    exposedHeaders: [
      'Location',
      'X-Request-ID',
      'Idempotent-Replayed',
      'Retry-After',
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
    ],
    maxAge: 600,
  });
  // GRIDFLOW_RATE_LIMIT_MAX=0 turns rate limiting off (as documented). The limit runs after the token hook below
  // (route hooks run after the app's), so it counts per verified caller, and per client address without one.
  if (config.rateLimit.max > 0)
    await app.register(fastifyRateLimit, {
      global: true,
      max: config.rateLimit.max,
      timeWindow: config.rateLimit.windowMs,
      keyGenerator: rateLimitKey,
      errorResponseBuilder: (_request, context) =>
        new HttpError(
          429,
          'http.rate_limited',
          `请求过于频繁，请在 ${Math.ceil(context.ttl / 1000)} 秒后重试`,
          `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`,
        ),
    });
  await app.register(fastifyMultipart, {
    limits: {
      fileSize: config.attachments.maxBytes,
      files: 1,
      fields: 10,
      fieldSize: 1024,
      parts: 12,
      headerPairs: 100,
    },
  });

  const verify = createTokenVerifier(config.jwt);
  const refused = new WeakMap<FastifyRequest, Error>();
  app.addHook('onRequest', async (request) => {
    try {
      const token = bearerToken(request, request.routeOptions.config?.queryToken === true);
      request.caller = token === undefined ? null : await verify(token);
    } catch (error) {
      // Answered (401) in preParsing, after the rate limit has counted the request by its address: a flood of bad
      // tokens is limited like any other.
      request.caller = null;
      refused.set(request, error instanceof Error ? error : httpErrors.invalidToken('it cannot be read'));
    }
  });
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const error = refused.get(request);
    if (error) done(error);
    else done(null, payload);
  });
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.method !== 'POST' && request.method !== 'PUT' && request.method !== 'PATCH') return done();
    const multipart = request.routeOptions.config?.multipart === true;
    if (multipart && !request.isMultipart()) return done(httpErrors.unsupportedMediaType('multipart/form-data'));
    if (!multipart && request.isMultipart()) return done(httpErrors.unsupportedMediaType('application/json'));
    done();
  });

  await registerOpenApi(app, { demo: config.mode === 'demo', processes: options.processes ?? builtInProcesses });
  const attachments =
    options.attachments ??
    createAttachmentStore(ctx.sql, {
      storage: options.attachmentStorage ?? config.attachments.storage ?? 'db',
      ...(config.attachments.dir ? { dir: config.attachments.dir } : {}),
      ...(config.attachments.s3 ? { s3: config.attachments.s3 } : {}),
    });
  const described = (await ctx.runtimeFor(config.demoTenant)).processes();
  const env = createHttpEnv(ctx, described, options.processes ?? builtInProcesses, attachments);
  healthRoutes(app, env);
  caseRoutes(app, env);
  attachmentRoutes(app, env);
  evaluationRoutes(app, env);
  matterRoutes(app, env);
  policyRoutes(app, env);
  exportRoutes(app, env);
  indicatorRoutes(app, env);
  orgRoutes(app, env);
  processRoutes(app, env);
  eventRoutes(app, env);
  demoRoutes(app, env);
  await registerDocs(app);

  if ((options.servePortal ?? true) && config.portalDir && existsSync(config.portalDir)) {
    // The browser bundles of the widgets and the designer, for the portal (and any page) to import.
    const assets = browserBundleDirs();
    if (assets.length > 0)
      await app.register(fastifyStatic, { root: assets, prefix: '/assets/', decorateReply: false, index: false });
    await app.register(fastifyStatic, {
      root: config.portalDir,
      prefix: '/',
      index: ['index.html'],
      wildcard: true,
      decorateReply: assets.length === 0,
    });
  }
  return app;
}

/**
 * Fastify's `trustProxy` of the configuration: nothing, the given addresses and ranges, or the nearest `hops`
 * proxies (as Fastify's own hop count, written as a function for its types).
 */
function trustedProxies(trust: number | string[] | undefined): FastifyServerOptions['trustProxy'] {
  if (trust === undefined) return false;
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  return trust;
}

/**
 * What a request's rate limit is counted by: the verified caller (tenant and subject of a valid token), or the
 * client address (`request.ip`: the proxy's forwarded address only from a trusted proxy, see `trustProxy`).
 */
export function rateLimitKey(request: FastifyRequest): string {
  const { caller } = request;
  return caller ? `caller:${caller.tenant}:${caller.actor.id}` : `ip:${request.ip}`;
}

/** The `dist/browser` folders of @gridflow/widgets and @gridflow/designer, where they are installed and built. */
function browserBundleDirs(): string[] {
  const require = createRequire(import.meta.url);
  const dirs: string[] = [];
  for (const pkg of ['@gridflow/widgets', '@gridflow/designer']) {
    try {
      const dir = join(dirname(require.resolve(`${pkg}/package.json`)), 'dist', 'browser');
      if (existsSync(dir)) dirs.push(dir);
    } catch {
      // Not installed: the portal then runs without that package's elements.
    }
  }
  return dirs;
}
