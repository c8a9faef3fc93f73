import type { FastifyInstance } from 'fastify';
import { OrgUnitKind, type OrgUnit } from '../../context.js';
import { currentPolicy } from '../access.js';
import { TENANT_PATTERN } from '../auth.js';
import { callerOf, type HttpEnv } from '../env.js';
import { HttpError, httpErrors } from '../errors.js';
import { intakeSchema, processDescriptionSchema } from '../processSchemas.js';
import { errorResponses } from '../schemas.js';

const TAG = 'processes';
const PROCESS_ID = '^[A-Za-z][A-Za-z0-9_.-]{0,99}$';

/** The kinds of unit the public sees: the tree a report is placed in, and the departments that handle it. */
const PUBLIC_KINDS: ReadonlySet<string> = new Set([
  OrgUnitKind.DISTRICT,
  OrgUnitKind.STREET,
  OrgUnitKind.COMMUNITY,
  OrgUnitKind.GRID,
  OrgUnitKind.COMPOUND,
  OrgUnitKind.DEPARTMENT,
]);

/** A unit as the public sees it: id, kind, parent, names and boundary — never its attributes or its people. */
function publicUnit(unit: OrgUnit): Record<string, unknown> {
  return {
    id: unit.id,
    kind: unit.kind,
    parentId: unit.parentId,
    name: unit.name,
    ...(unit.boundary ? { boundary: unit.boundary } : {}),
  };
}

/** The process the intake form submits. */
const INTAKE_PROCESS = 'gridEscalation';

/**
 * `GET /processes`, `GET /processes/{id}`: every registered process described from its machine under the caller's
 * tenant policy; `GET /intake`: what a resident's report form needs, open without a token where the tenant's policy
 * accepts anonymous reports.
 */
export function processRoutes(app: FastifyInstance, env: HttpEnv): void {
  app.get(
    '/api/v1/processes',
    {
      schema: {
        tags: [TAG],
        summary: 'The processes this server runs',
        description:
          'Every registered process (built-in or added in code), described from its machine: nested states, transitions with the guard and policy rules on each, commands with labelled input schemas and the roles the tenant’s current policy lets give them, deadline kinds and the rules it reads.',
        security: [{ bearer: [] }],
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: processDescriptionSchema } },
          },
          ...errorResponses(401, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return { items: (await env.runtime(caller.tenant)).processes() };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/processes/:id',
    {
      schema: {
        tags: [TAG],
        summary: 'One process, described',
        description: 'As in the list. 404 `process.not_found` for an id no process has.',
        security: [{ bearer: [] }],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 100, pattern: PROCESS_ID } },
        },
        response: { 200: processDescriptionSchema, ...errorResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const runtime = await env.runtime(caller.tenant);
      const found = runtime.processes().find((p) => p.id === request.params.id);
      if (!found) throw httpErrors.notFound('process', `流程 ${request.params.id}`);
      return found;
    },
  );

  app.get<{ Querystring: { tenant?: string } }>(
    '/api/v1/intake',
    {
      schema: {
        tags: [TAG],
        summary: 'What a report form needs',
        description:
          'Categories with their attributes, urgencies, the submission schema with field labels, and the public part of the organisation tree (names and GeoJSON boundaries; no staff, no personal data). Without a token (`tenant` parameter, default the demo tenant) only where the tenant’s policy accepts anonymous reports for some category, and then only those categories; otherwise 401.',
        security: [{}, { bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { tenant: { type: 'string', maxLength: 64, pattern: TENANT_PATTERN.source } },
        },
        response: { 200: intakeSchema, ...errorResponses(400, 401, 409, 429) },
      },
    },
    async (request) => {
      const tenant = request.caller?.tenant ?? request.query.tenant ?? env.ctx.config.demoTenant;
      const policy = await currentPolicy(env.ctx, tenant);
      if (!policy) {
        if (!request.caller) throw httpErrors.unauthenticated();
        throw new HttpError(
          409,
          'policy.none_published',
          '本辖区尚未发布政策',
          'This tenant has no published policy yet',
        );
      }
      const anonymousAllowed = policy.categories.some((c) => c.allowAnonymous);
      if (!request.caller && !anonymousAllowed) throw httpErrors.unauthenticated();
      const runtime = await env.runtime(tenant);
      const process = runtime.processes().find((p) => p.id === INTAKE_PROCESS);
      const units = await env.ctx.org.tree(tenant);
      return {
        tenant,
        anonymousAllowed,
        categories: policy.categories
          .filter((c) => request.caller !== null || c.allowAnonymous)
          .map((c) => ({
            code: c.code,
            name: c.name,
            defaultUrgency: c.defaultUrgency,
            allowAnonymous: c.allowAnonymous,
            attributes: c.attributes,
          })),
        urgencies: policy.urgencies.map((u) => ({ code: u.code, name: u.name })),
        units: units.filter((u) => PUBLIC_KINDS.has(u.kind)).map(publicUnit),
        submission: process
          ? { process: process.id, inputSchema: process.inputSchema, labels: process.inputLabels }
          : { process: INTAKE_PROCESS },
      };
    },
  );
}
