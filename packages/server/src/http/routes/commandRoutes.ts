import type { FastifyInstance } from 'fastify';
import type { Caller } from '../auth.js';
import { callerOf, readableCase, type HttpEnv } from '../env.js';
import { contextComponentName } from '../openapi.js';
import {
  caseDetailSchema,
  caseIdParams,
  commandRouteBody,
  componentRef,
  embed,
  errorResponses,
  pathIdSchema,
} from '../schemas.js';
import type { Schema } from '../validation.js';
import { sendCommand, viewCase, wrongProcess } from './cases.js';

/**
 * Convenience routes: a resource-shaped URL for one command of one process (`POST /evaluations/{id}/rating` →
 * `evaluation.rate`). The body is the command's own input schema plus `expectedVersion`; path parameters named in
 * `fromPath` fill input properties.
 */
export interface CommandRoute {
  url: string;
  command: string;
  summary: string;
  description?: string;
  /** Path parameter → input property, e.g. `{ itemId: 'id' }`. */
  fromPath?: Record<string, string>;
}

/** Registers convenience command routes of one process. */
export function registerCommandRoutes(
  app: FastifyInstance,
  env: HttpEnv,
  options: { kind: 'evaluation' | 'matter'; process: string; tag: string; routes: readonly CommandRoute[] },
): void {
  const response = caseDetailOf(env, options.process);
  for (const route of options.routes) {
    const pathParams = Object.keys(route.fromPath ?? {});
    const params: Schema = {
      ...caseIdParams,
      required: ['id', ...pathParams],
      properties: {
        ...(caseIdParams.properties as Record<string, Schema>),
        ...Object.fromEntries(pathParams.map((p) => [p, pathIdSchema])),
      },
    };
    app.post<{ Params: Record<string, string>; Body: Record<string, unknown> & { expectedVersion: number } }>(
      route.url,
      {
        schema: {
          tags: [options.tag],
          summary: route.summary,
          description: `${route.description ? `${route.description} ` : ''}Gives \`${route.command}\` on a ${options.process} case.`,
          security: [{ bearer: [] }],
          params,
          body: commandRouteBody(env.processes, route.command, Object.values(route.fromPath ?? {})),
          response: { 200: response, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429) },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        await requireProcess(env, caller, request.params.id ?? '', options.process, options.kind);
        const { expectedVersion, ...input } = request.body;
        for (const [param, property] of Object.entries(route.fromPath ?? {})) input[property] = request.params[param];
        return sendCommand(env, caller, request.params.id ?? '', route.command, input, expectedVersion);
      },
    );
  }
}

/**
 * The case detail of one process's cases: its `context` is the process's context schema (an OpenAPI component)
 * when the process describes it. Documentation only: responses are written with `JSON.stringify`.
 */
function caseDetailOf(env: HttpEnv, process: string): Schema {
  const definition = env.processes.find((p) => p.id === process);
  if (!definition?.contextSchema) return caseDetailSchema;
  const properties = caseDetailSchema.properties as Record<string, Schema>;
  return {
    ...caseDetailSchema,
    properties: {
      ...properties,
      context: componentRef(
        contextComponentName(process),
        `The ${process} machine context (personal data masked as for every case).`,
      ),
    },
  };
}

/** 404 unless the case is readable by the caller and of the process. */
async function requireProcess(
  env: HttpEnv,
  caller: Caller,
  id: string,
  process: string,
  kind: 'evaluation' | 'matter',
): Promise<void> {
  const { record } = await readableCase(env, caller, id);
  if (record.process !== process) throw wrongProcess(kind);
}

/** Registers `POST <url>`: submits a case of a process (body: the process's submission schema). */
export function registerSubmitRoute(
  app: FastifyInstance,
  env: HttpEnv,
  options: { url: string; process: string; tag: string; summary: string; description: string },
): void {
  const definition = env.processes.find((p) => p.id === options.process);
  if (!definition) return;
  app.post<{ Body: Record<string, unknown> }>(
    options.url,
    {
      schema: {
        tags: [options.tag],
        summary: options.summary,
        description: options.description,
        security: [{ bearer: [] }],
        body: embed(definition.inputSchema),
        response: { 201: caseDetailSchema, ...errorResponses(400, 401, 403, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const runtime = await env.runtime(caller.tenant);
      const record = await runtime.submit({
        process: options.process,
        input: request.body,
        actor: caller.actor,
        tenant: caller.tenant,
      });
      void reply.code(201).header('location', `/api/v1/cases/${encodeURIComponent(record.id)}`);
      return viewCase(env, caller, runtime, record);
    },
  );
}
