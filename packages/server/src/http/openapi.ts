import type { FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { policySchema } from '@gridflow/core/policy';
import { type ProcessDefinition } from '@gridflow/core';
import type { Schema } from './validation.js';
import { processStateSchema } from './processSchemas.js';
import { embed } from './schemas.js';

/** The OpenAPI component describing a process's machine context (`Context.propertyCoordination`). */
export const contextComponentName = (process: string): string => `Context.${process}`;

/** A component for the context of each process that describes it (`ProcessDefinition.contextSchema`). */
function contextComponents(
  processes: readonly Pick<ProcessDefinition, 'id' | 'contextSchema'>[],
): Record<string, Schema> {
  return Object.fromEntries(
    processes.flatMap((p) => (p.contextSchema ? [[contextComponentName(p.id), embed(p.contextSchema)]] : [])),
  );
}

/** Version of the API the document describes. */
export const API_VERSION = '1.0.0';

const TAGS = [
  { name: 'cases', description: 'Cases of every process: submit, list, read, history, commands, live changes (案件)' },
  { name: 'attachments', description: 'Photos and files of the problem and of the fix (附件)' },
  { name: 'evaluations', description: 'Evaluations and revisits (评价与回访)' },
  { name: 'matters', description: 'Three-party meetings: confirm, attend, resolve, sign, vote (三方联动)' },
  { name: 'policies', description: 'Policy versions, drafts, review, publishing, simulation, export (政策)' },
  { name: 'indicators', description: 'Indicators and rankings (考核指标)' },
  { name: 'organisation', description: 'The organisation tree (组织架构)' },
  {
    name: 'processes',
    description: 'The processes described for UIs and the designer, and what a report form needs (流程与上报表单)',
  },
  { name: 'operations', description: 'Health and readiness' },
  { name: 'demo', description: 'DEMO MODE ONLY — absent in production' },
];

/** Rewrites the policy schema's `#/$defs/x` references to OpenAPI components named `Policy.x`. */
function policyComponents(): Record<string, Schema> {
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/'))
        out[k] = `#/components/schemas/Policy.${v.slice('#/$defs/'.length)}`;
      else if (k !== '$defs' && k !== '$schema' && k !== '$id') out[k] = rewrite(v);
    }
    return out;
  };
  const { $defs, ...root } = policySchema as unknown as { $defs: Record<string, unknown> } & Record<string, unknown>;
  const components: Record<string, Schema> = { Policy: rewrite(root) as Schema };
  for (const [name, def] of Object.entries($defs)) components[`Policy.${name}`] = rewrite(def) as Schema;
  return components;
}

/** Replaces `x-gridflow-ref` placeholders (see `componentRef`) with `$ref`s to components. */
function resolvePlaceholders(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolvePlaceholders);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (typeof record['x-gridflow-ref'] === 'string') {
    const ref = { $ref: `#/components/schemas/${record['x-gridflow-ref']}` };
    return typeof record.description === 'string' ? { ...ref, description: record.description } : ref;
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, resolvePlaceholders(v)]));
}

/**
 * Registers the OpenAPI 3.1 generator. It must be registered before the routes: it collects their schemas (the very
 * schemas that validate the requests) as they are added.
 */
export async function registerOpenApi(
  app: FastifyInstance,
  options: { demo: boolean; processes?: readonly Pick<ProcessDefinition, 'id' | 'contextSchema'>[] },
): Promise<void> {
  await app.register(fastifySwagger, {
    // OpenAPI 3.1 has `const`: keep the schemas exactly as they validate.
    convertConstToEnum: false,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Gridflow API',
        version: API_VERSION,
        description:
          'The HTTP API of Gridflow, the SDK for party-led grassroots governance processes (党建引领基层治理). Request bodies are validated by the JSON Schemas shown here; errors are `{code, message_zh, message_en, path}`. Authenticate with a JWT signed by the host portal (claims: sub, name, tenant, roles, units).' +
          (options.demo ? ' This server runs in DEMO MODE: see the `demo` routes for tokens.' : ''),
      },
      servers: [{ url: '/' }],
      tags: options.demo ? TAGS : TAGS.filter((t) => t.name !== 'demo'),
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transformObject: (documentObject) => {
      const openapi = (
        'openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject
      ) as Record<string, unknown>;
      const resolved = resolvePlaceholders(openapi) as Record<string, unknown> & {
        components?: Record<string, unknown>;
      };
      const schemas = (resolved.components?.schemas ?? {}) as Record<string, unknown>;
      resolved.components = {
        ...(resolved.components ?? {}),
        schemas: {
          ...schemas,
          ...policyComponents(),
          ...contextComponents(options.processes ?? []),
          ProcessState: resolvePlaceholders(processStateSchema),
        },
      };
      return resolved;
    },
  });
}

/** Serves the document at `/openapi.json` and the reference page (Swagger UI, bundled, no CDN) at `/docs`. */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, defaultModelsExpandDepth: 0 },
  });
}
