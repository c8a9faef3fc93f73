import type { FastifyBaseLogger } from 'fastify';

/**
 * A Fastify logger that passes server faults (`error` and `fatal`: 5xx answers, unhandled errors) to `report` and
 * drops the rest, so an embedding application's own log receives them without a JSON logger of Fastify's. A fault
 * during a request names the request id (the `requestId` of the 500 answer): `server fault (request 3f2a…)`.
 *
 * @example
 * Fastify({ loggerInstance: faultLogger((message, error) => console.error(message, error)) });
 */
export function faultLogger(report: (message: string, error: unknown) => void): FastifyBaseLogger {
  const make = (reqId: unknown): FastifyBaseLogger => {
    const fault = (first: unknown, message?: string) => {
      const err = typeof first === 'object' && first !== null && 'err' in first ? first.err : first;
      const text = typeof message === 'string' ? message : typeof first === 'string' ? first : 'server fault';
      report(typeof reqId === 'string' ? `${text} (request ${reqId})` : text, err);
    };
    const ignore = () => undefined;
    const logger = {
      level: 'error',
      fatal: fault,
      error: fault,
      warn: ignore,
      info: ignore,
      debug: ignore,
      trace: ignore,
      silent: ignore,
      child: (bindings: Record<string, unknown>) =>
        typeof bindings.reqId === 'string' && bindings.reqId !== reqId ? make(bindings.reqId) : logger,
    };
    return logger;
  };
  return make(undefined);
}
