import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest, FastifyServerOptions } from 'fastify';

/** The levels of `GRIDFLOW_LOG_LEVEL` (pino's, from most to least severe, and `silent`). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where log lines go: a pino destination (`process.stdout`, or an array in tests). */
export interface LogStream {
  write(line: string): void;
}

/**
 * An incoming `X-Request-ID` the server takes over as its own: 1–128 letters, digits and `._:-` (so a log line or
 * a header can never be forged through it). Anything else is ignored and a fresh id made.
 */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `genReqId`: the proxy's or client's `X-Request-ID` when it matches {@link REQUEST_ID_PATTERN},
 * otherwise a random UUID.
 */
export function requestIdOf(raw: IncomingMessage): string {
  const given = raw.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

/** What stands in a log line for a secret. */
export const REDACTED = '[redacted]';

/**
 * A URL with the value of every `access_token` query parameter replaced by `[redacted]` (also when its name is
 * percent-encoded or in another case), for logs.
 *
 * @example
 * redactAccessToken('/api/v1/events?access_token=eyJ…&x=1'); // '/api/v1/events?access_token=[redacted]&x=1'
 */
export function redactAccessToken(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // A name that does not decode is kept as it is (and cannot be access_token).
      }
      return decoded.trim().toLowerCase() === 'access_token' ? `${name}=${REDACTED}` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

/** The request headers a log line shows (the token only as `[redacted]`: whether one was sent). */
const LOGGED_HEADERS = ['user-agent', 'content-type', 'content-length', 'authorization', 'x-request-id'] as const;

/** How a request appears in a log line: method, URL without tokens, client address, a few headers. */
export function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const name of LOGGED_HEADERS) {
    const value = request.headers?.[name];
    if (value !== undefined) headers[name] = value;
  }
  return {
    method: request.method,
    url: redactAccessToken(request.url),
    remoteAddress: request.ip,
    headers,
  };
}

/** Options of {@link requestLogger}. */
export interface RequestLoggerOptions {
  level: LogLevel;
  /** Default: standard output. */
  stream?: LogStream;
}

/**
 * The options of Fastify's own pino logger for request logs: one JSON line when a request comes in and one when
 * it is answered (status, time), each with the request id (`reqId`); server faults at `error` with their cause.
 * The `Authorization` header (and `Cookie`) and every `access_token` in a URL are redacted.
 *
 * @example
 * Fastify({ logger: requestLogger({ level: 'info' }), genReqId: requestIdOf });
 */
export function requestLogger(options: RequestLoggerOptions): NonNullable<FastifyServerOptions['logger']> {
  return {
    level: options.level,
    ...(options.stream ? { stream: options.stream } : {}),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'headers.authorization',
        'headers.cookie',
      ],
      censor: REDACTED,
    },
    serializers: {
      req: serializeRequest,
    },
  };
}
