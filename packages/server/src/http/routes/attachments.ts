import type { FastifyInstance } from 'fastify';
import {
  AttachmentKind,
  contentTypeProblem,
  baseType,
  safeFilename,
  type AttachmentKind as Kind,
} from '../../attachments/index.js';
import { allowedBy } from '@gridflow/core/runtime';
import { type Actor, type CaseRecord, type Policy, type Runtime } from '@gridflow/core';
import { currentPolicy, policyOfCase } from '../access.js';
import { callerOf, readableCase, type HttpEnv } from '../env.js';
import { HttpError, httpErrors } from '../errors.js';
import { caseIdParams, errorResponses } from '../schemas.js';
import type { Schema } from '../validation.js';

const TAG = 'attachments';
const KINDS = Object.values(AttachmentKind) as string[];

const metaSchema: Schema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    caseId: { type: 'string' },
    kind: { enum: KINDS },
    filename: { type: 'string' },
    contentType: { type: 'string' },
    size: { type: 'integer' },
    sha256: { type: 'string' },
    uploadedBy: { type: 'string' },
    createdAt: { type: 'integer' },
  },
};

const attachmentParams: Schema = {
  ...caseIdParams,
  required: ['id', 'attachmentId'],
  properties: {
    ...(caseIdParams.properties as Record<string, Schema>),
    attachmentId: { type: 'string', maxLength: 36, pattern: '^[0-9a-f-]{36}$' },
  },
};

