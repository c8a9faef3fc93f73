import type { FastifyRequest } from 'fastify';
import type { CaseRecord, ProcessDefinition, Runtime } from '@gridflow/core';
import type { AttachmentStore } from '../attachments/index.js';
import type { ServerContext } from '../context.js';
import { currentPolicy, requireCaller } from './access.js';
import type { Caller } from './auth.js';
import type { ProcessSchemas } from './schemas.js';
import { displayNamesOf, type StateNames } from './views.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller, or null for a request without a token. */
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** Accept the token as an `access_token` query parameter (routes a browser opens without headers). */
    queryToken?: boolean;
    /** The route takes multipart/form-data (file uploads) instead of JSON. */
    multipart?: boolean;
  }
}

/** What every route module gets: the server context and the parts the HTTP layer adds to it. */
export interface HttpEnv {
  ctx: ServerContext;
  /** The processes whose schemas the routes validate and document: those the runtime runs. */
  processes: readonly ProcessSchemas[];
  /** The process definitions simulations run. */
  definitions: readonly ProcessDefinition[];
  attachments: AttachmentStore;
  /** The runtime of a tenant. */
  runtime(tenant: string): Promise<Runtime>;
  /** Names for views of the tenant: states and processes, org units, levels and roles. */
  stateNames(tenant: string): Promise<StateNames>;
}

/** Builds the {@link HttpEnv} of a context. */
export function createHttpEnv(
  ctx: ServerContext,
  processes: readonly ProcessSchemas[],
  definitions: readonly ProcessDefinition[],
  attachments: AttachmentStore,
): HttpEnv {
  return {
    ctx,
    processes,
    definitions,
    attachments,
    runtime: (tenant) => ctx.runtimeFor(tenant),
    async stateNames(tenant) {
      const [runtime, policy, units] = await Promise.all([
        ctx.runtimeFor(tenant),
        currentPolicy(ctx, tenant),
        ctx.org.tree(tenant),
      ]);
      return displayNamesOf(runtime.processes(), policy, units);
    },
  };
}

/** The caller of a request, or 401. */
export function callerOf(request: FastifyRequest): Caller {
  return requireCaller(request.caller);
}

/** A case the caller may read (404 otherwise, as the runtime says), with the caller's runtime. */
export async function readableCase(
  env: HttpEnv,
  caller: Caller,
  id: string,
): Promise<{ record: CaseRecord; runtime: Runtime }> {
  const runtime = await env.runtime(caller.tenant);
  const record = await runtime.get(id, { actor: caller.actor, tenant: caller.tenant });
  return { record, runtime };
}
