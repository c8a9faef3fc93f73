import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GridflowError } from '@gridflow/core';
import { sqlState } from '../store/sql.js';

/** The body of every error response: a stable code, Chinese and English messages, the JSON Pointer it concerns. */
export interface ErrorBody {
  code: string;
  message_zh: string;
  message_en: string;
  path?: string;
  details?: unknown;
  /** On a 5xx answer: the request id the server logged the fault with (also the `X-Request-ID` header). */
  requestId?: string;
}

/**
 * An error the HTTP layer raises on purpose, with its status. Thrown from handlers and hooks; the error handler
 * turns it into an {@link ErrorBody}.
 *
 * @example
 * throw new HttpError(403, 'policy.author_cannot_approve', '起草人不能审批自己的草稿', 'The author of a draft cannot approve it');
 */
export class HttpError extends GridflowError {
  readonly statusCode: number;
  constructor(
    statusCode: number,
    code: string,
    zh: string,
    en: string,
    options: { path?: string; details?: unknown } = {},
  ) {
    super(code, { zh, en }, options);
    this.name = 'HttpError';
    this.statusCode = statusCode;
  }
}

/** Common HTTP errors, each with Chinese and English messages. */
export const httpErrors = {
  unauthenticated: () =>
    new HttpError(
      401,
      'auth.required',
      '请先登录（缺少有效的访问令牌）',
      'Authentication required: send a valid bearer token',
    ),
  invalidToken: (reason: string) =>
    new HttpError(401, 'auth.invalid_token', `访问令牌无效：${reason}`, `Invalid access token: ${reason}`),
  forbidden: (what: string, whatZh: string = what) =>
    new HttpError(403, 'permission.denied', `无权${whatZh}`, `Not allowed to ${what}`),
  notFound: (what: string, whatZh: string) =>
    new HttpError(404, `${what}.not_found`, `找不到${whatZh}`, `${what} not found`),
  unsupportedMediaType: (expected: string) =>
    new HttpError(
      415,
      'http.unsupported_media_type',
      `不支持的内容类型，请使用 ${expected}`,
      `Unsupported media type: use ${expected}`,
    ),
};

/**
 * HTTP status for a Gridflow error code: `*.not_found` 404, conflicts and commands a case's state does not take
 * now 409, commands the policy's rules refuse 422, `*.forbidden`/`permission.denied` 403, everything else a
 * client caused 400.
 */
export function statusFor(code: string): number {
  // Faults of the server, not of the request.
  if (code === 'store.unavailable' || code === 'attachments.unavailable') return 503;
  if (code.startsWith('attachments.')) return 500;
  if (
    code.startsWith('store.') ||
    code.startsWith('runtime.') ||
    code.startsWith('config.') ||
    code === 'process.no_migration'
  )
    return 500;
  if (code === 'clock.not_controllable') return 409;
  if (code.endsWith('.not_found')) return 404;
  if (
    code.endsWith('.conflict') ||
    code === 'case.stale_version' ||
    code === 'command.not_allowed_in_state' ||
    code === 'case.closed'
  )
    return 409;
  if (/^policy\.(not_a_draft|not_approved|not_published|wrong_status|already_current)$/.test(code)) return 409;
  if (code === 'command.refused') return 422;
  if (
    code.endsWith('.forbidden') ||
    code === 'permission.denied' ||
    code === 'permission.not_party' ||
    code === 'policy.self_approval' ||
    code === 'policy.author_cannot_approve'
  )
    return 403;
  if (code.endsWith('.unauthorized') || code.startsWith('auth.')) return 401;
  if (code === 'policy.none_published') return 409;
  return 400;
}

function body(code: string, zh: string, en: string, path?: string, details?: unknown): ErrorBody {
  return {
    code,
    message_zh: zh,
    message_en: en,
    ...(path === undefined ? {} : { path }),
    ...(details === undefined ? {} : { details }),
  };
}

/**
 * Sends an error body with a status (used by hooks that answer before a route runs). A 5xx body carries the
 * request id its fault was logged with, for the operator to find it.
 */
export function sendError(reply: FastifyReply, status: number, error: ErrorBody): FastifyReply {
  const sent = status >= 500 ? { ...error, requestId: reply.request.id } : error;
  return reply.code(status).type('application/json; charset=utf-8').send(sent);
}

/**
 * Fastify's `frameworkErrors`: a URL that does not decode (400 `http.bad_url`) or a path parameter longer than the
 * router takes (414 `http.uri_too_long`), in Gridflow's error shape.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendError(reply, 414, body('http.uri_too_long', '请求地址中的标识过长', 'An id in the URL is too long', ''));
    return;
  }
  void sendError(reply, 400, body('http.bad_url', '请求地址无效', 'Malformed URL', ''));
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before any route runs (headers too large 431,
 * a malformed header or request line 400, a request too slow 408), answered in Gridflow's error shape.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, error_] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          body('http.headers_too_large', '请求头过大', 'The request headers are too large'),
        ]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', body('http.timeout', '请求超时', 'The request took too long to arrive')]
        : [
            400,
            'Bad Request',
            body('http.bad_request', '请求格式有误（请求行或请求头无效）', 'Malformed request line or header'),
          ];
  const text = JSON.stringify(error_);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

/** What the multipart parser throws for a body that is not complete multipart data (no boundary, cut short). */
const MALFORMED_MULTIPART =
  /boundary not found|unexpected end of (multipart|form)|terminated early|malformed part header/i;

/** The methods a path answers to, for 405 replies. */
export type AllowedMethods = (path: string) => string[];