/** RFC 6266 `Content-Disposition` with an ASCII fallback and the UTF-8 name. */
function disposition(type: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * The command that attaches evidence of a kind to a case: `<process>.attach.<kind>`, where `<process>` is the
 * first part of the process's submit command (`case.attach.after`, `matter.attach.before`…). Attaching is a
 * permission of its own: reading a case does not let one add photos to it.
 */
export function attachCommand(env: HttpEnv, record: CaseRecord, kind: Kind): string {
  const def = env.definitions.find((d) => d.id === record.process);
  const prefix = (def?.submitCommand ?? 'case.submit').split('.')[0];
  return `${prefix}.attach.${kind}`;
}

/** The kinds of evidence an actor may attach to a case now, by the case's policy. */
function attachableKinds(env: HttpEnv, policy: Policy | null, actor: Actor, record: CaseRecord): Kind[] {
  if (!policy) return [];
  return (KINDS as Kind[]).filter(
    (kind) => allowedBy(policy, actor, attachCommand(env, record, kind), record.summary).length > 0,
  );
}

async function casePolicy(env: HttpEnv, runtime: Runtime, record: CaseRecord, tenant: string) {
  return policyOfCase(runtime, record, await currentPolicy(env.ctx, tenant));
}

const attachForbidden = (kind?: Kind) =>
  kind === undefined
    ? httpErrors.forbidden('attach files to this case', '向此案件上传附件')
    : httpErrors.forbidden(
        `attach ${kind === 'before' ? 'photos of the problem' : kind === 'after' ? 'photos of the fix' : 'other files'} to this case`,
        `向此案件上传${kind === 'before' ? '问题照片' : kind === 'after' ? '处置照片' : '其他附件'}`,
      );

/**
 * Attachments of a case: photos and files of the problem (`before`) and of the fix (`after`). Uploads are
 * multipart/form-data with one `file` and a `kind` field, within the configured size and types (the bytes must
 * match the declared type); stored in the database, a folder or an S3-compatible object store (as configured);
 * listed and served only to those who may read the case. When the store is down an upload gets 503
 * `attachments.unavailable` and nothing is recorded.
 */
export function attachmentRoutes(app: FastifyInstance, env: HttpEnv): void {
  const { ctx } = env;
  const { maxBytes, types } = ctx.config.attachments;

  app.post<{ Params: { id: string } }>(
    '/api/v1/cases/:id/attachments',
    {
      config: { multipart: true },
      schema: {
        tags: [TAG],
        summary: 'Upload an attachment',
        description: `multipart/form-data: \`kind\` (before | after | other, default other) and one \`file\`. At most ${maxBytes} bytes; types: ${types.join(', ')}. Attaching is a permission of its own, per kind: \`case.attach.before\` (the reporter, intake staff), \`case.attach.after\` and \`case.attach.other\` (the unit that holds the order), and likewise \`matter.attach.*\`, \`evaluation.attach.*\` (403 otherwise).`,
        security: [{ bearer: [] }],
        params: caseIdParams,
        body: {
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file'],
                additionalProperties: false,
                properties: {
                  kind: { enum: KINDS },
                  file: { type: 'string', format: 'binary', maxLength: maxBytes, contentMediaType: types.join(', ') },
                },
              },
            },
          },
        },
        response: { 201: metaSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { record, runtime } = await readableCase(env, caller, request.params.id);
      // Refused before the upload is read when the caller may attach nothing at all; per kind once it is known.
      const mayAttach = attachableKinds(
        env,
        await casePolicy(env, runtime, record, caller.tenant),
        caller.actor,
        record,
      );
      if (mayAttach.length === 0) throw attachForbidden();
      let kind: Kind = 'other';
      let file: { filename: string; mimetype: string; data: Buffer } | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          if (file || part.fieldname !== 'file') {
            await part.toBuffer();
            throw new HttpError(
              400,
              'attachment.unexpected_file',
              '只能上传一个名为 file 的文件',
              'Upload exactly one file, in the field `file`',
              { path: `/${part.fieldname}` },
            );
          }
          file = { filename: part.filename, mimetype: part.mimetype, data: await part.toBuffer() };
        } else if (part.fieldname === 'kind') {
          if (typeof part.value !== 'string' || !KINDS.includes(part.value)) {
            throw new HttpError(
              400,
              'attachment.invalid_kind',
              'kind 须为 before、after 或 other',
              'kind must be before, after or other',
              { path: '/kind' },
            );
          }
          kind = part.value as Kind;
        } else {
          throw new HttpError(
            400,
            'attachment.unknown_field',
            `未知字段 ${part.fieldname}`,
            `Unknown field ${part.fieldname}`,
            { path: `/${part.fieldname}` },
          );
        }
      }
      if (!mayAttach.includes(kind)) throw attachForbidden(kind);
      if (!file || file.data.byteLength === 0)
        throw new HttpError(400, 'attachment.missing', '没有收到文件', 'No file was uploaded', { path: '/file' });
      const problem = contentTypeProblem(file.mimetype, file.data, types);
      if (problem === 'not_allowed') {
        throw new HttpError(
          415,
          'attachment.type_not_allowed',
          `不接受此类文件（${baseType(file.mimetype)}）`,
          `Files of type ${baseType(file.mimetype)} are not accepted`,
          {
            path: '/file',
            details: { allowed: types },
          },
        );
      }
      if (problem === 'mismatch') {
        throw new HttpError(
          415,
          'attachment.type_mismatch',
          '文件内容与声明的类型不符',
          'The file’s content does not match its declared type',
          { path: '/file' },
        );
      }
      const meta = await env.attachments.save({
        tenant: caller.tenant,
        caseId: record.id,
        kind,
        filename: safeFilename(file.filename),
        contentType: baseType(file.mimetype),
        data: file.data,
        uploadedBy: caller.actor.id,
        at: ctx.clock.now(),
      });
      const { storage: _storage, ...shown } = meta;
      void reply.code(201).header('location', `/api/v1/cases/${encodeURIComponent(record.id)}/attachments/${meta.id}`);
      return shown;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/cases/:id/attachments',
    {
      schema: {
        tags: [TAG],
        summary: 'List a case’s attachments',
        security: [{ bearer: [] }],
        params: caseIdParams,
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: metaSchema } } },
          ...errorResponses(400, 401, 404, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { record } = await readableCase(env, caller, request.params.id);
      const items = await env.attachments.list(caller.tenant, record.id);
      return { items: items.map(({ storage: _s, ...meta }) => meta) };
    },
  );

  app.get<{ Params: { id: string; attachmentId: string } }>(
    '/api/v1/cases/:id/attachments/:attachmentId',
    {
      config: { queryToken: true },
      schema: {
        tags: [TAG],
        summary: 'Download an attachment',
        description: 'The bytes, with the stored type. The token may be given as `access_token` (for <img> and links).',
        security: [{ bearer: [] }],
        params: attachmentParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { access_token: { type: 'string', maxLength: 8192 } },
        },
        response: {
          200: { description: 'The file', type: 'string', format: 'binary' },
          ...errorResponses(400, 401, 404, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { record } = await readableCase(env, caller, request.params.id);
      const found = await env.attachments.read(caller.tenant, record.id, request.params.attachmentId);
      if (!found) throw new HttpError(404, 'attachment.not_found', '找不到附件', 'Attachment not found');
      const inline = found.meta.contentType.startsWith('image/');
      return reply
        .header('content-type', found.meta.contentType)
        .header('content-disposition', disposition(inline ? 'inline' : 'attachment', found.meta.filename))
        .header('cache-control', 'private, no-store')
        .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
        .header('x-content-type-options', 'nosniff')
        .send(Buffer.from(found.data));
    },
  );
}
