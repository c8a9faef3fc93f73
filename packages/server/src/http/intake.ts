import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Actor, CaseRecord, Runtime } from '@gridflow/core';
import { isCoordinateSystem, toWgs84 } from '../org/coordinates.js';
import { TENANT_PATTERN, type Caller } from './auth.js';
import type { HttpEnv } from './env.js';
import { httpErrors } from './errors.js';
import { idempotentSubmit } from './idempotency.js';

/*
 * Intake: how a submission becomes a case. The tenant and actor of the request (anonymous and resident intake),
 * a reported location placed in its grid, and the submission run once per idempotency key.
 */

/** The body of `POST /cases`. */
export interface SubmitBody {
  process: string;
  input: Record<string, unknown>;
  coordinateSystem?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The tenant of a request: the token's, or for anonymous intake the `tenant` query parameter (default: the demo tenant). */
export function tenantOf(env: HttpEnv, request: FastifyRequest): string {
  if (request.caller) return request.caller.tenant;
  const tenant = (request.query as { tenant?: unknown } | undefined)?.tenant;
  return typeof tenant === 'string' && TENANT_PATTERN.test(tenant) ? tenant : env.ctx.config.demoTenant;
}

/**
 * Places a report with coordinates in its grid before validation: a `location` given in GCJ-02 or BD-09
 * (`coordinateSystem`) is converted to WGS-84, which is stored; then a grid-escalation submission with `location`
 * and no `units` gets the grid, community and street the point lies in (point in polygon over grid boundaries).
 */
export async function placeByLocation(env: HttpEnv, request: FastifyRequest): Promise<void> {
  const body = request.body;
  if (!isRecord(body) || !isRecord(body.input) || !isRecord(body.input.location)) return;
  const location = body.input.location;
  if (typeof location.lng !== 'number' || typeof location.lat !== 'number') return;
  if (Math.abs(location.lng) > 180 || Math.abs(location.lat) > 90) return;
  if (isCoordinateSystem(body.coordinateSystem) && body.coordinateSystem !== 'wgs84') {
    body.input.location = { ...location, ...toWgs84({ lng: location.lng, lat: location.lat }, body.coordinateSystem) };
    body.coordinateSystem = 'wgs84';
  }
  const { lng, lat } = body.input.location as { lng: number; lat: number };
  if (body.process !== 'gridEscalation' || body.input.units !== undefined) return;
  const place = await env.ctx.org.locate(tenantOf(env, request), { lng, lat });
  if (place?.community && place.street)
    body.input.units = { grid: place.grid, community: place.community, street: place.street };
}

/** The actor of a submission and its input, adjusted for anonymous and resident intake. */
export function intakeActor(caller: Caller | null, body: SubmitBody): { actor: Actor; input: Record<string, unknown> } {
  const input = { ...body.input };
  if (caller === null) {
    // Anonymous intake: only a report that says it is anonymous (the runtime checks the category allows it).
    if (input.anonymous !== true) throw httpErrors.unauthenticated();
    const actor: Actor = { id: `anonymous:${randomUUID()}`, roles: ['resident'], units: [] };
    input.reporter = { ...(isRecord(input.reporter) ? input.reporter : {}), id: actor.id };
    return { actor, input };
  }
  const { actor } = caller;
  // A resident reports for themself: the reporter defaults to the caller.
  if (
    body.process === 'gridEscalation' &&
    isRecord(input.reporter) &&
    input.reporter.id === undefined &&
    actor.roles.includes('resident')
  ) {
    input.reporter = { ...input.reporter, id: actor.id };
  }
  return { actor, input };
}

/** What {@link submitCase} did: the case, whether it is a replay of an earlier submission, and who submitted it. */
export interface Intake {
  record: CaseRecord;
  /** True when an `Idempotency-Key` already used returned the first case. */
  replayed: boolean;
  /** The caller, or for anonymous intake the anonymous reporter. */
  caller: Caller;
  runtime: Runtime;
}

/**
 * Submits the case of a `POST /cases` request: its tenant and actor (anonymous and resident intake), once per
 * `Idempotency-Key` when the request has one.
 *
 * @example
 * const { record, replayed } = await submitCase(env, request);
 */
export async function submitCase(env: HttpEnv, request: FastifyRequest<{ Body: SubmitBody }>): Promise<Intake> {
  const { ctx } = env;
  const tenant = tenantOf(env, request);
  const { actor, input } = intakeActor(request.caller, request.body);
  const caller: Caller = request.caller ?? { actor, tenant };
  if (request.caller === null && request.body.process !== 'gridEscalation') throw httpErrors.unauthenticated();
  const runtime = await env.runtime(tenant);
  const key = request.headers['idempotency-key'];
  const once = (idempotencyKey?: string) =>
    runtime.submit({
      process: request.body.process,
      input,
      actor,
      tenant,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
  const { record, replayed } =
    typeof key === 'string'
      ? await idempotentSubmit({
          sql: ctx.sql,
          tenant,
          // A verified caller owns their keys; an anonymous key is bound to its body as well.
          owner: request.caller ? { callerId: actor.id } : { anonymous: true },
          key,
          body: request.body,
          submit: once,
          load: (id) => ctx.store.getCase(tenant, id),
          ...(ctx.config.idempotencyStaleMs ? { staleAfterMs: ctx.config.idempotencyStaleMs } : {}),
        })
      : { record: await once(), replayed: false };
  return { record, replayed, caller, runtime };
}