/** Fastify's own client-error codes and what they mean for a caller. */
const FASTIFY_CLIENT_ERRORS: Record<string, [status: number, code: string, zh: string, en: string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'http.body_too_large', '请求体过大', 'The request body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    415,
    'http.unsupported_media_type',
    '不支持的内容类型，请使用 application/json',
    'Unsupported media type: use application/json',
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: [
    400,
    'http.invalid_json',
    '请求体为空，但内容类型为 JSON',
    'The body is empty but the content type says JSON',
  ],
  FST_ERR_CTP_INVALID_JSON_BODY: [
    400,
    'http.invalid_json',
    '请求体不是有效的 JSON',
    'The request body is not valid JSON',
  ],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    400,
    'http.invalid_content_length',
    'Content-Length 与请求体不符',
    'Content-Length does not match the body',
  ],
  FST_ERR_CTP_INVALID_TYPE: [415, 'http.unsupported_media_type', '内容类型无效', 'Invalid content type'],
  FST_ERR_BAD_URL: [400, 'http.bad_url', '请求地址无效', 'Malformed URL'],
  FST_REQ_FILE_TOO_LARGE: [413, 'attachment.too_large', '文件超过大小上限', 'The file is larger than allowed'],
  FST_FILES_LIMIT: [413, 'attachment.too_many_files', '一次只能上传一个文件', 'Upload one file at a time'],
  FST_FIELDS_LIMIT: [413, 'attachment.too_many_fields', '表单字段过多', 'Too many form fields'],
  FST_PARTS_LIMIT: [413, 'attachment.too_many_parts', '表单部分过多', 'Too many form parts'],
  FST_PROTO_VIOLATION: [
    400,
    'http.invalid_json',
    '请求体含有不允许的 __proto__ 字段',
    'The body contains a forbidden __proto__ key',
  ],
  FST_INVALID_MULTIPART_CONTENT_TYPE: [
    415,
    'http.unsupported_media_type',
    '请使用 multipart/form-data 上传文件',
    'Upload files as multipart/form-data',
  ],
};

/**
 * Maps every failure to `{code, message_zh, message_en, path}` with a 4xx status for anything a client sent, and
 * answers unknown paths with 404 and known paths with the wrong method with 405 (and `Allow`). Only a genuine
 * server fault becomes a 500, and then without a stack trace or internal message.
 */
export function installErrorHandling(app: FastifyInstance, allowedMethods: AllowedMethods): void {
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const allowed = allowedMethods(path);
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      void reply.header('allow', allowed.join(', '));
      return sendError(
        reply,
        405,
        body(
          'http.method_not_allowed',
          `${path} 不支持 ${request.method} 方法（可用：${allowed.join(', ')}）`,
          `${request.method} is not allowed on ${path} (allowed: ${allowed.join(', ')})`,
        ),
      );
    }
    return sendError(
      reply,
      404,
      body('http.not_found', `找不到 ${request.method} ${path}`, `Not found: ${request.method} ${path}`),
    );
  });

  app.setErrorHandler((error: FastifyError | GridflowError | Error, request, reply) => {
    if (error instanceof HttpError) return sendError(reply, error.statusCode, error.toJSON());
    if (error instanceof GridflowError) {
      const status = statusFor(error.code);
      if (status >= 500) {
        request.log.error({ err: error }, 'server fault');
        // Attachment storage errors are written to be shown (they name the storage, nothing else).
        const shown = error.code.startsWith('attachments.');
        return sendError(
          reply,
          status,
          shown
            ? body(error.code, error.messages.zh, error.messages.en)
            : body(error.code, '服务器暂时无法处理请求', 'The server cannot handle the request right now'),
        );
      }
      return sendError(reply, status, error.toJSON());
    }
    const fastifyError = error as FastifyError;
    const known = typeof fastifyError.code === 'string' ? FASTIFY_CLIENT_ERRORS[fastifyError.code] : undefined;
    if (known) return sendError(reply, known[0], body(known[1], known[2], known[3]));
    if (error instanceof SyntaxError) {
      return sendError(
        reply,
        400,
        body('http.invalid_json', '请求体不是有效的 JSON', 'The request body is not valid JSON', ''),
      );
    }
    const state = sqlState(error);
    if (state !== undefined && state.startsWith('22')) {
      // A data exception (a number out of range, a text the database refuses): the transaction was rolled back.
      return sendError(
        reply,
        400,
        body(
          'input.out_of_range',
          '输入的数值或文字超出可存储的范围',
          'A value in the input is out of the range that can be stored',
        ),
      );
    }
    if (state === '23505') {
      return sendError(
        reply,
        409,
        body(
          'case.conflict',
          '数据已被他人修改，请刷新后重试',
          'The data was changed by someone else; reload and try again',
        ),
      );
    }
    const status = fastifyError.statusCode ?? 500;
    if (status === 429) {
      return sendError(
        reply,
        429,
        body('http.rate_limited', '请求过于频繁，请稍后再试', 'Too many requests; try again later'),
      );
    }
    if (status >= 400 && status < 500) {
      return sendError(
        reply,
        status,
        body(`http.${status}`, `请求有误（${status}）`, fastifyError.message || `Client error ${status}`),
      );
    }
    if (request.routeOptions.config?.multipart === true && MALFORMED_MULTIPART.test(error.message)) {
      return sendError(
        reply,
        400,
        body(
          'attachment.malformed',
          '上传内容不是完整的 multipart/form-data（缺少分隔符或内容被截断）',
          'The upload is not complete multipart/form-data (no boundary, or the body is cut short)',
        ),
      );
    }
    request.log.error({ err: error }, 'unhandled server error');
    return sendError(reply, 500, body('server.internal', '服务器内部错误', 'Internal server error'));
  });
}
