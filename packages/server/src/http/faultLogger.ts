import type { FastifyBaseLogger } from 'fastify';

/**
 * A Fastify logger that passes server faults (`error` and `fatal`: 5xx answers, unhandled errors) to `report` and
 * drops the rest, so an embedding application's own log receives them without a JSON logger of Fastify's.
 *
 * @example
 * Fastify({ loggerInstance: faultLogger((message, error) => console.error(message, error)) });
 */
export function faultLogger(report: (message: string, error: unknown) => void): FastifyBaseLogger {
  const fault = (first: unknown, message?: string) => {
    const err = typeof first === 'object' && first !== null && 'err' in first ? first.err : first;
    report(typeof message === 'string' ? message : typeof first === 'string' ? first : 'server fault', err);
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
    child: () => logger,
  };
  return logger;
}
