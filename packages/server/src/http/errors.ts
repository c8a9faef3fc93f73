import type { FastifyError, FastifyInstance } from 'fastify';
import { GridflowError } from '@gridflow/core';

/** The body of every error response: a stable code, Chinese and English messages, the JSON path. */
export interface ErrorBody {
  code: string;
  message_zh: string;
  message_en: string;
  path?: string;
  details?: unknown;
}

function body(code: string, zh: string, en: string, path?: string, details?: unknown): ErrorBody {
  return { code, message_zh: zh, message_en: en, ...(path === undefined ? {} : { path }), ...(details === undefined ? {} : { details }) };
}

/**
 * Maps every failure to `{code, message_zh, message_en, path}` with a 4xx status for anything a client sent.
 * Only a genuine server fault becomes a 500, and then without a stack trace.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(body('http.not_found', `找不到 ${request.method} ${request.url}`, `Not found: ${request.method} ${request.url}`));
  });

  app.setErrorHandler((error: FastifyError | GridflowError, request, reply) => {
    if (error instanceof GridflowError) {
      const status = statusFor(error.code);
      return reply.code(status).send(error.toJSON());
    }
    const status = error.statusCode ?? 500;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
      return reply.code(413).send(body('http.body_too_large', '请求体过大', 'Request body is too large'));
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) {
      return reply.code(415).send(body('http.unsupported_media_type', '不支持的内容类型，请使用 application/json', 'Unsupported media type: use application/json'));
    }
    if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
      return reply.code(400).send(body('http.invalid_json', '请求体不是有效的 JSON', 'The request body is not valid JSON', ''));
    }
    if (error.validation) {
      const first = error.validation[0];
      const path = first?.instancePath ?? '';
      return reply.code(400).send(body('http.invalid_request', `请求无效：${first?.message ?? ''}`, `Invalid request: ${first?.message ?? ''}`, path));
    }
    if (status >= 400 && status < 500) {
      return reply.code(status).send(body(`http.${status}`, error.message, error.message));
    }
    request.log.error({ err: error }, 'unhandled server error');
    return reply.code(500).send(body('server.internal', '服务器内部错误', 'Internal server error'));
  });
}

/** HTTP status for a core error code. */
export function statusFor(code: string): number {
  if (code.endsWith('.not_found')) return 404;
  if (code.endsWith('.conflict') || code === 'case.stale_version') return 409;
  if (code.endsWith('.forbidden') || code === 'permission.denied') return 403;
  if (code.endsWith('.unauthorized')) return 401;
  return 400;
}
