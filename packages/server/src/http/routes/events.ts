import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { CaseRecord } from '@gridflow/core';
import type { CaseChange } from '../../context.js';
import { currentPolicy, mayRead, policyOfCase } from '../access.js';
import { callerOf, type HttpEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { errorResponses } from '../schemas.js';
import { revealFor } from '../privacy.js';
import { caseItem, maskedItem } from '../views.js';

const HEARTBEAT_MS = 15_000;
/** The longest a timer may wait (setTimeout's limit); a later token expiry is looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** An open event stream, as {@link FastifyInstance.eventStreams} lists it. */
export interface EventStreamInfo {
  tenant: string;
  user: string;
  /** Bytes written to the stream that its reader has not taken yet (in the process and the socket). */
  bufferedBytes: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The open event streams of this app, with what each has left unread (diagnostics, tests). */
    eventStreams(): EventStreamInfo[];
  }
}

const tooManyStreams = (max: number) =>
  new HttpError(
    429,
    'events.too_many_streams',
    `同一用户最多同时打开 ${max} 个实时更新连接，请先关闭不用的页面`,
    `At most ${max} live-update streams may be open per user; close one first`,
  );

/**
 * `GET /api/v1/events`: a server-sent event stream of case changes in the caller's tenant, only of the cases the
 * caller may see (checked against each case's policy as it changes). Each event is `event: case` with the change
 * and the case as a list item (no personal data); comments keep the connection alive.
 *
 * A stream never outlives its token: when the token expires the server sends `event: expired` and closes it (the
 * client reconnects with a fresh token). A caller (tenant and user) has at most `config.events.maxStreamsPerCaller`
 * streams open in a process (429 `events.too_many_streams` beyond), and a reader that lets more than
 * `config.events.maxBufferBytes` pile up unread is cut off instead of growing the server's memory.
 */
export function eventRoutes(app: FastifyInstance, env: HttpEnv): void {
  const limits = env.ctx.config.events ?? { maxStreamsPerCaller: 5, maxBufferBytes: 1024 * 1024 };
  interface Open {
    raw: ServerResponse;
    tenant: string;
    user: string;
    stop: () => void;
  }
  const open = new Set<Open>();
  const perCaller = new Map<string, number>();
  app.decorate('eventStreams', () =>
    [...open].map((s) => ({ tenant: s.tenant, user: s.user, bufferedBytes: s.raw.writableLength })),
  );
  // Before the server waits for its connections to end: an open stream would otherwise keep it from closing.
  app.addHook('preClose', (done) => {
    for (const stream of open) {
      stream.stop();
      stream.raw.end();
      // A reader that takes nothing would keep the server from closing: its stream goes at once.
      if (stream.raw.writableLength > 0) stream.raw.destroy();
    }
    open.clear();
    done();
  });

  app.get(
    '/api/v1/events',
    {
      config: { queryToken: true },
      schema: {
        tags: ['cases'],
        summary: 'Live case changes (server-sent events)',
        description:
          'A `text/event-stream` of `case` events, each with `{change, case}`, for cases the caller may see. Browsers’ EventSource cannot send headers: pass the token as `access_token`. When the token expires the stream sends `event: expired` and ends: reconnect with a fresh token. At most a few streams per user (429 `events.too_many_streams`); a reader that falls far behind is disconnected.',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { access_token: { type: 'string', maxLength: 8192 } },
        },
        response: { 200: { description: 'An event stream', type: 'string' }, ...errorResponses(401, 429) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { ctx } = env;
      const key = `${caller.tenant}:${caller.actor.id}`;
      if ((perCaller.get(key) ?? 0) >= limits.maxStreamsPerCaller) throw tooManyStreams(limits.maxStreamsPerCaller);
      const runtime = await env.runtime(caller.tenant);
      const names = await env.stateNames(caller.tenant);
      // Counted again after the awaits: streams opened meanwhile count too.
      const count = perCaller.get(key) ?? 0;
      if (count >= limits.maxStreamsPerCaller) throw tooManyStreams(limits.maxStreamsPerCaller);
      perCaller.set(key, count + 1);

      reply.hijack();
      const raw = reply.raw;
      let closed = false;
      let heartbeat: NodeJS.Timeout | undefined = undefined;
      let expiry: NodeJS.Timeout | undefined;
      let unsubscribe = () => undefined as void;
      const stream: Open = {
        raw,
        tenant: caller.tenant,
        user: caller.actor.id,
        stop: () => {
          if (closed) return;
          closed = true;
          clearInterval(heartbeat);
          clearTimeout(expiry);
          unsubscribe();
          open.delete(stream);
          const left = (perCaller.get(key) ?? 1) - 1;
          if (left > 0) perCaller.set(key, left);
          else perCaller.delete(key);
        },
      };
      /** Writes to the stream; a reader that has left more than the limit unread is cut off. */
      const send = (text: string): void => {
        if (closed || raw.destroyed || raw.writableEnded) return stream.stop();
        raw.write(text);
        if (raw.writableLength > limits.maxBufferBytes) {
          request.log.warn(
            { bufferedBytes: raw.writableLength, limit: limits.maxBufferBytes },
            'event stream closed: its reader fell behind',
          );
          stream.stop();
          raw.destroy();
        }
      };
      raw.on('close', stream.stop);
      raw.on('error', stream.stop);
      request.raw.on('close', stream.stop);
      open.add(stream);

      raw.writeHead(200, {
        ...(reply.getHeaders() as OutgoingHttpHeaders),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      send('retry: 3000\n: connected\n\n');

      let chain: Promise<void> = Promise.resolve();
      const deliver = async (change: CaseChange, given?: CaseRecord): Promise<void> => {
        if (closed) return;
        const record = given ?? (await ctx.store.getCase(caller.tenant, change.caseId));
        if (!record || record.tenant !== caller.tenant) return;
        if (!mayRead(runtime, record, caller.actor)) return;
        const policy = policyOfCase(runtime, record, await currentPolicy(ctx, caller.tenant));
        const data = {
          change: {
            caseId: change.caseId,
            version: change.version,
            state: change.state,
            command: change.command,
            at: change.at,
          },
          case: maskedItem(caseItem(record, names), revealFor(policy, caller.actor, record.summary)),
        };
        send(`id: ${change.caseId}:${change.version}\nevent: case\ndata: ${JSON.stringify(data)}\n\n`);
      };
      unsubscribe = ctx.events.subscribe(caller.tenant, (change, record) => {
        chain = chain
          .then(() => deliver(change, record))
          .catch((error: unknown) => request.log.warn({ err: error }, 'event delivery failed'));
      });
      heartbeat = setInterval(() => send(': ping\n\n'), HEARTBEAT_MS);
      heartbeat.unref();

      // The token's expiry is by the real clock, as its verification is (never the demo clock).
      const { expiresAt } = caller;
      const expire = () => {
        if (expiresAt === undefined || closed) return;
        const left = expiresAt - Date.now();
        if (left > 0) {
          expiry = setTimeout(expire, Math.min(left, MAX_TIMER_MS));
          expiry.unref();
          return;
        }
        send('event: expired\ndata: {"reason":"token_expired"}\n\n');
        stream.stop();
        raw.end();
      };
      expire();
    },
  );
}
